#!/usr/bin/env bash
# SPDX-License-Identifier: CC0-1.0
# Renders a GoPro MP4 with the telemetry dashboard (gpmfoverlay) drawn on it into a new MP4
# (H.264 with x264enc, or MPEG-4 part 2 with avenc_mpeg4 when x264enc is missing), keeping the
# audio, with a progress line. Builds the plugin and runs it uninstalled (meson devenv).
# Usage: scripts/render-dashboard.sh INPUT.MP4 OUTPUT.MP4 [--units mph] [--layout TEXT]
#        [--route-file ROUTE.geojson] [--font DESC] [--encoder x264|mpeg4] [--no-audio]
#        [--scale WxH] [--snapshot SECONDS (OUTPUT is then a PNG of that frame)]
# GPMF_BUILD_DIR=DIR uses that build directory instead of ./build (which scripts/build.sh makes).
set -euo pipefail
if [ $# -lt 2 ]; then
	sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
fi
# Paths given are the caller's: resolve them before moving to the repository.
input="$(realpath "$1")"
output="$(realpath -m "$2")"
shift 2
args=()
while [ $# -gt 0 ]; do
	if [ "$1" = --route-file ] && [ $# -gt 1 ]; then
		args+=("$1" "$(realpath "$2")")
		shift 2
	else
		args+=("$1")
		shift
	fi
done
cd "$(dirname "$0")/.."
build="${GPMF_BUILD_DIR:-build}"
if [ "$build" = build ]; then
	scripts/build.sh plugin/gstgpmf >/dev/null
else
	meson compile -C "$build" plugin/gstgpmf >/dev/null
fi
exec meson devenv -C "$build" -w "$PWD" /usr/bin/python3 scripts/render-dashboard.py "$input" "$output" "${args[@]}"
