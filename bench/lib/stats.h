/* stats.h - latency summaries (mean, extremes, nearest-rank percentiles)
 * computed from per-transaction timings.
 */
#ifndef BINDERBENCH_STATS_H
#define BINDERBENCH_STATS_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

struct bb_latency {
	size_t n;
	double avg_ns;
	uint64_t min_ns, max_ns;
	uint64_t p50_ns, p90_ns, p95_ns, p99_ns, p999_ns;
};

/* Summarizes n samples (sorts ns in place). Returns -EINVAL when n is 0. */
int bb_latency_summarize(uint64_t *ns, size_t n, struct bb_latency *out);
/* Nearest-rank percentile q in (0, 100] of sorted samples. */
uint64_t bb_percentile(const uint64_t *sorted, size_t n, double q);
uint64_t bb_now_ns(void);
/* A growable array of per-transaction timings. */
struct bb_samples {
	uint64_t *ns;
	size_t n, cap;
};

/* Appends one timing; returns 0 or -ENOMEM. */
int bb_samples_push(struct bb_samples *s, uint64_t ns);
void bb_samples_free(struct bb_samples *s);
/* Prints the binderThroughputTest-style latency line, in microseconds. */
void bb_print_latency(FILE *f, const struct bb_latency *l);

#endif
