// SPDX-License-Identifier: GPL-2.0-only
/*
 * binder_insert_hooks.c - test hooks for binder's page inserts, built only
 * into the "-hooks" test builds (see binder_insert_hooks.h).
 *
 * A page insert that fails after the page was reserved leaves the page in
 * its slot, to be mapped by the next install of the slot or freed when the
 * process goes away; vm_insert_page() fails only when a page table cannot
 * be allocated, so those paths run only under memory pressure. Writing N
 * to /sys/module/binder_linux/parameters/fail_insert makes the next N
 * inserts fail with -ENOMEM before they touch the page table;
 * inserts_failed counts the failures forced so far, so a test can tell
 * that its failure happened.
 *
 * The races of two installs of one page with a zap of the mapping live in
 * the window between an insert and the publishing of the page, a few
 * instructions wide. insert_delay_us makes every successful insert sleep
 * that long before it returns, inside that window, so that a race test
 * fails reliably on a build that has the race and passes on one that
 * does not.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

/* The kernel's own, whose declaration the forced include renamed. */
#undef vm_insert_page
int vm_insert_page(struct vm_area_struct *vma, unsigned long addr,
		   struct page *page);

static atomic_t binder_fail_insert = ATOMIC_INIT(0);
static atomic_t binder_inserts_failed = ATOMIC_INIT(0);
static unsigned int binder_insert_delay_us;

static int binder_fail_insert_set(const char *val,
				  const struct kernel_param *kp)
{
	unsigned int n;
	int ret;

	ret = kstrtouint(val, 0, &n);
	if (ret)
		return ret;
	if (n > INT_MAX)
		return -EINVAL;
	atomic_set(kp->arg, n);
	return 0;
}

static int binder_atomic_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(kp->arg));
}

static const struct kernel_param_ops binder_fail_insert_ops = {
	.set = binder_fail_insert_set,
	.get = binder_atomic_param_get,
};

static const struct kernel_param_ops binder_inserts_failed_ops = {
	.get = binder_atomic_param_get,
};

module_param_cb(fail_insert, &binder_fail_insert_ops, &binder_fail_insert,
		0644);
module_param_cb(inserts_failed, &binder_inserts_failed_ops,
		&binder_inserts_failed, 0444);
module_param_named(insert_delay_us, binder_insert_delay_us, uint, 0644);

int binder_hook_vm_insert_page(struct vm_area_struct *vma, unsigned long addr,
			       struct page *page)
{
	unsigned int delay;
	int ret;

	if (atomic_dec_if_positive(&binder_fail_insert) >= 0) {
		atomic_inc(&binder_inserts_failed);
		return -ENOMEM;
	}
	ret = vm_insert_page(vma, addr, page);
	delay = READ_ONCE(binder_insert_delay_us);
	if (!ret && delay)
		fsleep(delay);
	return ret;
}
