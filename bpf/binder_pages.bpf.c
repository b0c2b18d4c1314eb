// SPDX-License-Identifier: GPL-2.0
/* binder_pages.bpf.c - kernel side of the binder-pages instrument: every
 * page binder allocates for a buffer, from the page allocator's own
 * tracepoints (kmem:mm_page_alloc, kmem:mm_page_free), followed by pfn until
 * the page allocator gets it back. A page is binder's when it is order 0,
 * asked for with __GFP_HIGHMEM and not movable, and a return address on the
 * allocating kernel stack lies in binder's text (module, built in, or Rust
 * binder's crate: the loader resolves the range). What is still followed
 * when binder's processes are gone is a page binder lost.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "binder_pages.h"

#define MAX_STACK 32

/* Set by the loader before load. */
const volatile __u64 binder_start = 0, binder_end = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BP_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* Binder's pages not yet freed: pfn -> allocation time (ns). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BP_MAX_PAGES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, __u64);
} live SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[MAX_STACK]);
} stack_buf SEC(".maps");

static __always_inline void add(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &key);

	if (v)
		*v += 1;
}

/* Whether binder's code is on the current kernel stack. */
static __always_inline int under_binder(void *ctx)
{
	__u32 zero = 0;
	__u64 *ips = bpf_map_lookup_elem(&stack_buf, &zero);
	long n;

	if (!ips)
		return 0;
	n = bpf_get_stack(ctx, ips, MAX_STACK * sizeof(__u64), 0);
	if (n <= 0)
		return 0;
	n /= sizeof(__u64);
	for (int i = 0; i < MAX_STACK; i++) {
		if (i >= n)
			break;
		if (ips[i] >= binder_start && ips[i] < binder_end)
			return 1;
	}
	return 0;
}

SEC("tp/kmem/mm_page_alloc")
int page_alloc(struct trace_event_raw_mm_page_alloc *ctx)
{
	__u64 gfp = BPF_CORE_READ(ctx, gfp_flags), pfn, now;

	/* The cheap tests first: only these pages pay for a stack walk. */
	if (!(gfp & BP_GFP_HIGHMEM) || (gfp & BP_GFP_MOVABLE) || BPF_CORE_READ(ctx, order) != 0)
		return 0;
	if (!under_binder(ctx))
		return 0;
	pfn = BPF_CORE_READ(ctx, pfn);
	now = bpf_ktime_get_ns();
	add(BP_ALLOC);
	if (bpf_map_update_elem(&live, &pfn, &now, BPF_ANY))
		add(BP_UNTRACKED);
	return 0;
}

SEC("tp/kmem/mm_page_free")
int page_free(struct trace_event_raw_mm_page_free *ctx)
{
	__u64 pfn = BPF_CORE_READ(ctx, pfn);

	if (!bpf_map_delete_elem(&live, &pfn))
		add(BP_FREE);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
