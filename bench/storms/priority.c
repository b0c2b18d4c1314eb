/* priority.c - priority_mix: SCHED_FIFO 99, SCHED_FIFO 1, nice -20 and
 * nice 19 clients, mixed sizes, reclaim in a loop: avg/p99/max per class. */
#include "storms.h"
#include "lib/reclaim.h"
#include "lib/round.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

/* The scheduling classes of the 6.8 alloc-lock stress test. */
static const struct prio_class {
	const char *name;
	int policy, prio, nice;
} prio_classes[] = {
	{ "fifo99", SCHED_FIFO, 99, 0 },
	{ "fifo1", SCHED_FIFO, 1, 0 },
	{ "nice_m20", SCHED_OTHER, 0, -20 },
	{ "nice_19", SCHED_OTHER, 0, 19 },
};
#define PRIO_CLASSES (sizeof(prio_classes) / sizeof(prio_classes[0]))
static const size_t prio_sizes[] = { 128, 4096, 16384, 2000, 65536, 512 };

struct prio_run {
	struct bb_round r;
	uint64_t ns[PRIO_CLASSES][BATCH];
};

/* A class's sizes cycle through prio_sizes, each class from its own start. */
static size_t prio_size(const struct bb_round_worker *w, size_t i)
{
	return prio_sizes[(i + w->slot) % (sizeof(prio_sizes) / sizeof(prio_sizes[0]))];
}

/* Runs the worker's thread with its class's policy, priority and nice. */
static int prio_setup(const struct bb_round_worker *w, struct bb_errbuf *err)
{
	const struct prio_class *c = &prio_classes[w->slot];
	struct sched_param sp = { .sched_priority = c->prio };
	int ret = pthread_setschedparam(pthread_self(), c->policy, &sp);

	if (!ret && c->policy == SCHED_OTHER && setpriority(PRIO_PROCESS, (id_t)gettid(), c->nice))
		ret = errno;
	if (ret)
		snprintf(err->msg, sizeof(err->msg), "cannot run as %s: %s (root needed)",
			 c->name, strerror(ret));
	return -ret;
}

void bm_priority_mix(struct bb_gb_state *st, void *user)
{
	struct prio_run *r = calloc(1, sizeof(*r));
	struct bb_round_worker w[PRIO_CLASSES];
	pthread_t tids[PRIO_CLASSES];
	struct bb_reclaimer *reclaimer = NULL;
	uint64_t passes;
	struct bb_samples lat[PRIO_CLASSES] = { { 0 } };
	struct session s;
	int failed = 0;

	(void)user;
	if (!r) {
		bb_gb_skip_with_error(st, "out of memory");
		return;
	}
	if (bb_round_init(&r->r, PRIO_CLASSES, BATCH, &r->ns[0][0], 0)) {
		bb_gb_skip_with_error(st, "cannot set up the round barriers");
		free(r);
		return;
	}
	if (session_open(&s, st, map_for(65536, PRIO_CLASSES), PRIO_CLASSES, 65536, NULL, NULL, 0, NULL)) {
		bb_round_destroy(&r->r);
		free(r);
		return;
	}
	for (size_t c = 0; c < PRIO_CLASSES; c++) {
		w[c] = (struct bb_round_worker){ .r = &r->r, .conn = &s.conn, .slot = c,
						 .size_of = prio_size, .max_size = 65536,
						 .name = prio_classes[c].name, .setup = prio_setup };
		pthread_create(&tids[c], NULL, bb_round_worker_main, &w[c]);
	}
	if (bb_reclaimer_start(&reclaimer, 0)) {
		bb_gb_skip_with_error(st, "cannot write /proc/sys/vm/drop_caches (run as root in the guest)");
		failed = 1;
	}
	while (!failed && bb_gb_keep_running(st)) {
		bb_gb_set_iteration_time(st, bb_round_run(&r->r) / 1e9);
		if (atomic_load(&r->r.failed)) {
			bb_gb_skip_with_error(st, r->r.error[0] ? r->r.error : "a client failed");
			failed = 1;
			break;
		}
		for (size_t c = 0; c < PRIO_CLASSES; c++)
			for (size_t i = 0; i < BATCH; i++)
				bb_samples_push(&lat[c], r->ns[c][i]);
	}
	passes = bb_reclaimer_stop(reclaimer, NULL);
	bb_round_stop(&r->r);
	for (size_t c = 0; c < PRIO_CLASSES; c++)
		pthread_join(tids[c], NULL);
	bb_round_destroy(&r->r);
	session_close(&s, st, failed);
	for (size_t c = 0; c < PRIO_CLASSES; c++) {
		struct bb_latency l;
		char name[48];

		if (!lat[c].n || bb_latency_summarize(lat[c].ns, lat[c].n, &l))
			continue;
		snprintf(name, sizeof(name), "%s_avg_us", prio_classes[c].name);
		bb_gb_counter(st, name, l.avg_ns / 1e3, BB_GB_DEFAULT);
		snprintf(name, sizeof(name), "%s_p99_us", prio_classes[c].name);
		bb_gb_counter(st, name, l.p99_ns / 1e3, BB_GB_DEFAULT);
		snprintf(name, sizeof(name), "%s_max_us", prio_classes[c].name);
		bb_gb_counter(st, name, l.max_ns / 1e3, BB_GB_DEFAULT);
		bb_samples_free(&lat[c]);
	}
	bb_gb_counter(st, "reclaim_passes", (double)passes, BB_GB_DEFAULT);
	bb_gb_items_processed(st, bb_gb_iterations_done(st) * (int64_t)(PRIO_CLASSES * BATCH));
	free(r);
}
