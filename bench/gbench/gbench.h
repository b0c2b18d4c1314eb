/* gbench.h - a small C interface to Google Benchmark (libbenchmark), so the
 * storm drivers can be written in C: register a named benchmark with a C run
 * function and user data, give it arguments, thread counts and manual
 * timing, and inside the run loop report counters, items and bytes, pause
 * and resume the timer, or skip with an error. Implemented in gbench.cc.
 */
#ifndef BINDERBENCH_GBENCH_H
#define BINDERBENCH_GBENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bb_gb_state;	/* a running benchmark (benchmark::State) */
struct bb_gb_bench;	/* a registered benchmark (benchmark::internal::Benchmark) */

typedef void (*bb_gb_fn)(struct bb_gb_state *st, void *user);

/* Counter flags (benchmark::Counter::Flags). */
enum {
	BB_GB_DEFAULT = 0,
	BB_GB_RATE = 1 << 0,		/* divided by the run's seconds */
	BB_GB_AVG_THREADS = 1 << 1,	/* divided by the number of threads */
	BB_GB_AVG_ITERATIONS = 1 << 2,	/* divided by the iterations */
};

/* Registration. Names are copied; user is passed to fn as is. */
struct bb_gb_bench *bb_gb_register(const char *name, bb_gb_fn fn, void *user);
void bb_gb_arg(struct bb_gb_bench *b, int64_t value);
void bb_gb_args(struct bb_gb_bench *b, const int64_t *values, size_t n);
void bb_gb_range(struct bb_gb_bench *b, int64_t lo, int64_t hi);
void bb_gb_arg_name(struct bb_gb_bench *b, const char *name);
void bb_gb_arg_names(struct bb_gb_bench *b, const char *const *names, size_t n);
void bb_gb_threads(struct bb_gb_bench *b, int threads);
void bb_gb_iterations(struct bb_gb_bench *b, int64_t iterations);
void bb_gb_repetitions(struct bb_gb_bench *b, int repetitions);
void bb_gb_use_manual_time(struct bb_gb_bench *b);
void bb_gb_unit_us(struct bb_gb_bench *b);

/* The run loop. */
int bb_gb_keep_running(struct bb_gb_state *st);
int bb_gb_keep_running_batch(struct bb_gb_state *st, int64_t n);
int64_t bb_gb_range_arg(const struct bb_gb_state *st, size_t i);
int bb_gb_thread_index(const struct bb_gb_state *st);
int bb_gb_thread_count(const struct bb_gb_state *st);
int64_t bb_gb_iterations_done(const struct bb_gb_state *st);
void bb_gb_set_iteration_time(struct bb_gb_state *st, double seconds);
void bb_gb_pause(struct bb_gb_state *st);
void bb_gb_resume(struct bb_gb_state *st);
void bb_gb_counter(struct bb_gb_state *st, const char *name, double value, int flags);
void bb_gb_items_processed(struct bb_gb_state *st, int64_t items);
void bb_gb_bytes_processed(struct bb_gb_state *st, int64_t bytes);
void bb_gb_set_label(struct bb_gb_state *st, const char *label);
void bb_gb_skip_with_error(struct bb_gb_state *st, const char *msg);
int bb_gb_error_occurred(const struct bb_gb_state *st);

/* Adds key=value to the "context" of the JSON output (before bb_gb_main). */
void bb_gb_add_context(const char *key, const char *value);

/* Parses the --benchmark_* flags, runs the selected benchmarks, shuts the
 * library down. Returns 0; 1 when a benchmark skipped with an error (after
 * reporting all of them); 2 for an unknown flag or an unwritable
 * --benchmark_out (with a one-line error). --benchmark_out=FILE appears
 * only when every benchmark succeeded (written aside, then renamed).
 */
int bb_gb_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif
