/* install_storm.c - concurrent cold page installs: T client threads of one
 * process send synchronous transactions at the same moment to a server
 * process with L looper threads, so binder installs many not-yet-installed
 * pages of one receiver at once (and, with sizes that are not page
 * multiples, the same boundary page from two threads). Between rounds
 * binder's shrinker can reclaim every free page (--reclaim), so the next
 * round installs them again. Every payload is verified both ways.
 */
#include "lib/binder_io.h"
#include "lib/cli.h"
#include "lib/device.h"
#include "lib/echo.h"
#include "lib/payload.h"
#include "lib/round.h"
#include "lib/server.h"
#include "lib/stats.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

struct options {
	const char *dev;
	size_t threads, loopers, rounds, batch, size, map_size;
	int reclaim, marker;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: install-storm [-d DEVICE] [-t THREADS] [-l LOOPERS] [-r ROUNDS]\n"
		   "                     [-b BATCH] [-s BYTES] [-m MAP_BYTES] [--reclaim] [--marker]\n"
		   "  T client threads send B verified synchronous transactions of S bytes each\n"
		   "  per round, all rounds starting together, to a server with L loopers.\n"
		   "  --reclaim  run binder's shrinker (drop_caches) before every round\n"
		   "  --marker   write each round's start to the tracefs trace_marker\n"
		   "  defaults: -d $BB_BINDER_DEV or /dev/binder -t 4 -l 4 -r 10 -b 4 -s 6000 -m 1M\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "threads", required_argument, NULL, 't' },
		{ "loopers", required_argument, NULL, 'l' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "batch", required_argument, NULL, 'b' },
		{ "size", required_argument, NULL, 's' },
		{ "map", required_argument, NULL, 'm' },
		{ "reclaim", no_argument, NULL, 'R' },
		{ "marker", no_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*o = (struct options){ bb_binder_dev(), 4, 4, 10, 4, 6000, BB_DEFAULT_MAP_SIZE, 0, 0 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:t:l:r:b:s:m:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->dev = optarg;
			break;
		case 't':
			if (bb_parse_range(optarg, 1, 256, &o->threads))
				return bb_bad_value("install-storm", "-t", optarg, "1..256"), -1;
			break;
		case 'l':
			if (bb_parse_range(optarg, 1, 256, &o->loopers))
				return bb_bad_value("install-storm", "-l", optarg, "1..256"), -1;
			break;
		case 'r':
			if (bb_parse_range(optarg, 1, 1000000, &o->rounds))
				return bb_bad_value("install-storm", "-r", optarg, "1..1000000"), -1;
			break;
		case 'b':
			if (bb_parse_range(optarg, 1, 100000, &o->batch))
				return bb_bad_value("install-storm", "-b", optarg, "1..100000"), -1;
			break;
		case 's':
			if (bb_parse_range(optarg, 0, 4 << 20, &o->size))
				return bb_bad_value("install-storm", "-s", optarg, "0..4M bytes"), -1;
			break;
		case 'm':
			if (bb_parse_range(optarg, 4096, 4 << 20, &o->map_size))
				return bb_bad_value("install-storm", "-m", optarg, "4K..4M bytes"), -1;
			break;
		case 'R':
			o->reclaim = 1;
			break;
		case 'M':
			o->marker = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			bb_bad_option("install-storm", argv, optind);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "install-storm: error: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	/* All threads' requests are in flight at once in the synchronous half
	 * of the server's mapping (binder keeps the other half for async). */
	if ((o->size + 64) * o->threads > o->map_size / 2) {
		fprintf(stderr, "install-storm: error: %zu threads x %zu bytes do not fit a %zu byte mapping\n",
			o->threads, o->size, o->map_size);
		return -1;
	}
	return 0;
}

/* ---- client process ---------------------------------------------------- */

static int between_rounds(const struct options *o, size_t round)
{
	char line[64];
	int ret;

	if (o->reclaim) {
		/* "2" frees reclaimable slab objects: it runs every shrinker,
		 * binder's included, until they stop making progress. */
		ret = bb_write_file("/proc/sys/vm/drop_caches", "2");
		if (ret) {
			fprintf(stderr, "install-storm: error: --reclaim: /proc/sys/vm/drop_caches: %s\n",
				strerror(-ret));
			return -1;
		}
	}
	if (o->marker) {
		snprintf(line, sizeof(line), "install-storm: round %zu\n", round);
		ret = bb_write_file("/sys/kernel/tracing/trace_marker", line);
		if (ret) {
			fprintf(stderr, "install-storm: error: --marker: trace_marker: %s\n", strerror(-ret));
			return -1;
		}
	}
	return 0;
}

static int run_client(const struct options *o, pid_t server)
{
	size_t per_round = o->threads * o->batch, n = o->rounds * per_round;
	struct bb_round_worker *w = calloc(o->threads, sizeof(*w));
	pthread_t *tids = calloc(o->threads, sizeof(*tids));
	uint64_t *ns = calloc(n, sizeof(*ns)); /* every round's timings */
	uint64_t *round_ns = calloc(per_round, sizeof(*round_ns));
	struct bb_errbuf err = { "" };
	struct bb_latency lat;
	struct bb_conn conn;
	struct bb_round r;
	uint64_t busy = 0;
	size_t started = 0;
	int ret, rc = 0;

	if (!w || !tids || !ns || !round_ns || bb_round_init(&r, o->threads, o->batch, round_ns, 0)) {
		fprintf(stderr, "install-storm: error: out of memory\n");
		return 1;
	}
	ret = bb_open(&conn, o->dev, o->map_size);
	if (ret) {
		fprintf(stderr, "install-storm: error: client cannot open %s: %s\n", o->dev, strerror(-ret));
		return 1;
	}
	for (; started < o->threads; started++) {
		w[started] = (struct bb_round_worker){ .r = &r, .conn = &conn, .slot = started,
						       .size = o->size };
		ret = pthread_create(&tids[started], NULL, bb_round_worker_main, &w[started]);
		if (ret) {
			bb_round_fail(&r, "client thread: %s", strerror(ret));
			break;
		}
	}
	for (size_t i = 0; i < o->rounds && started == o->threads && !atomic_load(&r.failed); i++) {
		if (between_rounds(o, i + 1)) {
			rc = 1; /* said why on stderr */
			break;
		}
		busy += bb_round_run(&r);
		memcpy(ns + i * per_round, round_ns, per_round * sizeof(*ns));
	}
	if (started == o->threads)
		bb_round_stop(&r);
	else
		bb_server_kill(server); /* the started threads wait at the barrier: exit now */
	for (size_t i = 0; i < started && started == o->threads; i++)
		pthread_join(tids[i], NULL);
	if (started != o->threads || atomic_load(&r.failed) || rc) {
		if (r.error[0])
			fprintf(stderr, "install-storm: error: %s\n", r.error);
		bb_server_kill(server);
		return 1;
	}
	if (bb_server_stop(&conn, server, o->loopers, &err)) {
		fprintf(stderr, "install-storm: error: stopping the server: %s\n", err.msg);
		rc = 1;
	}
	bb_close(&conn);
	bb_round_destroy(&r);
	if (!rc) {
		bb_latency_summarize(ns, n, &lat);
		bb_print_environment(stdout, "install-storm");
		printf("install-storm: %zu rounds x %zu threads x %zu transactions of %zu bytes%s, all payloads verified both ways\n",
		       o->rounds, o->threads, o->batch, o->size, o->reclaim ? ", reclaim between rounds" : "");
		printf("iterations per sec: %.1f\n", (double)n / ((double)busy / 1e9));
		bb_print_latency(stdout, &lat);
	}
	free(ns);
	free(round_ns);
	free(w);
	free(tids);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	struct bb_errbuf err = { "" };
	struct bb_server_opts so;
	pid_t server;

	if (parse_options(argc, argv, &o))
		return 2;
	so = (struct bb_server_opts){ .dev = o.dev, .map_size = o.map_size, .loopers = o.loopers,
				      .reply_cap = o.size };
	server = bb_server_spawn(&so, &err);
	if (server < 0) {
		fprintf(stderr, "install-storm: error: %s\n", err.msg);
		return 1;
	}
	return run_client(&o, server);
}
