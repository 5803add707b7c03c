#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Refuse to go on unless the installed kernel source is exactly the pinned one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

have=$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null || true)
if [ "$have" != "$BASE_VERSION" ]; then
	die "$BASE_PACKAGE ${have:-is not installed}${have:+ is installed}, the series is pinned to $BASE_VERSION.
  Install the pinned version:  apt-get install $BASE_PACKAGE=$BASE_VERSION
  or move the pin: edit $TOP/base.env (see the comment there)."
fi
[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL is missing; reinstall $BASE_PACKAGE=$BASE_VERSION"
sum=$(sha256sum "$BASE_TARBALL" | cut -d' ' -f1)
if [ "$sum" != "$BASE_SHA256" ]; then
	die "$BASE_TARBALL has sha256 $sum, the pin in base.env says $BASE_SHA256.
  The package was rebuilt or altered. If this is intended, move the pin:
  put the new sum in $TOP/base.env."
fi
