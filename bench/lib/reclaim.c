/* reclaim.c - the drop_caches reclaimer thread (reclaim.h). */
#include "reclaim.h"
#include "cli.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct bb_reclaimer {
	pthread_t tid;
	unsigned int pause_us;
	int stop;		/* atomic */
	int error;		/* -errno of the write that ended the loop */
	uint64_t passes;
};

static void *reclaim_loop(void *arg)
{
	struct bb_reclaimer *r = arg;
	struct timespec ts = { (time_t)(r->pause_us / 1000000),
			       (long)(r->pause_us % 1000000) * 1000 };

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		int ret = bb_write_file("/proc/sys/vm/drop_caches", "2");

		if (ret) {
			r->error = ret;
			break;
		}
		r->passes++;
		if (r->pause_us)
			nanosleep(&ts, NULL);
	}
	return NULL;
}

int bb_reclaimer_start(struct bb_reclaimer **out, unsigned int pause_us)
{
	struct bb_reclaimer *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		return -ENOMEM;
	r->pause_us = pause_us;
	ret = bb_write_file("/proc/sys/vm/drop_caches", "2");
	if (ret == 0)
		ret = -pthread_create(&r->tid, NULL, reclaim_loop, r);
	if (ret) {
		free(r);
		return ret;
	}
	*out = r;
	return 0;
}

uint64_t bb_reclaimer_stop(struct bb_reclaimer *r, int *error)
{
	uint64_t n;

	if (error)
		*error = 0;
	if (!r)
		return 0;
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	pthread_join(r->tid, NULL);
	n = r->passes;
	if (error)
		*error = r->error;
	free(r);
	return n;
}
