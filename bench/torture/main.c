/* main.c - binder-torture: the reliability tests' driver. One mode per run:
 *   kill   clients and servers SIGKILLed at random points mid-transaction
 *          and mid-install; survivors must finish with verified replies
 *   churn  installs while the receiver forks, mmaps, mremaps, mprotects and
 *          madvise(MADV_DONTNEED)s its own memory, with reclaim
 *   abuse  second mmap, writable mmap, mprotect to writable, mmap from a
 *          forked child, partial munmap and mremap of the binder mapping
 *   fuzz   malformed BINDER_WRITE_READ streams and ioctls from threads
 *   unmap  the receiver munmap()s its binder mapping under cold installs
 *   dontneed  a process MADV_DONTNEEDs its binder pages while replies
 *          install them (races of two installs of one page)
 *   failinsert  page inserts forced to fail (-hooks builds), then the
 *          receiver killed with the failed install's page in its slot
 *   impostor  a process unmaps its binder mapping with pages on binder's
 *          freelist, maps anonymous memory at its address, runs the shrinker
 *   unmapped  the same without the anonymous mapping (impostor's control)
 *   partial  the same, but only the half of the mapping without the pages
 *          is unmapped: the pages must stay (binder's vma still maps them)
 * Exits 0 when binder behaved, 1 with a one-line error when it did not,
 * 2 for bad usage, 4 when the run hung past --timeout.
 */
#include "torture.h"
#include "lib/cli.h"
#include "lib/device.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* Processes binder still knows about, from its state file (-1 when it
 * cannot be read). */
static long binder_procs(void)
{
	char path[PATH_MAX], line[256];
	long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/state", bb_binder_logs());
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "proc ", 5))
			n++;
	fclose(f);
	return n;
}

long torture_wait_binder_procs_gone(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	long left = -1;

	for (int i = 0; i < 100; i++) {
		left = binder_procs();
		if (left <= 0)
			break;
		nanosleep(&ts, NULL);
	}
	return left;
}

int torture_rounds(const struct torture_opts *o, torture_round_fn round, void *ctx,
		   uint64_t *passes, long *left, struct bb_errbuf *err)
{
	struct bb_reclaimer *rc = NULL;
	struct torture_rng rng;
	int ret = 0;

	*passes = 0;
	*left = -1;
	if (o->reclaim && (ret = bb_reclaimer_start(&rc, TORTURE_RECLAIM_PAUSE_US)))
		return bb_fail(err, ret, "cannot start the reclaimer: %s", strerror(-ret));
	torture_rng_seed(&rng, o->seed);
	for (size_t r = 0; r < o->rounds && !ret; r++)
		ret = round(o, r, &rng, ctx, err);
	*passes = bb_reclaimer_stop(rc, NULL);
	if (!ret)
		*left = torture_wait_binder_procs_gone();
	if (!ret && *left > 0)
		ret = bb_fail(err, -EBUSY, "binder still lists %ld processes after all exited", *left);
	return ret;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: binder-torture MODE [-d DEVICE] [-s SEED] [-n ROUNDS] [-c CLIENTS]\n"
		   "                      [-S SECONDS] [--reclaim] [--timeout SECONDS]\n"
		   "  MODE: kill, churn, abuse, fuzz, unmap, dontneed, failinsert, impostor,\n"
		   "        unmapped or partial\n"
		   "        (see bench/torture/main.c)\n"
		   "  -d  the binder device (default $BB_BINDER_DEV or /dev/binder)\n"
		   "  -n  kill: rounds (default 20); unmap: rounds (40); failinsert: rounds (50);\n"
		   "      fuzz: operations per thread (default 20000)\n"
		   "  -c  client processes (kill, unmap: default 4) or threads (churn, fuzz,\n"
		   "      dontneed: 4)\n"
		   "  -S  churn, dontneed: seconds (default 10)\n"
		   "  --reclaim  run binder's shrinker in a loop meanwhile\n"
		   "  --checks K[,K]  abuse: only these checks (writable, second-mmap, mprotect,\n"
		   "      child-mmap, partial-munmap, mremap; default all)\n"
		   "  --timeout  fail with status 4 if the run takes longer (default 600)\n");
}

static void on_alarm(int sig)
{
	static const char msg[] = "binder-torture: error: the run hung past --timeout\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(4);
	_exit(4);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "rounds", required_argument, NULL, 'n' },
		{ "clients", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "reclaim", no_argument, NULL, 'R' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "checks", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const struct {
		const char *name;
		int (*fn)(const struct torture_opts *, struct bb_errbuf *);
		size_t rounds;
	} modes[] = {
		{ "kill", torture_kill, 20 },
		{ "churn", torture_churn, 0 },
		{ "abuse", torture_abuse, 0 },
		{ "fuzz", torture_fuzz, 20000 },
		{ "unmap", torture_unmap, 40 },
		{ "dontneed", torture_dontneed, 0 },
		{ "failinsert", torture_failinsert, 50 },
		{ "impostor", torture_impostor, 0 },
		{ "unmapped", torture_unmapped, 0 },
		{ "partial", torture_partial, 0 },
	};
	struct torture_opts o = { .dev = bb_binder_dev(), .seed = 1, .clients = 4,
				  .seconds = 10, .log = stdout };
	struct bb_errbuf err = { "" };
	size_t timeout = 600, rounds = 0;
	char *end;
	int c, m = -1, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:s:n:c:S:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.dev = optarg;
			break;
		case 's':
			errno = 0;
			o.seed = strtoull(optarg, &end, 0);
			if (errno || *end || end == optarg)
				return bb_bad_value("binder-torture", "--seed", optarg, NULL);
			break;
		case 'n':
			if (bb_parse_range(optarg, 1, 100000000, &rounds))
				return bb_bad_value("binder-torture", "--rounds", optarg, NULL);
			break;
		case 'c':
			if (bb_parse_range(optarg, 1, 64, &o.clients))
				return bb_bad_value("binder-torture", "--clients", optarg, NULL);
			break;
		case 'S':
			o.seconds = strtod(optarg, &end);
			if (*end || end == optarg || !(o.seconds > 0 && o.seconds <= 86400))
				return bb_bad_value("binder-torture", "--seconds", optarg, NULL);
			break;
		case 'R':
			o.reclaim = 1;
			break;
		case 'T':
			if (bb_parse_range(optarg, 1, 86400, &timeout))
				return bb_bad_value("binder-torture", "--timeout", optarg, NULL);
			break;
		case 'K':
			o.checks = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return bb_bad_option("binder-torture", argv, optind);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "binder-torture: error: want exactly one MODE (kill, churn, abuse, fuzz, unmap, dontneed, failinsert, impostor, unmapped or partial)\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(argv[optind], modes[i].name))
			m = (int)i;
	if (m < 0)
		return bb_bad_value("binder-torture", "MODE", argv[optind], NULL);
	if (access(o.dev, R_OK) != 0) {
		fprintf(stderr, "binder-torture: error: %s: %s (is a binder module loaded?)\n",
			o.dev, strerror(errno));
		return 1;
	}
	o.rounds = rounds ? rounds : modes[m].rounds;
	signal(SIGALRM, on_alarm);
	alarm((unsigned int)timeout);
	setvbuf(stdout, NULL, _IOLBF, 0);
	bb_print_environment(stdout, "binder-torture");
	fprintf(stdout, "binder-torture: %s, seed %" PRIu64 "\n", modes[m].name, o.seed);
	ret = modes[m].fn(&o, &err);
	if (ret) {
		fprintf(stderr, "binder-torture: error: %s: %s\n", modes[m].name, err.msg);
		return 1;
	}
	fprintf(stdout, "binder-torture: %s passed\n", modes[m].name);
	return 0;
}
