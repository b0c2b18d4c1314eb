/* main.c - binder transaction storms as Google Benchmark families (through
 * the C shim in gbench/), run by `meson test -C build --benchmark` inside a
 * guest with a binder module loaded. Every family verifies every payload,
 * times each transaction and reports p50/p90/p99/p99.9 and max latency as
 * counters next to Google Benchmark's own numbers:
 *   pingpong/size:S                       synchronous round trips
 *   throughput/procs:P/threads:T/loopers:N/size:S
 *                                         P client processes x T threads
 *   cold_install/threads:T/size:S         every round lands on pages that
 *                                         binder's shrinker just reclaimed
 *   oneway/size:S/burst:B                 bursts of one-way transactions
 *                                         filling the async buffer space
 *   mmap_contention/threads:T/size:S/churn:C
 *                                         cold_install while C threads of the
 *                                         receiver mmap, fault, mprotect and
 *                                         munmap: their latencies as counters
 *   shrinker_pressure/threads:T/size:S    a reclaimer runs binder's shrinker
 *                                         in a loop while transactions flow
 *   mmap_holder/kind:K/threads:T/size:S/region_mb:R/gap_ms:G
 *                                         transactions while somebody else
 *                                         holds the receiver's mmap_lock
 *                                         for as long as its R MiB region
 *                                         takes to walk (lib/holder.h: K is
 *                                         smaps_rollup, smaps, mprotect or
 *                                         munmap; R 0 is the control); binder's
 *                                         shrinker runs before every round
 *   mmap_holder/kind:K/target:decoy/...   the same holder on a decoy process
 *                                         with the same region: its CPU cost
 *                                         without the receiver's mmap_lock
 *   priority_mix                          SCHED_FIFO 99, SCHED_FIFO 1, nice -20
 *                                         and nice 19 clients, mixed sizes,
 *                                         reclaim in a loop: avg/p99/max per
 *                                         class (the 6.8 alloc-lock stress)
 * --size=BYTES runs each family once with that payload size instead of its
 * default parameter sets; --holder-kind=K registers mmap_holder for kind K
 * only, --holder-target=receiver|decoy for that target only, --region-mb=R
 * and --gap-ms=G run it once with that region and pause,
 * --holder-iterations=N runs each mmap_holder benchmark for exactly N
 * rounds (one run: no estimation run that sets the region up once more);
 * all other flags are Google Benchmark's.
 * The families live one per file next to this one (storms.h).
 */
#include "storms.h"

#include <stdlib.h>
#include <string.h>

struct family {
	const char *name;
	bb_gb_fn fn;
	const char *const *names;
	size_t nnames, nsets;
	const int64_t *args;
	int size_arg; /* index of the payload size argument */
	const void *user; /* the family function's user pointer */
};

/* Our own flags: each replaces one argument of the families that have it
 * (-1: keep the registered parameter sets). */
struct overrides {
	int64_t size, region_mb, gap_ms, holder_iterations;
	int kind; /* mmap_holder kind to register, -1: all */
	int target; /* mmap_holder target to register, -1: both */
};

/* Registers a family: every parameter set, or with an override only the
 * first one with that argument replaced. */
static void add(const struct family *f, const struct overrides *o)
{
	struct bb_gb_bench *b;
	int holder = !strncmp(f->name, "mmap_holder/", 12);
	int one = o->size >= 0 || (holder && (o->region_mb >= 0 || o->gap_ms >= 0));
	int64_t set[8];

	if (holder && o->kind >= 0 && ((const struct holder_variant *)f->user)->kind != o->kind)
		return;
	if (holder && o->target >= 0 && ((const struct holder_variant *)f->user)->target != o->target)
		return;
	b = bb_gb_register(f->name, f->fn, (void *)f->user);
	bb_gb_arg_names(b, f->names, f->nnames);
	for (size_t i = 0; i < (one ? 1 : f->nsets); i++) {
		memcpy(set, f->args + i * f->nnames, f->nnames * sizeof(set[0]));
		if (o->size >= 0)
			set[f->size_arg] = o->size;
		if (holder && o->region_mb >= 0)
			set[2] = o->region_mb;
		if (holder && o->gap_ms >= 0)
			set[3] = o->gap_ms;
		bb_gb_args(b, set, f->nnames);
	}
	if (holder && o->holder_iterations > 0)
		bb_gb_iterations(b, o->holder_iterations);
	bb_gb_use_manual_time(b);
	bb_gb_unit_us(b);
}

/* The value of an enum whose names name() gives, or -1. */
static int named(const char *s, const char *(*name)(int), int n)
{
	for (int v = 0; v < n; v++)
		if (!strcmp(s, name(v)))
			return v;
	return -1;
}

int main(int argc, char **argv)
{
	static const char *const size_n[] = { "size" };
	static const int64_t pingpong_args[] = { 0, 4096, 65536, 1 << 20 };
	static const char *const tp_n[] = { "procs", "threads", "loopers", "size" };
	static const int64_t tp_args[] = { 1, 1, 1, 4096, 2, 2, 2, 4096, 4, 2, 4, 4096 };
	static const char *const burst_n[] = { "threads", "size" };
	static const int64_t cold_args[] = { 4, 6000, 8, 2000, 2, 65536 };
	static const int64_t pressure_args[] = { 4, 8192 };
	static const char *const churn_n[] = { "threads", "size", "churn" };
	static const int64_t churn_args[] = { 4, 6000, 2 };
	static const char *const oneway_n[] = { "size", "burst" };
	static const int64_t oneway_args[] = { 128, 64, 4096, 64 };
	/* mmap_holder: the region sweep for the reader meminfo runs, one large
	 * region for the others; writers pause between holds, or baseline's
	 * shrinker (a trylock of the receiver's mmap_lock) would never run. */
	static const char *const holder_n[] = { "threads", "size", "region_mb", "gap_ms" };
	static const int64_t sweep_args[] = { 2, 16384, 0, 1, 2, 16384, 32, 1, 2, 16384, 64, 1,
					      2, 16384, 128, 1, 2, 16384, 256, 1 };
	static const int64_t reader_args[] = { 2, 16384, 256, 1 };
	static const int64_t writer_args[] = { 2, 16384, 256, 20 };
	/* munmap repopulates the region after every hold: a smaller one
	 * cycles often enough to hold during a short run. */
	static const int64_t munmap_args[] = { 2, 16384, 64, 20 };
	static const struct holder_variant v[] = {
		{ BB_HOLD_SMAPS_ROLLUP, BB_HOLD_RECEIVER }, { BB_HOLD_SMAPS, BB_HOLD_RECEIVER },
		{ BB_HOLD_MPROTECT, BB_HOLD_RECEIVER },	    { BB_HOLD_MUNMAP, BB_HOLD_RECEIVER },
		{ BB_HOLD_SMAPS_ROLLUP, BB_HOLD_DECOY },    { BB_HOLD_SMAPS, BB_HOLD_DECOY },
		{ BB_HOLD_MPROTECT, BB_HOLD_DECOY },	    { BB_HOLD_MUNMAP, BB_HOLD_DECOY },
	};
	static const struct family families[] = {
		{ "pingpong", bm_pingpong, size_n, 1, 4, pingpong_args, 0, NULL },
		{ "throughput", bm_throughput, tp_n, 4, 3, tp_args, 3, NULL },
		{ "cold_install", bm_cold_install, burst_n, 2, 3, cold_args, 1, NULL },
		{ "mmap_contention", bm_mmap_contention, churn_n, 3, 1, churn_args, 1, NULL },
		{ "shrinker_pressure", bm_shrinker_pressure, burst_n, 2, 1, pressure_args, 1, NULL },
		{ "oneway", bm_oneway, oneway_n, 2, 2, oneway_args, 0, NULL },
		{ "mmap_holder/kind:smaps_rollup", bm_mmap_holder, holder_n, 4, 5, sweep_args, 1, &v[0] },
		{ "mmap_holder/kind:smaps", bm_mmap_holder, holder_n, 4, 1, reader_args, 1, &v[1] },
		{ "mmap_holder/kind:mprotect", bm_mmap_holder, holder_n, 4, 1, writer_args, 1, &v[2] },
		{ "mmap_holder/kind:munmap", bm_mmap_holder, holder_n, 4, 1, munmap_args, 1, &v[3] },
		/* The decoys: the largest region of each kind, as the control of
		 * its lock effect (p99 behind the receiver / p99 behind the decoy). */
		{ "mmap_holder/kind:smaps_rollup/target:decoy", bm_mmap_holder, holder_n, 4, 1,
		  reader_args, 1, &v[4] },
		{ "mmap_holder/kind:smaps/target:decoy", bm_mmap_holder, holder_n, 4, 1, reader_args, 1,
		  &v[5] },
		{ "mmap_holder/kind:mprotect/target:decoy", bm_mmap_holder, holder_n, 4, 1, writer_args, 1,
		  &v[6] },
		{ "mmap_holder/kind:munmap/target:decoy", bm_mmap_holder, holder_n, 4, 1, munmap_args, 1,
		  &v[7] },
	};
	/* What the results were measured on (set by scripts/vm-run). */
	static const char *const env[][2] = { { "build_id", "BB_BUILD_ID" }, { "kernel", "BB_KERNEL" },
					      { "accel", "BB_ACCEL" }, { "vcpus", "BB_SMP" } };
	struct overrides o = { -1, -1, -1, -1, -1, -1 };
	const struct {
		const char *flag;
		int64_t max, *dest;
	} numeric[] = { { "--size=", 1 << 20, &o.size }, { "--region-mb=", 16384, &o.region_mb },
			{ "--gap-ms=", 10000, &o.gap_ms }, { "--holder-iterations=", 100000, &o.holder_iterations } };
	int n = 1;

	for (int i = 1; i < argc; i++) {
		size_t k, len;

		for (k = 0; k < sizeof(numeric) / sizeof(numeric[0]); k++) {
			char *end;

			len = strlen(numeric[k].flag);
			if (strncmp(argv[i], numeric[k].flag, len))
				continue;
			*numeric[k].dest = strtoll(argv[i] + len, &end, 0);
			if (*end || end == argv[i] + len || *numeric[k].dest < 0 ||
			    *numeric[k].dest > numeric[k].max) {
				fprintf(stderr, "binder-storms: error: bad %s (want %.*s0..%lld)\n",
					argv[i], (int)len, numeric[k].flag, (long long)numeric[k].max);
				return 2;
			}
			break;
		}
		if (k < sizeof(numeric) / sizeof(numeric[0]))
			continue;
		if (!strncmp(argv[i], "--holder-kind=", 14)) {
			o.kind = named(argv[i] + 14, bb_hold_kind_name, BB_HOLD_KINDS);
			if (o.kind < 0) {
				fprintf(stderr, "binder-storms: error: unknown %s (want smaps_rollup, smaps, mprotect or munmap)\n",
					argv[i]);
				return 2;
			}
		} else if (!strncmp(argv[i], "--holder-target=", 16)) {
			o.target = named(argv[i] + 16, bb_hold_target_name, BB_HOLD_TARGETS);
			if (o.target < 0) {
				fprintf(stderr, "binder-storms: error: unknown %s (want receiver or decoy)\n",
					argv[i]);
				return 2;
			}
		} else {
			argv[n++] = argv[i];
		}
	}
	argc = n;
	for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++)
		bb_gb_add_context(env[i][0], getenv(env[i][1]) ? getenv(env[i][1]) : "unknown");
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		add(&families[i], &o);
	bb_gb_use_manual_time(bb_gb_register("priority_mix", bm_priority_mix, NULL));
	return bb_gb_main(argc, argv);
}
