/* pingpong.c - pingpong/size:S: synchronous round trips, one at a time. */
#include "storms.h"
#include "lib/payload.h"

#include <stdlib.h>

void bm_pingpong(struct bb_gb_state *st, void *user)
{
	size_t size = (size_t)bb_gb_range_arg(st, 0);
	struct bb_samples lat = { 0 };
	struct bb_client cl;
	struct session s;
	uint32_t seq = 0;
	double busy = 0;
	char name[64];
	uint8_t *req = malloc(size ? size : 1);
	int failed = 0;

	(void)user;
	if (!req || session_open(&s, st, map_for(size, 1), 1, size, NULL, NULL, 0, NULL)) {
		free(req);
		return;
	}
	bb_client_init(&cl, &s.conn);
	while (bb_gb_keep_running(st)) {
		uint64_t t0, dt;

		if (++seq == BB_CODE_QUIT)
			seq = 1;
		bb_payload_fill(req, size, seq);
		t0 = bb_now_ns();
		if (bb_echo_call(&cl, 0, seq, req, size, &s.err)) {
			bb_gb_skip_with_error(st, s.err.msg);
			failed = 1;
			break;
		}
		dt = bb_now_ns() - t0;
		bb_gb_set_iteration_time(st, dt / 1e9);
		bb_samples_push(&lat, dt);
		busy += dt / 1e9;
	}
	bb_client_flush(&cl, &s.err);
	session_close(&s, st, failed);
	report_latency(st, &lat);
	snprintf(name, sizeof(name), "pingpong/size:%zu", size);
	print_throughput_summary(name, &lat, busy);
	bb_gb_items_processed(st, bb_gb_iterations_done(st));
	bb_gb_bytes_processed(st, bb_gb_iterations_done(st) * (int64_t)size * 2);
	bb_samples_free(&lat);
	free(req);
}
