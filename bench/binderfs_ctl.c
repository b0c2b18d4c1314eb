/* binderfs_ctl.c - binderfs-ctl: makes binder devices in a binderfs
 * instance through its binder-control node (BINDER_CTL_ADD) and prints each
 * device's path, one a line. Used by the guest's stage 2, host mode and the
 * reliability soak; a binderfs mount is never changed otherwise.
 *   binderfs-ctl add CONTROL NAME...
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "device.h"

int main(int argc, char **argv)
{
	char path[PATH_MAX];

	if (argc < 4 || strcmp(argv[1], "add") != 0) {
		fprintf(stderr, "usage: binderfs-ctl add CONTROL NAME...\n");
		return 2;
	}
	for (int i = 3; i < argc; i++) {
		int ret = bb_binderfs_add(argv[2], argv[i], path, sizeof(path));

		if (ret < 0) {
			fprintf(stderr, "binderfs-ctl: error: cannot add '%s' through %s: %s\n",
				argv[i], argv[2], strerror(-ret));
			return 1;
		}
		puts(path);
	}
	return 0;
}
