/* round.c - the barrier-round engine of the storms (round.h). */
#include "round.h"
#include "payload.h"
#include "stats.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int bb_round_init(struct bb_round *r, size_t workers, size_t calls, uint64_t *ns, int pshared)
{
	pthread_barrierattr_t ba;
	int ret;

	r->round = 0;
	r->calls = calls;
	r->ns = ns;
	r->error[0] = '\0';
	atomic_init(&r->stop, 0);
	atomic_init(&r->failed, 0);
	ret = pthread_barrierattr_init(&ba);
	if (!ret && pshared)
		ret = pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	if (!ret)
		ret = pthread_barrier_init(&r->start, &ba, (unsigned int)workers + 1);
	if (!ret) {
		ret = pthread_barrier_init(&r->done, &ba, (unsigned int)workers + 1);
		if (ret)
			pthread_barrier_destroy(&r->start);
	}
	pthread_barrierattr_destroy(&ba);
	return -ret;
}

void bb_round_fail(struct bb_round *r, const char *fmt, ...)
{
	va_list ap;

	if (atomic_exchange(&r->failed, 1))
		return;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
}

void *bb_round_worker_main(void *arg)
{
	const struct bb_round_worker *w = arg;
	struct bb_round *r = w->r;
	struct bb_errbuf err = { "" };
	size_t cap = w->size_of ? w->max_size : w->size;
	uint8_t *req = malloc(cap ? cap : 1);
	struct bb_client cl;

	if (!req)
		bb_round_fail(r, "out of memory");
	else if (w->setup && w->setup(w, &err))
		bb_round_fail(r, "%s", err.msg);
	bb_client_init(&cl, w->conn);
	for (;;) {
		pthread_barrier_wait(&r->start);
		if (atomic_load(&r->stop))
			break;
		for (size_t i = 0; i < r->calls && req && !atomic_load(&r->failed); i++) {
			size_t size = w->size_of ? w->size_of(w, i) : w->size;
			size_t k = w->slot * r->calls + i;
			uint32_t seq = bb_round_seq(r->round, k);
			uint64_t t0;

			bb_payload_fill(req, size, seq);
			t0 = bb_now_ns();
			if (bb_echo_call(&cl, 0, seq, req, size, &err)) {
				bb_round_fail(r, "%s%s%s (worker %zu, round %zu)", w->name ? w->name : "",
					      w->name ? ": " : "", err.msg, w->slot, r->round);
				break;
			}
			r->ns[k] = bb_now_ns() - t0;
		}
		/* Free the last reply, so that the round leaves no page in use. */
		if (bb_client_flush(&cl, &err))
			bb_round_fail(r, "%s (worker %zu, round %zu)", err.msg, w->slot, r->round);
		pthread_barrier_wait(&r->done);
	}
	free(req);
	return NULL;
}

uint64_t bb_round_run(struct bb_round *r)
{
	uint64_t t0 = bb_now_ns();

	r->round++;
	pthread_barrier_wait(&r->start);
	pthread_barrier_wait(&r->done);
	return bb_now_ns() - t0;
}

void bb_round_stop(struct bb_round *r)
{
	atomic_store(&r->stop, 1);
	pthread_barrier_wait(&r->start);
}

void bb_round_destroy(struct bb_round *r)
{
	pthread_barrier_destroy(&r->start);
	pthread_barrier_destroy(&r->done);
}
