#!/usr/bin/env bash
# SPDX-License-Identifier: CC0-1.0
# The side-by-side benchmark (bench/run.sh runs it after building and the core bench; it runs
# alone too once build-release is built). A GoPro MP4 (karma.mp4) is looped by ffmpeg to an
# hour; gst-gpmf and its peers turn its telemetry into JSON, or demux it, several times,
# interleaved (run 1 of every row, then run 2...) so that the machine's load falls on all rows
# alike. Prints the median wall time, the spread, the ratio to ffmpeg's bare copy of the gpmd
# track, the CPU time and the peak RSS of every row, then the issue's targets with PASS or FAIL.
# Same options as bench/run.sh (bench/run.sh --help); BENCH_CORE_FILE names the core bench's
# output for target 3.
# shellcheck disable=SC2034 # the cmd_ROW arrays are read through a nameref
set -euo pipefail
shopt -s inherit_errexit
export LC_ALL=C
cd "$(dirname "$0")/.."
source bench/lib/options.sh
source bench/lib/measure.sh
source bench/lib/inputs.sh
source bench/lib/peers.sh
build="build-release"
batch_files=4

for tool in "$build/tools/gpmf2json" "$build/plugin/libgstgpmf.so"; do
	if [ ! -e "$tool" ]; then
		echo "bench: $tool is not built (bench/run.sh builds it)" >&2
		exit 1
	fi
done
if [ ! -f "$source" ]; then
	echo "bench: no source recording $source (give SAMPLES_DIR or --source)" >&2
	exit 1
fi
mkdir -p "$work"

echo "== Peers"
ensure_debian_packages time ffmpeg || true
for tool in /usr/bin/time ffmpeg ffprobe; do
	if ! command -v "$tool" >/dev/null; then
		echo "bench: $tool is needed (Debian packages time and ffmpeg)" >&2
		exit 1
	fi
done
have_exiftool=0
if wanted exiftool && ensure_debian_packages libimage-exiftool-perl; then
	have_exiftool=1
fi
have_node=0
if wanted gopro-telemetry && install_node_peers; then
	have_node=1
fi
# The built plugin, with a registry of our own, filled now: a registry scan during a timed run
# would count gst-plugin-scanner's time and memory as the pipeline's.
export GST_PLUGIN_PATH="$PWD/$build/plugin"
export GST_REGISTRY="$work/registry.dat"
unset GST_DEBUG
gst-inspect-1.0 gpmfparse >/dev/null
have_gpmfdemux=0
! gst-inspect-1.0 gpmfdemux >/dev/null 2>&1 || have_gpmfdemux=1

echo "== Inputs ($work/inputs)"
batch_minutes=15
[ "$quick" = 0 ] || batch_minutes=5
name=$(basename "${source%.*}")
long="$work/inputs/$name-${minutes}min.mp4"
payloads=$(make_loop "$source" "$minutes" "$long")
batch_dir="$work/inputs/$name-batch-${batch_minutes}min"
batch_payloads=0
batch_inputs=()
if wanted batch; then
	batch_payloads=$(make_batch "$source" "$batch_minutes" "$batch_files" "$batch_dir")
	for ((i = 1; i <= batch_files; i++)); do
		batch_inputs+=("$batch_dir/ride-$i.mp4")
	done
fi
gpmd=$(gpmd_stream "$long")
long_gb=$(awk -v b="$(stat -c %s "$long")" 'BEGIN { printf "%.2f", b / 1e9 }')
echo "   $(basename "$long"): $long_gb GB, $payloads GPMF payloads (gpmd track: stream $gpmd)"
[ "$batch_payloads" = 0 ] ||
	echo "   batch: $batch_files x $(basename "$batch_dir")/ride-N.mp4, $batch_payloads payloads each"

out="$work/out"
rm -rf "$out"
mkdir -p "$out"

# The rows, in the order of each round: what they run (cmd_ROW, read through a nameref), what
# the table calls them.
rows=()
declare -A label note
# add_row ROW GROUP LABEL [OUTPUT]: OUTPUT (a file or folder the command writes) is deleted
# before each run, outside the timing.
declare -A output
add_row() {
	local row="$1" group="$2"
	wanted "$group" || return 0
	rows+=("$row")
	label[$row]="$3"
	output[$row]="${4:-}"
}
gst=(gst-launch-1.0 -q filesrc location="$long")
gpmf2json=("$build/tools/gpmf2json" --no-progress)

cmd_ffmpeg=(ffmpeg -v error -y -i "$long" -map "0:$gpmd" -c copy -f data "$out/track.bin")
add_row ffmpeg ffmpeg "ffmpeg: copy of the gpmd track (-map 0:$gpmd -c copy -f data)" "$out/track.bin"
cmd_gpmf2json=("${gpmf2json[@]}" "$long" -o "$out/gpmf2json.ndjson")
add_row gpmf2json gpmf2json "gpmf2json FILE -o OUT.ndjson (every sample, NDJSON)" "$out/gpmf2json.ndjson"
if [ "$have_gpmfdemux" = 1 ]; then
	cmd_gpmfdemux=("${gst[@]}" ! gpmfdemux ! gpmfparse ! fakesink)
	add_row gpmfdemux gpmfdemux "gst: filesrc ! gpmfdemux ! gpmfparse ! fakesink"
elif wanted gpmfdemux; then
	note[gpmfdemux]="skipped: the plugin has no gpmfdemux element yet"
fi
cmd_qtdemux=("${gst[@]}" ! qtdemux ! meta/x-gst-fourcc-gpmd ! fakesink)
add_row qtdemux qtdemux "gst: filesrc ! qtdemux ! gpmd pad ! fakesink (reads every byte)"
# gpmfparse as it comes: it decodes and writes in qtdemux's streaming thread.
cmd_gpmfparse=("${gst[@]}" ! qtdemux ! meta/x-gst-fourcc-gpmd ! gpmfparse ! fakesink)
add_row gpmfparse gpmfparse "gst: filesrc ! qtdemux ! gpmd pad ! gpmfparse ! fakesink"
# The usual layout after a demuxer: a queue on the pad, so gpmfparse has a thread of its own.
cmd_gpmfparse_queue=("${gst[@]}" ! qtdemux ! meta/x-gst-fourcc-gpmd ! queue ! gpmfparse ! fakesink)
add_row gpmfparse-queue gpmfparse "gst: filesrc ! qtdemux ! gpmd pad ! queue ! gpmfparse ! fakesink"
cmd_qtdemux_all=("${gst[@]}" ! qtdemux name=d d. ! queue ! fakesink d. ! queue ! fakesink
	d. ! queue ! fakesink)
add_row qtdemux-all qtdemux-all "gst: filesrc ! qtdemux, video, audio and gpmd pads ! queue ! fakesink"
if [ "$have_exiftool" = 1 ]; then
	# shellcheck disable=SC2016 # $1 and $2 are sh's
	cmd_exiftool=(sh -c 'exec exiftool -ee -a -G3 -n -b -j "$1" >"$2"' sh "$long" "$out/exiftool.json")
	add_row exiftool exiftool "exiftool -ee -a -G3 -n -b -j (every value, JSON)" "$out/exiftool.json"
elif wanted exiftool; then
	note[exiftool]="skipped: exiftool (libimage-exiftool-perl) could not be installed"
fi
if [ "$have_node" = 1 ]; then
	cmd_gopro_telemetry=(env NODE_PATH="$work/node_modules" node bench/peers/gopro-telemetry.cjs "$long"
		"$out/gopro-telemetry.json")
	add_row gopro-telemetry gopro-telemetry "gopro-telemetry (npm, via gpmf-extract): full JSON" \
		"$out/gopro-telemetry.json"
elif wanted gopro-telemetry; then
	note[gopro-telemetry]="skipped: gopro-telemetry could not be installed (node, npm or the registry missing)"
fi
cmd_batch_j1=("${gpmf2json[@]}" -j 1 -o "$out/batch-j1" "${batch_inputs[@]}")
add_row batch-j1 batch "batch: gpmf2json -j 1, $batch_files files of $batch_minutes min" "$out/batch-j1"
cmd_batch_j2=("${gpmf2json[@]}" -j 2 -o "$out/batch-j2" "${batch_inputs[@]}")
add_row batch-j2 batch "batch: gpmf2json -j 2, the same files" "$out/batch-j2"

if [ ${#rows[@]} = 0 ]; then
	echo "bench: nothing to run"
	exit 0
fi

jiffies_start=$(cpu_jiffies)
echo "== Runs ($runs, interleaved)"
measure_reset
# The inputs in the page cache first, so the first round is not the only one reading the disk.
cat "$long" "${batch_inputs[@]}" >/dev/null
declare -A failed
for ((run = 1; run <= runs; run++)); do
	for row in "${rows[@]}"; do
		[ -z "${failed[$row]:-}" ] || continue
		declare -n cmd="cmd_${row//-/_}"
		# Each run writes a new file, as a first run does: freeing the last run's output (138 MB
		# for gpmf2json) is not the tool's work.
		[ -z "${output[$row]}" ] || rm -rf "${output[$row]}"
		printf '   run %d/%d  %-16s' "$run" "$runs" "$row"
		if measure "$row" "${cmd[@]}"; then
			tail -n 1 "$work/results/$row" |
				awk '{ printf "%8.3f s %8.2f s CPU %8.1f MB\n", $1, $3, $2 * 1024 / 1e6 }'
		else
			failed[$row]=1
			echo "  FAILED: $(head -c 300 "$work/logs/$row.err" | tr '\n' ' ')"
		fi
		unset -n cmd
	done
done

# What each row wrote, as a check that it did the whole job.
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
output_of() {
	case "$1" in
	ffmpeg) [ -f "$out/track.bin" ] && echo "$(mb "$(stat -c %s "$out/track.bin")") of GPMF" ;;
	gpmf2json)
		local f="$out/gpmf2json.ndjson"
		[ -f "$f" ] || return 0
		echo "$(mb "$(stat -c %s "$f")"), $(grep -c '^{"type":"payload"' "$f") payloads, $(tail -n 1 "$f" |
			grep -o '"samples":[0-9]*' | awk -F: '{ n += $2 } END { print n + 0 }') samples"
		;;
	exiftool) [ -f "$out/exiftool.json" ] && echo "$(mb "$(stat -c %s "$out/exiftool.json")"), $(grep -c '"Doc[0-9]*:Accelerometer"' "$out/exiftool.json") payloads (values per payload, no per-sample times)" ;;
	gopro-telemetry) [ -f "$out/gopro-telemetry.json" ] && echo "$(mb "$(stat -c %s "$out/gopro-telemetry.json")"), $(cat "$work/logs/gopro-telemetry.out")" ;;
	batch-j1 | batch-j2)
		local d="$out/${1}"
		[ -d "$d" ] && echo "$(mb "$(du -sb "$d" | cut -f1)"), $(cat "$d"/*.ndjson | grep -c '^{"type":"payload"') payloads"
		;;
	*) echo "-" ;;
	esac
}

others=$(others_share "$jiffies_start" "$(cpu_jiffies)")
base=$(stat_of ffmpeg median)
echo
echo "Side by side: $(basename "$long") ($long_gb GB, $payloads GPMF payloads), $runs run(s) per row, $(date -u +%Y-%m-%d)"
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); other processes used ${others:-?} % of its CPU time during the runs"
if [ "${others:-0}" -ge 10 ]; then
	echo "(A busy machine: wall times and the -j ratio are noisy, CPU s much less so.)"
fi
echo "Versions: GStreamer $(gst-launch-1.0 --gst-version | awk '{ print $NF }'), $(ffmpeg -version | head -n 1 | cut -d' ' -f1-3)$([ "$have_exiftool" = 0 ] || echo ", exiftool $(exiftool -ver)")$([ "$have_node" = 0 ] || echo ", node $(node --version), gopro-telemetry $(node_package_version gopro-telemetry), gpmf-extract $(node_package_version gpmf-extract)")"
echo
echo "| row | what runs | median s | fastest..slowest s | × ffmpeg copy | CPU s | peak RSS MB | output |"
echo "|---|---|---:|---:|---:|---:|---:|---|"
for row in "${rows[@]}"; do
	median=$(stat_of "$row" median)
	if [ -z "$median" ]; then
		echo "| $row | ${label[$row]} | FAILED | | | | | see $work/logs/$row.err |"
		continue
	fi
	echo "| $row | ${label[$row]} | $median | $(stat_of "$row" min)..$(stat_of "$row" max) | $(ratio "$median" "$base") | $(stat_of "$row" cpu) | $(stat_of "$row" rss) | $(output_of "$row") |"
done
for row in "${!note[@]}"; do
	echo "| $row | ${note[$row]} | | | | | | |"
done

# The targets of the issue, from the medians above.
cli=$(stat_of gpmf2json median)
cli_vs_ffmpeg=$(ratio "$cli" "$base")
exif_vs_cli=$(ratio "$(stat_of exiftool median)" "$cli" 1)
gt_vs_cli=$(ratio "$(stat_of gopro-telemetry median)" "$cli" 1)
cli_rss=$(stat_of gpmf2json rss)
batch_rss=$(stat_of batch-j1 rss)
parse_vs_demux=$(ratio "$(stat_of gpmfparse median)" "$(stat_of qtdemux median)")
parse_added=$([ -z "$parse_vs_demux" ] || awk -v r="$parse_vs_demux" 'BEGIN { printf "%+.0f %%", (r - 1) * 100 }')
queued_vs_demux=$(ratio "$(stat_of gpmfparse-queue median)" "$(stat_of qtdemux median)")
queued_added=$([ -z "$queued_vs_demux" ] || awk -v r="$queued_vs_demux" 'BEGIN { printf "%+.0f %%", (r - 1) * 100 }')
j_speedup=$(ratio "$(stat_of batch-j1 median)" "$(stat_of batch-j2 median)")
core=""
core_hour=""
if [ -n "${BENCH_CORE_FILE:-}" ] && [ -s "$BENCH_CORE_FILE" ]; then
	# The "ALL" line's decode + NDJSON column, and the hour of HERO11 telemetry.
	core=$(awk '$1 == "ALL" { print $5 }' "$BENCH_CORE_FILE")
	core_hour=$(sed -nE 's/^One hour.* ([0-9.]+) MB GPMF.*\): ([0-9.]+) s .*/\1 \2/p' "$BENCH_CORE_FILE" |
		awk '{ printf "%.1f", $1 / $2 }')
fi
echo
echo "| target | measured | goal | result |"
echo "|---|---|---|---|"
# shown VALUE TEXT: "VALUE TEXT", or n/a without a value.
shown() { if [ -n "$1" ]; then echo "$1$2"; else echo "n/a"; fi; }
echo "| 1. gpmf2json vs ffmpeg's gpmd copy | $(shown "$cli_vs_ffmpeg" "× the time") | ≤ 2× | $(at_most "$cli_vs_ffmpeg" 2) |"
echo "| 1. exiftool vs gpmf2json | $(shown "$exif_vs_cli" "× slower") | ≥ 25× | $(at_least "$exif_vs_cli" 25) |"
echo "| 1. gopro-telemetry vs gpmf2json | $(shown "$gt_vs_cli" "× slower") | ≥ 50× | $(at_least "$gt_vs_cli" 50) |"
echo "| 1. gpmf2json peak RSS, ${minutes} min | $(shown "$cli_rss" " MB") (${batch_minutes}-min files: $(shown "$batch_rss" " MB")) | < 30 MB | $(at_most "$cli_rss" 29.999) |"
echo "| 2. gpmfparse added to qtdemux ! fakesink (in qtdemux's thread) | $(shown "$parse_added" " ($parse_vs_demux×)") | ≤ +25 % | $(at_most "$parse_vs_demux" 1.25) |"
echo "| 2. the same with a queue before gpmfparse | $(shown "$queued_added" " ($queued_vs_demux×)") | ≤ +25 % | $(at_most "$queued_vs_demux" 1.25) |"
echo "| 3. core decode + NDJSON, one core | $(shown "$core" " MB/s of GPMF") (all samples; HERO11 hour: $(shown "$core_hour" " MB/s")) | ≥ 100 MB/s | $(at_least "$core" 100) |"
echo "| 4. batch, -j 1 time / -j 2 time | $(shown "$j_speedup" "×") | ≥ 1.8× | $(at_least "$j_speedup" 1.8) |"
echo
echo "Outputs: $out; logs: $work/logs"
