/* binder_locks.h - types shared by binder_locks.bpf.c (kernel side) and the
 * binder-installs loader: lock contention classes, per-stack statistics
 * and transaction latency histograms (layout in hist_layout.h).
 */
#ifndef BINDER_LOCKS_H
#define BINDER_LOCKS_H

#include "hist_layout.h"

/* Contended locks we follow (lock:contention_begin/end). */
enum bl_class {
	BL_ALLOC_SPIN,		/* binder_alloc's lock as a spinlock (6.12 baseline) */
	BL_ALLOC_MUTEX,		/* ... as a mutex (the series, patch 1) */
	BL_MMAP_READ,		/* a binder process's mmap_lock, waiting to read */
	BL_MMAP_WRITE,		/* ... waiting to write */
	BL_RUST_MM_LOCK,	/* Rust binder's per-process mm_lock mutex (installs) */
	BL_CLASSES,
};

/* Transaction latency histograms (binder_transaction ->
 * binder_transaction_received, and the client's round trip). */
enum bl_txn {
	BL_TXN_SYNC_RTT,	/* client: BC_TRANSACTION to its reply received */
	BL_TXN_SYNC_QUEUE,	/* sent until a server thread picks it up */
	BL_TXN_ONEWAY_QUEUE,	/* one-way: sent until picked up */
	BL_TXN_REPLY_QUEUE,	/* reply: sent until the client picks it up */
	BL_TXNS,
};

#define BL_HIST_LOCK(class) (class)
#define BL_HIST_TXN(txn) (BL_CLASSES + (txn))
#define BL_HISTS (BL_CLASSES + BL_TXNS)

/* Statistics (struct bi_stat) per contending kernel stack. */
struct bl_stack_key {
	__u32 cls;
	__s32 stackid;
};

#define BL_MAX_STACK 32

#endif
