#!/bin/sh
# Guest half of tests/device_run_test.sh: makes this guest a device for
# scripts/device-run. Starts Debian sid's adbd (from the sid root ROOT in
# the cache, run by that root's own loader and libraries: the guest's root
# is bookworm's) on port 5555 of eth0 (vm-run --forward), as root, and
# keeps it until the host creates the file STOP. USER nobody runs it as
# uid 65534 instead (a device whose adb shell is not root), from a copy in
# /tmp of adbd, its loader and libraries (nobody cannot read the cache).
# Usage (inside scripts/vm-run --forward H:5555): adbd_device.sh ROOT STOP [root|nobody]
set -eu
root=$1 stop=$2 user=${3:-root}
lib=$root/usr/lib/x86_64-linux-gnu
ld=$root/lib64/ld-linux-x86-64.so.2 adbd=$root/usr/lib/android-sdk/platform-tools/adbd
[ -x "$adbd" ] || { echo "adbd_device: no adbd in $root" >&2; exit 1; }
case $user in
root)
	"$ld" --library-path "$lib:$lib/android" "$adbd" >/tmp/adbd.log 2>&1 &
	;;
nobody)
	d=/tmp/adbd-nobody
	mkdir -p $d/lib
	"$ld" --library-path "$lib:$lib/android" --list "$adbd" | awk '$3 ~ /^\// { print $3 }' |
		while read -r f; do cp "$f" $d/lib/; done
	cp "$ld" $d/ld.so
	cp "$adbd" $d/adbd
	chmod -R a+rX $d
	setpriv --reuid=65534 --regid=65534 --clear-groups $d/ld.so --library-path $d/lib $d/adbd \
		>/tmp/adbd.log 2>&1 &
	;;
*) echo "adbd_device: unknown user '$user'" >&2; exit 1 ;;
esac
pid=$!
echo "adbd_device: adbd running as $user (pid $pid), waiting for $stop" >&2
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
