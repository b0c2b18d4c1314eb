/* hist.h - reading and printing the instruments' log-linear histograms
 * (layout in hist_layout.h) from per-CPU array maps: sums over CPUs,
 * percentiles, and libbpf-tools-style log2 histograms in microseconds.
 */
#ifndef BINDERBENCH_HIST_H
#define BINDERBENCH_HIST_H

#include <linux/types.h>
#include <stdint.h>
#include <stdio.h>

#include "hist_layout.h"

struct hist {
	uint64_t b[BI_BUCKETS];
	uint64_t n;
};

/* Sum over the CPUs of key in a per-CPU array of u64 (vals: ncpu scratch). */
uint64_t hist_percpu_sum(int fd, uint32_t key, int ncpu, uint64_t *vals);
/* Reads histogram id (BI_BUCKETS consecutive keys from id * BI_BUCKETS). */
void hist_read(int fd, uint32_t id, int ncpu, uint64_t *vals, struct hist *h);
/* The value (ns) below which a fraction q of the events lie: the middle of
 * the bucket holding it (buckets are 6 % wide above 16 ns). */
double hist_percentile(const struct hist *h, double q);
/* The upper bound (ns) of the highest non-empty bucket. */
double hist_max(const struct hist *h);
/* Writes "name,low_ns,high_ns,count" for each non-empty bucket. */
void hist_write_csv(FILE *f, const char *name, const struct hist *h);
/* Prints a log2 histogram of h in microseconds under title. */
void hist_print_log2(FILE *f, const char *title, const struct hist *h);

#endif
