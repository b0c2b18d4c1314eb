/* gbench_shim_test.c - a C benchmark on the gbench.h shim whose counters,
 * manual iteration times, items and errors are checked in Google
 * Benchmark's JSON output by gbench_shim_check.py.
 */
#include "gbench/gbench.h"

#include <stdio.h>

struct fixture {
	int setups;
};

static void manual(struct bb_gb_state *st, void *user)
{
	struct fixture *f = user;

	f->setups++;
	while (bb_gb_keep_running(st)) {
		bb_gb_pause(st);
		bb_gb_resume(st);
		bb_gb_set_iteration_time(st, 0.002);
	}
	bb_gb_counter(st, "answer", 42.0, BB_GB_DEFAULT);
	bb_gb_counter(st, "per_iter", 10.0, BB_GB_AVG_ITERATIONS);
	bb_gb_counter(st, "arg", (double)bb_gb_range_arg(st, 0), BB_GB_DEFAULT);
	bb_gb_counter(st, "setups", (double)f->setups, BB_GB_DEFAULT);
	bb_gb_items_processed(st, bb_gb_iterations_done(st) * 3);
	bb_gb_set_label(st, "shim");
}

static void batched(struct bb_gb_state *st, void *user)
{
	int64_t n = 0;

	(void)user;
	while (bb_gb_keep_running_batch(st, 4))
		n += 4;
	bb_gb_counter(st, "batched", (double)n, BB_GB_DEFAULT);
	bb_gb_counter(st, "threads", (double)bb_gb_thread_count(st), BB_GB_DEFAULT);
}

static void failing(struct bb_gb_state *st, void *user)
{
	(void)user;
	bb_gb_skip_with_error(st, "deliberate failure");
	while (bb_gb_keep_running(st))
		;
}

int main(int argc, char **argv)
{
	struct fixture f = { 0 };
	static const char *const names[] = { "size" };
	struct bb_gb_bench *b;

	b = bb_gb_register("shim/manual", manual, &f);
	bb_gb_args(b, (const int64_t[]){ 7 }, 1);
	bb_gb_arg_names(b, names, 1);
	bb_gb_iterations(b, 5);
	bb_gb_use_manual_time(b);
	bb_gb_unit_us(b);
	b = bb_gb_register("shim/batched", batched, NULL);
	bb_gb_iterations(b, 8);
	bb_gb_threads(b, 2);
	bb_gb_register("shim/failing", failing, NULL);
	bb_gb_add_context("build_id", "test:shim:0");
	return bb_gb_main(argc, argv);
}
