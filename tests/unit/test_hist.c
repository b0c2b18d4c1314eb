/* test_hist.c - the log-linear histogram's arithmetic on known inputs: the
 * BPF-side index (hist.bpf.h) puts every value in the bucket whose range
 * (hist.c) holds it, buckets are at most 1/16 wide, and a percentile is the
 * middle of the bucket holding the value of that rank, so it lies within
 * half a bucket (3.2 %) of the exact order statistic, with no bias beyond
 * that: the percentiles binder-installs prints rest on this alone.
 */
#include <linux/types.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "hist.h"
#include "hist.bpf.h"

static int failures;

#define CHECK(cond, ...)                                 \
	do {                                             \
		if (!(cond)) {                           \
			fprintf(stderr, "FAIL: " __VA_ARGS__); \
			fputc('\n', stderr);             \
			failures++;                      \
		}                                        \
	} while (0)

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Every value from 0 to 2^34 ns on a geometric sweep lands in a bucket that
 * holds it, and that bucket is at most 1/16 of its low edge wide. */
static void test_index_and_range(void)
{
	struct hist h;

	for (double v = 0; v < 17179869184.0; v = v < 64 ? v + 1 : v * 1.013) {
		uint64_t x = (uint64_t)v;
		uint32_t i = bi_hist_index(x);

		for (int k = 0; k < BI_BUCKETS; k++)
			h.b[k] = 0;
		h.b[i] = 1;
		h.n = 1;
		/* With one event the maximum is its bucket's upper edge and the
		 * median its middle. */
		double high = hist_max(&h), mid = hist_percentile(&h, 0.5);
		double low = 2 * mid - high;

		CHECK(low <= (double)x && (double)x < high, "%llu ns in bucket %u [%.0f, %.0f)",
		      (unsigned long long)x, i, low, high);
		if (x >= BI_SUB)
			CHECK((high - low) <= low / BI_SUB + 1e-9, "bucket %u [%.0f, %.0f) wider than 1/16",
			      i, low, high);
	}
}

/* Percentiles of known samples against the exact order statistics: within
 * half a bucket, and as often below as above (no systematic bias). */
static void test_percentiles(void)
{
	enum { N = 20000 };
	static uint64_t x[N];
	static const double qs[] = { 0.5, 0.9, 0.99, 0.999 };
	struct hist h = { { 0 }, 0 };
	double rel_sum = 0;
	int n_rel = 0;

	srand(12345);
	for (int i = 0; i < N; i++) {
		/* log-uniform over 1 us .. 10 ms, the range of install latencies */
		x[i] = (uint64_t)(1000.0 * pow(10000.0, (double)rand() / RAND_MAX));
		h.b[bi_hist_index(x[i])]++;
		h.n++;
	}
	qsort(x, N, sizeof(x[0]), cmp_u64);
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		/* The percentile's rank as hist_percentile() counts it: the
		 * first event past q * n. */
		double exact = (double)x[(size_t)(qs[k] * N)];
		double got = hist_percentile(&h, qs[k]);
		double rel = (got - exact) / exact;

		CHECK(fabs(rel) <= 0.5 / BI_SUB + 1e-9, "p%g: %.0f ns for an exact %.0f ns (%+.2f %%)",
		      qs[k] * 100, got, exact, rel * 100);
		rel_sum += rel;
		n_rel++;
	}
	/* Over many ranks the error averages out: no systematic bias. */
	rel_sum = 0;
	n_rel = 0;
	for (int r = 1; r < 1000; r++) {
		double q = r / 1000.0, exact = (double)x[(size_t)(q * N)];

		rel_sum += (hist_percentile(&h, q) - exact) / exact;
		n_rel++;
	}
	CHECK(fabs(rel_sum / n_rel) < 0.005, "mean relative error %+.3f %% over 999 ranks",
	      rel_sum / n_rel * 100);
	printf("hist: mean relative error of 999 percentiles %+.3f %%\n", rel_sum / n_rel * 100);
}

int main(void)
{
	test_index_and_range();
	test_percentiles();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	else
		printf("hist: all checks passed\n");
	return failures ? 1 : 0;
}
