#!/bin/sh
# Guest test: the kernel's binder_alloc selftest (compiled into a -selftest
# build) runs on the first binder ioctl of a mapped process and prints PASSED.
# Usage (inside scripts/vm-run): alloc_selftest.sh SYNC_TXN
set -eu
"$1" -n 10 -s 64 -m 64K >/dev/null
# The selftest runs synchronously inside that first ioctl.
log=$(dmesg | grep -E 'binder_alloc_selftest|binder_linux: (STARTED|PASSED|.*FAILED)' || true)
echo "$log"
if echo "$log" | grep -q FAILED; then
	echo "alloc_selftest: the binder_alloc selftest FAILED on $BB_BUILD_ID" >&2
	exit 1
fi
if ! echo "$log" | grep -q PASSED; then
	echo "alloc_selftest: the binder_alloc selftest never ran on $BB_BUILD_ID" >&2
	exit 1
fi
echo "alloc_selftest: PASSED on $BB_BUILD_ID"
