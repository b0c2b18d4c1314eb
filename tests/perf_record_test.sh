#!/bin/bash
# Test of scripts/perf-record on a tiny storm: perf.data with the guest's
# kallsyms, a flame graph HTML that names binder's functions, the binder
# install stacks and the perf lock contention output are all produced.
# Usage: perf_record_test.sh PATH/TO/perf-record INSTALL_STORM
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Sampling at 999 Hz: 3 rounds of 6000-byte transactions gave one sample in
# binder's install path (CI once got none); 20 rounds of 64 KiB give 10-25.
"$1" --module baseline --out "$tmp/p" -- "$2" -t 4 -r 20 -s 65536 -m 4M --reclaim || exit 1
fail=0
for f in perf.data kallsyms report.txt flame.html binder-install-stacks.txt lock-contention.txt; do
	[ -s "$tmp/p/$f" ] || { echo "perf_record_test: $f missing or empty" >&2; fail=1; }
done
grep -q 'binder_' "$tmp/p/flame.html" || { echo "perf_record_test: no binder frames in the flame graph" >&2; fail=1; }
grep -q 'contended' "$tmp/p/lock-contention.txt" || { echo "perf_record_test: no perf lock contention table" >&2; fail=1; }
[ "$fail" = 0 ] && echo "perf_record_test: all outputs produced"
exit $fail
