"""lockeffect.py - the lock's share of the stall, apart from the holder's CPU:
mmap_holder's transaction p99 with the holder on the receiver divided by its
p99 with the same holder on a decoy process (target:decoy), pooled over the
repetitions, with a bootstrap over repetitions; and the A/A noise floor.

For an install path that takes no mmap_lock the lock effect's physical limit
is 1.0: the decoy costs the same CPU and shares nothing else.
"""
import os

from .schema import BOOTSTRAP, InputError

SAMPLE_COLUMNS = ["build_id", "rep", "benchmark", "params", "us"]
# The A/A pair: Debian's 6.12 module and our unmodified build of the same
# source (build names; both on a 6.12 kernel).
AA_PAIR = ("stock", "baseline")


def read_samples(inputs, df):
    """Every mmap_holder transaction latency of run-suite result directories
    (<dir>/<build>/rep-N-samples.csv.gz or .csv), labelled like the builds of df; None
    when no input has them (runs before 2026-12-02)."""
    import glob
    import pandas as pd
    label = dict(zip(df["build_id"], df["build"]))
    frames = []
    for d in inputs:
        if not os.path.isdir(d):
            continue
        for path in sorted(glob.glob(os.path.join(d, "*", "rep-*-samples.csv*"))):
            try:
                s = pd.read_csv(path, dtype={"build_id": str, "rep": str, "params": str})
            except (OSError, EOFError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
                raise InputError(f"{path}: malformed samples CSV ({str(e).splitlines()[0]})")
            if list(s.columns) != SAMPLE_COLUMNS:
                raise InputError(f"{path}: want the columns {', '.join(SAMPLE_COLUMNS)}")
            s = s[s.build_id.isin(label)]
            if s.empty:
                continue
            frames.append(s.assign(build=s.build_id.map(label)))
    return pd.concat(frames, ignore_index=True) if frames else None


def split_target(params):
    """'kind:smaps_rollup;target:decoy;threads:2;...' -> (the receiver's
    params, 'decoy'); receiver params come back unchanged."""
    parts = params.split(";")
    target = "receiver"
    for p in parts:
        if p.startswith("target:"):
            target = p.split(":", 1)[1]
    return ";".join(p for p in parts if not p.startswith("target:")), target


def pairs(df):
    """{receiver params: decoy params} for every mmap_holder set that ran
    with both targets."""
    params = set(df.loc[df.benchmark == "mmap_holder", "params"])
    out = {}
    for p in params:
        base, target = split_target(p)
        if target == "decoy" and base in params:
            out[base] = p
    return out


def _pooled_p99(arrays, idx):
    import numpy as np
    return float(np.percentile(np.concatenate([arrays[i] for i in idx]), 99))


def effect(samples_r, samples_d, rng):
    """Lock effect from per-repetition sample arrays of the receiver and the
    decoy (same repetitions, same boots): pooled p99 ratio, 95 % bootstrap
    interval (repetitions resampled, paired), samples above each p99."""
    import numpy as np
    reps = sorted(set(samples_r) & set(samples_d))
    if not reps:
        return None
    r = [samples_r[k] for k in reps]
    d = [samples_d[k] for k in reps]
    all_idx = list(range(len(reps)))
    p99r, p99d = _pooled_p99(r, all_idx), _pooled_p99(d, all_idx)
    ratios = []
    for _ in range(BOOTSTRAP):
        idx = rng.integers(0, len(reps), len(reps))
        den = _pooled_p99(d, idx)
        if den > 0:
            ratios.append(_pooled_p99(r, idx) / den)
    lo, hi = (np.percentile(ratios, [2.5, 97.5]) if len(ratios) else (float("nan"),) * 2)
    return {"reps": len(reps), "p99_receiver_us": p99r, "p99_decoy_us": p99d,
            "effect": p99r / p99d if p99d > 0 else float("nan"), "ci_low": float(lo), "ci_high": float(hi),
            "above_p99_receiver": sum(len(a) for a in r) // 100,
            "above_p99_decoy": sum(len(a) for a in d) // 100, "pooled": True, "ratios": ratios}


def effect_from_medians(df, build, rparams, dparams, rng):
    """Without raw samples (older runs): the ratio of the per-repetition
    p99s, its median over repetitions and a bootstrap over repetitions."""
    import numpy as np
    g = df[(df.build == build) & (df.benchmark == "mmap_holder") & (df.metric == "p99_us")]
    r = g[g.params == rparams].set_index("rep")["value"]
    d = g[g.params == dparams].set_index("rep")["value"]
    reps = sorted(set(r.index) & set(d.index))
    if not reps:
        return None
    ratio = np.array([r[k] / d[k] for k in reps if d[k] > 0])
    if not len(ratio):
        return None
    boot = [float(np.median(rng.choice(ratio, len(ratio)))) for _ in range(BOOTSTRAP)]
    n = df[(df.build == build) & (df.benchmark == "mmap_holder") & (df.metric == "samples")]
    per = n.groupby("params")["value"].median()
    return {"reps": len(reps), "p99_receiver_us": float(r[reps].median()),
            "p99_decoy_us": float(d[reps].median()), "effect": float(np.median(ratio)),
            "ci_low": float(np.percentile(boot, 2.5)), "ci_high": float(np.percentile(boot, 97.5)),
            "above_p99_receiver": int(per.get(rparams, float("nan")) // 100) if rparams in per else None,
            "above_p99_decoy": int(per.get(dparams, float("nan")) // 100) if dparams in per else None,
            "pooled": False, "ratios": boot}


def frame(df, samples, builds):
    """One row per build and holder set measured with both targets."""
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(20261202)
    rows = []
    for rparams, dparams in sorted(pairs(df).items()):
        for b in builds:
            res = None
            if samples is not None:
                s = samples[samples.build == b]
                if not s.empty:
                    def per_rep(p):
                        return {k: g.us.to_numpy() for k, g in s[s.params == p].groupby("rep")}
                    res = effect(per_rep(rparams), per_rep(dparams), rng)
            if res is None:
                res = effect_from_medians(df, b, rparams, dparams, rng)
            if res is None:
                continue
            kind = rparams.split(";")[0].split(":", 1)[1]
            region = next((p.split(":", 1)[1] for p in rparams.split(";") if p.startswith("region_mb:")), "?")
            rows.append(dict(build=b, kind=kind, region_mb=region, params=rparams, **res))
    return pd.DataFrame(rows)


def versus(le, reference):
    """Each build's lock effect relative to the reference's: ratio and 95 %
    interval from the two builds' independent bootstrap distributions."""
    import numpy as np
    out = {}
    for params, g in le.groupby("params"):
        ref = g[g.build == reference]
        if ref.empty:
            continue
        rb = np.array(ref.ratios.iloc[0])
        for _, r in g[g.build != reference].iterrows():
            ob = np.array(r.ratios)
            n = min(len(rb), len(ob))
            if not n:
                continue
            q = ob[:n] / rb[:n]
            out[(params, r.build)] = (r.effect / ref.effect.iloc[0],
                                      float(np.percentile(q, 2.5)), float(np.percentile(q, 97.5)))
    return out


def aa_pair(df, builds):
    """The labels of the A/A pair among builds (stock and baseline, both on
    a 6.12 kernel), or None."""
    kernel = df.groupby("build")["kernel"].first()
    on612 = [b for b in builds if str(kernel.get(b, "")).startswith("6.12.")]
    a = next((b for b in on612 if b.split("@")[0] == AA_PAIR[0]), None)
    b = next((b for b in on612 if b.split("@")[0] == AA_PAIR[1]), None)
    return (a, b) if a and b else None


def section(le, builds, reference, aa=None):
    """The report's first section: the lock effect per build."""
    from .report import fmt, short_label
    if le.empty:
        return []
    lines = ["## The lock effect (mmap_holder, receiver vs decoy)", "",
             "The same holder once on the receiver and once on a decoy process with the same "
             "populated region (`target:decoy`): the decoy costs the same CPU but never takes the "
             "receiver's `mmap_lock`. **Lock effect = transaction p99 behind the receiver's holder "
             "/ p99 behind the decoy**: what the lock adds to the stall, apart from the holder's "
             "CPU. Its physical limit for an install path that takes no `mmap_lock` is 1.0. "
             "p99s pooled over the repetitions (every transaction of every repetition), 95 % "
             "bootstrap interval over repetitions (resampled in pairs: the two targets ran in the "
             "same boots); \"samples > p99\" is how many transactions each pooled p99 rests on.", "",
             "| holder | build | p99 receiver, ms | p99 decoy, ms | lock effect | 95 % CI | "
             "vs " + short_label(reference) + " [95 % CI] | samples > p99 (receiver / decoy) |",
             "|---|---|---|---|---|---|---|---|"]
    vs = versus(le, reference)
    for params, g in le.groupby("params", sort=True):
        for b in builds:
            r = g[g.build == b]
            if r.empty:
                continue
            r = r.iloc[0]
            rel = vs.get((params, b))
            rel = "reference" if b == reference else \
                (f"{rel[0]:.2f}x [{rel[1]:.2f}, {rel[2]:.2f}]" if rel else "")
            above = f"{r.above_p99_receiver} / {r.above_p99_decoy}" \
                if r.above_p99_receiver is not None else "not recorded"
            if not r.pooled:
                above += " (per-rep medians)"
            lines.append(f"| {r.kind} {r.region_mb} MiB | {short_label(b)} | "
                         f"{fmt(r.p99_receiver_us / 1e3, '.2f')} | {fmt(r.p99_decoy_us / 1e3, '.2f')} | "
                         f"**{fmt(r.effect, '.2f')}x** | [{fmt(r.ci_low, '.2f')}, {fmt(r.ci_high, '.2f')}] | "
                         f"{rel} | {above} |")
    if aa:
        lines += ["", f"A/A: {short_label(aa[0])} and {short_label(aa[1])} are the same binder code; "
                  "their lock effects' ratio is the noise floor of this comparison:"]
        for params, g in le.groupby("params", sort=True):
            ref = g[g.build == aa[1]]
            other = g[g.build == aa[0]]
            if ref.empty or other.empty:
                continue
            import numpy as np
            rb, ob = np.array(ref.ratios.iloc[0]), np.array(other.ratios.iloc[0])
            n = min(len(rb), len(ob))
            q = ob[:n] / rb[:n]
            lines.append(f"- {other.kind.iloc[0]} {other.region_mb.iloc[0]} MiB: "
                         f"{other.effect.iloc[0] / ref.effect.iloc[0]:.2f}x "
                         f"[{np.percentile(q, 2.5):.2f}, {np.percentile(q, 97.5):.2f}]")
    return lines + [""]
