#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what building, booting and testing need, from Debian's archive,
# including the pinned kernel source package.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(
	# kernel build
	bc bison flex libelf-dev libssl-dev ccache cpio rsync xz-utils
	make gcc git perl python3
	# VM
	qemu-system-x86
	# tests and tools in the guest (which runs on the host's root fs)
	python3-yaml python3-jsonschema python3-ply python3-git liburing-dev libcap-dev libmnl-dev
	ethtool iproute2 iputils-ping kmod procps socat netsniff-ng jq
	# benchmark chart
	gnuplot-nox
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
have=$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null || true)
# A pin with its own apt sources is downloaded by check-base.sh instead.
if [ -z "${BASE_APT_SOURCES:-}" ] && [ "$have" != "$BASE_VERSION" ]; then
	missing+=("$BASE_PACKAGE=$BASE_VERSION")
fi

if [ ${#missing[@]} -gt 0 ]; then
	log "installing: ${missing[*]}"
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
fi

"$TOP/scripts/check-base.sh"
