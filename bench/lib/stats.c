/* stats.c - latency summaries from per-transaction timings (see stats.h). */
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

uint64_t bb_percentile(const uint64_t *sorted, size_t n, double q)
{
	/* The epsilon keeps 99.9 % of 1000 at rank 999 despite rounding. */
	size_t rank = (size_t)ceil(q * (double)n / 100.0 - 1e-9);

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

int bb_latency_summarize(uint64_t *ns, size_t n, struct bb_latency *out)
{
	double sum = 0;

	if (n == 0)
		return -EINVAL;
	qsort(ns, n, sizeof(*ns), cmp_u64);
	for (size_t i = 0; i < n; i++)
		sum += (double)ns[i];
	out->n = n;
	out->avg_ns = sum / (double)n;
	out->min_ns = ns[0];
	out->max_ns = ns[n - 1];
	out->p50_ns = bb_percentile(ns, n, 50);
	out->p90_ns = bb_percentile(ns, n, 90);
	out->p95_ns = bb_percentile(ns, n, 95);
	out->p99_ns = bb_percentile(ns, n, 99);
	out->p999_ns = bb_percentile(ns, n, 99.9);
	return 0;
}

uint64_t bb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void bb_print_latency(FILE *f, const struct bb_latency *l)
{
	fprintf(f, "latency (us): avg %.2f worst %.2f best %.2f p50 %.2f p90 %.2f p95 %.2f p99 %.2f p99.9 %.2f\n",
		l->avg_ns / 1e3, l->max_ns / 1e3, l->min_ns / 1e3, l->p50_ns / 1e3,
		l->p90_ns / 1e3, l->p95_ns / 1e3, l->p99_ns / 1e3, l->p999_ns / 1e3);
}

int bb_samples_push(struct bb_samples *s, uint64_t ns)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		uint64_t *p = realloc(s->ns, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->ns = p;
		s->cap = cap;
	}
	s->ns[s->n++] = ns;
	return 0;
}

void bb_samples_free(struct bb_samples *s)
{
	free(s->ns);
	*s = (struct bb_samples){ 0 };
}
