/* hist.bpf.h - the log-linear histogram index (layout in hist_layout.h)
 * for the BPF programs: values below BI_SUB ns get their own bucket, each
 * power of two above is split into BI_SUB linear sub-buckets. */
#ifndef BINDERBENCH_HIST_BPF_H
#define BINDERBENCH_HIST_BPF_H

static __always_inline __u32 bi_hist_index(__u64 v)
{
	__u64 x = v;
	__u32 msb = 0, idx;

	if (v < BI_SUB)
		return (__u32)v;
	if (x >> 32) { msb += 32; x >>= 32; }
	if (x >> 16) { msb += 16; x >>= 16; }
	if (x >> 8) { msb += 8; x >>= 8; }
	if (x >> 4) { msb += 4; x >>= 4; }
	if (x >> 2) { msb += 2; x >>= 2; }
	if (x >> 1) { msb += 1; }
	idx = (msb - BI_SUB_BITS + 1) * BI_SUB + ((v >> (msb - BI_SUB_BITS)) & (BI_SUB - 1));
	return idx < BI_BUCKETS ? idx : BI_BUCKETS - 1;
}

#endif
