#!/bin/sh
# Configure and build one configuration: build.sh BUILD_DIR [CMAKE_ARGS...]
set -eu
dir=$1
shift
cmake -S "$(dirname "$0")/.." -B "$dir" "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
