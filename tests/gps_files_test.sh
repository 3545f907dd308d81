#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# GPS tracks written by gpmf-dump --gps for real samples are read back by gpsbabel and ogr2ogr.
# Usage: gps_files_test.sh GPMF_DUMP SAMPLES_DIR
set -euo pipefail
dump="$1"
samples="$2"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
found=0
for track in hero5-track hero11-track fusion-track hero6+ble-track; do
	[ -f "$samples/$track.bin" ] || continue
	found=1
	for format in gpx kml csv geojson; do
		"$dump" --gps "$format" "$samples/$track.bin" >"$tmp/$track.$format"
	done
done
if [ $found = 0 ]; then
	[ "${CI:-}" = true ] && { echo "samples missing under CI: $samples" >&2; exit 1; }
	echo "SKIP: no samples in $samples"
	exit 77
fi
"$here/gps_clients_test.sh" "$tmp"
