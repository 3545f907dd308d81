# SPDX-License-Identifier: CC0-1.0
# shellcheck shell=bash disable=SC2154 # work is the caller's
# Timing helper (sourced): one timed run of a command, and the statistics over a row's runs.
# Wall time comes from $EPOCHREALTIME around the run (microseconds; /usr/bin/time's %e has only
# centiseconds), peak RSS from /usr/bin/time's %M (KiB, the largest of the process and the
# children it waited for), CPU time from %U + %S (what the run cost, whatever else loads the
# machine). Each row keeps one line per successful run in $work/results/ROW:
# "seconds rss_kib cpu_seconds".

measure_reset() {
	rm -rf "$work/results" "$work/logs"
	mkdir -p "$work/results" "$work/logs"
}

# measure ROW CMD...: runs CMD once, its output in $work/logs/ROW.{out,err}; returns its status
# (a failed run is not recorded).
measure() {
	local row="$1"
	shift
	local start end status=0
	start=$EPOCHREALTIME
	/usr/bin/time -f '%M %U %S' -o "$work/logs/$row.rss" "$@" >"$work/logs/$row.out" 2>"$work/logs/$row.err" ||
		status=$?
	end=$EPOCHREALTIME
	[ "$status" = 0 ] || return "$status"
	tail -n 1 "$work/logs/$row.rss" | awk -v s="$start" -v e="$end" \
		'{ printf "%.4f %d %.2f\n", e - s, $1, $2 + $3 }' >>"$work/results/$row"
}

# stat_of ROW median|min|max|cpu|rss|n: wall seconds (median, fastest, slowest), median CPU
# seconds, the largest peak RSS in MB (10^6 bytes), or the number of runs; empty when the row
# has no run.
stat_of() {
	[ -s "$work/results/$1" ] || return 0
	if [ "$2" = cpu ]; then
		awk '{ print $3 }' "$work/results/$1" | sort -n | awk '{ c[NR] = $1 }
			END { printf "%.2f", NR % 2 ? c[(NR + 1) / 2] : (c[NR / 2] + c[NR / 2 + 1]) / 2 }'
		return
	fi
	sort -n -k1,1 "$work/results/$1" | awk -v what="$2" '
		{ t[NR] = $1; if ($2 > rss) rss = $2 }
		END {
			if (what == "median") printf "%.3f", NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
			else if (what == "min") printf "%.3f", t[1]
			else if (what == "max") printf "%.3f", t[NR]
			else if (what == "rss") printf "%.1f", rss * 1024 / 1e6
			else if (what == "n") printf "%d", NR
		}'
}

# ratio A B [DIGITS]: A / B, or empty when either is missing.
ratio() {
	[ -n "$1" ] && [ -n "$2" ] || return 0
	awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (b > 0) printf "%.*f", d, a / b }'
}

# at_most / at_least VALUE LIMIT: PASS or FAIL; n/a without a value.
at_most() {
	[ -n "$1" ] || { echo "n/a"; return; }
	awk -v v="$1" -v l="$2" 'BEGIN { print (v <= l) ? "PASS" : "FAIL" }'
}
at_least() {
	[ -n "$1" ] || { echo "n/a"; return; }
	awk -v v="$1" -v l="$2" 'BEGIN { print (v >= l) ? "PASS" : "FAIL" }'
}

# cpu_jiffies: busy and total CPU time of the whole machine so far ("busy total", in clock
# ticks), from /proc/stat.
cpu_jiffies() {
	awk '$1 == "cpu" { busy = $2 + $3 + $4 + $7 + $8 + $9; total = busy + $5 + $6; print busy, total; exit }' /proc/stat
}

# others_share START_JIFFIES END_JIFFIES: the share (%) of the machine's CPU time between the two
# /proc/stat readings that the recorded runs did not use: how busy the other processes kept
# the machine while we measured.
others_share() {
	local ours
	ours=$(cat "$work/results"/* 2>/dev/null | awk '{ s += $3 } END { print s + 0 }')
	awk -v a="$1" -v b="$2" -v ours="$ours" -v hz="$(getconf CLK_TCK)" 'BEGIN {
		split(a, s, " "); split(b, e, " ")
		busy = (e[1] - s[1]) / hz - ours; total = (e[2] - s[2]) / hz
		if (busy < 0) busy = 0
		if (total > 0) printf "%.0f", 100 * busy / total
	}'
}
