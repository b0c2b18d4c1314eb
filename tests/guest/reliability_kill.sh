#!/bin/sh
# Reliability (guest): process death. binder-torture kill SIGKILLs clients
# and servers at random points mid-transaction and mid-install while
# binder's shrinker runs; survivors must finish with verified replies. Then,
# with every process gone: binder's debugfs state lists no process, and the
# pages and unreclaimable slab allocated over the run are freed again (a
# lost page per killed process would show as hundreds of pages).
# --expect-dead-as-failed: the build answers a call to a dying process
# with BR_FAILED_REPLY (extended error ESRCH) where the C driver says
# BR_DEAD_REPLY (Linux 7.2's Rust binder; kmod/upstream-7.2/rust/0001):
# passes only when a client fails exactly so (seeds 1-3 until one does),
# fails on any other failure, exits 77 when no client met a dying server.
# Usage (inside scripts/vm-run):
#   reliability_kill.sh [--expect-dead-as-failed] TORTURE TORTURE_ASAN ROUNDS
set -eu
BB_TEST=reliability-kill
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
expect=pass
if [ "${1:-}" = --expect-dead-as-failed ]; then
	expect=dead-as-failed
	shift
fi
torture=$1 torture_asan=$2 rounds=$3
if [ "$expect" = dead-as-failed ]; then
	want='BR_FAILED_REPLY: the driver could not deliver the transaction (extended error No such process)'
	for seed in 1 2 3; do
		if "$torture" kill -n "$rounds" -s $seed --reclaim >/tmp/kill.out 2>/tmp/kill.err; then
			continue
		fi
		cat /tmp/kill.out /tmp/kill.err
		grep -qF "$want" /tmp/kill.err ||
			bb_fail "binder-torture kill failed, but not with a dying server's BR_FAILED_REPLY (ESRCH)"
		echo "$BB_TEST: seed $seed: a call to a dying server got BR_FAILED_REPLY (ESRCH), not BR_DEAD_REPLY, on $BB_BUILD_ID"
		exit 0
	done
	echo "$BB_TEST: SKIP on $BB_BUILD_ID: no call met a dying server in 3 runs"
	exit 77
fi
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
