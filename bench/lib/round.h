/* round.h - the one barrier-round engine of the storms: W worker threads
 * (in one process, or in several when the struct lives in MAP_SHARED memory
 * with process-shared barriers) each make `calls` verified echo calls per
 * round through their own client, timing each, while the controller starts
 * a round, waits for its end and reads the timings. The first error stops
 * the round and is kept, one line.
 */
#ifndef BINDERBENCH_ROUND_H
#define BINDERBENCH_ROUND_H

#include "binder_io.h"
#include "echo.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct bb_round {
	pthread_barrier_t start, done;
	atomic_int stop, failed;
	size_t round;		/* the current round, from 1 (the controller's) */
	size_t calls;		/* calls per worker per round */
	uint64_t *ns;		/* workers x calls timings of the current round */
	char error[200];	/* the first error */
};

struct bb_round_worker {
	struct bb_round *r;
	struct bb_conn *conn;	/* shared by the workers of one process */
	size_t slot;		/* its timings: ns[slot * calls + i] */
	size_t size;		/* payload size ... */
	size_t (*size_of)(const struct bb_round_worker *w, size_t i); /* ... or this */
	size_t max_size;	/* the largest size_of gives */
	const char *name;	/* prefixes its errors when set */
	/* Optional, run once in the worker's thread before the first round. */
	int (*setup)(const struct bb_round_worker *w, struct bb_errbuf *err);
	const void *user;
};

/* Sequence number of call k of a round: never 0 (the quit code), distinct
 * within a round and from round to round for about a million rounds. */
static inline uint32_t bb_round_seq(size_t round, size_t k)
{
	return (uint32_t)((round * 1000003u + k) % 0xfffffff0u) + 1;
}

/* For `workers` workers (ns holds workers x calls); pshared for workers in
 * other processes. Returns 0 or -errno. */
int bb_round_init(struct bb_round *r, size_t workers, size_t calls, uint64_t *ns, int pshared);
/* The worker thread (arg: struct bb_round_worker *). */
void *bb_round_worker_main(void *arg);
/* Runs the next round; returns its wall time in ns. r->failed says whether
 * it failed, r->error why. */
uint64_t bb_round_run(struct bb_round *r);
/* Lets the workers end (they return from bb_round_worker_main). */
void bb_round_stop(struct bb_round *r);
void bb_round_destroy(struct bb_round *r);
/* Records the first error of the run (printf-like). */
void bb_round_fail(struct bb_round *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
