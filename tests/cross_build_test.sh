#!/bin/bash
# Host test of scripts/cross-build: the arm64 build (BUILD_ROOT/arm64, as the
# arm64 guest tests use it) holds every driver and instrument as a static
# aarch64 executable, its BPF objects were made for arm64 against the arm64
# kernel's BTF (arm64's struct user_pt_regs in vmlinux.h, the x86 one's
# absence), and bad input gets one line: an unknown --arch, and a machine
# without the cross compiler (a PATH without it) names Debian's package.
# Usage: cross_build_test.sh SOURCE_ROOT BUILD_ROOT
set -u
src=$1 build=$2
passed=0 failed=0
check() { # check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name" >&2; fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

dir=$("$src/scripts/cross-build" --arch arm64 "$build/arm64") || { echo "FAIL: cross-build --arch arm64" >&2; exit 1; }
for p in bench/sync-txn bench/install-storm bench/binder-storms bench/binder-torture bench/mm-ops \
	bench/binderfs-ctl bpf/binder-installs bpf/binder-timeline; do
	f=$(file -b "$dir/$p" 2>/dev/null)
	check "$p is a static aarch64 executable ($f)" \
		bash -c '[[ $1 == *"ARM aarch64"* && $1 == *"statically linked"* ]]' _ "$f"
done
check "no sanitized programs in a static build" test ! -e "$dir/bench/sync-txn-asan"
check "vmlinux.h is arm64's" grep -q '^struct user_pt_regs {' "$dir/bpf/vmlinux.h"
# x86's struct pt_regs starts with r15; arm64's with its user_pt_regs union.
check "vmlinux.h is not x86's" bash -c '! grep -A1 "^struct pt_regs {" "$1" | grep -q "r15;"' _ "$dir/bpf/vmlinux.h"
check "BPF objects are BPF" bash -c 'file -b "$1" | grep -q "eBPF"' _ "$dir/bpf/binder_installs.bpf.o"

"$src/scripts/cross-build" --arch sparc "$tmp/x" >"$tmp/out" 2>"$tmp/err"
check "bad --arch fails" test $? != 0
check "bad --arch: one line" grep -qx "cross-build: error: bad --arch 'sparc' (want x86_64 or arm64)" "$tmp/err"

# A PATH with everything of /usr/bin but the arm64 cross compilers.
mkdir -p "$tmp/bin"
for f in /usr/bin/*; do
	case ${f##*/} in aarch64-linux-gnu-*) continue ;; esac
	ln -s "$f" "$tmp/bin/"
done
PATH=$tmp/bin "$src/scripts/cross-build" --arch arm64 "$tmp/y" >"$tmp/out" 2>"$tmp/err"
check "no cross compiler fails" test $? != 0
check "no cross compiler names the package" \
	grep -qx "cross-build: error: no cross compiler for arm64 .*install Debian's gcc-aarch64-linux-gnu and g++-aarch64-linux-gnu.*" "$tmp/err"
check "no cross compiler: nothing made" test ! -e "$tmp/y"
echo "cross-build: $passed passed, $failed failed"
[ "$failed" = 0 ]
