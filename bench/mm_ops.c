/* mm_ops.c - mm-ops: a single-threaded loop of the address-space
 * operations that take mmap_lock (mmap, first-touch faults, mprotect,
 * munmap), timed. It prints the mean ns per round, so the cost that an
 * enabled mmap_lock tracepoint (or a program attached to it) adds to every
 * mmap_lock operation can be measured apart from binder's own noise.
 *   mm-ops [-n ROUNDS]   (default 20000; one round = 1 mmap, 4 faults,
 *                         1 mprotect, 1 munmap)
 */
#include "lib/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

#define PAGES 4

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rounds", required_argument, NULL, 'n' }, { "help", no_argument, NULL, 'h' }, { 0 },
	};
	size_t rounds = 20000;
	struct timespec t0, t1;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (bb_parse_range(optarg, 1, 100000000, &rounds)) {
				fprintf(stderr, "mm-ops: error: bad --rounds '%s' (see --help)\n", optarg);
				return 2;
			}
			break;
		case 'h':
			printf("usage: mm-ops [-n ROUNDS]\n");
			return 0;
		default:
			return bb_bad_option("mm-ops", argv, optind);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < rounds; i++) {
		volatile char *p = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("mm-ops: error: mmap");
			return 1;
		}
		for (int j = 0; j < PAGES; j++)
			p[j * 4096] = 1;
		mprotect((void *)p, PAGES * 4096, PROT_READ);
		munmap((void *)p, PAGES * 4096);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("ns_per_round %.1f\n",
	       ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / (double)rounds);
	return 0;
}
