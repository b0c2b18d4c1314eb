/* binder_io.c - raw binder ioctl protocol: device setup, BC_* encoding,
 * BINDER_WRITE_READ and BR_* decoding (see binder_io.h).
 */
#include "binder_io.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int bb_open(struct bb_conn *c, const char *dev, size_t map_size)
{
	c->fd = open(dev, O_RDWR | O_CLOEXEC);
	c->map = MAP_FAILED;
	c->map_size = map_size;
	if (c->fd < 0)
		return -errno;
	if (!map_size)
		return 0;
	c->map = mmap(NULL, map_size, PROT_READ, MAP_PRIVATE, c->fd, 0);
	if (c->map == MAP_FAILED) {
		int err = -errno;

		close(c->fd);
		c->fd = -1;
		return err;
	}
	return 0;
}

void bb_close(struct bb_conn *c)
{
	if (c->map != MAP_FAILED && c->map)
		munmap(c->map, c->map_size);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->map = MAP_FAILED;
}

int bb_become_context_manager(struct bb_conn *c)
{
	return ioctl(c->fd, BINDER_SET_CONTEXT_MGR, 0) < 0 ? -errno : 0;
}

int bb_set_max_threads(struct bb_conn *c, uint32_t n)
{
	return ioctl(c->fd, BINDER_SET_MAX_THREADS, &n) < 0 ? -errno : 0;
}

int bb_extended_error(struct bb_conn *c, int32_t *param)
{
	struct binder_extended_error ee = { 0 };

	if (ioctl(c->fd, BINDER_GET_EXTENDED_ERROR, &ee) < 0)
		return -errno;
	*param = ee.param;
	return 0;
}

int bb_protocol_version(struct bb_conn *c, int32_t *version)
{
	struct binder_version v = { 0 };

	if (ioctl(c->fd, BINDER_VERSION, &v) < 0)
		return -errno;
	*version = v.protocol_version;
	return 0;
}

void bb_wbuf_reset(struct bb_wbuf *w)
{
	w->len = 0;
}

static int put(struct bb_wbuf *w, const void *p, size_t n)
{
	if (n > sizeof(w->data) - w->len)
		return -ENOSPC;
	memcpy(w->data + w->len, p, n);
	w->len += n;
	return 0;
}

int bb_put_cmd(struct bb_wbuf *w, uint32_t cmd)
{
	return put(w, &cmd, sizeof(cmd));
}

int bb_put_free_buffer(struct bb_wbuf *w, binder_uintptr_t buffer)
{
	uint32_t cmd = BC_FREE_BUFFER;

	if (sizeof(cmd) + sizeof(buffer) > sizeof(w->data) - w->len)
		return -ENOSPC;
	put(w, &cmd, sizeof(cmd));
	return put(w, &buffer, sizeof(buffer));
}

int bb_put_txn(struct bb_wbuf *w, uint32_t cmd, uint32_t handle, uint32_t code,
	       uint32_t flags, const void *data, size_t size)
{
	struct binder_transaction_data td;

	if (cmd != BC_TRANSACTION && cmd != BC_REPLY)
		return -EINVAL;
	if (sizeof(cmd) + sizeof(td) > sizeof(w->data) - w->len)
		return -ENOSPC;
	memset(&td, 0, sizeof(td));
	td.target.handle = handle;
	td.code = code;
	td.flags = flags;
	td.data_size = size;
	td.offsets_size = 0;
	td.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)data;
	td.data.ptr.offsets = 0;
	put(w, &cmd, sizeof(cmd));
	return put(w, &td, sizeof(td));
}

int bb_write_read(struct bb_conn *c, const void *wbuf, size_t wlen,
		  size_t *wdone, void *rbuf, size_t rcap, size_t *rdone)
{
	struct binder_write_read bwr;

	memset(&bwr, 0, sizeof(bwr));
	bwr.write_buffer = (binder_uintptr_t)(uintptr_t)wbuf;
	bwr.write_size = wlen;
	bwr.read_buffer = (binder_uintptr_t)(uintptr_t)rbuf;
	bwr.read_size = rcap;
	for (;;) {
		if (ioctl(c->fd, BINDER_WRITE_READ, &bwr) == 0)
			break;
		if (errno != EINTR)
			return -errno;
		/* Consumed counts survive; the kernel resumes where it stopped. */
	}
	if (wdone)
		*wdone = bwr.write_consumed;
	if (rdone)
		*rdone = bwr.read_consumed;
	return 0;
}

struct known_return {
	uint32_t cmd;
	const char *name;
};

#define R(x) { x, #x }
static const struct known_return known_returns[] = {
	R(BR_ERROR), R(BR_OK), R(BR_TRANSACTION_SEC_CTX), R(BR_TRANSACTION),
	R(BR_REPLY), R(BR_ACQUIRE_RESULT), R(BR_DEAD_REPLY),
	R(BR_TRANSACTION_COMPLETE), R(BR_INCREFS), R(BR_ACQUIRE),
	R(BR_RELEASE), R(BR_DECREFS), R(BR_ATTEMPT_ACQUIRE), R(BR_NOOP),
	R(BR_SPAWN_LOOPER), R(BR_FINISHED), R(BR_DEAD_BINDER),
	R(BR_CLEAR_DEATH_NOTIFICATION_DONE), R(BR_FAILED_REPLY),
	R(BR_FROZEN_REPLY), R(BR_ONEWAY_SPAM_SUSPECT),
	{ BB_BR_TRANSACTION_PENDING_FROZEN, "BR_TRANSACTION_PENDING_FROZEN" },
	{ BB_BR_FROZEN_BINDER, "BR_FROZEN_BINDER" },
	{ BB_BR_CLEAR_FREEZE_NOTIFICATION_DONE, "BR_CLEAR_FREEZE_NOTIFICATION_DONE" },
};
#undef R

static const struct known_return *find_return(uint32_t cmd)
{
	for (size_t i = 0; i < sizeof(known_returns) / sizeof(known_returns[0]); i++)
		if (known_returns[i].cmd == cmd)
			return &known_returns[i];
	return NULL;
}

const char *bb_return_name(uint32_t cmd)
{
	const struct known_return *k = find_return(cmd);

	return k ? k->name : "BR_UNKNOWN";
}

int bb_parse_return(const void *buf, size_t len, size_t *off,
		    struct bb_return *ret)
{
	const uint8_t *p = buf;
	uint32_t cmd;
	size_t size;

	if (*off >= len)
		return 0;
	if (len - *off < sizeof(cmd))
		return -EMSGSIZE;
	memcpy(&cmd, p + *off, sizeof(cmd));
	if (!find_return(cmd))
		return -EPROTO;
	/* Every BR_* encodes the size of its payload in its ioctl number. */
	size = _IOC_SIZE(cmd);
	if (size > sizeof(ret->u))
		return -EPROTO;
	if (len - *off - sizeof(cmd) < size)
		return -EMSGSIZE;
	memset(ret, 0, sizeof(*ret));
	ret->cmd = cmd;
	memcpy(&ret->u, p + *off + sizeof(cmd), size);
	*off += sizeof(cmd) + size;
	return 1;
}

const struct binder_transaction_data *bb_return_txn(const struct bb_return *r)
{
	switch (r->cmd) {
	case BR_TRANSACTION:
	case BR_REPLY:
		return &r->u.txn;
	case BR_TRANSACTION_SEC_CTX:
		return &r->u.txn_secctx.transaction_data;
	default:
		return NULL;
	}
}
