#!/bin/sh
# Guest test (issue 14, race b): a process MADV_DONTNEEDs its own binder
# mapping in a loop while replies install pages into it concurrently
# (binder-torture dontneed, binder's shrinker in a loop). If two installs of
# one page both succeed around a zap, both map their page and
# alloc->pages[] keeps only one: the other page leaks and the process may
# read a reply from a page binder did not copy into. Counted here: the
# races (trace-installs), replies that read back wrong (the driver fails
# on any), and pages still allocated after every process exited and reclaim
# ran (the ebusy-leak method: pgalloc - pgfree).
# Usage (inside scripts/vm-run): dontneed_race.sh TRACE_INSTALLS TORTURE SECONDS
set -eu
BB_TEST=dontneed-race
. "$(dirname "$0")/lib.sh"
trace=$1 torture=$2 seconds=$3
# Warm up: the trace buffer, libraries, slab caches.
"$trace" "$torture" dontneed -S 1 -c 2 >/dev/null 2>&1 || true
pages0=$(bb_net_pages)
status=0
"$trace" "$torture" dontneed -S "$seconds" -c 8 --reclaim -s 1 >/tmp/dn.out 2>&1 || status=$?
cat /tmp/dn.out
pages1=$(bb_net_pages)
races=$(sed -n 's/^races=//p' /tmp/dn.out)
held=$((pages1 - pages0))
echo "$BB_TEST: $races concurrent installs of one page; pages still allocated after the run: $held"
[ "$status" = 0 ] || bb_fail "binder-torture dontneed failed (status $status)"
[ "$held" -lt 64 ] || bb_fail "$held pages still allocated after the run"
echo "$BB_TEST: passed on $BB_BUILD_ID"
