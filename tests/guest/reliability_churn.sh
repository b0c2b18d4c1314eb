#!/bin/sh
# Reliability (guest): installs under mm churn and reclaim. The receiver's
# own threads fork, mmap, fault, mremap, mprotect, munmap and
# madvise(MADV_DONTNEED) while client threads install pages in it, binder's
# shrinker runs in a loop (drop_caches), and the whole storm runs in a
# memory cgroup kept at its memory.high by a page-cache reader, so reclaim
# also runs inside the receiver's cgroup. (In 6.12 binder's pages are not
# charged to a memcg and its shrinker is not memcg-aware: the drop_caches
# loop is what drives binder's own reclaim; the cgroup adds reclaim of the
# receiver's other memory at the same time.)
# Usage (inside scripts/vm-run): reliability_churn.sh TORTURE TORTURE_ASAN SECONDS
set -eu
BB_TEST=reliability-churn
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
torture=$1 torture_asan=$2 seconds=$3
cg=/sys/fs/cgroup/bb-churn
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p $cg
echo 48M >$cg/memory.high
echo 256M >$cg/memory.max
# Enter the cgroup, then keep it at memory.high with page cache.
echo $$ >$cg/cgroup.procs
reader() {
	while :; do cat /usr/src/linux-source-6.12.tar.xz /usr/lib/x86_64-linux-gnu/*.so* >/dev/null 2>&1; done
}
reader &
rpid=$!
trap 'kill $rpid 2>/dev/null || true' EXIT
"$torture" churn -S "$seconds" -c 4 --reclaim -s 1 || bb_fail "binder-torture churn"
"$torture_asan" churn -S $((seconds / 2 + 1)) -c 2 --reclaim -s 2 || bb_fail "binder-torture-asan churn"
kill $rpid 2>/dev/null || true
high=$(awk '/^high / { print $2 }' $cg/memory.events)
oom=$(awk '/^oom_kill / { print $2 }' $cg/memory.events)
echo "$BB_TEST: memcg reclaim events (memory.high breaches): $high, OOM kills: $oom"
[ "$high" -gt 0 ] || bb_fail "the cgroup never reached memory.high: no reclaim happened in it"
# memory.max is far above memory.high: an OOM kill is a failure (README: 0).
[ "$oom" = 0 ] || bb_fail "$oom OOM kills in the cgroup"
echo "$BB_TEST: passed on $BB_BUILD_ID"
