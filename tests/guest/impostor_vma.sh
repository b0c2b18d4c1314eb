#!/bin/sh
# Guest test (issue 35): binder's shrinker and the pages of an unmapped
# binder mapping with another mapping at their old address. A binder
# instance is mapped once; unmapped, its pages are mapped nowhere and the
# shrinker may free them. binder-torture impostor leaves 64 pages on the
# freelist, unmaps, maps anonymous memory at the same address and runs the
# shrinker while it lives; binder-torture unmapped (the control) does the
# same without the anonymous mapping. Counted: the shrinker's frees of the
# process's pages (binder:binder_unmap_kernel_start events of its pid).
#   control (every run): with nothing at the address the shrinker frees at
#     least half the pages: the instrument reads non-zero in this run, so
#     the zeros below mean something;
#   partial (every run; binder-torture partial): only the half of the
#     mapping without the pages is unmapped, so binder's own vma still maps
#     them while the instance counts as unmapped: the shrinker must free
#     none (a freed page still mapped into userspace). A fix of the skip
#     below that frees every page of an unmapped instance fails here;
#   default: with the impostor there, the same (the build frees pages of
#     an unmapped instance whatever is mapped at their address);
#   --expect-skipped: the build judges the pages by the vma found at their
#     address and skips them all (LRU_SKIP) until the process exits (6.12,
#     the series before p9, 7.2): passes when none was freed, fails when
#     any was (the test lost its power, or the build is fixed).
# Usage (inside scripts/vm-run): impostor_vma.sh [--expect-skipped] TORTURE
set -eu
BB_TEST=impostor-vma
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
expect=freed
if [ "${1:-}" = --expect-skipped ]; then
	expect=skipped
	shift
fi
torture=$1
T=/sys/kernel/tracing
EV=$T/events/binder/binder_unmap_kernel_start
[ -d "$EV" ] || bb_fail "$EV is missing: the test needs the C driver's tracepoints"

# Runs binder-torture MODE under the event; sets pages (left on the
# freelist) and freed (the shrinker's frees of its pid).
count_frees() {
	echo 0 >"$T/tracing_on"
	echo >"$T/trace"
	echo 1 >"$EV/enable"
	echo 1 >"$T/tracing_on"
	_st=0
	"$torture" "$1" >/tmp/impostor.out 2>&1 || _st=$?
	echo 0 >"$T/tracing_on"
	echo 0 >"$EV/enable"
	cat /tmp/impostor.out
	[ "$_st" = 0 ] || bb_fail "binder-torture $1 failed (status $_st)"
	_pid=$(sed -n 's/^impostor: pid \([0-9]*\), .*/\1/p' /tmp/impostor.out)
	pages=$(sed -n 's/^impostor: pid [0-9]*, \([0-9]*\) pages .*/\1/p' /tmp/impostor.out)
	[ -n "$_pid" ] && [ -n "$pages" ] || bb_fail "binder-torture $1 printed no pid and page count"
	freed=$(grep -c "binder_unmap_kernel_start: proc=$_pid " "$T/trace" || true)
}

count_frees unmapped
c_pages=$pages c_freed=$freed
echo "$BB_TEST: control (nothing at the address): the shrinker freed $c_freed of $c_pages pages"
[ "$c_freed" -ge $((c_pages / 2)) ] ||
	bb_fail "the control freed $c_freed of $c_pages pages: the shrinker or the count does not work here"
count_frees partial
echo "$BB_TEST: half the mapping unmapped, the rest mapping the pages: the shrinker freed $freed of $pages pages"
[ "$freed" = 0 ] ||
	bb_fail "the shrinker freed $freed pages that the rest of binder's vma still maps (after a partial munmap)"
count_frees impostor
i_pages=$pages i_freed=$freed
echo "$BB_TEST: an anonymous mapping at the address: the shrinker freed $i_freed of $i_pages pages"
case $expect in
freed)
	[ "$i_freed" -ge $((i_pages / 2)) ] ||
		bb_fail "the shrinker freed $i_freed of $i_pages pages of an unmapped instance with another mapping at their address (control: $c_freed)"
	echo "$BB_TEST: passed on $BB_BUILD_ID"
	;;
skipped)
	[ "$i_freed" = 0 ] ||
		bb_fail "the shrinker freed $i_freed of $i_pages pages with another mapping at their address: the build does not skip them"
	echo "$BB_TEST: shown on $BB_BUILD_ID, as expected: no page freed while the impostor was mapped (control: $c_freed of $c_pages)"
	;;
esac
