/* sync_txn.c - the first storm: the echo server (lib/server.h, one looper)
 * and a client process doing N synchronous transactions of S bytes over
 * /dev/binder, every payload verified end to end, then transactions/s and a
 * latency summary.
 */
#include "lib/binder_io.h"
#include "lib/cli.h"
#include "lib/device.h"
#include "lib/echo.h"
#include "lib/payload.h"
#include "lib/server.h"
#include "lib/stats.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

struct options {
	const char *dev;
	unsigned long n;
	size_t size;
	size_t map_size;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: sync-txn [-d DEVICE] [-n TRANSACTIONS] [-s BYTES] [-m MAP_BYTES]\n"
		   "  Runs N verified synchronous binder transactions of S bytes between\n"
		   "  a server (context manager) and a client process; prints a summary.\n"
		   "  defaults: -d $BB_BINDER_DEV or /dev/binder -n 1000 -s 4096 -m 1048576\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "map", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	size_t v;
	int c;

	*o = (struct options){ bb_binder_dev(), 1000, 4096, BB_DEFAULT_MAP_SIZE };
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:n:s:m:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->dev = optarg;
			break;
		case 'n':
			if (bb_parse_size(optarg, &v) || v == 0 || v > 100000000)
				return bb_bad_value("sync-txn", "-n", optarg, "1..100000000"), -1;
			o->n = v;
			break;
		case 's':
			if (bb_parse_size(optarg, &o->size) || o->size > 4 * 1024 * 1024)
				return bb_bad_value("sync-txn", "-s", optarg, "0..4M bytes"), -1;
			break;
		case 'm':
			if (bb_parse_size(optarg, &o->map_size) || o->map_size < 4096 || o->map_size > 4 * 1024 * 1024)
				return bb_bad_value("sync-txn", "-m", optarg, "4K..4M bytes"), -1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			bb_bad_option("sync-txn", argv, optind);
			return -1;
		}
	}
	if (optind != argc)
		return fprintf(stderr, "sync-txn: error: unexpected argument '%s'\n", argv[optind]), -1;
	/* The server's reply and the client's request each need room in a half
	 * of the mapping (binder keeps half of it for async transactions). */
	if (o->size > o->map_size / 2 - 64)
		return fprintf(stderr, "sync-txn: error: -s %zu does not fit a %zu byte mapping\n",
			       o->size, o->map_size), -1;
	return 0;
}

static void print_summary(const struct options *o, struct bb_latency *l, double secs)
{
	bb_print_environment(stdout, "sync-txn");
	printf("sync-txn: %lu transactions of %zu bytes, all payloads verified both ways\n", o->n, o->size);
	printf("iterations per sec: %.1f\n", (double)o->n / secs);
	bb_print_latency(stdout, l);
}

static int run_client(const struct options *o, pid_t server)
{
	struct bb_errbuf err = { "" };
	struct bb_latency lat;
	struct bb_client cl;
	struct bb_conn c;
	uint64_t *ns, t0, start;
	uint8_t *req;
	int ret;

	ns = calloc(o->n, sizeof(*ns));
	req = malloc(o->size ? o->size : 1);
	if (!ns || !req) {
		fprintf(stderr, "sync-txn: error: out of memory\n");
		return 1;
	}
	ret = bb_open(&c, o->dev, o->map_size);
	if (ret) {
		fprintf(stderr, "sync-txn: error: client cannot open %s: %s\n", o->dev, strerror(-ret));
		return 1;
	}
	bb_client_init(&cl, &c);
	start = bb_now_ns();
	for (unsigned long i = 0; i < o->n; i++) {
		uint32_t seq = (uint32_t)(i % 0xfffffffeUL) + 1;

		bb_payload_fill(req, o->size, seq);
		t0 = bb_now_ns();
		ret = bb_echo_call(&cl, 0, seq, req, o->size, &err);
		ns[i] = bb_now_ns() - t0;
		if (ret) {
			fprintf(stderr, "sync-txn: error: transaction %lu of %lu: %s\n", i + 1, o->n, err.msg);
			bb_server_kill(server);
			return 1;
		}
	}
	double secs = (double)(bb_now_ns() - start) / 1e9;

	ret = bb_client_flush(&cl, &err);
	if (!ret)
		ret = bb_server_stop(&c, server, 1, &err);
	if (ret) {
		fprintf(stderr, "sync-txn: error: stopping the server: %s\n", err.msg);
		return 1;
	}
	bb_close(&c);
	bb_latency_summarize(ns, o->n, &lat);
	print_summary(o, &lat, secs);
	free(ns);
	free(req);
	return 0;
}

int main(int argc, char **argv)
{
	struct bb_errbuf err = { "" };
	struct bb_server_opts so;
	struct options o;
	pid_t server;

	if (parse_options(argc, argv, &o))
		return 2;
	/* One looper: one transaction at a time, as the client sends them. */
	so = (struct bb_server_opts){ .dev = o.dev, .map_size = o.map_size, .loopers = 1,
				      .reply_cap = o.size };
	server = bb_server_spawn(&so, &err);
	if (server < 0) {
		fprintf(stderr, "sync-txn: error: %s\n", err.msg);
		return 1;
	}
	return run_client(&o, server);
}
