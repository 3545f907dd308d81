#!/usr/bin/env bash
# SPDX-License-Identifier: CC0-1.0
# Installs the Debian 12 packages gst-gpmf needs to build, test and benchmark. Safe to re-run.
set -euo pipefail
packages=(
	g++ meson ninja-build pkg-config
	libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libjson-glib-dev libgtest-dev libgmock-dev
	gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-libav
	python3-gi gir1.2-gstreamer-1.0 python3-jsonschema
	gpsbabel gdal-bin clang libclang-rt-14-dev valgrind time
	libcairo2-dev libpango1.0-dev gstreamer1.0-plugins-ugly
	gstreamer1.0-plugins-bad # h264parse: docs/gpmfattach.md's encoded-video pipeline
	pybind11-dev python3-dev python3-numpy python3-mesonpy python3-pytest python3-pandas
	python3-dask python3-distributed python3-pip patchelf ffmpeg
	jq # docs/plugin.md pipes records through it, and the doc test runs the pages (tests/docs)
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
