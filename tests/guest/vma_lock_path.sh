#!/bin/sh
# Guest test: the per-VMA lock is what installs use, and its fallback works.
# A kretprobe counts the vmas it locked and the NULLs it returned (each NULL
# is a fallback to mmap_lock): on a module build, the compat
# binder_compat_lock_vma_under_rcu() of kmod/compat/; with binder built in,
# the kernel's own lock_vma_under_rcu(), counting only the calls whose stack
# passes through binder (hist trigger keyed by the stack). An install storm must
# lock the vma nearly every time; then the receiver forks in a loop
# (binder-torture churn: fork() write-locks every vma of the parent, binder's
# included, for the whole copy), so installs meanwhile must fall back, and
# every reply must still verify. On p9 the shrinker's calls count as well.
# Usage (inside scripts/vm-run): vma_lock_path.sh INSTALL_STORM TORTURE
set -eu
BB_TEST=vma-lock-path
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
storm=$1 torture=$2
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T
# shellcheck source=../../scripts/guest/vma-probe.sh
. "$(dirname "$0")/../../scripts/guest/vma-probe.sh"
vma_probe_find || bb_fail "neither binder_compat_lock_vma_under_rcu (a compat module build) nor binder built in"
trap 'vma_probe_stop' EXIT
vma_probe_start || bb_fail "cannot probe $VMA_FN with hist triggers keyed by $VMA_KEY"
counts() { vma_probe_counts; }
reset() { vma_probe_reset || bb_fail "cannot reset the hist triggers on $VMA_FN"; }
reset
"$storm" -t 4 -l 4 -r 20 --reclaim >/dev/null || bb_fail "install-storm"
# shellcheck disable=SC2046 # split into fields on purpose
set -- $(counts)
ok1=$1 null1=$2
reset
"$torture" churn -S 8 -c 4 --reclaim -s 3 || bb_fail "binder-torture churn"
# shellcheck disable=SC2046 # split into fields on purpose
set -- $(counts)
ok2=$1 null2=$2
echo "$BB_TEST: install storm: $ok1 vmas locked, $null1 fallbacks to mmap_lock;" \
	"receiver forking: $ok2 vmas locked, $null2 fallbacks"
[ "$ok1" -gt 0 ] || bb_fail "the storm never took the per-VMA lock"
[ $((null1 * 10)) -le "$ok1" ] || bb_fail "more than a tenth of the storm's lookups fell back"
[ "$null2" -gt 0 ] || bb_fail "no install fell back while the receiver forked: the fallback was not tested"
echo "$BB_TEST: passed on $BB_BUILD_ID"
