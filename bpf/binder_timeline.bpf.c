// SPDX-License-Identifier: GPL-2.0
/* binder_timeline.bpf.c - kernel side of binder-timeline: for one bounded
 * window, every page install of binder, every mmap_lock wait, acquisition
 * and release on a binder process's mm (by the holder or an installer) and
 * every synchronous transaction's send and reply, as timestamped records in
 * a ring buffer. Outside the window the programs return at once; a full
 * ring buffer drops records and counts them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "binder_timeline.h"
#include "binder_tp.bpf.h"

/* The window, written by the loader through the skeleton's bss. */
__u64 window_start = 0, window_end = 0;
__u64 dropped = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} events SEC(".maps");

/* The mms of binder processes (binder_mmap / binder_vma_close). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} mms SEC(".maps");

/* Threads inside a page install, and the calls awaiting their reply. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u32);
} installing SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __s32);
	__type(value, __u32);
} replies SEC(".maps");

static __always_inline int in_window(__u64 now)
{
	return window_end && now >= window_start && now < window_end;
}

static __always_inline void emit(__u32 kind, __u32 arg, __u32 proc, __u64 mm, int write, __u64 now)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct tl_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return;
	}
	e->ts = now;
	e->mm = mm;
	e->tgid = id >> 32;
	e->tid = tid;
	e->kind = kind;
	e->arg = arg;
	e->proc = proc;
	e->write = write;
	e->installing = bpf_map_lookup_elem(&installing, &tid) != NULL;
	e->pad[0] = e->pad[1] = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

/* A binder mapping was made: its mm is a binder process's, owned by the
 * mapping task's process. */
static __always_inline void remember_mm(struct vm_area_struct *vma)
{
	__u64 mm = (__u64)BPF_CORE_READ(vma, vm_mm);
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	bpf_map_update_elem(&mms, &mm, &tgid, BPF_ANY);
}

SEC("kprobe/binder_mmap")
int BPF_KPROBE(binder_mmap, void *filp, struct vm_area_struct *vma)
{
	remember_mm(vma);
	return 0;
}

SEC("kprobe/binder_vma_close")
int BPF_KPROBE(binder_vma_close, struct vm_area_struct *vma)
{
	__u64 mm = (__u64)BPF_CORE_READ(vma, vm_mm);

	bpf_map_delete_elem(&mms, &mm);
	return 0;
}

/* Rust binder's mmap (a mangled name: attached by the loader); its vmas
 * have no close, so a binder mm is forgotten when it goes. */
SEC("kprobe")
int BPF_KPROBE(rust_binder_mmap, void *filp, struct vm_area_struct *vma)
{
	remember_mm(vma);
	return 0;
}

SEC("kprobe/exit_mmap")
int BPF_KPROBE(mm_exit, struct mm_struct *mm)
{
	__u64 key = (__u64)mm;

	bpf_map_delete_elem(&mms, &key);
	return 0;
}

static __always_inline int on_install_start(__u32 page, __s32 proc)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), one = 1;
	__u64 now = bpf_ktime_get_ns();

	bpf_map_update_elem(&installing, &tid, &one, BPF_ANY);
	if (in_window(now))
		emit(TL_INSTALL_START, page, proc, 0, 0, now);
	return 0;
}

static __always_inline int on_install_end(__u32 page, __s32 proc)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();

	if (in_window(now))
		emit(TL_INSTALL_END, page, proc, 0, 0, now);
	bpf_map_delete_elem(&installing, &tid);
	return 0;
}

SEC("tp/binder/binder_alloc_page_start")
int install_start(struct binder_page_ctx *ctx)
{
	return on_install_start((__u32)ctx->page_index, ctx->proc);
}

SEC("tp/binder/binder_alloc_page_end")
int install_end(struct binder_page_ctx *ctx)
{
	return on_install_end((__u32)ctx->page_index, ctx->proc);
}

/* Rust binder (no page tracepoints): the loader attaches these to
 * ShrinkablePageRange::use_page_slow by the name it finds in kallsyms. The
 * receiver is not known there (proc 0); the page index is the second
 * argument (the end repeats the start's page: kept per thread). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u32);
} rust_page SEC(".maps");

SEC("kprobe")
int BPF_KPROBE(rust_install_start, void *range, unsigned long index)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), page = (__u32)index;

	bpf_map_update_elem(&rust_page, &tid, &page, BPF_ANY);
	return on_install_start(page, 0);
}

SEC("kretprobe")
int BPF_KRETPROBE(rust_install_end)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), *page = bpf_map_lookup_elem(&rust_page, &tid);
	__u32 p = page ? *page : 0;

	bpf_map_delete_elem(&rust_page, &tid);
	return on_install_end(p, 0);
}

/* A lock event of a binder process's mm inside the window. */
static __always_inline int lock_event(__u32 kind, struct mm_struct *mm, int write, __u32 arg)
{
	__u64 key = (__u64)mm, now = bpf_ktime_get_ns();
	__u32 *owner;

	if (!in_window(now))
		return 0;
	owner = bpf_map_lookup_elem(&mms, &key);
	if (!owner)
		return 0;
	emit(kind, arg, *owner, key, write, now);
	return 0;
}

SEC("tp/mmap_lock/mmap_lock_start_locking")
int lock_start(struct trace_event_raw_mmap_lock *ctx)
{
	return lock_event(TL_LOCK_START, BPF_CORE_READ(ctx, mm), BPF_CORE_READ(ctx, write), 0);
}

SEC("tp/mmap_lock/mmap_lock_acquire_returned")
int lock_acquired(struct trace_event_raw_mmap_lock_acquire_returned *ctx)
{
	return lock_event(TL_LOCK_ACQUIRED, BPF_CORE_READ(ctx, mm), BPF_CORE_READ(ctx, write),
			  BPF_CORE_READ(ctx, success));
}

SEC("tp/mmap_lock/mmap_lock_released")
int lock_released(struct trace_event_raw_mmap_lock *ctx)
{
	return lock_event(TL_LOCK_RELEASED, BPF_CORE_READ(ctx, mm), BPF_CORE_READ(ctx, write), 0);
}

static __always_inline int on_transaction(struct binder_transaction_ctx *ctx)
{
	__u64 now = bpf_ktime_get_ns();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__s32 dbg = ctx->debug_id;

	if (ctx->reply) {
		/* The reply's debug id leads back to the caller's thread. */
		bpf_map_update_elem(&replies, &dbg, &tid, BPF_ANY);
		return 0;
	}
	if (ctx->flags & TF_ONE_WAY || !in_window(now))
		return 0;
	emit(TL_TXN_START, (__u32)ctx->target_node, ctx->to_proc, 0, 0, now);
	return 0;
}

static __always_inline int on_received(struct binder_received_ctx *ctx)
{
	__u64 now = bpf_ktime_get_ns();
	__s32 dbg = ctx->debug_id;

	/* A reply is received by the thread that made the call. */
	if (!bpf_map_lookup_elem(&replies, &dbg))
		return 0;
	bpf_map_delete_elem(&replies, &dbg);
	if (in_window(now))
		emit(TL_TXN_REPLIED, 0, 0, 0, 0, now);
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
