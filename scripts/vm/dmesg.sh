# shellcheck shell=bash
# vm/dmesg.sh - sourced by scripts/vm-run: the dmesg policy. A guest whose
# kernel log or serial console shows any of these failed, whatever COMMAND
# returned (the console keeps what a flooded ring buffer lost).
BAD='WARNING:|BUG:|kernel BUG|Oops|general protection fault|soft lockup|hard LOCKUP|blocked for more than|hung_task|KASAN|UBSAN|Kernel panic|rcu: INFO|self-detected stall|detected stall'

# The first kernel problems in FILE... (at most 3 lines), or nothing.
dmesg_problems() {
	# grep -m stops each file at 3; sed keeps the first 3 of all and reads
	# the rest (no reader that exits early under pipefail).
	grep -m 3 -E "$BAD" "$@" 2>/dev/null | sed -n 1,3p || true
}

# The emulator's cross-modifying-code race and nothing else (QEMU 7.2's
# multi-threaded TCG; README "The guest"): the first kernel problem in FILE is
# an `Oops: int3` whose code bytes show the new instruction already in place
# at the trap (the byte before the faulting address, where the int3 stood, is
# no longer cc), with no binder frame in its trace. Prints one line naming
# the place, or nothing (then it is a kernel problem, never retried).
emulator_int3() {
	awk -v bad="$BAD" '
	!oops && $0 ~ bad {
		if ($0 !~ /Oops: int3/) { reject = 1; exit }
		oops = 1; next
	}
	!oops { next }
	/Modules linked in/ { next }
	/binder/ { reject = 1; exit }
	!rip && /RIP: [0-9a-f]+:/ { rip = $0; sub(/.*RIP: [0-9a-f]+:/, "", rip) }
	!code && / Code: / && match($0, /[0-9a-f][0-9a-f] <[0-9a-f][0-9a-f]>/) {
		code = substr($0, RSTART, RLENGTH)
	}
	/end trace|Kernel panic/ { exit }
	END {
		if (!reject && oops && code != "" && substr(code, 1, 2) != "cc")
			printf "Oops: int3 at %s with the patched instruction already in place (code %s), no binder frame\n", rip, code
	}' "$1" 2>/dev/null
}
