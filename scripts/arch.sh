# shellcheck shell=bash
# arch.sh - sourced after lib.sh: the target architecture of a guest, a
# module build or a cross build (BB_ARCH: x86_64, the default, or arm64),
# and the static libraries a static build links, gathered per
# architecture into a sysroot in the cache from Debian's own packages
# (arm64's through the private apt configuration "bookworm-arm64": the
# machine's dpkg architectures and apt sources are never touched).

BB_ARCH=${BB_ARCH:-x86_64}
# Debian's -dev packages whose static libraries and pkg-config files the
# static build links (libbpf with its libelf, zlib and zstd), and the
# busybox the arm64 guest runs on. Google Benchmark ships no static
# library: it is built from Debian's source package (bb_sysroot_benchmark).
BB_SYSROOT_PACKAGES="libbpf-dev libelf-dev zlib1g-dev libzstd-dev busybox-static"

bb_check_arch() {
	case $1 in
	x86_64 | arm64) ;;
	amd64) die "bad --arch 'amd64' (say x86_64)" ;;
	*) die "bad --arch '$1' (want x86_64 or arm64)" ;;
	esac
}

# The GNU triplet of an architecture's compilers and libraries.
bb_triplet() { case $1 in arm64) echo aarch64-linux-gnu ;; *) echo x86_64-linux-gnu ;; esac; }

# The cross compiler of ARCH, checked: dies with one line naming the
# package that has it. Prints its prefix (empty for the machine's own).
bb_cross_prefix() {
	local arch=$1 t
	[ "$arch" != x86_64 ] || return 0
	t=$(bb_triplet "$arch")
	command -v "$t-gcc" >/dev/null && command -v "$t-g++" >/dev/null ||
		die "no cross compiler for $arch ($t-gcc, $t-g++): install Debian's gcc-$t and g++-$t (scripts/setup installs them)"
	echo "$t-"
}

# apt-get/apt-cache for ARCH's packages: the machine's own for x86_64.
bb_arch_apt() {
	local arch=$1
	shift
	if [ "$arch" = arm64 ]; then
		bb_private_apt_update bookworm-arm64 bookworm ||
			die "cannot reach Debian bookworm for arm64 packages (see $BB_CACHE/apt-bookworm-arm64.log)"
		bb_private_apt bookworm-arm64 bookworm "$@"
	else
		"$@"
	fi
}

bb_sysroot_dir() {
	echo "$BB_CACHE/sysroot/$1-$(echo "$BB_SYSROOT_PACKAGES recipe 1" | sha256sum | cut -c1-8)"
}

# Print ARCH's sysroot, making it first when missing: the packages'
# contents unpacked (dpkg-deb -x) and Google Benchmark built from Debian's
# source as a static library for ARCH. Under a minute once (23-50 s here).
bb_sysroot() {
	local arch=$1 dir tmp deb start
	dir=$(bb_sysroot_dir "$arch")
	if [ ! -f "$dir/.complete" ]; then
		bb_cross_prefix "$arch" >/dev/null
		command -v cmake >/dev/null || die "cmake is missing (Debian's cmake): it builds Google Benchmark for static builds; run scripts/setup"
		mkdir -p "$BB_CACHE/sysroot"
		tmp=$(mktemp -d "$BB_CACHE/sysroot/.make.XXXXXX")
		start=$(date +%s)
		log "making the $arch sysroot in $dir (Debian's $BB_SYSROOT_PACKAGES; Google Benchmark from source)"
		# shellcheck disable=SC2086
		if ! (cd "$tmp" && bb_arch_apt "$arch" apt-get download $BB_SYSROOT_PACKAGES >download.log 2>&1); then
			grep -m1 '^E:' "$tmp/download.log" >&2 || true
			rm -rf "$tmp"
			die "cannot download the $arch sysroot's packages ($BB_SYSROOT_PACKAGES)"
		fi
		for deb in "$tmp"/*.deb; do
			dpkg-deb -x "$deb" "$tmp/root" || { rm -rf "$tmp"; die "cannot unpack $deb"; }
		done
		bb_sysroot_benchmark "$arch" "$tmp" || { rm -rf "$tmp"; exit 1; }
		echo "seconds=$(($(date +%s) - start))" >"$tmp/root/.bb-cost"
		touch "$tmp/root/.complete"
		rm -rf "$dir"
		mv "$tmp/root" "$dir"
		rm -rf "$tmp"
	fi
	echo "$dir"
}

# Google Benchmark (Debian's source package "benchmark", the version the
# machine's libbenchmark-dev has) as libbenchmark.a in TMP/root/usr.
bb_sysroot_benchmark() {
	local arch=$1 tmp=$2 t src prefix ver
	t=$(bb_triplet "$arch")
	prefix=$(bb_cross_prefix "$arch")
	# (the source through the arm64 configuration, the one with bookworm's
	# deb-src line, whichever ARCH: a source package has no architecture)
	bb_private_apt_update bookworm-arm64 bookworm ||
		die "cannot reach Debian bookworm for Google Benchmark's source (see $BB_CACHE/apt-bookworm-arm64.log)"
	if ! (cd "$tmp" && bb_private_apt bookworm-arm64 bookworm apt-get source --download-only benchmark \
		>source.log 2>&1 && dpkg-source -x --no-check benchmark_*.dsc src >>source.log 2>&1); then
		grep -m1 '^E:' "$tmp/source.log" >&2 || true
		cp "$tmp/source.log" "$BB_CACHE/sysroot/benchmark-source.log"
		die "cannot fetch Google Benchmark's Debian source (log: $BB_CACHE/sysroot/benchmark-source.log)"
	fi
	src=$tmp/src
	# Its version as Debian's rules give it (there is no git to ask).
	ver=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
	ver=${ver%-*}
	if ! cmake -S "$src" -B "$tmp/gbuild" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGIT_VERSION="${ver#*:}" \
		-DBENCHMARK_ENABLE_TESTING=OFF -DBENCHMARK_ENABLE_GTEST_TESTS=OFF -DBENCHMARK_ENABLE_WERROR=OFF \
		-DBENCHMARK_ENABLE_LTO=OFF -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR="${t%%-*}" \
		-DCMAKE_C_COMPILER="${prefix}gcc" -DCMAKE_CXX_COMPILER="${prefix}g++" \
		-DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_LIBDIR="lib/$t" \
		>"$tmp/benchmark.log" 2>&1 ||
		! cmake --build "$tmp/gbuild" -j"$(nproc)" >>"$tmp/benchmark.log" 2>&1 ||
		! DESTDIR=$tmp/root cmake --install "$tmp/gbuild" >>"$tmp/benchmark.log" 2>&1; then
		tail -n 20 "$tmp/benchmark.log" >&2
		cp "$tmp/benchmark.log" "$BB_CACHE/sysroot/benchmark-$arch.log"
		die "cannot build Google Benchmark for $arch (log: $BB_CACHE/sysroot/benchmark-$arch.log)"
	fi
}
