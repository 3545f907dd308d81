#!/usr/bin/env bash
# SPDX-License-Identifier: CC0-1.0
# Peak memory against recording length: the peak RSS (/usr/bin/time %M) of
#   gst-launch-1.0 filesrc ! qtdemux ! gpmfparse ! filesink
# over a 10-minute and a 60-minute recording, next to the same pipeline without gpmfparse: the
# difference is gpmfparse's, and should not depend on the length. The recordings are
# written by gpmf-make-demo (HERO11-like telemetry; the MP4 holds only the telemetry track), and,
# when ffmpeg is installed, karma.mp4 looped to about 10 and 60 minutes (video, audio and gpmd).
# The CLIs are measured too where built: gpmf2json on the MP4s, gpmf-dump on the raw track.
#
# Usage: bench/memory.sh [SAMPLES_DIR]. BUILD_DIR (default build-release) is set up as a
# release build when missing; WORK_DIR (default: a temporary directory, removed at exit) holds
# the recordings and outputs, up to about 1.5 GB with ffmpeg.
set -euo pipefail
cd "$(dirname "$0")/.."
samples="${1:-${GPMF_SAMPLES_DIR:-../shared/samples}}"
build="${BUILD_DIR:-build-release}"

scripts/install-deps.sh
[ -f "$build/build.ninja" ] || meson setup "$build" -Dbuildtype=release -Dtests=disabled >/dev/null
meson compile -C "$build" support/gpmf-make-demo tools/gpmf-dump plugin/gstgpmf >/dev/null
# gpmf2json is optional here: the benchmark is about the element.
have_gpmf2json=0
if meson compile -C "$build" tools/gpmf2json >/dev/null 2>&1; then
	have_gpmf2json=1
fi

if [ -n "${WORK_DIR:-}" ]; then
	work="$WORK_DIR"
	mkdir -p "$work"
else
	work="$(mktemp -d)"
	trap 'rm -rf "$work"' EXIT
fi
# The built plugin, with a registry of its own, filled before measuring: a registry scan runs
# gst-plugin-scanner, whose memory would count as the pipeline's.
export GST_PLUGIN_PATH="$PWD/$build/plugin"
export GST_REGISTRY="$work/registry.dat"
unset GST_DEBUG
gst-inspect-1.0 gpmfparse >/dev/null

rows=()

# Runs a command under /usr/bin/time; prints the peak RSS in KiB.
peak_rss() {
	if ! /usr/bin/time -f %M -o "$work/rss" "$@" >"$work/stdout" 2>"$work/stderr"; then
		echo "failed: $*" >&2
		cat "$work/stderr" >&2
		return 1
	fi
	tail -n 1 "$work/rss"
}

# Payload records and the end of the last one (s) in an NDJSON file.
payloads_of() {
	grep -c '^{"type":"payload"' "$1" || true
}
end_of() {
	grep '^{"type":"payload"' "$1" | tail -n 1 |
		sed -E 's/.*"pts":([0-9.e+-]+),"duration":([0-9.e+-]+).*/\1 \2/' |
		awk '{ printf "%.1f", $1 + $2 }'
}

# One row per tool: input, telemetry length (s), payloads, peak RSS.
measure() {
	local label="$1" mp4="$2"
	local out="$work/out.ndjson" rss
	rss=$(peak_rss gst-launch-1.0 -q filesrc location="$mp4" ! qtdemux ! gpmfparse ! filesink location="$out")
	rows+=("$label|gst-launch qtdemux ! gpmfparse|$(end_of "$out")|$(payloads_of "$out")|$rss")
	rm -f "$out"
	# The same without gpmfparse: what qtdemux itself holds (its sample tables grow with the
	# number of video and audio samples).
	rss=$(peak_rss gst-launch-1.0 -q filesrc location="$mp4" ! qtdemux ! meta/x-gst-fourcc-gpmd ! fakesink)
	rows+=("$label|gst-launch qtdemux ! fakesink (no gpmfparse)|||$rss")
	if [ "$have_gpmf2json" = 1 ]; then
		if rss=$(peak_rss "$build/tools/gpmf2json" -o "$out" "$mp4"); then
			rows+=("$label|gpmf2json|$(end_of "$out")|$(payloads_of "$out")|$rss")
		fi
		rm -f "$out"
	fi
	# gpmf-dump reads raw dumps only: give it the gpmd track, when ffmpeg can extract it.
	if command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null; then
		local index
		index=$(ffprobe -v error -show_entries stream=index,codec_tag_string -of csv=p=0 "$mp4" |
			awk -F, '$2 == "gpmd" && !found { print $1; found = 1 }')
		if [ -n "$index" ]; then
			ffmpeg -v error -y -i "$mp4" -map "0:$index" -c copy -f data "$work/track.bin"
			rss=$(peak_rss sh -c "exec '$build/tools/gpmf-dump' '$work/track.bin' > '$out'")
			rows+=("$label|gpmf-dump (raw track, read whole)|$(end_of "$out")|$(payloads_of "$out")|$rss")
			rm -f "$out" "$work/track.bin"
		fi
	fi
}

echo "Peak RSS against recording length (GStreamer $(gst-launch-1.0 --gst-version | awk '{ print $NF }'), $build"

"$build/support/gpmf-make-demo" --seconds 600 "$work/demo-10min.mp4" >/dev/null
"$build/support/gpmf-make-demo" --seconds 3600 "$work/demo-60min.mp4" >/dev/null
measure "gpmf-make-demo 10 min ($(du -h "$work/demo-10min.mp4" | cut -f1), telemetry track only)" "$work/demo-10min.mp4"
rm -f "$work/demo-10min.mp4"
measure "gpmf-make-demo 60 min ($(du -h "$work/demo-60min.mp4" | cut -f1), telemetry track only)" "$work/demo-60min.mp4"
rm -f "$work/demo-60min.mp4"

karma="$samples/karma.mp4"
if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
	echo "(ffmpeg not installed: the looped karma.mp4 rows are skipped)"
elif [ ! -f "$karma" ]; then
	echo "(no $karma: the looped karma.mp4 rows are skipped)"
else
	# -map 0 fails on the 'fdsc' track (no MP4 tag in ffmpeg), so keep video, audio and gpmd.
	gpmd=$(ffprobe -v error -show_entries stream=index,codec_tag_string -of csv=p=0 "$karma" |
		awk -F, '$2 == "gpmd" && !found { print $1; found = 1 }')
	for minutes in 10 60; do
		# karma.mp4 lasts 12.08 s.
		loops=$((minutes * 60 * 100 / 1208))
		looped="$work/karma-${minutes}min.mp4"
		ffmpeg -v error -y -stream_loop $((loops - 1)) -i "$karma" -map 0:v -map 0:a -map "0:$gpmd" -c copy "$looped"
		tags=$(ffprobe -v error -show_entries stream=codec_tag_string -of csv=p=0 "$looped")
		if ! grep -qx gpmd <<<"$tags"; then
			echo "(the gpmd track did not survive ffmpeg -stream_loop: skipped)"
			rm -f "$looped"
			break
		fi
		measure "karma.mp4 x $loops, ffmpeg -stream_loop ($(du -h "$looped" | cut -f1), video+audio+gpmd)" "$looped"
		rm -f "$looped"
	done
fi

echo
printf '| %s | %s | %s | %s | %s |\n' "input" "tool" "telemetry (s)" "payloads" "peak RSS (MiB)"
printf '|---|---|---|---|---|\n'
for row in "${rows[@]}"; do
	IFS='|' read -r input tool seconds payloads rss <<<"$row"
	printf '| %s | %s | %s | %s | %s |\n' "$input" "$tool" "$seconds" "$payloads" "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')"
done
