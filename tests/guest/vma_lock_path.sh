#!/bin/sh
# Guest test: the compat lock_vma_under_rcu() (kmod/compat/) is what installs
# use, and its fallback works. A kretprobe on the module's
# binder_compat_lock_vma_under_rcu() counts the vmas it locked and the NULLs
# it returned (each NULL is a fallback to mmap_lock). An install storm must
# lock the vma nearly every time; then the receiver forks in a loop
# (binder-torture churn: fork() write-locks every vma of the parent, binder's
# included, for the whole copy), so installs meanwhile must fall back, and
# every reply must still verify. On p9 the shrinker's calls count as well.
# Usage (inside scripts/vm-run): vma_lock_path.sh INSTALL_STORM TORTURE
set -eu
BB_TEST=vma-lock-path
. "$(dirname "$0")/lib.sh"
storm=$1 torture=$2
t=/sys/kernel/tracing
[ -d $t/events ] || mount -t tracefs nodev $t
grep -q binder_compat_lock_vma_under_rcu /proc/kallsyms ||
	bb_fail "binder_compat_lock_vma_under_rcu is not in the module: not a compat build?"
echo 'r:bb_vma_ok binder_linux:binder_compat_lock_vma_under_rcu ret=$retval:x64' >>$t/kprobe_events
echo 'r:bb_vma_null binder_linux:binder_compat_lock_vma_under_rcu ret=$retval:x64' >>$t/kprobe_events
cond_bb_vma_ok='ret != 0' cond_bb_vma_null='ret == 0'
untrigger() {
	for e in bb_vma_ok bb_vma_null; do
		eval "c=\$cond_$e"
		echo "!hist:keys=common_pid if $c" >$t/events/kprobes/$e/trigger 2>/dev/null || true
	done
}
trap 'untrigger; echo >$t/kprobe_events 2>/dev/null || true' EXIT
counts() { # prints "locked null" since the last reset
	for e in bb_vma_ok bb_vma_null; do
		awk '/hitcount:/ { for (i = 1; i < NF; i++) if ($i == "hitcount:") n += $(i + 1) } END { print n + 0 }' \
			$t/events/kprobes/$e/hist
	done | tr '\n' ' '
}
reset() {
	untrigger
	for e in bb_vma_ok bb_vma_null; do
		eval "c=\$cond_$e"
		echo "hist:keys=common_pid if $c" >$t/events/kprobes/$e/trigger
	done
}
reset
"$storm" -t 4 -l 4 -r 20 --reclaim >/dev/null || bb_fail "install-storm"
set -- $(counts)
ok1=$1 null1=$2
reset
"$torture" churn -S 8 -c 4 --reclaim -s 3 || bb_fail "binder-torture churn"
set -- $(counts)
ok2=$1 null2=$2
echo "$BB_TEST: install storm: $ok1 vmas locked, $null1 fallbacks to mmap_lock;" \
	"receiver forking: $ok2 vmas locked, $null2 fallbacks"
[ "$ok1" -gt 0 ] || bb_fail "the storm never took the per-VMA lock"
[ $((null1 * 10)) -le "$ok1" ] || bb_fail "more than a tenth of the storm's lookups fell back"
[ "$null2" -gt 0 ] || bb_fail "no install fell back while the receiver forked: the fallback was not tested"
echo "$BB_TEST: passed on $BB_BUILD_ID"
