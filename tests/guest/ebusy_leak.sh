#!/bin/sh
# Guest test: the -EBUSY path of concurrent installs (two threads installing
# the same page at a buffer boundary) is forced many times, and afterwards,
# with every process gone and reclaim run, the system's free-page count is
# back where it started: the page-lookup reference is dropped, no page is
# leaked. A leaked reference would keep one page per race out of the free
# lists, so fewer lost pages than half the races passes.
# Usage (inside scripts/vm-run): ebusy_leak.sh TRACE_INSTALLS INSTALL_STORM
set -eu
trace=$1 storm=$2
free_pages() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	awk '/^nr_free_pages /{ print $2 }' /proc/vmstat
}
storm_args="-t 8 -l 8 -b 1 -s 2000 --reclaim --marker"
# Warm up: allocates the trace buffer, loads everything the storm touches.
"$trace" "$storm" $storm_args -r 20 >/dev/null
before=$(free_pages)
"$trace" "$storm" $storm_args -r 400 >/tmp/counts
after=$(free_pages)
cat /tmp/counts
races=$(sed -n 's/^races=//p' /tmp/counts)
lookups=$(sed -n 's/^mmap_install_read=//p' /tmp/counts)
lost=$((before - after))
echo "ebusy_leak: $races concurrent installs of one page, $lookups page lookups; free pages $before -> $after ($lost lost)"
if [ "$races" -lt 10 ]; then
	echo "ebusy_leak: FAILED on $BB_BUILD_ID: only $races races, the -EBUSY path was not forced" >&2
	exit 1
fi
if [ $((lost * 2)) -ge "$races" ]; then
	echo "ebusy_leak: FAILED on $BB_BUILD_ID: $lost pages lost after $races -EBUSY installs" >&2
	exit 1
fi
echo "ebusy_leak: no page leaked on $BB_BUILD_ID"
