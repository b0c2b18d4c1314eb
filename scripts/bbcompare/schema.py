"""schema.py - the results CSV and histogram columns compare reads, its
statistical constants, and the one exception for bad input.
"""
import os

# scripts/: gbench_csv.py and data/ live there.
SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The results CSV (scripts/guest/suite-storms, scripts/gbench_csv.py).
COLUMNS = ["build_id", "kernel", "accel", "vcpus", "rep", "benchmark", "params",
           "metric", "value", "unit", "better"]
# The histogram CSV run-suite keeps per repetition (<build>/rep-N-hist.csv).
HIST_COLUMNS = ["hist", "low_ns", "high_ns", "count"]
# Significance level of the verdicts, and bootstrap resamples of a delta CI.
ALPHA = 0.05
BOOTSTRAP = 2000


class InputError(Exception):
    """A problem with the inputs, reported as one line."""
