# shellcheck shell=sh
# What the guest-side scripts share (POSIX sh; sourced from this directory):
# one-line errors and the header of the results CSV (the columns
# scripts/bbcompare/schema.py reads).

# "PROG: error: MESSAGE" on stderr, exit 1.
die() {
	echo "$(basename "$0"): error: $*" >&2
	exit 1
}

BB_RESULTS_HEADER="build_id,kernel,accel,vcpus,rep,benchmark,params,metric,value,unit,better"
