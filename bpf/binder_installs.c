/* binder_installs.c - loader of the binder-installs instrument (libbpf CO-RE,
 * bpftool skeletons binder_installs.skel.h and binder_locks.skel.h):
 * attaches to binder's page and transaction tracepoints, the mmap_lock
 * tracepoints and lock:contention_*, runs until COMMAND exits, --duration
 * passes or SIGINT, then prints counts, percentiles, libbpf-tools-style
 * histograms and the top contending stacks (symbolized, module symbols
 * included), and writes CSVs. This file holds the command line, the set-up
 * and the one teardown path; report.c the reports, loader.c the shared
 * helpers (loader.h).
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
#include "loader.h"
#include "report.h"

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

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
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
		   "  -m  binder's module name (default binder_linux; binder built into\n"
		   "      the kernel is found when no such module is loaded)\n"
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
				return bad_arg("--pid", optarg);
			break;
		case 'P':
			o->proc = (int)strtol(optarg, &end, 10);
			if (*end || o->proc <= 0)
				return bad_arg("--proc", optarg);
			break;
		case 'c':
			/* A cgroup v2 directory's inode number is its id. */
			if (stat(optarg, &st) || !S_ISDIR(st.st_mode))
				return bad_arg("--cgroup (a cgroup v2 directory)", optarg);
			o->cgroup = st.st_ino;
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			if (*end || !(o->duration > 0))
				return bad_arg("--duration", optarg);
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
				return bad_arg("--mmap-lock", optarg);
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

/* ---- symbols ---- */

struct ranges {
	uint64_t mod_lo, mod_hi, reclaim_lo, reclaim_hi;
	uint64_t fault_lo[BI_FAULT_RANGES], fault_hi[BI_FAULT_RANGES];
	uint64_t mmcall_lo[BI_MMCALL_RANGES], mmcall_hi[BI_MMCALL_RANGES];
};

static int find_ranges(const struct ksyms *ks, const char *module, int rust, struct ranges *r)
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
	if (rust) {
		/* Rust binder: its crate's text, its shrinker callback. */
		if (ksyms_rust_crate_range(ks, "rust_binder", &r->mod_lo, &r->mod_hi))
			return err("Rust binder's text (crate rust_binder) is not in /proc/kallsyms");
		if (ksyms_range(ks, "rust_shrink_free_page", "", &r->reclaim_lo, &r->reclaim_hi))
			return err("rust_shrink_free_page not found in /proc/kallsyms");
		module = NULL;
	} else if (ksyms_module_range(ks, module, &r->mod_lo, &r->mod_hi)) {
		/* binder's objects inside vmlinux when built in */
		if (ksyms_range(ks, "binder_alloc_free_page", "", &r->reclaim_lo, &r->reclaim_hi))
			return err("no symbols of module %s in /proc/kallsyms and no binder built in (is it loaded?)",
				   module);
		module = "";
		if (ksyms_builtin_range(ks, "binder", &r->mod_lo, &r->mod_hi))
			return err("binder's text is not in /proc/kallsyms");
	}
	if (module && ksyms_range(ks, "binder_alloc_free_page", module, &r->reclaim_lo, &r->reclaim_hi))
		return err("binder_alloc_free_page of %s not found in /proc/kallsyms", module);
	/* Kernels name some of these differently: missing ones stay empty. */
	for (int i = 0; i < BI_FAULT_RANGES; i++)
		ksyms_range(ks, fault[i], "", &r->fault_lo[i], &r->fault_hi[i]);
	for (int i = 0; i < BI_MMCALL_RANGES; i++)
		ksyms_range(ks, mmcall[i], "", &r->mmcall_lo[i], &r->mmcall_hi[i]);
	return 0;
}

/* The programs of the kernel's driver load; the other driver's do not. */
static void driver_programs(const struct options *o, struct binder_installs_bpf *si,
			    struct binder_locks_bpf *sl)
{
	struct bpf_program *c_only[] = {
		si->progs.install_start_tp, si->progs.install_end_tp,
		si->progs.binder_alloc_lru_start_tp, si->progs.binder_alloc_lru_end_tp,
		si->progs.binder_free_lru_start_tp, si->progs.binder_free_lru_end_tp,
		si->progs.binder_unmap_user_start_tp, si->progs.binder_unmap_user_end_tp,
		si->progs.binder_unmap_kernel_start_tp, si->progs.binder_unmap_kernel_end_tp,
		sl->progs.new_buf, sl->progs.alloc_release, sl->progs.binder_mmap,
		sl->progs.binder_vma_close, sl->progs.transaction, sl->progs.transaction_received,
	};
	struct bpf_program *rust_only[] = {
		si->progs.rust_install_start, si->progs.rust_install_end,
		si->progs.rust_shrink_start, si->progs.rust_shrink_end,
		sl->progs.rust_binder_mmap, sl->progs.mm_exit,
		sl->progs.rust_transaction, sl->progs.rust_transaction_received,
	};

	for (size_t i = 0; i < sizeof(c_only) / sizeof(c_only[0]); i++)
		bpf_program__set_autoload(c_only[i], !o->rust);
	for (size_t i = 0; i < sizeof(rust_only) / sizeof(rust_only[0]); i++)
		bpf_program__set_autoload(rust_only[i], o->rust);
}

/* Attaches a kprobe (or kretprobe) of the Rust driver by its mangled name;
 * a function that cannot be found or attached is one line, and the
 * instrument runs without that probe. */
static void attach_rust_fn(const struct ksyms *ks, struct bpf_program *prog, const char *fn,
			   const char *crate, int ret, struct bpf_link **link)
{
	const char *name = crate ? ksyms_rust_fn(ks, crate, fn) : fn;

	if (!bpf_program__autoload(prog))
		return;
	if (!name) {
		fprintf(stderr, "binder-installs: warning: Rust binder's %s %s in /proc/kallsyms: "
				"running without its probe\n",
			fn, errno == ENOTUNIQ ? "has several symbols" : "is not");
		return;
	}
	*link = bpf_program__attach_kprobe(prog, ret, name);
	if (!*link)
		fprintf(stderr, "binder-installs: warning: cannot attach to %s (%s): %s%s; "
				"running without its probe\n", fn, name, strerror(errno),
			errno == EINVAL ? " (Rust code has no ftrace entry: kprobes on it need "
					  "CONFIG_KPROBE_EVENTS_ON_NOTRACE=y)" : "");
}

static void attach_rust(const struct ksyms *ks, struct binder_installs_bpf *si,
			struct binder_locks_bpf *sl)
{
	attach_rust_fn(ks, si->progs.rust_install_start, "use_page_slow", "rust_binder", 0,
		       &si->links.rust_install_start);
	attach_rust_fn(ks, si->progs.rust_install_end, "use_page_slow", "rust_binder", 1,
		       &si->links.rust_install_end);
	attach_rust_fn(ks, si->progs.rust_shrink_start, "rust_shrink_free_page", NULL, 0,
		       &si->links.rust_shrink_start);
	attach_rust_fn(ks, si->progs.rust_shrink_end, "rust_shrink_free_page", NULL, 1,
		       &si->links.rust_shrink_end);
	attach_rust_fn(ks, sl->progs.rust_binder_mmap, "rust_binder_mmap", "rust_binder", 0,
		       &sl->links.rust_binder_mmap);
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

	if (find_ranges(ks, o->module, o->rust, &r))
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
	(*sl)->rodata->rust_driver = o->rust;
	driver_programs(o, *si, *sl);
	if (!per_acquisition(o)) {
		bpf_program__set_autoload((*si)->progs.lock_start, false);
		bpf_program__set_autoload((*si)->progs.lock_acquired, false);
		bpf_program__set_autoload((*si)->progs.lock_released, false);
	}
	if (o->mmap == MMAP_OFF || (o->no_contention && o->mmap != MMAP_BINDER)) {
		bpf_program__set_autoload((*sl)->progs.binder_mmap, false);
		bpf_program__set_autoload((*sl)->progs.binder_vma_close, false);
		bpf_program__set_autoload((*sl)->progs.rust_binder_mmap, false);
		bpf_program__set_autoload((*sl)->progs.mm_exit, false);
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
		bpf_program__set_autoload((*sl)->progs.rust_transaction, false);
		bpf_program__set_autoload((*sl)->progs.rust_transaction_received, false);
	}
	/* binder_locks first: binder_installs shares its binder_mms and
	 * rust_installing maps. */
	if (binder_locks_bpf__load(*sl) ||
	    bpf_map__reuse_fd((*si)->maps.binder_mms, bpf_map__fd((*sl)->maps.binder_mms)) ||
	    bpf_map__reuse_fd((*si)->maps.rust_installing, bpf_map__fd((*sl)->maps.rust_installing)) ||
	    binder_installs_bpf__load(*si))
		return err("cannot load the BPF programs (root and a BTF kernel needed; "
			   "BINDER_INSTALLS_DEBUG=1 shows libbpf's log)");
	if (binder_installs_bpf__attach(*si) || binder_locks_bpf__attach(*sl))
		return err("cannot attach to the binder, mmap_lock and lock tracepoints: %s",
			   strerror(errno));
	if (o->rust)
		attach_rust(ks, *si, *sl);
	return 0;
}

int main(int argc, char **argv)
{
	struct binder_installs_bpf *si = NULL;
	struct binder_locks_bpf *sl = NULL;
	struct ksyms ks = { 0 };
	struct options o;
	struct stat st;
	int status = 0, rc, stats_fd = -1;
	pid_t child = 0;

	if (parse(argc, argv, &o))
		return 2;
	/* The C driver's tracepoints, or Rust binder's (7.2, built in). */
	if (stat("/sys/kernel/tracing/events/binder", &st)) {
		if (stat("/sys/kernel/tracing/events/rust_binder", &st))
			return err("binder tracepoints not found in /sys/kernel/tracing/events (is the binder module loaded?)");
		o.rust = 1;
	}
	rc = ksyms_load(&ks);
	if (rc) {
		rc = err("cannot read /proc/kallsyms: %s (root needed)", strerror(-rc));
		goto cleanup;
	}
	libbpf_set_print(libbpf_quiet);
	rc = setup(&o, &ks, &si, &sl);
	if (rc)
		goto cleanup;
	/* Kernel BPF run-time stats stay on while this fd is open. */
	stats_fd = o.prog_stats ? bpf_enable_stats(BPF_STATS_RUN_TIME) : -1;
	if (o.prog_stats && stats_fd < 0)
		fprintf(stderr, "binder-installs: warning: BPF stats unavailable: %s\n", strerror(errno));
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
	if (!rc && child)
		rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
cleanup:
	/* The one teardown path: each step copes with what was not set up. */
	if (stats_fd >= 0)
		close(stats_fd);
	binder_locks_bpf__destroy(sl);
	binder_installs_bpf__destroy(si);
	ksyms_free(&ks);
	return rc;
}
