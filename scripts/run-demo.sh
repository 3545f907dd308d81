#!/usr/bin/env bash
# SPDX-License-Identifier: CC0-1.0
# The main job, end to end: set up, then turn a GoPro MP4 into NDJSON telemetry with
#   filesrc ! qtdemux ! gpmfparse ! filesink
# Usage: scripts/run-demo.sh [INPUT.MP4 [OUTPUT.ndjson]]
# Without INPUT it writes a realistic demo recording (build/demo/demo.mp4, made by
# gpmf-make-demo) and uses that.
set -euo pipefail
# Paths given are the caller's: resolve them before moving to the repository.
input="${1:+$(realpath "$1")}"
output="$(realpath -m "${2:-telemetry.ndjson}")"
cd "$(dirname "$0")/.."
# Only what the main job runs: the plugin, and the demo writer (not the tests).
scripts/build.sh plugin/gstgpmf support/gpmf-make-demo
if [ -z "$input" ]; then
	mkdir -p build/demo
	input=build/demo/demo.mp4
	./build/support/gpmf-make-demo "$input"
	echo "Made a demo recording: $input"
fi
meson devenv -C build gst-launch-1.0 -q filesrc location="$(realpath "$input")" ! qtdemux ! queue ! gpmfparse \
	! filesink location="$output"
echo "Wrote $output: $(wc -l <"$output") NDJSON records. First payload record, abridged:"
sed -n '/"type":"payload"/{p;q}' "$output" | cut -c1-400
echo "Summary:"
tail -n 1 "$output" | cut -c1-400
