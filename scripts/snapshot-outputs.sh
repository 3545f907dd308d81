#!/usr/bin/env bash
# SPDX-License-Identifier: CC0-1.0
# Writes every output of gpmf2json and gpmf-dump for every sample into OUTDIR, so that two
# builds can be compared byte for byte (diff -r): used to check that a refactoring changes no
# output. Usage: scripts/snapshot-outputs.sh BUILD_DIR OUTDIR [SAMPLES_DIR]
set -euo pipefail
build=$(realpath "$1")
out=$(realpath -m "$2")
samples=$(realpath "${3:-$(dirname "$0")/../../shared/samples}")
mkdir -p "$out"
g2j=("$build/tools/gpmf2json" --no-progress)
[ -x "${g2j[0]}" ] || g2j=("$build/examples/gpmf2json" --no-progress)
dump="$build/tools/gpmf-dump/gpmf-dump"
[ -x "$dump" ] || dump="$build/tools/gpmf-dump"
[ -x "$dump" ] || dump="$build/examples/gpmf-dump"
cd "$samples"
for f in *.mp4 *-track.bin *.raw; do
	b=()
	case "$f" in *.mp4) ;; *) b=(-b) ;; esac
	for fmt in ndjson json; do
		"${g2j[@]}" "${b[@]}" --format "$fmt" "$f" -o "$out/$f.$fmt" 2>"$out/$f.$fmt.err" || echo "exit $?" >>"$out/$f.$fmt.err"
	done
	for g in gpx kml csv geojson; do
		"${g2j[@]}" "${b[@]}" --$g "$f" -o "$out/$f.$g" 2>"$out/$f.$g.err" || echo "exit $?" >>"$out/$f.$g.err"
	done
	"${g2j[@]}" "${b[@]}" --interval 100ms "$f" -o "$out/$f.interval.ndjson" 2>/dev/null || true
	"${g2j[@]}" "${b[@]}" -s --gpx "$f" -o "$out/$f.fix.gpx" 2>/dev/null || true
	"${g2j[@]}" "${b[@]}" --info "$f" >"$out/$f.info" 2>&1 || echo "exit $?" >>"$out/$f.info"
	case "$f" in *.mp4) continue ;; esac
	"$dump" "$f" >"$out/$f.dump.ndjson" 2>"$out/$f.dump.err" || echo "exit $?" >>"$out/$f.dump.err"
	"$dump" --raw "$f" >"$out/$f.dump-raw.ndjson" 2>/dev/null || true
	for g in gpx kml csv geojson; do
		"$dump" --gps $g "$f" >"$out/$f.dump.$g" 2>/dev/null || true
	done
done
echo "wrote $(ls "$out" | wc -l) files to $out"
