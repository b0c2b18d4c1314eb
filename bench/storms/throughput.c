/* throughput.c - throughput/procs:P/threads:T/loopers:N/size:S: P client
 * processes x T threads send in rounds (lib/round.h, across processes). */
#include "storms.h"
#include "lib/round.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

struct tp_shared {
	struct bb_round r;	/* process-shared: the workers are in P processes */
	uint64_t ns[];		/* procs * threads * BATCH timings of the current round */
};

/* A client process: T threads on one connection. */
static int tp_client(struct tp_shared *sh, size_t proc, size_t threads, size_t size, size_t map)
{
	struct bb_round_worker *w = calloc(threads, sizeof(*w));
	pthread_t *tids = calloc(threads, sizeof(*tids));
	struct bb_conn conn;

	if (!w || !tids || bb_open(&conn, dev_path(), map)) {
		bb_round_fail(&sh->r, "client process %zu cannot start", proc);
		return 1; /* the barrier count is then never met: the parent times out */
	}
	for (size_t t = 0; t < threads; t++) {
		w[t] = (struct bb_round_worker){ .r = &sh->r, .conn = &conn,
						 .slot = proc * threads + t, .size = size };
		pthread_create(&tids[t], NULL, bb_round_worker_main, &w[t]);
	}
	for (size_t t = 0; t < threads; t++)
		pthread_join(tids[t], NULL);
	bb_close(&conn);
	return 0;
}

void bm_throughput(struct bb_gb_state *st, void *user)
{
	size_t procs = (size_t)bb_gb_range_arg(st, 0), threads = (size_t)bb_gb_range_arg(st, 1);
	size_t loopers = (size_t)bb_gb_range_arg(st, 2), size = (size_t)bb_gb_range_arg(st, 3);
	size_t clients = procs * threads, shsize, map = map_for(size, clients);
	struct bb_samples lat = { 0 };
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
	if (bb_round_init(&sh->r, clients, BATCH, sh->ns, 1)) {
		bb_gb_skip_with_error(st, "cannot set up the round barriers");
		session_close(&s, st, 1);
		goto out;
	}
	for (size_t p = 0; p < procs; p++) {
		pids[p] = fork();
		if (pids[p] == 0)
			_exit(tp_client(sh, p, threads, size, map));
	}
	while (bb_gb_keep_running(st)) {
		double secs = bb_round_run(&sh->r) / 1e9;

		bb_gb_set_iteration_time(st, secs);
		busy += secs;
		if (atomic_load(&sh->r.failed)) {
			bb_gb_skip_with_error(st, sh->r.error[0] ? sh->r.error : "a client failed");
			failed = 1;
			break;
		}
		for (size_t i = 0; i < clients * BATCH; i++)
			bb_samples_push(&lat, sh->ns[i]);
	}
	bb_round_stop(&sh->r);
	for (size_t p = 0; p < procs; p++)
		waitpid(pids[p], NULL, 0);
	bb_round_destroy(&sh->r);
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
