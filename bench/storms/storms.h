/* storms.h - what the storm families of binder-storms share (common.c):
 * the device, sizes, the server session every family opens, and latency
 * reporting; and the family functions registered in main.c.
 */
#ifndef BINDERBENCH_STORMS_H
#define BINDERBENCH_STORMS_H

#include "gbench/gbench.h"
#include "lib/binder_io.h"
#include "lib/echo.h"
#include "lib/server.h"
#include "lib/stats.h"

#include <stddef.h>
#include <sys/types.h>

#define MAX_MAP (4u << 20)
#define BATCH 16 /* transactions per client thread per round */
#define HOLDER_PER_THREAD 4 /* the same for mmap_holder */

/* An mmap_holder family's user pointer: the holder's kind and whose
 * mmap_lock it takes (lib/holder.h). */
struct holder_variant {
	int kind;	/* enum bb_hold_kind */
	int target;	/* enum bb_hold_target */
};

/* The binder device: $BB_BINDER_DEV or /dev/binder (lib/device.h). */
const char *dev_path(void);
/* The receive mapping for in_flight transactions of payload bytes. */
size_t map_for(size_t payload, size_t in_flight);
/* Pages binder has installed for process pid (debugfs), or -1. */
long installed_pages(pid_t pid);
void print_throughput_summary(const char *name, struct bb_samples *s, double secs);
/* p50/p90/p99/p99.9/max counters of the samples. */
void report_latency(struct bb_gb_state *st, struct bb_samples *s);

struct session {
	struct bb_server_opts so;
	struct bb_conn conn;
	pid_t server;
	struct bb_errbuf err;
};

int session_open(struct session *s, struct bb_gb_state *st, size_t map,
		 size_t loopers, size_t reply_cap, uint64_t *oneway_done,
		 struct bb_churn *churn, size_t churn_threads, struct bb_holder *holder);
void session_close(struct session *s, struct bb_gb_state *st, int failed);

/* The families (one file each). */
void bm_pingpong(struct bb_gb_state *st, void *user);
void bm_throughput(struct bb_gb_state *st, void *user);
void bm_cold_install(struct bb_gb_state *st, void *user);
void bm_mmap_contention(struct bb_gb_state *st, void *user);
void bm_shrinker_pressure(struct bb_gb_state *st, void *user);
void bm_mmap_holder(struct bb_gb_state *st, void *user);
void bm_oneway(struct bb_gb_state *st, void *user);
void bm_priority_mix(struct bb_gb_state *st, void *user);

#endif
