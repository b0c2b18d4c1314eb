#!/bin/sh
# Reliability (guest): the soak. The six storm families (pingpong,
# throughput, cold_install, mmap_contention, shrinker_pressure, oneway) run
# at the same time, each on its own binder device (binderfs: made through
# binder-control; a module without it: loaded with
# devices=binder,binder1,...,binder5) and each again and again until
# SECONDS have passed, while binder's shrinker runs in a loop. Every storm
# verifies every payload end to end and fails on a corrupted, lost or failed
# reply (a lost one-way transaction would hang the storm: the timeout
# catches it), so the test passes only when every run of every family did.
# Usage (inside scripts/vm-run): reliability_soak.sh STORMS SECONDS
set -eu
BB_TEST=reliability-soak
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
storms=$1 seconds=$2
families="pingpong throughput cold_install mmap_contention shrinker_pressure oneway"
dir=$(mktemp -d)
end=$(($(date +%s) + seconds))
i=0
for f in $families; do
	dev=$(bb_binder_device $i) || exit 1
	(
		n=0 iters=0
		while [ "$(date +%s)" -lt $end ]; do
			n=$((n + 1))
			if ! BB_BINDER_DEV=$dev "$storms" --benchmark_filter="^$f/" \
				--benchmark_min_time=0.05 --size=4096 --benchmark_out="$dir/$f.json" \
				--benchmark_out_format=json >"$dir/$f.out" 2>"$dir/$f.err"; then
				echo "$f: run $n failed" >"$dir/$f.result"
				exit 1
			fi
			iters=$((iters + $(awk -F': ' '/"iterations"/ { sub(",", "", $2); s += $2 } END { print s + 0 }' "$dir/$f.json")))
		done
		echo "$f: $n runs, $iters benchmark iterations, all ok" >"$dir/$f.result"
	) &
	i=$((i + 1))
done
(while [ "$(date +%s)" -lt $end ]; do echo 2 >/proc/sys/vm/drop_caches; sleep 0.2; done) &
failed=0
wait
for f in $families; do
	cat "$dir/$f.result" 2>/dev/null || echo "$f: no result"
	case $(cat "$dir/$f.result" 2>/dev/null) in
	*": 0 runs,"* | *" 0 benchmark iterations,"*) failed=1; echo "$f: ran nothing" >&2 ;;
	*"all ok") ;;
	*) failed=1; tail -n 5 "$dir/$f.err" "$dir/$f.out" >&2 ;;
	esac
done
[ $failed = 0 ] || bb_fail "a storm family failed during the soak"
echo "$BB_TEST: $seconds s, all six families ran without a corrupted or lost reply on $BB_BUILD_ID"
