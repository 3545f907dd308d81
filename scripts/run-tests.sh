#!/usr/bin/env bash
# SPDX-License-Identifier: CC0-1.0
# The whole test suite: builds what is needed, then runs every test (meson test).
# Real GoPro samples are read from ../shared/samples (or GPMF_SAMPLES_DIR); tests that need an
# absent sample are skipped, except under CI=true, where they fail.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
meson test -C build --print-errorlogs "$@"
