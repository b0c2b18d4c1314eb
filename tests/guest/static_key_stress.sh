#!/bin/sh
# Guest test: the emulator's cross-modifying-code race, provoked. Toggles the
# sched_switch/sched_wakeup trace events TOGGLES times (each toggle flips
# static keys: the kernel patches its own text through int3) while two
# pipelines keep both vCPUs switching. Under bookworm's QEMU 7.2 the guest
# dies with `Oops: int3` in 10 of 10 runs; under QEMU 10 it must not, so a
# QEMU regression shows here (vm-run fails the run on any Oops in dmesg).
# Usage (inside scripts/vm-run): static_key_stress.sh [TOGGLES]
set -eu
toggles=${1:-300}
ev=/sys/kernel/tracing/events/sched
[ -w "$ev/sched_switch/enable" ] || { echo "static_key_stress: no $ev/sched_switch (tracefs)" >&2; exit 99; }
cat /dev/zero | cat >/dev/null &
p1=$!
cat /dev/zero | cat >/dev/null &
p2=$!
i=0
while [ "$i" -lt "$toggles" ]; do
	echo 1 >"$ev/sched_switch/enable"
	echo 1 >"$ev/sched_wakeup/enable"
	echo 0 >"$ev/sched_switch/enable"
	echo 0 >"$ev/sched_wakeup/enable"
	i=$((i + 1))
done
kill "$p1" "$p2" 2>/dev/null
pkill -x cat 2>/dev/null || true
echo "static_key_stress: $i of $toggles toggles done, guest alive"
[ "$i" = "$toggles" ]
