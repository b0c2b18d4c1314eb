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
/usr/bin/python3 - "$out/s.json" "$out/s.csv" <<'PY'
import csv, json, os, sys
rust = os.environ.get("BB_BINDER_DRIVER") == "rust"
doc = json.load(open(sys.argv[1]))
runs = [b for b in doc["benchmarks"] if not b.get("error_occurred")]
errors = [b["name"] + ": " + b.get("error_message", "") for b in doc["benchmarks"] if b.get("error_occurred")]
if errors:
    sys.exit("storms_smoke: failed benchmarks: " + "; ".join(errors))
families = {b["name"].split("/")[0] for b in runs}
want = {"pingpong", "throughput", "cold_install", "mmap_contention", "shrinker_pressure",
        "oneway", "priority_mix", "mmap_holder"}
if families != want:
    sys.exit(f"storms_smoke: families {sorted(families)}, want {sorted(want)}")
for b in runs:
    if b["iterations"] <= 0 or b.get("items_per_second", 0) <= 0:
        sys.exit(f"storms_smoke: {b['name']}: no work counted")
    # Every holder timed its holds without and with binder traffic, and
    # the receiver installed pages while it held the lock.
    if b["name"].startswith("mmap_holder/") and "region_mb:0/" not in b["name"]:
        # (munmap repopulates between holds: it may not hold during so
        # short a run, only before it)
        need = ("idle_hold_p50_us", "installs") if "kind:munmap" in b["name"] else \
            ("hold_p50_us", "idle_hold_p50_us", "holds", "installs")
        # Rust binder has no page tracepoint keyed by the receiver: its
        # installs are not measurable there, so no counter (never a 0).
        if rust:
            if "installs" in b:
                sys.exit(f"storms_smoke: {b['name']}: an installs counter on Rust binder")
            need = tuple(c for c in need if c != "installs")
        for c in need:
            if b.get(c, 0) <= 0:
                sys.exit(f"storms_smoke: {b['name']}: counter {c} is {b.get(c)}")
rows = list(csv.DictReader(open(sys.argv[2])))
cols = ["build_id", "kernel", "accel", "vcpus", "rep", "benchmark", "params", "metric", "value", "unit", "better"]
if not rows or any(c not in rows[0] for c in cols):
    sys.exit(f"storms_smoke: CSV columns {list(rows[0]) if rows else None}")
if {r["benchmark"] for r in rows} != want:
    sys.exit("storms_smoke: CSV lacks families")
print(f"storms_smoke: {len(runs)} runs of {len(families)} families, {len(rows)} CSV rows")
PY
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
pkill -KILL -P "$pid" || true
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
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
grep -E 'error|dead|ERROR' "$out/kill.log" | head -n 3
echo "storms_smoke: all families ran; a dead server fails the run (status $rc)"
