#!/usr/bin/python3
"""Tests of scripts/compare on small hand-made CSVs: known medians, a known
significant/non-significant split with directions, and clear one-line errors
for malformed, empty and mismatched inputs (the CLI, run as a process); and
of its package's parts imported directly (bbcompare: load, stats, report).
Runs with Debian's python3."""
import csv
import gzip
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts")
COMPARE = os.path.join(SCRIPTS, "compare")
sys.path.insert(0, SCRIPTS)
from bbcompare import load, report, schema, stats  # noqa: E402
HEADER = ["build_id", "kernel", "accel", "vcpus", "rep", "benchmark", "params",
          "metric", "value", "unit", "better"]


def write_csv(path, rows, header=HEADER):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def rows_for(build, metric, values, better, accel="tcg", params="s=1", unit="us"):
    return [[f"6.12.117+deb12-amd64:{build}:abc", "6.12.117+deb12-amd64", accel, "2",
             str(i + 1), "storm", params, metric, str(v), unit, better]
            for i, v in enumerate(values)]


class CompareTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def run_compare(self, *args):
        return subprocess.run([sys.executable, COMPARE, *args], capture_output=True, text=True)

    def comparison(self):
        with open(os.path.join(self.dir, "out", "comparison.csv")) as f:
            return {(r["metric"], r["build"]): r for r in csv.DictReader(f)}

    def test_medians_and_verdicts(self):
        path = os.path.join(self.dir, "r.csv")
        rows = []
        # p50 drops from a median of 100 to 70: lower is better -> better.
        rows += rows_for("baseline", "p50_us", [98, 99, 100, 101, 102, 100, 99, 101], "lower")
        rows += rows_for("patched", "p50_us", [68, 69, 70, 71, 72, 70, 69, 71], "lower")
        # Throughput drops clearly: higher is better -> worse.
        rows += rows_for("baseline", "txn_per_s", [1000, 1010, 990, 1005, 995, 1000, 1002, 998],
                         "higher", unit="1/s")
        rows += rows_for("patched", "txn_per_s", [800, 810, 790, 805, 795, 800, 802, 798],
                         "higher", unit="1/s")
        # Interleaved samples with equal medians: no significant change.
        rows += rows_for("baseline", "max_us", [10, 30, 20, 40, 50, 60, 70, 80], "lower")
        rows += rows_for("patched", "max_us", [15, 25, 35, 45, 55, 65, 75, 5], "lower")
        write_csv(path, rows)
        res = self.run_compare(path, "--out", os.path.join(self.dir, "out"))
        self.assertEqual(res.returncode, 0, res.stderr)
        c = self.comparison()
        self.assertEqual(float(c[("p50_us", "baseline")]["median"]), 100.0)
        self.assertEqual(float(c[("p50_us", "patched")]["median"]), 70.0)
        self.assertAlmostEqual(float(c[("p50_us", "patched")]["delta_pct"]), -30.0)
        self.assertEqual(c[("p50_us", "patched")]["verdict"], "better")
        self.assertEqual(c[("txn_per_s", "patched")]["verdict"], "worse")
        self.assertEqual(c[("max_us", "patched")]["verdict"], "no significant change")
        self.assertLess(float(c[("p50_us", "patched")]["ci_high"]), 0)
        self.assertTrue(os.path.exists(os.path.join(self.dir, "out", "report.md")))
        self.assertTrue(os.path.exists(os.path.join(self.dir, "out", "timings.png")))

    def test_too_few_samples(self):
        path = os.path.join(self.dir, "r.csv")
        write_csv(path, rows_for("baseline", "p50_us", [100, 101], "lower")
                  + rows_for("patched", "p50_us", [50, 51], "lower"))
        res = self.run_compare(path, "--out", os.path.join(self.dir, "out"), "--no-plots")
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(self.comparison()[("p50_us", "patched")]["verdict"], "too few samples")

    def assert_error(self, res, text):
        self.assertEqual(res.returncode, 2, res.stdout)
        lines = res.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, res.stderr)
        self.assertTrue(lines[0].startswith("compare: error:"), lines[0])
        self.assertIn(text, lines[0])

    def test_empty_file(self):
        path = os.path.join(self.dir, "empty.csv")
        open(path, "w").close()
        self.assert_error(self.run_compare(path), "empty file")

    def test_missing_columns(self):
        path = os.path.join(self.dir, "bad.csv")
        write_csv(path, [["1", "2"]], header=["x", "y"])
        self.assert_error(self.run_compare(path), "missing columns")

    def test_bad_value(self):
        path = os.path.join(self.dir, "bad.csv")
        rows = rows_for("baseline", "p50_us", [1, 2], "lower") + rows_for("patched", "p50_us", [1, 2], "lower")
        rows[1][8] = "fast"
        write_csv(path, rows)
        self.assert_error(self.run_compare(path), "is not a number")

    def test_missing_file(self):
        self.assert_error(self.run_compare(os.path.join(self.dir, "nope")), "no such file")

    def test_single_build(self):
        path = os.path.join(self.dir, "one.csv")
        write_csv(path, rows_for("baseline", "p50_us", [1, 2, 3], "lower"))
        self.assert_error(self.run_compare(path), "nothing to compare")

    def test_mixed_accel_refused(self):
        path = os.path.join(self.dir, "mixed.csv")
        write_csv(path, rows_for("baseline", "p50_us", [1, 2, 3], "lower", accel="tcg")
                  + rows_for("patched", "p50_us", [1, 2, 3], "lower", accel="kvm"))
        self.assert_error(self.run_compare(path), "mixed accelerators")
        res = self.run_compare(path, "--allow-mixed", "--out", os.path.join(self.dir, "out"), "--no-plots")
        self.assertEqual(res.returncode, 0, res.stderr)

    def test_mismatched_parameters_refused(self):
        path = os.path.join(self.dir, "params.csv")
        write_csv(path, rows_for("baseline", "p50_us", [1, 2, 3], "lower", params="s=1")
                  + rows_for("patched", "p50_us", [1, 2, 3], "lower", params="s=2"))
        self.assert_error(self.run_compare(path), "different parameter sets")

    def test_unwritable_output(self):
        path = os.path.join(self.dir, "r.csv")
        write_csv(path, rows_for("baseline", "p50_us", [1, 2, 3], "lower")
                  + rows_for("patched", "p50_us", [1, 2, 3], "lower"))
        blocker = os.path.join(self.dir, "file")
        open(blocker, "w").close()
        self.assert_error(self.run_compare(path, "--out", os.path.join(blocker, "sub")), "cannot write")

    def write_gbench(self, name, build, times):
        doc = {"context": {"build_id": f"6.12.117+deb12-amd64:{build}:abc", "kernel": "6.12",
                           "accel": "tcg", "vcpus": "2"},
               "benchmarks": [{"name": "pingpong/size:0/manual_time", "run_type": "iteration",
                               "iterations": 10, "real_time": t, "cpu_time": t, "time_unit": "us",
                               "p50_us": t, "items_per_second": 1e6 / t} for t in times]}
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            import json
            json.dump(doc, f)
        return path

    def test_google_benchmark_json(self):
        a = self.write_gbench("a.json", "baseline", [100, 101, 99, 100, 102, 98, 100, 101])
        b = self.write_gbench("b.json", "patched", [50, 51, 49, 50, 52, 48, 50, 51])
        res = self.run_compare(a, b, "--out", os.path.join(self.dir, "out"), "--no-plots")
        self.assertEqual(res.returncode, 0, res.stderr)
        c = self.comparison()
        self.assertEqual(float(c[("p50_us", "patched")]["median"]), 50.0)
        self.assertEqual(c[("time_us", "patched")]["verdict"], "better")
        self.assertEqual(c[("items_per_second", "patched")]["verdict"], "better")

    def test_malformed_json(self):
        path = os.path.join(self.dir, "bad.json")
        with open(path, "w") as f:
            f.write("{not json")
        self.assert_error(self.run_compare(path), "not JSON")

    def make_run_dir(self, hist_rows):
        """A run-suite result directory with BPF histogram buckets per rep."""
        run = os.path.join(self.dir, "run")
        rows = []
        for build, scale in (("baseline", 3), ("patched", 1)):
            os.makedirs(os.path.join(run, build))
            for rep in (1, 2, 3):
                r = [[f"6.12.117+deb12-amd64:{build}:abc", "6.12.117+deb12-amd64", "tcg", "2",
                      str(rep), "cold_install", "t=4", m, str(v * scale + rep), "us", "lower"]
                     for m, v in (("bpf_mmap_install_write_wait_total_us", 900),
                                  ("bpf_mmap_fault_read_wait_total_us", 100), ("p50_us", 50))]
                write_csv(os.path.join(run, build, f"rep-{rep}.csv"), r)
                write_csv(os.path.join(run, build, f"rep-{rep}-hist.csv"),
                          [[h, lo, hi, c * scale] for h, lo, hi, c in hist_rows],
                          header=["hist", "low_ns", "high_ns", "count"])
                rows += r
        write_csv(os.path.join(run, "results.csv"), rows)
        return run

    def test_histogram_and_wait_plots(self):
        run = self.make_run_dir([("install_latency", 16384, 17408, 5),
                                 ("install_latency", 65536, 69632, 2),
                                 ("txn_sync_round_trip", 262144, 278528, 9)])
        res = self.run_compare(run, "--out", os.path.join(self.dir, "out"))
        self.assertEqual(res.returncode, 0, res.stderr)
        for png in ("install_latency_hist.png", "latency_cdf.png", "mmap_lock_wait_by_cause.png"):
            self.assertTrue(os.path.getsize(os.path.join(self.dir, "out", png)) > 1000, png)

    def test_malformed_histogram(self):
        run = self.make_run_dir([("install_latency", 16384, 17408, 5)])
        with open(os.path.join(run, "patched", "rep-2-hist.csv"), "w") as f:
            f.write("bucket,n\n1,2\n")
        res = self.run_compare(run, "--out", os.path.join(self.dir, "out"))
        self.assertEqual(res.returncode, 2)
        self.assertIn("rep-2-hist.csv", res.stderr)
        self.assertEqual(len(res.stderr.strip().splitlines()), 1, res.stderr)

    def test_throughput_vs_vcpus(self):
        path = os.path.join(self.dir, "scale.csv")
        rows = []
        for build, per in (("baseline", 1000), ("patched", 1200)):
            for vcpus in (1, 2, 4):
                for rep in (1, 2, 3):
                    rows.append([f"6.12.117+deb12-amd64:{build}:abc", "6.12.117+deb12-amd64", "tcg",
                                 str(vcpus), str(rep), "throughput", "procs:2", "items_per_second",
                                 str(per * vcpus + rep), "1/s", "higher"])
        write_csv(path, rows)
        res = self.run_compare(path, "--out", os.path.join(self.dir, "out"))
        self.assertEqual(res.returncode, 2)
        self.assertIn("mixed vCPU counts", res.stderr)
        res = self.run_compare(path, "--allow-mixed", "--out", os.path.join(self.dir, "out"))
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.dir, "out", "throughput_vs_vcpus.png")))
        # Compared per vCPU count, not pooled.
        self.assertIn("procs:2;vcpus=4", self.comparison().get(("items_per_second", "patched"), {}).get(
            "params", "") or open(os.path.join(self.dir, "out", "comparison.csv")).read())

    def test_mmap_holder_section_and_plot(self):
        # baseline's p99 grows with the hold time, patched's stays flat: the
        # report's first section shows the ratio, the plot is drawn.
        path = os.path.join(self.dir, "holder.csv")
        rows = []
        for build, grow in (("baseline", 1.0), ("patched", 0.0)):
            for region in (0, 64, 256):
                params = f"kind:smaps_rollup;threads:2;size:16384;region_mb:{region};gap_ms:1"
                hold = region * 60.0
                for rep in (1, 2, 3):
                    for metric, value in (("p99_us", 2000 + grow * hold + rep), ("p50_us", 500 + rep),
                                          ("hold_p50_us", hold + rep), ("idle_hold_p50_us", hold * 0.8),
                                          ("installs", 300 + rep)):
                        if region == 0 and "hold" in metric:
                            continue
                        rows.append([f"6.12.117+deb12-amd64:{build}:abc", "6.12.117+deb12-amd64", "tcg",
                                     "2", str(rep), "mmap_holder", params, metric, str(value),
                                     "count" if metric == "installs" else "us",
                                     "none" if metric == "installs" else "lower"])
        write_csv(path, rows)
        res = self.run_compare(path, "--out", os.path.join(self.dir, "out"))
        self.assertEqual(res.returncode, 0, res.stderr)
        report = open(os.path.join(self.dir, "out", "report.md")).read()
        section = report.index("## Behind the receiver's mmap_lock holder")
        self.assertLess(section, report.index("## Headline"))
        # 256 MiB: baseline p99 = 2000 + 15360 + 2 (median) us, patched 2002 us.
        self.assertIn("| smaps_rollup | 256 | patched | 12.29 -> 15.36 | 0.50 | 2.00 | 0.12 | 302 |", report)
        self.assertIn("| smaps_rollup | 0 | baseline | - |", report)
        self.assertTrue(os.path.getsize(os.path.join(self.dir, "out", "mmap_holder_p99_vs_hold.png")) > 1000)
        # The terminal shows the first sections, not the full table.
        self.assertIn("Behind the receiver's mmap_lock holder", res.stdout)
        self.assertNotIn("## All metrics", res.stdout)

    def make_lock_effect_run(self):
        """A run directory with stock, baseline and patched on 6.12: the
        256 MiB reader once on the receiver, once on a decoy, 5 reps, with
        every transaction's latency (rep-N-samples.csv). stock is baseline's
        data byte for byte (the A/A pair on identical inputs); baseline's
        receiver tail is 4x its decoy's, patched's is the decoy's."""
        import random
        rng = random.Random(7)
        run = os.path.join(self.dir, "run")
        recv = "kind:smaps_rollup;threads:2;size:16384;region_mb:256;gap_ms:1"
        decoy = "kind:smaps_rollup;target:decoy;threads:2;size:16384;region_mb:256;gap_ms:1"
        rows = []
        data = {}
        for build, tail in (("baseline", 4.0), ("patched", 1.0)):
            for rep in range(1, 6):
                for params, t in ((recv, tail), (decoy, 1.0)):
                    xs = [rng.lognormvariate(6, 0.3) * (t if rng.random() < 0.03 else 1.0)
                          for _ in range(1000)]
                    data[build, rep, params] = xs
        data.update({("stock", r, p): v for (b, r, p), v in list(data.items()) if b == "baseline"})
        for (build, rep, params), xs in sorted(data.items()):
            bid = f"6.12.117+deb12-amd64:{build}:abc"
            xs_sorted = sorted(xs)
            for metric, value in (("p99_us", xs_sorted[989]), ("p50_us", xs_sorted[499]),
                                  ("samples", len(xs))):
                rows.append([bid, "6.12.117+deb12-amd64", "tcg", "2", str(rep), "mmap_holder", params,
                             metric, repr(value), "count" if metric == "samples" else "us",
                             "none" if metric == "samples" else "lower"])
            os.makedirs(os.path.join(run, build), exist_ok=True)
            # gzip, as suite-storms writes them
            path = os.path.join(run, build, f"rep-{rep}-samples.csv.gz")
            new_file = not os.path.exists(path)
            with gzip.open(path, "at") as f:
                if new_file:
                    f.write("build_id,rep,benchmark,params,us\n")
                f.writelines(f"{bid},{rep},mmap_holder,{params},{x:.1f}\n" for x in xs)
        write_csv(os.path.join(run, "results.csv"), rows)
        return run

    def test_lock_effect_and_aa(self):
        run = self.make_lock_effect_run()
        out = os.path.join(self.dir, "out")
        res = self.run_compare(run, "--reference", "baseline", "--out", out)
        self.assertEqual(res.returncode, 0, res.stderr)
        report = open(os.path.join(out, "report.md")).read()
        # The report leads with the lock effect.
        self.assertLess(report.index("## The lock effect"), report.index("## Behind the receiver"))
        with open(os.path.join(out, "lock_effect.csv")) as f:
            le = {r["build"]: r for r in csv.DictReader(f)}
        # baseline: 4x tail behind the receiver only: a lock effect clearly
        # above 1; patched: the decoy's distribution, an interval around 1.
        self.assertGreater(float(le["baseline"]["ci_low"]), 1.5)
        self.assertLess(float(le["patched"]["ci_low"]), 1.0)
        self.assertGreater(float(le["patched"]["ci_high"]), 1.0)
        # Pooled: 5 reps x 1000 transactions, 50 above each p99.
        self.assertEqual(le["baseline"]["above_p99_receiver"], "50")
        self.assertEqual(le["baseline"]["pooled"], "True")
        # The decoy is the control, not a headline row of its own.
        self.assertNotIn("target:decoy` | transaction p99", report)
        # A/A on identical inputs: a ratio of exactly 1, and no significant
        # verdict anywhere for stock against baseline.
        self.assertIn("A/A: stock and baseline are the same binder code", report)
        self.assertIn("smaps_rollup 256 MiB: 1.00x", report)
        for (metric, build), r in self.comparison().items():
            if build == "stock":
                self.assertNotIn(r["verdict"], ("better", "worse"), metric)
        self.assertTrue(os.path.getsize(os.path.join(out, "mmap_holder_p99_vs_hold.png")) > 1000)

    def test_ours_vs_upstream_and_leaks(self):
        # A 7.2 build beside 6.12 ones: the report compares them side by side
        # and shows run-suite --leak-check's leak.csv with verdicts.
        run = os.path.join(self.dir, "run")
        os.makedirs(run)
        rows = []
        for kernel, build, installs in (("6.12.117+deb12-amd64", "baseline", 270),
                                        ("6.12.117+deb12-amd64", "patched", 275),
                                        ("7.2.13+deb14-amd64", "stock", 280)):
            for rep in (1, 2, 3):
                rows.append([f"{kernel}:{build}:abc", kernel, "tcg", "2", str(rep), "cold_install",
                             "t=4", "installs", str(installs + rep), "count", "none"])
        write_csv(os.path.join(run, "results.csv"), rows)
        with open(os.path.join(run, "leak.csv"), "w") as f:
            f.write("build_id,races,lookups,pages_held,verdict\n"
                    "6.12.117+deb12-amd64:patched:abc,230,230,4,none\n"
                    "7.2.13+deb14-amd64:stock:abc,342,342,357,leak\n"
                    "6.12.117+deb12-amd64:baseline:abc,0,0,18,not-forced\n")
        res = self.run_compare(run, "--out", os.path.join(self.dir, "out"), "--no-plots")
        self.assertEqual(res.returncode, 0, res.stderr)
        report = open(os.path.join(self.dir, "out", "report.md")).read()
        self.assertIn("## Ours vs upstream", report)
        self.assertIn("| pages installed (traced cold_install run) | 272 | 277 | 282 |", report)
        self.assertIn("| patched | 230 | 230 | 4 | no leak |", report)
        self.assertIn("| stock@7.2 | 342 | 342 | 357 | leaks |", report)
        self.assertIn("| baseline | 0 | 0 | 18 | race not forced |", report)
        # The verdict is the check's own: the report never recomputes it, and
        # a run from before the verdict column says so.
        with open(os.path.join(run, "leak.csv"), "w") as f:
            f.write("build_id,races,lookups,pages_held\n"
                    "7.2.13+deb14-amd64:stock:abc,342,342,357\n")
        res = self.run_compare(run, "--out", os.path.join(self.dir, "out"), "--no-plots")
        self.assertEqual(res.returncode, 0, res.stderr)
        report = open(os.path.join(self.dir, "out", "report.md")).read()
        self.assertIn("| stock@7.2 | 342 | 342 | 357 | not recorded |", report)
        # Without a newer kernel there is no such section.
        write_csv(os.path.join(run, "results.csv"), rows[:6])
        res = self.run_compare(run, "--out", os.path.join(self.dir, "out"), "--no-plots")
        self.assertNotIn("Ours vs upstream", open(os.path.join(self.dir, "out", "report.md")).read())
        # A malformed leak.csv is a one-line error.
        with open(os.path.join(run, "leak.csv"), "w") as f:
            f.write("build,n\nx,1\n")
        self.assert_error(self.run_compare(run, "--out", os.path.join(self.dir, "out")), "leak.csv")

    def test_rust_binder_columns(self):
        # Rust binder (kernel-build's rust-builtin) beside C builds: its label,
        # "built in (Rust)", "n/m" where its instruments cannot measure (the
        # receiver's installs, the C freelist), never an empty cell or 0;
        # empty where the driver has no such lock (the C alloc mutex), and
        # the C builds' cells empty on Rust's mm_lock rows.
        run = os.path.join(self.dir, "run")
        os.makedirs(run)
        rows = []
        holder = "kind:smaps_rollup;threads:2;size:16384;region_mb:256;gap_ms:1"
        builds = (("6.12.117+deb12-amd64", "6.12.117+deb12-amd64:baseline:abc"),
                  ("7.2.13+deb14-amd64", "7.2.13+deb14-amd64:stock:abc"),
                  ("7.2.13-bbin-rust-4c5fcfb6", "7.2.13-bbin-rust-4c5fcfb6:rust-builtin:abc"))
        for kernel, bid in builds:
            rust = ":rust-builtin:" in bid
            for rep in (1, 2, 3):
                def add(bench, params, metric, value, unit="count", better="none"):
                    rows.append([bid, kernel, "tcg", "2", str(rep), bench, params, metric,
                                 str(value), unit, better])
                add("mmap_holder", holder, "p99_us", 3000 + rep, "us", "lower")
                add("mmap_holder", holder, "p50_us", 700 + rep, "us", "lower")
                add("cold_install", "t=4", "installs", 500 + rep if rust else 270 + rep)
                add("cold_install", "t=4", "mmap_install_write", 0)
                if rust:
                    add("cold_install", "t=4", "bpf_rust_mm_lock_count", 70 + rep)
                else:
                    add("mmap_holder", holder, "installs", 900 + rep)
                    add("cold_install", "t=4", "bpf_alloc_lock_mutex_count", 60 + rep)
                    add("cold_install", "t=4", "bpf_install_latency_p50_us", 30 + rep, "us", "lower")
                for t in (1, 2):
                    add("installer_sweep", f"t={t};reclaim", "txn_per_s", 1000 * t + rep, "1/s", "higher")
                    if rust:
                        add("installer_sweep", f"t={t};reclaim", "bpf_rust_mm_lock_count", 4 * (t - 1))
                    else:
                        add("installer_sweep", f"t={t};reclaim", "bpf_alloc_lock_mutex_count", 30 * (t - 1))
        write_csv(os.path.join(run, "results.csv"), rows)
        res = self.run_compare(run, "--out", os.path.join(self.dir, "out"), "--no-plots")
        self.assertEqual(res.returncode, 0, res.stderr)
        report = open(os.path.join(self.dir, "out", "report.md")).read()
        self.assertIn("| rust@7.2.13 | `7.2.13-bbin-rust-4c5fcfb6:rust-builtin:abc` | built in (Rust) |", report)
        self.assertIn("| smaps_rollup | 256 | rust@7.2 | ", report)
        self.assertIn("| 0.70 | 3.00 | 1.00 | n/m |", report)
        self.assertIn("| pages installed (traced cold_install run) | 272 | 502 | 272 |", report)
        self.assertIn("| page-install latency p50 (BPF), us | 32 | n/m | 32 |", report)
        self.assertIn("| binder_alloc mutex: contended waits (BPF) | 62 |  | 62 |", report)
        self.assertIn("| Rust binder's mm_lock: contended waits (BPF) |  | 72 |  |", report)
        self.assertIn("| mm_lock contended waits (Rust) | 2 |  | 4 |  |", report)
        self.assertIn("| alloc mutex contended waits (C series) | 2 | 30 |  | 30 |", report)

    def test_priority_mix_beside_published(self):
        # 6.1 stock vs 6.12 stock per class, beside the published figures
        # read from scripts/data/published-priority-mix.csv.
        path = os.path.join(self.dir, "prio.csv")
        rows = []
        for kernel, worst in (("6.1.0-56-amd64", 9000), ("6.12.117+deb12-amd64", 2000)):
            for rep in (1, 2, 3, 4, 5):
                for cls in ("fifo99", "fifo1", "nice_m20", "nice_19"):
                    for stat, v in (("avg", 1000 + rep), ("max", worst + rep)):
                        rows.append([f"{kernel}:stock:abc", kernel, "tcg", "2", str(rep), "priority_mix",
                                     "-", f"{cls}_{stat}_us", str(v), "us", "lower"])
        write_csv(path, rows)
        res = self.run_compare(path, "--out", os.path.join(self.dir, "out"), "--no-plots")
        self.assertEqual(res.returncode, 0, res.stderr)
        report = open(os.path.join(self.dir, "out", "report.md")).read()
        self.assertIn("| SCHED_FIFO 99 | 1.003 | 1.003 | 0.350 -> 0.135 | 9.003 | 2.003 |", report)
        self.assertIn("The shape reproduces: the worst-case latency drops significantly for every class.", report)

    def test_bad_flag(self):
        self.assert_error(self.run_compare("--bogus", "x.csv"), "unrecognized arguments: --bogus")


class PackageTest(unittest.TestCase):
    """bbcompare's functions, imported: no process, no files but one CSV."""

    def test_schema_is_the_csv_header(self):
        self.assertEqual(schema.COLUMNS, HEADER)
        # ... and the header the guest scripts and run-suite write.
        with open(os.path.join(SCRIPTS, "guest", "lib.sh")) as f:
            line = [x for x in f if x.startswith("BB_RESULTS_HEADER=")][0]
        self.assertEqual(line.split("=", 1)[1].strip().strip('"').split(","), schema.COLUMNS)

    def test_verdict_directions(self):
        ref, other = [10, 11, 12, 10, 11], [5, 6, 5, 6, 5]
        self.assertEqual(stats.verdict("lower", ref, other, 0.01, -50.0), "better")
        self.assertEqual(stats.verdict("higher", ref, other, 0.01, -50.0), "worse")
        self.assertEqual(stats.verdict("lower", ref, other, 0.2, -50.0), "no significant change")
        self.assertEqual(stats.verdict("none", ref, other, 0.01, -50.0), "(count)")
        self.assertEqual(stats.verdict("lower", [1, 2], [3, 4], 0.01, 100.0), "too few samples")

    def test_bootstrap_ci_brackets_the_delta(self):
        import numpy as np
        rng = np.random.default_rng(1)
        low, high = stats.bootstrap_delta_ci(np.array([100.0] * 5 + [101.0] * 5),
                                             np.array([50.0] * 5 + [51.0] * 5), rng)
        self.assertLessEqual(low, -49.0)
        self.assertGreaterEqual(high, -51.0)
        self.assertLess(high, 0)

    def test_natural_key_sorts_numbers(self):
        names = ["region_mb:256", "region_mb:64", "region_mb:0"]
        self.assertEqual(sorted(names, key=report.natural_key),
                         ["region_mb:0", "region_mb:64", "region_mb:256"])

    def test_read_input_rejects_a_bad_value(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "r.csv")
            write_csv(path, rows_for("baseline", "p50_us", ["12", "x"], "lower"))
            with self.assertRaisesRegex(schema.InputError, "line 3: value 'x' is not a number"):
                load.read_input(path)

    def test_read_input_reads_values(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "r.csv")
            write_csv(path, rows_for("baseline", "p50_us", [12, 14], "lower"))
            df = load.read_input(path)
            self.assertEqual(list(df["value"]), [12.0, 14.0])


if __name__ == "__main__":
    unittest.main()
