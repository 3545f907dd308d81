#!/usr/bin/env bash
# SPDX-License-Identifier: CC0-1.0
# Installs what is missing, then configures and builds ./build (warnings are errors): every
# target, or only those named (e.g. scripts/build.sh plugin/gstgpmf).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ ! -f build/build.ninja ]; then
	meson setup build --werror -Dtests=enabled -Dplugin=enabled -Dpython=enabled
fi
meson compile -C build "$@"
