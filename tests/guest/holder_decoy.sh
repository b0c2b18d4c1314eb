#!/bin/sh
# Guest test of mmap_holder's decoy target and of binder-timeline. The
# decoy must cost the holder's CPU without the receiver's mmap_lock: the
# same mprotect writer (32 MiB) once in the receiver and once in a decoy,
# each under binder-installs (mmap_lock of binder processes' mms only, by
# cause; both runs a fixed 20 rounds, so their set-ups are alike): the
# receiver's run write-locks binder processes' mms from mm system calls at
# least once per hold more than the decoy's run does (the decoy is no binder
# process: its holds are never counted), and every transaction latency of
# both runs lands in $BB_SAMPLES_DIR. Then
# binder-timeline -s over the 32 MiB smaps_rollup reader on the receiver:
# the JSON parses as trace events (ordered, no negative span, every lane
# named), its window opened when the storm's traffic started, nothing was
# dropped, and it holds transactions, page installs and read holds of the
# receiver's mm by another process (the reader).
# Usage (inside scripts/vm-run): holder_decoy.sh BINDER_STORMS BINDER_INSTALLS BINDER_TIMELINE
set -eu
storms=$1 bi=$2 tl=$3
fail() {
	echo "holder_decoy: FAILED on $BB_BUILD_ID: $*" >&2
	exit 1
}
out=$(mktemp -d)
mkdir "$out/samples"
for target in receiver decoy; do
	filter='^mmap_holder/kind:mprotect/threads:'
	[ "$target" = decoy ] && filter='^mmap_holder/kind:mprotect/target:decoy/'
	BB_SAMPLES_DIR=$out/samples "$bi" -q --no-contention --no-txn -o "$out/$target.csv" -- \
		"$storms" --benchmark_filter="$filter" --region-mb=32 --holder-iterations=20 \
		--benchmark_out="$out/$target.json" --benchmark_out_format=json \
		>"$out/$target.out" 2>"$out/$target.err" ||
		{ cat "$out/$target.err" >&2; fail "the $target run failed"; }
	eval "writes_$target=\$(sed -n 's/^mmap_mmcall_write,\\([0-9]*\\),.*/\\1/p' \"$out/$target.csv\")"
	eval "holds_$target=\$(/usr/bin/python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))[\"benchmarks\"][-1][\"holds\"]))' \"$out/$target.json\")"
done
# shellcheck disable=SC2154 # holds_* are set by the eval in the loop above
echo "holder_decoy: binder mm write-locked by mm calls: receiver ${writes_receiver:-0} (holds $holds_receiver)," \
	"decoy ${writes_decoy:-0} (holds $holds_decoy)"
[ "$holds_receiver" -gt 0 ] && [ "$holds_decoy" -gt 0 ] || fail "a holder did not hold"
[ $((${writes_receiver:-0} - ${writes_decoy:-0})) -ge "$holds_receiver" ] ||
	fail "binder mms write-locked ${writes_receiver:-0} times behind the receiver's $holds_receiver holds, ${writes_decoy:-0} behind the decoy's: the decoy shares the receiver's lock"
# Every latency kept: as many samples in the file as transactions the
# storm's JSON counted for its run.
for target in receiver decoy; do
	f="kind:mprotect;threads:2;size:16384;region_mb:32;gap_ms:20"
	[ "$target" = decoy ] && f="kind:mprotect;target:decoy;threads:2;size:16384;region_mb:32;gap_ms:20"
	[ -s "$out/samples/$f.txt" ] || fail "no samples file $f.txt"
	kept=$(wc -l <"$out/samples/$f.txt")
	want=$(/usr/bin/python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["benchmarks"][-1]["samples"]))' "$out/$target.json") ||
		fail "the $target run's JSON has no samples counter"
	[ "$kept" -eq "$want" ] && [ "$want" -gt 0 ] ||
		fail "the $target run kept $kept latencies of its $want transactions"
done
"$tl" -s -W 300 -l "$BB_BUILD_ID" -o "$out/timeline.json" -- "$storms" \
	--benchmark_filter='^mmap_holder/kind:smaps_rollup/threads:' \
	--region-mb=32 --benchmark_min_time=0.1 >"$out/tl.log" 2>&1 || { cat "$out/tl.log" >&2; fail "binder-timeline failed"; }
/usr/bin/python3 - "$out/timeline.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
meta, ev = doc["otherData"], doc["traceEvents"]
spans = [e for e in ev if e.get("ph") == "X"]
cats = {c: sum(1 for e in spans if e["cat"] == c) for c in ("txn", "install", "hold")}
reader = [e for e in spans if e["cat"] == "hold" and e["args"]["mm_owner"] != e["pid"]]
print(f"holder_decoy: timeline {meta['records']} records, {meta['dropped']} dropped, spans {cats}, "
      f"{len(reader)} holds of another process's mm")
if meta["dropped"]:
    sys.exit("holder_decoy: FAILED: the timeline dropped records")
# Valid trace-event JSON as Perfetto reads it: complete events in order of
# their start, none ending before it starts, every lane named.
ts = [e["ts"] for e in spans]
if ts != sorted(ts):
    sys.exit("holder_decoy: FAILED: the timeline's events are not ordered by start")
if any(e["dur"] < 0 for e in spans):
    sys.exit("holder_decoy: FAILED: an event ends before it starts")
named = {e["tid"] for e in ev if e.get("ph") == "M" and e.get("name") == "thread_name"}
if {e["tid"] for e in spans} - named:
    sys.exit("holder_decoy: FAILED: lanes without a thread name")
for c, n in cats.items():
    if not n:
        sys.exit(f"holder_decoy: FAILED: no {c} span in the window")
if not reader:
    sys.exit("holder_decoy: FAILED: no hold of the receiver's mm by the reader")
PY
echo "holder_decoy: passed on $BB_BUILD_ID"
