"""load.py - reading inputs: run-suite result directories, suite-storms CSV,
Google Benchmark JSON, histogram and leak files; build labels and the
consistency checks of a comparison.
"""
import os
import sys

from .schema import COLUMNS, HIST_COLUMNS, SCRIPTS, InputError


def read_gbench(path):
    """Google Benchmark JSON of binder-storms, through scripts/gbench_csv.py."""
    import pandas as pd
    sys.path.insert(0, SCRIPTS)
    import gbench_csv
    try:
        data = gbench_csv.rows(path)
    except gbench_csv.ConvertError as e:
        raise InputError(str(e))
    df = pd.DataFrame(data, columns=COLUMNS)
    df["value"] = pd.to_numeric(df["value"])
    df["source"] = path
    return df


def read_input(path):
    import pandas as pd
    if path.endswith(".json") and os.path.isfile(path):
        return read_gbench(path)
    csv = os.path.join(path, "results.csv") if os.path.isdir(path) else path
    if not os.path.exists(csv):
        raise InputError(f"{path}: no such file or results directory")
    try:
        df = pd.read_csv(csv, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise InputError(f"{csv}: empty file")
    except (pd.errors.ParserError, UnicodeDecodeError) as e:
        raise InputError(f"{csv}: malformed CSV ({str(e).splitlines()[0]})")
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"{csv}: missing columns: {', '.join(missing)}")
    if df.empty:
        raise InputError(f"{csv}: no rows")
    values = pd.to_numeric(df["value"], errors="coerce")
    bad = df.index[values.isna()]
    if len(bad):
        raise InputError(f"{csv}: line {bad[0] + 2}: value '{df['value'][bad[0]]}' is not a number")
    bad = df.index[~df["better"].isin(["lower", "higher", "none"])]
    if len(bad):
        raise InputError(f"{csv}: line {bad[0] + 2}: better must be lower, higher or none")
    bad = df.index[df["build_id"].str.count(":") != 2]
    if len(bad):
        raise InputError(f"{csv}: line {bad[0] + 2}: build_id '{df['build_id'][bad[0]]}' "
                         "is not release:build:hash")
    df["value"] = values
    df["source"] = csv
    return df


def read_hists(inputs, df):
    """The BPF histogram buckets of run-suite result directories
    (<dir>/<build>/rep-N-hist.csv), labelled like the builds of df."""
    import glob
    import pandas as pd
    label = dict(zip(df["build_id"], df["build"]))
    frames = []
    for d in inputs:
        if not os.path.isdir(d):
            continue
        for path in sorted(glob.glob(os.path.join(d, "*", "rep-*-hist.csv"))):
            rep_csv = path[:-len("-hist.csv")] + ".csv"
            try:
                build_id = pd.read_csv(rep_csv, dtype=str, nrows=1)["build_id"].iloc[0]
                h = pd.read_csv(path)
            except (OSError, KeyError, IndexError, pd.errors.ParserError, pd.errors.EmptyDataError):
                raise InputError(f"{path}: malformed histogram CSV or missing {os.path.basename(rep_csv)}")
            if list(h.columns) != HIST_COLUMNS:
                raise InputError(f"{path}: want the columns {', '.join(HIST_COLUMNS)}")
            if build_id not in label:
                continue
            h["build"] = label[build_id]
            frames.append(h)
    return pd.concat(frames, ignore_index=True) if frames else None


def label_builds(df):
    """Short build labels: the build name, with the kernel when names repeat."""
    parts = df["build_id"].str.split(":", expand=True)
    # Linux's Rust binder exists only built in: its in-tree kernel's build
    # "rust-builtin" is called rust (rust@7.2 in run-suite).
    parts[1] = parts[1].str.replace(r"^(rust(-fix)?)-builtin$", r"\1", regex=True)
    df["build"] = parts[1]
    per_name = df.groupby("build")["build_id"].nunique()
    if (per_name > 1).any():
        # The same build name on several kernels: name@version, e.g.
        # stock@6.1.0 and stock@6.12.117+deb12; full ids if still ambiguous.
        df["build"] = parts[1] + "@" + parts[0].str.split("-").str[0]
        if (df.groupby("build")["build_id"].nunique() > 1).any():
            df["build"] = df["build_id"]
    elif df["kernel"].nunique() > 1:
        # Unique names on several kernels: those off the main kernel (the
        # one most builds ran on) say theirs, e.g. stock@7.2.13+deb14.
        main = df.groupby("kernel")["build"].nunique().idxmax()
        off = df["kernel"] != main
        df.loc[off, "build"] = parts[1][off] + "@" + parts[0][off].str.split("-").str[0]
    return df


def check_consistent(df, allow_mixed):
    problems = []
    if df["accel"].nunique() > 1:
        problems.append(f"mixed accelerators ({', '.join(sorted(df['accel'].unique()))}): "
                        "timings are not comparable")
    if df["vcpus"].nunique() > 1:
        problems.append(f"mixed vCPU counts ({', '.join(sorted(df['vcpus'].unique()))})")
    # Benchmarks and parameter sets must match; a metric may be missing in a
    # build (e.g. a wait histogram with no events) and is compared where present.
    keys = df.groupby("build").apply(lambda g: frozenset(zip(g["benchmark"], g["params"])))
    common = frozenset.intersection(*keys.values)
    for build, k in keys.items():
        extra = k - common
        if extra:
            b, p = sorted(extra)[0]
            problems.append(f"build {build} has {b} [{p}] that other builds lack "
                            "(different parameter sets)")
            break
    if problems and not allow_mixed:
        raise InputError(problems[0] + " (use --allow-mixed to compare anyway)")
    return common


def read_leaks(inputs):
    """leak.csv of run-suite --leak-check (build_id,races,lookups,pages_held,
    verdict; runs before the check gave its verdict lack the last column)."""
    import pandas as pd
    frames = []
    for path in inputs:
        f = os.path.join(path, "leak.csv") if os.path.isdir(path) else None
        if f and os.path.exists(f):
            try:
                t = pd.read_csv(f)
            except (ValueError, pd.errors.ParserError) as e:
                raise InputError(f"{f}: not CSV ({e})")
            cols = {"build_id", "races", "lookups", "pages_held"}
            if set(t.columns) not in (cols, cols | {"verdict"}):
                raise InputError(f"{f}: want columns build_id,races,lookups,pages_held,verdict")
            frames.append(t)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
