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

# Stream sizes per kernel: the debug kernel is about six times slower.
flavour_env() {
	case $1 in
	debug) echo "export HDS_STREAM_BYTES=$((16 << 20));" ;;
	*) echo "export HDS_STREAM_BYTES=$((64 << 20));" ;;
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

for f in "${flavours[@]}"; do
	sel=()
	if [ -n "${TESTS:-}" ]; then
		read -r -a sel <<<"$TESTS"
	else
		while read -r t only; do
			[ -z "$only" ] || [ "$only" = "@$f" ] || continue
			sel+=("$t")
		done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e 's/\(.*\)@/\1 @/' "$TOP/tests/ci.list")
	fi
	args=""
	for t in "${sel[@]}"; do args+=" -t $t"; done
	log "$f kernel: running ${#sel[@]} tests"
	timeout=$((600 + ${#sel[@]} * 300))
	"$TOP/scripts/vm.sh" -k "$f" -t "$timeout" -m 4G -o "$results/$f" -- \
		"$(flavour_env "$f") cd $BUILD/kselftest && ./run_kselftest.sh -o 900 $args 2>&1 | tee /mnt/out/results.tap"
	if [ -f "$results/$f/results.tap" ]; then
		read -r p fl s < <("$TOP/scripts/ktap-summary.py" "$results/$f/results.tap" | tee "$results/$f/summary" | tail -1)
		grep '^FAIL' "$results/$f/summary" | sed "s/^FAIL /FAIL: $f: /"
		passed=$((passed + p)) failed=$((failed + fl)) skipped=$((skipped + s))
		echo "$f kernel: $p passed, $fl failed, $s skipped"
	else
		result fail "$f kernel: no test results"
	fi
	# The VM fails on kernel reports (console scan): one more test.
	if [ -f "$results/$f/rc" ] && ! [ -s "$results/$f/reports.txt" ]; then
		result pass "$f kernel: console free of kernel reports"
	else
		result fail "$f kernel: console has kernel reports or the VM failed (see ${results#$TOP/}/$f/console.log)"
	fi
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
