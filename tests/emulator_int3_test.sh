#!/bin/bash
# Host test of the emulator's int3 signature (emulator_int3 in
# scripts/vm/dmesg.sh), the one thing run-suite retries: real consoles of
# guests the race killed (QEMU 7.2, tests/data and the committed boot soak)
# match; the same Oops with a binder frame, with the int3 still in place
# (code cc), or after another kernel problem does not.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/vm/dmesg.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
race=$root/tests/data/int3-race-qemu-7.2-console.txt
for f in "$race" "$root"/results/boot-soak-20261126-tcg/run-*-console-excerpt.txt; do
	seen=$(emulator_int3 "$f")
	grep -q '^Oops: int3 at [a-z_].*patched instruction already in place (code [0-9a-f][0-9a-f] <' <<<"$seen" &&
		ok || bad "the race in $(basename "$f") was not recognized"
done
# A binder frame in the trace: a kernel problem, never the emulator's.
sed '0,/Call Trace:/{/Call Trace:/a [    9.000000]  binder_alloc_new_buf+0x42/0x1f0 [binder_linux]
}' "$race" >"$tmp/binder"
grep -q binder_alloc_new_buf "$tmp/binder" || bad "fixture edit failed"
[ -z "$(emulator_int3 "$tmp/binder")" ] && ok || bad "an Oops with a binder frame was taken for the emulator"
# The int3 still in place: a real breakpoint, not the race.
sed -E '0,/ Code: /s/([0-9a-f]{2}) <([0-9a-f]{2})>/cc <\2>/' "$race" >"$tmp/cc"
grep -q 'cc <' "$tmp/cc" || bad "fixture edit failed"
[ -z "$(emulator_int3 "$tmp/cc")" ] && ok || bad "an int3 still in place was taken for the race"
# Another kernel problem first.
{ echo "[    2.000000] WARNING: CPU: 0 PID: 1 at mm/foo.c:1 foo+0x1/0x2"; cat "$race"; } >"$tmp/warn"
[ -z "$(emulator_int3 "$tmp/warn")" ] && ok || bad "a WARNING before the Oops was ignored"
# No Oops at all.
[ -z "$(emulator_int3 /dev/null)" ] && ok || bad "an empty console matched"
echo "emulator_int3_test: $passed passed, $failed failed"
[ "$failed" = 0 ]
