#!/bin/sh
# Guest test: page inserts forced to fail, then the receiver killed with the
# failed install's page still in its slot (binder-torture failinsert, on a
# -hooks build: kmod/hooks/). Every armed
# failure must happen (the hook's count) and fail its call, the call after
# a failure must verify, nothing may warn (scripts/vm-run checks dmesg; on
# the KASAN kernel a bad list index or free shows there), binder must list
# no process afterwards, and the pages still allocated after the run must
# stay under half a page per round: a build that never freed the page of a
# failed install would keep one page per round (the noise of this count is
# 0 to 24 pages, see ebusy_leak.sh).
# --no-page-count (the debug kernel): no page bound. KASAN's shadow of each
# process's vmalloc'd stack and its quarantine keep pages whose count
# swamps this one (2421 pages after 100 rounds of a correct build there);
# the debug kernel's verdict is its dmesg (KASAN, lockdep, DEBUG_VM).
# Usage (inside scripts/vm-run):
#   fail_insert.sh [--no-page-count] TORTURE ROUNDS (ROUNDS >= 100)
set -eu
BB_TEST=fail-insert
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
count_pages=1
if [ "${1:-}" = --no-page-count ]; then
	count_pages=0
	shift
fi
torture=$1 rounds=$2
[ "$rounds" -ge 100 ] || bb_fail "ROUNDS must be at least 100 for the page bound to be able to fail"
"$torture" failinsert -n 2 -s 99 >/dev/null || bb_fail "binder-torture failinsert (warm-up)"
pages0=$(bb_net_pages)
"$torture" failinsert -n "$rounds" --reclaim || bb_fail "binder-torture failinsert"
pages1=$(bb_net_pages)
procs=$(bb_binder_procs) || exit 1
held=$((pages1 - pages0))
echo "$BB_TEST: after $rounds rounds and all exited: binder procs $procs, net pages $held"
[ "$procs" = 0 ] || bb_fail "binder still lists $procs processes"
if [ "$count_pages" = 0 ]; then
	echo "$BB_TEST: passed on $BB_BUILD_ID (pages not judged: --no-page-count)"
	exit 0
fi
[ "$held" -lt $((rounds / 2)) ] ||
	bb_fail "$held pages still allocated after $rounds rounds (bound $((rounds / 2))): the failed installs' pages were not freed"
echo "$BB_TEST: passed on $BB_BUILD_ID"
