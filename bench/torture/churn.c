/* churn.c - mm churn: C client threads send verified transactions of
 * random sizes (most land on pages not installed yet) to a server whose
 * own threads meanwhile fork, mmap, fault, mremap, mprotect, munmap and
 * madvise(MADV_DONTNEED) other memory, for --seconds, with binder's
 * shrinker running in a loop under --reclaim. Every reply must verify and
 * the server must have seen no corrupted request.
 */
#include "torture.h"
#include "lib/payload.h"
#include "lib/server.h"
#include "lib/stats.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MAX_SIZE (128u << 10)
#define CHURN_THREADS 2

struct churn_run {
	const struct torture_opts *o;
	struct bb_conn conn;
	double deadline;
	uint64_t verified;	/* atomic */
	int failed;		/* atomic */
	pthread_mutex_t lock;
	struct bb_errbuf err;
};

struct churn_client {
	struct churn_run *run;
	uint64_t seed;
};

static void *client(void *arg)
{
	struct churn_client *c = arg;
	struct churn_run *run = c->run;
	struct bb_errbuf err = { "" };
	struct torture_rng rng;
	struct bb_client cl;
	uint8_t *req = malloc(MAX_SIZE);
	int ret = req ? 0 : -ENOMEM;

	torture_rng_seed(&rng, c->seed);
	bb_client_init(&cl, &run->conn);
	for (uint32_t seq = 1; !ret && bb_now_ns() / 1e9 < run->deadline &&
	     !__atomic_load_n(&run->failed, __ATOMIC_RELAXED); seq++) {
		size_t size = torture_rng_below(&rng, MAX_SIZE + 1);

		bb_payload_fill(req, size, seq);
		ret = bb_echo_call(&cl, 0, seq, req, size, &err);
		if (!ret)
			__atomic_add_fetch(&run->verified, 1, __ATOMIC_RELAXED);
	}
	if (!ret)
		ret = bb_client_flush(&cl, &err);
	if (ret) {
		pthread_mutex_lock(&run->lock);
		if (!run->failed)
			run->err = err;
		run->failed = 1;
		pthread_mutex_unlock(&run->lock);
	}
	free(req);
	return NULL;
}

int torture_churn(const struct torture_opts *o, struct bb_errbuf *err)
{
	struct churn_run run = { .o = o, .lock = PTHREAD_MUTEX_INITIALIZER };
	struct bb_churn *ch = mmap(NULL, sizeof(*ch), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct bb_server_opts so = { .dev = o->dev, .map_size = 4u << 20, .loopers = 4,
				     .reply_cap = MAX_SIZE, .churn_threads = CHURN_THREADS };
	struct churn_client cs[64];
	pthread_t tids[64];
	struct bb_reclaimer *rc = NULL;
	struct torture_rng rng;
	size_t started = 0;
	uint64_t passes;
	pid_t server;
	int ret;

	if (ch == MAP_FAILED)
		return bb_fail(err, -errno, "mmap: %s", strerror(errno));
	ch->more_mm_ops = 1;
	so.churn = ch;
	server = bb_server_spawn(&so, err);
	if (server < 0) {
		munmap(ch, sizeof(*ch));
		return (int)server;
	}
	ret = bb_open(&run.conn, o->dev, 4u << 20);
	if (ret) {
		bb_server_kill(server);
		munmap(ch, sizeof(*ch));
		return bb_fail(err, ret, "cannot open %s: %s", o->dev, strerror(-ret));
	}
	if (o->reclaim && (ret = bb_reclaimer_start(&rc, TORTURE_RECLAIM_PAUSE_US)))
		bb_fail(&run.err, ret, "cannot start the reclaimer: %s", strerror(-ret));
	torture_rng_seed(&rng, o->seed);
	run.deadline = bb_now_ns() / 1e9 + o->seconds;
	for (; !ret && started < o->clients; started++) {
		cs[started] = (struct churn_client){ &run, torture_rng_next(&rng) };
		ret = -pthread_create(&tids[started], NULL, client, &cs[started]);
		if (ret)
			bb_fail(&run.err, ret, "pthread_create: %s", strerror(-ret));
	}
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	passes = bb_reclaimer_stop(rc, NULL);
	if (ret || run.failed) {
		bb_server_kill(server);
		*err = run.err;
		ret = ret ? ret : -EIO;
	} else {
		ret = bb_server_stop(&run.conn, server, so.loopers, err);
	}
	bb_close(&run.conn);
	fprintf(o->log, "churn: %.1f s, %zu client threads: %" PRIu64 " verified replies; "
		"receiver mm ops: %" PRIu64 " mmap, %" PRIu64 " faults, %" PRIu64 " mprotect, "
		"%" PRIu64 " munmap, %" PRIu64 " fork+mremap+madvise rounds; %" PRIu64
		" reclaim passes\n", o->seconds, o->clients, run.verified,
		ch->n[BB_CHURN_MMAP], ch->n[BB_CHURN_FAULT], ch->n[BB_CHURN_MPROTECT],
		ch->n[BB_CHURN_MUNMAP], ch->more_ops, passes);
	if (!ret && (ch->more_ops == 0 || run.verified == 0))
		ret = bb_fail(err, -EINVAL, "no churn or no transactions happened: the test did not test");
	munmap(ch, sizeof(*ch));
	return ret;
}
