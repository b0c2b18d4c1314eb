#!/bin/sh
# Reliability (guest): process death. binder-torture kill SIGKILLs clients
# and servers at random points mid-transaction and mid-install while
# binder's shrinker runs; survivors must finish with verified replies. Then,
# with every process gone: binder's debugfs state lists no process, and the
# pages and unreclaimable slab allocated over the run are freed again (a
# lost page per killed process would show as hundreds of pages).
# Usage (inside scripts/vm-run): reliability_kill.sh TORTURE TORTURE_ASAN ROUNDS
set -eu
BB_TEST=reliability-kill
. "$(dirname "$0")/lib.sh"
torture=$1 torture_asan=$2 rounds=$3
"$torture" kill -n 2 -s 99 >/dev/null # warm up: libraries, debugfs, slab caches
pages0=$(bb_net_pages) slab0=$(bb_slab_kib)
"$torture" kill -n "$rounds" -s 1 --reclaim || bb_fail "binder-torture kill"
"$torture_asan" kill -n $((rounds / 2 + 1)) -s 2 -c 3 || bb_fail "binder-torture-asan kill"
pages1=$(bb_net_pages) slab1=$(bb_slab_kib)
procs=$(bb_binder_procs) || exit 1
echo "$BB_TEST: after all exited: binder procs $procs, net pages $((pages1 - pages0)), " \
	"unreclaimable slab $slab0 -> $slab1 KiB"
[ "$procs" = 0 ] || bb_fail "binder still lists $procs processes"
[ $((pages1 - pages0)) -lt 256 ] || bb_fail "$((pages1 - pages0)) pages still allocated after the run"
[ $((slab1 - slab0)) -lt 1024 ] || bb_fail "unreclaimable slab grew by $((slab1 - slab0)) KiB"
echo "$BB_TEST: passed on $BB_BUILD_ID"
