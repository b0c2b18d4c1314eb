#!/bin/bash
# Host wrapper of the arm64 guest tests: builds the static arm64 programs
# (scripts/cross-build into BUILD_ROOT/arm64, cached), then runs one of the
# x86 guest tests with them in an aarch64 guest (vm-run --arch arm64,
# Debian's arm64 6.12 kernel, the module BUILD). The guest has no Python
# and no sanitizers: storms-smoke's JSON is checked here on the host
# (tests/storms_smoke_check.py, CSV made by scripts/gbench_csv.py), and the
# ASan half of sync-txn and install-storm is not run ("-").
# Usage: arm64_test.sh SOURCE_ROOT BUILD_ROOT TEST BUILD
#   TEST: sync-txn | install-storm | mmap-lock EXPECT | storms-smoke
set -u
src=$1 build=$2 test=$3
shift 3
vm_run=$src/scripts/vm-run
bin=$("$src/scripts/cross-build" --arch arm64 "$build/arm64") || exit 1
# The guest sees the working directory (read-write) and the checkout only:
# run from the build directory, which holds the programs and $tmp.
cd "$build" || exit 1
tmp=$(mktemp -d "$build/arm64-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
case $test in
sync-txn)
	exec "$vm_run" --arch arm64 --module "$1" -- "$src/tests/guest/sync_txn.sh" "$bin/bench/sync-txn" -
	;;
install-storm)
	exec "$vm_run" --arch arm64 --module "$1" -- "$src/tests/guest/install_storm.sh" "$bin/bench/install-storm" -
	;;
mmap-lock)
	exec "$vm_run" --arch arm64 --module "$2" -- "$src/tests/guest/mmap_lock_writes.sh" "$1" \
		"$src/scripts/guest/trace-installs" "$bin/bench/install-storm"
	;;
storms-smoke)
	BB_SMOKE_JSON=$tmp/s.json "$vm_run" --arch arm64 --module "$1" -- "$src/tests/guest/storms_smoke.sh" \
		"$bin/bench/binder-storms" "$src/scripts/guest/run-storms" || exit
	[ -s "$tmp/s.json" ] || { echo "arm64_test: the guest left no storms JSON" >&2; exit 1; }
	/usr/bin/python3 "$src/scripts/gbench_csv.py" "$tmp/s.json" >"$tmp/s.csv" || exit 1
	exec /usr/bin/python3 "$src/tests/storms_smoke_check.py" "$tmp/s.json" "$tmp/s.csv"
	;;
*)
	echo "arm64_test: error: unknown test '$test'" >&2
	exit 2
	;;
esac
