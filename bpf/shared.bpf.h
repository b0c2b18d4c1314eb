/* shared.bpf.h - what both BPF objects define alike: the task filters and
 * their test, the map of binder processes' mms (one map at run time: the
 * loader makes binder_installs reuse binder_locks'), and the keyed
 * count/total/max statistic. */
#ifndef BINDERBENCH_SHARED_BPF_H
#define BINDERBENCH_SHARED_BPF_H

/* Filters, set by the loader before load. */
const volatile __u32 target_tgid = 0;	/* the current task's tgid, 0 = all */
const volatile __u64 target_cgroup = 0;	/* its cgroup v2 id, 0 = all */

/* The current task passes the filters. */
static __always_inline int wanted_task(void)
{
	if (target_tgid && (bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	return !target_cgroup || bpf_get_current_cgroup_id() == target_cgroup;
}

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} binder_mms SEC(".maps");

/* Tasks inside Rust binder's ShrinkablePageRange::use_page_slow (its page
 * install, which holds the process's mm_lock mutex throughout): written by
 * binder_installs' kprobes, read by binder_locks' contention programs (one
 * map at run time, as binder_mms). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} rust_installing SEC(".maps");

/* Adds one event of ns to the statistic at key, or only hold ns when hold
 * is not 0. */
static __always_inline void stat_add(void *map, const void *key, __u64 ns, __u64 hold)
{
	struct bi_stat *s = bpf_map_lookup_elem(map, key), zero = { 0 };

	if (!s) {
		bpf_map_update_elem(map, key, &zero, BPF_NOEXIST);
		s = bpf_map_lookup_elem(map, key);
		if (!s)
			return;
	}
	if (hold) {
		__sync_fetch_and_add(&s->hold_ns, hold);
		return;
	}
	__sync_fetch_and_add(&s->count, 1);
	__sync_fetch_and_add(&s->total_ns, ns);
	if (ns > s->max_ns)
		s->max_ns = ns;
}

#endif
