# SPDX-License-Identifier: CC0-1.0
# shellcheck shell=bash disable=SC2154 # work is the caller's
# The peers (sourced): Debian packages the benchmark alone needs, and the npm packages of the
# gopro-telemetry peer, pinned by bench/peers/package-lock.json. Each returns 1 with a note on
# standard error when it cannot install, so the caller can skip the rows that need it.

# ensure_debian_packages PKG...: installs the missing ones (apt-get, sudo when not root).
ensure_debian_packages() {
	local missing=() p sudo=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "   installing ${missing[*]} (apt-get)" >&2
	if ! { DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/dev/null; then
		echo "   (could not install ${missing[*]})" >&2
		return 1
	fi
}

# install_node_peers: gopro-telemetry and gpmf-extract into $work/node_modules (npm ci of the
# pinned lock file; skipped when that lock is already installed).
install_node_peers() {
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		echo "   (node or npm not installed)" >&2
		return 1
	fi
	if cmp -s bench/peers/package-lock.json "$work/package-lock.json" &&
		[ -f "$work/node_modules/gopro-telemetry/package.json" ] &&
		[ -f "$work/node_modules/gpmf-extract/package.json" ]; then
		return 0
	fi
	echo "   installing gopro-telemetry and gpmf-extract (npm ci, bench/peers/package-lock.json)" >&2
	cp bench/peers/package.json bench/peers/package-lock.json "$work/"
	if ! (cd "$work" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
		rm -f "$work/package-lock.json"
		echo "   (npm ci failed: offline?)" >&2
		return 1
	fi
}

# node_package_version NAME: the installed version of an npm peer.
node_package_version() {
	node -p "require(process.argv[1]).version" "$work/node_modules/$1/package.json"
}
