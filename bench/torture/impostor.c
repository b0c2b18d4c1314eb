/* impostor.c - the pages of an unmapped binder mapping, and another mapping
 * at their old address. A process receives replies into its binder mapping
 * (their pages are installed, then go to binder's freelist when the reply
 * buffers are freed), unmaps the mapping and, in mode `impostor`, maps
 * anonymous memory at the same address; mode `unmapped` (the control)
 * leaves the address empty; mode `partial` unmaps only the half of the
 * mapping its pages are not in. Then it runs binder's shrinker
 * (drop_caches) while it is still alive, and prints its pid and the pages
 * it left on the freelist: "impostor: pid P, N pages on binder's freelist".
 *
 * A binder instance is mapped once: once it is unmapped its pages are
 * mapped nowhere, and the shrinker may free them all. A shrinker that
 * judges them by the vma it finds at their old address sees the impostor
 * and skips every one of them (LRU_SKIP) at every pass, until the process
 * exits. After a partial munmap the instance counts as unmapped too, but
 * the rest of its own vma still maps the pages: those must never be freed
 * (a freed page still mapped into userspace). tests/guest/impostor_vma.sh
 * counts the shrinker's frees of pid P (binder_unmap_kernel_start events).
 */
#include "torture.h"
#include "lib/device.h"
#include "lib/payload.h"
#include "lib/server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAP_BYTES (1u << 20)
#define REPLY_BYTES (256u << 10)	/* 64 pages a reply */
#define SHRINK_US 100000		/* the shrinker in a loop this long */

/* Binder's shrinker in a loop for SHRINK_US (lib/reclaim.h's reclaimer,
 * which writes drop_caches once before it returns). */
static int shrink(struct bb_errbuf *err)
{
	struct bb_reclaimer *r;
	int ret = bb_reclaimer_start(&r, TORTURE_RECLAIM_PAUSE_US);

	if (ret)
		return bb_fail(err, ret, "cannot write /proc/sys/vm/drop_caches: %s",
			       strerror(-ret));
	usleep(SHRINK_US);
	bb_reclaimer_stop(r, &ret);
	return ret ? bb_fail(err, ret, "drop_caches failed: %s", strerror(-ret)) : 0;
}

enum leftover { UNMAPPED, IMPOSTOR, PARTIAL };

static int run(const struct torture_opts *o, enum leftover kind, struct bb_errbuf *err)
{
	struct bb_server_opts so = { .dev = o->dev, .map_size = MAP_BYTES, .loopers = 1,
				     .reply_cap = REPLY_BYTES };
	struct bb_errbuf cerr = { "" };
	struct bb_client cl;
	struct bb_conn conn;
	uint8_t *req;
	void *addr;
	pid_t server;
	int ret;

	req = malloc(REPLY_BYTES);
	if (!req)
		return bb_fail(err, -ENOMEM, "out of memory");
	ret = bb_open(&conn, o->dev, MAP_BYTES);
	if (ret) {
		free(req);
		return bb_fail(err, ret, "cannot open %s: %s", o->dev, strerror(-ret));
	}
	server = bb_server_spawn(&so, err);
	if (server < 0) {
		ret = (int)server;
		goto out;
	}
	bb_client_init(&cl, &conn);
	/* The server's pages are reclaimed too: only ours are counted. */
	bb_payload_fill(req, REPLY_BYTES, 1);
	ret = bb_echo_call(&cl, 0, 1, req, REPLY_BYTES, &cerr);
	if (!ret)
		ret = bb_client_flush(&cl, &cerr);
	if (ret) {
		ret = bb_fail(err, ret, "the call that installs the pages: %s", cerr.msg);
		goto kill;
	}
	addr = conn.map;
	if (kind == PARTIAL) {
		/* The reply's pages are in the first half: unmap the second. */
		if (munmap((char *)addr + MAP_BYTES / 2, MAP_BYTES / 2)) {
			ret = bb_fail(err, -errno, "munmap of half the binder mapping: %s",
				      strerror(errno));
			goto kill;
		}
		conn.map_size = MAP_BYTES / 2;
	} else {
		if (munmap(addr, conn.map_size)) {
			ret = bb_fail(err, -errno, "munmap of the binder mapping: %s",
				      strerror(errno));
			goto kill;
		}
		conn.map = NULL;
	}
	if (kind == IMPOSTOR) {
		if (mmap(addr, MAP_BYTES, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != addr) {
			ret = bb_fail(err, -errno, "the impostor mmap at the old address: %s",
				      strerror(errno));
			goto kill;
		}
		memset(addr, 0x5a, MAP_BYTES);	/* populated, as a real one would be */
	}
	ret = shrink(err);
	if (!ret)
		fprintf(o->log, "impostor: pid %d, %u pages on binder's freelist, %s\n",
			(int)getpid(), REPLY_BYTES / (unsigned int)sysconf(_SC_PAGESIZE),
			kind == IMPOSTOR ? "an anonymous mapping at their address" :
			kind == PARTIAL ? "the rest of binder's vma mapping them" :
			"nothing at their address");
	if (kind == IMPOSTOR)
		munmap(addr, MAP_BYTES);
kill:
	bb_server_kill(server);
out:
	bb_close(&conn);
	free(req);
	return ret;
}

int torture_impostor(const struct torture_opts *o, struct bb_errbuf *err)
{
	return run(o, IMPOSTOR, err);
}

int torture_unmapped(const struct torture_opts *o, struct bb_errbuf *err)
{
	return run(o, UNMAPPED, err);
}

int torture_partial(const struct torture_opts *o, struct bb_errbuf *err)
{
	return run(o, PARTIAL, err);
}
