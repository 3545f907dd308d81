# SPDX-License-Identifier: CC0-1.0
# shellcheck shell=bash disable=SC2034 # the variables are the caller's
# Options shared by bench/run.sh and bench/compare.sh (sourced). Sets:
#   runs       timed runs per row (median reported)
#   quick      1 for a smoke run: 5-minute input, 4 x 5-minute batch, 1 run
#   only       comma-separated row ids to run, empty for all
#   source     the GoPro MP4 that is looped into the long inputs
#   samples    folder of the real samples (core bench, default source)
#   work       where inputs, peers and outputs go (never committed)
# and bench_usage.

bench_usage() {
	cat <<'EOF'
Usage: bench/run.sh [OPTION]... [SAMPLES_DIR]
Builds a release (build-release), prints the core's throughput, then runs gst-gpmf and its
peers side by side on karma.mp4 looped to an hour and prints medians, ratios, peak RSS and
the targets of the speed/memory issue. See docs/benchmarks.md.

  --runs N       timed runs per row, interleaved (default 3; 1 with --quick)
  --quick        smoke run: 5-minute input, 4 x 5-minute batch, 1 run
  --only LIST    only these rows (comma-separated): core, ffmpeg, exiftool,
                 gopro-telemetry, qtdemux, qtdemux-all, gpmfparse, gpmfdemux, gpmf2json,
                 batch. Ratios need the ffmpeg row.
  --source MP4   the GoPro file to loop (default: SAMPLES_DIR/karma.mp4)
  --minutes N    length of the long input (default 60; 5 with --quick)
  -h, --help     this text
SAMPLES_DIR defaults to $GPMF_SAMPLES_DIR or ../shared/samples. Work files go to bench/.work
(or $BENCH_WORK_DIR).
EOF
}

runs=""
quick=0
only=""
source=""
minutes=""
samples="${GPMF_SAMPLES_DIR:-../shared/samples}"
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs="${2:?--runs takes a number}"; shift 2 ;;
	--runs=*) runs="${1#*=}"; shift ;;
	--quick) quick=1; shift ;;
	--only) only="${2:?--only takes a list of rows}"; shift 2 ;;
	--only=*) only="${1#*=}"; shift ;;
	--source) source="${2:?--source takes an MP4}"; shift 2 ;;
	--source=*) source="${1#*=}"; shift ;;
	--minutes) minutes="${2:?--minutes takes a number}"; shift 2 ;;
	--minutes=*) minutes="${1#*=}"; shift ;;
	-h | --help) bench_usage; exit 0 ;;
	-*) echo "bench: unknown option '$1'" >&2; bench_usage >&2; exit 2 ;;
	*) samples="$1"; shift ;;
	esac
done
if [ -z "$runs" ]; then
	runs=3
	[ "$quick" = 0 ] || runs=1
fi
if [ -z "$minutes" ]; then
	minutes=60
	[ "$quick" = 0 ] || minutes=5
fi
if ! [[ "$runs" =~ ^[1-9][0-9]*$ && "$minutes" =~ ^[1-9][0-9]*$ ]]; then
	echo "bench: --runs and --minutes take a whole number above 0" >&2
	exit 2
fi
for row in ${only//,/ }; do
	case "$row" in
	core | ffmpeg | exiftool | gopro-telemetry | qtdemux | qtdemux-all | gpmfparse | gpmfdemux | gpmf2json | batch) ;;
	*) echo "bench: --only: no row '$row'" >&2; bench_usage >&2; exit 2 ;;
	esac
done
source="${source:-$samples/karma.mp4}"
work="${BENCH_WORK_DIR:-$PWD/bench/.work}"

# True when row $1 is selected by --only (or when there is no --only).
wanted() {
	[ -z "$only" ] || [[ ",$only," == *",$1,"* ]]
}
