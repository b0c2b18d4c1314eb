/* tracecount.h - counts a kernel tracepoint's hits per value of one of its
 * fields (e.g. binder page installs per binder proc) with a hist trigger in
 * a private tracefs instance, so the count neither needs the event enabled
 * nor disturbs another tracer in the same guest.
 */
#ifndef BINDERBENCH_TRACECOUNT_H
#define BINDERBENCH_TRACECOUNT_H

struct bb_tracecount {
	char event[160];	/* .../instances/NAME/events/SYSTEM/EVENT */
	char instance[96];	/* .../instances/NAME */
	char key[32];
};

/* Starts counting event ("binder/binder_alloc_page_start") by field key
 * ("proc"). Returns 0 or -errno (no tracefs, no such event, no hist). */
int bb_tracecount_start(struct bb_tracecount *tc, const char *event, const char *key);
/* Hits so far whose key field equals value; -1 when the count is unreadable. */
long bb_tracecount_read(const struct bb_tracecount *tc, long value);
/* Removes the trigger and the instance. */
void bb_tracecount_stop(struct bb_tracecount *tc);

#endif
