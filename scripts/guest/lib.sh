# shellcheck shell=sh
# What the guest-side scripts share (POSIX sh; sourced from this directory):
# one-line errors and the header of the results CSV (the columns
# scripts/bbcompare/schema.py reads).

# "PROG: error: MESSAGE" on stderr, exit 1.
die() {
	echo "$(basename "$0"): error: $*" >&2
	exit 1
}

# shellcheck disable=SC2034 # used by the scripts that source this file
BB_RESULTS_HEADER="build_id,kernel,accel,vcpus,rep,benchmark,params,metric,value,unit,better"

# The mangled name of the one function of Linux's Rust binder (crate
# rust_binder, built in) whose path ends in NAME, from /proc/kallsyms (Rust
# names are not stable: never written down). Fails when none or several.
rust_binder_fn() {
	_n=$(awk -v id="${#1}$1" '
		$3 ~ /^_R/ && index($3, "11rust_binder") && substr($3, length($3) - length(id) + 1) == id { print $3 }
	' /proc/kallsyms | sort -u)
	[ -n "$_n" ] && [ "$(echo "$_n" | wc -l)" = 1 ] && echo "$_n"
}
