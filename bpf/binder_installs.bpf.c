// SPDX-License-Identifier: GPL-2.0
/* binder_installs.bpf.c - kernel side of the binder-installs instrument:
 * page-install latency from binder's tracepoints, binder's LRU and shrinker
 * events, and every mmap_lock acquisition (wait and hold) attributed to its
 * cause by the locker's kernel stack: binder's install path, binder's
 * shrinker, or anything else.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "binder_installs.h"

#define MAX_STACK 32

/* Filters and symbol ranges, set by the loader before load. */
const volatile __u32 target_tgid = 0;		/* locker / installer tgid, 0 = all */
const volatile __s32 target_proc = -1;		/* binder proc (receiver pid), -1 = all */
const volatile __u64 binder_start = 0, binder_end = 0;	/* binder module text */
const volatile __u64 reclaim_start = 0, reclaim_end = 0;	/* binder_alloc_free_page() */

/* Module tracepoints have no BTF: their layout from events/binder/.../format. */
struct binder_page_ctx {
	__u64 common;
	int proc;
	__u64 page_index;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BI_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BI_ACQS);
	__type(key, __u32);
	__type(value, __u64);
} acquisitions SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BI_HISTS * BI_BUCKETS);
	__type(key, __u32);
	__type(value, __u64);
} hists SEC(".maps");

/* In-flight installs and mmap_lock waits/holds, by task (and mm). */
struct lock_key {
	__u64 pid_tgid;
	__u64 mm;
};

struct lock_val {
	__u64 ts;
	__u32 cause;
	__u32 mode;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} install_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct lock_key);
	__type(value, struct lock_val);
} waiting SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct lock_key);
	__type(value, struct lock_val);
} holding SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[MAX_STACK]);
} stack_buf SEC(".maps");

static __always_inline void add(void *map, __u32 key, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(map, &key);

	if (v)
		*v += n;
}

static __always_inline __u32 hist_index(__u64 v)
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

static __always_inline void record(__u32 hist, __u64 ns)
{
	add(&hists, hist * BI_BUCKETS + hist_index(ns), 1);
}

static __always_inline int wanted_task(void)
{
	return !target_tgid || (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

static __always_inline int wanted_proc(const struct binder_page_ctx *ctx)
{
	return target_proc < 0 || ctx->proc == target_proc;
}

/* ---- page installs, LRU and shrinker ---- */

SEC("tp/binder/binder_alloc_page_start")
int install_start_tp(struct binder_page_ctx *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), ts = bpf_ktime_get_ns();

	if (!wanted_proc(ctx))
		return 0;
	add(&counters, BI_INSTALL_START, 1);
	bpf_map_update_elem(&install_start, &id, &ts, BPF_ANY);
	return 0;
}

SEC("tp/binder/binder_alloc_page_end")
int install_end_tp(struct binder_page_ctx *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), *ts;

	if (!wanted_proc(ctx))
		return 0;
	add(&counters, BI_INSTALL_END, 1);
	ts = bpf_map_lookup_elem(&install_start, &id);
	if (ts) {
		record(BI_HIST_INSTALL, bpf_ktime_get_ns() - *ts);
		bpf_map_delete_elem(&install_start, &id);
	}
	return 0;
}

#define COUNT_TP(event, counter)						\
SEC("tp/binder/" #event)							\
int event##_tp(struct binder_page_ctx *ctx)					\
{										\
	if (wanted_proc(ctx))							\
		add(&counters, counter, 1);					\
	return 0;								\
}

COUNT_TP(binder_alloc_lru_start, BI_LRU_ALLOC)
COUNT_TP(binder_free_lru_start, BI_LRU_FREE)
COUNT_TP(binder_unmap_user_start, BI_UNMAP_USER)
COUNT_TP(binder_unmap_kernel_start, BI_UNMAP_KERNEL)

/* ---- mmap_lock ---- */

static __always_inline __u32 cause_of(void *ctx)
{
	__u32 zero = 0, cause = BI_CAUSE_OTHER;
	__u64 *ips = bpf_map_lookup_elem(&stack_buf, &zero);
	long n;

	if (!ips)
		return cause;
	n = bpf_get_stack(ctx, ips, MAX_STACK * sizeof(__u64), 0);
	if (n <= 0)
		return cause;
	n /= sizeof(__u64);
	for (int i = 0; i < MAX_STACK; i++) {
		__u64 ip;

		if (i >= n)
			break;
		ip = ips[i];
		if (ip >= reclaim_start && ip < reclaim_end)
			return BI_CAUSE_RECLAIM;
		if (ip >= binder_start && ip < binder_end)
			cause = BI_CAUSE_INSTALL;
	}
	return cause;
}

SEC("tp/mmap_lock/mmap_lock_start_locking")
int lock_start(struct trace_event_raw_mmap_lock *ctx)
{
	struct lock_key k = { bpf_get_current_pid_tgid(), (__u64)BPF_CORE_READ(ctx, mm) };
	struct lock_val v = { bpf_ktime_get_ns(), cause_of(ctx), BPF_CORE_READ(ctx, write) ? BI_WRITE : BI_READ };

	if (!wanted_task())
		return 0;
	bpf_map_update_elem(&waiting, &k, &v, BPF_ANY);
	return 0;
}

SEC("tp/mmap_lock/mmap_lock_acquire_returned")
int lock_acquired(struct trace_event_raw_mmap_lock_acquire_returned *ctx)
{
	struct lock_key k = { bpf_get_current_pid_tgid(), (__u64)BPF_CORE_READ(ctx, mm) };
	__u32 mode = BPF_CORE_READ(ctx, write) ? BI_WRITE : BI_READ;
	int ok = BPF_CORE_READ(ctx, success);
	struct lock_val v, *w;
	__u64 now = bpf_ktime_get_ns();

	if (!wanted_task())
		return 0;
	w = bpf_map_lookup_elem(&waiting, &k);
	if (w) {	/* a blocking lock: it waited since start_locking */
		v = *w;
		bpf_map_delete_elem(&waiting, &k);
		record(BI_HIST_WAIT(v.cause % BI_CAUSES, mode), now - v.ts);
	} else {	/* a trylock fires only this event */
		v.cause = cause_of(ctx);
		record(BI_HIST_WAIT(v.cause % BI_CAUSES, mode), 0);
	}
	add(&acquisitions, BI_ACQ(v.cause % BI_CAUSES, mode, !ok), 1);
	if (ok) {
		v.ts = now;
		v.mode = mode;
		bpf_map_update_elem(&holding, &k, &v, BPF_ANY);
	}
	return 0;
}

SEC("tp/mmap_lock/mmap_lock_released")
int lock_released(struct trace_event_raw_mmap_lock *ctx)
{
	struct lock_key k = { bpf_get_current_pid_tgid(), (__u64)BPF_CORE_READ(ctx, mm) };
	struct lock_val *h;

	if (!wanted_task())
		return 0;
	h = bpf_map_lookup_elem(&holding, &k);
	if (!h)
		return 0;
	record(BI_HIST_HOLD(h->cause % BI_CAUSES, h->mode % BI_MODES), bpf_ktime_get_ns() - h->ts);
	bpf_map_delete_elem(&holding, &k);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
