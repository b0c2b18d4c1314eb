#!/bin/sh
# Guest test: who takes the receiver's mmap_lock during a cold page-install
# storm with reclaim between rounds, read from the mmap_lock tracepoints and
# attributed by kernel stack (scripts/guest/trace-installs).
#   expect=write    (baseline, p1) every install takes mmap_lock for write:
#                   install writes == installs, exactly
#   expect=read     (p2 .. p6) every install takes it once, for read only:
#                   install writes == 0, install reads == installs, exactly
#   expect=vma      (p7, p8) no install takes it for write, and in the common
#                   case not at all: reads are allowed for at most a tenth
#                   of the installs (lock_vma_under_rcu() failed), plus one
#                   per race on a build that still looks the page up on
#                   -EBUSY (7.2's upstream binder)
#   expect=vma-reclaim (p9) as vma, and reclaim takes mmap_lock for at most
#                   a tenth of the reclaimed pages (per-vma lock there too)
# Usage (inside scripts/vm-run): mmap_lock_writes.sh EXPECT TRACE_INSTALLS INSTALL_STORM
set -eu
expect=$1 trace=$2 storm=$3
"$trace" "$storm" -t 4 -l 4 -b 4 -s 6000 -r 10 --reclaim --marker >/tmp/counts
cat /tmp/counts
get() { sed -n "s/^$1=//p" /tmp/counts; }
installs=$(get installs) races=$(get races) reclaimed=$(get reclaimed)
iw=$(get mmap_install_write) ir=$(get mmap_install_read)
rr=$(($(get mmap_reclaim_read) + $(get mmap_reclaim_read_failed)))
fail() {
	echo "mmap_lock_writes: FAILED on $BB_BUILD_ID: $*" >&2
	exit 1
}
[ "$(get unattributed)" = 0 ] || fail "some mmap_lock events had no stack trace"
# The control for every zero below: the same tracepoints, in the same run,
# saw the storm's own mmap()/munmap() take mmap_lock (cause "other").
other=$(($(get mmap_other_read) + $(get mmap_other_write)))
[ "$other" -gt 0 ] ||
	fail "the mmap_lock tracepoints saw no acquisition at all (mmap/munmap included): a 0 from installs would mean nothing"
[ "$installs" -gt 0 ] || fail "the storm installed no pages"
[ "$reclaimed" -gt 0 ] || fail "the shrinker reclaimed no pages"
distinct=$(get pages_distinct)
[ "$distinct" -gt 0 ] && [ "$distinct" -le "$installs" ] ||
	fail "$distinct distinct pages counted for $installs installs"
case $expect in
write)
	[ "$iw" = "$installs" ] || fail "expected one mmap_lock write per install: $installs installs, $iw writes"
	;;
read)
	[ "$iw" = 0 ] || fail "$iw mmap_lock write acquisitions from the install path (expected 0)"
	[ "$ir" = "$installs" ] || fail "expected one mmap_lock read per install: $installs installs, $ir reads"
	;;
vma | vma-reclaim)
	[ "$iw" = 0 ] || fail "$iw mmap_lock write acquisitions from the install path (expected 0)"
	[ $(((ir - races) * 10)) -le "$installs" ] ||
		fail "$ir mmap_lock reads from $installs installs ($races races): the per-vma lock is not used"
	if [ "$expect" = vma-reclaim ]; then
		[ $((rr * 10)) -le "$reclaimed" ] ||
			fail "$rr mmap_lock acquisitions for $reclaimed reclaimed pages: reclaim does not use the per-vma lock"
	fi
	;;
*) fail "unknown expectation '$expect'" ;;
esac
echo "mmap_lock_writes: $BB_BUILD_ID: $installs installs, $iw mmap_lock writes and $ir reads from installs ($races races) of $distinct distinct pages; $reclaimed reclaimed, $rr mmap_lock acquisitions from reclaim; $other from mmap/munmap and the rest (the control)"
