# shellcheck shell=bash
# Shared helpers for binderbench's shell scripts: errors, cache layout, kernel
# version discovery and the fetching of Debian kernel packages into the cache.

BB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BB_CACHE=${BINDERBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/binderbench}
BB_PROG=${BB_PROG:-$(basename "$0")}
# The Debian source package whose sources our module builds come from.
BB_SOURCE_PKG=linux-source-6.12
BB_SOURCE_TARBALL=/usr/src/linux-source-6.12.tar.xz

die() {
	echo "$BB_PROG: error: $*" >&2
	exit "${BB_DIE_STATUS:-1}"
}

log() {
	echo "$BB_PROG: $*" >&2
}

# Debian version of the installed kernel source package, e.g. 6.12.117-1~deb12u1.
bb_source_version() {
	local v
	v=$(dpkg-query -W -f='${Status} ${Version}' "$BB_SOURCE_PKG" 2>/dev/null) ||
		die "$BB_SOURCE_PKG is not installed; run scripts/setup first"
	case $v in
	"install ok installed "*) echo "${v##* }" ;;
	*) die "$BB_SOURCE_PKG is not installed; run scripts/setup first" ;;
	esac
}

# Kernel release (uname -r) built from the installed source package,
# e.g. 6.12.117+deb12-amd64: the image and headers must have this release.
bb_source_release() {
	local v up
	v=$(bb_source_version)
	up=${v%%-*}
	# Debian's bookworm backport of 6.12 names its ABI "<upstream>+deb12".
	echo "${up}+deb12-amd64"
}

# Map a --kernel argument to a kernel release.
#   6.12 (default): the release of the installed linux-source-6.12
#   6.1: the newest linux-image-6.1.0-N-amd64 the archive offers
#   anything else: taken as a full release string
bb_resolve_kernel() {
	local k=${1:-6.12} rel
	case $k in
	6.12) bb_source_release ;;
	6.1)
		if [ -s "$BB_CACHE/kernels/6.1.release" ]; then
			cat "$BB_CACHE/kernels/6.1.release"
			return
		fi
		rel=$(apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
			grep -E '^linux-image-6\.1\.0-[0-9]+-amd64$' | sort -V | tail -n 1)
		[ -n "$rel" ] || die "no linux-image-6.1.0-*-amd64 package in the apt lists (run apt-get update)"
		rel=${rel#linux-image-}
		mkdir -p "$BB_CACHE/kernels"
		echo "$rel" >"$BB_CACHE/kernels/6.1.release"
		echo "$rel"
		;;
	[0-9]*.*-*) echo "$k" ;;
	*) die "bad --kernel '$k' (want 6.12, 6.1 or a release such as 6.12.117+deb12-amd64)" ;;
	esac
}

# Directory of an unpacked Debian kernel image package: vmlinuz and lib/modules.
bb_kernel_dir() {
	echo "$BB_CACHE/kernels/$1"
}

# Download and unpack linux-image-RELEASE into the cache (idempotent).
bb_fetch_kernel() {
	local rel=$1 dir tmp deb
	dir=$(bb_kernel_dir "$rel")
	[ -f "$dir/.complete" ] && return 0
	mkdir -p "$BB_CACHE/kernels"
	tmp=$(mktemp -d "$BB_CACHE/kernels/.fetch.XXXXXX")
	log "fetching linux-image-$rel into $dir"
	if ! (cd "$tmp" && apt-get download "linux-image-$rel" >download.log 2>&1); then
		rm -rf "$tmp"
		die "cannot download linux-image-$rel from the Debian archive (is it still published? try apt-get update)"
	fi
	deb=$(ls "$tmp"/linux-image-*.deb)
	mkdir -p "$tmp/root"
	dpkg-deb -x "$deb" "$tmp/root" || {
		rm -rf "$tmp"
		die "cannot unpack $deb"
	}
	depmod -b "$tmp/root" "$rel" || {
		rm -rf "$tmp"
		die "depmod failed for $rel"
	}
	mkdir -p "$tmp/out"
	mv "$tmp/root/boot/vmlinuz-$rel" "$tmp/out/vmlinuz"
	mv "$tmp/root/boot/config-$rel" "$tmp/out/config"
	mv "$tmp/root/boot/System.map-$rel" "$tmp/out/System.map" 2>/dev/null || true
	mv "$tmp/root/lib/modules/$rel" "$tmp/out/modules"
	dpkg-deb -f "$deb" Version >"$tmp/out/package-version"
	touch "$tmp/out/.complete"
	rm -rf "$dir"
	mv "$tmp/out" "$dir"
	rm -rf "$tmp"
}

# Path of a module inside an unpacked image (e.g. kernel/fs/9p/9p.ko.xz).
bb_kernel_module_path() {
	local rel=$1 name=$2 dir f
	dir=$(bb_kernel_dir "$rel")/modules
	f=$(find "$dir/kernel" -name "$name.ko" -o -name "$name.ko.xz" -o -name "$name.ko.zst" 2>/dev/null | head -n 1)
	[ -n "$f" ] || return 1
	echo "$f"
}

# Print a script's help: its leading comment block (after the #! line).
bb_usage() {
	sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$1"
}
