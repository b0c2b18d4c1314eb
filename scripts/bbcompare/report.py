"""report.py - report.md: the headline, the mmap_holder and ours-vs-upstream
sections, the published priority figures and the full metric table.
"""
import os

from .schema import ALPHA, BOOTSTRAP, SCRIPTS


def fmt(x, spec):
    import math
    return "" if isinstance(x, float) and math.isnan(x) else format(x, spec)


# The headline metrics: what page installs cost and what they stall. An
# optional fourth element keeps only the parameter sets it matches (regex).
HEADLINE = [
    ("mmap_holder", "p99_us", "transaction p99 behind a holder of the receiver's mmap_lock"),
    ("mmap_holder", "p50_us", "transaction p50 behind a holder of the receiver's mmap_lock",
     r"region_mb:256"),
    ("mmap_holder", "hold_p50_us", "the holder's own hold p50 (binder traffic running)",
     r"region_mb:256"),
    ("cold_install", "bpf_install_latency_p50_us", "page-install latency p50 (BPF)"),
    ("cold_install", "bpf_install_latency_p99_us", "page-install latency p99 (BPF)"),
    ("cold_install", "bpf_mmap_install_write_wait_p99_us", "install's mmap_lock write wait p99 (BPF)"),
    ("cold_install", "p50_us", "transaction p50 while pages are installed"),
    ("cold_install", "p99_us", "transaction p99 while pages are installed"),
    ("cold_install", "txn_per_s", "transaction throughput"),
    ("cold_install", "mmap_install_write", "mmap_lock write acquisitions by binder installs"),
    ("cold_install", "mmap_install_read", "mmap_lock read acquisitions by binder installs"),
    ("cold_install", "mmap_reclaim_read", "mmap_lock acquisitions by binder's shrinker"),
    ("mmap_contention", "p50_us", "transaction p50 with a busy receiver"),
    ("mmap_contention", "p99_us", "transaction p99 with a busy receiver"),
    ("mmap_contention", "items_per_second", "transaction throughput with a busy receiver"),
    ("mmap_contention", "fault_p99_us", "receiver's page-fault stall p99"),
    ("mmap_contention", "mmap_p99_us", "receiver's mmap() stall p99"),
    ("mmap_contention", "mprotect_p99_us", "receiver's mprotect() stall p99"),
    ("mmap_contention", "munmap_p99_us", "receiver's munmap() stall p99"),
]


def published_priority():
    """The published figures of the 6.8 alloc-lock change, from
    scripts/data/published-priority-mix.csv: {class: (label, avg before,
    avg after, max before, max after)} in ms."""
    import csv
    path = os.path.join(SCRIPTS, "data", "published-priority-mix.csv")
    with open(path) as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {r["class"]: (r["label"], float(r["avg_before_ms"]), float(r["avg_after_ms"]),
                             float(r["max_before_ms"]), float(r["max_after_ms"])) for r in rows}


def row_text(r):
    ci = "" if r.ci_low != r.ci_low else f"[{r.ci_low:+.1f}, {r.ci_high:+.1f}]"
    return f"{fmt(r.delta_pct, '+.1f')} | {ci} | {fmt(r.p_value, '.3g')} | {r.verdict}"


def natural_key(text):
    """Sorts "region_mb:64" before "region_mb:256"."""
    import re
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


def receiver_only(rows):
    """mmap_holder rows with the holder on the receiver (the decoys are the
    lock effect's control, reported in their own section)."""
    return rows[~((rows.benchmark == "mmap_holder") & rows.params.str.contains("target:decoy"))]


def aa_floor(aa):
    """{(benchmark, params, metric): noise floor, %} of the A/A comparison:
    the largest |delta %| of the same code, its delta or either end of its
    95 % interval."""
    import numpy as np
    if aa is None or aa.empty:
        return {}
    g = aa[aa.verdict != "reference"]
    return {(r.benchmark, r.params, r.metric): float(np.nanmax(np.abs([r.delta_pct, r.ci_low, r.ci_high])))
            for _, r in g.iterrows() if not np.isnan([r.delta_pct, r.ci_low, r.ci_high]).all()}


def headline(table, reference, aa=None, aa_label=None):
    lines = []
    floor = aa_floor(aa)
    for bench, metric, what, *only in HEADLINE:
        rows = receiver_only(table[(table.benchmark == bench) & (table.metric == metric)])
        if only:
            rows = rows[rows.params.str.contains(only[0])]
        groups = sorted(rows.groupby("params", sort=False), key=lambda kv: natural_key(kv[0]))
        for params, g in groups:
            ref = g[g.build == reference]
            if ref.empty:
                continue
            storm = bench if len(groups) == 1 else f"{bench} `{params}`"
            noise = floor.get((bench, params, metric))
            for _, r in g[g.build != reference].iterrows():
                r = r.copy()
                # A verdict is claimed only beyond the A/A noise floor.
                if noise is not None and r.verdict in ("better", "worse") and abs(r.delta_pct) <= noise \
                        and r.build != aa_label:
                    r.verdict = f"within A/A noise ({r.verdict})"
                noise_text = "" if noise is None or noise != noise else f"±{noise:.1f}"
                lines.append(f"| {storm} | {what} | {r.build} | {fmt(ref['median'].iloc[0], '.4g')} | "
                             f"{fmt(r['median'], '.4g')} {r.unit} | {row_text(r)} | {noise_text} |")
    if not lines:
        return []
    # How often the A/A pair itself came out significant: at alpha = 0.05
    # about one metric in twenty does by chance.
    if aa is not None and not aa.empty and aa_label:
        shown = {(b, m, p) for b, m, w, *o in HEADLINE for p in table[(table.benchmark == b) &
                 (table.metric == m)].params}
        a = receiver_only(aa[aa.verdict != "reference"])
        a = a[[(r.benchmark, r.metric, r.params) in shown for _, r in a.iterrows()]]
        sig = int(a.verdict.isin(["better", "worse"]).sum())
        lines.append("")
        lines.append(f"A/A: {sig} of {len(a)} headline rows of {aa_label} against baseline are "
                     f"significant at alpha = {ALPHA} (about {len(a) * ALPHA:.1f} expected by chance).")
    aa_text = "" if not floor else \
        (f" The A/A column is the noise floor: **{aa_label}** against baseline is the same binder "
         "code (Debian's module vs our unmodified build), so the largest |delta %| of that pair (its "
         "delta or either end of its 95 % interval) is noise, and a verdict no larger than it is "
         "marked \"within A/A noise\".")
    return ["## Headline", "",
            f"Medians per run; the reference is **{reference}**. The transaction latencies are "
            "end-to-end round trips measured in the client while binder installs the pages "
            "(cold_install reclaims every free page before each round)." + aa_text, "",
            "| storm | what | build | reference | build median | delta % | 95 % CI | p | verdict | A/A |",
            "|---|---|---|---|---|---|---|---|---|---|"] + lines + [""]


def holder_frame(df):
    """mmap_holder medians per build, kind and region: p99, p50, hold p50/p99
    with and without traffic, installs. Empty when the family did not run."""
    import pandas as pd
    h = df[df.benchmark == "mmap_holder"]
    if h.empty:
        return pd.DataFrame()
    decoy = h.params.str.contains("target:decoy")
    h = h.assign(kind=h.params.str.extract(r"kind:([a-z_]+)")[0] + decoy.map({True: " decoy", False: ""}),
                 region_mb=h.params.str.extract(r"region_mb:(\d+)")[0].astype(int))
    med = h.groupby(["build", "kind", "region_mb", "metric"])["value"].median().unstack("metric")
    for m in ("hold_p50_us", "hold_p99_us", "idle_hold_p50_us", "idle_hold_p99_us", "installs"):
        if m not in med:
            med[m] = float("nan")
    med.loc[med.index.get_level_values("region_mb") == 0, ["hold_p50_us", "hold_p99_us"]] = 0.0
    return med.reset_index()


def holder_table(df, builds, reference):
    """The first section of the report: transactions behind the holder."""
    med = holder_frame(df)
    if med.empty:
        return []
    lines = ["## Behind the receiver's mmap_lock holder (mmap_holder)", "",
             "Synchronous 16 KiB transactions (2 client threads, 4 per thread after each reclaim "
             "of binder's pages, so a quarter of them install pages) while somebody else holds the "
             "receiver's `mmap_lock` for as long as walking its populated region of `region_mb` "
             "MiB takes: a reader of `/proc/PID/smaps_rollup` or `smaps` (as meminfo, lmkd and "
             "heapprofd), or a receiver thread doing `mprotect` or `munmap` of the region. "
             "Region 0 is the control without a holder; a *decoy* row is the same holder on "
             "another process with the same region (the lock effect's control). "
             "Medians over repetitions, ms; "
             f"ratio = the build's p99 / {reference}'s; installs \"n/m\": not measurable on "
             "that driver.", "",
             "| kind | region MiB | build | hold p50 (no traffic -> traffic) | txn p50 | txn p99 | "
             "p99 ratio | installs |", "|---|---|---|---|---|---|---|---|"]
    ref = med[med.build == reference].set_index(["kind", "region_mb"])
    ids = df.groupby("build")["build_id"].first()
    # Rust binder's installs per receiver cannot be counted (no per-process
    # page counter or tracepoint): "n/m", never an empty cell or 0.
    rust = {b for b in builds if is_rust(ids.get(b, ""))}
    for (kind, region), g in med.groupby(["kind", "region_mb"], sort=True):
        for b in builds:
            r = g[g.build == b]
            if r.empty:
                continue
            r = r.iloc[0]
            base = ref.p99_us.get((kind, region), float("nan"))
            hold = "-" if region == 0 else \
                f"{fmt(r.idle_hold_p50_us / 1e3, '.2f')} -> {fmt(r.hold_p50_us / 1e3, '.2f')}"
            lines.append(f"| {kind} | {region} | {short_label(b)} | {hold} | {fmt(r.p50_us / 1e3, '.2f')} | "
                         f"{fmt(r.p99_us / 1e3, '.2f')} | {fmt(r.p99_us / base, '.2f')} | "
                         f"{'n/m' if b in rust and r.installs != r.installs else fmt(r.installs, '.0f')} |")
    return lines + ["", "![transaction p99 vs hold time](mmap_holder_p99_vs_hold.png)", ""]


# What "ours vs upstream" compares: (storm, metric, what, params regex).
UPSTREAM_ROWS = [
    ("cold_install", "installs", "pages installed (traced cold_install run)", ""),
    ("cold_install", "pages_distinct", "distinct pages installed (traced cold_install run)", ""),
    ("cold_install", "reclaimed", "pages freed by binder's shrinker (traced cold_install run)", ""),
    ("cold_install", "races", "concurrent installs of one page (-EBUSY path)", ""),
    ("cold_install", "bpf_install_latency_p50_us", "page-install latency p50 (BPF), us", ""),
    ("cold_install", "bpf_install_latency_p99_us", "page-install latency p99 (BPF), us", ""),
    ("cold_install", "mmap_install_write", "mmap_lock write acquisitions by installs", ""),
    ("cold_install", "mmap_install_read", "mmap_lock read acquisitions by installs", ""),
    ("cold_install", "mmap_reclaim_read", "mmap_lock acquisitions by the shrinker", ""),
    ("cold_install", "p99_us", "cold-install transaction p99, us", ""),
    ("mmap_holder", "p99_us", "txn p99 without a holder (control), us", r"kind:smaps_rollup;.*region_mb:0;"),
    ("mmap_holder", "p99_us", "txn p99 behind a 256 MiB smaps_rollup reader, us",
     r"kind:smaps_rollup;.*region_mb:256;"),
    ("mmap_holder", "p99_us", "txn p99 behind a 256 MiB mprotect writer, us", r"kind:mprotect;"),
    ("mmap_holder", "bpf_mmap_install_write_wait_total_us",
     "installs' total mmap_lock write wait behind the reader (BPF), us", r"region_mb:256;"),
    ("mmap_holder", "bpf_mmap_install_read_wait_total_us",
     "installs' total mmap_lock read wait behind the reader (BPF), us", r"region_mb:256;"),
    ("mmap_holder", "bpf_install_latency_p99_us", "page-install latency p99 behind the reader (BPF), us",
     r"region_mb:256;"),
    ("cold_install", "bpf_alloc_lock_mutex_count", "binder_alloc mutex: contended waits (BPF)", ""),
    ("cold_install", "bpf_rust_mm_lock_count", "Rust binder's mm_lock: contended waits (BPF)", ""),
    ("cold_install", "bpf_rust_mm_lock_p99_us", "Rust binder's mm_lock: wait p99 (BPF), us", ""),
]


def kernel_series(release):
    """6.12.117+deb12-amd64 -> (6, 12)."""
    import re
    m = re.match(r"(\d+)\.(\d+)", str(release))
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def upstream_table(df, builds, leaks, le=None):
    """Ours (the 6.12 series) beside upstream's merged series (a kernel >= 6.14)."""
    series = df.groupby("build")["kernel"].first().map(kernel_series)
    if not any(v >= (6, 14) for v in series):
        return []
    ids = df.groupby("build")["build_id"].first()
    rust = [b for b in builds if is_rust(ids.get(b, ""))]
    lines = ["## Ours vs upstream", "",
             "Our implementation of the series on Debian 6.12 beside upstream's merged one (Debian "
             "sid's kernel, its stock module and our builds of it). Medians over repetitions of "
             "the same storms in one run.", ""]
    if rust:
        lines += ["Rust binder (" + ", ".join(short_label(b) for b in rust) + ": Linux 7.2's "
                  "`drivers/android/binder/`, built in) has no page tracepoints: its installs and "
                  "reclaims are counted by kprobes on its own functions, and its per-process `mm_lock` "
                  "mutex, which serializes one receiver's installs, has rows of its own. \"n/m\": not "
                  "measurable on that driver (never 0); an empty cell: the driver has no such thing.",
                  ""]
    lines += [
             "| what | " + " | ".join(short_label(b) for b in builds) + " |",
             "|---" * (len(builds) + 1) + "|"]
    for bench, metric, what, only in UPSTREAM_ROWS:
        g = receiver_only(df[(df.benchmark == bench) & (df.metric == metric)])
        if only:
            g = g[g.params.str.contains(only)]
        if g.empty:
            continue
        med = g.groupby("build")["value"].median()
        # Rust binder's column: a metric its instruments cannot give is
        # "n/m"; the C driver's alloc lock and Rust's mm_lock are each
        # the other driver's nothing (empty).
        c_only = metric.startswith("bpf_alloc_lock")

        def cell(b):
            v = med.get(b, float("nan"))
            if v == v:
                return fmt(v, ".4g")
            return "n/m" if b in rust and not c_only else ""
        lines.append(f"| {what} | " + " | ".join(cell(b) for b in builds) + " |")
    # The lock effect (pooled p99 receiver / decoy) of each holder, as in
    # the report's first section; "-" where a build lacks the pair.
    if le is not None and not le.empty:
        for params, g in le.groupby("params", sort=True):
            eff = g.set_index("build")
            kind, region = g.kind.iloc[0], g.region_mb.iloc[0]
            lines.append(f"| lock effect behind the {region} MiB {kind} holder (p99 receiver / decoy) | " +
                         " | ".join(f"{eff.effect[b]:.2f}x [{eff.ci_low[b]:.2f}, {eff.ci_high[b]:.2f}]"
                                    if b in eff.index else "-" for b in builds) + " |")
    if not leaks.empty:
        ids = df.groupby("build_id")["build"].first()
        leaks = leaks.assign(build=leaks.build_id.map(ids)).dropna(subset=["build"])
        lines += ["", "The -EBUSY leak check (`tests/guest/ebusy_leak.sh`, run by `run-suite "
                  "--leak-check`): concurrent installs of one page forced, then every process gone and "
                  "binder's pages reclaimed; a leaked lookup reference keeps one page per race.", "",
                  "| build | races | page lookups | pages still allocated | verdict |",
                  "|---|---|---|---|---|"]
        # The verdict is the check's own (ebusy_leak.sh: >= 100 races, no leak
        # < 64 pages, leak >= 0.8 page per race); older runs lack the column.
        words = {"none": "no leak", "leak": "leaks", "not-forced": "race not forced",
                 "inconclusive": "no verdict"}
        for _, r in leaks.iterrows():
            verdict = words.get(r.get("verdict"), "not recorded")
            lines.append(f"| {short_label(r.build)} | {r.races} | {r.lookups} | {r.pages_held} | {verdict} |")
    return lines + [""]


# The installer sweep's rows: (metric, what, format).
INSTALLER_ROWS = [
    ("txn_per_s", "transactions/s", ".4g"),
    ("p99_us", "transaction p99, us", ".4g"),
    ("bpf_install_latency_p50_us", "install latency p50 (BPF), us", ".4g"),
    ("bpf_install_latency_p99_us", "install latency p99 (BPF), us", ".4g"),
    ("bpf_rust_mm_lock_count", "mm_lock contended waits (Rust)", ".4g"),
    ("bpf_rust_mm_lock_p99_us", "mm_lock wait p99 (Rust), us", ".4g"),
    ("bpf_alloc_lock_mutex_count", "alloc mutex contended waits (C series)", ".4g"),
    ("bpf_mmap_install_write", "mmap_lock writes by installs", ".4g"),
]


def installer_table(df, builds):
    """installer_sweep (run-suite --installers): one receiver, 1-8 installers."""
    import re
    sw = df[df.benchmark == "installer_sweep"]
    if sw.empty:
        return []
    ids = df.groupby("build")["build_id"].first()
    rust = {b for b in builds if is_rust(ids.get(b, ""))}
    have = [b for b in builds if b in set(sw.build)]
    threads = sorted({int(re.match(r"t=(\d+)", p).group(1)) for p in sw.params.unique()})
    lines = ["## Installers into one receiver", "",
             "Cold installs into one receiver by T concurrent client threads (as many server "
             "loopers; binder's shrinker before every round; `run-suite --installers`). Timings "
             "from untraced runs, install latency and lock waits from the same storm under "
             "binder-installs. Medians over repetitions. Rust binder serializes one process's "
             "installs on its `mm_lock` mutex; the C series installs concurrently (its "
             "`alloc->mutex` covers the buffer allocation, not the install). \"n/m\": not measurable "
             "on that driver; empty: the driver has no such lock.", "",
             "| what | T | " + " | ".join(short_label(b) for b in have) + " |",
             "|---|---" + "|---" * len(have) + "|"]
    for metric, what, spec in INSTALLER_ROWS:
        g = sw[sw.metric == metric]
        if g.empty:
            continue
        for t in threads:
            med = g[g.params.str.match(rf"t={t};")].groupby("build")["value"].median()

            def cell(b):
                v = med.get(b, float("nan"))
                if v == v:
                    return fmt(v, spec)
                if metric.startswith("bpf_rust_") and b not in rust:
                    return ""
                if metric.startswith("bpf_alloc_lock") and b in rust:
                    return ""
                return "n/m"
            lines.append(f"| {what} | {t} | " + " | ".join(cell(b) for b in have) + " |")
    return lines + [""]


def priority_table(df):
    """priority_mix per class: Debian 6.1 stock vs 6.12 stock vs the published figures."""
    import numpy as np
    from scipy.stats import mannwhitneyu
    pm = df[df.benchmark == "priority_mix"]
    old = [b for b in pm.build.unique() if b.startswith("stock@6.1.")]
    new = [b for b in pm.build.unique() if b.startswith("stock@6.12")]
    if not old or not new:
        return []
    old, new = old[0], new[0]
    lines = ["## priority_mix: Debian 6.1 stock vs 6.12 stock", "",
             "The 6.8 change (binder: switch alloc->mutex to spinlock_t) sits between these "
             "kernels. Clients of four scheduling classes send mixed-size transactions to one "
             "server while binder's shrinker runs in a loop. Medians over repetitions, ms.", "",
             "| class | avg 6.1 | avg 6.12 | published avg before -> after | "
             "max 6.1 | max 6.12 | max p | published max before -> after |",
             "|---|---|---|---|---|---|---|---|"]
    better_max = 0
    published = published_priority()
    for cls, (label, pa0, pa1, pm0, pm1) in published.items():
        def vals(build, stat):
            return pm[(pm.build == build) & (pm.metric == f"{cls}_{stat}_us")].value.to_numpy() / 1e3
        a0, a1, m0, m1 = vals(old, "avg"), vals(new, "avg"), vals(old, "max"), vals(new, "max")
        if not len(a0) or not len(a1):
            continue
        p = mannwhitneyu(m0, m1, alternative="two-sided").pvalue if len(m0) > 1 else float("nan")
        if p == p and p < ALPHA and np.median(m1) < np.median(m0):
            better_max += 1
        lines.append(f"| {label} | {np.median(a0):.3f} | {np.median(a1):.3f} | {pa0:.3f} -> {pa1:.3f} | "
                     f"{np.median(m0):.3f} | {np.median(m1):.3f} | {fmt(p, '.3g')} | {pm0:.3f} -> {pm1:.3f} |")
    lines.append("")
    if better_max == len(published):
        lines.append("The shape reproduces: the worst-case latency drops significantly for every class.")
    elif better_max:
        lines.append(f"The shape reproduces only in part: the worst case drops significantly for "
                     f"{better_max} of {len(published)} classes.")
    else:
        lines.append("The shape does not reproduce here: no class's worst-case latency drops "
                     "significantly from 6.1 to 6.12 in this setup (emulated CPUs, small guest).")
    return lines + [""]


def timeline_section(timelines):
    """One stall, seen: the traced repetition's window of each build."""
    if not timelines:
        return []
    return ["## One stall, seen (binder-timeline)", "",
            "The traced repetition's window of the 256 MiB `smaps_rollup` holder on the receiver, "
            "per build: lanes per thread, the holder's `mmap_lock` holds shaded grey, page installs "
            "green, an install's `mmap_lock` wait red, each transaction blue from its send to its "
            "reply. The JSON files open in the Perfetto UI or `chrome://tracing`: " +
            ", ".join(f"`{os.path.relpath(p, os.path.dirname(os.path.dirname(p)))}` ({short_label(b)})"
                      for b, p in timelines) + ".", "", "![one stall per build](timeline.png)", ""]


def binder_kind(build_id):
    """'built in' for an in-tree kernel's build (NAME-builtin, scripts/kernel-build)
    or a kernel of your own with binder built in (builtin), 'built in (Rust)'
    for Linux's Rust binder (rust-builtin), the host's or device's own binder
    (run-suite --host, scripts/device-run), else 'module'."""
    name = build_id.split(":")[1]
    if is_rust(build_id):
        return "built in (Rust)"
    # Host mode and device runs measure the binder a kernel ships, module or
    # built in: the run's meta.json says which, the id does not.
    if name in ("host", "device"):
        return f"the {name}'s own"
    return "built in" if name == "builtin" or name.endswith("-builtin") else "module"


def is_rust(build_id):
    """Linux's Rust binder: kernel-build's rust or rust-fix, built in."""
    return str(build_id).split(":")[1:2] in (["rust-builtin"], ["rust-fix-builtin"])


def markdown(table, df, reference, inputs, leaks, le=None, aa=None, pair=None, timelines=()):
    lines = ["# binderbench comparison", ""]
    meta = df.groupby("build").agg(build_id=("build_id", "first"), accel=("accel", "first"),
                                   vcpus=("vcpus", "first"), reps=("rep", "nunique"))
    lines += [f"Reference build: **{reference}**. Inputs: " + ", ".join(f"`{i}`" for i in inputs), "",
              "| build | build id | binder | accel | vCPUs | repetitions |", "|---|---|---|---|---|---|"]
    for b, m in meta.iterrows():
        lines.append(f"| {b} | `{m.build_id}` | {binder_kind(m.build_id)} | {m.accel} | {m.vcpus} | {m.reps} |")
    builds = [reference] + [b for b in meta.index if b != reference]
    from .lockeffect import section
    lines += [""] + (section(le, builds, reference, pair) if le is not None else []) + \
        timeline_section(timelines) + \
        holder_table(df, builds, reference) + headline(table, reference, aa, pair[0] if pair else None) + \
        upstream_table(df, builds, leaks, le) + installer_table(df, builds) + priority_table(df)
    lines += ["## All metrics", "", "Timings under TCG are emulated: compare the ratios inside one run, never absolute "
              "times across machines. Delta is the change of the median vs the reference; CI is a "
              f"95 % bootstrap interval of that delta ({BOOTSTRAP} resamples); p is a two-sided "
              f"Mann-Whitney U test; verdicts use alpha = {ALPHA}.", ""]
    lines += ["| benchmark | params | metric | build | n | median | delta % | 95 % CI | p | verdict |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for _, r in table.iterrows():
        ci = "" if r.verdict == "reference" or r.ci_low != r.ci_low else \
            f"[{r.ci_low:+.1f}, {r.ci_high:+.1f}]"
        lines.append(f"| {r.benchmark} | {r.params} | {r.metric} | {r.build} | {r.n} | "
                     f"{fmt(r['median'], '.6g')} {r.unit} | {fmt(r.delta_pct, '+.1f')} | {ci} | "
                     f"{fmt(r.p_value, '.3g')} | {r.verdict} |")
    return "\n".join(lines) + "\n"


def short_label(build):
    """stock@6.12.117+deb12 -> stock@6.12."""
    name, _, version = build.partition("@")
    return name + ("@" + ".".join(version.split(".")[:2]) if version else "")
