#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build and install the selftests the project runs: the kernel tree's
# kselftest targets (against the tree's uapi headers) and the repository's
# own tests, into build/kselftest, ready for run_kselftest.sh in the guest.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

TARGETS=${KSFT_TARGETS:-"net/lib net/forwarding drivers/net drivers/net/hw drivers/net/netdevsim"}
hdr=$BUILD/uapi
inst=$BUILD/kselftest

log "selftests: installing uapi headers"
make -s -C "$TREE" O="$BUILD/obj-headers" ARCH=x86_64 headers_install \
	INSTALL_HDR_PATH="$hdr" >/dev/null

log "selftests: building $TARGETS"
rm -rf "$inst"
make -s -C "$TREE/tools/testing/selftests" O="$BUILD/kselftest-obj" \
	TARGETS="$TARGETS" KHDR_INCLUDES="-isystem $hdr/include" \
	CC="ccache gcc" INSTALL_PATH="$inst" install >"$BUILD/kselftest.log" 2>&1 ||
	{ tail -30 "$BUILD/kselftest.log"; die "selftests build failed (log: $BUILD/kselftest.log)"; }
# kselftest's install target carries on past a program that fails to build
if grep -q ': error:' "$BUILD/kselftest.log"; then
	grep -B2 -A6 ': error:' "$BUILD/kselftest.log" | head -40
	die "selftests build failed (log: $BUILD/kselftest.log)"
fi

# The repository's own tests form the collection 'zcrx-lts'.
log "selftests: building the project's tests"
mkdir -p "$inst/zcrx-lts"
make -s -C "$TOP/tests" OUT="$inst/zcrx-lts" KHDR="$hdr/include" \
	KSFT="$TREE/tools/testing/selftests"
for t in $(make -s -C "$TOP/tests" list); do
	echo "zcrx-lts:$t" >>"$inst/kselftest-list.txt"
done
log "selftests: installed in ${inst#$TOP/}"
