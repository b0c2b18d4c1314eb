#!/bin/sh
# Builds the -unload flavours of baseline and patched (scripts/kmod-build),
# then boots a guest with no binder module and runs the lifecycle test
# (tests/guest/reliability_lifecycle.sh) over both of them.
# Usage: reliability_lifecycle_test.sh VM_RUN KMOD_BUILD SYNC_TXN INSTALL_STORM CYCLES
set -eu
vm_run=$1 kmod_build=$2 sync=$3 storm=$4 cycles=$5
kos=$("$kmod_build" baseline-unload patched-unload)
# shellcheck disable=SC2086
exec "$vm_run" --module none -- "$(dirname "$0")/guest/reliability_lifecycle.sh" \
	"$cycles" "$sync" "$storm" $kos
