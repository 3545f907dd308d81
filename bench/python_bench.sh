#!/usr/bin/env bash
# SPDX-License-Identifier: CC0-1.0
# The Python module's benchmark (docs/python.md, "Cost"): builds the module and gpmf2json in
# build-release (as bench/run.sh does), loops karma.mp4 to an hour with ffmpeg (bench/lib/inputs.sh,
# the same input as bench/compare.sh), then bench/python_bench.py times `gpmf.open` on it
# (arrays for every stream) against `gpmf2json FILE -o out.ndjson` and measures the per-file
# overhead on the sample MP4s.
# Usage: bench/python_bench.sh [--runs N] [--minutes N] [SAMPLES_DIR]
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."

runs=3
minutes=60
samples="${GPMF_SAMPLES_DIR:-../shared/samples}"
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs="${2:?--runs takes a number}"; shift 2 ;;
	--minutes) minutes="${2:?--minutes takes a number}"; shift 2 ;;
	-h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "python_bench: unknown option '$1'" >&2; exit 2 ;;
	*) samples="$1"; shift ;;
	esac
done
python=/usr/bin/python3 # Debian's: numpy, pybind11's module built for it
build=build-release
work="${BENCH_WORK_DIR:-$PWD/bench/.work}"
mkdir -p "$work"

[ -f "$build/build.ninja" ] || meson setup "$build" -Dbuildtype=release -Dtests=disabled >/dev/null
meson configure "$build" -Dpython=enabled >/dev/null
if ! meson compile -C "$build" tools/gpmf2json python-module >"$work/python-build.log" 2>&1; then
	tail -n 30 "$work/python-build.log" >&2
	echo "python_bench: the release build failed (whole log: $work/python-build.log)" >&2
	exit 1
fi
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

# shellcheck source=bench/lib/inputs.sh
source bench/lib/inputs.sh
long="$work/inputs/karma-${minutes}min.mp4"
make_loop "$samples/karma.mp4" "$minutes" "$long" >/dev/null

"$python" bench/python_bench.py --pythonpath "$build/python" --gpmf2json "$build/tools/gpmf2json" \
	--runs "$runs" --samples "$samples" "$long"
