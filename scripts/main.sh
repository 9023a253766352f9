#!/bin/sh
# Set up, build, and run the main job on the built-in LeNet-5 model.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
"$top/scripts/build.sh" "$top/build" -DCMAKE_BUILD_TYPE=Release
"$top/build/ftsa" campaign --model "$top/models/lenet5.ftsa" --out "$top/build/campaign" --fresh
