"""stats.py - the comparison itself: medians, bootstrap confidence intervals
of the delta, Mann-Whitney U p-values and direction-aware verdicts.
"""
from .schema import ALPHA, BOOTSTRAP


def bootstrap_delta_ci(ref, other, rng):
    """95 % CI of the delta % between medians, by resampling both groups."""
    import numpy as np
    r = rng.choice(ref, size=(BOOTSTRAP, len(ref)), replace=True)
    o = rng.choice(other, size=(BOOTSTRAP, len(other)), replace=True)
    rm = np.median(r, axis=1)
    om = np.median(o, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (om - rm) / np.abs(rm) * 100.0
    d = d[np.isfinite(d)]
    if len(d) == 0:
        return float("nan"), float("nan")
    return float(np.percentile(d, 2.5)), float(np.percentile(d, 97.5))


def verdict(better, ref, other, p, delta):
    from scipy.stats import mannwhitneyu
    if better == "none":
        return "(count)"
    # The smallest p-value these sample sizes can give at all.
    extreme = mannwhitneyu(list(range(len(ref))), [x + len(ref) for x in range(len(other))],
                           alternative="two-sided").pvalue
    if extreme >= ALPHA:
        return "too few samples"
    if p >= ALPHA or delta == 0:
        return "no significant change"
    improved = delta < 0 if better == "lower" else delta > 0
    return "better" if improved else "worse"


def compare(df, builds, reference, common):
    import numpy as np
    from scipy.stats import mannwhitneyu
    rng = np.random.default_rng(20241125)
    rows = []
    for (bench, params, metric), g in df.groupby(["benchmark", "params", "metric"], sort=True):
        if (bench, params) not in common:
            continue
        better = g["better"].iloc[0]
        unit = g["unit"].iloc[0]
        ref = g.loc[g["build"] == reference, "value"].to_numpy()
        if not len(ref):
            continue
        for build in builds:
            vals = g.loc[g["build"] == build, "value"].to_numpy()
            if not len(vals):
                continue
            med = float(np.median(vals))
            row = {"benchmark": bench, "params": params, "metric": metric, "unit": unit,
                   "build": build, "n": len(vals), "median": med,
                   "delta_pct": float("nan"), "ci_low": float("nan"), "ci_high": float("nan"),
                   "p_value": float("nan"), "verdict": "reference" if build == reference else ""}
            if build != reference:
                rmed = float(np.median(ref))
                if rmed != 0:
                    row["delta_pct"] = (med - rmed) / abs(rmed) * 100.0
                    row["ci_low"], row["ci_high"] = bootstrap_delta_ci(ref, vals, rng)
                elif med == 0:
                    row["delta_pct"] = 0.0
                if np.all(ref == ref[0]) and np.all(vals == ref[0]):
                    row["p_value"] = 1.0
                else:
                    row["p_value"] = float(mannwhitneyu(ref, vals, alternative="two-sided").pvalue)
                change = med - rmed if np.isnan(row["delta_pct"]) else row["delta_pct"]
                row["verdict"] = verdict(better, ref, vals, row["p_value"], change)
            rows.append(row)
    import pandas as pd
    return pd.DataFrame(rows)
