"""cli.py - the command line of scripts/compare: arguments, one-line errors,
atomic writes, and the order of load, compare, report and plots.
"""
import argparse
import os
import sys
import tempfile

from . import __doc__ as PACKAGE_DOC
from . import lockeffect, timeline
from .load import check_consistent, label_builds, read_hists, read_input, read_leaks
from .plots import hist_plots, holder_plot, plots
from .report import markdown
from .schema import InputError
from .stats import compare


def die(msg, status=2):
    print(f"compare: error: {msg}", file=sys.stderr)
    sys.exit(status)


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors."""

    def error(self, message):
        die(f"{message} (see --help)")


def load_modules():
    try:
        import numpy  # noqa: F401
        import pandas  # noqa: F401
        import scipy.stats  # noqa: F401
        import matplotlib
        matplotlib.use("Agg")
    except ImportError as e:
        die(f"missing Python module ({e.name}); run scripts/setup "
            "(Debian python3-pandas, python3-scipy, python3-matplotlib) "
            "and use /usr/bin/python3")


def write_atomic(path, text):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".compare.")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv):
    ap = Parser(prog="compare", description=PACKAGE_DOC.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", help="result directories or CSV files")
    ap.add_argument("--reference", help="build to compare against (default: the first)")
    ap.add_argument("--out", help="directory for report.md and plots "
                                  "(default: the first input's directory)")
    ap.add_argument("--allow-mixed", action="store_true",
                    help="compare even with mixed accel/vCPUs or parameter sets")
    ap.add_argument("--no-plots", action="store_true", help="write no PNG plots")
    args = ap.parse_args(argv)
    load_modules()
    import pandas as pd
    try:
        df = pd.concat([read_input(p) for p in args.inputs], ignore_index=True)
        df = label_builds(df)
        builds = list(dict.fromkeys(df["build"]))
        if len(builds) < 2:
            raise InputError(f"only one build ({builds[0]}) in the inputs: nothing to compare")
        reference = args.reference or builds[0]
        if reference not in builds:
            # A bare build name matches its name@version label when unique.
            named = [b for b in builds if b.split("@")[0] == reference]
            if len(named) == 1:
                reference = named[0]
        if reference not in builds:
            raise InputError(f"--reference {reference} is not among the builds: {', '.join(builds)}")
        builds.remove(reference)
        builds.insert(0, reference)
        common = check_consistent(df, args.allow_mixed)
        hists = read_hists(args.inputs, df)
        leaks = read_leaks(args.inputs)
        samples = lockeffect.read_samples(args.inputs, df)
        timelines = timeline.find(args.inputs, builds, dict(zip(df["build_id"], df["build"])))
    except InputError as e:
        die(str(e))
    if df["vcpus"].nunique() > 1:
        # Several vCPU counts (allowed by --allow-mixed): compare per count.
        df["params"] = df["params"] + ";vcpus=" + df["vcpus"].astype(str)
        common = {(b, p) for b, p in zip(df["benchmark"], df["params"])}
    outdir = args.out or (args.inputs[0] if os.path.isdir(args.inputs[0])
                          else os.path.dirname(os.path.abspath(args.inputs[0])))
    try:
        os.makedirs(outdir, exist_ok=True)
        if not os.access(outdir, os.W_OK):
            raise PermissionError(outdir)
    except OSError as e:
        die(f"cannot write to {outdir}: {e.strerror or e}")
    table = compare(df, builds, reference, common)
    le = lockeffect.frame(df, samples, builds)
    # The A/A pair (the same binder code twice): its differences are the
    # noise floor of every headline verdict.
    pair = lockeffect.aa_pair(df, builds)
    aa = compare(df, [pair[1], pair[0]], pair[1], common) if pair else None
    report = markdown(table, df, reference, args.inputs, leaks, le, aa, pair,
                      timelines if not args.no_plots else ())
    try:
        write_atomic(os.path.join(outdir, "report.md"), report)
        write_atomic(os.path.join(outdir, "comparison.csv"), table.to_csv(index=False))
        if not le.empty:
            write_atomic(os.path.join(outdir, "lock_effect.csv"),
                         le.drop(columns=["ratios"]).to_csv(index=False))
        made = [] if args.no_plots else \
            plots(df, builds, outdir) + holder_plot(df, builds, outdir) + hist_plots(hists, builds, outdir)
        if timelines and not args.no_plots:
            made.append(timeline.plot(timeline.pick(timelines, reference),
                                      os.path.join(outdir, "timeline.png")))
    except OSError as e:
        die(f"cannot write to {outdir}: {e.strerror or e}")
    # The terminal gets the report's first sections; the full table stays
    # in report.md and comparison.csv.
    print(report.split("\n## All metrics")[0].split("\n", 2)[2].strip())
    print(f"compare: report {os.path.join(outdir, 'report.md')}"
          + (f", plots {', '.join(os.path.basename(m) for m in made)}" if made else ""))
    return 0
