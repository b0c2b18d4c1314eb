/* loader.c - the loaders' one-line errors, atomically written output
 * files and COMMAND (loader.h).
 */
#include "loader.h"

#include <errno.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

int err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int bad_arg(const char *what, const char *arg)
{
	fprintf(stderr, "%s: error: bad %s '%s' (see --help)\n", program_invocation_short_name,
		what, arg);
	return -1;
}

int out_open(struct out *o, const char *path)
{
	o->path = path;
	o->f = NULL;
	if (!path)
		return 0;
	snprintf(o->tmp, sizeof(o->tmp), "%s.tmp.%d", path, (int)getpid());
	o->f = fopen(o->tmp, "w");
	return o->f ? 0 : err("cannot write %s: %s", path, strerror(errno));
}

int out_close(struct out *o, int ok)
{
	if (!o->f)
		return 0;
	if (fclose(o->f) || !ok || rename(o->tmp, o->path)) {
		int e = errno;

		unlink(o->tmp);
		return ok ? err("cannot write %s: %s", o->path, strerror(e)) : 1;
	}
	return 0;
}

int spawn(char **command)
{
	pid_t child = fork();

	if (child == 0) {
		execvp(command[0], command);
		err("cannot run %s: %s", command[0], strerror(errno));
		_exit(127);
	}
	if (child < 0) {
		err("fork: %s", strerror(errno));
		return -1;
	}
	return child;
}
