/* storms.c - binder transaction storms as Google Benchmark families (through
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
 *   priority_mix                          SCHED_FIFO 99, SCHED_FIFO 1, nice -20
 *                                         and nice 19 clients, mixed sizes,
 *                                         reclaim in a loop: avg/p99/max per
 *                                         class (the 6.8 alloc-lock stress)
 * --size=BYTES runs each family once with that payload size instead of its
 * default parameter sets; --holder-kind=K registers mmap_holder for kind K
 * only, --region-mb=R and --gap-ms=G run it once with that region and
 * pause; all other flags are Google Benchmark's.
 */
#include "gbench/gbench.h"
#include "lib/binder_io.h"
#include "lib/cli.h"
#include "lib/echo.h"
#include "lib/holder.h"
#include "lib/payload.h"
#include "lib/reclaim.h"
#include "lib/server.h"
#include "lib/stats.h"
#include "lib/tracecount.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The binder device: /dev/binder, or $BB_BINDER_DEV (the reliability soak
 * runs one storm per device of a module loaded with several). */
static const char *dev_path(void)
{
	const char *d = getenv("BB_BINDER_DEV");

	return d && *d ? d : "/dev/binder";
}

#define MAX_MAP (4u << 20)
#define BATCH 16 /* transactions per client thread per round */
#define HOLDER_PER_THREAD 4 /* the same for mmap_holder */

/* ---- shared helpers ---------------------------------------------------- */

static size_t map_for(size_t payload, size_t in_flight)
{
	size_t need = 2 * in_flight * (payload + 256) + (64u << 10);
	size_t map = 1u << 20;

	while (map < need && map < MAX_MAP)
		map <<= 1;
	return map;
}

/* Pages binder has installed in a process: active + lru, from the "pages:"
 * line of its section in binder's debugfs stats (-1 when unavailable). */
static long installed_pages(pid_t pid)
{
	char line[128];
	long active, lru, free_pages, total = -1;
	int proc, ours = 0;
	FILE *f = fopen("/sys/kernel/debug/binder/stats", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "proc %d", &proc) == 1)
			ours = proc == (int)pid;
		else if (ours && sscanf(line, " pages: %ld:%ld:%ld", &active, &lru, &free_pages) == 3)
			total = active + lru;
	}
	fclose(f);
	return total;
}

/* binderThroughputTest's summary shape, on stderr next to Google
 * Benchmark's table, so numbers can be read side by side. */
static void print_throughput_summary(const char *name, struct bb_samples *s, double secs)
{
	struct bb_latency l;

	if (!s->n || secs <= 0 || bb_latency_summarize(s->ns, s->n, &l))
		return;
	fprintf(stderr, "%s: iterations per sec: %.1f\n", name, (double)s->n / secs);
	bb_print_latency(stderr, &l);
}

static void report_latency(struct bb_gb_state *st, struct bb_samples *s)
{
	struct bb_latency l;

	if (!s->n || bb_latency_summarize(s->ns, s->n, &l))
		return;
	bb_gb_counter(st, "avg_us", l.avg_ns / 1e3, BB_GB_DEFAULT);
	bb_gb_counter(st, "p50_us", l.p50_ns / 1e3, BB_GB_DEFAULT);
	bb_gb_counter(st, "p90_us", l.p90_ns / 1e3, BB_GB_DEFAULT);
	bb_gb_counter(st, "p99_us", l.p99_ns / 1e3, BB_GB_DEFAULT);
	bb_gb_counter(st, "p999_us", l.p999_ns / 1e3, BB_GB_DEFAULT);
	bb_gb_counter(st, "max_us", l.max_ns / 1e3, BB_GB_DEFAULT);
}

/* A server and one client connection for a benchmark run. */
struct session {
	struct bb_server_opts so;
	struct bb_conn conn;
	pid_t server;
	struct bb_errbuf err;
};

static int session_open(struct session *s, struct bb_gb_state *st, size_t map,
			size_t loopers, size_t reply_cap, uint64_t *oneway_done,
			struct bb_churn *churn, size_t churn_threads, struct bb_holder *holder)
{
	int ret;

	memset(s, 0, sizeof(*s));
	s->so = (struct bb_server_opts){ .dev = dev_path(), .map_size = map, .loopers = loopers,
					 .reply_cap = reply_cap, .oneway_done = oneway_done,
					 .churn_threads = churn_threads, .churn = churn,
					 .holder = holder };
	s->server = bb_server_spawn(&s->so, &s->err);
	if (s->server < 0) {
		bb_gb_skip_with_error(st, s->err.msg);
		return -1;
	}
	ret = bb_open(&s->conn, dev_path(), map);
	if (ret) {
		bb_server_kill(s->server);
		snprintf(s->err.msg, sizeof(s->err.msg), "client cannot open %s: %s", dev_path(), strerror(-ret));
		bb_gb_skip_with_error(st, s->err.msg);
		return -1;
	}
	return 0;
}

static void session_close(struct session *s, struct bb_gb_state *st, int failed)
{
	if (failed) {
		bb_server_kill(s->server);
	} else if (bb_server_stop(&s->conn, s->server, s->so.loopers, &s->err)) {
		if (!bb_gb_error_occurred(st))
			bb_gb_skip_with_error(st, s->err.msg);
	}
	bb_close(&s->conn);
}

/* ---- pingpong ---------------------------------------------------------- */

static void bm_pingpong(struct bb_gb_state *st, void *user)
{
	size_t size = (size_t)bb_gb_range_arg(st, 0);
	struct bb_samples lat = { 0 };
	struct bb_client cl;
	struct session s;
	uint32_t seq = 0;
	double busy = 0;
	char name[64];
	uint8_t *req = malloc(size ? size : 1);
	int failed = 0;

	(void)user;
	if (!req || session_open(&s, st, map_for(size, 1), 1, size, NULL, NULL, 0, NULL)) {
		free(req);
		return;
	}
	bb_client_init(&cl, &s.conn);
	while (bb_gb_keep_running(st)) {
		uint64_t t0, dt;

		if (++seq == BB_CODE_QUIT)
			seq = 1;
		bb_payload_fill(req, size, seq);
		t0 = bb_now_ns();
		if (bb_echo_call(&cl, 0, seq, req, size, &s.err)) {
			bb_gb_skip_with_error(st, s.err.msg);
			failed = 1;
			break;
		}
		dt = bb_now_ns() - t0;
		bb_gb_set_iteration_time(st, dt / 1e9);
		bb_samples_push(&lat, dt);
		busy += dt / 1e9;
	}
	bb_client_flush(&cl, &s.err);
	session_close(&s, st, failed);
	report_latency(st, &lat);
	snprintf(name, sizeof(name), "pingpong/size:%zu", size);
	print_throughput_summary(name, &lat, busy);
	bb_gb_items_processed(st, bb_gb_iterations_done(st));
	bb_gb_bytes_processed(st, bb_gb_iterations_done(st) * (int64_t)size * 2);
	bb_samples_free(&lat);
	free(req);
}

/* ---- throughput: P processes x T threads in rounds ---------------------- */

struct tp_shared {
	pthread_barrier_t start, done;
	atomic_int stop, failed;
	size_t round;
	char error[200];
	uint64_t ns[]; /* procs * threads * BATCH timings of the current round */
};

struct tp_worker {
	struct tp_shared *sh;
	struct bb_conn *conn;
	size_t slot, size;
};

static void *tp_thread(void *arg)
{
	struct tp_worker *w = arg;
	struct tp_shared *sh = w->sh;
	struct bb_errbuf err = { "" };
	struct bb_client cl;
	uint8_t *req = malloc(w->size ? w->size : 1);

	bb_client_init(&cl, w->conn);
	for (;;) {
		pthread_barrier_wait(&sh->start);
		if (atomic_load(&sh->stop))
			break;
		for (size_t i = 0; i < BATCH && !atomic_load(&sh->failed); i++) {
			uint32_t seq = (uint32_t)((sh->round * 1000003u + w->slot * BATCH + i) % 0xfffffff0u) + 1;
			uint64_t t0;

			if (!req) {
				atomic_store(&sh->failed, 1);
				break;
			}
			bb_payload_fill(req, w->size, seq);
			t0 = bb_now_ns();
			if (bb_echo_call(&cl, 0, seq, req, w->size, &err)) {
				if (!atomic_exchange(&sh->failed, 1))
					snprintf(sh->error, sizeof(sh->error), "%s", err.msg);
				break;
			}
			sh->ns[w->slot * BATCH + i] = bb_now_ns() - t0;
		}
		bb_client_flush(&cl, &err);
		pthread_barrier_wait(&sh->done);
	}
	free(req);
	return NULL;
}

/* A client process: T threads on one connection. */
static int tp_client(struct tp_shared *sh, size_t proc, size_t threads, size_t size, size_t map)
{
	struct tp_worker *w = calloc(threads, sizeof(*w));
	pthread_t *tids = calloc(threads, sizeof(*tids));
	struct bb_conn conn;

	if (!w || !tids || bb_open(&conn, dev_path(), map)) {
		atomic_store(&sh->failed, 1);
		return 1; /* the barrier count is then never met: the parent times out */
	}
	for (size_t t = 0; t < threads; t++) {
		w[t] = (struct tp_worker){ sh, &conn, proc * threads + t, size };
		pthread_create(&tids[t], NULL, tp_thread, &w[t]);
	}
	for (size_t t = 0; t < threads; t++)
		pthread_join(tids[t], NULL);
	bb_close(&conn);
	return 0;
}

static void bm_throughput(struct bb_gb_state *st, void *user)
{
	size_t procs = (size_t)bb_gb_range_arg(st, 0), threads = (size_t)bb_gb_range_arg(st, 1);
	size_t loopers = (size_t)bb_gb_range_arg(st, 2), size = (size_t)bb_gb_range_arg(st, 3);
	size_t clients = procs * threads, shsize, map = map_for(size, clients);
	struct bb_samples lat = { 0 };
	pthread_barrierattr_t ba;
	struct tp_shared *sh;
	struct session s;
	pid_t *pids;
	int failed = 0;
	double busy = 0;
	char name[96];

	(void)user;
	shsize = sizeof(*sh) + clients * BATCH * sizeof(uint64_t);
	sh = mmap(NULL, shsize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pids = calloc(procs, sizeof(*pids));
	if (sh == MAP_FAILED || !pids) {
		bb_gb_skip_with_error(st, "out of memory");
		return;
	}
	if (session_open(&s, st, map, loopers, size, NULL, NULL, 0, NULL))
		goto out;
	pthread_barrierattr_init(&ba);
	pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	pthread_barrier_init(&sh->start, &ba, (unsigned int)clients + 1);
	pthread_barrier_init(&sh->done, &ba, (unsigned int)clients + 1);
	for (size_t p = 0; p < procs; p++) {
		pids[p] = fork();
		if (pids[p] == 0)
			_exit(tp_client(sh, p, threads, size, map));
	}
	while (bb_gb_keep_running(st)) {
		uint64_t t0 = bb_now_ns();

		sh->round++;
		pthread_barrier_wait(&sh->start);
		pthread_barrier_wait(&sh->done);
		bb_gb_set_iteration_time(st, (bb_now_ns() - t0) / 1e9);
		busy += (bb_now_ns() - t0) / 1e9;
		if (atomic_load(&sh->failed)) {
			bb_gb_skip_with_error(st, sh->error[0] ? sh->error : "a client failed");
			failed = 1;
			break;
		}
		for (size_t i = 0; i < clients * BATCH; i++)
			bb_samples_push(&lat, sh->ns[i]);
	}
	atomic_store(&sh->stop, 1);
	pthread_barrier_wait(&sh->start);
	for (size_t p = 0; p < procs; p++)
		waitpid(pids[p], NULL, 0);
	session_close(&s, st, failed);
	report_latency(st, &lat);
	snprintf(name, sizeof(name), "throughput/procs:%zu/threads:%zu/loopers:%zu/size:%zu",
		 procs, threads, loopers, size);
	print_throughput_summary(name, &lat, busy);
	bb_gb_items_processed(st, bb_gb_iterations_done(st) * (int64_t)(clients * BATCH));
	bb_gb_bytes_processed(st, bb_gb_iterations_done(st) * (int64_t)(clients * BATCH * size * 2));
out:
	bb_samples_free(&lat);
	free(pids);
	munmap(sh, shsize);
}

/* ---- threads of one process sending at once (cold_install, shrinker) ---- */

struct burst {
	struct bb_conn *conn;
	size_t threads, size, per_thread;
	pthread_barrier_t start, done;
	atomic_int stop, failed;
	size_t round;
	uint64_t *ns;
	char error[200];
};

struct burst_worker {
	struct burst *b;
	size_t id;
};

static void *burst_thread(void *arg)
{
	struct burst_worker *w = arg;
	struct burst *b = w->b;
	struct bb_errbuf err = { "" };
	struct bb_client cl;
	uint8_t *req = malloc(b->size ? b->size : 1);

	bb_client_init(&cl, b->conn);
	for (;;) {
		pthread_barrier_wait(&b->start);
		if (atomic_load(&b->stop))
			break;
		for (size_t i = 0; i < b->per_thread && req && !atomic_load(&b->failed); i++) {
			size_t k = w->id * b->per_thread + i;
			uint32_t seq = (uint32_t)((b->round * 1000003u + k) % 0xfffffff0u) + 1;
			uint64_t t0;

			bb_payload_fill(req, b->size, seq);
			t0 = bb_now_ns();
			if (bb_echo_call(&cl, 0, seq, req, b->size, &err)) {
				if (!atomic_exchange(&b->failed, 1))
					snprintf(b->error, sizeof(b->error), "%s", err.msg);
				break;
			}
			b->ns[k] = bb_now_ns() - t0;
		}
		if (!req)
			atomic_store(&b->failed, 1);
		bb_client_flush(&cl, &err);
		pthread_barrier_wait(&b->done);
	}
	free(req);
	return NULL;
}

enum burst_mode { COLD_INSTALL, SHRINKER_PRESSURE, MMAP_CONTENTION, MMAP_HOLDER };

/* ---- mmap_holder's holder: set up, started before the traffic, reported - */

static struct bb_holder *holder_new(struct bb_gb_state *st, int kind)
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
	h->kind = kind;
	h->region_bytes = (size_t)region_mb << 20;
	h->gap_ns = (uint64_t)gap_ms * 1000000u;
	return h;
}

/* Starts the reader (for the reader kinds), lets the holder time a few
 * holds without binder traffic, then switches it to phase 1 and starts
 * counting the receiver's page installs. */
static int holder_begin(struct bb_gb_state *st, struct bb_holder *h, struct session *s,
			pid_t *reader, struct bb_tracecount *tc)
{
	uint64_t t0 = bb_now_ns();

	if (h->region_bytes && !bb_hold_in_receiver(h->kind)) {
		*reader = bb_holder_spawn_reader(h, s->server, &s->err);
		if (*reader < 0) {
			bb_gb_skip_with_error(st, s->err.msg);
			return -1;
		}
	}
	while (h->region_bytes && __atomic_load_n(&h->n[0], __ATOMIC_ACQUIRE) < 3 &&
	       !__atomic_load_n(&h->failed, __ATOMIC_ACQUIRE) && bb_now_ns() - t0 < 1500000000u)
		usleep(1000);
	__atomic_store_n(&h->phase, 1, __ATOMIC_RELEASE);
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
static int holder_end(struct bb_gb_state *st, struct bb_holder *h, pid_t reader,
		      struct bb_tracecount *tc, pid_t server, int failed)
{
	long installs = bb_tracecount_read(tc, server);

	bb_tracecount_stop(tc);
	__atomic_store_n(&h->stop, 1, __ATOMIC_RELEASE);
	if (reader > 0)
		waitpid(reader, NULL, 0);
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

static void run_bursts(struct bb_gb_state *st, enum burst_mode mode, int kind)
{
	size_t threads = (size_t)bb_gb_range_arg(st, 0), size = (size_t)bb_gb_range_arg(st, 1);
	struct burst b = { .threads = threads, .size = size };
	struct burst_worker *w = calloc(threads, sizeof(*w));
	pthread_t *tids = calloc(threads, sizeof(*tids));
	struct bb_reclaimer *reclaimer = NULL;
	struct bb_samples lat = { 0 };
	long installs = 0, before, after;
	struct bb_churn *churn = NULL;
	struct bb_holder *holder = NULL;
	struct bb_tracecount tc = { .instance = "" };
	pid_t reader = -1;
	struct session s;
	int failed = 0, reclaiming = mode == SHRINKER_PRESSURE;

	/* mmap_holder: a few transactions per thread after each reclaim, so
	 * that a quarter of them install pages behind the holder. */
	b.per_thread = mode == COLD_INSTALL ? 1 : mode == MMAP_HOLDER ? HOLDER_PER_THREAD : BATCH;
	b.ns = calloc(threads * b.per_thread, sizeof(*b.ns));
	if (!w || !tids || !b.ns) {
		bb_gb_skip_with_error(st, "out of memory");
		goto out;
	}
	if (mode == MMAP_CONTENTION) {
		churn = mmap(NULL, sizeof(*churn), PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (churn == MAP_FAILED) {
			churn = NULL;
			bb_gb_skip_with_error(st, "out of memory");
			goto out;
		}
	}
	if (mode == MMAP_HOLDER) {
		holder = holder_new(st, kind);
		if (!holder)
			goto out;
	}
	if (session_open(&s, st, map_for(size, threads), threads, size, NULL,
			 churn, mode == MMAP_CONTENTION ? (size_t)bb_gb_range_arg(st, 2) : 0, holder))
		goto out;
	if (holder && holder_begin(st, holder, &s, &reader, &tc)) {
		bb_server_kill(s.server);
		bb_close(&s.conn);
		goto out;
	}
	b.conn = &s.conn;
	pthread_barrier_init(&b.start, NULL, (unsigned int)threads + 1);
	pthread_barrier_init(&b.done, NULL, (unsigned int)threads + 1);
	for (size_t i = 0; i < threads; i++) {
		w[i] = (struct burst_worker){ &b, i };
		pthread_create(&tids[i], NULL, burst_thread, &w[i]);
	}
	if (reclaiming && bb_reclaimer_start(&reclaimer, 0)) {
		bb_gb_skip_with_error(st, "cannot write /proc/sys/vm/drop_caches (run as root in the guest)");
		failed = 1;
	}
	while (!failed && bb_gb_keep_running(st)) {
		uint64_t t0;

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
		b.round++;
		t0 = bb_now_ns();
		pthread_barrier_wait(&b.start);
		pthread_barrier_wait(&b.done);
		bb_gb_set_iteration_time(st, (bb_now_ns() - t0) / 1e9);
		after = installed_pages(s.server);
		if (before >= 0 && after >= before)
			installs += after - before;
		if (atomic_load(&b.failed)) {
			bb_gb_skip_with_error(st, b.error[0] ? b.error : "a client thread failed");
			failed = 1;
			break;
		}
		for (size_t i = 0; i < threads * b.per_thread; i++)
			bb_samples_push(&lat, b.ns[i]);
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
	atomic_store(&b.stop, 1);
	pthread_barrier_wait(&b.start);
	for (size_t i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	if (holder && holder_end(st, holder, reader, &tc, s.server, failed))
		failed = 1;
	session_close(&s, st, failed);
	report_latency(st, &lat);
	if (mode == COLD_INSTALL || mode == MMAP_CONTENTION)
		bb_gb_counter(st, "installs_per_s", (double)installs, BB_GB_RATE);
	if (churn)
		report_churn(st, churn);
	bb_gb_items_processed(st, bb_gb_iterations_done(st) * (int64_t)(threads * b.per_thread));
out:
	bb_samples_free(&lat);
	free(b.ns);
	free(w);
	free(tids);
	if (churn)
		munmap(churn, sizeof(*churn));
	if (holder)
		munmap(holder, sizeof(*holder));
}

static void bm_cold_install(struct bb_gb_state *st, void *user)
{
	(void)user;
	run_bursts(st, COLD_INSTALL, 0);
}

static void bm_mmap_contention(struct bb_gb_state *st, void *user)
{
	(void)user;
	run_bursts(st, MMAP_CONTENTION, 0);
}

static void bm_shrinker_pressure(struct bb_gb_state *st, void *user)
{
	(void)user;
	run_bursts(st, SHRINKER_PRESSURE, 0);
}

static void bm_mmap_holder(struct bb_gb_state *st, void *user)
{
	run_bursts(st, MMAP_HOLDER, *(const int *)user);
}

/* ---- oneway ------------------------------------------------------------- */

static void bm_oneway(struct bb_gb_state *st, void *user)
{
	size_t size = (size_t)bb_gb_range_arg(st, 0), burst = (size_t)bb_gb_range_arg(st, 1);
	uint64_t *done = mmap(NULL, sizeof(*done), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint8_t *req = malloc(size ? size : 1);
	struct bb_samples lat = { 0 };
	struct bb_client cl;
	struct session s;
	uint64_t sent = 0;
	int failed = 0;

	(void)user;
	if (done == MAP_FAILED || !req) {
		bb_gb_skip_with_error(st, "out of memory");
		goto out;
	}
	*done = 0;
	/* A burst fills most of the async half of the server's mapping. */
	if (session_open(&s, st, map_for(size, burst), 1, size, done, NULL, 0, NULL))
		goto out;
	bb_client_init(&cl, &s.conn);
	while (bb_gb_keep_running(st) && !failed) {
		uint64_t t0 = bb_now_ns();

		for (size_t i = 0; i < burst; i++) {
			uint32_t seq = (uint32_t)(++sent % 0xfffffff0u) + 1;
			uint64_t t1;

			bb_payload_fill(req, size, seq);
			t1 = bb_now_ns();
			if (bb_echo_send_oneway(&cl, 0, seq, req, size, &s.err)) {
				bb_gb_skip_with_error(st, s.err.msg);
				failed = 1;
				break;
			}
			bb_samples_push(&lat, bb_now_ns() - t1);
		}
		/* The burst is done when the server has verified all of it. */
		while (!failed && __atomic_load_n(done, __ATOMIC_ACQUIRE) < sent)
			sched_yield();
		bb_gb_set_iteration_time(st, (bb_now_ns() - t0) / 1e9);
	}
	session_close(&s, st, failed);
	report_latency(st, &lat);
	bb_gb_items_processed(st, (int64_t)sent);
	bb_gb_bytes_processed(st, (int64_t)(sent * size));
out:
	bb_samples_free(&lat);
	free(req);
	if (done != MAP_FAILED)
		munmap(done, sizeof(*done));
}

/* ---- priority_mix -------------------------------------------------------- */

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
	struct bb_conn *conn;
	pthread_barrier_t start, done;
	atomic_int stop, failed;
	size_t round;
	uint64_t ns[PRIO_CLASSES][BATCH];
	char error[200];
};

struct prio_worker {
	struct prio_run *r;
	size_t cls;
};

static void *prio_thread(void *arg)
{
	struct prio_worker *w = arg;
	struct prio_run *r = w->r;
	const struct prio_class *c = &prio_classes[w->cls];
	struct sched_param sp = { .sched_priority = c->prio };
	struct bb_errbuf err = { "" };
	struct bb_client cl;
	uint8_t *req = malloc(65536);
	int ret = pthread_setschedparam(pthread_self(), c->policy, &sp);

	if (!ret && c->policy == SCHED_OTHER && setpriority(PRIO_PROCESS, (id_t)gettid(), c->nice))
		ret = errno;
	if ((ret || !req) && !atomic_exchange(&r->failed, 1))
		snprintf(r->error, sizeof(r->error), "cannot run as %s: %s (root needed)",
			 c->name, strerror(ret ? ret : ENOMEM));
	bb_client_init(&cl, r->conn);
	for (;;) {
		pthread_barrier_wait(&r->start);
		if (atomic_load(&r->stop))
			break;
		for (size_t i = 0; i < BATCH && !atomic_load(&r->failed); i++) {
			size_t size = prio_sizes[(i + w->cls) % (sizeof(prio_sizes) / sizeof(prio_sizes[0]))];
			uint32_t seq = (uint32_t)((r->round * 1000003u + w->cls * BATCH + i) % 0xfffffff0u) + 1;
			uint64_t t0;

			bb_payload_fill(req, size, seq);
			t0 = bb_now_ns();
			if (bb_echo_call(&cl, 0, seq, req, size, &err)) {
				if (!atomic_exchange(&r->failed, 1))
					snprintf(r->error, sizeof(r->error), "%s: %s", c->name, err.msg);
				break;
			}
			r->ns[w->cls][i] = bb_now_ns() - t0;
		}
		bb_client_flush(&cl, &err);
		pthread_barrier_wait(&r->done);
	}
	free(req);
	return NULL;
}

static void bm_priority_mix(struct bb_gb_state *st, void *user)
{
	struct prio_run *r = calloc(1, sizeof(*r));
	struct prio_worker w[PRIO_CLASSES];
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
	if (session_open(&s, st, map_for(65536, PRIO_CLASSES), PRIO_CLASSES, 65536, NULL, NULL, 0, NULL)) {
		free(r);
		return;
	}
	r->conn = &s.conn;
	pthread_barrier_init(&r->start, NULL, PRIO_CLASSES + 1);
	pthread_barrier_init(&r->done, NULL, PRIO_CLASSES + 1);
	for (size_t c = 0; c < PRIO_CLASSES; c++) {
		w[c] = (struct prio_worker){ r, c };
		pthread_create(&tids[c], NULL, prio_thread, &w[c]);
	}
	if (bb_reclaimer_start(&reclaimer, 0)) {
		bb_gb_skip_with_error(st, "cannot write /proc/sys/vm/drop_caches (run as root in the guest)");
		failed = 1;
	}
	while (!failed && bb_gb_keep_running(st)) {
		uint64_t t0 = bb_now_ns();

		r->round++;
		pthread_barrier_wait(&r->start);
		pthread_barrier_wait(&r->done);
		bb_gb_set_iteration_time(st, (bb_now_ns() - t0) / 1e9);
		if (atomic_load(&r->failed)) {
			bb_gb_skip_with_error(st, r->error[0] ? r->error : "a client failed");
			failed = 1;
			break;
		}
		for (size_t c = 0; c < PRIO_CLASSES; c++)
			for (size_t i = 0; i < BATCH; i++)
				bb_samples_push(&lat[c], r->ns[c][i]);
	}
	passes = bb_reclaimer_stop(reclaimer, NULL);
	atomic_store(&r->stop, 1);
	pthread_barrier_wait(&r->start);
	for (size_t c = 0; c < PRIO_CLASSES; c++)
		pthread_join(tids[c], NULL);
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

/* ---- registration -------------------------------------------------------- */

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
	int64_t size, region_mb, gap_ms;
	int kind; /* mmap_holder kind to register, -1: all */
};

/* Registers a family: every parameter set, or with an override only the
 * first one with that argument replaced. */
static void add(const struct family *f, const struct overrides *o)
{
	struct bb_gb_bench *b;
	int holder = !strncmp(f->name, "mmap_holder/", 12);
	int one = o->size >= 0 || (holder && (o->region_mb >= 0 || o->gap_ms >= 0));
	int64_t set[8];

	if (holder && o->kind >= 0 && *(const int *)f->user != o->kind)
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
	bb_gb_use_manual_time(b);
	bb_gb_unit_us(b);
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
	static const int kinds[BB_HOLD_KINDS] = { BB_HOLD_SMAPS_ROLLUP, BB_HOLD_SMAPS,
						  BB_HOLD_MPROTECT, BB_HOLD_MUNMAP };
	static const struct family families[] = {
		{ "pingpong", bm_pingpong, size_n, 1, 4, pingpong_args, 0, NULL },
		{ "throughput", bm_throughput, tp_n, 4, 3, tp_args, 3, NULL },
		{ "cold_install", bm_cold_install, burst_n, 2, 3, cold_args, 1, NULL },
		{ "mmap_contention", bm_mmap_contention, churn_n, 3, 1, churn_args, 1, NULL },
		{ "shrinker_pressure", bm_shrinker_pressure, burst_n, 2, 1, pressure_args, 1, NULL },
		{ "oneway", bm_oneway, oneway_n, 2, 2, oneway_args, 0, NULL },
		{ "mmap_holder/kind:smaps_rollup", bm_mmap_holder, holder_n, 4, 5, sweep_args, 1,
		  &kinds[BB_HOLD_SMAPS_ROLLUP] },
		{ "mmap_holder/kind:smaps", bm_mmap_holder, holder_n, 4, 1, reader_args, 1,
		  &kinds[BB_HOLD_SMAPS] },
		{ "mmap_holder/kind:mprotect", bm_mmap_holder, holder_n, 4, 1, writer_args, 1,
		  &kinds[BB_HOLD_MPROTECT] },
		{ "mmap_holder/kind:munmap", bm_mmap_holder, holder_n, 4, 1, munmap_args, 1,
		  &kinds[BB_HOLD_MUNMAP] },
	};
	/* What the results were measured on (set by scripts/vm-run). */
	static const char *const env[][2] = { { "build_id", "BB_BUILD_ID" }, { "kernel", "BB_KERNEL" },
					      { "accel", "BB_ACCEL" }, { "vcpus", "BB_SMP" } };
	struct overrides o = { -1, -1, -1, -1 };
	const struct {
		const char *flag;
		int64_t max, *dest;
	} numeric[] = { { "--size=", 1 << 20, &o.size }, { "--region-mb=", 16384, &o.region_mb },
			{ "--gap-ms=", 10000, &o.gap_ms } };
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
			for (o.kind = 0; o.kind < BB_HOLD_KINDS; o.kind++)
				if (!strcmp(argv[i] + 14, bb_hold_kind_name(o.kind)))
					break;
			if (o.kind == BB_HOLD_KINDS) {
				fprintf(stderr, "binder-storms: error: unknown %s (want smaps_rollup, smaps, mprotect or munmap)\n",
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
