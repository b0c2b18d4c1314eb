#!/bin/sh
# Guest test: concurrent cold page installs on the loaded module. Many
# client threads of one process send at the same moment to a server with
# many loopers, so binder installs not-yet-installed pages of one receiver
# concurrently; binder's shrinker then reclaims every free page
# (drop_caches) and the next round installs them again. Every payload is
# verified both ways, also under ASan/UBSan.
# Usage (inside scripts/vm-run): install_storm.sh INSTALL_STORM INSTALL_STORM_ASAN|-
set -eu
storm=$1 storm_asan=$2
"$storm" -t 8 -l 8 -b 2 -s 5000 -r 20 --reclaim | tee /tmp/out
grep -q "all payloads verified both ways" /tmp/out
"$storm" -t 3 -l 2 -b 8 -s 70000 -r 5 --reclaim | tee /tmp/out
grep -q "all payloads verified both ways" /tmp/out
# (a static build, arm64: no sanitizers there, "-")
[ "$storm_asan" = - ] || "$storm_asan" -t 4 -l 4 -b 2 -s 3000 -r 5 --reclaim >/dev/null
echo "install-storm: concurrent cold installs verified on $BB_BUILD_ID"
