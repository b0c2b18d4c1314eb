/* dontneed.c - a process zaps its own binder pages while replies install
 * them: C client threads of one process make verified calls whose replies
 * (1-4 KiB, so neighbouring replies share a boundary page) are installed
 * into the client's binder mapping concurrently by the server's loopers,
 * while another thread of the client loops madvise(MADV_DONTNEED) over that
 * mapping and binder's shrinker runs (--reclaim) so pages keep being
 * installed anew. Reading a zapped reply page raises SIGBUS (binder has no
 * fault handler): that is the process's own doing and is counted, not
 * failed. A reply that reads back wrong is the kernel's doing: binder
 * copied it into a page the process does not map (two installs of one page
 * both mapped theirs around the zap and alloc->pages[] kept the other).
 * The mode reports both; the guest test (tests/guest/dontneed_race.sh)
 * also counts pages left allocated after everything exited.
 */
#include "torture.h"
#include "lib/payload.h"
#include "lib/server.h"
#include "lib/stats.h"

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#define MIN_SIZE 1000u
#define MAX_SIZE 4096u
#define LOOPERS 8

struct dn_run {
	struct bb_conn conn;
	double deadline;
	int stop;		/* atomic: the clients are done */
	uint64_t verified, unreadable, corrupted, failed, zaps; /* atomic */
	pthread_mutex_t lock;
	int error;		/* first unexpected error, reason in err */
	struct bb_errbuf err;
};

struct dn_client {
	struct dn_run *run;
	uint64_t seed;
};

/* A signal handler cannot be handed a struct: the thread reading a reply
 * names its jump buffer here. */
static __thread sigjmp_buf *bus_guard;

static void on_sigbus(int sig)
{
	if (bus_guard)
		siglongjmp(*bus_guard, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* One call; a SIGBUS while it reads the reply ends it (the reply buffer is
 * already recorded for freeing by then). */
static int guarded_call(struct bb_client *cl, uint32_t seq, const void *req, size_t size,
			struct bb_errbuf *err, int *bus)
{
	sigjmp_buf jb;
	int ret;

	*bus = 0;
	if (sigsetjmp(jb, 1)) {
		bus_guard = NULL;
		*bus = 1;
		return 0;
	}
	bus_guard = &jb;
	ret = bb_echo_call(cl, 0, seq, req, size, err);
	bus_guard = NULL;
	return ret;
}

static void *client(void *arg)
{
	struct dn_client *c = arg;
	struct dn_run *run = c->run;
	struct bb_errbuf err = { "" };
	struct torture_rng rng;
	struct bb_client cl;
	uint8_t req[MAX_SIZE];
	int ret = 0, bus;

	torture_rng_seed(&rng, c->seed);
	bb_client_init(&cl, &run->conn);
	for (uint32_t seq = 1; bb_now_ns() / 1e9 < run->deadline; seq++) {
		size_t size = MIN_SIZE + torture_rng_below(&rng, MAX_SIZE - MIN_SIZE + 1);

		bb_payload_fill(req, size, seq);
		ret = guarded_call(&cl, seq, req, size, &err, &bus);
		if (bus)
			__atomic_add_fetch(&run->unreadable, 1, __ATOMIC_RELAXED);
		else if (ret == 0)
			__atomic_add_fetch(&run->verified, 1, __ATOMIC_RELAXED);
		else if (ret == -EBADMSG)
			__atomic_add_fetch(&run->corrupted, 1, __ATOMIC_RELAXED);
		else if (ret == -EIO || ret == -EPIPE)
			__atomic_add_fetch(&run->failed, 1, __ATOMIC_RELAXED);
		else
			break;
		ret = 0;
	}
	if (!ret)
		ret = bb_client_flush(&cl, &err);
	if (ret) {
		pthread_mutex_lock(&run->lock);
		if (!run->error) {
			run->error = ret;
			run->err = err;
		}
		pthread_mutex_unlock(&run->lock);
	}
	return NULL;
}

static void *zapper(void *arg)
{
	struct dn_run *run = arg;

	while (!__atomic_load_n(&run->stop, __ATOMIC_ACQUIRE)) {
		if (madvise(run->conn.map, run->conn.map_size, MADV_DONTNEED) == 0)
			__atomic_add_fetch(&run->zaps, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

int torture_dontneed(const struct torture_opts *o, struct bb_errbuf *err)
{
	struct dn_run run = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct bb_server_opts so = { .dev = o->dev, .map_size = 1u << 20, .loopers = LOOPERS,
				     .reply_cap = MAX_SIZE };
	struct dn_client cs[64];
	pthread_t tids[64], ztid;
	struct bb_reclaimer *rc = NULL;
	struct torture_rng rng;
	struct sigaction sa = { .sa_handler = on_sigbus };
	size_t started = 0;
	uint64_t passes;
	pid_t server;
	int ret;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL))
		return bb_fail(err, -errno, "sigaction: %s", strerror(errno));
	server = bb_server_spawn(&so, err);
	if (server < 0)
		return (int)server;
	ret = bb_open(&run.conn, o->dev, 1u << 20);
	if (ret) {
		bb_server_kill(server);
		return bb_fail(err, ret, "cannot open %s: %s", o->dev, strerror(-ret));
	}
	if (o->reclaim && (ret = bb_reclaimer_start(&rc, TORTURE_RECLAIM_PAUSE_US)))
		bb_fail(&run.err, ret, "cannot start the reclaimer: %s", strerror(-ret));
	if (!ret && (ret = -pthread_create(&ztid, NULL, zapper, &run)))
		bb_fail(&run.err, ret, "pthread_create: %s", strerror(-ret));
	torture_rng_seed(&rng, o->seed);
	run.deadline = bb_now_ns() / 1e9 + o->seconds;
	for (; !ret && started < o->clients; started++) {
		cs[started] = (struct dn_client){ &run, torture_rng_next(&rng) };
		ret = -pthread_create(&tids[started], NULL, client, &cs[started]);
		if (ret)
			bb_fail(&run.err, ret, "pthread_create: %s", strerror(-ret));
	}
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	__atomic_store_n(&run.stop, 1, __ATOMIC_RELEASE);
	if (started || !ret)
		pthread_join(ztid, NULL);
	passes = bb_reclaimer_stop(rc, NULL);
	if (ret || run.error) {
		bb_server_kill(server);
		*err = run.err;
		ret = ret ? ret : run.error;
	} else {
		ret = bb_server_stop(&run.conn, server, so.loopers, err);
	}
	bb_close(&run.conn);
	fprintf(o->log, "dontneed: %.1f s, %zu client threads: %" PRIu64 " verified replies, "
		"%" PRIu64 " unreadable (SIGBUS: zapped by our own MADV_DONTNEED), "
		"%" PRIu64 " corrupted (binder copied into a page we do not map), "
		"%" PRIu64 " failed; %" PRIu64 " MADV_DONTNEED passes, %" PRIu64 " reclaim passes\n",
		o->seconds, o->clients, run.verified, run.unreadable, run.corrupted, run.failed,
		run.zaps, passes);
	if (!ret && (run.zaps == 0 || run.verified + run.unreadable == 0))
		ret = bb_fail(err, -EINVAL, "no zaps or no replies: the test did not test");
	if (!ret && run.corrupted)
		ret = bb_fail(err, -EBADMSG, "%" PRIu64 " replies read back wrong", run.corrupted);
	return ret;
}
