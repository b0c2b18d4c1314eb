/* cli.h - helpers the storm drivers share for their command lines and
 * their output: size arguments with K/M suffixes, and the line naming the
 * kernel, module build and accelerator a result was measured on.
 */
#ifndef BINDERBENCH_CLI_H
#define BINDERBENCH_CLI_H

#include <stddef.h>
#include <stdio.h>

/* Parses "123", "0x10", "64K" or "1M" into *out; returns 0 or -1. */
int bb_parse_size(const char *s, size_t *out);
/* Parses a size and checks lo <= value <= hi; returns 0 or -1. */
int bb_parse_range(const char *s, size_t lo, size_t hi, size_t *out);
/* For getopt's '?' (call with opterr = 0): prints "PROG: error: unknown
 * option or missing value in 'ARG' (see --help)" and returns 2, the exit
 * status for bad usage. */
int bb_bad_option(const char *prog, char **argv, int optind);
/* For a value that does not parse or is out of range: prints "PROG: error:
 * bad WHAT 'ARG' (want WANT)", or "(see --help)" without WANT, and returns
 * 2, the exit status for bad usage. */
int bb_bad_value(const char *prog, const char *what, const char *arg, const char *want);
/* Writes text to an existing file such as /proc/sys/vm/drop_caches;
 * returns 0 or -errno. */
int bb_write_file(const char *path, const char *text);
/* Prints "PROG: kernel K, module B, accel A, N vCPUs" from the environment
 * scripts/vm-run sets (BB_KERNEL, BB_BUILD_ID, BB_ACCEL, BB_SMP).
 */
void bb_print_environment(FILE *f, const char *prog);

#endif
