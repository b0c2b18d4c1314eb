/* echo.h - the verified echo protocol every storm uses: a client sends a
 * transaction whose payload is the pattern of its sequence number; the server
 * checks it and replies with the salted pattern of the same size, which the
 * client checks in turn. Errors come back as negative errno values with a
 * one-line reason in the caller's buffer.
 */
#ifndef BINDERBENCH_ECHO_H
#define BINDERBENCH_ECHO_H

#include "binder_io.h"

#include <stdint.h>

/* Transaction code that asks the server to stop (sequence numbers start at 1). */
#define BB_CODE_QUIT 0u
/* Reply codes. */
#define BB_REPLY_OK 0u
#define BB_REPLY_BAD_PAYLOAD 1u

struct bb_errbuf {
	char msg[200];
};

/* Formats a one-line reason into err (when not NULL) and returns code: the
 * library's and the drivers' way to fail, "return bb_fail(err, -EIO, ...)". */
int bb_fail(struct bb_errbuf *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct bb_server_stats {
	uint64_t served;
	uint64_t bad_payloads;
	uint64_t oneway;
	uint64_t failed_replies;	/* replies to clients gone meanwhile */
};

/* Serves echo transactions on c (already context manager) until BB_CODE_QUIT.
 * reply_cap is the largest payload the server will answer. One-way
 * transactions are verified and freed without a reply; when oneway_done is
 * not NULL it is incremented (atomically) after each one.
 */
int bb_echo_serve(struct bb_conn *c, size_t reply_cap,
		  struct bb_server_stats *st, struct bb_errbuf *err);
int bb_echo_serve_counted(struct bb_conn *c, size_t reply_cap, uint64_t *oneway_done,
			  struct bb_server_stats *st, struct bb_errbuf *err);

struct bb_client {
	struct bb_conn *conn;
	binder_uintptr_t pending_free;
	int has_pending_free;
};

void bb_client_init(struct bb_client *cl, struct bb_conn *conn);
/* One synchronous echo of size bytes (req must hold the pattern of seq).
 * Returns 0 with the reply verified, -EBADMSG for a corrupted payload
 * (either way), -EPIPE when the server is dead, other -errno on errors.
 */
int bb_echo_call(struct bb_client *cl, uint32_t handle, uint32_t seq,
		 const void *req, size_t size, struct bb_errbuf *err);
/* One one-way (TF_ONE_WAY) echo of size bytes: returns once the driver has
 * queued it (BR_TRANSACTION_COMPLETE); the server verifies it, no reply.
 */
int bb_echo_send_oneway(struct bb_client *cl, uint32_t handle, uint32_t seq,
			const void *req, size_t size, struct bb_errbuf *err);
/* Asks the server to stop and waits for its reply. */
int bb_echo_quit(struct bb_client *cl, uint32_t handle, struct bb_errbuf *err);
/* Frees the last reply buffer, if any. */
int bb_client_flush(struct bb_client *cl, struct bb_errbuf *err);

#endif
