# shellcheck shell=bash
# Shared helpers for binderbench's shell scripts: errors, cache layout, kernel
# version discovery and the fetching of Debian kernel packages into the cache.

BB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BB_CACHE=${BINDERBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/binderbench}
BB_PROG=${BB_PROG:-$(basename "$0")}
# The Debian source package whose sources our module builds come from.
BB_SOURCE_PKG=linux-source-6.12
# shellcheck disable=SC2034 # used by the scripts that source this file
BB_SOURCE_TARBALL=/usr/src/linux-source-6.12.tar.xz

die() {
	echo "$BB_PROG: error: $*" >&2
	exit "${BB_DIE_STATUS:-1}"
}

log() {
	echo "$BB_PROG: $*" >&2
}

# Whether Debian package PKG is installed (its own status, not a grep of
# it: see tests/shell_lint.py on pipelines under pipefail).
bb_pkg_installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = 'install ok installed' ]
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
	case ${BB_ARCH:-x86_64} in
	arm64) echo "${up}+deb12-arm64" ;;
	*) echo "${up}+deb12-amd64" ;;
	esac
}

# A private apt configuration in the cache for one more Debian suite: its own
# sources list, lists and archive directories; the machine's apt sources and
# dpkg state are never touched. bb_private_apt NAME SUITE apt-get|apt-cache ARGS...
# A NAME ending in -arm64 is a configuration for Debian's arm64 packages
# (APT::Architecture only: the machine's dpkg architectures are not touched);
# SUITE "bookworm" there also takes bookworm's updates and security suites
# (where linux-source-6.12's releases come from) and source packages.
bb_private_apt() {
	local name=$1 dir=$BB_CACHE/apt-$1 suite=$2 tool=$3 arch=amd64 key=/usr/share/keyrings/debian-archive-keyring.gpg
	shift 3
	case $name in *-arm64) arch=arm64 ;; esac
	mkdir -p "$dir/etc" "$dir/lists/partial" "$dir/cache/archives/partial"
	if [ ! -f "$dir/etc/sources.list" ]; then
		if [ "$arch" = arm64 ] && [ "$suite" = bookworm ]; then
			cat >"$dir/etc/sources.list" <<-EOF
				deb [signed-by=$key] http://deb.debian.org/debian bookworm main
				deb [signed-by=$key] http://deb.debian.org/debian bookworm-updates main
				deb [signed-by=$key] http://deb.debian.org/debian-security bookworm-security main
				deb-src [signed-by=$key] http://deb.debian.org/debian bookworm main
			EOF
		else
			echo "deb [signed-by=$key] http://deb.debian.org/debian $suite main" >"$dir/etc/sources.list"
		fi
	fi
	"$tool" -o Dir::Etc::SourceList="$dir/etc/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" \
		-o Dir::State::status=/dev/null -o APT::Architecture="$arch" -o APT::Sandbox::User=root "$@"
}

# Refresh a private configuration's lists when older than 12 h; returns 1 when
# the suite cannot be reached (apt-get update exits 0 even then: look).
bb_private_apt_update() {
	local name=$1 suite=$2 dir=$BB_CACHE/apt-$1
	if [ ! -f "$dir/.updated" ] || [ -n "$(find "$dir/.updated" -mmin +720)" ]; then
		mkdir -p "$dir"
		if bb_private_apt "$name" "$suite" apt-get update -qq >"$BB_CACHE/apt-$name.log" 2>&1 &&
			! grep -qE '^(E:|W: Failed to fetch|Err:)' "$BB_CACHE/apt-$name.log"; then
			touch "$dir/.updated"
		else
			return 1
		fi
	fi
}

# Debian sid, for newer kernels (7.2).
BB_SID_DIR=$BB_CACHE/apt-sid
bb_sid_apt() {
	bb_private_apt sid sid "$@"
}

# The newest sid kernel release of a series (7.2) or of all (empty), from
# the private lists: linux-binary-<release> packages of the amd64 flavour.
bb_sid_release() {
	local series=$1 rel
	bb_apt_lists "$BB_SID_DIR/lists" ||
		die "no Debian sid package lists in $BB_SID_DIR (run scripts/setup)"
	rel=$(bb_sid_apt apt-cache pkgnames linux-binary- 2>/dev/null |
		grep -E "^linux-binary-${series:+${series//./\\.}\\.}[0-9][0-9.]*\+deb[0-9]+-amd64\$" |
		sed 's/^linux-binary-//' | sort -V | tail -n 1)
	[ -n "$rel" ] || die "Debian sid carries no linux-binary-${series:+$series.}*-amd64 now (run scripts/setup to refresh its lists)"
	echo "$rel"
}

# Linux's Rust code (the rust@7.2 kernel) needs rustc, bindgen and libclang
# newer than bookworm's (bookworm's bindgen 0.60 is below 7.2's 0.71.1): a
# minimal Debian sid root in the cache, made by debootstrap and entered by
# chroot for kernel builds only (sid's tools need sid's glibc). Keyed by its
# package list; ROOT/.bb-versions says which rustc, bindgen, clang and gcc
# it holds, ROOT/.bb-cost what making it took.
BB_RUST_PACKAGES="rustc bindgen rust-src libclang-dev clang llvm lld make gcc flex bison bc perl libelf-dev libssl-dev dwarves python3 cpio kmod xz-utils"
bb_rust_root_dir() {
	echo "$BB_CACHE/rust/root-$(echo "$BB_RUST_PACKAGES" | sha256sum | cut -c1-12)"
}

# bb_sid_root KIND FLAG WHAT MINUTES VERSIONS PACKAGES: the path of a
# minimal Debian sid root of PACKAGES in $BB_CACHE/KIND/root-<hash of
# PACKAGES>, made by debootstrap first when missing (WHAT and MINUTES for
# the messages, FLAG the scripts/setup flag that makes it); the function
# VERSIONS ROOT prints what it holds into ROOT/.bb-versions, and
# ROOT/.bb-cost says what making it took. Dies with one line when it cannot
# be made (no root, no debootstrap, sid out of reach).
bb_sid_root() {
	local kind=$1 flag=$2 what=$3 minutes=$4 versions=$5 packages=$6 root tmp start
	root=$BB_CACHE/$kind/root-$(echo "$packages" | sha256sum | cut -c1-12)
	if [ ! -f "$root/.bb-versions" ]; then
		[ "$(id -u)" = 0 ] || die "$what (a Debian sid root) is missing and only root can make it; run scripts/setup $flag as root"
		command -v debootstrap >/dev/null || die "debootstrap is missing: $what cannot be made; run scripts/setup $flag"
		mkdir -p "$BB_CACHE/$kind"
		tmp=$root.tmp
		rm -rf "$tmp"
		log "making $what: a Debian sid root by debootstrap ($minutes)"
		start=$(date +%s)
		debootstrap --variant=minbase --include="${packages// /,}" sid "$tmp" \
			http://deb.debian.org/debian >"$BB_CACHE/$kind/debootstrap.log" 2>&1 ||
			die "cannot make $what's sid root (log: $BB_CACHE/$kind/debootstrap.log)"
		chroot "$tmp" apt-get clean >/dev/null 2>&1 || true
		"$versions" "$tmp" >"$tmp/.bb-versions.tmp" ||
			die "the sid root in $tmp lacks a tool (log: $BB_CACHE/$kind/debootstrap.log)"
		echo "seconds=$(($(date +%s) - start)) size=$(du -sh "$tmp" | cut -f1)" >"$tmp/.bb-cost"
		mv "$tmp/.bb-versions.tmp" "$tmp/.bb-versions"
		rm -rf "$root"
		mv "$tmp" "$root"
	fi
	echo "$root"
}

# Print the Rust toolchain's sid root, making it first when missing (3-7
# minutes and 2 GiB).
bb_rust_root() {
	bb_sid_root rust --rust "the Rust toolchain" "3-7 minutes, 2 GiB" bb_rust_versions "$BB_RUST_PACKAGES"
}

# A Debian sid root with adbd (Android's adb daemon; Debian has it in sid
# only): the device that scripts/device-run's test talks real adb to is a
# guest running this adbd (tests/guest/adbd_device.sh). 2-4 minutes once.
BB_ADBD_PACKAGES="adbd"
bb_adbd_root() {
	bb_sid_root adbd --adbd adbd "2-4 minutes" bb_adbd_version "$BB_ADBD_PACKAGES"
}
bb_adbd_version() {
	chroot "$1" dpkg-query -W -f='adbd ${Version}\n' adbd
}

# One line a tool: the toolchain's versions as the root's tools print them.
bb_rust_versions() {
	local root=$1
	chroot "$root" rustc --version &&
		chroot "$root" bindgen --version &&
		chroot "$root" clang --version | sed -n 1p &&
		chroot "$root" gcc --version | sed -n 1p &&
		chroot "$root" pahole --version
}

# Run a command in the sid root with /proc, /dev and the given directories
# bound at their own paths, in a mount namespace of its own (the mounts go
# with it). bb_in_rust_root ROOT DIR... -- COMMAND...
bb_in_rust_root() {
	local root=$1
	shift
	local dirs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do dirs+=("$1"); shift; done
	shift
	unshare --mount --propagation private -- /bin/sh -c '
		root=$1 n=$2
		shift 2
		mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" || exit 125
		while [ "$n" -gt 0 ]; do
			mkdir -p "$root$1" && mount --bind "$1" "$root$1" || exit 125
			n=$((n - 1))
			shift
		done
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
	' sh "$root" "${#dirs[@]}" "${dirs[@]}" "$@"
}

# Map a --kernel argument to a kernel release.
#   6.12 (default): the release of the installed linux-source-6.12
#   6.1: the newest linux-image-6.1.0-N-amd64 the archive offers
#   7.2: the newest 7.2 release Debian sid carries; sid: sid's newest
#   PATH (with a /): a kernel of your own, see bb_import_kernel
#   anything else: taken as a full release string
bb_resolve_kernel() {
	local k=${1:-6.12} rel
	case $k in
	*/*) bb_import_kernel "$k" ;;
	6.12) bb_source_release ;;
	7.2) bb_sid_release 7.2 ;;
	sid) bb_sid_release "" ;;
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
	*) die "bad --kernel '$k' (want 6.12, 6.1, 7.2, sid or a release such as 6.12.117+deb12-amd64)" ;;
	esac
}

# Directory of an unpacked Debian kernel image package: vmlinuz and lib/modules.
bb_kernel_dir() {
	echo "$BB_CACHE/kernels/$1"
}

# Whether the package lists of an apt configuration hold a version of PKG:
# bb_apt_knows PKG [WRAPPER ARGS...] (WRAPPER: bb_sid_apt, bb_arch_apt arm64;
# none: the machine's lists). apt-cache's own exit status, never a pipe into
# grep -q: under pipefail grep's early exit kills apt-cache with SIGPIPE
# about half the time, and the package reads as missing (see
# tests/shell_lint.py). apt-cache show exits 100 for a name it does not know
# and 0 for a purely virtual one, which has no Package: stanza.
bb_apt_knows() {
	local pkg=$1 out
	shift
	out=$("$@" apt-cache show "$pkg" 2>/dev/null) || return 1
	[[ $'\n'$out == *$'\n'"Package: $pkg"$'\n'* ]]
}

# Whether the lists of an apt configuration hold any package index at all
# (none: apt-get update never reached the archive). bb_apt_lists DIR.
bb_apt_lists() {
	local f
	for f in "$1"/*_Packages*; do
		[ -s "$f" ] && return 0
	done
	return 1
}

# Where Debian kernel RELEASE comes from: prints the archive and its
# packages, "bookworm linux-image-RELEASE[-unsigned]", "sid
# linux-binary-RELEASE linux-modules-RELEASE linux-base-RELEASE" or (arm64)
# "bookworm-arm64 linux-image-RELEASE[-unsigned]". Reads the package lists
# only. A package that is missing and lists that are missing (an archive
# never reached) get different lines.
bb_kernel_packages() {
	local rel=$1 img=linux-image-$1
	case $rel in
	*-arm64)
		if bb_apt_knows "$img" bb_arch_apt arm64; then
			echo "bookworm-arm64 $img"
		elif bb_apt_knows "$img-unsigned" bb_arch_apt arm64; then
			echo "bookworm-arm64 $img-unsigned"
		else
			die "arm64 kernel $rel is not in Debian's archive (neither $img nor $img-unsigned in bookworm's arm64 lists; scripts/setup refreshes them)"
		fi
		return
		;;
	esac
	# A new point release often reaches the archive as -unsigned first (the
	# signed image follows with the Secure Boot signing): the same kernel.
	if bb_apt_knows "$img"; then
		echo "bookworm $img"
	elif bb_apt_knows "$img-unsigned"; then
		echo "bookworm $img-unsigned"
	elif bb_apt_knows "linux-binary-$rel" bb_sid_apt; then
		echo "sid linux-binary-$rel linux-modules-$rel linux-base-$rel"
	elif ! bb_apt_lists /var/lib/apt/lists; then
		die "cannot look up kernel $rel: the machine has no apt package lists (apt-get update has not reached Debian's archive; run it, or scripts/setup)"
	elif [[ $rel != *+deb12-* ]] && ! bb_apt_lists "$BB_SID_DIR/lists"; then
		die "cannot look up kernel $rel: no Debian sid package lists in $BB_SID_DIR (sid was not reached; scripts/setup fetches them)"
	else
		die "kernel $rel is not in Debian's archive (neither bookworm's $img nor sid's linux-binary-$rel; scripts/setup refreshes the package lists)"
	fi
}

# Why an apt-get download failed, in one line, from its LOG: an archive
# that cannot be reached says so; a package the archive no longer serves
# (lists older than the archive) says to refresh the lists.
bb_download_why() {
	local why
	why=$(grep -m1 -E '^E:' "$1" 2>/dev/null) || why="E: no error message from apt-get (log: $1)"
	why=${why#E: }
	case $why in
	*"Could not resolve"* | *"Temporary failure resolving"* | *"Could not connect"* | *"Connection failed"* | *"Unable to connect"* | *"unreachable"* | *"timed out"*)
		echo "Debian's archive cannot be reached: $why" ;;
	*) echo "$why; scripts/setup refreshes the package lists" ;;
	esac
}

# apt-get download PACKAGE... from archive FROM (as bb_kernel_packages names
# it: bookworm, the machine's configuration; sid; bookworm-arm64) into DIR,
# apt-get's output in DIR/download.log (bb_download_why reads it).
bb_download_debs() {
	local from=$1 dir=$2 apt=()
	shift 2
	case $from in
	bookworm) ;;
	sid) apt=(bb_sid_apt) ;;
	bookworm-arm64) apt=(bb_arch_apt arm64) ;;
	*) die "unknown archive '$from' (want bookworm, sid or bookworm-arm64)" ;;
	esac
	(cd "$dir" && "${apt[@]}" apt-get download "$@" >download.log 2>&1)
}

# Download and unpack a Debian kernel RELEASE into the cache (idempotent):
# the packages bb_kernel_packages names, from bookworm (the machine's
# archive) or sid (a private configuration). Leaves vmlinuz, config,
# System.map, modules/ (with modules.dep) and package-version.
bb_fetch_kernel() {
	local rel=$1 dir tmp deb from spec pkgs
	dir=$(bb_kernel_dir "$rel")
	[ -f "$dir/.complete" ] && return 0
	case $rel in *-arm64) bb_fetch_arm64_kernel "$rel"; return ;; esac
	spec=$(bb_kernel_packages "$rel") || exit
	from=${spec%% *} pkgs=${spec#* }
	mkdir -p "$BB_CACHE/kernels"
	tmp=$(mktemp -d "$BB_CACHE/kernels/.fetch.XXXXXX")
	log "fetching $pkgs ($from) into $dir"
	# shellcheck disable=SC2086 # the package names, split on purpose
	if ! bb_download_debs "$from" "$tmp" $pkgs; then
		local why
		why=$(bb_download_why "$tmp/download.log")
		rm -rf "$tmp"
		die "cannot download kernel $rel from Debian $from ($why)"
	fi
	mkdir -p "$tmp/root"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root" || {
			rm -rf "$tmp"
			die "cannot unpack $deb"
		}
	done
	mkdir -p "$tmp/out"
	if [ $from = sid ]; then
		# Merged /usr: everything lives in usr/lib/modules/RELEASE.
		local m=$tmp/root/usr/lib/modules/$rel
		if ! mv "$m/vmlinuz" "$tmp/out/vmlinuz" || ! mv "$m/config" "$tmp/out/config"; then
			rm -rf "$tmp"
			die "sid's packages of $rel hold no vmlinuz/config"
		fi
		mv "$m/System.map" "$tmp/out/System.map" 2>/dev/null || true
		mkdir -p "$tmp/root/lib/modules"
		mv "$m" "$tmp/root/lib/modules/$rel"
		echo "$(dpkg-deb -f "$tmp"/linux-binary-*.deb Version) (Debian sid)" >"$tmp/out/package-version"
	else
		mv "$tmp/root/boot/vmlinuz-$rel" "$tmp/out/vmlinuz"
		mv "$tmp/root/boot/config-$rel" "$tmp/out/config"
		mv "$tmp/root/boot/System.map-$rel" "$tmp/out/System.map" 2>/dev/null || true
		dpkg-deb -f "$tmp"/linux-image-*.deb Version >"$tmp/out/package-version"
	fi
	depmod -b "$tmp/root" "$rel" || {
		rm -rf "$tmp"
		die "depmod failed for $rel"
	}
	mv "$tmp/root/lib/modules/$rel" "$tmp/out/modules"
	touch "$tmp/out/.complete"
	rm -rf "$dir"
	mv "$tmp/out" "$dir"
	rm -rf "$tmp"
}

# Debian's arm64 kernel RELEASE (bookworm's, through the private arm64
# configuration) into the cache, as bb_fetch_kernel leaves an x86 one, plus
# headers/: its linux-headers (and -common) unpacked, for out-of-tree module
# builds with the cross compiler. Their host tools are the machine's own
# linux-kbuild of the same release (a dependency of the x86 headers), so the
# headers' scripts/ and tools/ links point there, and the arch tree's
# Makefile includes the unpacked -common tree instead of /usr/src's.
bb_fetch_arm64_kernel() {
	local rel=$1 dir tmp deb pkgs common kb
	dir=$(bb_kernel_dir "$rel")
	kb=/usr/lib/linux-kbuild-${rel%-arm64}
	[ -d "$kb/scripts" ] || die "linux-kbuild-${rel%-arm64} (the host tools of $rel's headers) is not installed; run scripts/setup"
	mkdir -p "$BB_CACHE/kernels"
	tmp=$(mktemp -d "$BB_CACHE/kernels/.fetch.XXXXXX")
	pkgs=$(bb_kernel_packages "$rel") || { rm -rf "$tmp"; exit 1; }
	pkgs=${pkgs#* }
	common=linux-headers-${rel%-arm64}-common
	log "fetching $pkgs, linux-headers-$rel and $common (Debian bookworm, arm64) into $dir"
	if ! bb_download_debs bookworm-arm64 "$tmp" "$pkgs" "linux-headers-$rel" "$common"; then
		local why
		why=$(bb_download_why "$tmp/download.log")
		rm -rf "$tmp"
		die "cannot download arm64 kernel $rel from Debian bookworm ($why)"
	fi
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root" || { rm -rf "$tmp"; die "cannot unpack $deb"; }
	done
	mkdir -p "$tmp/out"
	mv "$tmp/root/boot/vmlinuz-$rel" "$tmp/out/vmlinuz"
	mv "$tmp/root/boot/config-$rel" "$tmp/out/config"
	mv "$tmp/root/boot/System.map-$rel" "$tmp/out/System.map" 2>/dev/null || true
	dpkg-deb -f "$tmp"/linux-image-*.deb Version >"$tmp/out/package-version"
	depmod -b "$tmp/root" "$rel" || { rm -rf "$tmp"; die "depmod failed for $rel"; }
	mv "$tmp/root/lib/modules/$rel" "$tmp/out/modules"
	rm -f "$tmp/out/modules/build" "$tmp/out/modules/source"
	mkdir -p "$tmp/out/headers/usr/lib"
	mv "$tmp/root/usr/src" "$tmp/out/headers/usr/src"
	ln -s "$kb" "$tmp/out/headers/usr/lib/$(basename "$kb")"
	sed -i "s|^include /usr/src/|include $dir/headers/usr/src/|" "$tmp/out/headers/usr/src/linux-headers-$rel/Makefile"
	touch "$tmp/out/.complete"
	rm -rf "$dir"
	mv "$tmp/out" "$dir"
	rm -rf "$tmp"
}

# The kernel's own build-tree headers for out-of-tree modules.
bb_kernel_headers() {
	case $1 in
	*-arm64) echo "$(bb_kernel_dir "$1")/headers/usr/src/linux-headers-$1" ;;
	*) echo "/usr/src/linux-headers-$1" ;;
	esac
}

# A kernel of your own: DIR holds an image (vmlinuz*, boot/vmlinuz-*, bzImage)
# and lib/modules/<release> (as `make modules_install INSTALL_MOD_PATH=DIR`
# leaves it; usr/lib/modules works too), or DIR is a kernel build tree
# (arch/x86/boot/bzImage, modules.order and the built .ko files), or DIR
# holds an image and its config only (config-*, .config) of a kernel with
# everything the guest needs built in (binder, virtio, 9p). It is
# imported into the cache under "<release>+user-<hash of the image>" (the
# release every result names) and its modules indexed with depmod; an
# image that changes is imported again. Prints that name.
bb_import_kernel() {
	local path=$1 img='' c moddir='' rel id dir tmp
	[ -d "$path" ] || die "--kernel $path: no such directory (want a kernel image plus lib/modules/<release>, or a kernel build tree)"
	path=$(realpath "$path")
	for c in "$path"/vmlinuz* "$path"/boot/vmlinuz-* "$path"/bzImage "$path"/arch/x86/boot/bzImage; do
		[ -f "$c" ] && { img=$c; break; }
	done
	[ -n "$img" ] || die "--kernel $path: no kernel image (want vmlinuz*, boot/vmlinuz-*, bzImage or arch/x86/boot/bzImage)"
	for c in "$path"/lib/modules/*/ "$path"/usr/lib/modules/*/; do
		{ [ -d "$c/kernel" ] || [ -f "$c/modules.builtin" ]; } && { moddir=${c%/}; break; }
	done
	local config=
	for c in "$path"/config-* "$path"/boot/config-* "$path"/.config "$path"/config; do
		[ -f "$c" ] && { config=$c; break; }
	done
	if [ -n "$moddir" ]; then
		rel=$(basename "$moddir")
	elif [ -f "$path/modules.order" ] && [ -f "$path/include/config/kernel.release" ]; then
		rel=$(cat "$path/include/config/kernel.release")
	elif [ -n "$config" ] && ! grep -qx 'CONFIG_MODULES=y' "$config"; then
		# No modules at all: the release from the bzImage's header (the
		# kernel version string's offset at 0x20e, relative to 0x200).
		local off
		off=$(od -An -tu2 -j $((0x20e)) -N2 "$img" | tr -d ' ')
		rel=$(dd if="$img" bs=1 skip=$((off + 0x200)) count=64 2>/dev/null | tr '\0' '\n' | sed -n '1s/ .*//p')
		[[ $rel =~ ^[0-9]+\.[0-9]+ ]] || die "--kernel $path: cannot read the release from $img"
	else
		die "--kernel $path: no modules (want lib/modules/<release>/ as make modules_install INSTALL_MOD_PATH= leaves it, a build tree with modules.order, or a kernel without modules and its config)"
	fi
	id="$rel+user-$(sha256sum "$img" | cut -c1-8)"
	dir=$(bb_kernel_dir "$id")
	if [ ! -f "$dir/.complete" ]; then
		mkdir -p "$BB_CACHE/kernels"
		tmp=$(mktemp -d "$BB_CACHE/kernels/.import.XXXXXX")
		mkdir -p "$tmp/root/lib/modules/$rel"
		if [ -n "$moddir" ]; then
			cp -a "$moddir/." "$tmp/root/lib/modules/$rel/"
		elif [ ! -f "$path/modules.order" ]; then
			: # a kernel without modules
		else
			# A build tree: the modules listed in modules.order, at their paths.
			local m
			while read -r m; do
				m=${m%.o}.ko
				[ -f "$path/$m" ] || continue
				mkdir -p "$tmp/root/lib/modules/$rel/kernel/$(dirname "$m")"
				cp "$path/$m" "$tmp/root/lib/modules/$rel/kernel/$m"
			done <"$path/modules.order"
			cp "$path/modules.builtin" "$tmp/root/lib/modules/$rel/" 2>/dev/null || true
		fi
		depmod -b "$tmp/root" "$rel" 2>"$tmp/depmod.log" || {
			rm -rf "$tmp"
			die "--kernel $path: depmod failed for its modules"
		}
		mkdir -p "$tmp/out"
		mv "$tmp/root/lib/modules/$rel" "$tmp/out/modules"
		cp "$img" "$tmp/out/vmlinuz"
		[ -z "$config" ] || cp "$config" "$tmp/out/config"
		echo "your kernel $rel from $path" >"$tmp/out/package-version"
		touch "$tmp/out/.complete"
		rm -rf "$dir"
		mv "$tmp/out" "$dir"
		rm -rf "$tmp"
	fi
	echo "$id"
}

# The build id of a kernel of your own with binder built in (build
# "builtin"): RELEASE:builtin:<hash of its image>.
bb_builtin_build_id() {
	echo "$1:builtin:$(sha256sum "$(bb_kernel_dir "$1")/vmlinuz" | cut -c1-12)"
}

# bb_kconfig_check CONFIG WHAT FRAGMENT...: every option of the fragments
# (as the last fragment that names it says: merge_config's rule) is in
# CONFIG, the .config olddefconfig left; prints the first that is not,
# naming its fragment and WHAT (e.g. "the 6.12 config"), and returns 1.
bb_kconfig_check() {
	local config=$1 what=$2 frag line opt
	shift 2
	local -A kc_want=() kc_from=()
	while read -r frag line; do
		case $line in
		'# CONFIG_'*' is not set')
			opt=${line#\# }
			opt=${opt%% *}
			kc_want[$opt]='unset'
			;;
		CONFIG_*=*)
			opt=${line%%=*}
			kc_want[$opt]=${line#*=}
			;;
		*) continue ;;
		esac
		kc_from[$opt]=$frag
	done < <(for frag in "$@"; do sed "s|^|$(basename "$frag") |" "$frag"; done)
	for opt in "${!kc_want[@]}"; do
		if [ "${kc_want[$opt]}" = unset ]; then
			if grep -q "^$opt=" "$config"; then
				echo "$what has $opt, which scripts/data/${kc_from[$opt]} leaves out"
				return 1
			fi
		elif ! grep -qxF "$opt=${kc_want[$opt]}" "$config"; then
			echo "$what lacks $opt (wanted ${kc_want[$opt]}; scripts/data/${kc_from[$opt]})"
			return 1
		fi
	done
}

# Path of a module inside an unpacked image (e.g. kernel/fs/9p/9p.ko.xz).
bb_kernel_module_path() {
	local rel=$1 name=$2 dir f
	dir=$(bb_kernel_dir "$rel")/modules
	f=$(find "$dir/kernel" \( -name "$name.ko" -o -name "$name.ko.xz" -o -name "$name.ko.zst" \) -print -quit 2>/dev/null)
	[ -n "$f" ] || return 1
	echo "$f"
}

# Print a script's help: its leading comment block (after the #! line).
bb_usage() {
	sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$1"
}

# Builds the C tools into $BB_ROOT/build with Meson (configured once), so a
# script can run them; dies with one line when that fails.
bb_build_tools() {
	(
		cd "$BB_ROOT" || exit 1
		if [ ! -f build/build.ninja ]; then
			meson setup build >/dev/null || die "meson setup build failed"
		fi
		ninja -C build >/dev/null || die "building the C tools failed (ninja -C build)"
	) || exit 1
}

# Target architectures: BB_ARCH, cross compilers and static sysroots.
# shellcheck source=arch.sh
source "$BB_ROOT/scripts/arch.sh"

# bb_fold_gbench REPCSV REP: Google Benchmark JSON that a guest without
# Python left beside a repetition's CSV (REP-NAME.gbench.json, see
# scripts/guest/suite-storms) converted into its rows and appended; the JSON
# files go. Fails when one does not convert.
bb_fold_gbench() {
	local csv=$1 rep=$2 j rows
	for j in "${csv%.csv}"-*.gbench.json; do
		[ -f "$j" ] || continue
		rows=$(/usr/bin/python3 "$BB_ROOT/scripts/gbench_csv.py" "$j" "$rep") || return 1
		echo "$rows" | tail -n +2 | cut -d, -f1-11 >>"$csv" || return 1
		rm -f "$j"
	done
}

# The header of the results CSV, defined once in scripts/guest/lib.sh.
BB_RESULTS_HEADER=$(. "$BB_ROOT/scripts/guest/lib.sh" && echo "$BB_RESULTS_HEADER")
