// SPDX-License-Identifier: GPL-2.0
/*
 * bb_spin - a deliberately hung kernel for the test of vm-run's hang report
 * (tests/vm_run_hang_test.sh). Loading it spins in its init function with
 * preemption disabled, as a kernel bug that never yields the CPU would.
 */
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/processor.h>

static noinline void bb_spin_forever(void)
{
	preempt_disable();
	for (;;)
		cpu_relax();
}

static int __init bb_spin_init(void)
{
	bb_spin_forever();
	return 0;
}
module_init(bb_spin_init);

MODULE_DESCRIPTION("binderbench: spin forever with preemption disabled");
MODULE_LICENSE("GPL");
