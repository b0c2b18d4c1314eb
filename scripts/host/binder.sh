# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # a fragment: it sets host_* for, and reads tools from, the script that sources it
# host/binder.sh - sourced by scripts/run-suite --host: the running kernel's
# binder for host mode. A private binderfs instance when the kernel has
# binderfs (its own mount in a private directory, unmounted at the end: an
# existing binderfs mount, e.g. a running Android userspace's, is never
# touched), else /dev/binder if no process has it open; the kernel's build
# id; whether BTF is there for the instruments. Each refusal is one line.

# host_check (as root): a binder of our own. Sets host_dev, host_mount
# (empty without binderfs), host_logs (binder's state/stats directory:
# debugfs, else our binderfs's binder_logs, which Rust binder needs) and
# host_binder (module or built in).
host_check() {
	host_binder="built in" host_mount='' host_dev='' host_logs=/sys/kernel/debug/binder
	grep -qE '^binder_linux ' /proc/modules 2>/dev/null && host_binder=module
	if grep -qw binder /proc/filesystems; then
		host_mount=$(mktemp -d /tmp/bb-binderfs.XXXXXX)
		# stats=global (binder_logs) only where the user namespace allows.
		mount -t binder -o stats=global binder "$host_mount" 2>/dev/null ||
			mount -t binder binder "$host_mount" ||
			{ rmdir "$host_mount"; host_mount=; die "host mode: cannot mount a private binderfs instance"; }
		[ -d "$host_logs" ] || host_logs=$host_mount/binder_logs
		host_dev=$("$tools/bench/binderfs-ctl" add "$host_mount/binder-control" binderbench) ||
			{ host_release; die "host mode: cannot make a device through binderfs's binder-control"; }
		chmod 0666 "$host_dev"
		return 0
	fi
	[ -c /dev/binder ] ||
		die "host mode: this kernel has no binder (no binderfs in /proc/filesystems, no /dev/binder)"
	local fd pid
	for fd in /proc/[0-9]*/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = /dev/binder ] || continue
		pid=${fd#/proc/}
		pid=${pid%%/*}
		die "host mode: /dev/binder is in use by pid $pid ($(cat "/proc/$pid/comm" 2>/dev/null)); its users' device is never used (a kernel with binderfs gives a private one)"
	done
	host_dev=/dev/binder
}

# host_release: unmounts our own binderfs instance, if we made one.
host_release() {
	[ -n "${host_mount:-}" ] || return 0
	umount "$host_mount" && rmdir "$host_mount" ||
		log "host mode: cannot unmount our binderfs instance on $host_mount"
	host_mount=
}

# host_build_id [NOTES VERSION RELEASE]: RELEASE:host:HASH, HASH the first
# 12 hex digits of the running kernel's GNU build id (/sys/kernel/notes),
# else of /proc/version; scripts/device-run passes a device's copies.
host_build_id() {
	local id notes=${1:-/sys/kernel/notes} version=${2:-/proc/version} rel=${3:-$(uname -r)}
	id=$(/usr/bin/python3 - "$notes" <<'EOF' 2>/dev/null
import struct
import sys
data = open(sys.argv[1], "rb").read()
off = 0
while off + 12 <= len(data):
    namesz, descsz, ntype = struct.unpack_from("<III", data, off)
    name = data[off + 12:off + 12 + namesz]
    desc_off = off + 12 + ((namesz + 3) & ~3)
    if ntype == 3 and name.rstrip(b"\0") == b"GNU":
        print(data[desc_off:desc_off + descsz].hex())
        break
    off = desc_off + ((descsz + 3) & ~3)
EOF
	)
	[ -n "$id" ] || id=$(sha256sum <"$version" | cut -c1-40)
	echo "$rel:host:${id:0:12}"
}
