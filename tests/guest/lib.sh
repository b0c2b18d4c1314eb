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

# bb_pages_run TOOL COMMAND...: runs COMMAND under binder-pages (TOOL,
# bpf/binder_pages.c), which follows every page binder allocates for a
# buffer until the page allocator gets it back, and waits after COMMAND
# until binder stops freeing; prints both outputs and returns COMMAND's
# status. Adds the run's pages to BB_PAGES_ALLOC, BB_PAGES_FREED and
# BB_PAGES_LIVE (binder's pages not freed: with the run's processes gone,
# pages binder lost). Fails the test when the instrument gave no count.
BB_PAGES_ALLOC=0 BB_PAGES_FREED=0 BB_PAGES_LIVE=0
bb_pages_run() {
	_tool=$1
	shift
	"$_tool" -- "$@" >/tmp/bb-pages.out 2>&1 && _rc=0 || _rc=$?
	cat /tmp/bb-pages.out
	_line=$(grep '^binder-pages: allocated=' /tmp/bb-pages.out) ||
		bb_fail "binder-pages gave no count of binder's pages (status $_rc)"
	# shellcheck disable=SC2086 # split into fields on purpose
	set -- $_line
	BB_PAGES_ALLOC=$((BB_PAGES_ALLOC + ${2#allocated=}))
	BB_PAGES_FREED=$((BB_PAGES_FREED + ${3#freed=}))
	BB_PAGES_LIVE=$((BB_PAGES_LIVE + ${4#live=}))
	return $_rc
}

# bb_counted COMMAND...: runs COMMAND under binder-pages when the test has
# the instrument (BB_PAGES_TOOL set: its --pages), else as it is.
bb_counted() {
	if [ -n "${BB_PAGES_TOOL:-}" ]; then
		bb_pages_run "$BB_PAGES_TOOL" "$@"
	else
		"$@"
	fi
}

# bb_pages_warm: loads binder-pages once, for a second, when the test has
# it: the kernel's one-time BPF set-up (the first program load parses
# vmlinux's BTF and keeps it) then lands before the test's slab baseline,
# not in the test's slab growth.
bb_pages_warm() {
	[ -z "${BB_PAGES_TOOL:-}" ] || "$BB_PAGES_TOOL" -d 1 >/dev/null ||
		bb_fail "binder-pages does not run here"
}

# bb_pages_check EVENTS [KNOWN]: the leak verdict over the bb_pages_run
# runs, for EVENTS (what the runs forced, e.g. "23 installs that met the
# unmap"): every page binder allocated must be freed again. The control,
# read by the same instrument in the same runs: it saw binder allocate pages
# and free them (a zero from an instrument that sees nothing would mean
# nothing). KNOWN (not empty): the build has a leak another test shows;
# pages never freed are reported, not judged.
bb_pages_check() {
	[ "$BB_PAGES_ALLOC" -gt 0 ] ||
		bb_fail "binder-pages saw binder allocate no page: it cannot see a leak here"
	[ "$BB_PAGES_FREED" -gt 0 ] ||
		bb_fail "binder-pages saw binder free none of its $BB_PAGES_ALLOC pages: it cannot see a leak here"
	if [ "$BB_PAGES_LIVE" != 0 ] && [ -n "${2:-}" ]; then
		echo "$BB_TEST: $BB_PAGES_LIVE of the $BB_PAGES_ALLOC pages binder allocated were never freed ($1): not judged, the known leak: $2"
		return 0
	fi
	[ "$BB_PAGES_LIVE" = 0 ] ||
		bb_fail "$BB_PAGES_LIVE of the $BB_PAGES_ALLOC pages binder allocated were never freed, its processes gone ($1)"
	echo "$BB_TEST: binder allocated $BB_PAGES_ALLOC pages and freed every one ($1)"
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
