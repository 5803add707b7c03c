#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: set everything up from a fresh machine, build the patched
# kernel, boot it in QEMU and show io_uring zero-copy receive working: a
# stream steered to RX queue 1 of a simulated NIC with header/data split
# lands in user memory through IORING_OP_RECV_ZC, every byte checked, and
# the same stream through recv() for contrast. DEMO_BYTES sets the size
# (default 1 GiB).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bytes=$((${DEMO_BYTES:-1 << 30}))

log "1/4 dependencies"
"$TOP/scripts/deps.sh"
log "2/4 work tree: pinned base + patches/series"
"$TOP/scripts/tree.sh"
log "3/4 kernel, test programs and zcrx-bench"
"$TOP/scripts/build.sh" normal
"$TOP/scripts/selftests.sh"
build_bench_tool
log "4/4 booting the kernel in QEMU"
# The guest's lines as they come; kernel messages and the harness's own
# lines stay in the log.
rc=0
"$TOP/scripts/vm.sh" -k normal -t 1800 -o "$BUILD/demo" -- "
echo '== guest kernel:' \$(uname -r), \$(nproc) CPUs
bash $TOP/guest/demo.sh $TREE $BENCH_BIN $bytes
" 2>&1 | tee "$BUILD/demo.log" |
	sed -un '/^== guest kernel/,/^vm: command exited/{/^vm: /d;/^\[/d;p}' ||
	rc=$?
[ "$rc" = 0 ] || { tail -40 "$BUILD/demo.log"; die "demo failed"; }
log "demo done: console log in ${BUILD#$TOP/}/demo/console.log"
