#!/usr/bin/python3
"""gbench_csv.py - converts the Google Benchmark JSON of build/bench/binder-storms
into binderbench's long CSV rows (the columns of scripts/guest/suite-storms),
so storms join run-suite's results and scripts/compare reads them.

    scripts/gbench_csv.py STORMS.json [REP]     # CSV on stdout, header included

The CLI adds a git_commit column (from the JSON context, set by the Meson
benchmark entries with --benchmark_context=git_commit=...).

The build, kernel, accelerator and vCPUs come from the JSON "context" that
binder-storms fills in from scripts/vm-run's environment. Every run of a
benchmark becomes rows: time_us (the manual per-iteration time), items/s and
bytes/s when set, and each user counter; a counter's direction is taken from
its name (…_us: lower is better, …_per_s/…_per_second: higher, else none).
"""
import csv
import json
import sys

COLUMNS = ["build_id", "kernel", "accel", "vcpus", "rep", "benchmark", "params",
           "metric", "value", "unit", "better"]
# Parts of a benchmark name that describe how it ran, not what it measured.
RUN_PARTS = ("manual_time", "real_time", "process_time")


class ConvertError(Exception):
    """The input is not Google Benchmark JSON of binder-storms."""


def split_name(name):
    parts = name.split("/")
    params = [p for p in parts[1:] if p not in RUN_PARTS and not p.startswith(("iterations:", "repeats:"))]
    return parts[0], ";".join(params) or "-"


def direction(metric):
    if metric.endswith("_us"):
        return "us", "lower"
    if metric.endswith(("_per_s", "_per_second")):
        return "1/s", "higher"
    return "count", "none"


def rows(path, rep="1"):
    try:
        with open(path) as f:
            doc = json.load(f)
    except OSError as e:
        raise ConvertError(f"{path}: {e.strerror}")
    except json.JSONDecodeError as e:
        raise ConvertError(f"{path}: not JSON ({e.msg} at line {e.lineno})")
    if not isinstance(doc, dict) or "benchmarks" not in doc or "context" not in doc:
        raise ConvertError(f"{path}: not Google Benchmark JSON (no context/benchmarks)")
    ctx = doc["context"]
    ident = [str(ctx.get(k, "unknown")) for k in ("build_id", "kernel", "accel", "vcpus")]
    if ident[0].count(":") != 2:
        raise ConvertError(f"{path}: the context has no binderbench build_id (run binder-storms in scripts/vm-run)")
    out = []
    for b in doc["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
            continue
        bench, params = split_name(b["name"])
        scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}.get(b.get("time_unit", "ns"), 1.0)
        metrics = {"time_us": b["real_time"] * scale}
        for key, value in b.items():
            if key in ("items_per_second", "bytes_per_second") or (
                    isinstance(value, (int, float)) and not isinstance(value, bool)
                    and key not in ("family_index", "per_family_instance_index", "repetitions",
                                    "repetition_index", "threads", "iterations", "real_time",
                                    "cpu_time")):
                metrics[key] = value
        for metric, value in metrics.items():
            unit, better = direction(metric)
            out.append(ident + [str(rep), bench, params, metric, repr(float(value)), unit, better])
    if not out:
        raise ConvertError(f"{path}: no successful benchmark runs")
    return out


def main(argv):
    if len(argv) not in (1, 2) or argv[0] in ("-h", "--help"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        data = rows(argv[0], argv[1] if len(argv) == 2 else "1")
    except ConvertError as e:
        print(f"gbench_csv: error: {e}", file=sys.stderr)
        return 1
    # The CLI's CSV also names the source commit (from --benchmark_context).
    try:
        with open(argv[0]) as f:
            commit = str(json.load(f)["context"].get("git_commit", "unknown"))
    except (OSError, ValueError, KeyError):
        commit = "unknown"
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(COLUMNS + ["git_commit"])
    w.writerows(row + [commit] for row in data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
