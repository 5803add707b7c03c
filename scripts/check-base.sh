#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Refuse to go on unless the kernel source is exactly the pinned one. A pin
# with BASE_APT_SOURCES (base-trixie.env) is downloaded here first, with a
# private apt configuration, into $BUILD/base.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Download and unpack $BASE_PACKAGE=$BASE_VERSION from BASE_APT_SOURCES,
# leaving the system's apt configuration and package database alone.
fetch_base() {
	local apt=$BUILD/apt deb src
	rm -rf "$apt" "$BUILD/base"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	while IFS= read -r src; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $src"
	done <<<"$BASE_APT_SOURCES" >"$apt/sources.list"
	local opts=(-o Dir::Etc::SourceList="$apt/sources.list"
		    -o Dir::Etc::SourceParts=/dev/null
		    -o Dir::State::Lists="$apt/lists"
		    -o Dir::Cache="$apt/cache"
		    -o Dir::State::status=/dev/null
		    -o APT::Sandbox::User=root)
	log "fetching $BASE_PACKAGE $BASE_VERSION"
	apt-get -qq "${opts[@]}" update ||
		die "apt-get update with $apt/sources.list failed"
	(cd "$apt" && apt-get -qq "${opts[@]}" download "$BASE_PACKAGE=$BASE_VERSION") ||
		die "$BASE_PACKAGE $BASE_VERSION is not in the archive any more: move the pin (base-trixie.env)"
	deb=$(ls "$apt"/"${BASE_PACKAGE}"_*.deb)
	[ "$(sha256sum "$deb" | cut -d' ' -f1)" = "$BASE_DEB_SHA256" ] ||
		die "$deb does not have the pinned sha256 $BASE_DEB_SHA256"
	dpkg-deb -x "$deb" "$BUILD/base"
	rm -rf "$apt"
}

if [ -n "${BASE_APT_SOURCES:-}" ]; then
	[ -f "$BASE_TARBALL" ] || fetch_base
	have=$BASE_VERSION
else
	have=$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null || true)
fi
if [ "$have" != "$BASE_VERSION" ]; then
	die "$BASE_PACKAGE ${have:-is not installed}${have:+ is installed}, the series is pinned to $BASE_VERSION.
  Install the pinned version:  apt-get install $BASE_PACKAGE=$BASE_VERSION
  or move the pin: edit $TOP/base.env (see the comment there)."
fi
[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL is missing; reinstall $BASE_PACKAGE=$BASE_VERSION"
sum=$(sha256sum "$BASE_TARBALL" | cut -d' ' -f1)
if [ "$sum" != "$BASE_SHA256" ]; then
	die "$BASE_TARBALL has sha256 $sum, the pin says $BASE_SHA256.
  The package was rebuilt or altered. If this is intended, move the pin:
  put the new sum in the pin file (base.env or base-trixie.env)."
fi
