/* cli.c - command-line and output helpers shared by the storm drivers. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>

int bb_parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end == 'k' || *end == 'K')
		v *= 1024, end++;
	else if (*end == 'm' || *end == 'M')
		v *= 1024 * 1024, end++;
	if (*end)
		return -1;
	*out = v;
	return 0;
}

int bb_parse_range(const char *s, size_t lo, size_t hi, size_t *out)
{
	size_t v;

	if (bb_parse_size(s, &v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

void bb_print_environment(FILE *f, const char *prog)
{
	const char *kernel = getenv("BB_KERNEL"), *build = getenv("BB_BUILD_ID");
	const char *accel = getenv("BB_ACCEL"), *smp = getenv("BB_SMP");

	fprintf(f, "%s: kernel %s, module %s, accel %s, %s vCPUs\n", prog,
		kernel ? kernel : "host", build ? build : "unknown",
		accel ? accel : "none", smp ? smp : "?");
}
