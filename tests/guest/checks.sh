#!/bin/sh
# Guest runner: the checks of one build in one guest, reported as TAP
# subtests (Meson's protocol 'tap' shows each; .ci/summary.py names each
# skipped or failed one). A check is one guest test script (the same
# scripts the single tests run, with the same arguments), run as a process
# of its own, in the order given; one check's failure does not stop the
# next. Its output becomes TAP comments; its status the verdict: 0 ok, 77
# "ok # SKIP" with the line that says why, anything else "not ok" with its
# last words. A kernel problem (WARNING, BUG, Oops, KASAN ... as
# scripts/vm/dmesg.sh lists them) logged while a check ran fails that
# check too, and vm-run fails the whole run on it as for any test. Exits 1
# when any check failed, 0 otherwise (skips included).
# Between checks the module's writable parameters (the -hooks builds'
# fail_insert, insert_delay_us) are put back as they were at boot, so every
# check starts from the same module state.
# Usage (inside scripts/vm-run):
#   checks.sh NAME SCRIPT [ARG...] [:: NAME SCRIPT [ARG...]]...
set -u
here=$(dirname "$0")
# shellcheck source=../../scripts/vm/dmesg.sh
. "$here/../../scripts/vm/dmesg.sh"
[ $# -ge 2 ] || { echo "checks.sh: error: usage: checks.sh NAME SCRIPT [ARG...] [:: NAME SCRIPT [ARG...]]..." >&2; exit 2; }

# Each check's words (no argument holds a newline: paths, numbers, flags),
# one a line in a file of its own.
total=1
: >/tmp/checks-1
for a in "$@"; do
	if [ "$a" = :: ]; then
		total=$((total + 1))
		: >"/tmp/checks-$total"
		continue
	fi
	printf '%s\n' "$a" >>"/tmp/checks-$total"
done
c=1
while [ $c -le $total ]; do
	[ "$(wc -l <"/tmp/checks-$c")" -ge 2 ] || {
		echo "checks.sh: error: check $c has no NAME and SCRIPT" >&2
		exit 2
	}
	c=$((c + 1))
done
echo "TAP version 13"
echo "1..$total"

params=/sys/module/binder_linux/parameters
saved=/tmp/checks-params
mkdir -p "$saved"
# (root may write any file: the mode tells which parameters are writable)
[ ! -d "$params" ] || find "$params" -maxdepth 1 -type f -perm -u+w | while read -r p; do
	cat "$p" >"$saved/${p##*/}"
done
restore_params() {
	for s in "$saved"/*; do
		[ -f "$s" ] || continue
		{ cat "$s" >"$params/${s##*/}"; } 2>/dev/null ||
			echo "# checks.sh: could not put back ${s##*/}"
	done
}

n=0 failed=0
# run_check NAME SCRIPT [ARG...]: one subtest.
run_check() {
	name=$1
	shift
	n=$((n + 1))
	log=/tmp/check-$n.log
	klines=$(dmesg | wc -l)
	start=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	sed 's/^/# /' "$log"
	# The kernel's lines logged since the check began.
	dmesg | sed -n "$((klines + 1)),\$p" >/tmp/check-$n.dmesg
	problems=$(dmesg_problems "/tmp/check-$n.dmesg")
	restore_params
	if [ -n "$problems" ]; then
		echo "$problems" | sed 's/^/# kernel: /'
		echo "not ok $n - $name # the kernel logged a problem during this check (${secs}s)"
		failed=$((failed + 1))
		return
	fi
	case $rc in
	0) echo "ok $n - $name # ${secs}s" ;;
	77)
		why=$(grep -i 'skip' "$log" | sed -n '$p')
		[ -n "$why" ] || why=$(sed -n '$p' "$log")
		echo "ok $n - $name # SKIP $why"
		;;
	*)
		last=$(grep -E 'FAIL|error' "$log" | sed -n '$p')
		[ -n "$last" ] || last=$(sed -n '$p' "$log")
		echo "not ok $n - $name # status $rc: $last"
		failed=$((failed + 1))
		;;
	esac
}

c=1
while [ $c -le $total ]; do
	set --
	while IFS= read -r a; do
		set -- "$@" "$a"
	done <"/tmp/checks-$c"
	run_check "$@"
	c=$((c + 1))
done
# The run's status, for vm-run and anyone running this outside Meson: 1
# when any check failed (Meson reads the verdicts from the TAP lines).
[ "$failed" = 0 ] || exit 1
