#!/bin/bash
# Host test of scripts/device-run end to end against a real adbd: a guest
# with binderfs (the in-tree 6.12 kernel with patched built in) runs Debian
# sid's adbd as root (tests/guest/adbd_device.sh), reached through QEMU's
# user network (vm-run --forward) on 127.0.0.1; this machine's adb (its own
# server on a private port) connects to it, and device-run pushes the
# static x86-64 programs (scripts/cross-build --arch x86_64), makes its
# private binder device, runs two repetitions and pulls them back. Checked:
# the results directory as run-suite leaves one (results.csv with the
# device's build id, meta.json), the counts the report quotes (installs
# made, no mmap_lock write by an install on patched), a comparison with a
# guest run through --compare-with, and the refusals: no device, a bad
# serial, a device without binderfs (a second guest: Debian's 6.12 with
# binder as a module), a device whose adb shell is not root (a third: adbd
# as nobody), and a run that fails half-way leaves no results directory.
# Skips (77) when Debian sid (adbd) or the in-tree kernel cannot be had.
# Usage: device_run_test.sh SOURCE_ROOT BUILD_ROOT
set -u
src=$1 build=$2
vm_run=$src/scripts/vm-run device_run=$src/scripts/device-run
source "$src/scripts/lib.sh"
passed=0 failed=0
tmp=$(mktemp -d)
vm_pid='' stop=''
finish() {
	[ -z "$vm_pid" ] || { : >"$stop"; wait "$vm_pid" 2>/dev/null; }
	adb kill-server >/dev/null 2>&1
	rm -rf "$tmp"
}
trap finish EXIT
check() { # check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name" >&2; fi
}
phase() { echo "device_run_test: +${SECONDS}s: $*" >&2; }
free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

if ! root=$(bb_adbd_root 2>"$tmp/root.err"); then
	cat "$tmp/root.err" >&2
	# A skip only when sid is out of reach (or debootstrap missing); a
	# root that debootstrap fails to make for another reason (a misspelt
	# package, say) fails.
	grep -q "debootstrap is missing" "$tmp/root.err" && { echo "SKIP: no debootstrap: no adbd root"; exit 77; }
	if grep -q "cannot make adbd" "$tmp/root.err" &&
		grep -qE "Failed getting release file|Could not resolve|Temporary failure resolving|Connection (refused|timed out)|Network is unreachable|Couldn't download" \
			"$BB_CACHE/adbd/debootstrap.log" 2>/dev/null; then
		echo "SKIP: Debian sid cannot be reached: no adbd root"
		exit 77
	fi
	exit 1
fi
echo "$(cat "$root/.bb-versions") from $root" >&2
static=$("$src/scripts/cross-build" --arch x86_64 "$build/x86_64-static") || exit 1
ANDROID_ADB_SERVER_PORT=$(free_port)
export ANDROID_ADB_SERVER_PORT
unset ANDROID_SERIAL

phase "adbd root and static programs ready"
# Bad input before any device exists: one line each, non-zero.
"$device_run" --out "$tmp/res" >"$tmp/out" 2>"$tmp/err"
check "no device: fails" test $? != 0
check "no device: one line" grep -qx 'device-run: error: no device: adb devices lists none.*' "$tmp/err"
"$device_run" -s 127.0.0.1:1 --out "$tmp/res" >"$tmp/out" 2>"$tmp/err"
check "unknown serial: one line" grep -qx 'device-run: error: no device 127.0.0.1:1: adb devices does not list it.*' "$tmp/err"
"$device_run" --reps 0 >"$tmp/out" 2>"$tmp/err"
check "bad --reps" grep -qx "device-run: error: bad --reps '0'.*" "$tmp/err"

# start_device NAME USER VM_RUN_ARGS...: a guest running adbd as USER (root
# or nobody; until $stop exists) on 127.0.0.1:$port, reached by adb as
# $serial.
start_device() {
	local name=$1 user=$2 i rc
	shift 2
	port=$(free_port) serial=127.0.0.1:$port stop=$tmp/stop-$name
	(cd "$tmp" && exec "$vm_run" "$@" --forward "$port:5555" --skip-unavailable --timeout 1500 -- \
		"$src/tests/guest/adbd_device.sh" "$root" "$stop" "$user") >"$tmp/vm-$name.out" 2>"$tmp/vm-$name.err" &
	vm_pid=$!
	phase "device guest $name starting"
	for ((i = 0; i < 300; i++)); do
		kill -0 "$vm_pid" 2>/dev/null || break
		# (adb keeps a serial it tried before adbd listened: "already connected")
		adb connect "$serial" >/dev/null 2>&1
		[ "$(timeout 10 adb -s "$serial" shell echo ok 2>/dev/null | tr -d '\r')" = ok ] && break
		sleep 1
	done
	if ! kill -0 "$vm_pid" 2>/dev/null; then
		wait "$vm_pid"
		rc=$?
		vm_pid=
		cat "$tmp/vm-$name.err" >&2
		# A skip only when nothing has failed yet: a later guest's missing
		# kernel must not discard an earlier failure.
		if [ "$rc" = 77 ] && [ "$failed" = 0 ]; then
			echo "SKIP: the device guest's kernel is not available"
			exit 77
		fi
		echo "FAIL: the device guest $name ended before adb reached it (exit $rc; $failed checks failed before)" >&2
		exit 1
	fi
	if [ "$(timeout 10 adb -s "$serial" shell echo ok 2>/dev/null | tr -d '\r')" != ok ]; then
		cat "$tmp/vm-$name.err" >&2
		echo "FAIL: adb never reached the device guest $name in 300 tries" >&2
		exit 1
	fi
	phase "adb connected to $name"
}
# stop_device NAME: ends the guest; it must end cleanly.
stop_device() {
	local rc
	: >"$stop"
	wait "$vm_pid"
	rc=$?
	vm_pid=
	adb disconnect "$serial" >/dev/null 2>&1
	check "device guest $1 ended cleanly" test "$rc" = 0
	phase "device guest $1 ended"
}

# The device: a guest with binderfs (binder built in) and adbd.
start_device binderfs root --kernel 6.12-builtin --module patched
check "adb reaches the guest's adbd" test "$(adb -s "$serial" shell echo ok 2>/dev/null | tr -d '\r')" = ok

# A run that fails half-way (a repetition cannot finish in 5 s) leaves nothing.
"$device_run" -s "$serial" --dir /tmp/bb-device --build-dir "$static" --reps 1 --rep-timeout 5 \
	--out "$tmp/res" --run-id broken >"$tmp/out" 2>"$tmp/err"
check "failed run: fails" test $? != 0
check "failed run: says which rep" grep -q 'rep 1 failed on device' "$tmp/err"
check "failed run: no results directory" test ! -e "$tmp/res/broken"
check "failed run: no hidden leftovers" test -z "$(ls -A "$tmp/res" 2>/dev/null)"
check "failed run: binderfs unmounted" test -z "$(adb -s "$serial" shell 'grep " /tmp/bb-device/binderfs " /proc/mounts' | tr -d '\r')"

phase "failed run checked"
# The real run, compared with a guest run of the same kernel family.
ref=$src/results/20261202-builtin-vs-module-tcg-2vcpu
"$device_run" -s "$serial" --dir /tmp/bb-device --build-dir "$static" --reps 2 \
	--out "$tmp/res" --run-id dev --compare-with "$ref" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "device run passes" test "$rc" = 0
[ "$rc" = 0 ] || cat "$tmp/err" >&2
d=$tmp/res/dev
check "results.csv written" test -s "$d/results.csv"
check "rows carry the device's build id" grep -qE '^[^,]+:device:[0-9a-f]{12},' "$d/results.csv"
check "accel says qemu (a guest as device)" grep -q '"accel": "qemu"' "$d/meta.json"
check "meta names the device" grep -q "\"serial\": \"$serial\"" "$d/meta.json"
check "both repetitions" test "$(cut -d, -f5 "$d/results.csv" | tail -n +2 | sort -u | paste -sd, -)" = 1,2
check "storms from binder-storms folded in" grep -q ',mmap_holder,' "$d/results.csv"
installs=$(awk -F, '$6 == "cold_install" && $8 == "installs" && $5 == 1 { print $9 }' "$d/results.csv")
writes=$(awk -F, '$6 == "cold_install" && $8 == "mmap_install_write" && $5 == 1 { print $9 }' "$d/results.csv")
check "cold installs counted ($installs)" test "${installs:-0}" -gt 0
vma=$(awk -F, '$6 == "cold_install" && $8 == "vma_locked" && $5 == 1 { print $9 }' "$d/results.csv")
# The control of that zero: the same run saw the installs' lock, the
# per-VMA one (0 writes with no lock attributed at all would read the same).
check "patched installs took the per-VMA lock (${vma:-no row})" test "${vma:-0}" -gt 0
check "patched installs take no mmap_lock for write ($writes)" test "$writes" = 0
check "compared with the guest run" grep -q '^| device@[^ ]* | .* | the device.s own |' "$d/report.md"
check "device left clean" test -z "$(adb -s "$serial" shell 'ls -d /tmp/bb-device 2>/dev/null' | tr -d '\r')"

phase "device run checked"
stop_device binderfs

# refused NAME WHY: device-run on the current device fails with the one
# line "device-run: error: device $serial<WHY...>" and writes nothing.
refused() {
	"$device_run" -s "$serial" --dir /tmp/bb-device --build-dir "$static" --out "$tmp/res" --run-id "$1" \
		>"$tmp/out" 2>"$tmp/err"
	check "$1: fails" test $? != 0
	check "$1: one line" grep -qx "device-run: error: device $serial$2.*" "$tmp/err"
	check "$1: one line only" test "$(wc -l <"$tmp/err")" = 1
	check "$1: nothing written" test ! -e "$tmp/res/$1"
}

# A device whose binder has no binderfs (Debian's kernel, binder a module,
# as Debian ships it).
start_device module root --kernel 6.12 --module patched
refused no-binderfs " has no binderfs "
stop_device module

# A device whose adb shell is not root (adbd as nobody).
start_device nobody nobody --kernel 6.12-builtin --module patched
# The shell answers, as nobody: the refusal below is device-run's reading
# of a live non-root shell, not of a dead one.
check "the nobody guest's adb shell is uid 65534" \
	test "$(adb -s "$serial" shell id -u 2>/dev/null | tr -d '\r')" = 65534
refused not-root ": adb shell is not root "
stop_device nobody
echo "device-run: $passed passed, $failed failed"
[ "$failed" = 0 ]
