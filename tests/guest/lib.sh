# shellcheck shell=sh
# Helpers the guest tests share (sourced from the same directory).

# Pages the kernel has allocated and not freed since boot, after reclaim:
# the sum of pgalloc_* minus pgfree in /proc/vmstat (unlike nr_free_pages it
# does not move with the per-CPU free lists). Compare two snapshots.
bb_net_pages() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	awk '/^pgalloc_/ { a += $2 } /^pgfree / { f = $2 } END { print a - f }' /proc/vmstat
}

# Unreclaimable slab in KiB.
bb_slab_kib() {
	awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo
}

# Processes binder's state still lists (debugfs, or the binderfs's
# binder_logs of $BB_BINDER_LOGS); fails the test when the state file is
# missing or not in the format both drivers write: a count of 0 must mean
# "none listed", never "could not look".
bb_binder_procs() {
	_st=${BB_BINDER_LOGS:-/sys/kernel/debug/binder}/state
	[ -r "$_st" ] || bb_fail "$_st is missing (debugfs?)"
	# Both drivers head it so; any other format would read as 0 processes.
	grep -q '^binder state:$' "$_st" || bb_fail "$_st is not binder's state (no 'binder state:' line)"
	grep -c '^proc ' "$_st" || true
}

# Fails unless debugfs is mounted (a check that something is gone from it
# means nothing otherwise).
bb_need_debugfs() {
	grep -q ' /sys/kernel/debug debugfs ' /proc/mounts || bb_fail "debugfs is not mounted at /sys/kernel/debug"
}

# Fails the test with a message on stderr.
bb_fail() {
	echo "$BB_TEST: FAILED on ${BB_BUILD_ID:-?}: $*" >&2
	exit 1
}

# The path of the test's Nth binder device (0: $BB_BINDER_DEV): in the
# guest's binderfs instance it is made through binder-control ("binderN");
# without binderfs it is the module's /dev/binderN (load it with
# devices=binder,binder1,...). Fails the test when it cannot be had.
bb_binder_device() {
	if [ "$1" = 0 ]; then
		echo "$BB_BINDER_DEV"
	elif [ -n "${BB_BINDERFS:-}" ]; then
		[ -e "$BB_BINDERFS/binder$1" ] ||
			"$BB_BINDERFS_CTL" add "$BB_BINDERFS/binder-control" "binder$1" >/dev/null ||
			bb_fail "cannot make binder$1 through $BB_BINDERFS/binder-control"
		echo "$BB_BINDERFS/binder$1"
	else
		[ -c "/dev/binder$1" ] || bb_fail "/dev/binder$1 is missing (load the module with devices=binder,binder1,...)"
		echo "/dev/binder$1"
	fi
}
