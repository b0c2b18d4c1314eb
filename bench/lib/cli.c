/* cli.c - command-line and output helpers shared by the storm drivers. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int bb_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ret = 0;
	size_t len = strlen(text);

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		ret = errno ? -errno : -EIO;
	close(fd);
	return ret;
}

int bb_bad_option(const char *prog, char **argv, int optind)
{
	fprintf(stderr, "%s: error: unknown option or missing value in '%s' (see --help)\n",
		prog, optind > 0 ? argv[optind - 1] : "?");
	return 2;
}

int bb_bad_value(const char *prog, const char *what, const char *arg, const char *want)
{
	if (want)
		fprintf(stderr, "%s: error: bad %s '%s' (want %s)\n", prog, what, arg, want);
	else
		fprintf(stderr, "%s: error: bad %s '%s' (see --help)\n", prog, what, arg);
	return 2;
}
