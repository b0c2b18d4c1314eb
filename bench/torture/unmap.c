/* unmap.c - the receiver unmaps its binder mapping under cold installs: every
 * round starts a fresh echo server (a new mapping, so every page is installed
 * cold) and C client processes sending verified transactions of random sizes
 * (up to 16 pages each) to it; at a random moment after the first reply of
 * the round (so that calls are in flight, however slow the kernel) the
 * server munmap()s its binder mapping under its loopers and exits.
 * Installs then race munmap():
 * the vma is detached, its page tables freed and binder's ->close() run
 * while other tasks install pages into it. Replies must verify or fail
 * cleanly (the driver's failed or dead reply), nothing may hang, and after
 * the last round binder must list no process. Run it on a KASAN/lockdep
 * kernel (scripts/debug-kernel) to see a use-after-free, not only a crash.
 */
#include "torture.h"
#include "lib/payload.h"
#include "lib/server.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define CALLS 200		/* calls per client per round, at most */
#define MAX_SIZE (64u << 10)	/* largest payload: 16 pages */
#define MAX_DELAY_US 20000	/* the unmap lands within this after the first reply */
enum { CLIENT_OK = 0, CLIENT_FAILED = 1, CLIENT_CORRUPT = 2 };

struct shared {
	uint64_t verified;	/* verified replies (atomic) */
	uint64_t round_verified; /* ... in this round: the server unmaps once
				 * it is not 0, so that calls are in flight */
	uint64_t failed;	/* failed replies (atomic) */
	uint64_t dead;		/* dead replies: the server is gone, or its
				 * mapping (an install found no vma) (atomic) */
};

/* Calls until the server is gone; a failed reply (the mapping is gone, the
 * install found no vma) is counted and the next call tried. */
static int client_main(const char *dev, uint64_t seed, struct shared *sh)
{
	struct torture_rng rng;
	struct bb_errbuf err = { "" };
	struct bb_client cl;
	struct bb_conn conn;
	uint8_t *req = malloc(MAX_SIZE);
	int ret = CLIENT_OK, r;

	torture_rng_seed(&rng, seed);
	if (!req)
		return CLIENT_FAILED;
	r = bb_open(&conn, dev, 1u << 20);
	if (r) {
		fprintf(stderr, "binder-torture: client %d: cannot open %s: %s\n",
			getpid(), dev, strerror(-r));
		free(req);
		return CLIENT_FAILED;
	}
	bb_client_init(&cl, &conn);
	for (uint32_t seq = 1; seq <= CALLS; seq++) {
		size_t size = 1 + torture_rng_below(&rng, MAX_SIZE);

		bb_payload_fill(req, size, seq);
		r = bb_echo_call(&cl, 0, seq, req, size, &err);
		if (r == 0) {
			__atomic_add_fetch(&sh->verified, 1, __ATOMIC_RELAXED);
			__atomic_add_fetch(&sh->round_verified, 1, __ATOMIC_RELEASE);
		} else if (r == -EIO) {
			__atomic_add_fetch(&sh->failed, 1, __ATOMIC_RELAXED);
		} else if (r == -EPIPE) {
			__atomic_add_fetch(&sh->dead, 1, __ATOMIC_RELAXED);
			break;
		} else {
			fprintf(stderr, "binder-torture: client %d: call %u (%zu bytes): %s\n",
				getpid(), seq, size, err.msg);
			ret = r == -EBADMSG ? CLIENT_CORRUPT : CLIENT_FAILED;
			break;
		}
	}
	bb_client_flush(&cl, &err);
	bb_close(&conn);
	free(req);
	return ret;
}

struct tally {
	size_t servers_segv;	/* servers whose looper read an unmapped buffer */
};

static int reap_client(pid_t pid, struct bb_errbuf *err)
{
	int status;

	if (waitpid(pid, &status, 0) < 0)
		return bb_fail(err, -errno, "waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status))
		return bb_fail(err, -EIO, "client %d died of signal %d", pid, WTERMSIG(status));
	switch (WEXITSTATUS(status)) {
	case CLIENT_OK:
		return 0;
	case CLIENT_CORRUPT:
		return bb_fail(err, -EBADMSG, "client %d got a corrupted payload", pid);
	default:
		return bb_fail(err, -EIO, "client %d failed (see above)", pid);
	}
}

/* The server exits by itself after its munmap(); a looper that was reading
 * a delivered buffer at that moment kills it with SIGSEGV, which is fine. */
static int reap_server(pid_t pid, struct tally *t, struct bb_errbuf *err)
{
	int status;

	if (waitpid(pid, &status, 0) < 0)
		return bb_fail(err, -errno, "waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) {
		t->servers_segv++;
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return bb_fail(err, -EIO, "the server ended with status 0x%x", status);
}

struct unmap_run {
	struct shared *sh;
	struct tally t;
};

static int round_run(const struct torture_opts *o, size_t round, struct torture_rng *rng,
		     void *ctx, struct bb_errbuf *err)
{
	struct shared *sh = ((struct unmap_run *)ctx)->sh;
	struct tally *t = &((struct unmap_run *)ctx)->t;

	(void)round;
	struct bb_server_opts so = { .dev = o->dev, .map_size = 4u << 20, .loopers = 4,
				     .reply_cap = MAX_SIZE };
	pid_t server, pids[64];
	int ret = 0;

	sh->round_verified = 0;
	so.unmap_when = &sh->round_verified;
	so.unmap_after_us = torture_rng_below(rng, MAX_DELAY_US);
	server = bb_server_spawn(&so, err);
	if (server < 0)
		return (int)server;
	for (size_t i = 0; i < o->clients; i++) {
		uint64_t seed = torture_rng_next(rng);

		pids[i] = fork();
		if (pids[i] == 0)
			_exit(client_main(o->dev, seed, sh));
		if (pids[i] < 0) {
			ret = bb_fail(err, -errno, "fork: %s", strerror(errno));
			for (size_t j = 0; j < i; j++)
				bb_server_kill(pids[j]);
			bb_server_kill(server);
			return ret;
		}
	}
	ret = reap_server(server, t, err);
	for (size_t i = 0; i < o->clients; i++) {
		int r = reap_client(pids[i], err);

		if (r && !ret)
			ret = r;
	}
	return ret;
}

int torture_unmap(const struct torture_opts *o, struct bb_errbuf *err)
{
	struct unmap_run run = { .t = { 0 } };
	uint64_t passes;
	long left;
	int ret;

	run.sh = mmap(NULL, sizeof(*run.sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (run.sh == MAP_FAILED)
		return bb_fail(err, -errno, "mmap: %s", strerror(errno));
	ret = torture_rounds(o, round_run, &run, &passes, &left, err);
	fprintf(o->log, "unmap: %zu rounds, %zu clients each: %" PRIu64 " verified replies, "
		"%" PRIu64 " failed replies, %" PRIu64 " dead replies (server or mapping gone), "
		"%zu servers died reading an unmapped buffer, %" PRIu64 " reclaim passes, "
		"binder procs left: %ld\n",
		o->rounds, o->clients, run.sh->verified, run.sh->failed, run.sh->dead,
		run.t.servers_segv, passes, left);
	if (!ret && o->rounds >= 10 && (run.sh->verified == 0 || run.sh->failed + run.sh->dead == 0))
		ret = bb_fail(err, -EINVAL, "no round had calls both before and after the unmap: "
				   "the test did not test");
	munmap(run.sh, sizeof(*run.sh));
	return ret;
}
