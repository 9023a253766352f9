#!/bin/sh
# Set up, build, and run every test: the release build, then the whole suite
# again under AddressSanitizer + UndefinedBehaviorSanitizer.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
jobs=$(nproc)
"$top/scripts/build.sh" "$top/build" -DCMAKE_BUILD_TYPE=Release
(cd "$top/build" && ctest --output-on-failure -j"$jobs")
"$top/scripts/build.sh" "$top/build-san" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFTSA_SANITIZE=ON
(cd "$top/build-san" && ctest --output-on-failure -j"$jobs")
