/* report.c - binder-installs' reports once tracing stops: counts,
 * percentiles and log2 histograms of the instruments' maps, mmap_lock wait
 * and hold by cause, the top contending stacks (symbolized), per-program
 * run-time stats, and the CSV outputs (report.h).
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "binder_installs.h"
#include "binder_locks.h"
#include "binder_installs.skel.h"
#include "binder_locks.skel.h"
#include "hist.h"
#include "ksyms.h"
#include "loader.h"
#include "report.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const cause_names[BI_CAUSES] = { "install", "reclaim", "fault", "mmcall", "other" };
static const char *const mode_names[BI_MODES] = { "read", "write" };
static const char *const counter_names[BI_COUNTERS] = {
	"installs", "installs_completed", "lru_alloc", "lru_free", "unmap_user", "unmap_kernel",
};
static const char *const class_names[BL_CLASSES] = {
	"alloc_lock_spin", "alloc_lock_mutex", "binder_mmap_lock_read", "binder_mmap_lock_write",
	"rust_mm_lock",
};
static const char *const txn_names[BL_TXNS] = {
	"txn_sync_round_trip", "txn_sync_queue", "txn_oneway_queue", "txn_reply_queue",
};

struct reporter {
	const struct options *o;
	int ncpu;
	uint64_t *vals;
	struct hist h;
	FILE *csv;
	FILE *hists;
};

/* Prints and writes one histogram: count, p50..p99.9, max, log2 plot. */
static void report_hist(struct reporter *rp, int fd, uint32_t id, const char *name)
{
	static const double qs[] = { 0.5, 0.9, 0.99, 0.999 };
	static const char *const qn[] = { "p50", "p90", "p99", "p999" };

	hist_read(fd, id, rp->ncpu, rp->vals, &rp->h);
	if (!rp->h.n)
		return;
	if (rp->hists)
		hist_write_csv(rp->hists, name, &rp->h);
	if (!rp->o->quiet)
		hist_print_log2(stdout, name, &rp->h);
	printf("  %s: %llu events,", name, (unsigned long long)rp->h.n);
	if (rp->csv)
		fprintf(rp->csv, "%s_count,%llu,count\n", name, (unsigned long long)rp->h.n);
	for (int i = 0; i < 4; i++) {
		double p = hist_percentile(&rp->h, qs[i]);

		printf(" %s %.1f us", qn[i], p / 1000);
		if (rp->csv)
			fprintf(rp->csv, "%s_%s_us,%.3f,us\n", name, qn[i], p / 1000);
	}
	printf(" max < %.1f us\n", hist_max(&rp->h) / 1000);
	if (rp->csv)
		fprintf(rp->csv, "%s_max_us,%.3f,us\n", name, hist_max(&rp->h) / 1000);
}

/* Exact total mmap_lock wait and hold per cause x mode (over all owners). */
static void report_totals(struct reporter *rp, struct binder_installs_bpf *sk)
{
	double wait[BI_CAUSES][BI_MODES] = { { 0 } }, hold[BI_CAUSES][BI_MODES] = { { 0 } };
	int fd = bpf_map__fd(sk->maps.owner_stats);
	struct bi_owner_key k, *prev = NULL;
	struct bi_stat s;

	while (!bpf_map_get_next_key(fd, prev, &k)) {
		if (!bpf_map_lookup_elem(fd, &k, &s)) {
			wait[k.cause % BI_CAUSES][k.mode % BI_MODES] += (double)s.total_ns;
			hold[k.cause % BI_CAUSES][k.mode % BI_MODES] += (double)s.hold_ns;
		}
		prev = &k;
	}
	for (int c = 0; c < BI_CAUSES; c++)
		for (int m = 0; m < BI_MODES; m++) {
			printf("  mmap_%s_%s: waited %.1f us, held %.1f us in total\n", cause_names[c],
			       mode_names[m], wait[c][m] / 1e3, hold[c][m] / 1e3);
			if (rp->csv)
				fprintf(rp->csv, "mmap_%s_%s_wait_total_us,%.3f,us\n"
					"mmap_%s_%s_hold_total_us,%.3f,us\n", cause_names[c], mode_names[m],
					wait[c][m] / 1e3, cause_names[c], mode_names[m], hold[c][m] / 1e3);
		}
}

static void report_installs(struct reporter *rp, struct binder_installs_bpf *sk)
{
	int hfd = bpf_map__fd(sk->maps.hists);

	printf("binder-installs:%s\n", rp->o->rust ? " (Rust binder)" : "");
	for (uint32_t c = 0; c < BI_COUNTERS; c++) {
		uint64_t v = hist_percpu_sum(bpf_map__fd(sk->maps.counters), c, rp->ncpu, rp->vals);

		/* Rust binder has no freelist events, and frees a page in the
		 * same call that zaps it (counted as unmap_user): no row, never
		 * a 0 that was not measured. */
		if (rp->o->rust && (c == BI_LRU_ALLOC || c == BI_LRU_FREE || c == BI_UNMAP_KERNEL)) {
			printf("  %-20s not measurable on Rust binder\n", counter_names[c]);
			continue;
		}
		printf("  %-20s %llu\n", counter_names[c], (unsigned long long)v);
		if (rp->csv)
			fprintf(rp->csv, "%s,%llu,count\n", counter_names[c], (unsigned long long)v);
	}
	if (per_acquisition(rp->o)) {
		for (int c = 0; c < BI_CAUSES; c++)
			for (int m = 0; m < BI_MODES; m++)
				for (int f = 0; f < 2; f++) {
					uint64_t v = hist_percpu_sum(bpf_map__fd(sk->maps.acquisitions),
								     BI_ACQ(c, m, f), rp->ncpu, rp->vals);

					printf("  mmap_%s_%s%s %llu\n", cause_names[c], mode_names[m],
					       f ? "_failed" : "", (unsigned long long)v);
					if (rp->csv)
						fprintf(rp->csv, "mmap_%s_%s%s,%llu,count\n", cause_names[c],
							mode_names[m], f ? "_failed" : "", (unsigned long long)v);
				}
	}
	if (per_acquisition(rp->o))
		report_totals(rp, sk);
	report_hist(rp, hfd, BI_HIST_INSTALL, "install_latency");
	for (uint32_t c = BI_LRU_ALLOC; c <= BI_UNMAP_KERNEL; c++) {
		char name[64];

		snprintf(name, sizeof(name), "%s_latency", counter_names[c]);
		report_hist(rp, hfd, BI_HIST_EVENT(c), name);
	}
	for (uint32_t k = 0; per_acquisition(rp->o) && k < 2 * BI_CAUSES * BI_MODES; k++) {
		char name[64];
		uint32_t hold = k >= BI_CAUSES * BI_MODES, cm = k % (BI_CAUSES * BI_MODES);

		snprintf(name, sizeof(name), "mmap_%s_%s_%s", cause_names[cm / BI_MODES],
			 mode_names[cm % BI_MODES], hold ? "hold" : "wait");
		report_hist(rp, hfd, hold ? BI_HIST_HOLD(cm / BI_MODES, cm % BI_MODES) :
					    BI_HIST_WAIT(cm / BI_MODES, cm % BI_MODES), name);
	}
}

/* Keyed CSV: kind,proc,key,count,total_us,max_us,hold_us. */
static void write_keyed(FILE *f, struct binder_installs_bpf *sk)
{
	struct bi_page_key pk, *pprev = NULL;
	struct bi_owner_key ok, *oprev = NULL;
	struct bi_stat s;

	fprintf(f, "kind,proc,key,count,total_us,max_us,hold_us\n");
	while (!bpf_map_get_next_key(bpf_map__fd(sk->maps.page_stats), pprev, &pk)) {
		if (!bpf_map_lookup_elem(bpf_map__fd(sk->maps.page_stats), &pk, &s))
			fprintf(f, "install_page,%d,%u,%llu,%.3f,%.3f,\n", pk.proc, pk.page,
				(unsigned long long)s.count, s.total_ns / 1e3, s.max_ns / 1e3);
		pprev = &pk;
	}
	while (!bpf_map_get_next_key(bpf_map__fd(sk->maps.owner_stats), oprev, &ok)) {
		if (!bpf_map_lookup_elem(bpf_map__fd(sk->maps.owner_stats), &ok, &s))
			fprintf(f, "mmap_lock,%u,%s_%s,%llu,%.3f,%.3f,%.3f\n", ok.owner,
				cause_names[ok.cause % BI_CAUSES], mode_names[ok.mode % BI_MODES],
				(unsigned long long)s.count, s.total_ns / 1e3, s.max_ns / 1e3,
				s.hold_ns / 1e3);
		oprev = &ok;
	}
}

struct stack_row {
	struct bl_stack_key k;
	struct bi_stat v;
};

static int by_total(const void *a, const void *b)
{
	const struct stack_row *x = a, *y = b;

	if (x->k.cls != y->k.cls)
		return x->k.cls < y->k.cls ? -1 : 1;
	return x->v.total_ns > y->v.total_ns ? -1 : x->v.total_ns < y->v.total_ns;
}

/* The top 5 contending stacks per class, symbolized, to each of f1, f2. */
static void print_stacks(FILE *f1, FILE *f2, struct binder_locks_bpf *sk, const struct ksyms *ks)
{
	int sfd = bpf_map__fd(sk->maps.stack_stats), tfd = bpf_map__fd(sk->maps.stacks);
	struct bl_stack_key k, *prev = NULL;
	struct stack_row *rows = NULL;
	size_t n = 0, cap = 0;
	FILE *fs[2] = { f1, f2 };

	while (!bpf_map_get_next_key(sfd, prev, &k)) {
		if (n == cap) {
			struct stack_row *p = realloc(rows, (cap = cap ? 2 * cap : 64) * sizeof(*p));

			if (!p)
				break;
			rows = p;
		}
		rows[n].k = k;
		if (!bpf_map_lookup_elem(sfd, &k, &rows[n].v))
			n++;
		prev = &k;
	}
	qsort(rows, n, sizeof(*rows), by_total);
	for (size_t i = 0, shown = 0; i < n; i++) {
		uint64_t ips[BL_MAX_STACK] = { 0 };
		uint32_t id = (uint32_t)rows[i].k.stackid;

		shown = i && rows[i].k.cls == rows[i - 1].k.cls ? shown + 1 : 0;
		if (shown >= 5)
			continue;
		if (rows[i].k.stackid < 0 || bpf_map_lookup_elem(tfd, &id, ips))
			memset(ips, 0, sizeof(ips));
		/* Drop the frames of the BPF program and the tracepoint. */
		for (int j = 0, skip = 0; j < BL_MAX_STACK && ips[j]; j++) {
			const struct ksym *s = ksyms_find(ks, ips[j]);

			if (s && (!strncmp(s->name, "bpf_trace_run", 13) ||
				  !strncmp(s->name, "__bpf_trace_", 12))) {
				skip = j + 1;
			} else if (j == BL_MAX_STACK - 1 || !ips[j + 1]) {
				memmove(ips, ips + skip, (size_t)(BL_MAX_STACK - skip) * sizeof(ips[0]));
				memset(ips + BL_MAX_STACK - skip, 0, (size_t)skip * sizeof(ips[0]));
			}
		}
		for (int o = 0; o < 2; o++) {
			if (!fs[o])
				continue;
			fprintf(fs[o], "\n%s: %llu waits, total %.1f us, max %.1f us\n",
				class_names[rows[i].k.cls % BL_CLASSES], (unsigned long long)rows[i].v.count,
				rows[i].v.total_ns / 1e3, rows[i].v.max_ns / 1e3);
			for (int j = 0; j < BL_MAX_STACK && ips[j]; j++) {
				const struct ksym *s = ksyms_find(ks, ips[j]);

				if (s)
					fprintf(fs[o], "    %s+0x%llx%s%s%s\n", s->name,
						(unsigned long long)(ips[j] - s->addr),
						s->module[0] ? " [" : "", s->module, s->module[0] ? "]" : "");
				else
					fprintf(fs[o], "    0x%llx\n", (unsigned long long)ips[j]);
			}
			if (!ips[0])
				fprintf(fs[o], "    (stack not captured)\n");
		}
	}
	free(rows);
}

static void report_locks(struct reporter *rp, struct binder_locks_bpf *sk)
{
	int hfd = bpf_map__fd(sk->maps.hists);

	printf("binder-installs: lock contention and transactions:\n");
	for (uint32_t c = 0; c < BL_CLASSES; c++) {
		if (rp->o->mmap == MMAP_OFF && (c == BL_MMAP_READ || c == BL_MMAP_WRITE))
			continue;
		/* Each driver's own lock: the other's is not there to measure. */
		if (c == BL_RUST_MM_LOCK && !rp->o->rust)
			continue;
		if ((c == BL_ALLOC_SPIN || c == BL_ALLOC_MUTEX) && rp->o->rust) {
			printf("  %s: not measurable on Rust binder\n", class_names[c]);
			continue;
		}
		report_hist(rp, hfd, BL_HIST_LOCK(c), class_names[c]);
		if (rp->csv && !rp->h.n)
			fprintf(rp->csv, "%s_count,0,count\n", class_names[c]);
	}
	for (uint32_t t = 0; t < BL_TXNS; t++)
		report_hist(rp, hfd, BL_HIST_TXN(t), txn_names[t]);
}

/* Run count and CPU time of each loaded program (BPF_ENABLE_STATS). */
static void report_prog_stats(struct reporter *rp, struct bpf_object *const *objs, int nobj)
{
	double total = 0;

	printf("binder-installs: BPF programs' own cost:\n");
	for (int i = 0; i < nobj; i++) {
		struct bpf_program *prog;

		bpf_object__for_each_program(prog, objs[i]) {
			struct bpf_prog_info info = { 0 };
			__u32 len = sizeof(info);
			int fd = bpf_program__fd(prog);

			if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
				continue;
			total += (double)info.run_time_ns;
			printf("  %-24s %10llu runs %12.3f ms %8.0f ns/run\n", bpf_program__name(prog),
			       (unsigned long long)info.run_cnt, info.run_time_ns / 1e6,
			       info.run_cnt ? (double)info.run_time_ns / (double)info.run_cnt : 0.0);
			if (rp->csv)
				fprintf(rp->csv, "prog_%s_runs,%llu,count\nprog_%s_run_ms,%.3f,ms\n",
					bpf_program__name(prog), (unsigned long long)info.run_cnt,
					bpf_program__name(prog), info.run_time_ns / 1e6);
		}
	}
	printf("  total %.3f ms\n", total / 1e6);
	if (rp->csv)
		fprintf(rp->csv, "prog_total_run_ms,%.3f,ms\n", total / 1e6);
}

int report(const struct options *o, struct binder_installs_bpf *si,
		  struct binder_locks_bpf *sl, const struct ksyms *ks)
{
	struct reporter rp = { .o = o, .ncpu = libbpf_num_possible_cpus() };
	struct out csv, keyed, stacks, hists;
	int ret;

	rp.vals = calloc((size_t)rp.ncpu, sizeof(uint64_t));
	if (!rp.vals)
		return err("out of memory");
	if (out_open(&csv, o->csv) || out_open(&keyed, o->keyed) || out_open(&stacks, o->stacks) ||
	    out_open(&hists, o->hists)) {
		free(rp.vals);
		return 1;
	}
	rp.csv = csv.f;
	rp.hists = hists.f;
	if (rp.csv)
		fprintf(rp.csv, "metric,value,unit\n");
	if (rp.hists)
		fprintf(rp.hists, "hist,low_ns,high_ns,count\n");
	report_installs(&rp, si);
	report_locks(&rp, sl);
	if (o->prog_stats) {
		struct bpf_object *objs[2] = { si->obj, sl->obj };

		report_prog_stats(&rp, objs, 2);
	}
	if (!o->quiet)
		printf("\ntop contending stacks (by total wait):");
	print_stacks(o->quiet ? NULL : stdout, stacks.f, sl, ks);
	if (keyed.f)
		write_keyed(keyed.f, si);
	free(rp.vals);
	ret = out_close(&csv, 1);
	ret |= out_close(&keyed, 1);
	ret |= out_close(&stacks, 1);
	ret |= out_close(&hists, 1);
	return ret;
}
