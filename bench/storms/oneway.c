/* oneway.c - oneway/size:S/burst:B: bursts of one-way transactions
 * filling the async buffer space. */
#include "storms.h"
#include "lib/payload.h"

#include <stdlib.h>
#include <sys/mman.h>

void bm_oneway(struct bb_gb_state *st, void *user)
{
	size_t size = (size_t)bb_gb_range_arg(st, 0), burst = (size_t)bb_gb_range_arg(st, 1);
	uint64_t *done = mmap(NULL, sizeof(*done), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint8_t *req = malloc(size ? size : 1);
	struct bb_samples lat = { 0 };
	struct bb_client cl;
	struct session s;
	uint64_t sent = 0;
	int failed = 0;

	(void)user;
	if (done == MAP_FAILED || !req) {
		bb_gb_skip_with_error(st, "out of memory");
		goto out;
	}
	*done = 0;
	/* A burst fills most of the async half of the server's mapping. */
	if (session_open(&s, st, map_for(size, burst), 1, size, done, NULL, 0, NULL))
		goto out;
	bb_client_init(&cl, &s.conn);
	while (bb_gb_keep_running(st) && !failed) {
		uint64_t t0 = bb_now_ns();

		for (size_t i = 0; i < burst; i++) {
			uint32_t seq = (uint32_t)(++sent % 0xfffffff0u) + 1;
			uint64_t t1;

			bb_payload_fill(req, size, seq);
			t1 = bb_now_ns();
			if (bb_echo_send_oneway(&cl, 0, seq, req, size, &s.err)) {
				bb_gb_skip_with_error(st, s.err.msg);
				failed = 1;
				break;
			}
			bb_samples_push(&lat, bb_now_ns() - t1);
		}
		/* The burst is done when the server has verified all of it. */
		while (!failed && __atomic_load_n(done, __ATOMIC_ACQUIRE) < sent)
			sched_yield();
		bb_gb_set_iteration_time(st, (bb_now_ns() - t0) / 1e9);
	}
	session_close(&s, st, failed);
	report_latency(st, &lat);
	bb_gb_items_processed(st, (int64_t)sent);
	bb_gb_bytes_processed(st, (int64_t)(sent * size));
out:
	bb_samples_free(&lat);
	free(req);
	if (done != MAP_FAILED)
		munmap(done, sizeof(*done));
}
