"""plots.py - the PNG plots of a comparison (matplotlib, Agg backend).
"""
import os

from .report import HEADLINE, holder_frame, receiver_only, short_label


def grid(n, cols, width, height):
    """A figure of n panels in rows of cols (each width x height inches);
    the panels of the last row that are not needed are hidden."""
    import matplotlib.pyplot as plt
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    return fig, axes


def save(fig, outdir, name, made):
    """Lays fig out, writes it to outdir/name, closes it, appends the path
    to made and returns it."""
    import matplotlib.pyplot as plt
    fig.tight_layout()
    path = os.path.join(outdir, name)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    made.append(path)
    return path


def plots(df, builds, outdir):
    import matplotlib.pyplot as plt
    made = []
    # Box plots of what a reader compares first: transaction latency and
    # throughput per storm (every other metric is in report.md).
    timed = df[df["metric"].isin(["p50_us", "p99_us", "max_us", "txn_per_s", "items_per_second"])]
    groups = list(timed.groupby(["benchmark", "params", "metric"], sort=True))
    if groups:
        fig, axes = grid(len(groups), 4, 4, 3)
        for ax, ((bench, params, metric), g) in zip(axes.flat, groups):
            data = [g.loc[g["build"] == b, "value"].to_numpy() for b in builds]
            ax.boxplot(data, labels=builds)
            ax.set_title(f"{bench} {metric}\n{params}", fontsize=7)
            ax.set_ylabel(g["unit"].iloc[0], fontsize=7)
            ax.tick_params(labelsize=7)
        save(fig, outdir, "timings.png", made)
    # Headline metrics per build in run order: with run-suite --ablation
    # (baseline, p1 ... p9) this shows which patch bought what.
    if len(builds) >= 3:
        present = [(b, m, w) for b, m, w, *_ in HEADLINE
                   if not df[(df.benchmark == b) & (df.metric == m)].empty]
        if present:
            fig, axes = grid(len(present), 3, 5, 3)
            for ax, (bench, metric, what) in zip(axes.flat, present):
                g = receiver_only(df[(df.benchmark == bench) & (df.metric == metric)])
                med = [g[g.build == b].value.median() for b in builds]
                ax.plot(range(len(builds)), med, marker="o")
                ax.set_xticks(range(len(builds)))
                ax.set_xticklabels([short_label(b) for b in builds], rotation=45, fontsize=7)
                ax.set_title(f"{bench}: {what}", fontsize=7)
                ax.tick_params(labelsize=7)
            save(fig, outdir, "by_build.png", made)
    locks = df[df["metric"].str.startswith("mmap_")]
    if not locks.empty:
        med = locks.groupby(["build", "metric"])["value"].median().unstack(fill_value=0)
        med = med.reindex(builds).fillna(0)
        med = med.loc[:, (med != 0).any(axis=0)] if (med != 0).any().any() else med
        fig, ax = plt.subplots(figsize=(7, 4))
        med.plot(kind="bar", stacked=True, ax=ax)
        ax.set_ylabel("mmap_lock acquisitions per cold_install run (median)")
        ax.set_title("mmap_lock acquisitions by cause (binder install / reclaim)")
        ax.legend(fontsize=7)
        save(fig, outdir, "mmap_lock_by_cause.png", made)
    waits = df[df["metric"].str.match(r"^bpf_mmap_[a-z]+_(read|write)_wait_total_us$")]
    if not waits.empty:
        w = waits.assign(cause=waits["metric"].str.extract(r"^bpf_mmap_([a-z]+)_")[0])
        storms = sorted(w["benchmark"].unique())
        fig, axes = plt.subplots(1, len(storms), figsize=(7 * len(storms), 4), squeeze=False)
        for ax, storm in zip(axes.flat, storms):
            ws = w[w["benchmark"] == storm]
            per = ws.groupby(["build", "rep", "cause"])["value"].sum().groupby(["build", "cause"]).median()
            med = per.unstack(fill_value=0).reindex(builds).fillna(0) / 1e3
            med.index = [short_label(b) for b in med.index]
            med.plot(kind="bar", stacked=True, ax=ax, rot=0)
            ax.set_ylabel(f"ms per traced {storm} run (median)")
            ax.set_title(f"{storm}: total mmap_lock wait by cause of the locker (BPF)\n"
                         f"{ws['params'].iloc[0]}", fontsize=8)
            ax.legend(fontsize=7)
        save(fig, outdir, "mmap_lock_wait_by_cause.png", made)
    tput = df[df["metric"].isin(["items_per_second", "txn_per_s"])]
    if tput["vcpus"].nunique() > 1:
        tput = tput.assign(vcpus=tput["vcpus"].astype(int),
                           what=tput["benchmark"] + " " + tput["params"].str.replace(r";vcpus=\d+", "", regex=True))
        whats = sorted(tput["what"].unique())
        fig, axes = grid(len(whats), min(3, len(whats)), 5, 3.5)
        for ax, what in zip(axes.flat, whats):
            g = tput[tput["what"] == what]
            for b in builds:
                m = g[g["build"] == b].groupby("vcpus")["value"].median()
                if not m.empty:
                    ax.plot(m.index, m.values, marker="o", label=short_label(b))
            ax.set_xlabel("guest vCPUs")
            ax.set_ylabel("transactions/s (median)")
            ax.set_xticks(sorted(g["vcpus"].unique()))
            ax.set_title(what, fontsize=7)
            ax.legend(fontsize=7)
        save(fig, outdir, "throughput_vs_vcpus.png", made)
    return made


def holder_plot(df, builds, outdir):
    """Transaction p99 vs the holder's hold time, one line per build and a
    panel per holder kind: what the series buys, in one picture."""
    import matplotlib.pyplot as plt
    med = holder_frame(df)
    if med.empty:
        return []
    kinds = [k for k in ("smaps_rollup", "smaps", "mprotect", "munmap") if k in set(med.kind)]
    fig, axes = plt.subplots(1, len(kinds), figsize=(5.5 * len(kinds), 4), squeeze=False)
    for ax, kind in zip(axes.flat, kinds):
        # A kind measured at one region only is drawn from the control.
        k = med[(med.kind == kind) | ((med.region_mb == 0) & (med.kind == "smaps_rollup"))]
        control = k[k.region_mb == 0]
        for b in builds:
            g = k[k.build == b].sort_values("hold_p50_us")
            if g.empty:
                continue
            line, = ax.plot(g.hold_p50_us / 1e3, g.p99_us / 1e3, marker="o", label=short_label(b))
            # The decoy: the same holder on another process, drawn from the
            # control (dashed, same colour): the holder's CPU cost alone.
            d = med[(med.kind == kind + " decoy") & (med.build == b)]
            c = control[control.build == b]
            if not d.empty:
                xs = list(c.hold_p50_us / 1e3) + list(d.hold_p50_us / 1e3)
                ys = list(c.p99_us / 1e3) + list(d.p99_us / 1e3)
                ax.plot(xs, ys, linestyle="--", marker="x", color=line.get_color(),
                        label=f"{short_label(b)}, decoy")
            if b == builds[0]:
                for _, r in g.iterrows():
                    ax.annotate(f"{r.region_mb} MiB", (r.hold_p50_us / 1e3, r.p99_us / 1e3),
                                fontsize=7, textcoords="offset points", xytext=(3, 3))
        ax.set_xlabel("holder's hold time p50, ms (0: no holder)")
        ax.set_ylabel("transaction p99, ms (median of runs)")
        ax.set_title(f"mmap_holder kind:{kind}", fontsize=9)
        ax.legend(fontsize=7)
    return [save(fig, outdir, "mmap_holder_p99_vs_hold.png", [])]


def hist_plots(hists, builds, outdir):
    """Page-install latency histograms and latency CDFs from BPF buckets."""
    import matplotlib.pyplot as plt
    import numpy as np
    made = []
    if hists is None or hists.empty:
        return made
    # Baseline's alloc lock is a spinlock, the series' a mutex: one curve.
    hists = hists.assign(hist=hists["hist"].str.replace(r"^alloc_lock_(spin|mutex)$", "alloc_lock", regex=True))
    pooled = hists.groupby(["hist", "build", "low_ns", "high_ns"], as_index=False)["count"].sum()
    inst = pooled[pooled["hist"] == "install_latency"]
    if not inst.empty:
        fig, ax = plt.subplots(figsize=(7, 4))
        for b in builds:
            g = inst[inst["build"] == b].sort_values("low_ns")
            if g.empty:
                continue
            edges = np.append(g["low_ns"].to_numpy(), g["high_ns"].to_numpy()[-1]) / 1e3
            ax.stairs(g["count"].to_numpy() / g["count"].sum(), edges, label=short_label(b))
        ax.set_xscale("log")
        ax.set_xlabel("page-install latency, us (binder_alloc_page_start -> end)")
        ax.set_ylabel("fraction of installs per bucket")
        ax.set_title("page-install latency (BPF, all repetitions pooled)")
        ax.legend(fontsize=7)
        save(fig, outdir, "install_latency_hist.png", made)
    shown = [(h, t) for h, t in (("install_latency", "page install"),
                                 ("txn_sync_round_trip", "synchronous transaction round trip"),
                                 ("binder_mmap_lock_write", "contended mmap_lock write wait"),
                                 ("alloc_lock", "contended alloc lock wait"))
             if not pooled[pooled["hist"] == h].empty]
    if shown:
        fig, axes = plt.subplots(1, len(shown), figsize=(5 * len(shown), 3.5), squeeze=False)
        for ax, (h, title) in zip(axes.flat, shown):
            for b in builds:
                g = pooled[(pooled["hist"] == h) & (pooled["build"] == b)].sort_values("high_ns")
                if g.empty:
                    continue
                ax.step(g["high_ns"] / 1e3, g["count"].cumsum() / g["count"].sum(), where="post",
                        label=short_label(b))
            ax.set_xscale("log")
            ax.set_ylim(0, 1.01)
            ax.set_xlabel("us")
            ax.set_ylabel("CDF")
            ax.set_title(f"{title} (cold_install, BPF)", fontsize=8)
            ax.legend(fontsize=7)
        save(fig, outdir, "latency_cdf.png", made)
    return made
