// SPDX-License-Identifier: GPL-2.0
/* binder_installs.bpf.c - kernel side of the binder-installs instrument:
 * page-install latency from binder's tracepoints (also per receiving proc
 * and page index), binder's LRU and shrinker events, and every mmap_lock
 * acquisition (wait and hold) attributed to its cause by the locker's
 * kernel stack (binder's install path, binder's shrinker, page fault, mm
 * system call, other) and to the process owning the mm.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "binder_installs.h"
#include "binder_tp.bpf.h"
#include "hist.bpf.h"
#include "shared.bpf.h"

#define MAX_STACK 32

/* Filters (with shared.bpf.h's) and symbol ranges, set by the loader before load. */
const volatile bool binder_mms_only = false;	/* mmap_lock of binder processes only */
const volatile __s32 target_proc = -1;		/* binder proc (receiver pid), -1 = all */
const volatile __u64 binder_start = 0, binder_end = 0;	/* binder module text */
const volatile __u64 reclaim_start = 0, reclaim_end = 0;	/* binder_alloc_free_page() */
const volatile __u64 fault_lo[BI_FAULT_RANGES] = {}, fault_hi[BI_FAULT_RANGES] = {};
const volatile __u64 mmcall_lo[BI_MMCALL_RANGES] = {}, mmcall_hi[BI_MMCALL_RANGES] = {};


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

struct install {
	__u64 ts;
	struct bi_page_key page;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct install);
} install_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct bi_page_key);
	__type(value, struct bi_stat);
} page_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct bi_owner_key);
	__type(value, struct bi_stat);
} owner_stats SEC(".maps");

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

static __always_inline void record(__u32 hist, __u64 ns)
{
	add(&hists, hist * BI_BUCKETS + bi_hist_index(ns), 1);
}

/* An mmap_lock event of interest: filters first, so that nothing else pays
 * for a stack walk. */
static __always_inline int wanted_mm(struct mm_struct *mm)
{
	__u64 key = (__u64)mm;

	if (!wanted_task())
		return 0;
	return !binder_mms_only || bpf_map_lookup_elem(&binder_mms, &key);
}


static __always_inline int wanted_proc(const struct binder_page_ctx *ctx)
{
	return target_proc < 0 || ctx->proc == target_proc;
}

/* ---- page installs, LRU and shrinker ---- */

SEC("tp/binder/binder_alloc_page_start")
int install_start_tp(struct binder_page_ctx *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct install in = { bpf_ktime_get_ns(), { ctx->proc, (__u32)ctx->page_index } };

	if (!wanted_proc(ctx))
		return 0;
	add(&counters, BI_INSTALL_START, 1);
	bpf_map_update_elem(&install_start, &id, &in, BPF_ANY);
	return 0;
}

SEC("tp/binder/binder_alloc_page_end")
int install_end_tp(struct binder_page_ctx *ctx)
{
	/* The clock first, as at the start: the work below is not the
	 * install's. */
	__u64 now = bpf_ktime_get_ns(), id = bpf_get_current_pid_tgid(), ns;
	struct install *in;

	if (!wanted_proc(ctx))
		return 0;
	add(&counters, BI_INSTALL_END, 1);
	in = bpf_map_lookup_elem(&install_start, &id);
	if (in) {
		ns = now - in->ts;
		record(BI_HIST_INSTALL, ns);
		stat_add(&page_stats, &in->page, ns, 0);
		bpf_map_delete_elem(&install_start, &id);
	}
	return 0;
}

/* The LRU and shrinker events: counted at start, timed start -> end per
 * task (the pairs do not nest within one event kind). */
struct event_key {
	__u64 pid_tgid;
	__u32 counter;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct event_key);
	__type(value, __u64);
} event_start SEC(".maps");

#define EVENT_TP(event, counter)						\
SEC("tp/binder/" #event "_start")						\
int event##_start_tp(struct binder_page_ctx *ctx)				\
{										\
	struct event_key k = { bpf_get_current_pid_tgid(), counter, 0 };	\
	__u64 ts = bpf_ktime_get_ns();						\
										\
	if (!wanted_proc(ctx))							\
		return 0;							\
	add(&counters, counter, 1);						\
	bpf_map_update_elem(&event_start, &k, &ts, BPF_ANY);			\
	return 0;								\
}										\
										\
SEC("tp/binder/" #event "_end")							\
int event##_end_tp(struct binder_page_ctx *ctx)					\
{										\
	struct event_key k = { bpf_get_current_pid_tgid(), counter, 0 };	\
	__u64 *ts = bpf_map_lookup_elem(&event_start, &k);			\
										\
	if (!ts)								\
		return 0;							\
	record(BI_HIST_EVENT(counter), bpf_ktime_get_ns() - *ts);		\
	bpf_map_delete_elem(&event_start, &k);					\
	return 0;								\
}

EVENT_TP(binder_alloc_lru, BI_LRU_ALLOC)
EVENT_TP(binder_free_lru, BI_LRU_FREE)
EVENT_TP(binder_unmap_user, BI_UNMAP_USER)
EVENT_TP(binder_unmap_kernel, BI_UNMAP_KERNEL)

/* ---- Rust binder (Linux 7.2's drivers/android/binder/) ----
 * It has no page tracepoints. The loader attaches these, by the mangled
 * names it finds in kallsyms, to ShrinkablePageRange::use_page_slow (an
 * install: allocate, take mm_lock, insert, publish; the page index is its
 * second argument, the receiver is not known there: proc -1) and to
 * rust_shrink_free_page (the shrinker's visit of one LRU page; a removed
 * page, LRU_REMOVED_RETRY, was zapped from the user mapping and freed:
 * counted as unmap_user, timed whole). Rust functions use the C calling convention
 * for these integer and pointer arguments on x86-64. */
SEC("kprobe")
int BPF_KPROBE(rust_install_start, void *range, unsigned long index)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	struct install in = { now, { -1, (__u32)index } };

	add(&counters, BI_INSTALL_START, 1);
	bpf_map_update_elem(&install_start, &id, &in, BPF_ANY);
	bpf_map_update_elem(&rust_installing, &id, &now, BPF_ANY);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(rust_install_end)
{
	__u64 now = bpf_ktime_get_ns(), id = bpf_get_current_pid_tgid();
	struct install *in;

	bpf_map_delete_elem(&rust_installing, &id);
	add(&counters, BI_INSTALL_END, 1);
	in = bpf_map_lookup_elem(&install_start, &id);
	if (in) {
		record(BI_HIST_INSTALL, now - in->ts);
		stat_add(&page_stats, &in->page, now - in->ts, 0);
		bpf_map_delete_elem(&install_start, &id);
	}
	return 0;
}

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} shrink_start SEC(".maps");

SEC("kprobe")
int BPF_KPROBE(rust_shrink_start)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();

	bpf_map_update_elem(&shrink_start, &id, &now, BPF_ANY);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(rust_shrink_end, int ret)
{
	__u64 now = bpf_ktime_get_ns(), id = bpf_get_current_pid_tgid(), *ts;

	ts = bpf_map_lookup_elem(&shrink_start, &id);
	if (!ts)
		return 0;
	/* A removed item: LRU_REMOVED_RETRY in 7.2 (it drops the lru lock
	 * to zap), LRU_REMOVED accepted too. */
	if (ret == bpf_core_enum_value(enum lru_status, LRU_REMOVED_RETRY) ||
	    ret == bpf_core_enum_value(enum lru_status, LRU_REMOVED)) {
		add(&counters, BI_UNMAP_USER, 1);
		record(BI_HIST_EVENT(BI_UNMAP_USER), now - *ts);
	}
	bpf_map_delete_elem(&shrink_start, &id);
	return 0;
}

/* ---- mmap_lock ---- */

static __always_inline int in_ranges(__u64 ip, const volatile __u64 *lo,
				     const volatile __u64 *hi, int n)
{
	for (int r = 0; r < n; r++)
		if (ip >= lo[r] && ip < hi[r])
			return 1;
	return 0;
}

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
		else if (cause == BI_CAUSE_OTHER && in_ranges(ip, fault_lo, fault_hi, BI_FAULT_RANGES))
			cause = BI_CAUSE_FAULT;
		else if (cause == BI_CAUSE_OTHER &&
			 in_ranges(ip, mmcall_lo, mmcall_hi, BI_MMCALL_RANGES))
			cause = BI_CAUSE_MMCALL;
	}
	return cause;
}

/* The tgid owning an mm (mm->owner needs CONFIG_MEMCG; 0 without). */
static __always_inline __u32 owner_of(struct mm_struct *mm)
{
	if (!bpf_core_field_exists(mm->owner))
		return 0;
	return BPF_CORE_READ(mm, owner, tgid);
}

SEC("tp/mmap_lock/mmap_lock_start_locking")
int lock_start(struct trace_event_raw_mmap_lock *ctx)
{
	struct lock_key k = { bpf_get_current_pid_tgid(), (__u64)BPF_CORE_READ(ctx, mm) };
	struct lock_val v;

	if (!wanted_mm(BPF_CORE_READ(ctx, mm)))
		return 0;
	v.cause = cause_of(ctx);
	v.mode = BPF_CORE_READ(ctx, write) ? BI_WRITE : BI_READ;
	v.ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&waiting, &k, &v, BPF_ANY);
	return 0;
}

SEC("tp/mmap_lock/mmap_lock_acquire_returned")
int lock_acquired(struct trace_event_raw_mmap_lock_acquire_returned *ctx)
{
	struct lock_key k = { bpf_get_current_pid_tgid(), (__u64)BPF_CORE_READ(ctx, mm) };
	__u32 mode = BPF_CORE_READ(ctx, write) ? BI_WRITE : BI_READ;
	int ok = BPF_CORE_READ(ctx, success);
	struct bi_owner_key ok_key;
	struct lock_val v, *w;
	__u64 now = bpf_ktime_get_ns(), wait = 0;

	if (!wanted_mm(BPF_CORE_READ(ctx, mm)))
		return 0;
	w = bpf_map_lookup_elem(&waiting, &k);
	if (w) {	/* a blocking lock: it waited since start_locking */
		v = *w;
		bpf_map_delete_elem(&waiting, &k);
		wait = now - v.ts;
		record(BI_HIST_WAIT(v.cause % BI_CAUSES, mode), wait);
	} else {	/* a trylock fires only this event */
		v.cause = cause_of(ctx);
		record(BI_HIST_WAIT(v.cause % BI_CAUSES, mode), 0);
	}
	add(&acquisitions, BI_ACQ(v.cause % BI_CAUSES, mode, !ok), 1);
	ok_key.owner = owner_of(BPF_CORE_READ(ctx, mm));
	ok_key.cause = v.cause % BI_CAUSES;
	ok_key.mode = mode;
	stat_add(&owner_stats, &ok_key, wait, 0);
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
	struct bi_owner_key ok_key;
	struct lock_val *h;
	__u64 ns;

	if (!wanted_mm(BPF_CORE_READ(ctx, mm)))
		return 0;
	h = bpf_map_lookup_elem(&holding, &k);
	if (!h)
		return 0;
	ns = bpf_ktime_get_ns() - h->ts;
	record(BI_HIST_HOLD(h->cause % BI_CAUSES, h->mode % BI_MODES), ns);
	ok_key.owner = owner_of(BPF_CORE_READ(ctx, mm));
	ok_key.cause = h->cause % BI_CAUSES;
	ok_key.mode = h->mode % BI_MODES;
	stat_add(&owner_stats, &ok_key, 0, ns ? ns : 1);
	bpf_map_delete_elem(&holding, &k);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
