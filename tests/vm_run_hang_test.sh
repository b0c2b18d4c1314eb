#!/bin/bash
# Test of vm-run's hang report on deliberately hung guests: a module whose
# init spins with preemption disabled (tests/guest/spin/bb_spin.c, built here
# against the guest kernel's headers) hangs the kernel. With the kernel's
# lockup detectors on, the verdict names the stall the kernel reported; with
# them off (nowatchdog), it names the vCPU spinning in kernel text. Either way
# vm-run exits 124 and keeps the report with every vCPU's symbolized RIP.
# Usage: vm_run_hang_test.sh PATH/TO/vm-run BUILD_DIR
set -u
vm_run=$1 build=$2
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib.sh"
rel=$(bb_source_release)
headers=/usr/src/linux-headers-$rel
[ -d "$headers" ] || { echo "vm_run_hang_test: error: $headers is missing (scripts/setup)" >&2; exit 99; }
# The module and the logs live under the build directory: the guest sees it.
work=$(mktemp -d "$build/hang-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$root/tests/guest/spin/bb_spin.c" "$root/tests/guest/spin/Kbuild" "$work/"
make -s -C "$headers" M="$work" modules >"$work/make.log" 2>&1 ||
	{ echo "vm_run_hang_test: error: bb_spin.ko did not build (see $work/make.log)" >&2; cat "$work/make.log" >&2; exit 99; }
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

hang() { # NAME TIMEOUT VERDICT_REGEX [vm-run options]
	local name=$1 t=$2 want=$3 rc report
	shift 3
	(cd "$work" && "$vm_run" --module none --timeout "$t" "$@" -- insmod "$work/bb_spin.ko") \
		>"$work/out" 2>"$work/err"
	rc=$?
	cat "$work/err"
	[ "$rc" = 124 ] && ok || bad "$name: exit status $rc, want 124"
	grep -qE "^vm-run: guest hung: $want" "$work/err" && ok || bad "$name: verdict is not /$want/"
	report=$(sed -n 's/.*(hang report: \(.*\))$/\1/p;T;q' "$work/err")
	[ -s "$report" ] && ok || bad "$name: no hang report"
	# Both vCPUs sampled, every RIP symbolized or placed in module text.
	grep -qE '^sample 0: CPU0 [a-z_].* CPU1 ' "$report" && ok || bad "$name: the report lacks the vCPUs' RIPs"
	grep -qE 'CPU[01] module text 0xffffffffc' "$report" && ok || bad "$name: no vCPU in the module's text"
}
hang "lockup detectors on" 60 'kernel: (soft lockup|RCU stall) seen'
hang "lockup detectors off" 25 'vCPUs spinning in kernel text: CPU [01] in module text' --kernel-args nowatchdog
echo "vm_run_hang_test: $passed passed, $failed failed"
[ "$failed" = 0 ]
