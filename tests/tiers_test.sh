#!/bin/bash
# The tier lists in docs/tests.md are the tests Meson runs: the default tier
# (`meson test -C build`) and the full tier (`meson test -C build --suite
# full`), read from Meson itself and compared with the block between the
# "tiers:begin" and "tiers:end" markers. --print writes the block as it
# should be (paste it into the doc after changing tests/meson.build).
# Usage: tiers_test.sh BUILD_DIR DOC [--print]
set -u
build=$1 doc=$2
names() { meson test -C "$build" --no-rebuild --list "$@" 2>/dev/null | sed -n 's/^[^ ]* \/ //p' | sort; }
quick=$(names) || exit 99
full=$(names --suite full) || exit 99
[ -n "$quick" ] && [ -n "$full" ] || { echo "tiers_test: error: meson listed no tests in $build" >&2; exit 99; }
block() {
	echo '```'
	echo "default tier ($(echo "$quick" | wc -l) tests):"
	echo "$quick" | paste -sd' ' - | fmt -w 76 | sed 's/^/  /'
	echo "full tier ($(echo "$full" | wc -l) tests):"
	echo "$full" | paste -sd' ' - | fmt -w 76 | sed 's/^/  /'
	echo '```'
}
if [ "${3:-}" = --print ]; then
	block
	exit 0
fi
[ -f "$doc" ] || { echo "tiers_test: error: $doc is missing" >&2; exit 99; }
have=$(sed -n '/<!-- tiers:begin/,/<!-- tiers:end/p' "$doc" | sed '1d;$d')
[ -n "$have" ] || { echo "tiers_test: FAILED: no tiers:begin/tiers:end block in $doc" >&2; exit 1; }
if [ "$have" != "$(block)" ]; then
	echo "tiers_test: FAILED: the tier lists in $doc are not Meson's; want:" >&2
	diff <(echo "$have") <(block) >&2
	exit 1
fi
echo "tiers_test: $doc lists the $(echo "$quick" | wc -l) default-tier and $(echo "$full" | wc -l) full-tier tests Meson runs"
