#!/bin/sh
# Reliability (guest, debug kernel): the install storm and every
# binder-torture mode at a small size on the lockdep/KASAN/DEBUG_VM kernel of
# scripts/debug-kernel, so a locking mistake in the patches (lock order,
# sleeping under a spinlock, a per-VMA lock held wrongly) or a memory error
# shows up as a lockdep or KASAN report, which scripts/vm-run turns into a
# failure.
# Usage (inside scripts/vm-run --debug-kernel): reliability_debug.sh TORTURE INSTALL_STORM
set -eu
BB_TEST=reliability-debug-kernel
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
torture=$1 storm=$2
"$storm" -t 4 -l 4 -r 10 --reclaim >/dev/null || bb_fail "install-storm"
"$torture" kill -n 4 --reclaim || bb_fail "binder-torture kill"
"$torture" churn -S 8 --reclaim || bb_fail "binder-torture churn"
"$torture" abuse || bb_fail "binder-torture abuse"
"$torture" fuzz -n 2000 || bb_fail "binder-torture fuzz"
"$torture" unmap -n 10 --reclaim || bb_fail "binder-torture unmap"
"$torture" dontneed -S 5 --reclaim || bb_fail "binder-torture dontneed"
echo "$BB_TEST: passed on $BB_BUILD_ID"
