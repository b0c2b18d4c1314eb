#!/bin/sh
# Guest half of tests/device_run_test.sh: makes this guest a device for
# scripts/device-run. Starts Debian sid's adbd (from the sid root ROOT in
# the cache, run by that root's own loader and libraries: the guest's root
# is bookworm's) on port 5555 of eth0 (vm-run --forward), as root, and
# keeps it until the host creates the file STOP.
# Usage (inside scripts/vm-run --forward H:5555): adbd_device.sh ROOT STOP
set -eu
root=$1 stop=$2
lib=$root/usr/lib/x86_64-linux-gnu
[ -x "$root/usr/lib/android-sdk/platform-tools/adbd" ] || { echo "adbd_device: no adbd in $root" >&2; exit 1; }
"$root/lib64/ld-linux-x86-64.so.2" --library-path "$lib:$lib/android" \
	"$root/usr/lib/android-sdk/platform-tools/adbd" >/tmp/adbd.log 2>&1 &
pid=$!
echo "adbd_device: adbd running (pid $pid), waiting for $stop" >&2
while [ ! -e "$stop" ]; do
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "adbd_device: adbd exited:" >&2
		cat /tmp/adbd.log >&2
		exit 1
	fi
	sleep 1
done
kill "$pid"
echo "adbd_device: done" >&2
