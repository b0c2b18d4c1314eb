#!/bin/sh
# Guest test: the -EBUSY path of concurrent installs (two threads installing
# the same page at a buffer boundary) is forced many times, and afterwards,
# with every process gone and reclaim run, no page is leaked: the pages the
# kernel allocated over the run (sum of pgalloc_* minus pgfree in
# /proc/vmstat, which unlike nr_free_pages does not move with the per-CPU
# free lists) are all freed again. A leaked page-lookup reference keeps one
# page per race (a build without the put_page() showed net allocations equal
# to the races, within 5 pages; the real build 0 to 10), so the test fails
# when the net allocations reach half the races.
# Usage (inside scripts/vm-run): ebusy_leak.sh [--leak-expected] TRACE_INSTALLS INSTALL_STORM
# --leak-expected (for Meson's should_fail tests of a leaking build): only a
# leak fails; a run that could not force the race exits 0, so that the
# expected failure shows as an unexpected pass instead of passing for the
# wrong reason.
set -eu
expect=pass
if [ "${1:-}" = --leak-expected ]; then
	expect=leak
	shift
fi
trace=$1 storm=$2
snapshot() { # prints "net_allocated_pages free_pages" after reclaim
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	awk '/^pgalloc_/ { a += $2 } /^pgfree / { f = $2 } /^nr_free_pages / { n = $2 }
	     END { print a - f, n }' /proc/vmstat
}
storm_args="-t 8 -l 8 -b 1 -s 2000 --reclaim --marker"
# Warm up: allocates the trace buffer, loads everything the storm touches.
"$trace" "$storm" $storm_args -r 20 >/dev/null
set -- $(snapshot)
net0=$1 free0=$2
# Storms until at least 100 races (at most 4), so that a leak (one page per
# race) stands well clear of the few pages of noise.
races=0 lookups=0 runs=0
while [ "$races" -lt 100 ] && [ "$runs" -lt 4 ]; do
	"$trace" "$storm" $storm_args -r 400 >/tmp/counts
	cat /tmp/counts
	races=$((races + $(sed -n 's/^races=//p' /tmp/counts)))
	lookups=$((lookups + $(sed -n 's/^mmap_install_read=//p' /tmp/counts)))
	runs=$((runs + 1))
done
set -- $(snapshot)
net1=$1 free1=$2
held=$((net1 - net0))
echo "ebusy_leak: $races concurrent installs of one page, $lookups page lookups ($runs storms);" \
	"pages still allocated after the run: $held (free pages $free0 -> $free1)"
if [ "$races" -lt 10 ]; then
	echo "ebusy_leak: FAILED on $BB_BUILD_ID: only $races races, the -EBUSY path was not forced (is the host busy?)" >&2
	[ "$expect" = leak ] && exit 0
	exit 1
fi
if [ $((held * 2)) -ge "$races" ]; then
	echo "ebusy_leak: FAILED on $BB_BUILD_ID: $held pages still allocated after $races -EBUSY installs" >&2
	exit 1
fi
echo "ebusy_leak: no page leaked on $BB_BUILD_ID"
