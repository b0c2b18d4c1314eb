#!/bin/bash
# Test of scripts/run-suite with a tiny matrix in real guests: bad flags and
# unwritable output directories get a one-line error; a run of
# baseline,p99,patched with one repetition reports the nonexistent p99 build
# as failed, still measures the two others and writes a complete results
# tree with a comparison report (the mmap_holder section first, the guest
# boots counted in meta.json); an existing run id is refused and the
# earlier run is left intact.
# Usage: run_suite_test.sh PATH/TO/run-suite
set -u
run_suite=$1
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
one_line_error() { # NAME WANT COMMAND...: one line, "run-suite: error: WANT..."
	local name=$1 want=$2 out rc
	shift 2
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" != 0 ] && [ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == "run-suite: error: $want"* ]]; then
		ok
	else
		bad "$name: status $rc, stderr: '$out', want one line 'run-suite: error: $want...'"
	fi
}
one_line_error "bad --reps" "bad --reps 'zero'" "$run_suite" --reps zero --out "$tmp/o"
one_line_error "bad flag" "unknown argument '--frobnicate'" "$run_suite" --frobnicate
one_line_error "bad --builds" "bad --builds 'a b'" "$run_suite" --builds 'a b'
one_line_error "bad --arch" "bad --arch 'sparc'" "$run_suite" --arch sparc
one_line_error "arm64 build off its kernel" "--arch arm64: build stock@6.1 is not on" "$run_suite" --arch arm64 --builds stock@6.1
one_line_error "--host with --arch" "--host measures the running kernel's binder: --arch does not apply" "$run_suite" --host --arch arm64
mkdir "$tmp/ro" && chmod a-w "$tmp/ro"
# Root writes anywhere: as root, the check runs as nobody (setpriv).
if [ "$(id -u)" != 0 ]; then
	one_line_error "unwritable --out" "output directory $tmp/ro is not writable" "$run_suite" --out "$tmp/ro"
else
	# nobody may not reach the checkout (a clone under /root): run a copy
	# of the scripts from the world-readable scratch directory; run-suite
	# checks --out before it builds anything.
	cp -r "$(dirname "$run_suite")" "$tmp/scripts"
	chmod -R a+rX "$tmp/scripts" && chmod a+rx "$tmp"
	one_line_error "unwritable --out (as nobody)" "output directory $tmp/ro is not writable" setpriv --reuid=65534 --regid=65534 --clear-groups \
		env HOME="$tmp" "$tmp/scripts/run-suite" --out "$tmp/ro"
fi
touch "$tmp/file"
one_line_error "--out is a file" "cannot create output directory $tmp/file/sub" "$run_suite" --out "$tmp/file/sub"

"$run_suite" --builds baseline,p99,patched --reps 1 --out "$tmp/res" --run-id tiny >"$tmp/log" 2>&1
rc=$?
cat "$tmp/log"
[ "$rc" != 0 ] && ok || bad "a run with a failed build exited 0"
grep -q "build p99 FAILED" "$tmp/log" && ok || bad "the failed build was not reported"
d=$tmp/res/tiny
for f in results.csv report.md comparison.csv meta.json baseline/rep-1.csv patched/rep-1.csv \
	baseline/dmesg-1.txt; do
	[ -s "$d/$f" ] && ok || bad "missing $f in the results tree"
done
grep -q '"p99": {"build_id": "unknown", "binder": "module", "status": "build"}' "$d/meta.json" && ok ||
	bad "meta.json does not record the failed build"
# The counts the report headlines, by value: baseline's installs each take
# mmap_lock for write (writes = installs > 0: the control that the lock
# events reach the count), patched's none (0 writes of > 0 installs).
count() {
	awk -F, -v b=":$1:" -v m="$2" 'index($1, b) && $6 == "cold_install" && $8 == m { print $9; exit }' "$d/results.csv"
}
inst=$(count baseline installs) wr=$(count baseline mmap_install_write)
[ "${inst:-0}" -gt 0 ] && [ "$wr" = "$inst" ] && ok ||
	bad "baseline's cold installs took mmap_lock for write $wr times in $inst installs (want as many, > 0)"
inst=$(count patched installs) wr=$(count patched mmap_install_write)
[ "${inst:-0}" -gt 0 ] && [ "$wr" = 0 ] && ok ||
	bad "patched's cold installs took mmap_lock for write $wr times in $inst installs (want 0 of > 0)"
grep -q '| cold_install |' "$d/report.md" && ok || bad "report.md has no cold_install rows"
# The mmap_holder storms: rows per build, the report's first section, and
# the guest boots (with those that failed before the storms) in meta.json.
for b in baseline patched; do
	grep -q ":$b:.*,mmap_holder,kind:smaps_rollup;.*region_mb:256;.*,p99_us," "$d/results.csv" && ok ||
		bad "results.csv lacks the $b mmap_holder p99"
done
grep -q "^## Behind the receiver's mmap_lock holder" "$d/report.md" && ok || bad "report.md has no mmap_holder section"
grep -qE '"guest_boots": \{"total": [2-9][0-9]*, "failed_before_command": [0-9]+' "$d/meta.json" && ok ||
	bad "meta.json does not count the guest boots"
grep -qE '"qemu": "[1-9][0-9]\.' "$d/meta.json" && ok || bad "meta.json does not name QEMU 10"
grep -q '"reps_retried": \[' "$d/meta.json" && ok || bad "meta.json does not list the retried repetitions"
grep -q "^run-suite: build p99 could not be measured" "$tmp/log" && ok || bad "no one-line summary of the failed build"
leftover=("$tmp/res"/.run-*)
[ -e "${leftover[0]}" ] && bad "a temporary run directory was left behind: ${leftover[0]}" || ok
before=$(cat "$d/results.csv" | sha256sum)
one_line_error "existing --run-id" "$tmp/res/tiny already exists" "$run_suite" --builds baseline,patched --reps 1 --out "$tmp/res" --run-id tiny
[ "$(cat "$d/results.csv" | sha256sum)" = "$before" ] && ok || bad "an earlier run was modified"
echo "run_suite_test: $passed passed, $failed failed"
[ "$failed" = 0 ]
