#!/bin/sh
# Reliability (guest): module lifecycle. Boots with no binder module, then
# CYCLES times, for each module file given (the -unload builds of
# scripts/kmod-build: baseline and patched plus the exit function of
# kmod/support/binder-module-exit.patch): load it, run verified
# transactions and a cold-install storm with reclaim, unload it, and check
# that /dev/binder and binder's debugfs are gone. Then the pages and
# unreclaimable slab allocated across all cycles must be freed again;
# scripts/vm-run fails the test on any WARNING (the exit function warns
# when a binder process is still listed at unload).
# Usage (inside scripts/vm-run --module none):
#   reliability_lifecycle.sh CYCLES SYNC_TXN INSTALL_STORM KO...
set -eu
BB_TEST=reliability-lifecycle
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
cycles=$1 sync=$2 storm=$3
shift 3
[ $# -gt 0 ] || bb_fail "no module files given"
[ ! -e /dev/binder ] || bb_fail "a binder module is already loaded"
bb_need_debugfs
cycle() { # cycle KO
	insmod "$1" devices=binder || bb_fail "insmod $1"
	[ -d /sys/kernel/debug/binder ] || bb_fail "binder's debugfs is missing after insmod $1"
	"$sync" -n 100 -s 8000 >/dev/null || bb_fail "sync-txn with $1"
	"$storm" -t 4 -l 4 -r 3 --reclaim >/dev/null || bb_fail "install-storm with $1"
	rmmod binder_linux || bb_fail "rmmod after $1"
	[ ! -e /dev/binder ] || bb_fail "/dev/binder still exists after rmmod"
	[ ! -e /sys/kernel/debug/binder ] || bb_fail "binder's debugfs still exists after rmmod"
}
for ko in "$@"; do cycle "$ko"; done # warm-up: page cache, slab caches
pages0=$(bb_net_pages) slab0=$(bb_slab_kib)
i=0
while [ $i -lt "$cycles" ]; do
	for ko in "$@"; do cycle "$ko"; done
	i=$((i + 1))
done
pages1=$(bb_net_pages) slab1=$(bb_slab_kib)
loads=$((cycles * $#))
echo "$BB_TEST: $loads load/run/unload cycles over $# builds: net pages $((pages1 - pages0)), " \
	"unreclaimable slab $slab0 -> $slab1 KiB"
[ $((pages1 - pages0)) -lt 256 ] || bb_fail "$((pages1 - pages0)) pages still allocated after $loads cycles"
[ $((slab1 - slab0)) -lt 1024 ] || bb_fail "unreclaimable slab grew by $((slab1 - slab0)) KiB over $loads cycles"
echo "$BB_TEST: passed"
