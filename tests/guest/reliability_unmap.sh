#!/bin/sh
# Reliability (guest): the receiver munmap()s its binder mapping while cold
# installs into it run (binder-torture unmap, binder's shrinker in a loop).
# Replies verify or fail cleanly, nothing hangs, no WARNING/BUG/Oops
# (scripts/vm-run checks dmesg), and with every process gone binder lists
# none and the pages allocated over the run are freed again. The kernel's
# "no vma" install errors (on 7.2: inserts failing with -ESRCH; on Rust
# binder "Error in use_page_slow: ESRCH": no vma there, or no mm) count the
# installs that met the unmap.
# No install meeting the unmap at all: exit 77 (the race was not forced).
# Usage (inside scripts/vm-run): reliability_unmap.sh TORTURE TORTURE_ASAN ROUNDS
set -eu
BB_TEST=reliability-unmap
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
torture=$1 torture_asan=$2 rounds=$3
"$torture" unmap -n 2 -s 99 >/dev/null # warm up: libraries, debugfs, slab caches
pages0=$(bb_net_pages) slab0=$(bb_slab_kib)
NOVMA='failed, no vma|failed to insert page at offset [0-9a-f]+ with -3$|rust_binder: Error in use_page_slow: ESRCH$'
novma0=$(dmesg | grep -cE "$NOVMA" || true)
"$torture" unmap -n "$rounds" -s 1 --reclaim || bb_fail "binder-torture unmap"
# A looper reading an unmapped buffer dies of SIGSEGV, as it would without ASan.
ASAN_OPTIONS=handle_segv=0 "$torture_asan" unmap -n $((rounds / 4 + 1)) -s 2 -c 3 || bb_fail "binder-torture-asan unmap"
novma=$(($(dmesg | grep -cE "$NOVMA" || true) - novma0))
pages1=$(bb_net_pages) slab1=$(bb_slab_kib)
procs=$(bb_binder_procs) || exit 1
echo "$BB_TEST: installs that found the mapping gone: $novma;" \
	"after all exited: binder procs $procs, net pages $((pages1 - pages0))," \
	"unreclaimable slab $slab0 -> $slab1 KiB"
[ "$procs" = 0 ] || bb_fail "binder still lists $procs processes"
# The installs that met the unmap are the point of the test (6-36 per run
# here): none means the race was not forced, and nothing is claimed.
if [ "$novma" = 0 ]; then
	echo "$BB_TEST: SKIP on $BB_BUILD_ID: no install met the unmap, the race was not forced"
	exit 77
fi
[ $((pages1 - pages0)) -lt 256 ] || bb_fail "$((pages1 - pages0)) pages still allocated after the run"
[ $((slab1 - slab0)) -lt 1024 ] || bb_fail "unreclaimable slab grew by $((slab1 - slab0)) KiB"
echo "$BB_TEST: passed on $BB_BUILD_ID"
