#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The project's test command: install dependencies, set up the work tree
# from the pinned base and the series, check the series (round-trip
# export, checkpatch), build the kernels, boot each in QEMU and run the
# selftests listed in tests/ci.list. Ends with 'N passed, N failed, N skipped'.
#
# Usage: test.sh [normal|debug ...]     (default: normal debug)
# Environment: TESTS='coll:test ...' runs only those tests.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

flavours=("$@")
[ ${#flavours[@]} -gt 0 ] || flavours=(normal debug)
results=$BUILD/results
passed=0 failed=0 skipped=0

result() {	# result pass|fail name
	case $1 in
	pass) passed=$((passed + 1)); echo "ok: $2" ;;
	fail) failed=$((failed + 1)); echo "FAIL: $2" ;;
	esac
}

# The zcrx cases CI runs on e1000e's single queue (make e1000e runs all):
# a stream, the ring rebuilt under it, and the two ways an application
# goes away with buffers held, each followed by the release check.
E1000E_ZCRX_CASES="-t stream_zc -t ring_resize_midstream -t kill_midstream -t close_holding_buffers"

# Stream sizes per kernel: the debug kernel is about six times slower.
DEBUG_SKIP="-T large_chunks_thp -T large_chunks_hw_gro -T export_import_close_orders -T event_alloc_fail"

flavour_env() {
	case $1 in
	# the longest zcrx variants run on the normal kernel only (CI's
	# hour); make zcrx-cases FLAVOUR=debug runs them on the debug kernel
	debug) echo "export HDS_STREAM_BYTES=$((16 << 20)) IOU_ZCRX_ARGS='$DEBUG_SKIP';" ;;
	*) echo "export HDS_STREAM_BYTES=$((32 << 20));" ;;
	esac
}

step() {	# step name command...: a check that counts as one test
	local name=$1
	shift
	if "$@"; then result pass "$name"; else result fail "$name"; fi
}

"$TOP/scripts/deps.sh" || die "installing dependencies failed"
"$TOP/scripts/tree.sh" || die "setting up the work tree failed"
mkdir -p "$results"

step "series: export round trip is byte-identical" "$TOP/scripts/export.sh" --check
step "series: checkpatch --strict clean" "$TOP/scripts/checkpatch.sh"

for f in "${flavours[@]}"; do
	"$TOP/scripts/build.sh" "$f" || die "building the $f kernel failed"
done
"$TOP/scripts/selftests.sh" || die "building the selftests failed"
if [[ " ${flavours[*]} " == *" normal "* ]]; then
	step "series: no new W=1, kernel-doc or maintainer findings" "$TOP/scripts/nipa.sh" --final
fi

# Run the tests of a list in a VM and count their results:
#   run_set FLAVOUR NAME LIST VMARGS PREFIX
# NAME labels the results (build/results/NAME), LIST is the selection of
# kselftests (TESTS overrides it), VMARGS go to vm.sh and PREFIX runs in
# the guest before run_kselftest.sh.
run_set() {
	local f=$1 name=$2 list=$3 vmargs=$4 prefix=$5 sel=() args="" t only
	local p fl s out=$results/$2

	if [ -n "${TESTS:-}" ]; then
		read -r -a sel <<<"$TESTS"
	else
		while read -r t only; do
			[ -z "$only" ] || [ "$only" = "@$f" ] || continue
			sel+=("$t")
		done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e 's/\(.*\)@/\1 @/' "$list")
	fi
	[ ${#sel[@]} -gt 0 ] || return 0
	for t in "${sel[@]}"; do args+=" -t $t"; done
	log "$name: running ${#sel[@]} tests"
	# shellcheck disable=SC2086
	"$TOP/scripts/vm.sh" -k "$f" $vmargs -t $((600 + ${#sel[@]} * 300)) -m 4G -o "$out" -- \
		"$(flavour_env "$f") cd $BUILD/kselftest && $prefix ./run_kselftest.sh -o 900 $args 2>&1 | tee /mnt/out/results.tap"
	if [ -f "$out/results.tap" ]; then
		read -r p fl s < <("$TOP/scripts/ktap-summary.py" "$out/results.tap" | tee "$out/summary" | tail -1)
		grep '^FAIL' "$out/summary" | sed "s/^FAIL /FAIL: $name: /"
		passed=$((passed + p)) failed=$((failed + fl)) skipped=$((skipped + s))
		echo "$name: $p passed, $fl failed, $s skipped"
	else
		result fail "$name: no test results"
	fi
	if [ -f "$out/rc" ] && ! [ -s "$out/reports.txt" ]; then
		result pass "$name: console free of kernel reports"
	else
		result fail "$name: console has kernel reports or the VM failed (see ${out#$TOP/}/console.log)"
	fi
}

for f in "${flavours[@]}"; do
	run_set "$f" "$f" "$TOP/tests/ci.list" "" ""
done
# The same kernels with a real PCI NIC: two e1000e behind a strict Intel
# IOMMU, the drv-net tests pointed at them as at two hosts' NICs.
if [ -z "${TESTS:-}" ]; then
	for f in "${flavours[@]}"; do
		run_set "$f" "$f-e1000e" "$TOP/tests/e1000e.list" "-n e1000e" \
			"IOU_ZCRX_SQ_ARGS='$E1000E_ZCRX_CASES' $TOP/guest/e1000e-pair.sh"
	done
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
