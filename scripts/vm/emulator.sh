# shellcheck shell=bash
# vm/emulator.sh - sourced by scripts/setup and scripts/vm-run: the suite's
# emulator. QEMU 10 from Debian's bookworm-backports, fetched through a
# private apt configuration and unpacked into the cache (bookworm's QEMU 7.2
# has a multi-threaded TCG cross-modifying-code race that kills guests with
# `Oops: int3` when the kernel patches its text: docs in README, "The guest").
# The machine's own qemu-system-x86_64 runs only when asked (--qemu PATH of
# vm-run, or BB_QEMU), with a warning.

BB_QEMU_SUITE=bookworm-backports
BB_QEMU_PKGS="qemu-system-x86 qemu-system-common qemu-system-data"

# Unpack QEMU from bookworm-backports into $BB_CACHE/qemu/<version> (once per
# version) and install the bookworm libraries it links against. Prints the
# wrapper's path. Needs root only when libraries are missing.
bb_fetch_qemu() {
	local ver dir tmp deb libs=() d missing_libs
	bb_private_apt_update backports "$BB_QEMU_SUITE" ||
		die "cannot reach Debian $BB_QEMU_SUITE for QEMU 10 (see $BB_CACHE/apt-backports.log)"
	ver=$(bb_private_apt backports "$BB_QEMU_SUITE" apt-cache show qemu-system-x86 2>/dev/null |
		sed -n 's/^Version: //p' | sort -V | tail -n 1)
	[ -n "$ver" ] || die "Debian $BB_QEMU_SUITE carries no qemu-system-x86 now"
	dir=$BB_CACHE/qemu/${ver//[:~+]/_}
	if [ ! -f "$dir/.complete" ]; then
		mkdir -p "$BB_CACHE/qemu"
		tmp=$(mktemp -d "$BB_CACHE/qemu/.fetch.XXXXXX")
		# shellcheck disable=SC2086
		if ! (cd "$tmp" && bb_private_apt backports "$BB_QEMU_SUITE" apt-get download $BB_QEMU_PKGS \
			>download.log 2>&1); then
			rm -rf "$tmp"
			die "cannot download $BB_QEMU_PKGS $ver from Debian $BB_QEMU_SUITE"
		fi
		for deb in "$tmp"/*.deb; do
			dpkg-deb -x "$deb" "$tmp/root" || {
				rm -rf "$tmp"
				die "cannot unpack $deb"
			}
		done
		dpkg-deb -f "$tmp"/qemu-system-x86_*.deb Depends >"$tmp/depends"
		mkdir -p "$tmp/bin"
		# The unpacked tree's data directory first, then bookworm's SeaBIOS
		# (the tree's bios.bin is a link into a seabios package not unpacked).
		cat >"$tmp/bin/qemu-system-x86_64" <<-EOF
			#!/bin/sh
			# QEMU $ver ($BB_QEMU_SUITE), unpacked by binderbench's scripts/setup.
			exec "$dir/root/usr/bin/qemu-system-x86_64" -L "$dir/root/usr/share/qemu" -L /usr/share/seabios "\$@"
		EOF
		chmod +x "$tmp/bin/qemu-system-x86_64"
		echo "$ver" >"$tmp/version"
		touch "$tmp/.complete"
		rm -rf "$dir" "$tmp"/*.deb
		mv "$tmp" "$dir"
	fi
	# Its libraries are bookworm's: install the ones the machine lacks.
	for d in $(tr ',' '\n' <"$dir/depends" | sed 's/|.*//; s/(.*//; s/[[:space:]]//g'); do
		case $d in qemu-* | seabios | ipxe-qemu | "") continue ;; esac
		bb_pkg_installed "$d" || libs+=("$d")
	done
	if [ ${#libs[@]} -gt 0 ]; then
		[ "$(id -u)" = 0 ] || die "QEMU 10 needs these Debian packages: ${libs[*]}; run scripts/setup as root"
		# The machine's lists may be stale or absent: refresh them once first.
		apt-get update -qq >"$BB_CACHE/apt-qemu.log" 2>&1 || die "apt-get update failed (see $BB_CACHE/apt-qemu.log)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${libs[@]}" \
			>>"$BB_CACHE/apt-qemu.log" 2>&1 ||
			die "apt-get install failed for QEMU 10's libraries: ${libs[*]} (see $BB_CACHE/apt-qemu.log)"
	fi
	missing_libs=$(ldd "$dir/root/usr/bin/qemu-system-x86_64" 2>/dev/null | awk '/not found/ { print $1 }' | paste -sd' ' -)
	[ -z "$missing_libs" ] || die "QEMU $ver lacks libraries: $missing_libs"
	ln -sfn "$(basename "$dir")" "$BB_CACHE/qemu/current"
	echo "$dir/bin/qemu-system-x86_64"
}

# The emulator vm-run uses: PATH (--qemu) or $BB_QEMU when given, else the
# cached QEMU 10. Prints its path; dies with one line when there is none.
bb_qemu_binary() {
	local want=${1:-${BB_QEMU:-}} q=$BB_CACHE/qemu/current/bin/qemu-system-x86_64
	if [ "${BB_ARCH:-x86_64}" = arm64 ]; then
		q=$BB_CACHE/qemu/current-arm/bin/qemu-system-aarch64
		[ -n "$want" ] || [ -x "$q" ] || die "QEMU 10's qemu-system-aarch64 is not in the cache ($q); run scripts/setup (or pass --qemu PATH)"
	fi
	if [ -n "$want" ]; then
		command -v "$want" >/dev/null 2>&1 || die "QEMU '$want' is not an executable"
		command -v "$want"
		return
	fi
	[ -x "$q" ] || die "QEMU 10 is not in the cache ($q); run scripts/setup (or pass --qemu PATH)"
	echo "$q"
}

# "10.0.2" from a QEMU binary's --version, or "unknown".
bb_qemu_version() {
	"$1" --version 2>/dev/null | sed -n '1s/.*version \([0-9][0-9.]*\).*/\1/p' | grep . || echo unknown
}

# The arm64 guest's emulator: qemu-system-aarch64 of the same QEMU 10
# (Debian's qemu-system-arm from bookworm-backports), unpacked beside the
# x86 one into $BB_CACHE/qemu/<version>-arm; its libraries are the same as
# the x86 one's (bb_fetch_qemu installs them). Prints the wrapper's path.
bb_fetch_qemu_arm64() {
	local x86 dir ver tmp missing_libs
	x86=$(bb_fetch_qemu)
	ver=$(cat "$(dirname "$(dirname "$x86")")/version")
	dir=$BB_CACHE/qemu/${ver//[:~+]/_}-arm
	if [ ! -f "$dir/.complete" ]; then
		tmp=$(mktemp -d "$BB_CACHE/qemu/.fetch.XXXXXX")
		if ! (cd "$tmp" && bb_private_apt backports "$BB_QEMU_SUITE" apt-get download "qemu-system-arm=$ver" \
			>download.log 2>&1) || ! dpkg-deb -x "$tmp"/qemu-system-arm_*.deb "$tmp/root"; then
			rm -rf "$tmp"
			die "cannot download or unpack qemu-system-arm $ver from Debian $BB_QEMU_SUITE"
		fi
		mkdir -p "$tmp/bin"
		cat >"$tmp/bin/qemu-system-aarch64" <<-EOW
			#!/bin/sh
			# QEMU $ver ($BB_QEMU_SUITE), unpacked by binderbench's scripts/setup.
			exec "$dir/root/usr/bin/qemu-system-aarch64" -L "$(dirname "$(dirname "$x86")")/root/usr/share/qemu" "\$@"
		EOW
		chmod +x "$tmp/bin/qemu-system-aarch64"
		echo "$ver" >"$tmp/version"
		touch "$tmp/.complete"
		rm -rf "$dir" "$tmp"/*.deb
		mv "$tmp" "$dir"
	fi
	missing_libs=$(ldd "$dir/root/usr/bin/qemu-system-aarch64" 2>/dev/null | awk '/not found/ { print $1 }' | paste -sd' ' -)
	[ -z "$missing_libs" ] || die "QEMU $ver (aarch64) lacks libraries: $missing_libs"
	ln -sfn "$(basename "$dir")" "$BB_CACHE/qemu/current-arm"
	echo "$dir/bin/qemu-system-aarch64"
}
