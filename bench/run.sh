#!/usr/bin/env bash
# SPDX-License-Identifier: CC0-1.0
# Benchmarks: builds a release (build-release), then prints the core's throughput over every raw
# sample and one hour of HERO11 telemetry. Usage: bench/run.sh [SAMPLES_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
samples="${1:-${GPMF_SAMPLES_DIR:-../shared/samples}}"
scripts/install-deps.sh
[ -f build-release/build.ninja ] || meson setup build-release -Dbuildtype=release -Dtests=disabled >/dev/null
meson compile -C build-release bench/core-bench >/dev/null
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "== Core: decode and decode + NDJSON (best of 5, one core)"
./build-release/bench/core-bench "$samples" 5
