/* binder_pages.c - loader of the binder-pages instrument (libbpf CO-RE,
 * bpftool skeleton binder_pages.skel.h): follows every page binder
 * allocates for a buffer until the page allocator gets it back, while
 * COMMAND runs (or -d SECONDS, or until SIGINT); then waits until binder
 * stops freeing pages (its processes' deferred release) and prints one line:
 *   binder-pages: allocated=A freed=F live=L settled_ms=S
 * live is the pages binder allocated in the run and has not freed: with
 * every binder process of the run gone, pages binder lost.
 *   binder-pages [-m MODULE] [-d SECONDS] [--settle SECONDS] [-- COMMAND...]
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "binder_pages.h"
#include "binder_pages.skel.h"
#include "ksyms.h"
#include "loader.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct pages_opts {
	const char *module;
	double duration, settle;
	char **command;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: binder-pages [-m MODULE] [-d SECONDS] [--settle SECONDS] [-- COMMAND...]\n"
		   "  Every page binder allocates for a buffer, followed until it is freed, while\n"
		   "  COMMAND runs (or -d SECONDS pass, or until SIGINT). Then waits until no page\n"
		   "  has been freed for --settle SECONDS (default 2; at most 60 s in all) and\n"
		   "  prints: binder-pages: allocated=A freed=F live=L settled_ms=S\n"
		   "  -m  binder's module name (default binder_linux; binder built into the kernel,\n"
		   "      or Linux's Rust binder, is found when no such module is loaded)\n");
}

static int parse(int argc, char **argv, struct pages_opts *o)
{
	static const struct option longopts[] = {
		{ "module", required_argument, NULL, 'm' },
		{ "duration", required_argument, NULL, 'd' },
		{ "settle", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' }, { 0 },
	};
	char *end;
	int c;

	*o = (struct pages_opts){ .module = "binder_linux", .settle = 2 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+m:d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			o->module = optarg;
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			if (*end || !(o->duration > 0))
				return bad_arg("--duration", optarg);
			break;
		case 'S':
			o->settle = strtod(optarg, &end);
			if (*end || !(o->settle >= 0) || o->settle > 60)
				return bad_arg("--settle (0 to 60 seconds)", optarg);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return bad_arg("option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		o->command = argv + optind;
	return 0;
}

/* binder's text: the module's, the built-in driver's, or Rust binder's. */
static int binder_text(const struct ksyms *ks, const char *module, uint64_t *lo, uint64_t *hi)
{
	struct stat st;

	if (!stat("/sys/kernel/tracing/events/binder", &st)) {
		if (!ksyms_module_range(ks, module, lo, hi))
			return 0;
		if (!ksyms_builtin_range(ks, "binder", lo, hi))
			return 0;
		return err("no symbols of module %s in /proc/kallsyms and no binder built in", module);
	}
	if (!stat("/sys/kernel/tracing/events/rust_binder", &st)) {
		if (!ksyms_rust_crate_range(ks, "rust_binder", lo, hi))
			return 0;
		return err("Rust binder's text (crate rust_binder) is not in /proc/kallsyms");
	}
	return err("binder tracepoints not found in /sys/kernel/tracing/events (is the binder module loaded?)");
}

static uint64_t counter(struct binder_pages_bpf *skel, uint32_t key)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t sum = 0, *v;

	if (ncpu <= 0)
		return 0;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (v && !bpf_map__lookup_elem(skel->maps.counters, &key, sizeof(key), v,
				       sizeof(*v) * (size_t)ncpu, 0))
		for (int i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

static uint64_t live_pages(struct binder_pages_bpf *skel)
{
	int fd = bpf_map__fd(skel->maps.live);
	uint64_t key, next, n = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		n++;
		key = next;
		prev = &key;
	}
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits until no page has been freed for settle seconds (binder frees a
 * dead process's pages from a workqueue), at most 60 s. Returns the ms
 * waited. */
static long settle(struct binder_pages_bpf *skel, double settle_s)
{
	double start = now_s(), quiet_since = start;
	uint64_t freed = counter(skel, BP_FREE);

	while (now_s() - quiet_since < settle_s && now_s() - start < 60 && live_pages(skel)) {
		uint64_t f;

		usleep(100000);
		f = counter(skel, BP_FREE);
		if (f != freed) {
			freed = f;
			quiet_since = now_s();
		}
	}
	return (long)((now_s() - start) * 1000);
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("BINDER_PAGES_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

int main(int argc, char **argv)
{
	struct binder_pages_bpf *skel = NULL;
	struct ksyms ks = { 0 };
	struct pages_opts o;
	uint64_t lo, hi, untracked;
	int status = 0, rc;
	pid_t child = 0;
	long ms;

	if (parse(argc, argv, &o))
		return 2;
	rc = ksyms_load(&ks);
	if (rc) {
		rc = err("cannot read /proc/kallsyms: %s (root needed)", strerror(-rc));
		goto cleanup;
	}
	rc = binder_text(&ks, o.module, &lo, &hi);
	if (rc)
		goto cleanup;
	libbpf_set_print(libbpf_quiet);
	skel = binder_pages_bpf__open();
	if (!skel) {
		rc = err("cannot open the BPF object: %s", strerror(errno));
		goto cleanup;
	}
	skel->rodata->binder_start = lo;
	skel->rodata->binder_end = hi;
	if (binder_pages_bpf__load(skel)) {
		rc = err("cannot load the BPF programs (root and a BTF kernel needed; "
			 "BINDER_PAGES_DEBUG=1 shows libbpf's log)");
		goto cleanup;
	}
	if (binder_pages_bpf__attach(skel)) {
		rc = err("cannot attach to kmem:mm_page_alloc and kmem:mm_page_free: %s",
			 strerror(errno));
		goto cleanup;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (o.command) {
		child = spawn(o.command);
		if (child < 0) {
			rc = 1;
			goto cleanup;
		}
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			if (stop_requested)
				kill(child, SIGTERM);
	} else if (o.duration) {
		double end = now_s() + o.duration;

		while (now_s() < end && !stop_requested)
			usleep(100000);
	} else {
		while (!stop_requested)
			pause();
	}
	ms = settle(skel, o.settle);
	untracked = counter(skel, BP_UNTRACKED);
	if (untracked) {
		rc = err("%llu of binder's pages were not followed (more than %d at once): "
			 "live pages are not measurable", (unsigned long long)untracked, BP_MAX_PAGES);
		goto cleanup;
	}
	printf("binder-pages: allocated=%llu freed=%llu live=%llu settled_ms=%ld\n",
	       (unsigned long long)counter(skel, BP_ALLOC),
	       (unsigned long long)counter(skel, BP_FREE),
	       (unsigned long long)live_pages(skel), ms);
	fflush(stdout);
	if (child)
		rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
cleanup:
	/* The one teardown path: each step copes with what was not set up. */
	binder_pages_bpf__destroy(skel);
	ksyms_free(&ks);
	return rc;
}
