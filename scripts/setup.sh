#!/bin/sh
# Install the Debian packages ftsa needs (only those missing), as root.
set -eu
pkgs="build-essential cmake pkg-config check zlib1g-dev libopenblas-dev verilator iverilog yosys
      gnuplot-nox libopenmpi-dev openmpi-bin libsystemc-dev dataset-fashion-mnist
      python3-numpy clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: must run as root to install:$missing" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
fi
