/* binder_tp.bpf.h - the layouts of binder's own tracepoints that the BPF
 * programs read. A module's tracepoints have no BTF, so these come from
 * their format files (/sys/kernel/tracing/events/binder/NAME/format), the
 * same on 6.1, 6.12 and 7.2 for the fields used here, and for Rust binder's
 * binder_transaction(_received) in events/rust_binder/ on 7.2. */
#ifndef BINDERBENCH_BINDER_TP_BPF_H
#define BINDERBENCH_BINDER_TP_BPF_H

/* binder_alloc_page_start/end, binder_alloc_lru_*, binder_free_lru_*,
 * binder_unmap_user_*, binder_unmap_kernel_* */
struct binder_page_ctx {
	__u64 common;
	int proc;
	__u64 page_index;
};

/* binder_transaction */
struct binder_transaction_ctx {
	__u64 common;
	int debug_id;
	int target_node;
	int to_proc;
	int to_thread;
	int reply;
	unsigned int code;
	unsigned int flags;
};

/* binder_transaction_received */
struct binder_received_ctx {
	__u64 common;
	int debug_id;
};

#define TF_ONE_WAY 0x01

#endif
