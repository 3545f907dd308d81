#!/usr/bin/env bash
# SPDX-License-Identifier: CC0-1.0
# Builds the libFuzzer targets with clang (build-fuzz), makes their seed corpora from the real
# samples and from generated payloads, and runs each target for a bounded time.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    (default: 60 s; decode header split mp4)
#
# Exits 1 on any crash, leak, timeout, out-of-memory or oversized allocation, and prints the
# reproducer; rerun one with: build-fuzz/fuzz/fuzz-<target> <reproducer>.
# The corpus grows in build-fuzz/corpus/<target>/ from run to run; delete it to start over.
# Environment: GPMF_SAMPLES_DIR (default ../shared/samples beside the source tree),
# GPMF_FUZZ_BUILD (default build-fuzz), CI=true makes missing samples an error.
set -euo pipefail

seconds="${1:-60}"
[ $# -gt 0 ] && shift
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: $0 [SECONDS_PER_TARGET] [decode|header|split|mp4 ...]" >&2
	exit 2
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decode header split mp4)
for t in "${targets[@]}"; do
	case "$t" in
	decode | header | split | mp4) ;;
	*)
		echo "unknown target '$t' (decode, header, split, mp4)" >&2
		exit 2
		;;
	esac
done

cd "$(dirname "$0")/.."
src="$(pwd)"
build="${GPMF_FUZZ_BUILD:-$src/build-fuzz}"
samples="${GPMF_SAMPLES_DIR:-$src/../shared/samples}"

# Debian 12: clang 14 and its runtime libraries (libFuzzer, ASan, UBSan live in libclang-rt-14-dev).
packages=(clang libclang-rt-14-dev g++ meson ninja-build pkg-config)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "== Installing ${missing[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== Building the fuzz targets in $build"
if [ ! -f "$build/build.ninja" ]; then
	CC=clang CXX=clang++ meson setup "$build" -Dfuzz=enabled -Dtests=disabled -Dplugin=disabled
elif ! ninja -C "$build" -t targets all 2>/dev/null | grep -q '^fuzz/fuzz-decode:'; then
	# An existing clang build dir without the targets (meson refuses a gcc one clearly).
	meson configure "$build" -Dfuzz=enabled
fi
if ! ninja -C "$build" fuzz/fuzz-decode fuzz/fuzz-header fuzz/fuzz-split fuzz/fuzz-mp4 fuzz/fuzz-make-seeds >"$build/fuzz-build.log" 2>&1; then
	tail -n 60 "$build/fuzz-build.log"
	echo "!! building the fuzz targets failed (log: $build/fuzz-build.log)" >&2
	exit 1
fi

echo "== Seed corpora in $build/corpus"
if [ -d "$samples" ]; then
	"$build/fuzz/fuzz-make-seeds" "$build/corpus" "$samples"
elif [ "${CI:-}" = "true" ]; then
	echo "samples folder $samples is missing (set GPMF_SAMPLES_DIR)" >&2
	exit 1
else
	echo "warning: no samples in $samples (set GPMF_SAMPLES_DIR): generated seeds only" >&2
	"$build/fuzz/fuzz-make-seeds" "$build/corpus"
fi

# A smaller quarantine than the 256 MB default leaves room under the 512 MB RSS limit, which is
# there to catch unbounded allocation, not ASan's own bookkeeping.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=64}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
mkdir -p "$build/fuzz-logs"
failed=0
summary=()
for t in "${targets[@]}"; do
	corpus="$build/corpus/$t"
	artifacts="$build/fuzz-artifacts/$t"
	log="$build/fuzz-logs/$t.log"
	mkdir -p "$corpus" "$artifacts"
	echo "== fuzz-$t: ${seconds} s, corpus $(find "$corpus" -type f | wc -l) files, log $log"
	status=0
	"$build/fuzz/fuzz-$t" -max_total_time="$seconds" -rss_limit_mb=512 -timeout=10 \
		-dict="$src/fuzz/gpmf.dict" -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?
	execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
	execs="${execs:-?}"
	if [ "$status" -ne 0 ]; then
		failed=1
		echo "!! fuzz-$t failed (exit $status) after $execs executions; end of the log:"
		tail -n 80 "$log"
		reproducer="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)"
		if [ -n "$reproducer" ]; then
			echo "!! reproducer: $reproducer"
			echo "!! rerun it:   $build/fuzz/fuzz-$t $reproducer"
		fi
		summary+=("fuzz-$t: FAILED after $execs executions in ${seconds} s")
	else
		summary+=("fuzz-$t: $execs executions in ${seconds} s, no crash")
	fi
done

echo "== Summary"
printf '%s\n' "${summary[@]}"
exit "$failed"
