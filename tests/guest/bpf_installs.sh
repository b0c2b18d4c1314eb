#!/bin/sh
# Guest test of the binder-installs BPF instrument against tracefs for the
# same storm: its install count equals the binder_alloc_page_start events
# read back from tracefs, exactly, and so do the reclaimed pages; on baseline
# (expect=write) the mmap_lock write acquisitions it attributes to binder
# installs equal the installs, on patched (expect=vma) they are zero.
# Usage (inside scripts/vm-run): bpf_installs.sh EXPECT BINDER_INSTALLS TRACE_INSTALLS INSTALL_STORM
set -eu
expect=$1 bi=$2 trace=$3 storm=$4
"$bi" -o /tmp/bi.csv -- "$trace" "$storm" -t 4 -l 4 -b 4 -s 6000 -r 10 --reclaim --marker >/tmp/counts
bpf() { sed -n "s/^$1,\([0-9]*\),.*/\1/p" /tmp/bi.csv; }
tfs() { sed -n "s/^$1=//p" /tmp/counts; }
fail() {
	echo "bpf_installs: FAILED on $BB_BUILD_ID: $*" >&2
	exit 1
}
installs=$(bpf installs) writes=$(bpf mmap_install_write)
echo "bpf_installs: BPF installs=$installs unmap_kernel=$(bpf unmap_kernel) install_writes=$writes;" \
	"tracefs installs=$(tfs installs) reclaimed=$(tfs reclaimed) install_writes=$(tfs mmap_install_write)"
[ "$installs" -gt 0 ] || fail "no installs counted"
[ "$installs" = "$(tfs installs)" ] || fail "BPF counted $installs installs, tracefs $(tfs installs)"
[ "$(bpf unmap_kernel)" = "$(tfs reclaimed)" ] || fail "reclaimed pages differ from tracefs"
case $expect in
write) [ "$writes" = "$installs" ] || fail "$writes mmap_lock writes by installs, want $installs" ;;
vma) [ "$writes" = 0 ] || fail "$writes mmap_lock writes by installs, want 0" ;;
esac
grep -q '^install_latency_p99_us,' /tmp/bi.csv || fail "no install latency percentiles"
echo "bpf_installs: OK on $BB_BUILD_ID"
