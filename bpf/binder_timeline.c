/* binder_timeline.c - binder-timeline: one picture of a stall. Runs COMMAND
 * under the binder_timeline BPF programs (bpftool skeleton
 * binder_timeline.skel.h), opens a window of -W ms -D ms after COMMAND
 * starts or, with -s, each time COMMAND signals SIGUSR1 to the pid in its
 * $BB_TIMELINE_PID (the last window wins: binder-storms signals when its
 * holder's traffic starts, and Google Benchmark runs a benchmark more than
 * once), drains the ring buffer and writes the window as Chrome trace-event
 * JSON (Perfetto UI, chrome://tracing): one lane per thread, spans for page
 * installs, each mmap_lock wait and hold on a binder process's mm, and each
 * synchronous transaction from its send to its reply.
 *   binder-timeline [-D DELAY_MS | -s] [-W WINDOW_MS] [-l LABEL] -o JSON -- COMMAND...
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "binder_timeline.h"
#include "binder_timeline.skel.h"
#include "ksyms.h"
#include "loader.h"

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
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS (1u << 20) /* bounded memory: 64 MiB of records at most */

struct tl_options {
	unsigned int delay_ms, window_ms;
	int on_signal;	/* -s: open the window on COMMAND's SIGUSR1 */
	const char *out, *label;
	char **command;
};

/* The records of the window, in arrival order (the loader's one buffer). */
struct recording {
	struct tl_event *ev;
	size_t n, cap;
	uint64_t lost;	/* records beyond MAX_EVENTS */
};

static volatile sig_atomic_t stop_requested, window_requested;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		window_requested = 1;
	else
		stop_requested = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: binder-timeline [-D DELAY_MS | -s] [-W WINDOW_MS] [-l LABEL] -o JSON -- COMMAND...\n"
		   "  One window of binder page installs, mmap_lock waits and holds on binder\n"
		   "  processes' mms, and synchronous transactions, as Chrome trace-event JSON.\n"
		   "  -D  open the window this long after COMMAND starts (default 1000)\n"
		   "  -s  open it when COMMAND sends SIGUSR1 to $BB_TIMELINE_PID (the last one\n"
		   "      counts; binder-storms' mmap_holder does when its traffic starts)\n"
		   "  -W  window length (default 300, at most 10000)\n"
		   "  -l  a label for the trace's metadata (e.g. the build)\n"
		   "  -o  the JSON file (written aside, renamed into place when complete)\n");
}

static int parse_ms(const char *s, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

static int parse(int argc, char **argv, struct tl_options *o)
{
	int c;

	*o = (struct tl_options){ .delay_ms = 1000, .window_ms = 300 };
	while ((c = getopt(argc, argv, "+D:W:l:o:sh")) != -1) {
		switch (c) {
		case 'D':
			if (parse_ms(optarg, 600000, &o->delay_ms))
				return err("bad -D %s (want 0..600000 ms)", optarg);
			break;
		case 'W':
			if (parse_ms(optarg, 10000, &o->window_ms) || !o->window_ms)
				return err("bad -W %s (want 1..10000 ms)", optarg);
			break;
		case 'l':
			o->label = optarg;
			break;
		case 's':
			o->on_signal = 1;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 1;
		}
	}
	if (!o->out)
		return err("-o JSON is required");
	if (optind >= argc)
		return err("no COMMAND (binder-timeline ... -- COMMAND...)");
	o->command = argv + optind;
	return 0;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct recording *r = ctx;

	if (size < sizeof(struct tl_event))
		return 0;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 65536;
		struct tl_event *ev;

		if (cap > MAX_EVENTS || !(ev = realloc(r->ev, cap * sizeof(*ev)))) {
			r->lost++;
			return 0;
		}
		r->ev = ev;
		r->cap = cap;
	}
	memcpy(&r->ev[r->n++], data, sizeof(struct tl_event));
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* JSON-safe copy of a comm. */
static void comm_of(const struct tl_event *e, char *out)
{
	size_t j = 0;

	for (size_t i = 0; i < TL_COMM_LEN && e->comm[i]; i++)
		if (e->comm[i] >= 0x20 && e->comm[i] != '"' && e->comm[i] != '\\')
			out[j++] = e->comm[i];
	out[j] = '\0';
}

/* A span's start per thread and kind: installs, lock waits and holds,
 * transactions (one of each open at a time per thread). */
enum span { SPAN_INSTALL, SPAN_WAIT, SPAN_HOLD, SPAN_TXN, SPANS };

struct open_span {
	uint32_t tid;
	int named;	/* first[SPAN_INSTALL] holds its first record (its name) */
	uint64_t ts[SPANS];
	struct tl_event first[SPANS];
};

static struct open_span *span_of(struct open_span *s, size_t *n, size_t cap, uint32_t tid)
{
	for (size_t i = 0; i < *n; i++)
		if (s[i].tid == tid)
			return &s[i];
	if (*n == cap)
		return NULL;
	memset(&s[*n], 0, sizeof(s[*n]));
	s[*n].tid = tid;
	return &s[(*n)++];
}

/* A closed span, written after sorting by its start. */
struct span_rec {
	const char *name, *cat;
	uint32_t tgid, tid;
	uint64_t start, end;
	char args[96];
};

struct spans {
	struct span_rec *s;
	size_t n, cap;
};

static int add_span(struct spans *sp, const char *name, const char *cat, const struct tl_event *e,
		    uint64_t start, uint64_t end, const char *args)
{
	if (sp->n == sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 4096;
		struct span_rec *s = realloc(sp->s, cap * sizeof(*s));

		if (!s)
			return -1;
		sp->s = s;
		sp->cap = cap;
	}
	sp->s[sp->n] = (struct span_rec){ name, cat, e->tgid, e->tid, start, end, "" };
	snprintf(sp->s[sp->n].args, sizeof(sp->s[sp->n].args), "%s", args);
	sp->n++;
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct span_rec *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Pairs the records of each thread into spans: installs, lock waits and
 * holds, transactions (one of each open at a time per thread). Thread
 * names go to names (JSON records). Returns 0 or -ENOMEM. */
static int pair(const struct recording *r, struct spans *sp, struct open_span *open, size_t cap,
		size_t *nthreads)
{
	char args[96];
	int ret = 0;

	for (size_t i = 0; i < r->n && !ret; i++) {
		const struct tl_event *e = &r->ev[i];
		struct open_span *s = span_of(open, nthreads, cap, e->tid);

		if (!s)
			continue;
		if (!s->named) {
			s->named = 1;
			s->first[SPAN_INSTALL] = *e; /* its comm, for the thread name */
		}
		switch (e->kind) {
		case TL_INSTALL_START:
			s->ts[SPAN_INSTALL] = e->ts;
			break;
		case TL_INSTALL_END:
			snprintf(args, sizeof(args), "\"page\":%u,\"proc\":%u", e->arg, e->proc);
			if (s->ts[SPAN_INSTALL])
				ret = add_span(sp, "page install", "install", e, s->ts[SPAN_INSTALL], e->ts, args);
			s->ts[SPAN_INSTALL] = 0;
			break;
		case TL_LOCK_START:
			s->ts[SPAN_WAIT] = e->ts;
			break;
		case TL_LOCK_ACQUIRED:
			snprintf(args, sizeof(args), "\"mm_owner\":%u,\"write\":%u,\"installing\":%u", e->proc,
				 e->write, e->installing);
			if (s->ts[SPAN_WAIT])
				ret = add_span(sp, e->write ? "mmap_lock write wait" : "mmap_lock read wait",
					       e->installing ? "install-wait" : "wait", e, s->ts[SPAN_WAIT], e->ts,
					       args);
			s->ts[SPAN_WAIT] = 0;
			if (e->arg) {
				s->ts[SPAN_HOLD] = e->ts;
				s->first[SPAN_HOLD] = *e;
			}
			break;
		case TL_LOCK_RELEASED:
			if (s->ts[SPAN_HOLD]) {
				const struct tl_event *a = &s->first[SPAN_HOLD];

				snprintf(args, sizeof(args), "\"mm_owner\":%u,\"write\":%u,\"installing\":%u",
					 a->proc, a->write, a->installing);
				ret = add_span(sp, a->write ? "mmap_lock write hold" : "mmap_lock read hold",
					       a->installing ? "install-hold" : "hold", e, s->ts[SPAN_HOLD], e->ts,
					       args);
			}
			s->ts[SPAN_HOLD] = 0;
			break;
		case TL_TXN_START:
			s->ts[SPAN_TXN] = e->ts;
			s->first[SPAN_TXN] = *e;
			break;
		case TL_TXN_REPLIED:
			snprintf(args, sizeof(args), "\"to_proc\":%u", s->first[SPAN_TXN].proc);
			if (s->ts[SPAN_TXN])
				ret = add_span(sp, "transaction", "txn", e, s->ts[SPAN_TXN], e->ts, args);
			s->ts[SPAN_TXN] = 0;
			break;
		}
	}
	return ret ? -ENOMEM : 0;
}

/* The Chrome trace: the thread names, then one complete ("X") event per
 * span closed inside the window in the order of their starts; timestamps
 * in us from the window's start. */
static int write_trace(const struct tl_options *o, const struct recording *r, uint64_t t0,
		       uint64_t dropped)
{
	static const char *const kind_names[TL_KINDS] = { "install_start", "install_end", "lock_start",
							   "lock_acquired", "lock_released", "txn_start",
							   "txn_replied" };
	size_t per_kind[TL_KINDS] = { 0 }, cap = 4096, nthreads = 0;
	struct open_span *open = calloc(cap, sizeof(*open));
	struct spans sp = { 0 };
	char comm[TL_COMM_LEN + 1];
	struct out out;
	int first = 1, ok;
	FILE *f;

	if (!open || pair(r, &sp, open, cap, &nthreads)) {
		free(open);
		free(sp.s);
		return err("out of memory");
	}
	qsort(sp.s, sp.n, sizeof(*sp.s), by_start);
	for (size_t i = 0; i < r->n; i++)
		if (r->ev[i].kind < TL_KINDS)
			per_kind[r->ev[i].kind]++;
	if (out_open(&out, o->out)) {
		free(open);
		free(sp.s);
		return 1;
	}
	f = out.f;
	fprintf(f, "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"tool\":\"binder-timeline\","
		   "\"label\":\"%s\",\"window_ms\":%u,\"records\":%zu,\"dropped\":%llu",
		o->label ? o->label : "", o->window_ms, r->n, (unsigned long long)(dropped + r->lost));
	for (int k = 0; k < TL_KINDS; k++)
		fprintf(f, ",\"%s\":%zu", kind_names[k], per_kind[k]);
	fprintf(f, "},\n\"traceEvents\":[");
	for (size_t i = 0; i < nthreads; i++) {
		const struct tl_event *e = &open[i].first[SPAN_INSTALL];

		comm_of(e, comm);
		fprintf(f, "%s\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,"
			   "\"args\":{\"name\":\"%s %u\"}}",
			first ? "" : ",", e->tgid, e->tid, comm, e->tid);
		first = 0;
	}
	for (size_t i = 0; i < sp.n; i++) {
		const struct span_rec *s = &sp.s[i];

		fprintf(f, "%s\n{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":%u,\"tid\":%u,"
			   "\"ts\":%.3f,\"dur\":%.3f,\"args\":{%s}}",
			first ? "" : ",", s->name, s->cat, s->tgid, s->tid, (s->start - t0) / 1e3,
			(s->end - s->start) / 1e3, s->args);
		first = 0;
	}
	fprintf(f, "\n]}\n");
	ok = !ferror(f);
	free(open);
	free(sp.s);
	if (!ok) {
		out_close(&out, 0);
		return err("cannot write %s: %s", o->out, strerror(EIO));
	}
	return out_close(&out, 1);
}

/* Loads the programs of the kernel's driver (the C driver's tracepoints, or
 * Rust binder's, whose page installs and mmap have only mangled functions,
 * attached here by the names kallsyms has); NULL when that fails (said). */
static struct binder_timeline_bpf *load(int rust)
{
	struct binder_timeline_bpf *skel = binder_timeline_bpf__open();
	struct bpf_program *c_only[] = { NULL, NULL, NULL, NULL, NULL, NULL };
	struct bpf_program *rust_only[] = { NULL, NULL, NULL, NULL, NULL, NULL };
	struct ksyms ks = { 0 };
	const char *fn;

	if (!skel) {
		err("cannot open the BPF programs: %s", strerror(errno));
		return NULL;
	}
	c_only[0] = skel->progs.binder_mmap, c_only[1] = skel->progs.binder_vma_close;
	c_only[2] = skel->progs.install_start, c_only[3] = skel->progs.install_end;
	c_only[4] = skel->progs.transaction, c_only[5] = skel->progs.transaction_received;
	rust_only[0] = skel->progs.rust_binder_mmap, rust_only[1] = skel->progs.mm_exit;
	rust_only[2] = skel->progs.rust_install_start, rust_only[3] = skel->progs.rust_install_end;
	rust_only[4] = skel->progs.rust_transaction;
	rust_only[5] = skel->progs.rust_transaction_received;
	for (int i = 0; i < 6; i++) {
		bpf_program__set_autoload(c_only[i], !rust);
		bpf_program__set_autoload(rust_only[i], rust);
	}
	if (binder_timeline_bpf__load(skel)) {
		err("cannot load the BPF programs (root and a BTF kernel needed)");
		goto fail;
	}
	if (binder_timeline_bpf__attach(skel)) {
		err("cannot attach to binder's and mmap_lock's tracepoints: %s", strerror(errno));
		goto fail;
	}
	if (!rust)
		return skel;
	if (ksyms_load(&ks)) {
		err("cannot read /proc/kallsyms (root needed)");
		goto fail;
	}
	fn = ksyms_rust_fn(&ks, "rust_binder", "use_page_slow");
	if (fn) {
		skel->links.rust_install_start = bpf_program__attach_kprobe(skel->progs.rust_install_start, false, fn);
		skel->links.rust_install_end = bpf_program__attach_kprobe(skel->progs.rust_install_end, true, fn);
	}
	if (!fn || !skel->links.rust_install_start || !skel->links.rust_install_end)
		fprintf(stderr, "binder-timeline: warning: no probe on Rust binder's use_page_slow "
				"(a kernel needs CONFIG_KPROBE_EVENTS_ON_NOTRACE=y for kprobes on Rust "
				"code): the timeline has no installs\n");
	fn = ksyms_rust_fn(&ks, "rust_binder", "rust_binder_mmap");
	if (fn)
		skel->links.rust_binder_mmap = bpf_program__attach_kprobe(skel->progs.rust_binder_mmap, false, fn);
	ksyms_free(&ks);
	if (!skel->links.rust_binder_mmap) {
		err("cannot probe Rust binder's rust_binder_mmap (kprobes on Rust code need "
		    "CONFIG_KPROBE_EVENTS_ON_NOTRACE=y): no binder process would be seen");
		goto fail;
	}
	return skel;
fail:
	binder_timeline_bpf__destroy(skel);
	return NULL;
}

int main(int argc, char **argv)
{
	struct binder_timeline_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct recording rec = { 0 };
	struct tl_options o;
	struct stat st;
	uint64_t start, t0 = 0;
	int status = 0, rc = 0, exited = 0;
	char pid[16];
	pid_t child;

	if (parse(argc, argv, &o))
		return 2;
	/* The C driver's tracepoints, or Rust binder's (7.2, built in). */
	if (stat("/sys/kernel/tracing/events/binder", &st) &&
	    stat("/sys/kernel/tracing/events/rust_binder", &st))
		return err("binder tracepoints not found in /sys/kernel/tracing/events (no binder?)");
	skel = load(stat("/sys/kernel/tracing/events/binder", &st) != 0);
	if (!skel)
		return 1;
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, &rec, NULL);
	if (!rb) {
		rc = err("cannot open the ring buffer: %s", strerror(errno));
		goto cleanup;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGUSR1, on_signal);
	start = now_ns();
	/* COMMAND signals the window to this process (-s). */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("BB_TIMELINE_PID", pid, 1);
	child = spawn(o.command);
	if (child < 0) {
		rc = 1;
		goto cleanup;
	}
	while (!exited) {
		uint64_t now = now_ns();

		/* bpf_ktime_get_ns() is CLOCK_MONOTONIC: the window is set in it. */
		if ((!o.on_signal && !t0 && now - start >= (uint64_t)o.delay_ms * 1000000u) ||
		    (o.on_signal && window_requested)) {
			/* A new window replaces the one before: drop its records. */
			window_requested = 0;
			__atomic_store_n(&skel->bss->window_end, 0, __ATOMIC_RELEASE);
			ring_buffer__consume(rb);
			rec.n = 0;
			t0 = now;
			skel->bss->window_start = now;
			__atomic_store_n(&skel->bss->window_end, now + (uint64_t)o.window_ms * 1000000u,
					 __ATOMIC_RELEASE);
		}
		ring_buffer__poll(rb, 50);
		if (waitpid(child, &status, WNOHANG) == child)
			exited = 1;
		else if (stop_requested)
			kill(child, SIGTERM);
	}
	ring_buffer__consume(rb);
	if (!t0) {
		rc = o.on_signal ? err("COMMAND ended without signalling SIGUSR1 (-s): no window")
				 : err("COMMAND ended before the window opened (-D %u ms)", o.delay_ms);
		goto cleanup;
	}
	rc = write_trace(&o, &rec, t0, skel->bss->dropped);
	if (!rc)
		fprintf(stderr, "binder-timeline: %zu records in %u ms, %llu dropped: %s\n", rec.n, o.window_ms,
			(unsigned long long)(skel->bss->dropped + rec.lost), o.out);
	if (!rc)
		rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
cleanup:
	/* The one teardown path: each step copes with what was not set up. */
	ring_buffer__free(rb);
	binder_timeline_bpf__destroy(skel);
	free(rec.ev);
	return rc;
}
