#!/bin/sh
# Reliability (guest): abuse of the binder mapping (binder-torture abuse:
# the errors binder promises) and a bounded, seeded ioctl fuzz from several
# threads (binder-torture fuzz), both also under ASan/UBSan. Only clean
# errors, no hangs; scripts/vm-run fails the test on any WARNING, BUG, Oops
# or lockup in the guest's dmesg.
# Usage (inside scripts/vm-run): reliability_abuse.sh TORTURE TORTURE_ASAN FUZZ_OPS
set -eu
BB_TEST=reliability-abuse
. "$(dirname "$0")/lib.sh"
torture=$1 torture_asan=$2 ops=$3
"$torture" abuse || bb_fail "binder-torture abuse"
"$torture_asan" abuse || bb_fail "binder-torture-asan abuse"
for seed in 1 2 3; do
	"$torture" fuzz -n "$ops" -c 4 -s $seed --timeout 300 || bb_fail "binder-torture fuzz -s $seed"
done
"$torture_asan" fuzz -n $((ops / 4)) -c 2 -s 4 --timeout 300 || bb_fail "binder-torture-asan fuzz"
# Binder still works after all that.
"$torture" kill -n 1 -c 2 >/dev/null || bb_fail "binder no longer works after the fuzzing"
echo "$BB_TEST: passed on $BB_BUILD_ID"
