#!/usr/bin/env bash
# SPDX-License-Identifier: CC0-1.0
# gpmfattach's cost on an hour-long recording: qtdemux -> gpmfattach (the encoded video, every
# frame given its GstGpmfMeta) -> fakesink against qtdemux -> fakesink with the same pads linked,
# wall and CPU time, median of N interleaved runs. Target: at most +15 % wall time. The same
# with a queue on the video branch (one thread more) is timed too, against its own plain run.
# The input is karma.mp4 looped to an hour by ffmpeg, as bench/run.sh makes it (cached in the
# work folder), or --input MP4. --against BUILD times gpmfattach of another build (a meson build
# folder, built) in the same interleaved runs: wall times here swing by a third from run to run,
# so two builds are compared run by run, not script run against script run. Usage:
# bench/attach.sh [--runs N] [--minutes N] [--input MP4] [--against BUILD] [SAMPLES_DIR].
# GPMF_BUILD_DIR picks the build (default build-release, configured here when missing);
# BENCH_WORK_DIR the work folder (default bench/.work).
set -euo pipefail
shopt -s inherit_errexit
export LC_ALL=C
cd "$(dirname "$0")/.."
runs=5
minutes=60
input=""
against=""
samples="${GPMF_SAMPLES_DIR:-../shared/samples}"
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs="${2:?--runs takes a number}"; shift 2 ;;
	--minutes) minutes="${2:?--minutes takes a number}"; shift 2 ;;
	--input) input="${2:?--input takes an MP4}"; shift 2 ;;
	--against) against="${2:?--against takes a build folder}"; shift 2 ;;
	-h | --help) sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "bench/attach.sh: unknown option '$1'" >&2; exit 2 ;;
	*) samples="$1"; shift ;;
	esac
done
if ! [[ "$runs" =~ ^[1-9][0-9]*$ && "$minutes" =~ ^[1-9][0-9]*$ ]]; then
	echo "bench/attach.sh: --runs and --minutes take a whole number above 0" >&2
	exit 2
fi
work="$(realpath -m "${BENCH_WORK_DIR:-bench/.work}")"
build="${GPMF_BUILD_DIR:-build-release}"
source bench/lib/measure.sh
source bench/lib/inputs.sh
mkdir -p "$work"

[ -f "$build/build.ninja" ] || meson setup "$build" -Dbuildtype=release -Dtests=disabled >/dev/null
if ! meson compile -C "$build" plugin/gstgpmf tools/gpmf2json >"$work/attach-build.log" 2>&1; then
	tail -n 30 "$work/attach-build.log" >&2
	echo "bench/attach.sh: the build failed (whole log: $work/attach-build.log)" >&2
	exit 1
fi
# The built plugin with a registry of our own, filled before the timed runs.
export GST_PLUGIN_PATH="$PWD/$build/plugin"
export GST_REGISTRY="$work/attach-registry.dat"
unset GST_DEBUG
gst-inspect-1.0 gpmfattach >/dev/null

if [ -z "$input" ]; then
	for tool in ffmpeg ffprobe; do
		command -v "$tool" >/dev/null || { echo "bench/attach.sh: $tool is needed (scripts/install-deps.sh)" >&2; exit 1; }
	done
	input="$work/inputs/karma-${minutes}min.mp4"
	make_loop "$samples/karma.mp4" "$minutes" "$input" >/dev/null
fi
[ -f "$input" ] || { echo "bench/attach.sh: no input $input" >&2; exit 1; }
frames=$(ffprobe -v error -select_streams v:0 -show_entries stream=nb_frames -of csv=p=0 "$input" 2>/dev/null || true)
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); build: $build"
echo "Input: $input ($(du -h "$input" | cut -f1), ${frames:-?} video frames)"
[ -z "$against" ] || echo "Against: the build in $against"

# Every row runs through env, the other build's too: the same one exec more for each.
launch=(gst-launch-1.0 -q filesrc location="$input" ! qtdemux name=d)
src=(env GST_PLUGIN_PATH="$GST_PLUGIN_PATH" GST_REGISTRY="$GST_REGISTRY" "${launch[@]}")
rows=(plain attach attach-norecord plain-queue attach-queue)
# Two sinks fed from qtdemux's one thread cannot both preroll: the plain run's sinks do not wait
# for it (async=false); gpmfattach's pipeline has one sink.
cmd_plain=("${src[@]}" d.video_0 ! fakesink async=false d.meta_0 ! fakesink async=false)
cmd_attach=("${src[@]}" d.video_0 ! gpmfattach name=a ! fakesink d.meta_0 ! a.gpmf)
cmd_attach_norecord=("${src[@]}" d.video_0 ! gpmfattach name=a attach-record=false ! fakesink d.meta_0 ! a.gpmf)
cmd_plain_queue=("${src[@]}" d.video_0 ! queue ! fakesink d.meta_0 ! fakesink)
cmd_attach_queue=("${src[@]}" d.video_0 ! queue ! gpmfattach name=a ! fakesink d.meta_0 ! a.gpmf)
label_plain="qtdemux -> fakesink, gpmd pad -> fakesink"
label_attach="qtdemux -> gpmfattach -> fakesink, gpmd pad -> gpmfattach"
label_attach_norecord="  the same, attach-record=false (typed fields only)"
label_plain_queue="qtdemux -> queue -> fakesink, gpmd pad -> fakesink"
label_attach_queue="qtdemux -> queue -> gpmfattach -> fakesink"
base_of_plain=plain base_of_attach=plain base_of_attach_norecord=plain
base_of_plain_queue=plain-queue base_of_attach_queue=plain-queue
if [ -n "$against" ]; then
	if ! [ -f "$against/plugin/libgstgpmf.so" ]; then
		echo "bench/attach.sh: no plugin in $against/plugin (meson compile -C $against first)" >&2
		exit 1
	fi
	other=(env GST_PLUGIN_PATH="$(realpath "$against")/plugin" GST_REGISTRY="$work/against-registry.dat")
	"${other[@]}" gst-inspect-1.0 gpmfattach >/dev/null
	cmd_attach_against=("${other[@]}" "${launch[@]}" d.video_0 ! gpmfattach name=a ! fakesink d.meta_0 ! a.gpmf)
	cmd_attach_norecord_against=("${other[@]}" "${launch[@]}" d.video_0 ! gpmfattach name=a attach-record=false ! fakesink d.meta_0 ! a.gpmf)
	label_attach_against="qtdemux -> gpmfattach -> fakesink, the --against build"
	label_attach_norecord_against="  the same, attach-record=false, the --against build"
	base_of_attach_against=plain base_of_attach_norecord_against=plain
	rows+=(attach-against attach-norecord-against)
fi

measure_reset
echo "== $runs runs per row, interleaved"
for ((i = 1; i <= runs; i++)); do
	for row in "${rows[@]}"; do
		declare -n cmd="cmd_${row//-/_}"
		if ! measure "$row" "${cmd[@]}"; then
			echo "bench/attach.sh: $row failed (see $work/logs/$row.err)" >&2
			exit 1
		fi
	done
done

for row in "${rows[@]}"; do
	declare -n label="label_${row//-/_}" base="base_of_${row//-/_}"
	awk -v name="$label" -v w="$(stat_of "$row" median)" -v lo="$(stat_of "$row" min)" \
		-v hi="$(stat_of "$row" max)" -v c="$(stat_of "$row" cpu)" -v rss="$(stat_of "$row" rss)" \
		-v bw="$(stat_of "$base" median)" -v bc="$(stat_of "$base" cpu)" 'BEGIN {
		printf "%-60s wall %6.2f s [%.2f-%.2f] (%+6.1f %%)  CPU %6.2f s (%+6.1f %%)  RSS %5.1f MB\n",
			name, w, lo, hi, 100 * (w - bw) / bw, c, 100 * (c - bc) / bc, rss }'
done
# Where the time goes: one more run per row, each thread's CPU (the busiest sets the pace).
if command -v python3 >/dev/null; then
	echo "== CPU by thread (one run per row; d: is qtdemux's thread, a:src gpmfattach's)"
	for row in "${rows[@]}"; do
		declare -n cmd="cmd_${row//-/_}"
		printf '%-16s %s\n' "$row" "$(python3 bench/lib/thread_cpu.py "${cmd[@]}" 2>/dev/null || echo failed)"
	done
fi
base_wall=$(stat_of plain median)
added=$(awk -v a="$(stat_of attach median)" -v b="$base_wall" 'BEGIN { printf "%.1f", 100 * (a - b) / b }')
echo "Target: gpmfattach adds at most +15 % wall time: +$added % -> $(at_most "$added" 15)"
