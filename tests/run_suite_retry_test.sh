#!/bin/bash
# Test of run-suite's one retry: a repetition whose guest dies of the
# emulator's int3 race after the storms started is run again (at most twice),
# each retry is listed in meta.json and report.md with its console kept, and
# a repetition still lost after that fails the run with one line naming the
# build. The race is real, not mocked: bookworm's QEMU 7.2 (--qemu through
# BB_QEMU) with the static-key stress before the storms (BB_STATIC_KEY_STRESS,
# run-suite's fault injection) dies with `Oops: int3` in 10 of 10 guests here.
# Exits 77 when QEMU 7.2 is missing or the race was not provoked at all (no
# 'Oops: int3' in any guest console of the run); fails when the consoles
# show it and run-suite did not recognize it.
# Usage: run_suite_retry_test.sh PATH/TO/run-suite
set -u
run_suite=$1
qemu72=/usr/bin/qemu-system-x86_64
[ -x "$qemu72" ] || { echo "run_suite_retry_test: SKIP: no bookworm QEMU at $qemu72"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# Whether the race happened is read from the guests' own consoles (vm-run
# keeps each boot's in the cache's vm-runs/), not from run-suite, whose
# recognition of it is under test.
runs=${BINDERBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/binderbench}/vm-runs
touch "$tmp/start"
sleep 1
BB_QEMU=$qemu72 BB_STATIC_KEY_STRESS=300 "$run_suite" --builds baseline,patched --reps 1 \
	--out "$tmp/res" --run-id retry >"$tmp/log" 2>&1
rc=$?
cat "$tmp/log"
d=$tmp/res/retry
oopses=$(find "$runs" -name console.log -newer "$tmp/start" -exec grep -l 'Oops: int3' {} + 2>/dev/null | wc -l)
n=$(grep -c "died of the emulator's int3 race" "$tmp/log")
if [ "$oopses" = 0 ]; then
	echo "run_suite_retry_test: SKIP: QEMU 7.2 did not show the int3 race this time (no 'Oops: int3' in a console; exit $rc)"
	exit 77
fi
[ "$n" -gt 0 ] && ok || bad "$oopses guest consoles show 'Oops: int3' but run-suite recognized no int3 race"
# Each lost attempt was retried, at most twice per repetition.
for b in baseline patched; do
	a=$(grep -c "rep 1 of build $b: the guest died of the emulator's int3 race" "$tmp/log")
	[ "$a" -ge 1 ] && [ "$a" -le 2 ] && ok || bad "build $b: $a retries, want 1 or 2"
	ls "$d/$b"/rep-1-attempt-*.log >/dev/null 2>&1 && ok || bad "build $b: the failed attempt's log was not kept"
	grep -q 'Oops: int3' "$d/$b/rep-1-attempt-1-console.log" 2>/dev/null && ok ||
		bad "build $b: the dead guest's console was not kept in the run"
done
entries=$(grep -c '"why": "emulator int3 race: Oops: int3 at ' "$d/meta.json")
[ "$entries" = "$n" ] && ok || bad "meta.json lists $entries retries, the log $n"
grep -q '"qemu": "7\.2\.' "$d/meta.json" && ok || bad "meta.json does not name QEMU 7.2"
# A run that succeeded has its report, which counts the retries.
if [ "$rc" = 0 ] || [ -f "$d/report.md" ]; then
	grep -q "int3 race (after the storms started; console kept): $n\." "$d/report.md" && ok ||
		bad "report.md is missing or does not count the $n retries (run-suite exit $rc)"
fi
# A repetition that died a third time is lost: non-zero exit, one line per build.
if grep -q "rep 1 of build .* FAILED: vm-run: emulator fault" "$tmp/log"; then
	[ "$rc" != 0 ] && ok || bad "a lost repetition exited 0"
	grep -qE "^run-suite: build (baseline|patched): 1 of 1 reps failed: rep 1: emulator fault: Oops: int3" "$tmp/log" && ok ||
		bad "no one-line summary of the lost repetition"
fi
echo "run_suite_retry_test: $passed passed, $failed failed"
[ "$failed" = 0 ]
