/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * binder_insert_hooks.h - force-included by scripts/kmod-build into the
 * "-hooks" test builds of binder (never into a build that is measured or
 * compared). It renames vm_insert_page(), so <linux/mm.h> declares and
 * binder_alloc.c calls binder_hook_vm_insert_page() of
 * binder_insert_hooks.c, which can fail an insert or delay it before it
 * calls the kernel's vm_insert_page(). The same two files serve every
 * binder source (6.12 and its series, 7.2), whatever its lines.
 */
#ifndef BINDER_INSERT_HOOKS_H
#define BINDER_INSERT_HOOKS_H

#define vm_insert_page binder_hook_vm_insert_page

#endif /* BINDER_INSERT_HOOKS_H */
