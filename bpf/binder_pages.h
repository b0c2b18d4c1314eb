/* binder_pages.h - types shared by binder_pages.bpf.c (kernel side) and its
 * loader binder_pages.c: the counters of binder's page lifetimes.
 */
#ifndef BINDER_PAGES_H
#define BINDER_PAGES_H

/* The gfp bits that tell binder's page allocations apart (stable since
 * 2.6): binder allocates order-0 pages GFP_KERNEL | __GFP_HIGHMEM |
 * __GFP_ZERO (C driver, every version here; Rust binder's use_page_slow
 * likewise). Slab never asks for __GFP_HIGHMEM; user pages are movable. */
#define BP_GFP_HIGHMEM 0x02u
#define BP_GFP_MOVABLE 0x08u

/* Pages followed at once, at most: 1 GiB of 4 KiB pages. */
#define BP_MAX_PAGES 262144

enum bp_counter {
	BP_ALLOC,	/* order-0 __GFP_HIGHMEM pages allocated under binder's code */
	BP_FREE,	/* ... of those, freed back to the page allocator */
	BP_UNTRACKED,	/* ... allocated but not followed (the map was full) */
	BP_COUNTERS,
};

#endif
