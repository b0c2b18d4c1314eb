/* torture.h - what binder-torture's modes share: their options, a seeded
 * random generator, and the result each mode returns (0 when binder
 * behaved, or -errno with a one-line reason in err).
 */
#ifndef BINDERBENCH_TORTURE_H
#define BINDERBENCH_TORTURE_H

#include "lib/echo.h"
#include "lib/reclaim.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct torture_opts {
	const char *dev;	/* binder device */
	uint64_t seed;		/* every random choice derives from it */
	size_t rounds;		/* kill, unmap, failinsert: rounds; fuzz: operations
				 * per thread */
	size_t clients;		/* client processes (kill) or threads */
	double seconds;		/* churn, dontneed: how long */
	int reclaim;		/* run binder's shrinker in a loop meanwhile */
	const char *checks;	/* abuse: the checks to run by key, comma-separated (NULL: all) */
	FILE *log;		/* the summary lines */
};

/* xorshift64*: small, seeded, one per thread or process. */
struct torture_rng {
	uint64_t s;
};

static inline void torture_rng_seed(struct torture_rng *r, uint64_t seed)
{
	r->s = seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
	if (!r->s)
		r->s = 1;
}

static inline uint64_t torture_rng_next(struct torture_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n). */
static inline uint64_t torture_rng_below(struct torture_rng *r, uint64_t n)
{
	return n ? torture_rng_next(r) % n : 0;
}

/* --reclaim: lib/reclaim.h's reclaimer with this pause between passes. */
#define TORTURE_RECLAIM_PAUSE_US 2000

/* Waits up to 10 s for binder's debugfs state to list no process (binder
 * releases them in deferred work); returns how many are left, -1 without
 * debugfs. */
long torture_wait_binder_procs_gone(void);

/* One round of a mode that runs in rounds (kill, unmap). */
typedef int (*torture_round_fn)(const struct torture_opts *o, size_t round,
				struct torture_rng *rng, void *ctx, struct bb_errbuf *err);
/* Runs o->rounds rounds from o->seed with binder's shrinker in a loop under
 * --reclaim, stops at the first error, then (when all went well) waits for
 * binder to list no process. *passes gets the reclaim passes, *left the
 * processes left (-1 when not checked). Returns 0 or -errno, and fails when
 * processes are left. */
int torture_rounds(const struct torture_opts *o, torture_round_fn round, void *ctx,
		   uint64_t *passes, long *left, struct bb_errbuf *err);

/* The modes (kill.c, churn.c, abuse.c, fuzz.c, unmap.c, dontneed.c,
 * failinsert.c, impostor.c). */
int torture_kill(const struct torture_opts *o, struct bb_errbuf *err);
int torture_churn(const struct torture_opts *o, struct bb_errbuf *err);
int torture_abuse(const struct torture_opts *o, struct bb_errbuf *err);
int torture_fuzz(const struct torture_opts *o, struct bb_errbuf *err);
int torture_unmap(const struct torture_opts *o, struct bb_errbuf *err);
int torture_dontneed(const struct torture_opts *o, struct bb_errbuf *err);
int torture_failinsert(const struct torture_opts *o, struct bb_errbuf *err);
int torture_impostor(const struct torture_opts *o, struct bb_errbuf *err);
int torture_unmapped(const struct torture_opts *o, struct bb_errbuf *err);
int torture_partial(const struct torture_opts *o, struct bb_errbuf *err);


#endif
