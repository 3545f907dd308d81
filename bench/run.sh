#!/usr/bin/env bash
# SPDX-License-Identifier: CC0-1.0
# The benchmark: builds a release (build-release), prints the core's throughput over every raw
# sample and one hour of HERO11 telemetry, then runs gst-gpmf and its peers (ffmpeg, exiftool,
# gopro-telemetry, qtdemux) side by side on a GoPro recording looped to an hour (bench/compare.sh)
# and prints medians, ratios, peak RSS and the speed/memory targets. docs/benchmarks.md explains
# the rows. Usage: bench/run.sh [--runs N] [--quick] [--only ROWS] [SAMPLES_DIR]; --help for all.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
args=("$@")
source bench/lib/options.sh

scripts/install-deps.sh
mkdir -p "$work"
[ -f build-release/build.ninja ] || meson setup build-release -Dbuildtype=release -Dtests=disabled >/dev/null
if ! meson compile -C build-release bench/core-bench tools/gpmf2json plugin/gstgpmf >"$work/build.log" 2>&1; then
	tail -n 30 "$work/build.log" >&2
	echo "bench: the release build failed (whole log: $work/build.log)" >&2
	exit 1
fi
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

core_file="$work/core-bench.txt"
rm -f "$core_file"
if wanted core; then
	repeat=5
	[ "$quick" = 0 ] || repeat=2
	echo "== Core: decode and decode + NDJSON (best of $repeat, one core)"
	./build-release/bench/core-bench "$samples" "$repeat" | tee "$core_file"
	echo
fi

[ "$only" = core ] || BENCH_CORE_FILE="$core_file" bench/compare.sh "${args[@]}"
