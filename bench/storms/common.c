/* common.c - what the storm families share (storms.h). */
#include "storms.h"
#include "device.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The binder device: bb_binder_dev() (the reliability soak runs one storm
 * per device through $BB_BINDER_DEV). */
const char *dev_path(void)
{
	return bb_binder_dev();
}


size_t map_for(size_t payload, size_t in_flight)
{
	size_t need = 2 * in_flight * (payload + 256) + (64u << 10);
	size_t map = 1u << 20;

	while (map < need && map < MAX_MAP)
		map <<= 1;
	return map;
}

/* Pages binder has installed in a process: active + lru, from the "pages:"
 * line of its section in binder's stats (-1 when unavailable: no stats file,
 * or a driver that prints no such line, as Rust binder's). */
long installed_pages(pid_t pid)
{
	char path[PATH_MAX], line[128];
	long active, lru, free_pages, total = -1;
	int proc, ours = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stats", bb_binder_logs());
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "proc %d", &proc) == 1)
			ours = proc == (int)pid;
		else if (ours && sscanf(line, " pages: %ld:%ld:%ld", &active, &lru, &free_pages) == 3)
			total = active + lru;
	}
	fclose(f);
	return total;
}

/* binderThroughputTest's summary shape, on stderr next to Google
 * Benchmark's table, so numbers can be read side by side. */
void print_throughput_summary(const char *name, struct bb_samples *s, double secs)
{
	struct bb_latency l;

	if (!s->n || secs <= 0 || bb_latency_summarize(s->ns, s->n, &l))
		return;
	fprintf(stderr, "%s: iterations per sec: %.1f\n", name, (double)s->n / secs);
	bb_print_latency(stderr, &l);
}

void report_latency(struct bb_gb_state *st, struct bb_samples *s)
{
	struct bb_latency l;

	if (!s->n || bb_latency_summarize(s->ns, s->n, &l))
		return;
	bb_gb_counter(st, "avg_us", l.avg_ns / 1e3, BB_GB_DEFAULT);
	bb_gb_counter(st, "p50_us", l.p50_ns / 1e3, BB_GB_DEFAULT);
	bb_gb_counter(st, "p90_us", l.p90_ns / 1e3, BB_GB_DEFAULT);
	bb_gb_counter(st, "p99_us", l.p99_ns / 1e3, BB_GB_DEFAULT);
	bb_gb_counter(st, "p999_us", l.p999_ns / 1e3, BB_GB_DEFAULT);
	bb_gb_counter(st, "max_us", l.max_ns / 1e3, BB_GB_DEFAULT);
	/* How many transactions the percentiles rest on (n / 100 above p99). */
	bb_gb_counter(st, "samples", (double)s->n, BB_GB_DEFAULT);
}

/* A server and one client connection for a benchmark run. */

int session_open(struct session *s, struct bb_gb_state *st, size_t map,
			size_t loopers, size_t reply_cap, uint64_t *oneway_done,
			struct bb_churn *churn, size_t churn_threads, struct bb_holder *holder)
{
	int ret;

	memset(s, 0, sizeof(*s));
	s->so = (struct bb_server_opts){ .dev = dev_path(), .map_size = map, .loopers = loopers,
					 .reply_cap = reply_cap, .oneway_done = oneway_done,
					 .churn_threads = churn_threads, .churn = churn,
					 .holder = holder };
	s->server = bb_server_spawn(&s->so, &s->err);
	if (s->server < 0) {
		bb_gb_skip_with_error(st, s->err.msg);
		return -1;
	}
	ret = bb_open(&s->conn, dev_path(), map);
	if (ret) {
		bb_server_kill(s->server);
		snprintf(s->err.msg, sizeof(s->err.msg), "client cannot open %s: %s", dev_path(), strerror(-ret));
		bb_gb_skip_with_error(st, s->err.msg);
		return -1;
	}
	return 0;
}

void session_close(struct session *s, struct bb_gb_state *st, int failed)
{
	if (failed) {
		bb_server_kill(s->server);
	} else if (bb_server_stop(&s->conn, s->server, s->so.loopers, &s->err)) {
		if (!bb_gb_error_occurred(st))
			bb_gb_skip_with_error(st, s->err.msg);
	}
	bb_close(&s->conn);
}
