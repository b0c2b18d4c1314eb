#!/bin/bash
# Host test of scripts/vm-run against a real guest: a command's exit status
# propagates, a quiet command leaves a clean dmesg report, a kernel panic and
# a hung guest are reported as such, and bad flags get a one-line error.
# Usage: vm_run_test.sh PATH/TO/vm-run
set -u
vm_run=$1
passed=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect() { # expect NAME WANT_STATUS GOT_STATUS
	if [ "$2" = "$3" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $1: exit status $3, want $2" >&2
	fi
}
check() { # check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name" >&2; fi
}

"$vm_run" --module none -- sh -c 'echo hello; exit 7' >"$tmp/out" 2>"$tmp/err"
expect "exit status propagates" 7 $?
check "stdout comes back" grep -qx hello "$tmp/out"

"$vm_run" --dmesg "$tmp/dmesg" -- sh -c 'test -c /dev/binder' >"$tmp/out" 2>"$tmp/err"
expect "quiet command with the module" 0 $?
check "dmesg report says clean" grep -q 'dmesg clean' "$tmp/err"
check "dmesg copied" grep -q 'Linux version' "$tmp/dmesg"
check "run labelled with accel" grep -qE 'accel (tcg|kvm)' "$tmp/err"

"$vm_run" --module none -- sh -c 'echo c >/proc/sysrq-trigger' >"$tmp/out" 2>"$tmp/err"
expect "kernel panic" 125 $?
check "panic reported" grep -q 'guest died before COMMAND finished' "$tmp/err"

"$vm_run" --module none --timeout 15 -- sleep 600 >"$tmp/out" 2>"$tmp/err"
expect "hung guest" 124 $?
check "hang reported" grep -q 'guest hung' "$tmp/err"

"$vm_run" --smp zero -- true >"$tmp/out" 2>"$tmp/err"
expect "bad flag" 1 $?
check "bad flag: one line" test "$(wc -l <"$tmp/err")" = 1

"$vm_run" --module no-such-build -- true >"$tmp/out" 2>"$tmp/err"
expect "unknown build" 1 $?

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
