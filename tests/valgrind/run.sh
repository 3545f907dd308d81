#!/usr/bin/env bash
# SPDX-License-Identifier: CC0-1.0
# Runs the element tests under valgrind memcheck: element-tests (GstHarness, gpmfparse registered
# statically; once more with threads=3, records written on helper threads) and the GstHarness
# part of fault-tests (the built plugin). Any memory error, or any definitely lost block, fails
# the run. Only gpmfparse is loaded: no system plugins, so the
# pipeline tests are left to the normal and sanitizer runs.
#
# Usage: tests/valgrind/run.sh BUILD_DIR
# Suppressions: GLib's own (glib.supp, shipped with GLib) and tests/valgrind/gst.supp.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)"

if ! command -v valgrind >/dev/null; then
	echo "valgrind is not installed (scripts/install-deps.sh installs it)" >&2
	exit 1
fi
for binary in element-tests fault-tests attach-tests; do
	if [ ! -x "$build/tests/plugin/$binary" ]; then
		echo "$build/tests/plugin/$binary is missing: build it first (ninja -C $build)" >&2
		exit 1
	fi
done

suppressions=(--suppressions="$here/gst.supp")
glib_supp="$(pkg-config --variable=prefix glib-2.0 2>/dev/null || echo /usr)/share/glib-2.0/valgrind/glib.supp"
if [ -f "$glib_supp" ]; then
	suppressions+=(--suppressions="$glib_supp")
else
	echo "warning: $glib_supp not found; GLib's one-time allocations may be reported" >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# GSlice off so valgrind sees every block; no debug log (its first use allocates for good).
unset GST_DEBUG GST_DEBUG_FILE
export G_SLICE=always-malloc
export G_DEBUG=gc-friendly
export GPMF_SAMPLES_DIR="${GPMF_SAMPLES_DIR:-$root/../shared/samples}"
export GST_PLUGIN_SYSTEM_PATH_1_0=""
# The tests check for fewer iterations under valgrind (same code paths, a few minutes in all).
export GPMF_TEST_UNDER_VALGRIND=1

memcheck() {
	local log="$work/$1.log"
	shift
	echo "== valgrind $*"
	if ! valgrind --tool=memcheck --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
		--num-callers=40 "${suppressions[@]}" --log-file="$log" "$@"; then
		cat "$log" >&2
		echo "valgrind: errors in $*" >&2
		return 1
	fi
	grep -E "ERROR SUMMARY|definitely lost" "$log" | sed 's/^==[0-9]*== *//'
}

status=0
GST_PLUGIN_PATH_1_0="" GST_REGISTRY_1_0="$work/element.registry" \
	memcheck element "$build/tests/plugin/element-tests" || status=1
# Again with gpmfparse threads=3: records written on the session's helper threads.
GST_PLUGIN_PATH_1_0="" GST_REGISTRY_1_0="$work/element.registry" GPMF_TEST_THREADS=3 \
	memcheck element-threads "$build/tests/plugin/element-tests" || status=1
GST_PLUGIN_PATH_1_0="$build/plugin" GST_REGISTRY_1_0="$work/fault.registry" \
	memcheck fault "$build/tests/plugin/fault-tests" --gtest_filter='FaultTest.*' || status=1
# gpmfattach through GstHarness: frames held across threads, the per-frame records (the
# element registered by its tests; the sample pipelines need system plugins, left out as for
# the element tests). gpmfoverlay is not run here: Pango's font maps keep caches that valgrind
# reports as lost.
GST_PLUGIN_PATH_1_0="" GST_REGISTRY_1_0="$work/attach.registry" \
	memcheck attach "$build/tests/plugin/attach-tests" --gtest_filter='AttachTest.*:PayloadRecordWriter.*' || status=1
exit $status
