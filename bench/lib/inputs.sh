# SPDX-License-Identifier: CC0-1.0
# shellcheck shell=bash disable=SC2154 # build is the caller's
# The long inputs (sourced): a GoPro MP4 looped by ffmpeg, checked to still carry its whole gpmd
# track. Needs ffmpeg, ffprobe and $build/tools/gpmf2json.
#
# ffmpeg 5.1 cannot '-map 0' a GoPro file into MP4: the tmcd and fdsc data tracks have no MP4
# tag ("Could not find tag for codec none"), and -copy_unknown does not help. Mapping video,
# audio and the gpmd track by index keeps the gpmd sample entry, its 'GoPro MET' handler and
# every payload (ffmpeg adds a tmcd track of its own from the timecode).

# gpmd_stream FILE: index of the first stream tagged gpmd, empty when there is none.
gpmd_stream() {
	ffprobe -v error -show_entries stream=index,codec_tag_string -of csv=p=0 "$1" |
		awk -F, '$2 == "gpmd" { print $1; exit }'
}

# gpmd_payloads FILE: number of samples (GPMF payloads) in the gpmd track.
gpmd_payloads() {
	ffprobe -v error -select_streams "$(gpmd_stream "$1")" -show_entries stream=nb_frames \
		-of csv=p=0 "$1"
}

# make_loop SOURCE MINUTES OUT: writes SOURCE looped to MINUTES minutes or just over, and prints
# its number of payloads. OUT is reused while OUT.ok, the check's stamp, holds the same count.
# Exits when the gpmd track did not survive whole.
make_loop() {
	local src="$1" min="$2" out="$3"
	local index seconds loops expected found info
	index=$(gpmd_stream "$src")
	if [ -z "$index" ]; then
		echo "bench: $src has no gpmd track" >&2
		exit 1
	fi
	seconds=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$src")
	loops=$(awk -v m="$min" -v s="$seconds" 'BEGIN { n = int(m * 60 / s); print n * s < m * 60 ? n + 1 : n }')
	expected=$(($(gpmd_payloads "$src") * loops))
	if [ -f "$out" ] && [ "$(cat "$out.ok" 2>/dev/null)" = "$expected" ] && [ "$out.ok" -nt "$src" ]; then
		echo "$expected"
		return
	fi
	echo "   writing $(basename "$out"): $(basename "$src") x $loops (ffmpeg -stream_loop $((loops - 1)))" >&2
	mkdir -p "$(dirname "$out")"
	rm -f "$out.ok"
	ffmpeg -v error -y -stream_loop $((loops - 1)) -i "$src" -map '0:v?' -map '0:a?' -map "0:$index" \
		-c copy "$out"
	found=$(gpmd_payloads "$out" || true)
	if [ "$found" != "$expected" ]; then
		echo "bench: the gpmd track did not survive the loop: ffprobe counts '${found:-no track}' payloads in $out, expected $expected" >&2
		exit 1
	fi
	# The project's own reader must see them all too.
	info=$("$build/tools/gpmf2json" --info "$out" | awk '$1 == "payloads" { print $2 " " $3 $4; exit }')
	if [ "$info" != "$expected (0corrupt)" ]; then
		echo "bench: gpmf2json --info reads '$info' payloads in $out, expected $expected, none corrupt" >&2
		exit 1
	fi
	echo "$expected" >"$out.ok"
	echo "$expected"
}

# make_batch SOURCE MINUTES COUNT DIR: COUNT copies of SOURCE looped to MINUTES in DIR
# (ride-1.mp4 ...); prints the payloads of one.
make_batch() {
	local src="$1" min="$2" count="$3" dir="$4" payloads i
	payloads=$(make_loop "$src" "$min" "$dir/ride-1.mp4")
	for ((i = 2; i <= count; i++)); do
		if [ ! -f "$dir/ride-$i.mp4" ] || [ "$dir/ride-1.mp4.ok" -nt "$dir/ride-$i.mp4" ]; then
			cp "$dir/ride-1.mp4" "$dir/ride-$i.mp4"
		fi
	done
	echo "$payloads"
}
