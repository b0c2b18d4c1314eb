/* loader.h - what binder-installs' command line (binder_installs.c) and its
 * reports (report.c) share: the options; and what both loaders
 * (binder-installs, binder-timeline) share: one-line errors, atomically
 * written output files and starting COMMAND.
 */
#ifndef BINDERBENCH_BPF_LOADER_H
#define BINDERBENCH_BPF_LOADER_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

enum mmap_mode { MMAP_BINDER, MMAP_FULL, MMAP_CONTENDED, MMAP_OFF };

struct options {
	unsigned int tgid;
	int proc;
	uint64_t cgroup;
	double duration;
	const char *csv, *keyed, *stacks, *hists, *module;
	enum mmap_mode mmap;
	int quiet, prog_stats, no_contention, no_txn;
	int rust;	/* the kernel's binder is Linux's Rust driver */
	char **command;
};

/* An output file written aside and renamed into place when complete. */
struct out {
	const char *path;
	char tmp[4096];
	FILE *f;
};

/* The mmap_lock tracepoint programs run (every acquisition is followed). */
static inline int per_acquisition(const struct options *o)
{
	return o->mmap == MMAP_FULL || o->mmap == MMAP_BINDER;
}

/* "PROGRAM: error: ..." on stderr; returns 1. */
int err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROGRAM: error: bad WHAT 'ARG' (see --help)" on stderr; returns -1. */
int bad_arg(const char *what, const char *arg);
/* Forks and executes command; the child reports a failed exec and exits
 * 127. Returns the child's pid, or -1 (the reason said). */
int spawn(char **command);
/* Opens path.tmp.PID for writing (nothing when path is NULL). */
int out_open(struct out *o, const char *path);
/* Closes it and renames it into place when ok, else removes it. */
int out_close(struct out *o, int ok);

#endif
