/* reclaim.h - the reclaimer every storm and torture mode shares: a thread
 * that runs binder's shrinker in a loop by writing "2" to
 * /proc/sys/vm/drop_caches (free every reclaimable slab object and
 * shrinker-held page, binder's freelist pages included), so that pages are
 * installed anew.
 */
#ifndef BINDERBENCH_RECLAIM_H
#define BINDERBENCH_RECLAIM_H

#include <stdint.h>

struct bb_reclaimer;

/* Writes drop_caches once (so a missing privilege fails here, not in the
 * thread), then starts the loop with pause_us between passes. Returns 0,
 * or -errno with nothing started. */
int bb_reclaimer_start(struct bb_reclaimer **out, unsigned int pause_us);

/* Stops and frees r (NULL is a no-op). Returns the passes it made; *error
 * (when not NULL) gets 0, or -errno of a write that failed in the loop. */
uint64_t bb_reclaimer_stop(struct bb_reclaimer *r, int *error);

#endif
