// SPDX-License-Identifier: GPL-2.0-only
/*
 * binder_vma_compat.c - a per-vma read lock for modules, built only from
 * what the kernel exports (mas_walk(), down_read_trylock(), up_read())
 * and the inline vma_start_read()/vma_end_read() of <linux/mm.h>.
 *
 * It takes the same lock as the kernel's own lock_vma_under_rcu(): the
 * read side of vma->vm_lock, which every writer of the vma (munmap,
 * mremap, mprotect, split, merge) takes for write under mmap_lock via
 * vma_start_write(), and which vma_start_read() refuses while the mm's
 * lock sequence says a writer holds or held the vma in this mmap_lock
 * write cycle. It differs only in never retrying: any doubt returns
 * NULL and the caller falls back to mmap_lock, which is always correct.
 */
#include <linux/mm.h>
#include <linux/maple_tree.h>
#include <linux/rcupdate.h>

#ifndef CONFIG_PER_VMA_LOCK
#error "binder_vma_compat needs CONFIG_PER_VMA_LOCK"
#endif

struct vm_area_struct *lock_vma_under_rcu(struct mm_struct *mm,
					  unsigned long address)
{
	MA_STATE(mas, &mm->mm_mt, address, address);
	struct vm_area_struct *vma;

	/* vmas are freed after an RCU grace period: vma stays readable */
	rcu_read_lock();
	vma = mas_walk(&mas);
	if (!vma || !vma_start_read(vma))
		goto fail;

	/*
	 * Between the walk and the lock a writer may have detached the vma
	 * from the tree (munmap, or the old vma of a merge), or moved or
	 * shrunk it (mremap, a partial munmap). Such a writer has finished
	 * now that we hold the read lock; make sure what we locked is still
	 * attached to @mm and still covers @address.
	 */
	if (unlikely(vma->detached || vma->vm_mm != mm ||
		     address < vma->vm_start || address >= vma->vm_end)) {
		vma_end_read(vma);
		goto fail;
	}
	rcu_read_unlock();
	return vma;

fail:
	rcu_read_unlock();
	return NULL;
}
