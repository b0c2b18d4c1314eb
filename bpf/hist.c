/* hist.c - per-CPU log-linear histograms read from BPF maps (hist.h). */
#include "hist.h"

#include <bpf/bpf.h>

uint64_t hist_percpu_sum(int fd, uint32_t key, int ncpu, uint64_t *vals)
{
	uint64_t sum = 0;

	if (bpf_map_lookup_elem(fd, &key, vals))
		return 0;
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

void hist_read(int fd, uint32_t id, int ncpu, uint64_t *vals, struct hist *h)
{
	h->n = 0;
	for (uint32_t i = 0; i < BI_BUCKETS; i++) {
		h->b[i] = hist_percpu_sum(fd, id * BI_BUCKETS + i, ncpu, vals);
		h->n += h->b[i];
	}
}

/* Bucket i covers [low, high) ns. */
static void bucket_range(uint32_t i, double *low, double *high)
{
	uint32_t msb, sub;

	if (i < BI_SUB) {
		*low = i;
		*high = i + 1;
		return;
	}
	msb = i / BI_SUB + BI_SUB_BITS - 1;
	sub = i % BI_SUB;
	*low = (double)((uint64_t)(BI_SUB + sub) << (msb - BI_SUB_BITS));
	*high = (double)((uint64_t)(BI_SUB + sub + 1) << (msb - BI_SUB_BITS));
}

double hist_percentile(const struct hist *h, double q)
{
	uint64_t want = (uint64_t)(q * (double)h->n), seen = 0;
	double low, high;

	for (uint32_t i = 0; i < BI_BUCKETS; i++) {
		seen += h->b[i];
		if (h->n && seen > want) {
			bucket_range(i, &low, &high);
			return (low + high) / 2;
		}
	}
	return 0;
}

double hist_max(const struct hist *h)
{
	double low, high;

	for (uint32_t i = BI_BUCKETS; i-- > 0;) {
		if (h->b[i]) {
			bucket_range(i, &low, &high);
			return high;
		}
	}
	return 0;
}

void hist_write_csv(FILE *f, const char *name, const struct hist *h)
{
	double low, high;

	for (uint32_t i = 0; i < BI_BUCKETS; i++) {
		if (!h->b[i])
			continue;
		bucket_range(i, &low, &high);
		fprintf(f, "%s,%.0f,%.0f,%llu\n", name, low, high, (unsigned long long)h->b[i]);
	}
}

void hist_print_log2(FILE *f, const char *title, const struct hist *h)
{
	uint64_t log2[40] = { 0 }, max = 0;
	double low, high;
	int top = 0;

	if (!h->n)
		return;
	for (uint32_t i = 0; i < BI_BUCKETS; i++) {
		uint64_t us;
		int k = 0;

		if (!h->b[i])
			continue;
		bucket_range(i, &low, &high);
		us = (uint64_t)(low / 1000);
		while (us >> k && k < 39)
			k++;
		log2[k] += h->b[i];
	}
	for (int k = 0; k < 40; k++) {
		if (log2[k] > max)
			max = log2[k];
		if (log2[k])
			top = k;
	}
	fprintf(f, "\n%s (%llu events)\n%16s : %-10s %s\n", title, (unsigned long long)h->n,
		"usecs", "count", "distribution");
	for (int k = 0; k <= top; k++) {
		unsigned long long lo = k ? 1ULL << (k - 1) : 0, hi = (1ULL << k) - 1;
		int stars = max ? (int)(log2[k] * 40 / max) : 0;

		fprintf(f, "%7llu -> %-7llu : %-10llu |%-40.*s|\n", lo, hi,
			(unsigned long long)log2[k], stars, "****************************************");
	}
}
