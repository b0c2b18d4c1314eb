#!/usr/bin/python3
"""Runs the gbench shim test benchmark with JSON output and checks that what
the C code set comes back as set: manual times, counters with their flags,
items/s, labels, thread counts and errors; and that a filter matching no
benchmark fails. Usage: gbench_shim_check.py BINARY"""
import json
import subprocess
import sys

out = subprocess.run([sys.argv[1], "--benchmark_format=json"], capture_output=True, text=True)
# shim/failing skips with an error, so the run must fail after reporting all.
if out.returncode != 1 or "a benchmark failed" not in out.stderr:
    sys.exit(f"gbench_shim_check: {sys.argv[1]} exited {out.returncode}, want 1: {out.stderr.strip()}")
doc = json.loads(out.stdout)
runs = {b["name"]: b for b in doc["benchmarks"]}
failures = []


def expect(what, got, want, tol=1e-9):
    if abs(got - want) > tol * max(1.0, abs(want)):
        failures.append(f"{what}: got {got}, want {want}")


m = runs.get("shim/manual/size:7/iterations:5/manual_time")
if m is None:
    sys.exit(f"gbench_shim_check: manual benchmark missing; got {sorted(runs)}")
expect("manual iterations", m["iterations"], 5)
expect("manual real_time (us)", m["real_time"], 2000.0, 1e-6)
if m["time_unit"] != "us":
    failures.append(f"time unit {m['time_unit']}, want us")
expect("answer counter", m["answer"], 42.0)
expect("per_iter counter (avg iterations)", m["per_iter"], 2.0)
expect("arg counter", m["arg"], 7.0)
expect("items_per_second", m["items_per_second"], 15 / (5 * 0.002), 1e-6)
if m.get("label") != "shim":
    failures.append(f"label {m.get('label')!r}, want 'shim'")
b = runs.get("shim/batched/iterations:8/threads:2")
if b is None:
    failures.append(f"batched benchmark missing; got {sorted(runs)}")
else:
    expect("batched iterations per thread summed", b["batched"], 16.0)
    expect("threads", b["threads"], 4.0)  # summed over the 2 threads
f = runs.get("shim/failing")
if f is None or not f.get("error_occurred") or f.get("error_message") != "deliberate failure":
    failures.append(f"failing benchmark did not report its error: {f}")
if doc["context"].get("build_id") != "test:shim:0":
    failures.append(f"custom context build_id {doc['context'].get('build_id')!r}")
# A filter that matches nothing is an error, not an empty success.
none = subprocess.run([sys.argv[1], "--benchmark_filter=^no-such-benchmark$"],
                      capture_output=True, text=True)
if none.returncode != 1 or "no benchmark matches --benchmark_filter" not in none.stderr:
    failures.append(f"an empty filter exited {none.returncode}: {none.stderr.strip()!r}")
if failures:
    sys.exit("gbench_shim_check: " + "; ".join(failures))
print(f"gbench_shim_check: {len(runs)} benchmarks, all values came back as set")
