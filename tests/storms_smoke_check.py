#!/usr/bin/python3
"""storms_smoke_check.py - the checks of tests/guest/storms_smoke.sh on
binder-storms' output: every family ran with work counted, the holders'
counters are there (installs absent on Rust binder, BB_BINDER_DRIVER=rust),
and the CSV of scripts/gbench_csv.py has the columns and families. Runs in
the guest, or on the host for a guest without Python (the arm64 guest,
tests/arm64_test.sh).

    storms_smoke_check.py STORMS.json STORMS.csv
"""
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
