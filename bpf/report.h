/* report.h - binder-installs' report (report.c). */
#ifndef BINDERBENCH_BPF_REPORT_H
#define BINDERBENCH_BPF_REPORT_H

#include "loader.h"

struct binder_installs_bpf;
struct binder_locks_bpf;
struct ksyms;

/* Prints the report of everything the instruments counted and writes the
 * CSV outputs o asks for. Returns 0, or 1 after a one-line error. */
int report(const struct options *o, struct binder_installs_bpf *si,
	   struct binder_locks_bpf *sl, const struct ksyms *ks);

#endif
