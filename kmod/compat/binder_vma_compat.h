/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * binder_vma_compat.h - force-included by scripts/kmod-build into
 * out-of-tree binder builds that call lock_vma_under_rcu() on a kernel
 * that does not export it (Debian's 6.12 does not). It renames the
 * symbol, so <linux/mm.h> declares, binder calls, and
 * binder_vma_compat.c defines binder_compat_lock_vma_under_rcu().
 */
#ifndef BINDER_VMA_COMPAT_H
#define BINDER_VMA_COMPAT_H

#define lock_vma_under_rcu binder_compat_lock_vma_under_rcu

#endif /* BINDER_VMA_COMPAT_H */
