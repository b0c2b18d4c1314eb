#!/usr/bin/env bash
# Reliability of the suite's own tools: every CLI given bad flags, missing
# files, unwritable outputs, a missing kernel package, a guest that cannot
# boot, a guest that hangs and an interrupted run answers with a clear
# one-line error ("PROG: error: ...") and a non-zero exit, leaves no
# partial file looking complete, and keeps earlier results intact.
# Usage: tools_test.sh BUILD_DIR   (from the source root; boots a few guests)
set -uo pipefail
build=$(realpath "$1")
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0

# expect NAME STATUS CMD...: CMD exits with STATUS ("any" = non-zero) and
# its last stderr line is the only one saying "error", as "PROG: error: ...".
expect() {
	local name=$1 want=$2 rc lines
	shift 2
	checks=$((checks + 1))
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	lines=$(grep -c 'error' "$tmp/err")
	if { [ "$want" = any ] && [ "$rc" = 0 ]; } || { [ "$want" != any ] && [ "$rc" != "$want" ]; } ||
		[ "$lines" != 1 ] || ! tail -n 1 "$tmp/err" | grep -E '^[a-z0-9-]+: error: .+' >/dev/null; then
		echo "FAIL $name: exit $rc (want $want), stderr:"
		sed 's/^/    /' "$tmp/err" | tail -n 5
		fails=$((fails + 1))
	else
		echo "ok   $name: $(tail -n 1 "$tmp/err")"
	fi
}

# Bad flags and values.
expect "vm-run bad flag" 1 scripts/vm-run --bogus
expect "vm-run no command" 1 scripts/vm-run
expect "vm-run bad --smp" 1 scripts/vm-run --smp 0 -- true
expect "vm-run bad --accel" 1 scripts/vm-run --accel xen -- true
expect "kmod-build bad flag" 1 scripts/kmod-build --bogus
expect "kmod-build unknown build" 1 scripts/kmod-build p99
expect "run-suite bad flag" 1 scripts/run-suite --bogus
expect "run-suite bad --reps" 1 scripts/run-suite --reps x
expect "run-suite bad --builds" 1 scripts/run-suite --builds 'a;b'
expect "compare bad flag" 2 scripts/compare --bogus results
expect "perf-record bad flag" 1 scripts/perf-record --bogus
expect "scale-vcpus bad flag" 1 scripts/scale-vcpus --bogus
expect "debug-kernel bad flag" 1 scripts/debug-kernel --bogus
expect "setup bad flag" 1 scripts/setup --bogus
for t in bench/install-storm bench/sync-txn bench/binder-torture bpf/binder-installs; do
	expect "$(basename $t) bad flag" 2 "$build/$t" --bogus
	expect "$(basename $t) missing value" 2 "$build/$t" -d
done
expect "binder-torture bad mode" 2 "$build/bench/binder-torture" explode
expect "binder-storms bad --size" 2 "$build/bench/binder-storms" --size=huge
expect "binder-storms bad flag" 2 "$build/bench/binder-storms" --bogus

# Missing files and unwritable outputs.
expect "vm-run missing module file" 1 scripts/vm-run --module /nonexistent.ko -- true
expect "vm-run unwritable --dmesg" 1 scripts/vm-run --dmesg /proc/nope/dmesg -- true
expect "run-suite unwritable --out" 1 scripts/run-suite --out /proc/nope --builds baseline
expect "compare missing input" 2 scripts/compare /nonexistent/results
expect "compare unwritable --out" 2 scripts/compare results/20261125-tcg-2vcpu --out /proc/nope
printf 'build_id,metric\nx,1\n' >"$tmp/bad.csv"
expect "compare malformed CSV" 2 scripts/compare "$tmp/bad.csv"
: >"$tmp/empty.csv"
expect "compare empty CSV" 2 scripts/compare "$tmp/empty.csv"
expect "binder-storms unwritable --benchmark_out" 2 "$build/bench/binder-storms" \
	--benchmark_out=/proc/nope/x.json --benchmark_filter=none
expect "binder-torture without binder" 1 "$build/bench/binder-torture" -d /nonexistent/binder kill

# A kernel package that does not exist in the archive.
expect "vm-run missing kernel package" 1 scripts/vm-run --kernel 6.12.999+deb12-amd64 --module none -- true

# Kernels of your own (--kernel PATH): Debian's 6.12 image unpacked as
# a user's `make modules_install INSTALL_MOD_PATH=` would leave them boot and
# run; a directory without an image, without modules, or a kernel without
# binder is refused with one line naming what is wanted.
# (6.12, not sid's 7.2: this must work without sid.)
kuser=${BINDERBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/binderbench}/kernels/$(scripts/kmod-build --id stock | cut -d: -f1)
expect "vm-run --kernel missing directory" 1 scripts/vm-run --kernel "$tmp/nokernel/" -- true
mkdir -p "$tmp/noimage/lib/modules/9.9.9/kernel"
expect "vm-run --kernel without an image" 1 scripts/vm-run --kernel "$tmp/noimage" -- true
mkdir -p "$tmp/nomods/boot" && : >"$tmp/nomods/boot/vmlinuz-9.9.9"
expect "vm-run --kernel without modules" 1 scripts/vm-run --kernel "$tmp/nomods" -- true
if [ -f "$kuser/vmlinuz" ]; then
	reluser=$(basename "$(realpath "$kuser")")
	mkdir -p "$tmp/userk/boot" "$tmp/userk/lib/modules"
	cp "$kuser/vmlinuz" "$tmp/userk/boot/vmlinuz-$reluser"
	cp -al "$kuser/modules" "$tmp/userk/lib/modules/$reluser" 2>/dev/null || cp -a "$kuser/modules" "$tmp/userk/lib/modules/$reluser"
	rm -f "$tmp/userk/lib/modules/$reluser"/modules.dep*
	checks=$((checks + 1))
	if [ "$(scripts/vm-run --kernel "$tmp/userk" --module stock -- uname -r 2>"$tmp/err")" = "$reluser" ]; then
		echo "ok   vm-run --kernel PATH (6.12 unpacked as a user's build) boots $reluser"
	else
		echo "FAIL vm-run --kernel PATH did not boot $reluser:"; tail -n 5 "$tmp/err"
		fails=$((fails + 1))
	fi
	find "$tmp/userk/lib/modules" -name 'binder_linux.ko*' -delete
	echo "not a binder kernel" >>"$tmp/userk/boot/vmlinuz-$reluser" # a new image: imported again
	expect "kmod-build stock on a kernel without binder" 1 scripts/kmod-build --kernel "$tmp/userk" stock
	expect "vm-run --kernel PATH with neither a binder module nor built-in binder" 1 \
		scripts/vm-run --kernel "$tmp/userk" -- true
else
	echo "FAIL the 6.12 kernel is not in the cache (scripts/setup fetches it)"
	fails=$((fails + 1))
fi

# In-tree kernels: an unknown kernel series or build is one line.
expect "kernel-build unknown series" 1 scripts/kernel-build --kernel 5.4 patched
expect "kernel-build unknown build" 1 scripts/kernel-build frob
expect "kernel-build prefix past the series" 1 scripts/kernel-build p42

# Your own kernel with binder built in and binderfs (the in-tree patched
# kernel of scripts/kernel-build, unpacked as a user's install would leave
# it): it boots with no module, its binder a private binderfs device; asking
# it to load a module build is refused with one line.
bik=$(scripts/kernel-build --kernel 6.12 patched 2>"$tmp/err") || bik=
if [ -n "$bik" ]; then
	kbi=${BINDERBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/binderbench}/kernels/$bik
	mkdir -p "$tmp/userbi/boot" "$tmp/userbi/lib/modules"
	cp "$kbi/vmlinuz" "$tmp/userbi/boot/vmlinuz-$bik"
	cp "$kbi/config" "$tmp/userbi/boot/config-$bik"
	cp -a "$kbi/modules" "$tmp/userbi/lib/modules/$bik"
	checks=$((checks + 1))
	if out=$(scripts/vm-run --kernel "$tmp/userbi" -- sh -c 'test -c "$BB_BINDER_DEV" && echo "$BB_BINDER $BB_BINDER_DEV"' 2>"$tmp/err") &&
		[ "$out" = "builtin /dev/binderfs/binder" ]; then
		echo "ok   vm-run --kernel PATH with binder built in: $out"
	else
		echo "FAIL vm-run --kernel PATH with binder built in said '$out':"; tail -n 5 "$tmp/err"
		fails=$((fails + 1))
	fi
	expect "vm-run a module build on a built-in binder kernel" 1 \
		scripts/vm-run --kernel "$tmp/userbi" --module baseline -- true
else
	echo "FAIL the in-tree kernel did not build: $(tail -n 1 "$tmp/err")"
	fails=$((fails + 1))
fi

# Debian sid out of reach: setup warns once and succeeds (everything else works).
mkdir -p "$tmp/nosid/apt-sid/etc"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://127.0.0.1:9/debian sid main" \
	>"$tmp/nosid/apt-sid/etc/sources.list"
checks=$((checks + 1))
if BINDERBENCH_CACHE=$tmp/nosid scripts/setup --kernel 7.2 >"$tmp/out" 2>"$tmp/err" &&
	[ "$(grep -c 'warning: cannot reach Debian sid' "$tmp/err")" = 1 ] && ! grep -q 'error' "$tmp/err"; then
	echo "ok   setup without sid: $(grep warning "$tmp/err")"
else
	echo "FAIL setup without sid:"; sed 's/^/    /' "$tmp/err" | tail -n 5
	fails=$((fails + 1))
fi

# A kernel that cannot boot: a cache whose image is garbage.
cache=$tmp/cache
rel=$(scripts/kmod-build --id baseline | cut -d: -f1)
real=${BINDERBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/binderbench}/kernels/$rel
mkdir -p "$cache/kernels/$rel"
cp -r "$real/modules" "$real/package-version" "$cache/kernels/$rel/"
head -c 1048576 /dev/urandom >"$cache/kernels/$rel/vmlinuz"
touch "$cache/kernels/$rel/.complete"
# The emulator of the real cache (QEMU 10).
mkdir -p "$cache/qemu"
ln -s "$(realpath "${BINDERBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/binderbench}/qemu/current")" "$cache/qemu/current"
expect "vm-run kernel that does not boot" 125 env BINDERBENCH_CACHE="$cache" \
	scripts/vm-run --module none --accel tcg --timeout 60 -- true

# A guest that hangs is killed at --timeout.
expect "vm-run hung guest" 124 scripts/vm-run --module none --timeout 20 -- sleep 600

# interrupt_when_guest_runs PID SECONDS: once a QEMU runs in the session
# PID leads (the command was started with setsid), wait SECONDS more and
# send SIGTERM to the whole session, as ^C would.
interrupt_when_guest_runs() {
	for _ in $(seq 240); do
		pgrep -s "$1" qemu-system >/dev/null && break
		sleep 0.5
	done
	sleep "$2"
	kill -TERM -- -"$1"
}

# An interrupted vm-run kills its QEMU.
checks=$((checks + 1))
setsid scripts/vm-run --module none -- sleep 600 >/dev/null 2>"$tmp/int.err" &
pid=$!
interrupt_when_guest_runs "$pid" 5
wait "$pid"
rc=$?
# A leaked QEMU stays; an exiting one is gone within seconds even when the
# machine is busy.
for _ in $(seq 20); do pgrep -s "$pid" >/dev/null || break; sleep 0.5; done
if [ "$rc" = 130 ] && [ "$(grep -c error "$tmp/int.err")" = 1 ] && ! pgrep -s "$pid" >/dev/null; then
	echo "ok   vm-run interrupted: $(grep error "$tmp/int.err")"
else
	echo "FAIL vm-run interrupted: exit $rc, QEMU left: $(pgrep -s "$pid" | wc -l)"
	cat "$tmp/int.err"
	fails=$((fails + 1))
fi

# An interrupted run-suite writes nothing and keeps the earlier run.
checks=$((checks + 1))
mkdir -p "$tmp/results/earlier"
echo "kept" >"$tmp/results/earlier/report.md"
setsid scripts/run-suite --builds baseline --reps 3 --out "$tmp/results" --run-id new \
	>/dev/null 2>"$tmp/rs.err" &
pid=$!
interrupt_when_guest_runs "$pid" 2
wait "$pid"
rc=$?
sleep 1
left=$(ls -A "$tmp/results" | tr '\n' ' ')
if [ "$rc" != 0 ] && [ "$left" = "earlier " ] && [ "$(cat "$tmp/results/earlier/report.md")" = kept ] &&
	grep -q 'run-suite: error: interrupted' "$tmp/rs.err"; then
	echo "ok   run-suite interrupted: $(grep 'error' "$tmp/rs.err" | tail -n 1)"
else
	echo "FAIL run-suite interrupted: exit $rc, results dir holds: $left"
	tail -n 5 "$tmp/rs.err"
	fails=$((fails + 1))
fi
pkill -s "$pid" 2>/dev/null

echo "tools: $((checks - fails))/$checks checks passed"
[ "$fails" = 0 ]
