#!/bin/sh
# Guest test: sync-txn (and its ASan/UBSan build) completes with every payload
# verified, at payload sizes from 0 bytes to 256 KiB, on the loaded module.
# Usage (inside scripts/vm-run): sync_txn.sh SYNC_TXN SYNC_TXN_ASAN|-
set -eu
txn=$1 txn_asan=$2
for size in 0 8 4096 4097 65536 262144; do
	"$txn" -n 200 -s "$size" | tee /tmp/out
	grep -q "200 transactions of $size bytes, all payloads verified" /tmp/out
done
# (a static build, arm64: no sanitizers there, "-")
[ "$txn_asan" = - ] || "$txn_asan" -n 100 -s 12345
echo "sync-txn: all sizes verified on $BB_BUILD_ID"
