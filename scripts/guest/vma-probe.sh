# shellcheck shell=sh
# vma-probe.sh - sourced by scripts/guest/trace-installs and
# tests/guest/vma_lock_path.sh: counts the per-VMA lock's use by binder
# with two kretprobes and hist triggers (no trace buffer): the vmas locked
# (a non-NULL return) and the fallbacks to mmap_lock (NULL). On a module
# build with kmod/compat, binder_compat_lock_vma_under_rcu(); with binder
# built in, the kernel's own lock_vma_under_rcu(), counting only the calls
# whose stack passes through binder (the hist keyed by the stack; Rust
# binder's frames are its crate's mangled names). Needs T
# (tracefs) set.

# vma_probe_find: sets VMA_FN and VMA_KEY; returns 1 when binder has no
# per-VMA function to probe here (a module without the compat copy: not
# measurable), or the kernel has no hist triggers to count with (the debug
# kernel: defconfig has no CONFIG_HIST_TRIGGERS).
vma_probe_find() {
	[ -e "$T/events/mmap_lock/mmap_lock_acquire_returned/hist" ] || return 1
	if grep -q ' binder_compat_lock_vma_under_rcu' /proc/kallsyms; then
		VMA_FN=binder_linux:binder_compat_lock_vma_under_rcu VMA_KEY=common_pid
	elif grep -qE ' (binder_alloc_free_page|rust_shrink_free_page)$' /proc/kallsyms &&
		grep -q ' lock_vma_under_rcu$' /proc/kallsyms; then
		# built in: the C driver, or Linux's Rust binder (its installs
		# and shrinker both use the per-VMA lock)
		VMA_FN=lock_vma_under_rcu VMA_KEY=common_stacktrace
	else
		return 1
	fi
}

# vma_probe_start: adds the probes and their (reset) counters.
vma_probe_start() {
	echo "r:bb_vma_ok $VMA_FN ret=\$retval:x64" >>"$T/kprobe_events" &&
		echo "r:bb_vma_null $VMA_FN ret=\$retval:x64" >>"$T/kprobe_events" &&
		vma_probe_reset
}

# vma_probe_reset: zeroes the counters (the triggers set anew).
vma_probe_reset() {
	vma_probe_untrigger
	echo "hist:keys=$VMA_KEY if ret != 0" >"$T/events/kprobes/bb_vma_ok/trigger" &&
		echo "hist:keys=$VMA_KEY if ret == 0" >"$T/events/kprobes/bb_vma_null/trigger"
}

vma_probe_untrigger() {
	echo "!hist:keys=$VMA_KEY if ret != 0" >"$T/events/kprobes/bb_vma_ok/trigger" 2>/dev/null
	echo "!hist:keys=$VMA_KEY if ret == 0" >"$T/events/kprobes/bb_vma_null/trigger" 2>/dev/null
	return 0
}

# vma_probe_stop: removes the triggers and the probes.
vma_probe_stop() {
	vma_probe_untrigger
	echo "-:bb_vma_ok" >>"$T/kprobe_events" 2>/dev/null
	echo "-:bb_vma_null" >>"$T/kprobe_events" 2>/dev/null
	return 0
}

# vma_probe_counts: prints "LOCKED FALLBACKS" since the last reset: every
# hit, or with stacks, the hits of the stacks through binder's functions.
vma_probe_counts() {
	for e in bb_vma_ok bb_vma_null; do
		awk -v all="$([ "$VMA_KEY" = common_pid ] && echo 1 || echo 0)" '
		/binder_|rust_binder|rust_shrink_/ { via = 1 }
		/hitcount:/ {
			for (i = 1; i < NF; i++) if ($i == "hitcount:" && (all || via)) n += $(i + 1)
			via = 0
		}
		END { print n + 0 }' "$T/events/kprobes/$e/hist"
	done | tr '\n' ' '
}
