/* holder.h - somebody else holding the receiver's mmap_lock, for the
 * mmap_holder storms: a populated anonymous region of the server process
 * (MADV_NOHUGEPAGE, so walks over it are long) and one holder that takes
 * the receiver's mmap_lock for as long as that region takes to walk:
 *   smaps_rollup, smaps  a separate process reading /proc/PID/smaps_rollup
 *                        or /proc/PID/smaps in a loop (mmap_read_lock), as
 *                        Android's meminfo, lmkd and heapprofd do;
 *   mprotect             a receiver thread toggling the region between
 *                        read-only and read-write (mmap_write_lock);
 *   munmap               a receiver thread unmapping the region, then
 *                        mapping and populating it again.
 * The decoy target is the control for the lock: the same holder on a
 * separate process (the decoy) that maps and populates the same region, so
 * the holder costs the same CPU but never takes the receiver's mmap_lock:
 * the reader walks the decoy's /proc files, the writer thread runs in the
 * decoy on the decoy's region. Each hold is timed by the holder itself;
 * holds before the parent sets phase 1 ran without binder traffic, the
 * others with it. Everything lives in MAP_SHARED memory made by the parent
 * before it forks.
 */
#ifndef BINDERBENCH_HOLDER_H
#define BINDERBENCH_HOLDER_H

#include "echo.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum bb_hold_kind { BB_HOLD_SMAPS_ROLLUP, BB_HOLD_SMAPS, BB_HOLD_MPROTECT, BB_HOLD_MUNMAP,
		    BB_HOLD_KINDS };
#define BB_HOLD_CAP 8192
/* Whose mmap_lock the holder takes: the receiver's, or a decoy's. */
enum bb_hold_target { BB_HOLD_RECEIVER, BB_HOLD_DECOY, BB_HOLD_TARGETS };

struct bb_holder {
	int kind;		/* enum bb_hold_kind */
	int target;		/* enum bb_hold_target */
	size_t region_bytes;	/* 0: no region and no holder (the control) */
	uint64_t gap_ns;	/* pause between two holds */
	int stop;		/* set by the parent (atomic) */
	int phase;		/* 0 before binder traffic, 1 with it (atomic) */
	int decoy_ready;	/* the decoy populated its region (atomic) */
	int failed;		/* the holder hit an error (atomic) ... */
	char error[160];	/* ... this one */
	uint64_t n[2];		/* holds per phase (atomic; may exceed the cap) */
	uint64_t ns[2][BB_HOLD_CAP];
	/* The receiver's side, private to the server process. */
	void *region;
	pthread_t thread;
	int thread_started;
};

/* "smaps_rollup", "smaps", "mprotect", "munmap". */
const char *bb_hold_kind_name(int kind);
/* "receiver", "decoy". */
const char *bb_hold_target_name(int target);
/* Does this kind run inside the receiver (a thread) rather than beside it? */
int bb_hold_in_receiver(int kind);
/* In the server process (receiver target only): maps and populates the
 * region and, for the in-receiver kinds, starts the holder thread. Returns
 * 0 or -errno with the reason in err. */
int bb_holder_start_receiver(struct bb_holder *h, struct bb_errbuf *err);
/* In the server process, after h->stop: joins the thread, unmaps the region. */
void bb_holder_stop_receiver(struct bb_holder *h);
/* For the reader kinds: forks the reader of receiver's /proc files. Returns
 * its pid, or -errno with the reason in err. Stop it with h->stop and
 * waitpid(). */
pid_t bb_holder_spawn_reader(struct bb_holder *h, pid_t receiver, struct bb_errbuf *err);
/* For the decoy target: forks the decoy, which maps and populates the region
 * and, for the writer kinds, runs the holder on it in its own mm; waits
 * until its region is populated. Returns its pid, or -errno with the reason
 * in err. Stop it with h->stop and waitpid(). */
pid_t bb_holder_spawn_decoy(struct bb_holder *h, struct bb_errbuf *err);

#endif
