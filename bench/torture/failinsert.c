/* failinsert.c - page inserts that fail, then the process exits. Needs a
 * -hooks build (kmod/hooks/): its fail_insert
 * parameter makes the next N page inserts fail with -ENOMEM, and
 * inserts_failed counts the failures it forced. Every round starts a fresh
 * echo server (a new mapping: every install is cold), then
 *   1. arms one failure and calls: the request's first page fails to install
 *      in the server's mapping, the call must fail (BR_FAILED_REPLY);
 *   2. calls again, unarmed: the reply must verify (the page left in the
 *      slot by the failed install, if the build keeps one, is mapped now);
 *   3. arms one failure and sends a call 16 pages long: its first pages are
 *      installed, a later one fails, the call must fail;
 *   4. SIGKILLs the server, whose mapping still holds the page of that
 *      failed install: its release must free it (run it on the KASAN kernel
 *      to see a bad free or list index, not only a crash).
 * The hook's count must grow by exactly the failures armed (they happened),
 * and after the last round binder must list no process. The guest test
 * (tests/guest/fail_insert.sh) counts the pages left allocated.
 */
#include "torture.h"
#include "lib/device.h"
#include "lib/payload.h"
#include "lib/server.h"

#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define SMALL (12u << 10)	/* three pages */
#define LARGE (64u << 10)	/* sixteen pages */

struct failinsert_run {
	const char *param_dir;	/* the module's parameters */
	uint8_t *req;		/* LARGE bytes */
	uint64_t armed, failed_calls, verified;
	uint64_t reserved_seen;	/* kills with a page reserved in the server */
	uint64_t reserved_checked; /* kills where debugfs counted reserved pages */
};

/* The "pages reserved: N" line of pid's section in binder's stats: N, or
 * -1 when there is no such line (builds without reservation, no debugfs). */
static long reserved_pages(pid_t pid)
{
	char path[PATH_MAX], line[256];
	int proc, ours = 0;
	long n = -1, v;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stats", bb_binder_logs());
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "proc %d", &proc) == 1)
			ours = proc == (int)pid;
		else if (ours && sscanf(line, " pages reserved: %ld", &v) == 1)
			n = v;
	}
	fclose(f);
	return n;
}

static int param_read(const struct failinsert_run *run, const char *name, uint64_t *v,
		      struct bb_errbuf *err)
{
	char path[512];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", run->param_dir, name);
	f = fopen(path, "r");
	if (!f)
		return bb_fail(err, -errno, "%s: %s (not a -hooks build?)", path, strerror(errno));
	ok = fscanf(f, "%" SCNu64, v) == 1;
	fclose(f);
	return ok ? 0 : bb_fail(err, -EINVAL, "%s: not a number", path);
}

static int arm(const struct failinsert_run *run, unsigned int n, struct bb_errbuf *err)
{
	char path[512];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/fail_insert", run->param_dir);
	f = fopen(path, "w");
	if (!f)
		return bb_fail(err, -errno, "%s: %s (not a -hooks build?)", path, strerror(errno));
	if (fprintf(f, "%u\n", n) < 0)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret ? bb_fail(err, ret, "cannot write %s: %s", path, strerror(-ret)) : 0;
}

/* One call that must fail because of the armed insert failure. */
static int failing_call(struct failinsert_run *run, struct bb_client *cl, uint32_t seq,
			size_t size, struct bb_errbuf *err)
{
	struct bb_errbuf cerr = { "" };
	int ret;

	ret = arm(run, 1, err);
	if (ret)
		return ret;
	run->armed++;
	bb_payload_fill(run->req, size, seq);
	ret = bb_echo_call(cl, 0, seq, run->req, size, &cerr);
	if (ret == 0) {
		arm(run, 0, err);
		return bb_fail(err, -EPROTO, "call %u (%zu bytes) succeeded with a page insert "
			       "armed to fail: no insert failed", seq, size);
	}
	if (ret != -EIO)
		return bb_fail(err, ret, "call %u (%zu bytes) with a failing insert: %s "
			       "(want the driver's failed reply)", seq, size, cerr.msg);
	run->failed_calls++;
	return 0;
}

static int round_run(const struct torture_opts *o, size_t round, struct torture_rng *rng,
		     void *ctx, struct bb_errbuf *err)
{
	struct failinsert_run *run = ctx;
	struct bb_server_opts so = { .dev = o->dev, .map_size = 1u << 20, .loopers = 1,
				     .reply_cap = LARGE };
	struct bb_errbuf cerr = { "" };
	struct bb_client cl;
	struct bb_conn conn;
	pid_t server;
	int ret;

	(void)rng;
	ret = bb_open(&conn, o->dev, 1u << 20);
	if (ret)
		return bb_fail(err, ret, "cannot open %s: %s", o->dev, strerror(-ret));
	server = bb_server_spawn(&so, err);
	if (server < 0) {
		bb_close(&conn);
		return (int)server;
	}
	bb_client_init(&cl, &conn);
	ret = failing_call(run, &cl, 1, SMALL, err);
	if (!ret) {
		bb_payload_fill(run->req, SMALL, 2);
		ret = bb_echo_call(&cl, 0, 2, run->req, SMALL, &cerr);
		if (ret)
			ret = bb_fail(err, ret, "round %zu: the call after a failed insert: %s",
				      round, cerr.msg);
		else
			run->verified++;
	}
	if (!ret)
		ret = failing_call(run, &cl, 3, LARGE, err);
	if (!ret)
		ret = bb_client_flush(&cl, &cerr) ? bb_fail(err, -EIO, "%s", cerr.msg) : 0;
	/* The server dies with the page of the failed install in its slot. */
	if (!ret) {
		long reserved = reserved_pages(server);

		if (reserved >= 0) {
			run->reserved_checked++;
			run->reserved_seen += reserved > 0;
		}
	}
	bb_server_kill(server);
	bb_close(&conn);
	return ret;
}

int torture_failinsert(const struct torture_opts *o, struct bb_errbuf *err)
{
	struct failinsert_run run = { .param_dir = "/sys/module/binder_linux/parameters" };
	uint64_t before, after, passes;
	long left;
	int ret;

	ret = param_read(&run, "inserts_failed", &before, err);
	if (ret)
		return ret;
	run.req = malloc(LARGE);
	if (!run.req)
		return bb_fail(err, -ENOMEM, "out of memory");
	ret = torture_rounds(o, round_run, &run, &passes, &left, err);
	free(run.req);
	if (ret) {
		struct bb_errbuf ignored;

		arm(&run, 0, &ignored);
		return ret;
	}
	ret = param_read(&run, "inserts_failed", &after, err);
	if (ret)
		return ret;
	fprintf(o->log, "failinsert: %zu rounds: %" PRIu64 " inserts armed to fail, %" PRIu64
		" forced (the hook's count), %" PRIu64 " calls failed, %" PRIu64
		" verified after a failure, %" PRIu64 " reclaim passes, binder procs left: %ld\n",
		o->rounds, run.armed, after - before, run.failed_calls, run.verified, passes, left);
	if (run.reserved_checked)
		fprintf(o->log, "failinsert: servers killed with a reserved page: %" PRIu64
			" of %" PRIu64 "\n", run.reserved_seen, run.reserved_checked);
	else
		fprintf(o->log, "failinsert: servers killed with a reserved page: not measurable "
			"(no \"pages reserved\" line in binder's debugfs)\n");
	if (after - before != run.armed)
		return bb_fail(err, -EPROTO, "the hook forced %" PRIu64 " insert failures, %" PRIu64
			       " were armed", after - before, run.armed);
	/* Where debugfs counts them, every failed install leaves its page. */
	if (run.reserved_seen != run.reserved_checked)
		return bb_fail(err, -EPROTO, "%" PRIu64 " of %" PRIu64 " servers had no page "
			       "reserved after a failed install", run.reserved_checked - run.reserved_seen,
			       run.reserved_checked);
	return 0;
}
