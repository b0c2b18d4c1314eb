/* bursts.c - the families of threads of one process sending at once:
 * cold_install, shrinker_pressure, mmap_contention and mmap_holder (with
 * its holder set up, started before the traffic and reported). */
#include "storms.h"
#include "lib/cli.h"
#include "lib/reclaim.h"
#include "lib/round.h"
#include "lib/tracecount.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

enum burst_mode { COLD_INSTALL, SHRINKER_PRESSURE, MMAP_CONTENTION, MMAP_HOLDER };

/* ---- mmap_holder's holder: set up, started before the traffic, reported - */

static struct bb_holder *holder_new(struct bb_gb_state *st, const struct holder_variant *v)
{
	int64_t region_mb = bb_gb_range_arg(st, 2), gap_ms = bb_gb_range_arg(st, 3);
	struct bb_holder *h;

	if (region_mb < 0 || region_mb > 16384 || gap_ms < 0 || gap_ms > 10000) {
		bb_gb_skip_with_error(st, "mmap_holder: want region_mb 0..16384 and gap_ms 0..10000");
		return NULL;
	}
	h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (h == MAP_FAILED) {
		bb_gb_skip_with_error(st, "out of memory");
		return NULL;
	}
	h->kind = v->kind;
	h->target = v->target;
	h->region_bytes = (size_t)region_mb << 20;
	h->gap_ns = (uint64_t)gap_ms * 1000000u;
	return h;
}

/* Starts the decoy (decoy target) and the reader (reader kinds), lets the
 * holder time a few holds without binder traffic, then switches it to
 * phase 1 and starts counting the receiver's page installs. */
static int holder_begin(struct bb_gb_state *st, struct bb_holder *h, struct session *s,
			pid_t *reader, pid_t *decoy, struct bb_tracecount *tc)
{
	uint64_t t0 = bb_now_ns();
	pid_t walked = s->server;

	if (h->region_bytes && h->target == BB_HOLD_DECOY) {
		*decoy = bb_holder_spawn_decoy(h, &s->err);
		if (*decoy < 0) {
			bb_gb_skip_with_error(st, s->err.msg);
			return -1;
		}
		walked = *decoy;
	}
	if (h->region_bytes && !bb_hold_in_receiver(h->kind)) {
		*reader = bb_holder_spawn_reader(h, walked, &s->err);
		if (*reader < 0) {
			bb_gb_skip_with_error(st, s->err.msg);
			/* A decoy already running must not outlive the run. */
			if (*decoy > 0) {
				__atomic_store_n(&h->stop, 1, __ATOMIC_RELEASE);
				waitpid(*decoy, NULL, 0);
				*decoy = -1;
			}
			return -1;
		}
	}
	while (h->region_bytes && __atomic_load_n(&h->n[0], __ATOMIC_ACQUIRE) < 3 &&
	       !__atomic_load_n(&h->failed, __ATOMIC_ACQUIRE) && bb_now_ns() - t0 < 1500000000u)
		usleep(1000);
	__atomic_store_n(&h->phase, 1, __ATOMIC_RELEASE);
	/* Under bpf/binder-timeline -s: the traffic starts now. */
	if (getenv("BB_TIMELINE_PID"))
		kill((pid_t)atoi(getenv("BB_TIMELINE_PID")), SIGUSR1);
	if (bb_tracecount_start(tc, "binder/binder_alloc_page_start", "proc"))
		tc->instance[0] = '\0'; /* no count, the storm still runs */
	return 0;
}

static void holder_counter(struct bb_gb_state *st, const char *name, uint64_t *ns, uint64_t n)
{
	struct bb_latency l;
	char key[48];

	n = n < BB_HOLD_CAP ? n : BB_HOLD_CAP;
	if (!n || bb_latency_summarize(ns, n, &l))
		return;
	snprintf(key, sizeof(key), "%s_p50_us", name);
	bb_gb_counter(st, key, l.p50_ns / 1e3, BB_GB_DEFAULT);
	snprintf(key, sizeof(key), "%s_p99_us", name);
	bb_gb_counter(st, key, l.p99_ns / 1e3, BB_GB_DEFAULT);
	snprintf(key, sizeof(key), "%s_max_us", name);
	bb_gb_counter(st, key, l.max_ns / 1e3, BB_GB_DEFAULT);
}

/* Stops the holder; returns -1 (the run's error set) if it had failed. */
static int holder_end(struct bb_gb_state *st, struct bb_holder *h, pid_t reader, pid_t decoy,
		      struct bb_tracecount *tc, pid_t server, int failed)
{
	long installs = bb_tracecount_read(tc, server);

	bb_tracecount_stop(tc);
	__atomic_store_n(&h->stop, 1, __ATOMIC_RELEASE);
	if (reader > 0)
		waitpid(reader, NULL, 0);
	if (decoy > 0)
		waitpid(decoy, NULL, 0);
	if (__atomic_load_n(&h->failed, __ATOMIC_ACQUIRE)) {
		if (!failed)
			bb_gb_skip_with_error(st, h->error);
		return -1;
	}
	if (installs >= 0)
		bb_gb_counter(st, "installs", (double)installs, BB_GB_DEFAULT);
	bb_gb_counter(st, "holds", (double)h->n[1], BB_GB_DEFAULT);
	holder_counter(st, "hold", h->ns[1], h->n[1]);
	holder_counter(st, "idle_hold", h->ns[0], h->n[0]);
	return 0;
}

/* Latency counters of the interference threads of mmap_contention. */
static void report_churn(struct bb_gb_state *st, struct bb_churn *ch)
{
	static const char *const names[BB_CHURN_KINDS] = { "mmap", "fault", "mprotect", "munmap" };
	struct bb_latency l;
	char name[32];

	for (int k = 0; k < BB_CHURN_KINDS; k++) {
		size_t n = ch->n[k] < BB_CHURN_CAP ? ch->n[k] : BB_CHURN_CAP;

		if (!n || bb_latency_summarize(ch->ns[k], n, &l))
			continue;
		snprintf(name, sizeof(name), "%s_p50_us", names[k]);
		bb_gb_counter(st, name, l.p50_ns / 1e3, BB_GB_DEFAULT);
		snprintf(name, sizeof(name), "%s_p99_us", names[k]);
		bb_gb_counter(st, name, l.p99_ns / 1e3, BB_GB_DEFAULT);
		snprintf(name, sizeof(name), "%s_max_us", names[k]);
		bb_gb_counter(st, name, l.max_ns / 1e3, BB_GB_DEFAULT);
	}
}

/* With BB_SAMPLES_DIR set, mmap_holder writes every transaction latency of
 * its run to DIR/PARAMS.txt (PARAMS as scripts/gbench_csv.py names the
 * parameter set, one microsecond value a line), so that scripts/compare can
 * pool the repetitions' tails. Google Benchmark calls the function again
 * for each iteration count it tries: each call overwrites the file, and the
 * run it reports is the last. Returns 0 or -errno. */
static int dump_samples(struct bb_gb_state *st, const struct holder_variant *v,
			const struct bb_samples *lat)
{
	const char *dir = getenv("BB_SAMPLES_DIR");
	char path[512];
	FILE *f;

	if (!dir || !*dir)
		return 0;
	snprintf(path, sizeof(path), "%s/kind:%s;%sthreads:%lld;size:%lld;region_mb:%lld;gap_ms:%lld.txt",
		 dir, bb_hold_kind_name(v->kind), v->target == BB_HOLD_DECOY ? "target:decoy;" : "",
		 (long long)bb_gb_range_arg(st, 0), (long long)bb_gb_range_arg(st, 1),
		 (long long)bb_gb_range_arg(st, 2), (long long)bb_gb_range_arg(st, 3));
	f = fopen(path, "w");
	if (!f)
		return -errno;
	for (size_t i = 0; i < lat->n; i++)
		fprintf(f, "%.1f\n", lat->ns[i] / 1e3);
	return fclose(f) ? -errno : 0;
}

static void run_bursts(struct bb_gb_state *st, enum burst_mode mode,
		       const struct holder_variant *variant)
{
	size_t threads = (size_t)bb_gb_range_arg(st, 0), size = (size_t)bb_gb_range_arg(st, 1);
	struct bb_round r;
	struct bb_round_worker *w = calloc(threads, sizeof(*w));
	uint64_t *ns = NULL;
	size_t per_thread;
	pthread_t *tids = calloc(threads, sizeof(*tids));
	struct bb_reclaimer *reclaimer = NULL;
	struct bb_samples lat = { 0 };
	long installs = 0, before, after;
	int installs_known = 1;	/* installed_pages() readable all along */
	struct bb_churn *churn = NULL;
	struct bb_holder *holder = NULL;
	struct bb_tracecount tc = { .instance = "" };
	pid_t reader = -1, decoy = -1;
	struct session s;
	int failed = 0, reclaiming = mode == SHRINKER_PRESSURE;

	/* mmap_holder: a few transactions per thread after each reclaim, so
	 * that a quarter of them install pages behind the holder. */
	per_thread = mode == COLD_INSTALL ? 1 : mode == MMAP_HOLDER ? HOLDER_PER_THREAD : BATCH;
	ns = calloc(threads * per_thread, sizeof(*ns));
	if (!w || !tids || !ns || bb_round_init(&r, threads, per_thread, ns, 0)) {
		bb_gb_skip_with_error(st, "out of memory");
		goto out;
	}
	if (mode == MMAP_CONTENTION) {
		churn = mmap(NULL, sizeof(*churn), PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (churn == MAP_FAILED) {
			churn = NULL;
			bb_gb_skip_with_error(st, "out of memory");
			goto out_round;
		}
	}
	if (mode == MMAP_HOLDER) {
		holder = holder_new(st, variant);
		if (!holder)
			goto out_round;
	}
	if (session_open(&s, st, map_for(size, threads), threads, size, NULL,
			 churn, mode == MMAP_CONTENTION ? (size_t)bb_gb_range_arg(st, 2) : 0, holder))
		goto out_round;
	if (holder && holder_begin(st, holder, &s, &reader, &decoy, &tc)) {
		bb_server_kill(s.server);
		bb_close(&s.conn);
		goto out_round;
	}
	for (size_t i = 0; i < threads; i++) {
		w[i] = (struct bb_round_worker){ .r = &r, .conn = &s.conn, .slot = i, .size = size };
		pthread_create(&tids[i], NULL, bb_round_worker_main, &w[i]);
	}
	if (reclaiming && bb_reclaimer_start(&reclaimer, 0)) {
		bb_gb_skip_with_error(st, "cannot write /proc/sys/vm/drop_caches (run as root in the guest)");
		failed = 1;
	}
	while (!failed && bb_gb_keep_running(st)) {
		if (!reclaiming) {
			bb_gb_pause(st);
			if (bb_write_file("/proc/sys/vm/drop_caches", "2")) {
				bb_gb_skip_with_error(st, "cannot write /proc/sys/vm/drop_caches (run as root in the guest)");
				bb_gb_resume(st);
				failed = 1;
				break;
			}
			bb_gb_resume(st);
		}
		before = installed_pages(s.server);
		bb_gb_set_iteration_time(st, bb_round_run(&r) / 1e9);
		after = installed_pages(s.server);
		if (before >= 0 && after >= before)
			installs += after - before;
		else if (before < 0 || after < 0)
			installs_known = 0;
		if (atomic_load(&r.failed)) {
			bb_gb_skip_with_error(st, r.error[0] ? r.error : "a client thread failed");
			failed = 1;
			break;
		}
		for (size_t i = 0; i < threads * per_thread; i++)
			bb_samples_push(&lat, ns[i]);
	}
	if (reclaimer) {
		int err;
		uint64_t passes = bb_reclaimer_stop(reclaimer, &err);

		if (err && !failed) {
			bb_gb_skip_with_error(st, "the reclaimer stopped: cannot write /proc/sys/vm/drop_caches");
			failed = 1;
		}
		bb_gb_counter(st, "reclaim_passes", (double)passes, BB_GB_DEFAULT);
	}
	bb_round_stop(&r);
	for (size_t i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	if (holder && holder_end(st, holder, reader, decoy, &tc, s.server, failed))
		failed = 1;
	session_close(&s, st, failed);
	report_latency(st, &lat);
	if (holder && !failed && dump_samples(st, variant, &lat))
		bb_gb_skip_with_error(st, "cannot write the samples to $BB_SAMPLES_DIR");
	/* Not measurable (no stats "pages:" line, e.g. Rust binder): no
	 * counter rather than a 0. */
	if ((mode == COLD_INSTALL || mode == MMAP_CONTENTION) && installs_known)
		bb_gb_counter(st, "installs_per_s", (double)installs, BB_GB_RATE);
	if (churn)
		report_churn(st, churn);
	bb_gb_items_processed(st, bb_gb_iterations_done(st) * (int64_t)(threads * per_thread));
out_round:
	bb_round_destroy(&r);
out:
	bb_samples_free(&lat);
	free(ns);
	free(w);
	free(tids);
	if (churn)
		munmap(churn, sizeof(*churn));
	if (holder)
		munmap(holder, sizeof(*holder));
}

void bm_cold_install(struct bb_gb_state *st, void *user)
{
	(void)user;
	run_bursts(st, COLD_INSTALL, NULL);
}

void bm_mmap_contention(struct bb_gb_state *st, void *user)
{
	(void)user;
	run_bursts(st, MMAP_CONTENTION, NULL);
}

void bm_shrinker_pressure(struct bb_gb_state *st, void *user)
{
	(void)user;
	run_bursts(st, SHRINKER_PRESSURE, NULL);
}

void bm_mmap_holder(struct bb_gb_state *st, void *user)
{
	run_bursts(st, MMAP_HOLDER, user);
}
