"""compare - compares binderbench result CSVs across kernel/module builds.

For each benchmark x parameter set x metric it prints the median per build,
the delta % of each build's median vs the reference build (the first one, or
--reference), a 95 % bootstrap confidence interval of that delta, a two-sided
Mann-Whitney U p-value and a verdict that accounts for the metric's direction.
Writes report.md and PNG plots to --out (default: next to the first input).

Plots: per-metric box plots (timings.png), headline metrics per build in run
order (by_build.png: the per-patch ablation), page-install latency histograms
and latency CDFs per build from the BPF instrument's histogram buckets
(install_latency_hist.png, latency_cdf.png: result directories whose
<build>/rep-N-hist.csv files scripts/run-suite keeps), mmap_lock acquisitions
and total mmap_lock wait by cause stacked per build (mmap_lock_by_cause.png,
mmap_lock_wait_by_cause.png), and throughput against vCPUs when the inputs hold
several vCPU counts (throughput_vs_vcpus.png; with --allow-mixed, e.g. the
JSON files of scripts/scale-vcpus).

Inputs: result directories of scripts/run-suite (their results.csv), CSV
files with the columns of scripts/guest/suite-storms, or the Google Benchmark
JSON of build/bench/binder-storms (e.g. build/storms-<build>.json). Uses Debian's
python3-pandas, python3-scipy and python3-matplotlib (/usr/bin/python3).
"""
