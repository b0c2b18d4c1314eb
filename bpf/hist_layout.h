/* hist_layout.h - what the BPF objects and the loader agree on for every
 * statistic: the log-linear latency histogram layout (hist.bpf.h indexes
 * it in BPF, hist.c reads and prints it) and the count/total/max record.
 */
#ifndef BINDERBENCH_HIST_LAYOUT_H
#define BINDERBENCH_HIST_LAYOUT_H

/* Log-linear latency histogram: values below 16 ns get their own bucket;
 * above, each power of two is split into 16 linear sub-buckets (6 % wide),
 * fine enough for p50/p90/p99/p99.9. A histogram id owns BI_BUCKETS
 * consecutive keys from id * BI_BUCKETS. */
#define BI_SUB_BITS 4
#define BI_SUB (1 << BI_SUB_BITS)
#define BI_BUCKETS (64 * BI_SUB)

struct bi_stat {
	__u64 count;
	__u64 total_ns;
	__u64 max_ns;
	__u64 hold_ns;	/* mmap_lock owner stats only */
};

#endif
