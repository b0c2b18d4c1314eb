#!/bin/bash
# Guest test of host mode (scripts/run-suite --host), run inside a guest as
# the machine that has binder: not root is refused in one line; on a kernel
# without binderfs a /dev/binder somebody holds open is refused in one line;
# then one repetition runs the storms and the BPF instrument on the running
# kernel's binder and writes a complete run (build id RELEASE:host:..., accel
# host, the binder's kind in meta.json). On a binderfs kernel the guest's own
# binderfs mount is left as it was and the private one is gone afterwards.
# Usage (inside scripts/vm-run): host_mode.sh RUN_SUITE BUILD_DIR
set -eu
BB_TEST=host-mode
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
run_suite=$1 build=$2
out=$(mktemp -d)
one_line() { # one_line FILE EXPECTED: FILE is one line holding EXPECTED
	[ "$(wc -l <"$1")" = 1 ] && grep -qF "$2" "$1" ||
		bb_fail "want one line with '$2', got: $(cat "$1")"
}

# Not root: a copy of the scripts nobody can read, so the refusal is host mode's.
cp -r "$(dirname "$run_suite")" "$out/scripts"
chmod -R a+rX "$out"
if setpriv --reuid=nobody --regid=nogroup --clear-groups "$out/scripts/run-suite" --host \
	--out "$out/nobody" 2>"$out/err"; then
	bb_fail "host mode ran as nobody"
fi
one_line "$out/err" "run-suite: error: host mode needs root"

mounts_before=$(grep ' binder ' /proc/mounts || true)
if [ -z "${BB_BINDERFS:-}" ]; then
	# /dev/binder in use: refused, naming the holder.
	# shellcheck disable=SC2217 # sleep holds the device open, reads nothing
	sleep 600 <"$BB_BINDER_DEV" &
	holder=$!
	sleep 0.5
	if BB_BUILD_DIR=$build "$run_suite" --host --out "$out" --run-id busy 2>"$out/err"; then
		bb_fail "host mode used a /dev/binder another process holds"
	fi
	kill $holder
	one_line "$out/err" "/dev/binder is in use by pid $holder (sleep)"
	[ ! -e "$out/busy" ] || bb_fail "a refused run left $out/busy"
	kind=module
else
	kind="built in"
fi

BB_BUILD_DIR=$build "$run_suite" --host --reps 1 --out "$out" --run-id h1 >"$out/log" 2>&1 ||
	{ cat "$out/log" >&2; bb_fail "host mode failed"; }
run=$out/h1
id="$(uname -r):host:"
[ -s "$run/results.csv" ] && [ -f "$run/meta.json" ] || bb_fail "no results.csv / meta.json in $run"
rows=$(tail -n +2 "$run/results.csv" | wc -l)
[ "$rows" -gt 20 ] || bb_fail "only $rows rows in results.csv"
bad=$(awk -F, -v id="$id" 'NR > 1 && (index($1, id) != 1 || $3 != "host") { print; exit }' "$run/results.csv")
[ -z "$bad" ] || bb_fail "a row not of build $id* with accel host: $bad"
# What host mode measures, by value: the cold installs counted by the
# tracepoints and by the BPF instrument, both > 0 (rows alone would pass
# with nothing measured).
val() {
	awk -F, -v m="$1" '$6 == "cold_install" && $8 == m { print $9; exit }' "$run/results.csv"
}
installs=$(val installs) bpf=$(val bpf_installs)
[ "${installs:-0}" -gt 0 ] 2>/dev/null || bb_fail "no cold installs counted (installs '${installs:-none}')"
[ "${bpf:-0}" -gt 0 ] 2>/dev/null || bb_fail "the BPF instrument counted no installs (bpf_installs '${bpf:-none}')"
grep -q "\"binder\": \"$kind\"" "$run/meta.json" || bb_fail "meta.json does not say binder $kind"
grep -q '"accel": "host"' "$run/meta.json" || bb_fail "meta.json does not say accel host"
[ "$(grep ' binder ' /proc/mounts || true)" = "$mounts_before" ] ||
	bb_fail "binderfs mounts changed: before '$mounts_before', after '$(grep ' binder ' /proc/mounts)'"
echo "$BB_TEST: $rows rows, $installs installs ($bpf by BPF), binder $kind, device $(sed -n 's/.*device \([^ ]*\).*/\1/p;T;q' "$out/log"); passed on $BB_BUILD_ID"
