#!/bin/sh
# Test: every patch of kmod/patches/series is clean under the kernel's own
# scripts/checkpatch.pl --strict (no errors, warnings or checks, but for the
# few listed with their reason in kmod/patches/checkpatch-exceptions), and every
# cumulative prefix of the series builds (scripts/kmod-build all); so are
# kmod/support/*.patch (test-only additions), the -unload builds and our
# fixes of upstream (kmod/upstream-*/*.patch, kmod/upstream-7.2/rust/). No patch names an author or
# a sign-off: those are the submitter's to add.
# Usage: checkpatch_test.sh KMOD_BUILD SOURCE_ROOT
set -eu
kmod_build=$1 root=$2
src=$("$kmod_build" --source)
checkpatch=$src/scripts/checkpatch.pl
[ -f "$checkpatch" ] || { echo "checkpatch_test: $checkpatch is missing" >&2; exit 1; }
# Run outside any git tree: inside one, checkpatch treats a patch file that
# git tracks as a plain source file (its git_is_single_file()) and flags
# every blank context line as trailing whitespace.
root=$(cd "$root" && pwd)
kmod_build=$(cd "$(dirname "$kmod_build")" && pwd)/$(basename "$kmod_build")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
exceptions=$root/kmod/patches/checkpatch-exceptions
bad=0 n=0
for p in $("$kmod_build" --series | awk '$1 ~ /^p[0-9]/ { print $2 }') $(cd "$root/kmod" && ls support/*.patch upstream-*/*.patch upstream-*/*/*.patch); do
	n=$((n + 1))
	case $p in support/* | upstream-*) f=$root/kmod/$p ;; *) f=$root/kmod/patches/$p ;; esac
	# The patches carry no author or sign-off: the submitter adds theirs
	# (kmod/upstream-7.2/README), so the sign-off check is the submitter's.
	# Commit ids in Fixes: tags cannot be looked up without the kernel's
	# git history (kmod/upstream-7.2/README says how they were verified).
	out=$(perl "$checkpatch" --strict --no-tree --no-signoff --ignore UNKNOWN_COMMIT_ID --show-types "$f" 2>&1 || true)
	if grep -qE '^(From|Signed-off-by|Co-developed-by|Reviewed-by|Tested-by): ' "$f"; then
		echo "  $p names a person in From:/Signed-off-by:/...: no identity belongs in kmod/"
		bad=1
	fi
	total=$(echo "$out" | grep '^total:' || echo "total: (no summary)")
	echo "$p: $total"
	# A documented exception allows exactly COUNT findings of one TYPE.
	exc=$(sed -e 's/#.*//' "$exceptions" | awk -v p="$p" '$1 == p { print $2, $3 }')
	found=$(echo "$out" | grep -E '^(ERROR|WARNING|CHECK):' | cut -d: -f2 | sort | uniq -c | awk '{ print $2, $1 }')
	case $total in
	"total: 0 errors, 0 warnings, 0 checks,"*) [ -z "$exc" ] || { echo "  the exception for $p is stale: remove it from $exceptions"; bad=1; } ;;
	*)
		if [ -n "$exc" ] && [ "$found" = "$exc" ]; then
			echo "  documented exception: $exc"
		else
			echo "$out" | grep -E '^(ERROR|WARNING|CHECK)' -A3
			bad=1
		fi
		;;
	esac
done
[ "$n" -gt 0 ] || { echo "checkpatch_test: the series is empty" >&2; exit 1; }
"$kmod_build" all >/dev/null
"$kmod_build" baseline-unload patched-unload p9-unload >/dev/null
echo "checkpatch_test: $n patches checked; every prefix and the -unload builds build"
exit $bad
