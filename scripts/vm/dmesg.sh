# shellcheck shell=bash
# vm/dmesg.sh - sourced by scripts/vm-run: the dmesg policy. A guest whose
# kernel log or serial console shows any of these failed, whatever COMMAND
# returned (the console keeps what a flooded ring buffer lost).
BAD='WARNING:|BUG:|kernel BUG|Oops|general protection fault|soft lockup|hard LOCKUP|blocked for more than|hung_task|KASAN|UBSAN|Kernel panic|rcu: INFO|self-detected stall|detected stall'

# The first kernel problems in FILE... (at most 3 lines), or nothing.
dmesg_problems() {
	grep -E "$BAD" "$@" 2>/dev/null | head -n 3 || true
}
