/* device.h - which binder device the drivers open, and binderfs devices.
 * The one place that knows the device: $BB_BINDER_DEV (set by the guest's
 * stage 2, host mode and the soak) or /dev/binder; and where its logs are. binderfs devices are made
 * through a binder-control node (BINDER_CTL_ADD). Functions return 0 or
 * -errno; nothing here prints.
 */
#ifndef BINDERBENCH_DEVICE_H
#define BINDERBENCH_DEVICE_H

#include <stddef.h>

/* The binder device to open: $BB_BINDER_DEV when set and not empty, else
 * /dev/binder. */
const char *bb_binder_dev(void);

/* The directory of binder's state, stats and proc/ files: $BB_BINDER_LOGS
 * when set and not empty (the guest sets a binderfs's binder_logs for the
 * Rust driver, which has no debugfs), else /sys/kernel/debug/binder. */
const char *bb_binder_logs(void);

/* Creates the binder device NAME in the binderfs instance whose
 * binder-control node is CONTROL and writes its path (CONTROL's directory
 * plus NAME) into path (size bytes). -EEXIST when NAME exists there. */
int bb_binderfs_add(const char *control, const char *name, char *path, size_t size);

#endif
