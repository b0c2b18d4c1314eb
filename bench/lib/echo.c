/* echo.c - server and client sides of the verified echo protocol (echo.h). */
#include "echo.h"
#include "payload.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_CAP 256

int bb_fail(struct bb_errbuf *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

/* Returns that mean the peer or the driver gave up on us. */
static int fatal_return(const struct bb_return *r, struct bb_errbuf *err)
{
	switch (r->cmd) {
	case BR_DEAD_REPLY:
		return bb_fail(err, -EPIPE, "BR_DEAD_REPLY: the other side is dead");
	case BR_FAILED_REPLY:
		return bb_fail(err, -EIO, "BR_FAILED_REPLY: the driver could not deliver the transaction");
	case BR_FROZEN_REPLY:
		return bb_fail(err, -EAGAIN, "BR_FROZEN_REPLY: the target is frozen");
	case BR_ERROR:
		return bb_fail(err, -EIO, "BR_ERROR %d from the driver", r->u.value);
	default:
		return 0;
	}
}

int bb_echo_serve(struct bb_conn *c, size_t reply_cap,
		  struct bb_server_stats *st, struct bb_errbuf *err)
{
	return bb_echo_serve_counted(c, reply_cap, NULL, st, err);
}

int bb_echo_serve_counted(struct bb_conn *c, size_t reply_cap, uint64_t *oneway_done,
			  struct bb_server_stats *st, struct bb_errbuf *err)
{
	uint8_t rbuf[READ_CAP];
	struct bb_wbuf w;
	uint8_t *reply;
	int ret = 0, quit = 0;

	reply = malloc(reply_cap ? reply_cap : 1);
	if (!reply)
		return bb_fail(err, -ENOMEM, "out of memory for a %zu byte reply", reply_cap);
	memset(st, 0, sizeof(*st));
	bb_wbuf_reset(&w);
	bb_put_cmd(&w, BC_ENTER_LOOPER);
	while (!ret) {
		size_t rlen = 0, off = 0, wdone = 0;
		struct bb_return r;
		int n;

		ret = bb_write_read(c, w.data, w.len, &wdone, rbuf, quit ? 0 : sizeof(rbuf), &rlen);
		if (ret) {
			ret = bb_fail(err, ret, "BINDER_WRITE_READ: %s", strerror(-ret));
			break;
		}
		if (wdone != w.len) {
			ret = bb_fail(err, -EIO, "driver consumed %zu of %zu command bytes", wdone, w.len);
			break;
		}
		bb_wbuf_reset(&w);
		if (quit)
			break;
		while ((n = bb_parse_return(rbuf, rlen, &off, &r)) == 1) {
			const struct binder_transaction_data *td = bb_return_txn(&r);
			uint32_t code = BB_REPLY_OK;
			size_t size;

			/* A looper only sends replies: these say one of
			 * them did not reach a client that died or failed
			 * meanwhile, which is the client's problem. */
			if (r.cmd == BR_DEAD_REPLY || r.cmd == BR_FAILED_REPLY) {
				st->failed_replies++;
				continue;
			}
			ret = fatal_return(&r, err);
			if (ret)
				break;
			if (r.cmd == BR_REPLY)
				continue;
			if (!td)
				continue; /* BR_NOOP, BR_TRANSACTION_COMPLETE, BR_SPAWN_LOOPER... */
			size = td->data_size;
			if (td->flags & TF_ONE_WAY) {
				if (bb_payload_check((const void *)(uintptr_t)td->data.ptr.buffer,
						     size, td->code) >= 0)
					st->bad_payloads++;
				st->oneway++;
				if (bb_put_free_buffer(&w, td->data.ptr.buffer)) {
					ret = bb_fail(err, -ENOSPC, "command buffer full");
					break;
				}
				if (oneway_done)
					__atomic_add_fetch(oneway_done, 1, __ATOMIC_RELEASE);
				continue;
			}
			if (td->code == BB_CODE_QUIT) {
				quit = 1;
				size = 0;
			} else if (bb_payload_check((const void *)(uintptr_t)td->data.ptr.buffer,
						    size, td->code) >= 0) {
				st->bad_payloads++;
				code = BB_REPLY_BAD_PAYLOAD;
			}
			if (size > reply_cap) {
				code = BB_REPLY_BAD_PAYLOAD;
				size = 0;
			}
			bb_payload_fill(reply, size, td->code ^ BB_REPLY_SALT);
			st->served++;
			if (bb_put_free_buffer(&w, td->data.ptr.buffer) ||
			    bb_put_txn(&w, BC_REPLY, 0, code, 0, reply, size)) {
				ret = bb_fail(err, -ENOSPC, "command buffer full");
				break;
			}
		}
		if (!ret && n < 0)
			ret = bb_fail(err, n, "malformed read buffer from the driver (%s)", strerror(-n));
	}
	free(reply);
	return ret;
}

void bb_client_init(struct bb_client *cl, struct bb_conn *conn)
{
	cl->conn = conn;
	cl->pending_free = 0;
	cl->has_pending_free = 0;
}

static int call(struct bb_client *cl, uint32_t handle, uint32_t code,
		const void *req, size_t size, struct bb_errbuf *err)
{
	uint8_t rbuf[READ_CAP];
	struct bb_wbuf w;
	int ret;

	bb_wbuf_reset(&w);
	if (cl->has_pending_free)
		bb_put_free_buffer(&w, cl->pending_free);
	cl->has_pending_free = 0;
	bb_put_txn(&w, BC_TRANSACTION, handle, code, 0, req, size);
	for (;;) {
		size_t rlen = 0, off = 0, wdone = 0;
		struct bb_return r;
		int n;

		ret = bb_write_read(cl->conn, w.data, w.len, &wdone, rbuf, sizeof(rbuf), &rlen);
		if (ret)
			return bb_fail(err, ret, "BINDER_WRITE_READ: %s", strerror(-ret));
		if (wdone != w.len)
			return bb_fail(err, -EIO, "driver consumed %zu of %zu command bytes", wdone, w.len);
		bb_wbuf_reset(&w);
		while ((n = bb_parse_return(rbuf, rlen, &off, &r)) == 1) {
			const struct binder_transaction_data *td;
			int32_t why = 0;

			/* The driver's reason for a failed call, where it keeps one. */
			if (r.cmd == BR_FAILED_REPLY && !bb_extended_error(cl->conn, &why) && why)
				return bb_fail(err, -EIO, "BR_FAILED_REPLY: the driver could not deliver the "
					       "transaction (extended error %s)", strerror(-why));
			ret = fatal_return(&r, err);
			if (ret)
				return ret;
			if (r.cmd == BR_TRANSACTION || r.cmd == BR_TRANSACTION_SEC_CTX)
				return bb_fail(err, -EPROTO, "unexpected incoming transaction on a client");
			if (r.cmd != BR_REPLY)
				continue;
			td = bb_return_txn(&r);
			cl->pending_free = td->data.ptr.buffer;
			cl->has_pending_free = 1;
			if (code == BB_CODE_QUIT)
				return 0;
			if (td->code != BB_REPLY_OK)
				return bb_fail(err, -EBADMSG, "server saw a corrupted request (seq %u)", code);
			if (td->data_size != size)
				return bb_fail(err, -EBADMSG, "reply of %llu bytes to a %zu byte request (seq %u)",
					    (unsigned long long)td->data_size, size, code);
			long bad = bb_payload_check((const void *)(uintptr_t)td->data.ptr.buffer,
						    size, code ^ BB_REPLY_SALT);
			if (bad >= 0)
				return bb_fail(err, -EBADMSG, "reply corrupted at byte %ld (seq %u)", bad, code);
			return 0;
		}
		if (n < 0)
			return bb_fail(err, n, "malformed read buffer from the driver (%s)", strerror(-n));
	}
}

int bb_echo_call(struct bb_client *cl, uint32_t handle, uint32_t seq,
		 const void *req, size_t size, struct bb_errbuf *err)
{
	if (seq == BB_CODE_QUIT)
		return bb_fail(err, -EINVAL, "sequence number 0 is reserved");
	return call(cl, handle, seq, req, size, err);
}

int bb_echo_send_oneway(struct bb_client *cl, uint32_t handle, uint32_t seq,
			const void *req, size_t size, struct bb_errbuf *err)
{
	uint8_t rbuf[READ_CAP];
	struct bb_wbuf w;
	int ret;

	if (seq == BB_CODE_QUIT)
		return bb_fail(err, -EINVAL, "sequence number 0 is reserved");
	bb_wbuf_reset(&w);
	if (cl->has_pending_free)
		bb_put_free_buffer(&w, cl->pending_free);
	cl->has_pending_free = 0;
	bb_put_txn(&w, BC_TRANSACTION, handle, seq, TF_ONE_WAY, req, size);
	for (;;) {
		size_t rlen = 0, off = 0, wdone = 0;
		struct bb_return r;
		int n;

		ret = bb_write_read(cl->conn, w.data, w.len, &wdone, rbuf, sizeof(rbuf), &rlen);
		if (ret)
			return bb_fail(err, ret, "BINDER_WRITE_READ: %s", strerror(-ret));
		if (wdone != w.len)
			return bb_fail(err, -EIO, "driver consumed %zu of %zu command bytes", wdone, w.len);
		bb_wbuf_reset(&w);
		while ((n = bb_parse_return(rbuf, rlen, &off, &r)) == 1) {
			ret = fatal_return(&r, err);
			if (ret)
				return ret;
			if (r.cmd == BR_TRANSACTION_COMPLETE)
				return 0;
		}
		if (n < 0)
			return bb_fail(err, n, "malformed read buffer from the driver (%s)", strerror(-n));
	}
}

int bb_echo_quit(struct bb_client *cl, uint32_t handle, struct bb_errbuf *err)
{
	int ret = call(cl, handle, BB_CODE_QUIT, NULL, 0, err);

	return ret ? ret : bb_client_flush(cl, err);
}

int bb_client_flush(struct bb_client *cl, struct bb_errbuf *err)
{
	struct bb_wbuf w;
	int ret;

	if (!cl->has_pending_free)
		return 0;
	bb_wbuf_reset(&w);
	bb_put_free_buffer(&w, cl->pending_free);
	cl->has_pending_free = 0;
	ret = bb_write_read(cl->conn, w.data, w.len, NULL, NULL, 0, NULL);
	return ret ? bb_fail(err, ret, "BC_FREE_BUFFER: %s", strerror(-ret)) : 0;
}
