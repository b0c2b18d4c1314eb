#!/bin/sh
# scripts/bpf-overhead at a tiny size: one repetition of every mode runs,
# the CSV holds each mode's throughput, and compare writes its report.
# Usage: bpf_overhead_test.sh BPF_OVERHEAD
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$1" --reps 1 --min-time 0.1 --out "$tmp/ovh" >"$tmp/log" 2>&1 || {
	cat "$tmp/log"
	exit 1
}
for m in none tracefs default full contended off perflock; do
	grep -q ":$m:.*,items_per_second," "$tmp/ovh/overhead.csv" || {
		echo "bpf_overhead_test: mode $m has no throughput row" >&2
		exit 1
	}
done
for m in none tracefs default full contended off perflock; do
	grep -q ":$m:.*,mm_ops,.*,ns_per_round," "$tmp/ovh/overhead.csv" || {
		echo "bpf_overhead_test: mode $m has no mm-ops row" >&2
		exit 1
	}
done
grep -q ',bpf_prog_cpu_pct,' "$tmp/ovh/overhead.csv" || {
	echo "bpf_overhead_test: no BPF program CPU share" >&2
	exit 1
}
test -s "$tmp/ovh/report.md"
echo "bpf_overhead_test: all modes measured; report written"
