/* server.h - the echo server every storm talks to: a forked process that
 * becomes binder's context manager and serves the verified echo protocol
 * (echo.h) with L looper threads, until each looper gets a quit.
 */
#ifndef BINDERBENCH_SERVER_H
#define BINDERBENCH_SERVER_H

#include "echo.h"
#include "holder.h"

#include <sys/types.h>

/* Interference inside the server process (mmap_contention): threads that
 * mmap, fault in, mprotect and munmap anonymous memory in a loop, timing
 * each step. Lives in MAP_SHARED memory so the parent can read it.
 */
enum bb_churn_kind { BB_CHURN_MMAP, BB_CHURN_FAULT, BB_CHURN_MPROTECT, BB_CHURN_MUNMAP,
		     BB_CHURN_KINDS };
#define BB_CHURN_CAP 65536

struct bb_churn {
	int stop;			/* set by the parent (atomic) */
	int more_mm_ops;		/* also fork, mremap and madvise(MADV_DONTNEED)
					 * each round (binder-torture's mm churn) */
	uint64_t more_ops;		/* rounds of those done (atomic) */
	uint64_t n[BB_CHURN_KINDS];	/* samples taken (atomic; may exceed the cap) */
	uint64_t ns[BB_CHURN_KINDS][BB_CHURN_CAP];
};

struct bb_server_opts {
	const char *dev;	/* binder device, e.g. /dev/binder */
	size_t map_size;	/* the server's receive mapping */
	size_t loopers;		/* looper threads */
	size_t reply_cap;	/* largest payload it answers */
	uint64_t *oneway_done;	/* optional, in MAP_SHARED memory: one-way
				 * transactions served so far */
	size_t churn_threads;	/* optional interference threads ... */
	struct bb_churn *churn;	/* ... recording here */
	struct bb_holder *holder; /* optional, in MAP_SHARED memory: the
				 * populated region and an in-receiver holder
				 * of mmap_holder (ready before the server is) */
	const uint64_t *unmap_when; /* optional (binder-torture unmap), in
				 * MAP_SHARED memory: once it is not 0 (or
				 * after 10 s) ... */
	uint64_t unmap_after_us; /* ... and this long after, the server
				 * munmap()s its binder mapping under its
				 * loopers, waits 1 ms and exits; a looper
				 * reading a buffer meanwhile may die of
				 * SIGSEGV first */
};

/* Forks the server and waits until it is the context manager with its
 * loopers started. Returns its pid, or -errno with the reason in err.
 */
pid_t bb_server_spawn(const struct bb_server_opts *o, struct bb_errbuf *err);
/* Stops a server through the client connection c (one quit per looper) and
 * reaps it. Returns 0 when it served every request with a valid payload
 * and exited cleanly, else -errno with the reason in err.
 */
int bb_server_stop(struct bb_conn *c, pid_t pid, size_t loopers, struct bb_errbuf *err);
/* Kills and reaps a server after a failure. */
void bb_server_kill(pid_t pid);

#endif
