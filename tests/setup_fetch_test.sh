#!/usr/bin/env bash
# The newcomer's first command under test: scripts/setup's kernel
# resolve/fetch path (scripts/lib.sh) against Debian's real archive, into an
# empty cache (BINDERBENCH_CACHE in a temporary folder), TAP.
#   - the package lookup of the 6.12 kernel, 50 times: every answer the same
#     (it used to read a present package as missing about half the time:
#     `apt-cache show | grep -q` under pipefail, SIGPIPE);
#   - the same race forced: an apt-cache whose writes pause after the first
#     line (as apt-cache's do, which writes a stanza in several writes) makes
#     the old pipeline fail every time (the control: the unfixed variant
#     fails in the same run) and the lookup pass every time;
#   - 6.1, 7.2 (sid) and arm64 resolved once each, from the right archive;
#   - a missing package and an archive that cannot be reached: one line
#     each, and not the same line;
#   - one real download, of the smallest package setup fetches (sid's
#     linux-base of the 7.2 kernel, about 0.5 MB), as bb_fetch_kernel does.
# Skips (77) only when Debian's archive cannot be reached at all.
# Usage: tests/setup_fetch_test.sh [REPS]   (default 50)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
reps=${1:-50}
[[ $reps =~ ^[1-9][0-9]*$ ]] || { echo "setup_fetch_test: error: REPS must be a positive number, not '$reps'" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export BINDERBENCH_CACHE=$tmp/cache BB_PROG=setup
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"
mkdir -p "$BB_CACHE"

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

bb_pkg_installed "$BB_SOURCE_PKG" || { echo "1..0 # SKIP $BB_SOURCE_PKG is not installed (run scripts/setup)"; exit 77; }
if ! bb_apt_lists /var/lib/apt/lists; then
	echo "1..0 # SKIP the machine has no apt package lists (apt-get update never reached Debian's archive)"
	exit 77
fi
if ! bb_private_apt_update sid sid; then
	echo "1..0 # SKIP Debian sid cannot be reached ($(grep -m1 -E '^(E:|W:|Err:)' "$BB_CACHE/apt-sid.log" || echo "see apt-get update"))"
	exit 77
fi
echo "1..9"

# 1. The 6.12 lookup, REPS times, against the real archive.
r612=$(bb_resolve_kernel 6.12)
first=$(bb_kernel_packages "$r612")
bad=0
for ((i = 1; i <= reps; i++)); do
	got=$( (bb_kernel_packages "$r612") 2>&1) || got="exit $?: $got"
	[ "$got" = "$first" ] || { bad=$((bad + 1)); echo "# repetition $i: '$got', want '$first'"; }
done
check "$((reps - bad)) of $reps lookups of kernel $r612 agree: $first" [ "$bad" = 0 ]

# 2-3. The race forced: an apt-cache that pauses 0.2 s after its first line.
mkdir -p "$tmp/slow"
cat >"$tmp/slow/apt-cache" <<'EOF'
#!/bin/bash
# The real apt-cache, its output written as a first line, a pause, the rest.
out=$(/usr/bin/apt-cache "$@")
rc=$?
printf '%s\n' "${out%%$'\n'*}"
sleep 0.2
[[ $out != *$'\n'* ]] || printf '%s\n' "${out#*$'\n'}"
exit $rc
EOF
chmod +x "$tmp/slow/apt-cache"
forced=10 unfixed_failed=0 fixed_failed=0
for ((i = 1; i <= forced; i++)); do
	# The unfixed pipeline on purpose (the control; the lint skips it as a
	# quoted string): it must fail here every time.
	PATH=$tmp/slow:$PATH bash -o pipefail -c 'apt-cache show "$1" 2>/dev/null | grep -q "^Package:"' _ "linux-image-$r612" ||
		unfixed_failed=$((unfixed_failed + 1))
	got=$( (PATH=$tmp/slow:$PATH bb_kernel_packages "$r612") 2>&1) || got="exit $?: $got"
	[ "$got" = "$first" ] || { fixed_failed=$((fixed_failed + 1)); echo "# forced race $i: '$got'"; }
done
check "control: with the race forced the old pipeline failed $unfixed_failed of $forced times (want all)" \
	[ "$unfixed_failed" = "$forced" ]
check "with the race forced the lookup passed $((forced - fixed_failed)) of $forced times" [ "$fixed_failed" = 0 ]

# 4-6. The other kernels setup fetches, each from its archive.
for k in 6.1 7.2 arm64; do
	if [ "$k" = arm64 ]; then
		rel=$(BB_ARCH=arm64 bb_source_release) want=bookworm-arm64
	else
		rel=$(bb_resolve_kernel "$k") want=bookworm
		[ "$k" = 7.2 ] && want=sid
	fi
	got=$( (bb_kernel_packages "$rel") 2>&1) || got="exit $?: $got"
	[ "$k" = 7.2 ] && r72=$rel
	check "kernel $k ($rel) comes from $want: $got" [ "${got%% *}" = "$want" ]
done

# 7. A missing package: one line naming the package and the archive.
missing=6.12.999+deb12-amd64
err=$( (bb_kernel_packages "$missing") 2>&1 >/dev/null) && rc=0 || rc=$?
want="setup: error: kernel $missing is not in Debian's archive (neither bookworm's linux-image-$missing nor sid's linux-binary-$missing;"
check "a missing kernel package: exit $rc, '$err'" \
	test "$rc" != 0 -a "$(wc -l <<<"$err")" = 1 -a "${err:0:${#want}}" = "$want"

# 8. An archive that cannot be reached: no sid lists (a cache whose update
# never reached sid), and a download through a proxy that refuses (the
# loopback's discard port): each one line, and not the missing-package line.
err=$( (BB_CACHE=$tmp/nosid BB_SID_DIR=$tmp/nosid/apt-sid bb_kernel_packages "$r72") 2>&1 >/dev/null) && rc=0 || rc=$?
printf 'Acquire::http::Proxy "http://127.0.0.1:9/";\nAcquire::Retries "0";\n' >"$tmp/apt-unreachable.conf"
mkdir -p "$tmp/dl-unreachable"
if APT_CONFIG=$tmp/apt-unreachable.conf bb_download_debs bookworm "$tmp/dl-unreachable" "linux-image-$r612"; then
	err2="the download succeeded"
else
	err2=$(bb_download_why "$tmp/dl-unreachable/download.log")
fi
check "an archive not reached: '$err' and '$err2'" \
	test "$rc" != 0 -a "$(wc -l <<<"$err")" = 1 -a "${err#*no Debian sid package lists}" != "$err" \
	-a "${err2#Debian\'s archive cannot be reached: }" != "$err2"

# 9. One real download, as bb_fetch_kernel makes it.
mkdir -p "$tmp/dl"
spec=$(bb_kernel_packages "$r72")
base=linux-base-$r72
if [[ " $spec " == *" $base "* ]] && bb_download_debs sid "$tmp/dl" "$base"; then
	deb=("$tmp/dl/$base"_*.deb)
	got=$(dpkg-deb -f "${deb[0]}" Package 2>&1) || got="not a Debian package: $got"
else
	got="not downloaded: $(bb_download_why "$tmp/dl/download.log" 2>&1)"
fi
check "a real download of $base ($(du -k "$tmp/dl" | cut -f1) KiB): $got" [ "$got" = "$base" ]

echo "# $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
