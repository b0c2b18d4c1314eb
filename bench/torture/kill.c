/* kill.c - process death: every round starts an echo server and C client
 * processes sending verified transactions of random sizes (cold installs,
 * with --reclaim the shrinker runs meanwhile), then SIGKILLs some clients at
 * random moments, and every fourth round the server instead. Survivors must
 * finish every call with a verified reply (or, when their server was
 * killed, get a clean "dead" error); nothing may hang; after the last round
 * binder's debugfs state must show no process left.
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
#include <time.h>
#include <unistd.h>

#define CALLS 60		/* calls per client per round */
#define MAX_SIZE (64u << 10)	/* largest payload */
#define MAX_DELAY_US 40000	/* kills land within this after the start */
enum { CLIENT_OK = 0, CLIENT_FAILED = 1, CLIENT_SERVER_DEAD = 3 };

struct shared {
	uint64_t verified;	/* verified replies, all clients (atomic) */
};

static int client_main(const char *dev, uint64_t seed, struct shared *sh)
{
	struct torture_rng rng;
	struct bb_errbuf err = { "" };
	struct bb_client cl;
	struct bb_conn conn;
	uint8_t *req = malloc(MAX_SIZE);
	int ret;

	torture_rng_seed(&rng, seed);
	if (!req)
		return CLIENT_FAILED;
	ret = bb_open(&conn, dev, 1u << 20);
	if (ret) {
		fprintf(stderr, "binder-torture: client %d: cannot open %s: %s\n",
			getpid(), dev, strerror(-ret));
		return CLIENT_FAILED;
	}
	bb_client_init(&cl, &conn);
	for (uint32_t seq = 1; seq <= CALLS; seq++) {
		size_t size = torture_rng_below(&rng, MAX_SIZE + 1);

		bb_payload_fill(req, size, seq);
		ret = bb_echo_call(&cl, 0, seq, req, size, &err);
		if (ret == -EPIPE)
			return CLIENT_SERVER_DEAD;
		if (ret) {
			fprintf(stderr, "binder-torture: client %d: call %u (%zu bytes): %s\n",
				getpid(), seq, size, err.msg);
			return CLIENT_FAILED;
		}
		__atomic_add_fetch(&sh->verified, 1, __ATOMIC_RELAXED);
	}
	bb_client_flush(&cl, &err);
	bb_close(&conn);
	free(req);
	return CLIENT_OK;
}

static void sleep_us(uint64_t us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

struct tally {
	size_t killed_mid_run, finished, server_dead, servers_killed;
};

/* Reaps client i; victims may have died by our signal or finished first. */
static int reap(pid_t pid, int victim, int server_killed, struct tally *t, struct bb_errbuf *err)
{
	int status;

	if (waitpid(pid, &status, 0) < 0)
		return bb_fail(err, -errno, "waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status)) {
		if (victim && WTERMSIG(status) == SIGKILL) {
			t->killed_mid_run++;
			return 0;
		}
		return bb_fail(err, -EIO, "client %d died of signal %d", pid, WTERMSIG(status));
	}
	switch (WEXITSTATUS(status)) {
	case CLIENT_OK:
		t->finished++;
		return 0;
	case CLIENT_SERVER_DEAD:
		if (server_killed) {
			t->server_dead++;
			return 0;
		}
		return bb_fail(err, -EIO, "client %d saw its server die, but it was not killed", pid);
	default:
		return bb_fail(err, -EIO, "client %d failed (see above)", pid);
	}
}

struct kill_run {
	struct shared *sh;
	struct tally t;
};

static int round_run(const struct torture_opts *o, size_t round, struct torture_rng *rng,
		     void *ctx, struct bb_errbuf *err)
{
	struct shared *sh = ((struct kill_run *)ctx)->sh;
	struct tally *t = &((struct kill_run *)ctx)->t;
	struct bb_server_opts so = { .dev = o->dev, .map_size = 4u << 20, .loopers = 4,
				     .reply_cap = MAX_SIZE };
	int server_killed = round % 4 == 3;
	pid_t server, pids[64];
	uint64_t delay[64];
	int victim[64];
	int ret = 0;

	server = bb_server_spawn(&so, err);
	if (server < 0)
		return (int)server;
	for (size_t i = 0; i < o->clients; i++) {
		uint64_t seed = torture_rng_next(rng);

		victim[i] = !server_killed && torture_rng_below(rng, 3) == 0;
		delay[i] = torture_rng_below(rng, MAX_DELAY_US);
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
	if (server_killed) {
		sleep_us(torture_rng_below(rng, MAX_DELAY_US));
		kill(server, SIGKILL);
		t->servers_killed++;
	} else {
		/* Kill the victims in the order of their delays. */
		for (uint64_t d = 0; d < MAX_DELAY_US; d += 1000) {
			for (size_t i = 0; i < o->clients; i++)
				if (victim[i] && delay[i] >= d && delay[i] < d + 1000)
					kill(pids[i], SIGKILL);
			sleep_us(1000);
		}
	}
	for (size_t i = 0; i < o->clients; i++) {
		int r = reap(pids[i], victim[i], server_killed, t, err);

		if (r && !ret)
			ret = r;
	}
	if (server_killed) {
		int status;

		waitpid(server, &status, 0);
	} else {
		struct bb_conn conn;
		struct bb_errbuf serr = { "" };
		int r = bb_open(&conn, o->dev, 1u << 20);

		if (r) {
			bb_server_kill(server);
			return ret ? ret : bb_fail(err, r, "cannot open %s: %s", o->dev, strerror(-r));
		}
		r = bb_server_stop(&conn, server, so.loopers, &serr);
		bb_close(&conn);
		if (r && !ret)
			ret = bb_fail(err, r, "server after round %zu: %s", round, serr.msg);
	}
	return ret;
}

int torture_kill(const struct torture_opts *o, struct bb_errbuf *err)
{
	struct kill_run run = { .t = { 0 } };
	uint64_t passes;
	long left;
	int ret;

	run.sh = mmap(NULL, sizeof(*run.sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (run.sh == MAP_FAILED)
		return bb_fail(err, -errno, "mmap: %s", strerror(errno));
	ret = torture_rounds(o, round_run, &run, &passes, &left, err);
	fprintf(o->log, "kill: %zu rounds, %zu clients each: %" PRIu64 " verified replies, "
		"%zu clients killed mid-run, %zu finished, %zu servers killed (%zu clients saw it), "
		"%" PRIu64 " reclaim passes, binder procs left: %ld\n",
		o->rounds, o->clients, run.sh->verified, run.t.killed_mid_run, run.t.finished,
		run.t.servers_killed, run.t.server_dead, passes, left);
	munmap(run.sh, sizeof(*run.sh));
	if (!ret && run.t.killed_mid_run == 0 && o->rounds >= 4)
		ret = bb_fail(err, -EINVAL, "no client was killed mid-run: the test did not test");
	return ret;
}
