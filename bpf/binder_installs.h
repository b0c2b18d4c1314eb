/* binder_installs.h - types shared by binder_installs.bpf.c (kernel side) and
 * the loader: counters, causes and histogram ids (layout in hist_layout.h).
 */
#ifndef BINDER_INSTALLS_H
#define BINDER_INSTALLS_H

#include "hist_layout.h"

/* Who took mmap_lock, from the locker's kernel stack (checked in this
 * order): binder's shrinker (binder_alloc_free_page), binder's install path
 * (any other binder code), a page fault, an mm system call (mmap, munmap,
 * mprotect, mremap, madvise, brk) or fork, anything else. */
enum bi_cause { BI_CAUSE_INSTALL, BI_CAUSE_RECLAIM, BI_CAUSE_FAULT, BI_CAUSE_MMCALL,
		BI_CAUSE_OTHER, BI_CAUSES };
/* Symbol ranges the loader resolves for the fault and mm-call causes. */
#define BI_FAULT_RANGES 4
#define BI_MMCALL_RANGES 12
/* What the event was. */
enum bi_mode { BI_READ, BI_WRITE, BI_MODES };

enum bi_counter {
	BI_INSTALL_START,	/* binder_alloc_page_start */
	BI_INSTALL_END,		/* binder_alloc_page_end */
	BI_LRU_ALLOC,		/* binder_alloc_lru_start: page taken off the freelist */
	BI_LRU_FREE,		/* binder_free_lru_start: page put on the freelist */
	BI_UNMAP_USER,		/* binder_unmap_user_start: shrinker zaps the user PTE */
	BI_UNMAP_KERNEL,	/* binder_unmap_kernel_start: shrinker frees the page */
	BI_COUNTERS,
};

/* Histogram ids: install latency, then mmap_lock wait and hold per cause x mode. */
#define BI_HIST_INSTALL 0
#define BI_HIST_WAIT(cause, mode) (1 + (cause) * BI_MODES + (mode))
#define BI_HIST_HOLD(cause, mode) (1 + BI_CAUSES * BI_MODES + (cause) * BI_MODES + (mode))
/* ... then the LRU and shrinker events' durations (start -> end), in the
 * order of their counters (BI_LRU_ALLOC ... BI_UNMAP_KERNEL). */
#define BI_HIST_EVENT(counter) (1 + 2 * BI_CAUSES * BI_MODES + (counter) - BI_LRU_ALLOC)
#define BI_HISTS (1 + 2 * BI_CAUSES * BI_MODES + BI_UNMAP_KERNEL - BI_LRU_ALLOC + 1)

/* mmap_lock acquisitions per cause x mode x (failed trylock or not). */
#define BI_ACQ(cause, mode, failed) (((cause) * BI_MODES + (mode)) * 2 + (failed))
#define BI_ACQS (BI_CAUSES * BI_MODES * 2)

/* Per receiving process and page index: installs and their latency. */
struct bi_page_key {
	__s32 proc;
	__u32 page;
};

/* Per mm owner x cause x mode: mmap_lock acquisitions, wait and hold. */
struct bi_owner_key {
	__u32 owner;	/* tgid owning the mm (mm->owner) */
	__u16 cause;
	__u16 mode;
};

#endif
