/* binder_installs.c - loader of the binder-installs instrument (libbpf CO-RE,
 * bpftool skeletons binder_installs.skel.h and binder_locks.skel.h):
 * attaches to binder's page and transaction tracepoints, the mmap_lock
 * tracepoints and lock:contention_*, runs until COMMAND exits, --duration
 * passes or SIGINT, then prints counts, percentiles, libbpf-tools-style
 * histograms and the top contending stacks (symbolized, module symbols
 * included), and writes CSVs.
 *   binder-installs [-p TGID] [-P PROC] [-c CGROUP] [-d SECONDS] [-o CSV]
 *                   [-k KEYED_CSV] [-s STACKS] [-H HIST_CSV] [-m MODULE]
 *                   [--mmap-lock binder|full|contended|off] [--no-contention] [--no-txn]
 *                   [--prog-stats] [-q] [-- COMMAND...]
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "binder_installs.h"
#include "binder_locks.h"
#include "binder_installs.skel.h"
#include "binder_locks.skel.h"
#include "hist.h"
#include "ksyms.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum mmap_mode { MMAP_BINDER, MMAP_FULL, MMAP_CONTENDED, MMAP_OFF };

struct options {
	unsigned int tgid;
	int proc;
	uint64_t cgroup;
	double duration;
	const char *csv, *keyed, *stacks, *hists, *module;
	enum mmap_mode mmap;
	int quiet, prog_stats, no_contention, no_txn;
	char **command;
};

/* An output file written aside and renamed into place when complete. */
struct out {
	const char *path;
	char tmp[4096];
	FILE *f;
};

static volatile sig_atomic_t stop_requested;

/* The mmap_lock tracepoint programs run (every acquisition is followed). */
static int per_acquisition(const struct options *o)
{
	return o->mmap == MMAP_FULL || o->mmap == MMAP_BINDER;
}

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "binder-installs: error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: binder-installs [-p TGID] [-P PROC] [-c CGROUP] [-d SECONDS] [-o CSV]\n"
		   "                       [-k KEYED_CSV] [-s STACKS] [-H HIST_CSV] [-m MODULE]\n"
		   "                       [--mmap-lock binder|full|contended|off] [--no-contention]\n"
		   "                       [--no-txn] [--prog-stats] [-q]\n"
		   "                       [-- COMMAND...]\n"
		   "  Binder page installs, mmap_lock and binder alloc-lock waits, and transaction\n"
		   "  latency, until COMMAND exits, -d SECONDS pass or SIGINT.\n"
		   "  -p  only this process (lockers, waiters, senders)\n"
		   "  -P  only page installs of this binder proc (receiver pid)\n"
		   "  -c  only tasks in this cgroup v2 directory\n"
		   "  -o  the numbers as CSV (metric,value,unit)\n"
		   "  -k  per receiving proc and page index, and per mm owner, as CSV\n"
		   "  -s  the top contending kernel stacks, symbolized, as text\n"
		   "  -H  every histogram's non-empty buckets as CSV (hist,low_ns,high_ns,count)\n"
		   "  -m  binder's module name (default binder_linux)\n"
		   "  --mmap-lock binder     every mmap_lock acquisition on the mm of a process\n"
		   "                         that maps binder while this runs, by cause (default)\n"
		   "  --mmap-lock full       ... on every mm (costly: a stack walk each; on 6.12\n"
		   "                         each enabled mmap_lock event also resolves the memcg\n"
		   "                         path: see README, performance)\n"
		   "  --mmap-lock contended  only contended mmap_lock waits (lock:contention_*)\n"
		   "  --mmap-lock off        no mmap_lock instrument\n"
		   "  --no-contention  no lock:contention_* instrument (nor its kprobes)\n"
		   "  --no-txn         no transaction latency instrument\n"
		   "  --prog-stats  the BPF programs' own run count and CPU time (kernel BPF stats)\n"
		   "  -q  no histograms on stdout\n");
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "binder-installs: error: bad %s '%s' (see --help)\n", what, arg);
	return -1;
}

static int parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' }, { "proc", required_argument, NULL, 'P' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' }, { "csv", required_argument, NULL, 'o' },
		{ "keyed", required_argument, NULL, 'k' }, { "stacks", required_argument, NULL, 's' },
		{ "hists", required_argument, NULL, 'H' },
		{ "module", required_argument, NULL, 'm' },
		{ "mmap-lock", required_argument, NULL, 'M' }, { "quiet", no_argument, NULL, 'q' },
		{ "prog-stats", no_argument, NULL, 'S' },
		{ "no-contention", no_argument, NULL, 'C' }, { "no-txn", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' }, { 0 },
	};
	struct stat st;
	char *end;
	int c;

	*o = (struct options){ .proc = -1, .module = "binder_linux" };
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+p:P:c:d:o:k:s:H:m:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->tgid = (unsigned int)strtoul(optarg, &end, 10);
			if (*end || !o->tgid)
				return bad("--pid", optarg);
			break;
		case 'P':
			o->proc = (int)strtol(optarg, &end, 10);
			if (*end || o->proc <= 0)
				return bad("--proc", optarg);
			break;
		case 'c':
			/* A cgroup v2 directory's inode number is its id. */
			if (stat(optarg, &st) || !S_ISDIR(st.st_mode))
				return bad("--cgroup (a cgroup v2 directory)", optarg);
			o->cgroup = st.st_ino;
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			if (*end || !(o->duration > 0))
				return bad("--duration", optarg);
			break;
		case 'o':
			o->csv = optarg;
			break;
		case 'k':
			o->keyed = optarg;
			break;
		case 's':
			o->stacks = optarg;
			break;
		case 'H':
			o->hists = optarg;
			break;
		case 'm':
			o->module = optarg;
			break;
		case 'M':
			if (!strcmp(optarg, "binder"))
				o->mmap = MMAP_BINDER;
			else if (!strcmp(optarg, "full"))
				o->mmap = MMAP_FULL;
			else if (!strcmp(optarg, "contended"))
				o->mmap = MMAP_CONTENDED;
			else if (!strcmp(optarg, "off"))
				o->mmap = MMAP_OFF;
			else
				return bad("--mmap-lock", optarg);
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'S':
			o->prog_stats = 1;
			break;
		case 'C':
			o->no_contention = 1;
			break;
		case 'T':
			o->no_txn = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			fprintf(stderr, "binder-installs: error: unknown option or missing value in '%s' (see --help)\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc)
		o->command = argv + optind;
	if (!o->command && !o->duration)
		fprintf(stderr, "binder-installs: tracing until SIGINT (^C)\n");
	return 0;
}

static int out_open(struct out *o, const char *path)
{
	o->path = path;
	o->f = NULL;
	if (!path)
		return 0;
	snprintf(o->tmp, sizeof(o->tmp), "%s.tmp.%d", path, (int)getpid());
	o->f = fopen(o->tmp, "w");
	return o->f ? 0 : err("cannot write %s: %s", path, strerror(errno));
}

static int out_close(struct out *o, int ok)
{
	if (!o->f)
		return 0;
	if (fclose(o->f) || !ok || rename(o->tmp, o->path)) {
		int e = errno;

		unlink(o->tmp);
		return ok ? err("cannot write %s: %s", o->path, strerror(e)) : 1;
	}
	return 0;
}

/* ---- symbols ---- */

struct ranges {
	uint64_t mod_lo, mod_hi, reclaim_lo, reclaim_hi;
	uint64_t fault_lo[BI_FAULT_RANGES], fault_hi[BI_FAULT_RANGES];
	uint64_t mmcall_lo[BI_MMCALL_RANGES], mmcall_hi[BI_MMCALL_RANGES];
};

static int find_ranges(const struct ksyms *ks, const char *module, struct ranges *r)
{
	static const char *const fault[BI_FAULT_RANGES] = {
		"do_user_addr_fault", "lock_mm_and_find_vma", "exc_page_fault", "handle_mm_fault",
	};
	static const char *const mmcall[BI_MMCALL_RANGES] = {
		"vm_mmap_pgoff", "__vm_munmap", "do_vmi_munmap", "do_mprotect_pkey",
		"__do_sys_mremap", "__x64_sys_mremap", "do_madvise", "__do_sys_brk",
		"__x64_sys_brk", "dup_mmap", "ksys_mmap_pgoff", "__x64_sys_munmap",
	};

	memset(r, 0, sizeof(*r));
	if (ksyms_module_range(ks, module, &r->mod_lo, &r->mod_hi))
		return err("no symbols of module %s in /proc/kallsyms (is it loaded?)", module);
	if (ksyms_range(ks, "binder_alloc_free_page", module, &r->reclaim_lo, &r->reclaim_hi))
		return err("binder_alloc_free_page of %s not found in /proc/kallsyms", module);
	/* Kernels name some of these differently: missing ones stay empty. */
	for (int i = 0; i < BI_FAULT_RANGES; i++)
		ksyms_range(ks, fault[i], "", &r->fault_lo[i], &r->fault_hi[i]);
	for (int i = 0; i < BI_MMCALL_RANGES; i++)
		ksyms_range(ks, mmcall[i], "", &r->mmcall_lo[i], &r->mmcall_hi[i]);
	return 0;
}

/* ---- reports ---- */

static const char *const cause_names[BI_CAUSES] = { "install", "reclaim", "fault", "mmcall", "other" };
static const char *const mode_names[BI_MODES] = { "read", "write" };
static const char *const counter_names[BI_COUNTERS] = {
	"installs", "installs_completed", "lru_alloc", "lru_free", "unmap_user", "unmap_kernel",
};
static const char *const class_names[BL_CLASSES] = {
	"alloc_lock_spin", "alloc_lock_mutex", "binder_mmap_lock_read", "binder_mmap_lock_write",
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

	printf("binder-installs:\n");
	for (uint32_t c = 0; c < BI_COUNTERS; c++) {
		uint64_t v = hist_percpu_sum(bpf_map__fd(sk->maps.counters), c, rp->ncpu, rp->vals);

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
		report_hist(rp, hfd, 1 + k, name);
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
		if (rp->o->mmap == MMAP_OFF && c >= BL_MMAP_READ)
			continue;
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

static int report(const struct options *o, struct binder_installs_bpf *si,
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

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("BINDER_INSTALLS_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static int setup(const struct options *o, const struct ksyms *ks,
		 struct binder_installs_bpf **si, struct binder_locks_bpf **sl)
{
	struct ranges r;

	if (find_ranges(ks, o->module, &r))
		return 1;
	*si = binder_installs_bpf__open();
	*sl = binder_locks_bpf__open();
	if (!*si || !*sl)
		return err("cannot open the BPF objects: %s", strerror(errno));
	(*si)->rodata->target_tgid = o->tgid;
	(*si)->rodata->target_cgroup = o->cgroup;
	(*si)->rodata->target_proc = o->proc;
	(*si)->rodata->binder_start = r.mod_lo;
	(*si)->rodata->binder_end = r.mod_hi;
	(*si)->rodata->reclaim_start = r.reclaim_lo;
	(*si)->rodata->reclaim_end = r.reclaim_hi;
	memcpy((void *)(*si)->rodata->fault_lo, r.fault_lo, sizeof(r.fault_lo));
	memcpy((void *)(*si)->rodata->fault_hi, r.fault_hi, sizeof(r.fault_hi));
	memcpy((void *)(*si)->rodata->mmcall_lo, r.mmcall_lo, sizeof(r.mmcall_lo));
	memcpy((void *)(*si)->rodata->mmcall_hi, r.mmcall_hi, sizeof(r.mmcall_hi));
	(*si)->rodata->binder_mms_only = o->mmap == MMAP_BINDER;
	(*sl)->rodata->target_tgid = o->tgid;
	(*sl)->rodata->target_cgroup = o->cgroup;
	if (!per_acquisition(o)) {
		bpf_program__set_autoload((*si)->progs.lock_start, false);
		bpf_program__set_autoload((*si)->progs.lock_acquired, false);
		bpf_program__set_autoload((*si)->progs.lock_released, false);
	}
	if (o->mmap == MMAP_OFF || (o->no_contention && o->mmap != MMAP_BINDER)) {
		bpf_program__set_autoload((*sl)->progs.binder_mmap, false);
		bpf_program__set_autoload((*sl)->progs.binder_vma_close, false);
	}
	if (o->no_contention) {
		bpf_program__set_autoload((*sl)->progs.new_buf, false);
		bpf_program__set_autoload((*sl)->progs.alloc_release, false);
		bpf_program__set_autoload((*sl)->progs.contention_begin, false);
		bpf_program__set_autoload((*sl)->progs.contention_end, false);
	}
	if (o->no_txn) {
		bpf_program__set_autoload((*sl)->progs.transaction, false);
		bpf_program__set_autoload((*sl)->progs.transaction_received, false);
	}
	/* binder_locks first: binder_installs shares its binder_mms map. */
	if (binder_locks_bpf__load(*sl) ||
	    bpf_map__reuse_fd((*si)->maps.binder_mms, bpf_map__fd((*sl)->maps.binder_mms)) ||
	    binder_installs_bpf__load(*si))
		return err("cannot load the BPF programs (root and a BTF kernel needed; "
			   "BINDER_INSTALLS_DEBUG=1 shows libbpf's log)");
	if (binder_installs_bpf__attach(*si) || binder_locks_bpf__attach(*sl))
		return err("cannot attach to the binder, mmap_lock and lock tracepoints: %s",
			   strerror(errno));
	return 0;
}

int main(int argc, char **argv)
{
	struct binder_installs_bpf *si = NULL;
	struct binder_locks_bpf *sl = NULL;
	struct ksyms ks = { 0 };
	struct options o;
	struct stat st;
	int status = 0, rc, stats_fd;
	pid_t child = 0;

	if (parse(argc, argv, &o))
		return 2;
	if (stat("/sys/kernel/tracing/events/binder", &st))
		return err("binder tracepoints not found in /sys/kernel/tracing/events (is the binder module loaded?)");
	rc = ksyms_load(&ks);
	if (rc)
		return err("cannot read /proc/kallsyms: %s (root needed)", strerror(-rc));
	libbpf_set_print(libbpf_quiet);
	if (setup(&o, &ks, &si, &sl)) {
		binder_locks_bpf__destroy(sl);
		binder_installs_bpf__destroy(si);
		ksyms_free(&ks);
		return 1;
	}
	/* Kernel BPF run-time stats stay on while this fd is open. */
	stats_fd = o.prog_stats ? bpf_enable_stats(BPF_STATS_RUN_TIME) : -1;
	if (o.prog_stats && stats_fd < 0)
		fprintf(stderr, "binder-installs: warning: BPF stats unavailable: %s\n", strerror(errno));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (o.command) {
		child = fork();
		if (child == 0) {
			execvp(o.command[0], o.command);
			fprintf(stderr, "binder-installs: error: cannot run %s: %s\n", o.command[0], strerror(errno));
			_exit(127);
		}
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			if (stop_requested)
				kill(child, SIGTERM);
	} else if (o.duration) {
		double left = o.duration;

		while (left > 0 && !stop_requested) {
			usleep(100000);
			left -= 0.1;
		}
	} else {
		while (!stop_requested)
			pause();
	}
	rc = report(&o, si, sl, &ks);
	if (stats_fd >= 0)
		close(stats_fd);
	binder_locks_bpf__destroy(sl);
	binder_installs_bpf__destroy(si);
	ksyms_free(&ks);
	if (rc)
		return rc;
	if (child)
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}
