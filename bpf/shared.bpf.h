/* shared.bpf.h - what both BPF objects define alike: the map of binder
 * processes' mms (one map at run time: the loader makes binder_installs
 * reuse binder_locks'), and the keyed count/total/max statistic. */
#ifndef BINDERBENCH_SHARED_BPF_H
#define BINDERBENCH_SHARED_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} binder_mms SEC(".maps");

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
