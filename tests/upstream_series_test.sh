#!/bin/bash
# Test: our fixes of upstream (kmod/upstream-7.2/) are a series a maintainer
# would apply. scripts/upstream-series imports them under a submitter's git
# identity into a git tree of Debian's linux-source-7.2, signs them off,
# formats the mails, checks each with 7.2's checkpatch.pl --strict and
# `git am`s them onto a fresh tree; every patch carries the verified
# Fixes: tag and Cc: stable. Without a submitter identity or with an
# existing output directory it refuses with one line. Skips (77) when
# Debian sid, and so linux-source-7.2, cannot be had.
# Usage: upstream_series_test.sh SOURCE_ROOT
set -u
root=$1
cd "$root" || exit 99
if ! (source scripts/lib.sh && bb_resolve_kernel 7.2) >/dev/null 2>&1; then
	echo "upstream_series_test: SKIP: Debian sid's 7.2 is not available (scripts/setup)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# The submitter: a throwaway identity in a private git config.
export GIT_CONFIG_GLOBAL=$tmp/gitconfig GIT_CONFIG_NOSYSTEM=1
git config --global user.name "Test Submitter"
git config --global user.email "submitter@example.invalid"
scripts/upstream-series --out "$tmp/mail" >"$tmp/log" 2>&1
rc=$?
cat "$tmp/log"
[ "$rc" = 0 ] && ok || bad "upstream-series exited $rc"
n=$(grep -vc '^\s*$' kmod/upstream-7.2/series)
[ "$(ls "$tmp"/mail/000[1-9]-*.patch 2>/dev/null | wc -l)" = "$n" ] && ok || bad "want $n mails in $tmp/mail"
[ -f "$tmp/mail/0000-cover-letter.patch" ] && ok || bad "no cover letter"
for f in "$tmp"/mail/000[1-9]-*.patch; do
	b=$(basename "$f")
	grep -qx 'From: Test Submitter <submitter@example.invalid>' "$f" && ok || bad "$b: not authored by the submitter"
	grep -qx 'Signed-off-by: Test Submitter <submitter@example.invalid>' "$f" && ok || bad "$b: no submitter sign-off"
	# The commit that added the -EBUSY lookup and the plain publish, as
	# verified from public history (kmod/upstream-7.2/README).
	grep -qx 'Fixes: d1716b4b78fb ("binder: concurrent page installation")' "$f" && ok || bad "$b: no verified Fixes: tag"
	grep -qx 'Cc: stable@vger.kernel.org # 6.14+' "$f" && ok || bad "$b: no Cc: stable"
	grep -q 'checkpatch total: 0 errors, 0 warnings, 0 checks' <(grep "^$b:" "$tmp/log") && ok || bad "$b: checkpatch not clean"
done
# Bad input: one line, non-zero.
for args in "--out $tmp/mail" "--frobnicate"; do
	# shellcheck disable=SC2086
	err=$(scripts/upstream-series $args 2>&1 >/dev/null)
	[ $? != 0 ] && [ "$(echo "$err" | wc -l)" = 1 ] && ok || bad "upstream-series $args: $err"
done
git config --global --unset user.email
err=$(scripts/upstream-series --out "$tmp/mail2" 2>&1 >/dev/null)
[ $? != 0 ] && [ "$(echo "$err" | wc -l)" = 1 ] && [[ $err == *"set your identity"* ]] && ok ||
	bad "no identity: $err"
echo "upstream_series_test: $passed passed, $failed failed"
[ "$failed" = 0 ]
