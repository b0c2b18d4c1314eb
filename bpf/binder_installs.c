/* binder_installs.c - loader of the binder-installs instrument (libbpf CO-RE,
 * bpftool skeleton): attaches to binder's page tracepoints and the mmap_lock
 * tracepoints, runs until COMMAND exits, --duration passes or SIGINT, then
 * prints counts and libbpf-tools-style histograms and writes a CSV.
 *   binder-installs [-p TGID] [-P PROC] [-d SECONDS] [-o CSV] [-m MODULE] [-- COMMAND...]
 */
#include "binder_installs.h"
#include "binder_installs.skel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
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

struct options {
	unsigned int tgid;
	int proc;
	double duration;
	const char *csv;
	const char *module;
	char **command;
};

struct ranges {
	uint64_t mod_start, mod_end, reclaim_start, reclaim_end;
};

static volatile sig_atomic_t stop_requested;

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
	fprintf(f, "usage: binder-installs [-p TGID] [-P PROC] [-d SECONDS] [-o CSV] [-m MODULE] [-- COMMAND...]\n"
		   "  Page-install latency and mmap_lock wait/hold by cause (binder install,\n"
		   "  binder reclaim, other) from tracepoints, until COMMAND exits, -d SECONDS\n"
		   "  pass or SIGINT. -p: only lockers of this process; -P: only this binder\n"
		   "  proc; -o: write the numbers as CSV; -m: binder's module (binder_linux).\n");
}

static int parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' }, { "proc", required_argument, NULL, 'P' },
		{ "duration", required_argument, NULL, 'd' }, { "csv", required_argument, NULL, 'o' },
		{ "module", required_argument, NULL, 'm' }, { "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char *end;
	int c;

	*o = (struct options){ 0, -1, 0, NULL, "binder_linux", NULL };
	while ((c = getopt_long(argc, argv, "+p:P:d:o:m:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->tgid = (unsigned int)strtoul(optarg, &end, 10);
			if (*end || !o->tgid)
				return err("bad -p '%s' (want a process id)", optarg), -1;
			break;
		case 'P':
			o->proc = (int)strtol(optarg, &end, 10);
			if (*end || o->proc < 0)
				return err("bad -P '%s' (want a binder proc pid)", optarg), -1;
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			if (*end || o->duration <= 0)
				return err("bad -d '%s' (want seconds > 0)", optarg), -1;
			break;
		case 'o':
			o->csv = optarg;
			break;
		case 'm':
			o->module = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc)
		o->command = argv + optind;
	if (!o->command && !o->duration)
		fprintf(stderr, "binder-installs: tracing until SIGINT (^C)\n");
	return 0;
}

/* The text range of the binder module and of binder_alloc_free_page(): from
 * the module's symbols in /proc/kallsyms (not sorted by address). */
static int find_ranges(const char *module, struct ranges *r)
{
	char line[512], name[256], modname[128], tag[160];
	unsigned long long addr, *addrs = NULL;
	size_t n = 0, cap = 0;
	FILE *f = fopen("/proc/kallsyms", "r");
	char type;

	if (!f)
		return err("cannot read /proc/kallsyms: %s", strerror(errno));
	snprintf(tag, sizeof(tag), "[%s]", module);
	*r = (struct ranges){ UINT64_MAX, 0, 0, UINT64_MAX };
	while (fgets(line, sizeof(line), f)) {
		modname[0] = 0;
		if (sscanf(line, "%llx %c %255s %127s", &addr, &type, name, modname) < 4 ||
		    strcmp(modname, tag) || (type != 't' && type != 'T'))
			continue;
		if (n == cap) {
			unsigned long long *p = realloc(addrs, (cap = cap ? 2 * cap : 1024) * sizeof(*p));

			if (!p) {
				fclose(f);
				free(addrs);
				return err("out of memory");
			}
			addrs = p;
		}
		addrs[n++] = addr;
		if (!strcmp(name, "binder_alloc_free_page"))
			r->reclaim_start = addr;
	}
	fclose(f);
	for (size_t i = 0; i < n; i++) {
		if (addrs[i] < r->mod_start)
			r->mod_start = addrs[i];
		if (addrs[i] > r->mod_end)
			r->mod_end = addrs[i];
		if (r->reclaim_start && addrs[i] > r->reclaim_start && addrs[i] < r->reclaim_end)
			r->reclaim_end = addrs[i];
	}
	free(addrs);
	if (!n)
		return err("no symbols of module %s in /proc/kallsyms (is it loaded? are you root?)", module);
	if (!r->reclaim_start || r->reclaim_end == UINT64_MAX)
		return err("binder_alloc_free_page of %s not found in /proc/kallsyms", module);
	r->mod_end += 4096; /* the last function's body */
	return 0;
}

static uint64_t percpu_sum(int fd, uint32_t key, int ncpu, uint64_t *vals)
{
	uint64_t sum = 0;

	if (bpf_map_lookup_elem(fd, &key, vals))
		return 0;
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

struct hist {
	uint64_t b[BI_BUCKETS];
	uint64_t n;
};

static void read_hist(int fd, uint32_t id, int ncpu, uint64_t *vals, struct hist *h)
{
	h->n = 0;
	for (uint32_t i = 0; i < BI_BUCKETS; i++) {
		h->b[i] = percpu_sum(fd, id * BI_BUCKETS + i, ncpu, vals);
		h->n += h->b[i];
	}
}

/* Bucket i covers [low, high) ns. */
static void bucket_range(uint32_t i, double *low, double *high)
{
	if (i < BI_SUB) {
		*low = i;
		*high = i + 1;
		return;
	}
	uint32_t msb = i / BI_SUB + BI_SUB_BITS - 1, sub = i % BI_SUB;

	*low = (double)((uint64_t)(BI_SUB + sub) << (msb - BI_SUB_BITS));
	*high = (double)((uint64_t)(BI_SUB + sub + 1) << (msb - BI_SUB_BITS));
}

static double percentile(const struct hist *h, double q)
{
	uint64_t want = (uint64_t)(q * (double)h->n), seen = 0;
	double low, high;

	for (uint32_t i = 0; i < BI_BUCKETS; i++) {
		seen += h->b[i];
		if (h->n && seen > want) {
			bucket_range(i, &low, &high);
			return (low + high) / 2;
		}
	}
	return 0;
}

/* libbpf-tools-style log2 histogram in microseconds. */
static void print_log2(const char *title, const struct hist *h)
{
	uint64_t log2[40] = { 0 }, max = 0;
	double low, high;
	int top = 0;

	if (!h->n)
		return;
	for (uint32_t i = 0; i < BI_BUCKETS; i++) {
		uint64_t us;
		int k = 0;

		if (!h->b[i])
			continue;
		bucket_range(i, &low, &high);
		us = (uint64_t)(low / 1000);
		while (us >> k && k < 39)
			k++;
		log2[k] += h->b[i];
	}
	for (int k = 0; k < 40; k++) {
		if (log2[k] > max)
			max = log2[k];
		if (log2[k])
			top = k;
	}
	printf("\n%s (%llu events)\n%16s : %-10s %s\n", title, (unsigned long long)h->n,
	       "usecs", "count", "distribution");
	for (int k = 0; k <= top; k++) {
		unsigned long long lo = k ? 1ULL << (k - 1) : 0, hi = (1ULL << k) - 1;
		int stars = max ? (int)(log2[k] * 40 / max) : 0;

		printf("%7llu -> %-7llu : %-10llu |%-40.*s|\n", lo, hi, (unsigned long long)log2[k],
		       stars, "****************************************");
	}
}

static const char *const cause_names[BI_CAUSES] = { "install", "reclaim", "other" };
static const char *const mode_names[BI_MODES] = { "read", "write" };
static const char *const counter_names[BI_COUNTERS] = {
	"installs", "installs_completed", "lru_alloc", "lru_free", "unmap_user", "unmap_kernel",
};

static int report(struct binder_installs_bpf *skel, const struct options *o)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals = calloc((size_t)ncpu, sizeof(uint64_t));
	struct hist *h = malloc(sizeof(*h));
	char tmp[4096] = "";
	FILE *csv = NULL;

	if (!vals || !h)
		return err("out of memory");
	if (o->csv) {
		snprintf(tmp, sizeof(tmp), "%s.tmp.%d", o->csv, (int)getpid());
		csv = fopen(tmp, "w");
		if (!csv)
			return err("cannot write %s: %s", o->csv, strerror(errno));
		fprintf(csv, "metric,value,unit\n");
	}
	printf("binder-installs:\n");
	for (uint32_t c = 0; c < BI_COUNTERS; c++) {
		uint64_t v = percpu_sum(bpf_map__fd(skel->maps.counters), c, ncpu, vals);

		printf("  %-20s %llu\n", counter_names[c], (unsigned long long)v);
		if (csv)
			fprintf(csv, "%s,%llu,count\n", counter_names[c], (unsigned long long)v);
	}
	for (int c = 0; c < BI_CAUSES; c++)
		for (int m = 0; m < BI_MODES; m++)
			for (int f = 0; f < 2; f++) {
				uint64_t v = percpu_sum(bpf_map__fd(skel->maps.acquisitions),
							BI_ACQ(c, m, f), ncpu, vals);

				printf("  mmap_%s_%s%s %llu\n", cause_names[c], mode_names[m],
				       f ? "_failed" : "", (unsigned long long)v);
				if (csv)
					fprintf(csv, "mmap_%s_%s%s,%llu,count\n", cause_names[c], mode_names[m],
						f ? "_failed" : "", (unsigned long long)v);
			}
	for (uint32_t id = 0; id < BI_HISTS; id++) {
		char name[64];
		static const double qs[] = { 0.5, 0.9, 0.99, 0.999 };
		static const char *const qn[] = { "p50", "p90", "p99", "p999" };

		read_hist(bpf_map__fd(skel->maps.hists), id, ncpu, vals, h);
		if (id == BI_HIST_INSTALL)
			snprintf(name, sizeof(name), "install_latency");
		else {
			uint32_t k = id - 1, hold = k >= BI_CAUSES * BI_MODES;

			k %= BI_CAUSES * BI_MODES;
			snprintf(name, sizeof(name), "mmap_%s_%s_%s", cause_names[k / BI_MODES],
				 mode_names[k % BI_MODES], hold ? "hold" : "wait");
		}
		if (!h->n)
			continue;
		print_log2(name, h);
		printf("  %s:", name);
		for (int i = 0; i < 4; i++) {
			double p = percentile(h, qs[i]);

			printf(" %s %.1f us", qn[i], p / 1000);
			if (csv)
				fprintf(csv, "%s_%s_us,%.3f,us\n", name, qn[i], p / 1000);
		}
		printf("\n");
	}
	free(vals);
	free(h);
	if (csv) {
		if (fclose(csv) || rename(tmp, o->csv)) {
			unlink(tmp);
			return err("cannot write %s: %s", o->csv, strerror(errno));
		}
	}
	return 0;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("BINDER_INSTALLS_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

int main(int argc, char **argv)
{
	struct binder_installs_bpf *skel;
	struct options o;
	struct ranges r = { 0 };
	struct stat st;
	int status = 0, rc;
	pid_t child = 0;

	if (parse(argc, argv, &o))
		return 2;
	if (stat("/sys/kernel/tracing/events/binder", &st))
		return err("binder tracepoints not found in /sys/kernel/tracing/events (is the binder module loaded?)");
	if (find_ranges(o.module, &r))
		return 1;
	libbpf_set_print(libbpf_quiet);
	skel = binder_installs_bpf__open();
	if (!skel)
		return err("cannot open the BPF object: %s", strerror(errno));
	skel->rodata->target_tgid = o.tgid;
	skel->rodata->target_proc = o.proc;
	skel->rodata->binder_start = r.mod_start;
	skel->rodata->binder_end = r.mod_end;
	skel->rodata->reclaim_start = r.reclaim_start;
	skel->rodata->reclaim_end = r.reclaim_end;
	if (binder_installs_bpf__load(skel)) {
		binder_installs_bpf__destroy(skel);
		return err("cannot load the BPF programs (root and a BTF kernel needed; "
			   "BINDER_INSTALLS_DEBUG=1 shows libbpf's log)");
	}
	if (binder_installs_bpf__attach(skel)) {
		binder_installs_bpf__destroy(skel);
		return err("cannot attach to the binder and mmap_lock tracepoints: %s", strerror(errno));
	}
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
	rc = report(skel, &o);
	binder_installs_bpf__destroy(skel);
	if (rc)
		return rc;
	if (child)
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}
