#!/bin/sh
# Guest test of the binder-installs BPF instrument against tracefs for the
# same storm: its install count equals the binder_alloc_page_start events
# read back from tracefs, exactly, and so do the reclaimed pages and the
# install and reclaim mmap_lock acquisitions (read and write, taken and
# failed; some acquisition of the storm's mms must be counted); on baseline
# (expect=write) the mmap_lock write acquisitions it attributes to binder
# installs equal the installs, on patched (expect=vma) they are zero. The
# per-page keyed output adds up to the same installs; every synchronous call
# of the storm (4 threads x 4 x 10 rounds, plus the server's quits) has its
# queueing, reply and round-trip latency; contention is seen and every
# stack frame is symbolized, binder's with the module's name. Then the
# cgroup filter: the same storm in a cgroup
# is seen through -c of its cgroup and not through -c of an empty one.
# On Linux's Rust binder (BB_BINDER_DRIVER=rust: kprobes on its mangled
# functions, no page tracepoints) the reclaimed pages are its unmap_user
# (a page zapped and freed in one call), the freelist and unmap_kernel
# rows must be absent (not measurable, never 0), and its mm_lock mutex,
# which serializes one process's installs, must show contention.
# Usage (inside scripts/vm-run): bpf_installs.sh EXPECT BINDER_INSTALLS TRACE_INSTALLS INSTALL_STORM
set -eu
expect=$1 bi=$2 trace=$3 storm=$4
"$bi" -q -o /tmp/bi.csv -k /tmp/keyed.csv -s /tmp/stacks.txt -- "$trace" "$storm" -t 4 -l 4 -b 4 -s 6000 -r 10 --reclaim --marker >/tmp/counts
bpf() { sed -n "s/^$1,\([0-9]*\),.*/\1/p" /tmp/bi.csv; }
tfs() { sed -n "s/^$1=//p" /tmp/counts; }
fail() {
	echo "bpf_installs: FAILED on $BB_BUILD_ID: $*" >&2
	exit 1
}
installs=$(bpf installs) writes=$(bpf mmap_install_write)
freed=unmap_kernel
[ "${BB_BINDER_DRIVER:-c}" = c ] || freed=unmap_user
echo "bpf_installs: BPF installs=$installs $freed=$(bpf $freed) install_writes=$writes;" \
	"tracefs installs=$(tfs installs) reclaimed=$(tfs reclaimed) install_writes=$(tfs mmap_install_write)"
[ "$installs" -gt 0 ] || fail "no installs counted"
[ "$installs" = "$(tfs installs)" ] || fail "BPF counted $installs installs, tracefs $(tfs installs)"
[ "$(bpf $freed)" = "$(tfs reclaimed)" ] || fail "reclaimed pages differ from tracefs ($(bpf $freed) vs $(tfs reclaimed))"
if [ "${BB_BINDER_DRIVER:-c}" = rust ]; then
	for m in lru_alloc lru_free unmap_kernel alloc_lock_spin_count alloc_lock_mutex_count; do
		! grep -q "^$m," /tmp/bi.csv || fail "$m has a row on Rust binder, which cannot measure it"
	done
	mm=$(bpf rust_mm_lock_count)
	echo "bpf_installs: Rust binder's mm_lock: ${mm:-0} contended waits"
	[ "${mm:-0}" -gt 0 ] || fail "no mm_lock contention seen while 4 threads installed into one receiver"
fi
# mmap_lock as tracefs sees it in the same run, by the same stack rule
# (a binder frame: install; binder's shrinker: reclaim): every install and
# reclaim count, read and write, taken and failed, equal. Their zeros'
# control: the instrument counts acquisitions of the storm's mms at all.
for k in mmap_install_read mmap_install_write mmap_reclaim_read mmap_reclaim_write; do
	for f in '' _failed; do
		b=$(bpf "$k$f") t=$(tfs "$k$f")
		[ -n "$b" ] && [ -n "$t" ] || fail "no $k$f count (BPF '$b', tracefs '$t')"
		[ "$b" = "$t" ] || fail "BPF counted $b $k$f, tracefs $t"
	done
done
[ "$(tfs unattributed)" = 0 ] || fail "tracefs could not attribute $(tfs unattributed) mmap_lock events"
all=$(awk -F, '$1 ~ /^mmap_[a-z]+_(read|write)(_failed)?$/ { s += $2 } END { print s + 0 }' /tmp/bi.csv)
echo "bpf_installs: install and reclaim mmap_lock counts equal tracefs'; $all acquisitions of the storm's mms in all"
[ "$all" -gt 0 ] || fail "no mmap_lock acquisition of the storm's mms counted at all: its zeros mean nothing"
case $expect in
write) [ "$writes" = "$installs" ] || fail "$writes mmap_lock writes by installs, want $installs" ;;
vma) [ "$writes" = 0 ] || fail "$writes mmap_lock writes by installs, want 0" ;;
esac
grep -q '^install_latency_p99_us,' /tmp/bi.csv || fail "no install latency percentiles"
keyed=$(awk -F, '$1 == "install_page" { s += $4 } END { print s + 0 }' /tmp/keyed.csv)
[ "$keyed" = "$(bpf installs_completed)" ] || fail "per-page installs add up to $keyed, not $(bpf installs_completed)"
calls=$(bpf txn_sync_round_trip_count)
echo "bpf_installs: sync calls $calls (queued $(bpf txn_sync_queue_count), replies $(bpf txn_reply_queue_count))"
[ "$calls" -ge 164 ] || fail "only $calls synchronous round trips, the storm made at least 164"
[ "$calls" = "$(bpf txn_sync_queue_count)" ] && [ "$calls" = "$(bpf txn_reply_queue_count)" ] ||
	fail "round trips, queued calls and replies differ"
# Contention stacks: some must be seen (a contended storm: more threads
# if the first saw none), every frame symbolized, and binder's frames
# named with the module ([binder_linux]; none when built in), so the
# symbolizer is checked on every build whatever lock happened to be
# contended.
n=0
while ! grep -qE '^[a-z_]+: [0-9]+ waits' /tmp/stacks.txt && [ "$n" -lt 2 ]; do
	n=$((n + 1))
	"$bi" -q -s /tmp/stacks.txt -- "$storm" -t 8 -l 8 -b 4 -s 6000 -r 20 --reclaim >/dev/null
done
waits=$(grep -cE '^[a-z_]+: [0-9]+ waits' /tmp/stacks.txt || true)
[ "$waits" -gt 0 ] || fail "no lock contention seen in $((n + 1)) storms: the contention stacks were not exercised"
bad=$(grep -E '^    ' /tmp/stacks.txt | grep -vE '^    [A-Za-z_][A-Za-z0-9_.]*\+0x[0-9a-f]+( \[[a-z_0-9]+\])?$' | head -n 3)
[ -z "$bad" ] || { cat /tmp/stacks.txt >&2; fail "unsymbolized contention frames: $bad"; }
# Binder's frames name their module, or none when binder is built in.
if [ "${BB_BINDER:-module}" = builtin ]; then
	bad=$(grep -E '^    (binder_|_R)' /tmp/stacks.txt | grep '\[' | head -n 3)
	[ -z "$bad" ] || { cat /tmp/stacks.txt >&2; fail "built-in binder's frames named a module: $bad"; }
else
	bad=$(grep -E '^    binder_' /tmp/stacks.txt | grep -v '\[binder_linux\]$' | head -n 3)
	[ -z "$bad" ] || { cat /tmp/stacks.txt >&2; fail "binder frames without the module name: $bad"; }
fi
echo "bpf_installs: $waits contended stacks, all symbolized ($(grep -c '^    binder_' /tmp/stacks.txt) binder frames)"

# The cgroup filter.
mkdir -p /sys/fs/cgroup/bb-storm /sys/fs/cgroup/bb-empty
# (the command moves itself into the cgroup, then becomes the storm)
"$bi" -q -c /sys/fs/cgroup/bb-storm -o /tmp/in.csv -- sh -c \
	'echo $$ >/sys/fs/cgroup/bb-storm/cgroup.procs && exec "$0" -t 2 -l 2 -b 2 -r 5' "$storm" >/dev/null
"$bi" -q -c /sys/fs/cgroup/bb-empty -o /tmp/out.csv -- "$storm" -t 2 -l 2 -b 2 -r 5 >/dev/null
in=$(sed -n 's/^txn_sync_round_trip_count,\([0-9]*\),.*/\1/p' /tmp/in.csv)
out=$(sed -n 's/^txn_sync_round_trip_count,\([0-9]*\),.*/\1/p' /tmp/out.csv)
echo "bpf_installs: cgroup filter: ${in:-0} calls seen in the storm's cgroup, ${out:-0} through an empty one"
[ "${in:-0}" -ge 20 ] || fail "the cgroup filter missed the storm in its cgroup"
[ "${out:-0}" = 0 ] || fail "the cgroup filter let through $out calls from another cgroup"
echo "bpf_installs: OK on $BB_BUILD_ID"
