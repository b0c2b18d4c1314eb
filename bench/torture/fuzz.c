/* fuzz.c - bounded, seeded ioctl abuse: C threads each make --rounds random
 * operations on their own binder fd and on one fd they share (all opened
 * O_NONBLOCK, so a read with no work returns EAGAIN instead of sleeping):
 * malformed BINDER_WRITE_READ command streams (random bytes, truncated
 * commands, transactions with bad handles, huge sizes, bad buffer and
 * offset pointers and random objects, stray replies, bad frees and
 * reference commands), bad pointers to the ioctl arguments, the other
 * binder ioctls with random arguments, reads into bad buffers, and fds
 * reopened with random mapping sizes. A separate "sink" process is the
 * context manager and answers whatever reaches it. Only the kernel is
 * judged: every ioctl must return (the caller's --timeout catches hangs)
 * and dmesg must stay clean (scripts/vm-run checks it). BINDER_FREEZE is
 * left out: freezing with a random timeout is meant to sleep.
 */
#include "torture.h"
#include "lib/binder_io.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUF 4096
#define RECENT 8 /* buffers received, kept for (double) frees */

enum outcome { OK, E_FAULT, E_INVAL, E_AGAIN, E_OTHER, OUTCOMES };

struct fuzz_thread {
	const struct torture_opts *o;
	int shared_fd;
	int fd;
	void *map;
	size_t map_size;
	struct torture_rng rng;
	uint64_t count[OUTCOMES];
	binder_uintptr_t recent[RECENT];
	uint8_t wbuf[BUF];
	uint8_t rbuf[BUF];
	uint8_t data[BUF] __attribute__((aligned(8)));
	binder_size_t offsets[16];
};

static void tally(struct fuzz_thread *t, int ret)
{
	int e = ret < 0 ? errno : 0;

	t->count[e == 0 ? OK : e == EFAULT ? E_FAULT : e == EINVAL ? E_INVAL :
		 e == EAGAIN ? E_AGAIN : E_OTHER]++;
}

/* A value that is often interesting: 0, small, page-ish, huge, all ones. */
static uint64_t pick(struct fuzz_thread *t)
{
	static const uint64_t edge[] = { 0, 1, 7, 8, 24, 4095, 4096, 4097, 1u << 20,
					 4u << 20, 1ull << 31, 1ull << 32, ~0ull, ~0ull - 7 };

	if (torture_rng_below(&t->rng, 2))
		return edge[torture_rng_below(&t->rng, sizeof(edge) / sizeof(edge[0]))];
	return torture_rng_next(&t->rng) >> torture_rng_below(&t->rng, 64);
}

/* A user pointer: ours, NULL, low, kernel, unmapped, or inside the mapping. */
static binder_uintptr_t pointer(struct fuzz_thread *t, const void *ours)
{
	switch (torture_rng_below(&t->rng, 7)) {
	case 0: return 0;
	case 1: return 0x1000;
	case 2: return 0xffff888000000000ull;
	case 3: return (binder_uintptr_t)(uintptr_t)t->map + torture_rng_below(&t->rng, 1u << 20);
	case 4: return (binder_uintptr_t)pick(t);
	default: return (binder_uintptr_t)(uintptr_t)ours;
	}
}

static int fd_of(struct fuzz_thread *t)
{
	return torture_rng_below(&t->rng, 4) ? t->fd : t->shared_fd;
}

static int bwr(struct fuzz_thread *t, int fd, const void *w, size_t wlen, size_t rlen)
{
	struct binder_write_read b = {
		.write_size = wlen, .write_buffer = (binder_uintptr_t)(uintptr_t)w,
		.read_size = rlen, .read_buffer = (binder_uintptr_t)(uintptr_t)t->rbuf,
	};
	int ret = ioctl(fd, BINDER_WRITE_READ, &b);

	tally(t, ret);
	return ret;
}

/* Flat objects in t->data with offsets to them. Sane ones (local nodes
 * and references to the context manager at the right offsets) get
 * delivered and exercise translation and reference counting; the others
 * have random types, fields, parents and offsets. */
static size_t objects(struct fuzz_thread *t, size_t size, int sane)
{
	static const uint32_t types[] = { BINDER_TYPE_BINDER, BINDER_TYPE_WEAK_BINDER,
					  BINDER_TYPE_HANDLE, BINDER_TYPE_WEAK_HANDLE,
					  BINDER_TYPE_FD, BINDER_TYPE_FDA, BINDER_TYPE_PTR };
	size_t n = torture_rng_below(&t->rng, 5), off = 0;

	for (size_t i = 0; i < n; i++) {
		struct flat_binder_object *fo;

		if (off + sizeof(struct binder_buffer_object) > size)
			return i;
		fo = (struct flat_binder_object *)(t->data + off);
		t->offsets[i] = off;
		if (sane) {
			fo->hdr.type = types[torture_rng_below(&t->rng, 4)];
			fo->flags = 0;
			fo->binder = fo->hdr.type == BINDER_TYPE_HANDLE ||
				fo->hdr.type == BINDER_TYPE_WEAK_HANDLE ? 0 :
				0x1000 + 16 * torture_rng_below(&t->rng, 64);
			fo->cookie = 0;
			off += sizeof(*fo);
			continue;
		}
		fo->hdr.type = torture_rng_below(&t->rng, 8) ?
			types[torture_rng_below(&t->rng, 7)] : (uint32_t)pick(t);
		fo->flags = (uint32_t)pick(t);
		fo->binder = (binder_uintptr_t)pick(t);
		fo->cookie = (binder_uintptr_t)pick(t);
		if (fo->hdr.type == BINDER_TYPE_PTR || fo->hdr.type == BINDER_TYPE_FDA) {
			struct binder_buffer_object *bo = (struct binder_buffer_object *)fo;

			bo->buffer = pointer(t, t->data);
			bo->length = torture_rng_below(&t->rng, 2) ? 16 : pick(t);
			bo->parent = torture_rng_below(&t->rng, 4);
			bo->parent_offset = torture_rng_below(&t->rng, 64);
		}
		if (!torture_rng_below(&t->rng, 6))
			t->offsets[i] = pick(t);
		off += torture_rng_below(&t->rng, 2) ? sizeof(struct binder_buffer_object) : 24;
	}
	return n;
}

static void transaction(struct fuzz_thread *t)
{
	static const uint32_t cmds[] = { BC_TRANSACTION, BC_REPLY, BC_TRANSACTION_SG, BC_REPLY_SG };
	struct binder_transaction_data_sg sg = { 0 };
	struct binder_transaction_data *td = &sg.transaction_data;
	int sane = torture_rng_below(&t->rng, 2);
	uint32_t cmd = sane ? BC_TRANSACTION : cmds[torture_rng_below(&t->rng, 4)];
	size_t size = sane || torture_rng_below(&t->rng, 3) ? torture_rng_below(&t->rng, BUF) : pick(t);
	size_t n = objects(t, size < BUF ? size : BUF, sane), len;

	td->target.handle = sane || torture_rng_below(&t->rng, 2) ? 0 : (uint32_t)pick(t);
	td->code = (uint32_t)pick(t);
	td->flags = torture_rng_below(&t->rng, 2) ? TF_ONE_WAY : (uint32_t)pick(t) & 0xff;
	td->data_size = size;
	td->offsets_size = sane || torture_rng_below(&t->rng, 4) ? n * sizeof(binder_size_t) : pick(t);
	td->data.ptr.buffer = sane ? (binder_uintptr_t)(uintptr_t)t->data : pointer(t, t->data);
	td->data.ptr.offsets = sane ? (binder_uintptr_t)(uintptr_t)t->offsets : pointer(t, t->offsets);
	sg.buffers_size = torture_rng_below(&t->rng, 2) ? 64 : pick(t);
	memcpy(t->wbuf, &cmd, sizeof(cmd));
	len = cmd == BC_TRANSACTION || cmd == BC_REPLY ? sizeof(*td) : sizeof(sg);
	memcpy(t->wbuf + sizeof(cmd), &sg, len);
	len += sizeof(cmd);
	if (!sane && !torture_rng_below(&t->rng, 8))
		len = torture_rng_below(&t->rng, len); /* truncated */
	bwr(t, fd_of(t), t->wbuf, len, torture_rng_below(&t->rng, 2) ? BUF : 0);
}

static void small_command(struct fuzz_thread *t)
{
	static const uint32_t cmds[] = {
		BC_FREE_BUFFER, BC_INCREFS, BC_ACQUIRE, BC_RELEASE, BC_DECREFS,
		BC_INCREFS_DONE, BC_ACQUIRE_DONE, BC_REGISTER_LOOPER, BC_ENTER_LOOPER,
		BC_EXIT_LOOPER, BC_REQUEST_DEATH_NOTIFICATION, BC_CLEAR_DEATH_NOTIFICATION,
		BC_DEAD_BINDER_DONE, BC_ATTEMPT_ACQUIRE, BC_ACQUIRE_RESULT,
	};
	size_t len = 0, n = 1 + torture_rng_below(&t->rng, 6);

	for (size_t i = 0; i < n && len + 24 <= BUF; i++) {
		uint32_t cmd = torture_rng_below(&t->rng, 10) ?
			cmds[torture_rng_below(&t->rng, sizeof(cmds) / sizeof(cmds[0]))] :
			(uint32_t)pick(t);
		uint64_t a = cmd == BC_FREE_BUFFER && torture_rng_below(&t->rng, 2) ?
			t->recent[torture_rng_below(&t->rng, RECENT)] : pick(t);
		uint64_t b = pick(t);

		memcpy(t->wbuf + len, &cmd, 4);
		memcpy(t->wbuf + len + 4, &a, 8);
		memcpy(t->wbuf + len + 12, &b, 8);
		len += 4 + _IOC_SIZE(cmd) % 24;
	}
	if (!torture_rng_below(&t->rng, 4))
		len = torture_rng_below(&t->rng, len + 1);
	bwr(t, fd_of(t), t->wbuf, len, 0);
}

/* Reads what is there; frees most received buffers properly and keeps
 * their addresses for later double frees. */
static void read_returns(struct fuzz_thread *t)
{
	struct binder_write_read b = { .read_size = torture_rng_below(&t->rng, BUF + 1) };
	struct bb_wbuf w;
	size_t off = 0;
	int ret;

	int fd = fd_of(t);

	b.read_buffer = torture_rng_below(&t->rng, 8) ? (binder_uintptr_t)(uintptr_t)t->rbuf :
		pointer(t, t->rbuf);
	ret = ioctl(fd, BINDER_WRITE_READ, &b);
	tally(t, ret);
	if (ret < 0 || b.read_buffer != (binder_uintptr_t)(uintptr_t)t->rbuf)
		return;
	bb_wbuf_reset(&w);
	for (;;) {
		struct bb_return r;
		const struct binder_transaction_data *td;

		if (bb_parse_return(t->rbuf, b.read_consumed, &off, &r) != 1)
			break;
		td = bb_return_txn(&r);
		if (!td)
			continue;
		t->recent[torture_rng_below(&t->rng, RECENT)] = td->data.ptr.buffer;
		if (torture_rng_below(&t->rng, 4) && bb_put_free_buffer(&w, td->data.ptr.buffer))
			break;
	}
	if (w.len)
		bwr(t, fd, w.data, w.len, 0);
}

static void bad_bwr(struct fuzz_thread *t)
{
	struct binder_write_read b = {
		.write_size = pick(t), .write_buffer = pointer(t, t->wbuf),
		.read_size = pick(t), .read_buffer = pointer(t, t->rbuf),
	};
	void *arg = torture_rng_below(&t->rng, 3) ? (void *)&b :
		(void *)(uintptr_t)pointer(t, &b);

	tally(t, ioctl(fd_of(t), BINDER_WRITE_READ, arg));
}

static void other_ioctl(struct fuzz_thread *t)
{
	static const unsigned long cmds[] = {
		BINDER_SET_MAX_THREADS, BINDER_VERSION, BINDER_SET_IDLE_TIMEOUT,
		BINDER_SET_IDLE_PRIORITY, BINDER_SET_CONTEXT_MGR, BINDER_THREAD_EXIT,
		BINDER_GET_NODE_DEBUG_INFO, BINDER_GET_NODE_INFO_FOR_REF,
		BINDER_SET_CONTEXT_MGR_EXT, BINDER_GET_FROZEN_INFO,
		BINDER_ENABLE_ONEWAY_SPAM_DETECTION, BINDER_GET_EXTENDED_ERROR,
	};
	unsigned long cmd = torture_rng_below(&t->rng, 8) ?
		cmds[torture_rng_below(&t->rng, sizeof(cmds) / sizeof(cmds[0]))] :
		_IOC(torture_rng_below(&t->rng, 4), 'b', torture_rng_below(&t->rng, 40),
		     torture_rng_below(&t->rng, 64));
	uint64_t *arg = (uint64_t *)t->data;

	for (size_t i = 0; i < 8; i++)
		arg[i] = pick(t);
	tally(t, ioctl(fd_of(t), cmd, torture_rng_below(&t->rng, 4) ?
		       (void *)arg : (void *)(uintptr_t)pointer(t, arg)));
}

static void random_bytes(struct fuzz_thread *t)
{
	size_t len = torture_rng_below(&t->rng, 129);

	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = torture_rng_next(&t->rng);

		memcpy(t->wbuf + i, &v, 8);
	}
	bwr(t, fd_of(t), t->wbuf, len, torture_rng_below(&t->rng, 2) ? BUF : 0);
}

static void reopen(struct fuzz_thread *t)
{
	if (t->map && t->map != MAP_FAILED)
		munmap(t->map, t->map_size);
	if (t->fd >= 0)
		close(t->fd);
	t->map = NULL;
	t->fd = open(t->o->dev, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	tally(t, t->fd < 0 ? -1 : 0);
	if (t->fd < 0 || !torture_rng_below(&t->rng, 8))
		return;
	t->map_size = torture_rng_below(&t->rng, 2) ? 1u << 20 : 1 + torture_rng_below(&t->rng, 8u << 20);
	t->map = mmap(NULL, t->map_size, PROT_READ, MAP_PRIVATE, t->fd, 0);
	tally(t, t->map == MAP_FAILED ? -1 : 0);
}

static void *fuzz_thread(void *arg)
{
	static void (*const ops[])(struct fuzz_thread *) = {
		transaction, transaction, small_command, read_returns, read_returns,
		bad_bwr, other_ioctl, random_bytes,
	};
	struct fuzz_thread *t = arg;

	t->fd = -1;
	reopen(t);
	for (size_t i = 0; i < t->o->rounds; i++) {
		if (t->fd < 0 || !torture_rng_below(&t->rng, 500))
			reopen(t);
		if (t->fd >= 0)
			ops[torture_rng_below(&t->rng, sizeof(ops) / sizeof(ops[0]))](t);
	}
	if (t->map && t->map != MAP_FAILED)
		munmap(t->map, t->map_size);
	if (t->fd >= 0)
		close(t->fd);
	return NULL;
}

/* The context manager everything reaches: frees what it gets and answers
 * synchronous transactions with an empty reply, until killed. */
static void sink_main(const char *dev, uint64_t *received)
{
	uint8_t rbuf[BUF];
	struct bb_wbuf w;
	struct bb_conn c;

	if (bb_open(&c, dev, 1u << 20) || bb_become_context_manager(&c))
		_exit(1);
	bb_wbuf_reset(&w);
	bb_put_cmd(&w, BC_ENTER_LOOPER);
	for (;;) {
		size_t rlen = 0, off = 0;
		struct bb_return r;

		if (bb_write_read(&c, w.data, w.len, NULL, rbuf, sizeof(rbuf), &rlen))
			bb_wbuf_reset(&w);
		bb_wbuf_reset(&w);
		while (bb_parse_return(rbuf, rlen, &off, &r) == 1) {
			const struct binder_transaction_data *td = bb_return_txn(&r);

			if (!td || r.cmd == BR_REPLY)
				continue;
			__atomic_add_fetch(received, 1, __ATOMIC_RELAXED);
			if (w.len + 128 > sizeof(w.data))
				break;
			bb_put_free_buffer(&w, td->data.ptr.buffer);
			if (!(td->flags & TF_ONE_WAY))
				bb_put_txn(&w, BC_REPLY, 0, 0, 0, NULL, 0);
		}
	}
}

int torture_fuzz(const struct torture_opts *o, struct bb_errbuf *err)
{
	static const char *const names[OUTCOMES] = { "ok", "EFAULT", "EINVAL", "EAGAIN", "other" };
	struct fuzz_thread *ts = calloc(o->clients, sizeof(*ts));
	uint64_t *received = mmap(NULL, sizeof(*received), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_t tids[64];
	uint64_t total[OUTCOMES] = { 0 };
	struct torture_rng rng;
	size_t started = 0;
	int shared, ret = 0, status;
	pid_t sink;

	if (!ts || received == MAP_FAILED) {
		free(ts);
		return bb_fail(err, -ENOMEM, "out of memory");
	}
	sink = fork();
	if (sink == 0)
		sink_main(o->dev, received);
	if (sink < 0) {
		free(ts);
		return bb_fail(err, -errno, "fork: %s", strerror(errno));
	}
	usleep(200000); /* let the sink become the context manager */
	shared = open(o->dev, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (shared < 0) {
		ret = bb_fail(err, -errno, "open %s: %s", o->dev, strerror(errno));
		goto out;
	}
	torture_rng_seed(&rng, o->seed);
	for (; started < o->clients; started++) {
		ts[started].o = o;
		ts[started].shared_fd = shared;
		torture_rng_seed(&ts[started].rng, torture_rng_next(&rng));
		if ((ret = -pthread_create(&tids[started], NULL, fuzz_thread, &ts[started]))) {
			bb_fail(err, ret, "pthread_create: %s", strerror(-ret));
			break;
		}
	}
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	close(shared);
out:
	kill(sink, SIGKILL);
	waitpid(sink, &status, 0);
	for (size_t i = 0; i < started; i++)
		for (int k = 0; k < OUTCOMES; k++)
			total[k] += ts[i].count[k];
	fprintf(o->log, "fuzz: %zu threads x %zu operations:", o->clients, o->rounds);
	for (int k = 0; k < OUTCOMES; k++)
		fprintf(o->log, " %s %" PRIu64, names[k], total[k]);
	fprintf(o->log, "; transactions delivered to the sink: %" PRIu64 "\n", *received);
	munmap(received, sizeof(*received));
	free(ts);
	return ret;
}
