/* binder_timeline.h - the events binder_timeline.bpf.c puts in its ring
 * buffer for binder-timeline (binder_timeline.c): one record per event,
 * paired into spans (install, mmap_lock wait and hold, transaction) by the
 * loader.
 */
#ifndef BINDER_TIMELINE_H
#define BINDER_TIMELINE_H

enum tl_kind {
	TL_INSTALL_START,	/* binder_alloc_page_start: arg = page index */
	TL_INSTALL_END,		/* binder_alloc_page_end */
	TL_LOCK_START,		/* mmap_lock_start_locking of a binder mm */
	TL_LOCK_ACQUIRED,	/* mmap_lock_acquire_returned: arg = success */
	TL_LOCK_RELEASED,	/* mmap_lock_released */
	TL_TXN_START,		/* binder_transaction of a synchronous call */
	TL_TXN_REPLIED,		/* its reply received by the calling thread */
	TL_KINDS,
};

#define TL_COMM_LEN 16

struct tl_event {
	__u64 ts;		/* bpf_ktime_get_ns() */
	__u64 mm;		/* the mm of lock events, else 0 */
	__u32 tgid, tid;
	__u32 kind;		/* enum tl_kind */
	__u32 arg;
	__u32 proc;		/* the binder proc of installs, the mm's owner of lock events */
	__u8 write;		/* lock events: for write */
	__u8 installing;	/* lock events: taken inside a page install */
	__u8 pad[2];
	char comm[TL_COMM_LEN];
};

#endif
