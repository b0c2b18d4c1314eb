// SPDX-License-Identifier: GPL-2.0
/* binder_locks.bpf.c - kernel side of binder-installs' lock and transaction
 * instruments:
 *  - lock:contention_begin/end on binder's alloc lock (spinlock in 6.12,
 *    mutex with the series) and on the mmap_lock of binder processes: wait
 *    histograms and per-stack count/total/max, stacks kept for the loader
 *    to symbolize. A binder_alloc's lock is its first member in 6.12 and in
 *    the series, so the lock's address is the alloc's address, which a
 *    kprobe on binder_alloc_new_buf() records (and binder_alloc_deferred_
 *    release() forgets); binder processes' mms come from binder_mmap() and
 *    go with binder_vma_close().
 *  - transaction latency from binder_transaction and
 *    binder_transaction_received: queueing per sync/one-way/reply and the
 *    client's synchronous round trip.
 * On Rust binder (rust_driver): its mm_lock mutex, contended while the task
 * is in use_page_slow (rust_installing, the only mutex an install takes);
 * binder mms from its mmap (a mangled name the loader attaches by) until
 * exit_mmap (its vmas have no close); the rust_binder tracepoints, whose
 * transaction fields are the C driver's.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "binder_locks.h"
#include "binder_tp.bpf.h"
#include "hist.bpf.h"
#include "shared.bpf.h"


#define LCB_F_SPIN (1U << 0)
#define LCB_F_READ (1U << 1)
#define LCB_F_WRITE (1U << 2)
#define LCB_F_MUTEX (1U << 5)

const volatile bool rust_driver = false;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BL_HISTS * BI_BUCKETS);
	__type(key, __u32);
	__type(value, __u64);
} hists SEC(".maps");

/* binder_alloc addresses (= their lock's) and binder processes' mms. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} allocs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 4096);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, BL_MAX_STACK * sizeof(__u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct bl_stack_key);
	__type(value, struct bi_stat);
} stack_stats SEC(".maps");

struct waiter {
	__u64 ts;
	__u64 lock;
	__u32 cls;
	__s32 stackid;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct waiter);
} waiting SEC(".maps");

/* Transactions in flight (debug_id) and clients waiting for a reply. */
struct txn {
	__u64 ts;
	__u32 kind;	/* enum bl_txn of its queueing histogram */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __s32);
	__type(value, struct txn);
} txns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u64);
} calls SEC(".maps");

static __always_inline void record(__u32 hist, __u64 ns)
{
	__u32 key = hist * BI_BUCKETS + bi_hist_index(ns);
	__u64 *v = bpf_map_lookup_elem(&hists, &key);

	if (v)
		*v += 1;
}

static __always_inline void remember(void *map, __u64 key)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (!bpf_map_lookup_elem(map, &key))
		bpf_map_update_elem(map, &key, &tgid, BPF_ANY);
}

SEC("kprobe/binder_alloc_new_buf")
int BPF_KPROBE(new_buf, void *alloc)
{
	remember(&allocs, (__u64)alloc);
	return 0;
}

/* Forgotten again when freed: the memory may become someone else's lock. */
SEC("kprobe/binder_alloc_deferred_release")
int BPF_KPROBE(alloc_release, void *alloc)
{
	__u64 key = (__u64)alloc;

	bpf_map_delete_elem(&allocs, &key);
	return 0;
}

SEC("kprobe/binder_mmap")
int BPF_KPROBE(binder_mmap, void *filp, struct vm_area_struct *vma)
{
	remember(&binder_mms, (__u64)BPF_CORE_READ(vma, vm_mm));
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(rust_binder_mmap, void *filp, struct vm_area_struct *vma)
{
	remember(&binder_mms, (__u64)BPF_CORE_READ(vma, vm_mm));
	return 0;
}

/* Rust binder's vmas have no close: a binder mm is forgotten when it goes. */
SEC("kprobe/exit_mmap")
int BPF_KPROBE(mm_exit, struct mm_struct *mm)
{
	__u64 key = (__u64)mm;

	bpf_map_delete_elem(&binder_mms, &key);
	return 0;
}

SEC("kprobe/binder_vma_close")
int BPF_KPROBE(binder_vma_close, struct vm_area_struct *vma)
{
	__u64 key = (__u64)BPF_CORE_READ(vma, vm_mm);

	bpf_map_delete_elem(&binder_mms, &key);
	return 0;
}

/* ---- lock contention ---- */

SEC("tp_btf/contention_begin")
int BPF_PROG(contention_begin, void *lock, unsigned int flags)
{
	__u64 id = bpf_get_current_pid_tgid(), addr = (__u64)lock;
	struct waiter w = { .lock = addr };

	if (!wanted_task())
		return 0;
	if (bpf_map_lookup_elem(&allocs, &addr)) {
		w.cls = flags & LCB_F_MUTEX ? BL_ALLOC_MUTEX : BL_ALLOC_SPIN;
	} else if (rust_driver && (flags & LCB_F_MUTEX) && bpf_map_lookup_elem(&rust_installing, &id)) {
		w.cls = BL_RUST_MM_LOCK;
	} else {
		__u64 mm = addr - bpf_core_field_offset(struct mm_struct, mmap_lock);

		if (!bpf_map_lookup_elem(&binder_mms, &mm))
			return 0;
		w.cls = flags & LCB_F_WRITE ? BL_MMAP_WRITE : BL_MMAP_READ;
	}
	w.ts = bpf_ktime_get_ns();
	w.stackid = bpf_get_stackid(ctx, &stacks, 0);
	/* A mutex or rwsem that spins first and then sleeps begins twice:
	 * the first begin starts the wait. */
	bpf_map_update_elem(&waiting, &id, &w, BPF_NOEXIST);
	return 0;
}

SEC("tp_btf/contention_end")
int BPF_PROG(contention_end, void *lock, int ret)
{
	__u64 id = bpf_get_current_pid_tgid(), ns;
	struct bl_stack_key k;
	struct waiter *w;

	w = bpf_map_lookup_elem(&waiting, &id);
	if (!w)
		return 0;
	if (w->lock != (__u64)lock)
		return 0;
	ns = bpf_ktime_get_ns() - w->ts;
	k.cls = w->cls;
	k.stackid = w->stackid;
	bpf_map_delete_elem(&waiting, &id);
	record(BL_HIST_LOCK(k.cls % BL_CLASSES), ns);
	stat_add(&stack_stats, &k, ns, 0);
	return 0;
}

/* ---- transactions ---- */

static __always_inline int on_transaction(struct binder_transaction_ctx *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct txn t = { bpf_ktime_get_ns(), BL_TXN_SYNC_QUEUE };
	__s32 dbg = ctx->debug_id;

	if (ctx->reply)
		t.kind = BL_TXN_REPLY_QUEUE;
	else if (ctx->flags & TF_ONE_WAY)
		t.kind = BL_TXN_ONEWAY_QUEUE;
	else if (!wanted_task())
		return 0;
	else
		bpf_map_update_elem(&calls, &id, &t.ts, BPF_ANY);
	bpf_map_update_elem(&txns, &dbg, &t, BPF_ANY);
	return 0;
}

static __always_inline int on_received(struct binder_received_ctx *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns(), *start;
	__s32 dbg = ctx->debug_id;
	struct txn *t = bpf_map_lookup_elem(&txns, &dbg);

	if (!t)
		return 0;
	record(BL_HIST_TXN(t->kind % BL_TXNS), now - t->ts);
	if (t->kind == BL_TXN_REPLY_QUEUE) {
		/* A reply is received by the thread that made the call. */
		start = bpf_map_lookup_elem(&calls, &id);
		if (start) {
			record(BL_HIST_TXN(BL_TXN_SYNC_RTT), now - *start);
			bpf_map_delete_elem(&calls, &id);
		}
	}
	bpf_map_delete_elem(&txns, &dbg);
	return 0;
}

SEC("tp/binder/binder_transaction")
int transaction(struct binder_transaction_ctx *ctx)
{
	return on_transaction(ctx);
}

SEC("tp/binder/binder_transaction_received")
int transaction_received(struct binder_received_ctx *ctx)
{
	return on_received(ctx);
}

SEC("tp/rust_binder/binder_transaction")
int rust_transaction(struct binder_transaction_ctx *ctx)
{
	return on_transaction(ctx);
}

SEC("tp/rust_binder/binder_transaction_received")
int rust_transaction_received(struct binder_received_ctx *ctx)
{
	return on_received(ctx);
}

char LICENSE[] SEC("license") = "GPL";
