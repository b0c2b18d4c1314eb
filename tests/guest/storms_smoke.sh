#!/bin/sh
# Guest test: every storm family of binder-storms runs once at a tiny size
# with payloads verified; the JSON and CSV it leaves parse, have the expected
# columns, every family is there and their counts are non-zero (mmap_holder:
# hold times and installs too, on the receiver and on the writer's decoy;
# on Rust binder installs are not measurable and must be absent);
# an mmap_holder region larger than the guest's memory fails clearly, for a
# decoy too, and so does an unknown holder target; and a storm whose server
# is killed mid-run fails with a clear message, not a hang.
# Usage (inside scripts/vm-run): storms_smoke.sh BINDER_STORMS RUN_STORMS
set -eu
storms=$1 run_storms=$2
out=$(mktemp -d)
# mmap_holder needs a fixed number of rounds: under min_time alone Google
# Benchmark may stop after one or two rounds (a few ms of traffic), before a
# holder with a 20 ms gap has held once with traffic running; 40 rounds are
# 320 transactions, several holds long even on the fastest driver.
"$run_storms" "$storms" "$out/s" --benchmark_min_time=0.01 --holder-iterations=40 \
	--benchmark_filter='pingpong/size:4096|throughput/procs:2|cold_install/threads:4|mmap_contention|shrinker_pressure|oneway/size:128|priority_mix|mmap_holder/kind:smaps_rollup/.*region_mb:(0|32)/|mmap_holder/kind:(smaps|mprotect|munmap)/threads|mmap_holder/kind:mprotect/target:decoy/' \
	>"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
# The checks of the output (tests/storms_smoke_check.py) run here when the
# guest has Python; a guest without (arm64's busybox) leaves the JSON in
# BB_SMOKE_JSON for the host to check (tests/arm64_test.sh).
if [ -x /usr/bin/python3 ]; then
	/usr/bin/python3 "$(dirname "$0")/../storms_smoke_check.py" "$out/s.json" "$out/s.csv"
else
	cp "$out/s.json" "${BB_SMOKE_JSON:?no Python here: set BB_SMOKE_JSON for the host to check the JSON}"
fi
# A region the guest cannot hold: one clear error line, a failed run.
if "$storms" --holder-kind=smaps_rollup --region-mb=16384 --benchmark_min_time=0.01 \
	>"$out/big.log" 2>&1; then
	echo "storms_smoke: a 16 GiB mmap_holder region did not fail" >&2
	exit 1
fi
grep -q 'cannot populate a 16384 MiB region' "$out/big.log" || {
	cat "$out/big.log" >&2
	exit 1
}
if "$storms" --holder-kind=smaps_rollup --holder-target=decoy --region-mb=16384 \
	--benchmark_min_time=0.01 >"$out/bigd.log" 2>&1; then
	echo "storms_smoke: a 16 GiB mmap_holder decoy region did not fail" >&2
	exit 1
fi
grep -q 'mmap_holder decoy: cannot populate a 16384 MiB region' "$out/bigd.log" || {
	cat "$out/bigd.log" >&2
	exit 1
}
if "$storms" --holder-target=nobody >"$out/target.log" 2>&1; then
	echo "storms_smoke: an unknown --holder-target was accepted" >&2
	exit 1
fi
grep -qx 'binder-storms: error: unknown --holder-target=nobody (want receiver or decoy)' "$out/target.log" || {
	cat "$out/target.log" >&2
	exit 1
}
# A server that dies mid-run: the storm must fail, loudly and quickly.
"$storms" --benchmark_filter='pingpong/size:0' --benchmark_min_time=30 >"$out/kill.log" 2>&1 &
pid=$!
sleep 3
# Its server (a child; found in /proc: arm64's busybox has no pkill) is
# killed, and any server it starts again, until the storm gives up.
kill_children() {
	for st in /proc/[0-9]*/status; do
		[ "$(awk '/^PPid:/ { print $2 }' "$st" 2>/dev/null)" = "$1" ] || continue
		c=${st#/proc/}
		kill -KILL "${c%/status}" 2>/dev/null || true
	done
}
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 60 ]; do
	kill_children "$pid"
	sleep 1
	i=$((i + 1))
done
if kill -0 "$pid" 2>/dev/null; then
	kill -KILL "$pid"
	echo "storms_smoke: binder-storms hangs when its server dies" >&2
	exit 1
fi
wait "$pid" && rc=0 || rc=$?
if [ "$rc" = 0 ]; then
	echo "storms_smoke: binder-storms exited 0 although its server died" >&2
	exit 1
fi
# Failed as a storm fails (a benchmark's error, reported), not by a crash,
# and for its reason: the driver told the client its server is dead. That is
# BR_DEAD_REPLY; Rust binder as 7.2 ships it answers a transaction whose
# server dies while its buffer is installed with BR_FAILED_REPLY instead (the
# finding in docs/rust-binder.md), which is the same death, reported worse.
grep -q 'binderbench: error: a benchmark failed' "$out/kill.log" || {
	cat "$out/kill.log" >&2
	echo "storms_smoke: binder-storms exited $rc when its server died, but reported no failed benchmark" >&2
	exit 1
}
why='BR_DEAD_REPLY: the other side is dead'
[ "${BB_BINDER_DRIVER:-c}" = rust ] && why="$why|BR_FAILED_REPLY: the driver could not deliver"
reason=$(grep -Eo "$why" "$out/kill.log" || true)
if [ -z "$reason" ]; then
	cat "$out/kill.log" >&2
	echo "storms_smoke: binder-storms failed when its server died, but not because the driver said it was dead (no '$why')" >&2
	exit 1
fi
echo "storms_smoke: all families ran; a dead server fails the run (status $rc: $(echo "$reason" | sed -n 1p))"
