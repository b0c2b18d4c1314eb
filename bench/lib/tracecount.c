/* tracecount.c - per-field tracepoint hit counts (tracecount.h). */
#include "tracecount.h"

#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRACEFS "/sys/kernel/tracing"

int bb_tracecount_start(struct bb_tracecount *tc, const char *event, const char *key)
{
	char path[224], trigger[64];
	int ret;

	snprintf(tc->instance, sizeof(tc->instance), TRACEFS "/instances/binderbench-%d",
		 (int)getpid());
	snprintf(tc->event, sizeof(tc->event), "%s/events/%s", tc->instance, event);
	snprintf(tc->key, sizeof(tc->key), "%s", key);
	if (mkdir(tc->instance, 0700) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/trigger", tc->event);
	snprintf(trigger, sizeof(trigger), "hist:keys=%s", key);
	ret = bb_write_file(path, trigger);
	if (ret) {
		rmdir(tc->instance);
		tc->instance[0] = '\0';
	}
	return ret;
}

long bb_tracecount_read(const struct bb_tracecount *tc, long value)
{
	char path[224], line[256], fmt[64];
	long key, hits, total = 0;
	FILE *f;

	if (!tc->instance[0])
		return -1;
	snprintf(path, sizeof(path), "%s/hist", tc->event);
	f = fopen(path, "r");
	if (!f)
		return -1;
	/* Lines like "{ proc:       1234 } hitcount:         56". */
	snprintf(fmt, sizeof(fmt), "{ %s: %%ld } hitcount: %%ld", tc->key);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, &key, &hits) == 2 && key == value)
			total += hits;
	fclose(f);
	return total;
}

void bb_tracecount_stop(struct bb_tracecount *tc)
{
	char path[224], trigger[64];

	if (!tc->instance[0])
		return;
	snprintf(path, sizeof(path), "%s/trigger", tc->event);
	snprintf(trigger, sizeof(trigger), "!hist:keys=%s", tc->key);
	bb_write_file(path, trigger);
	rmdir(tc->instance);
	tc->instance[0] = '\0';
}
