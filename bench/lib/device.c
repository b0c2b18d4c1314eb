/* device.c - the binder device's path and binderfs's BINDER_CTL_ADD (device.h). */
#include "device.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/android/binderfs.h>

const char *bb_binder_dev(void)
{
	const char *d = getenv("BB_BINDER_DEV");

	return d && *d ? d : "/dev/binder";
}

const char *bb_binder_logs(void)
{
	const char *d = getenv("BB_BINDER_LOGS");

	return d && *d ? d : "/sys/kernel/debug/binder";
}

int bb_binderfs_add(const char *control, const char *name, char *path, size_t size)
{
	struct binderfs_device dev = { 0 };
	const char *slash = strrchr(control, '/');
	int dirlen = slash ? (int)(slash - control) : 1;
	int fd, ret = 0, n;

	if (!*name || strlen(name) > BINDERFS_MAX_NAME || strchr(name, '/'))
		return -EINVAL;
	n = snprintf(path, size, "%.*s/%s", dirlen, slash ? control : ".", name);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	fd = open(control, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memcpy(dev.name, name, strlen(name));
	if (ioctl(fd, BINDER_CTL_ADD, &dev) < 0)
		ret = -errno;
	close(fd);
	return ret;
}
