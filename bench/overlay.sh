#!/usr/bin/env bash
# SPDX-License-Identifier: CC0-1.0
# gpmfoverlay's cost at 1920x1080: (1) a GoPro recording decoded to fakesink without and with
# the dashboard (gpmfattach, then gpmfoverlay), wall and CPU time, best of N runs; (2) the
# overlay alone on one core (bench/overlay-bench: frames with metas through GstHarness);
# (3) the time scripts/render-dashboard.sh takes to render samples to MP4.
# The 1080p recording is hero7.mp4 scaled up with ffmpeg, its gpmd track copied (cached in the
# work folder). Usage: bench/overlay.sh [--runs N] [SAMPLES_DIR]
# GPMF_BUILD_DIR picks the build (default build-release, configured here when missing);
# BENCH_WORK_DIR the work folder (default bench/.work).
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
runs=3
samples="${GPMF_SAMPLES_DIR:-../shared/samples}"
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs="${2:?--runs takes a number}"; shift 2 ;;
	-h | --help) sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "bench/overlay.sh: unknown option '$1'" >&2; exit 2 ;;
	*) samples="$1"; shift ;;
	esac
done
samples="$(realpath "$samples")"
work="$(realpath -m "${BENCH_WORK_DIR:-bench/.work}")"
build="${GPMF_BUILD_DIR:-build-release}"
mkdir -p "$work"

[ -f "$build/build.ninja" ] || meson setup "$build" -Dbuildtype=release -Dtests=disabled >/dev/null
if ! meson compile -C "$build" plugin/gstgpmf bench/overlay-bench >"$work/overlay-build.log" 2>&1; then
	tail -n 30 "$work/overlay-build.log" >&2
	echo "bench/overlay.sh: the build failed (whole log: $work/overlay-build.log)" >&2
	exit 1
fi
export GST_PLUGIN_PATH="$PWD/$build/plugin"
export GST_REGISTRY="$PWD/$build/plugin/registry.dat"
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); build: $build"

source_mp4="$samples/hero7.mp4"
hd="$work/hero7-1080p.mp4"
command -v ffmpeg >/dev/null || { echo "bench/overlay.sh: ffmpeg is needed (scripts/install-deps.sh)" >&2; exit 1; }
if [ ! -s "$hd" ]; then
	echo "Making $hd (hero7.mp4 scaled to 1920x1080, gpmd track kept)..."
	ffmpeg -hide_banner -loglevel error -y -i "$source_mp4" -map 0:v -map 0:a -map 0:3 \
		-vf scale=1920:1080,setsar=1 -c:v libx264 -preset veryfast -crf 20 -c:a copy -c:d copy \
		-copy_unknown -tag:d:0 gpmd "$hd"
fi
frames=$(ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$hd")

# Best of $runs: "wall cpu" seconds of a gst-launch-1.0 pipeline.
best() {
	local best_wall="" best_cpu="" line wall cpu
	for _ in $(seq "$runs"); do
		line=$(/usr/bin/time -f "%e %U %S" gst-launch-1.0 -q "$@" 2>&1 >/dev/null | tail -n 1)
		wall=$(echo "$line" | awk '{print $1}')
		cpu=$(echo "$line" | awk '{printf "%.2f", $2 + $3}')
		if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then best_wall=$wall; fi
		if [ -z "$best_cpu" ] || awk "BEGIN{exit !($cpu < $best_cpu)}"; then best_cpu=$cpu; fi
	done
	echo "$best_wall $best_cpu"
}

decode=(filesrc location="$hd" ! qtdemux name=d d.video_0 ! queue ! decodebin ! videoconvert)
attach=(a.video d.meta_0 ! queue ! a.gpmf gpmfattach name=a)
echo
echo "== 1920x1080 H.264 ($(basename "$hd"), $frames video frames): decode -> videoconvert -> fakesink, best of $runs"
read -r base_wall base_cpu < <(best "${decode[@]}" ! fakesink)
read -r att_wall att_cpu < <(best "${decode[@]}" ! "${attach[@]}" ! fakesink)
read -r ovl_wall ovl_cpu < <(best "${decode[@]}" ! "${attach[@]}" ! gpmfoverlay ! fakesink)
row() {
	awk -v name="$1" -v w="$2" -v c="$3" -v bw="$base_wall" -v bc="$base_cpu" 'BEGIN {
		printf "%-44s wall %6.2f s (%+6.1f %%)   CPU %6.2f s (%+6.1f %%)\n", name, w, 100 * (w - bw) / bw, c, 100 * (c - bc) / bc }'
}
row "decode -> videoconvert -> fakesink" "$base_wall" "$base_cpu"
row "  + gpmfattach" "$att_wall" "$att_cpu"
row "  + gpmfattach + gpmfoverlay (blended)" "$ovl_wall" "$ovl_cpu"
awk -v w="$ovl_wall" -v aw="$att_wall" -v bw="$base_wall" 'BEGIN {
	printf "gpmfoverlay itself: %+.1f %% wall over decode + gpmfattach; target: the dashboard (attach + overlay) <= +10 %%: %s\n",
		100 * (w - aw) / aw, (w - bw) / bw <= 0.10 ? "met" : "NOT met" }'

echo
echo "== gpmfoverlay alone, one core (taskset -c 0), 600 frames of a made-up ride, every widget moving"
for format in I420 NV12 BGRx; do
	taskset -c 0 "$build/bench/overlay-bench" 600 1920x1080 "$format"
done

echo
echo "== scripts/render-dashboard.sh: GoPro MP4 -> MP4 with the dashboard (x264enc, audio kept)"
for input in "$source_mp4" "$hd"; do
	out="$work/$(basename "${input%.*}")-dashboard.mp4"
	start=$(date +%s.%N)
	GPMF_BUILD_DIR="$build" scripts/render-dashboard.sh "$input" "$out" 2>/dev/null | tail -n 1
	awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "  (%.1f s with the wrapper: build check, meson devenv)\n", e - s }'
done
