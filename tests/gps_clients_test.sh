#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Reads the GPS track files in a folder with third-party readers (gpsbabel, GDAL's ogr2ogr) and
# checks that they find every point at the positions the file holds.
#
# Usage: gps_clients_test.sh DIR
#   DIR holds files written by gst-gpmf: *.gpx, *.kml, *.csv (our column names), *.geojson.
# Exit status: 0 all passed, 1 a check failed, 77 (meson's "skip") when neither tool is installed.

set -u

dir=${1:-}
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
	echo "usage: $0 DIR (a folder of .gpx/.kml/.csv/.geojson track files)" >&2
	exit 2
fi

have_babel=0
have_ogr=0
command -v gpsbabel >/dev/null 2>&1 && have_babel=1
command -v ogr2ogr >/dev/null 2>&1 && have_ogr=1
if [ $have_babel = 0 ] && [ $have_ogr = 0 ]; then
	echo "SKIP: neither gpsbabel nor ogr2ogr is installed (apt-get install gpsbabel gdal-bin)"
	exit 77
fi

passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; [ -s "$tmp/err" ] && head -n 5 "$tmp/err" | sed 's/^/#   /'; }

# Compares two files of "lat lon" lines: same count, every pair within a tolerance.
same_positions() { # expected actual tolerance
	if [ ! -s "$1" ]; then
		# awk's NR == FNR test needs a non-empty first file: no points expected, none read.
		[ ! -s "$2" ] || { echo "expected no points, read $(wc -l <"$2")" >"$tmp/err"; return 1; }
		return 0
	fi
	awk -v tol="$3" '
		NR == FNR { lat[NR] = $1; lon[NR] = $2; n = NR; next }
		{ m++; d1 = $1 - lat[m]; d2 = $2 - lon[m]; if (d1 < 0) d1 = -d1; if (d2 < 0) d2 = -d2
		  if (d1 > tol || d2 > tol) { printf "point %d: expected %s %s, read %s %s\n", m, lat[m], lon[m], $1, $2; bad = 1 } }
		END { if (m != n) { printf "expected %d points, read %d\n", n, m; bad = 1 } exit bad }
	' "$1" "$2" >"$tmp/err" 2>&1
}

# Runs a reader; its output goes to $tmp/out, its messages to $tmp/err.
run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
}

gpx_positions() { # file.gpx
	grep -o '<trkpt lat="[^"]*" lon="[^"]*"' "$1" | sed 's/.*lat="\([^"]*\)" lon="\([^"]*\)"/\1 \2/'
}

# The GPX beside a KML, CSV or GeoJSON file (same base name) names lat and lon explicitly: when it
# is there, the other formats must put the same positions in the right order (KML and GeoJSON
# write lon first). Otherwise the positions come from the file itself.
reference_positions() { # file
	local gpx="${1%.*}.gpx"
	if [ -f "$gpx" ]; then
		gpx_positions "$gpx" >"$tmp/expected"
		echo "the GPX's"
		return
	fi
	echo "its own"
	return 1
}

# The CSV that ogr2ogr writes with GEOMETRY=AS_XY starts with X (lon) and Y (lat).
ogr_xy() {
	awk -F, 'NR > 1 { print $2, $1 }' "$tmp/out"
}

shopt -s nullglob
files=("$dir"/*.gpx "$dir"/*.kml "$dir"/*.csv "$dir"/*.geojson)
if [ ${#files[@]} = 0 ]; then
	echo "no .gpx, .kml, .csv or .geojson file in $dir" >&2
	exit 1
fi

for f in "${files[@]}"; do
	name=$(basename "$f")
	: >"$tmp/err"
	case "$f" in
	*.gpx)
		gpx_positions "$f" >"$tmp/expected"
		ref="its own"
		if [ $have_babel = 1 ]; then
			# gpsbabel's csv output is "lat, lon, name" with 5 decimals.
			if run gpsbabel -i gpx -f "$f" -o csv -F - &&
				awk -F', *' '{ print $1, $2 }' "$tmp/out" >"$tmp/actual" &&
				same_positions "$tmp/expected" "$tmp/actual" 0.000006; then
				ok "$name: gpsbabel reads $(wc -l <"$tmp/expected") track points at $ref positions"
			else
				not_ok "$name: gpsbabel -i gpx"
			fi
		fi
		if [ $have_ogr = 1 ]; then
			if run ogr2ogr -f CSV /vsistdout/ "$f" track_points -lco GEOMETRY=AS_XY &&
				ogr_xy >"$tmp/actual" && same_positions "$tmp/expected" "$tmp/actual" 1e-9; then
				ok "$name: ogr2ogr reads the track points at $ref positions"
			else
				not_ok "$name: ogr2ogr GPX track_points"
			fi
		fi
		;;
	*.kml)
		ref=$(reference_positions "$f") ||
			grep -o '<gx:coord>[^<]*</gx:coord>' "$f" | sed 's/<[^>]*>//g' | awk '{ print $2, $1 }' >"$tmp/expected"
		if [ $have_babel = 1 ]; then
			# unicsv: No,Latitude,Longitude,... with 6 decimals; -t: the track, from gx:Track.
			if run gpsbabel -t -i kml -f "$f" -o unicsv -F - &&
				awk -F, 'NR > 1 { print $2, $3 }' "$tmp/out" >"$tmp/actual" &&
				same_positions "$tmp/expected" "$tmp/actual" 0.0000006; then
				ok "$name: gpsbabel reads $(wc -l <"$tmp/expected") gx:Track points at $ref positions"
			else
				not_ok "$name: gpsbabel -i kml"
			fi
		fi
		if [ $have_ogr = 1 ]; then
			# GDAL's KML driver turns the gx:Track into one LINESTRING Z feature.
			if run ogr2ogr -f CSV /vsistdout/ "$f" -lco GEOMETRY=AS_WKT &&
				sed -n 's/.*LINESTRING Z (\([^)]*\)).*/\1/p' "$tmp/out" | tr ',' '\n' |
				awk 'NF { print $2, $1 }' >"$tmp/actual" &&
				same_positions "$tmp/expected" "$tmp/actual" 1e-9; then
				ok "$name: ogr2ogr reads the gx:Track as a line through $ref positions"
			else
				not_ok "$name: ogr2ogr KML"
			fi
		fi
		;;
	*.csv)
		if ! head -n 1 "$f" | grep -q '^time_s,utc,lat_deg,lon_deg,'; then
			echo "# $name: not a gst-gpmf GPS CSV, left alone"
			continue
		fi
		ref=$(reference_positions "$f") || awk -F, 'NR > 1 { print $3, $4 }' "$f" >"$tmp/expected"
		if [ $have_ogr = 1 ]; then
			if run ogr2ogr -f CSV /vsistdout/ "$f" -oo X_POSSIBLE_NAMES=lon_deg -oo Y_POSSIBLE_NAMES=lat_deg \
				-lco GEOMETRY=AS_XY && ogr_xy >"$tmp/actual" &&
				same_positions "$tmp/expected" "$tmp/actual" 1e-9; then
				ok "$name: ogr2ogr reads $(wc -l <"$tmp/expected") rows as points at $ref positions"
			else
				not_ok "$name: ogr2ogr CSV"
			fi
		fi
		;;
	*.geojson)
		ref=$(reference_positions "$f") ||
			grep -o '"coordinates":\[[^]]*\]' "$f" | sed 's/.*\[\(.*\)\]/\1/' | awk -F, '{ print $2, $1 }' >"$tmp/expected"
		if [ $have_babel = 1 ]; then
			if run gpsbabel -i geojson -f "$f" -o unicsv -F - &&
				awk -F, 'NR > 1 { print $2, $3 }' "$tmp/out" >"$tmp/actual" &&
				same_positions "$tmp/expected" "$tmp/actual" 0.0000006; then
				ok "$name: gpsbabel reads $(wc -l <"$tmp/expected") GeoJSON points at $ref positions"
			else
				not_ok "$name: gpsbabel -i geojson"
			fi
		fi
		if [ $have_ogr = 1 ]; then
			if run ogr2ogr -f CSV /vsistdout/ "$f" -lco GEOMETRY=AS_XY && ogr_xy >"$tmp/actual" &&
				same_positions "$tmp/expected" "$tmp/actual" 1e-9; then
				ok "$name: ogr2ogr reads the GeoJSON points at $ref positions"
			else
				not_ok "$name: ogr2ogr GeoJSON"
			fi
		fi
		;;
	esac
done

echo "$passed passed, $failed failed"
[ $failed = 0 ]
