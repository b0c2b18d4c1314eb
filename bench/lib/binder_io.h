/* binder_io.h - a small C library over the raw binder ioctl protocol:
 * opening and mapping a binder device, building BC_* command streams,
 * BINDER_WRITE_READ, and parsing every BR_* return the driver can send.
 * Functions return 0 (or a positive count) on success and -errno on failure;
 * nothing here prints.
 */
#ifndef BINDERBENCH_BINDER_IO_H
#define BINDERBENCH_BINDER_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/android/binder.h>

/* Returns newer than the host's uapi header (Linux 6.1) may know about. */
#define BB_BR_TRANSACTION_PENDING_FROZEN _IO('r', 20)
#define BB_BR_FROZEN_BINDER _IOR('r', 21, struct bb_frozen_state_info)
#define BB_BR_CLEAR_FREEZE_NOTIFICATION_DONE _IOR('r', 22, binder_uintptr_t)

struct bb_frozen_state_info {
	binder_uintptr_t cookie;
	uint32_t is_frozen;
	uint32_t reserved;
};

/* Default size of the receive mapping (the kernel caps it at 4 MiB). */
#define BB_DEFAULT_MAP_SIZE (1024u * 1024u)

struct bb_conn {
	int fd;
	void *map;
	size_t map_size;
};

/* Opens dev and maps map_size bytes of it (nothing when map_size is 0). */
int bb_open(struct bb_conn *c, const char *dev, size_t map_size);
void bb_close(struct bb_conn *c);
int bb_become_context_manager(struct bb_conn *c);
int bb_set_max_threads(struct bb_conn *c, uint32_t n);
int bb_protocol_version(struct bb_conn *c, int32_t *version);
/* The calling thread's last failed transaction's errno (BINDER_GET_EXTENDED_
 * ERROR, Linux 6.0+; it resets it): *param is 0 when there was none. */
int bb_extended_error(struct bb_conn *c, int32_t *param);

/* A BC_* command stream being built. */
struct bb_wbuf {
	uint8_t data[512];
	size_t len;
};

void bb_wbuf_reset(struct bb_wbuf *w);
int bb_put_cmd(struct bb_wbuf *w, uint32_t cmd);
int bb_put_free_buffer(struct bb_wbuf *w, binder_uintptr_t buffer);
/* BC_TRANSACTION or BC_REPLY with a flat payload (no objects). */
int bb_put_txn(struct bb_wbuf *w, uint32_t cmd, uint32_t handle, uint32_t code,
	       uint32_t flags, const void *data, size_t size);

/* One BINDER_WRITE_READ: writes wlen bytes, reads up to rcap bytes.
 * *wdone and *rdone (either may be NULL) get the consumed/filled sizes.
 * Retries on EINTR (with the already consumed part skipped).
 */
int bb_write_read(struct bb_conn *c, const void *wbuf, size_t wlen,
		  size_t *wdone, void *rbuf, size_t rcap, size_t *rdone);

/* One parsed BR_* return. */
struct bb_return {
	uint32_t cmd;
	union {
		int32_t value; /* BR_ERROR, BR_ACQUIRE_RESULT */
		struct binder_transaction_data txn;
		struct binder_transaction_data_secctx txn_secctx;
		struct binder_ptr_cookie ptr_cookie;
		struct binder_pri_ptr_cookie pri_ptr_cookie;
		binder_uintptr_t cookie;
		struct bb_frozen_state_info frozen;
	} u;
};

/* Parses the return at *off in buf[0..len). Returns 1 and advances *off when
 * one was parsed, 0 at the end of the buffer, -EPROTO for an unknown command
 * and -EMSGSIZE for a truncated one (*off is left unchanged on errors).
 */
int bb_parse_return(const void *buf, size_t len, size_t *off,
		    struct bb_return *ret);

/* Name of a BR_* command ("BR_UNKNOWN" for others). */
const char *bb_return_name(uint32_t cmd);

/* Transaction data of a BR_TRANSACTION, BR_TRANSACTION_SEC_CTX or BR_REPLY. */
const struct binder_transaction_data *bb_return_txn(const struct bb_return *r);

#endif
