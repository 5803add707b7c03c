#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The receive benchmark: every zcrx-bench mode on the same payload through
# the simulated NIC at MTU 4148 and 1500, zcrx with 32 KiB chunks on a
# hugetlb area at 4148, repeated, in two timing regimes:
#   tcg     multi-threaded TCG (each vCPU a host thread): throughput
#   icount  -icount shift=0, single-threaded TCG: guest time counts
#           instructions, so CPU-cost ratios repeat from run to run
# Prints a Markdown table per regime and leaves bench.md, bench.csv,
# bench.png and the raw runs in build/bench-results.
# Environment: BENCH_BYTES (default 1 GiB per run), BENCH_REPS (5),
# BENCH_MODES (run at each MTU), BENCH_MTUS ("4148 1500"), BENCH_EXTRA
# (more rows, MTU:MODE:CHUNK:AREA[:gro]; default "4148:zcrx:32K:hugetlb
# 1500:zcrx:32K:hugetlb:gro"; empty
# for none), BENCH_REGIMES ("tcg icount"; a regime run on its own replaces
# only its own results, the report shows every regime that has some).
# Needs the normal kernel and the uapi headers (make demo builds both).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bytes=$((${BENCH_BYTES:-1 << 30}))
reps=${BENCH_REPS:-5}
modes=${BENCH_MODES:-recv iou-recv mmap zcrx zcrx-nodev trunc}
mtus=${BENCH_MTUS:-4148 1500}
extra=${BENCH_EXTRA-4148:zcrx:32K:hugetlb 1500:zcrx:32K:hugetlb:gro}
regimes=${BENCH_REGIMES:-tcg icount}
out=$BUILD/bench-results

[ -f "$(objdir normal)/arch/x86/boot/bzImage" ] ||
	die "no normal kernel: run make demo (or make kernel selftests) first"
[ "$reps" -ge 1 ] 2>/dev/null || die "BENCH_REPS must be a number >= 1"
rows=()
for mtu in $mtus; do
	[ "$mtu" -ge 68 ] 2>/dev/null || die "BENCH_MTUS: '$mtu' is not an MTU"
	for mode in $modes; do
		rows+=("$mtu:$mode")
	done
done
for row in $extra; do
	[[ $row =~ ^[0-9]+:[a-z-]+(:[0-9]*[KMG]?:[a-z-]*(:gro)?)?$ ]] ||
		die "BENCH_EXTRA: '$row' is not MTU:MODE[:CHUNK:AREA[:gro]]"
	rows+=("$row")
done
build_bench_tool
mkdir -p "$out"
# A run replaces the results of the regimes it runs and keeps the others',
# so that one regime can be run again on its own.
for regime in $regimes; do
	rm -rf "$out/vm-$regime" "$out/vm-$regime.log" "$out/raw-$regime.txt"
done

for regime in $regimes; do
	case $regime in
	tcg) qemu=() ;;
	icount) qemu=(-q -icount -q shift=0) ;;
	*) die "BENCH_REGIMES: unknown regime '$regime' (tcg, icount)" ;;
	esac
	log "bench: $regime: $reps rounds of ${rows[*]}, $((bytes >> 20)) MiB each"
	# 60 s per run is far more than any mode needs under either regime
	"$TOP/scripts/vm.sh" -k normal -t $((300 + 60 * reps * ${#rows[@]})) \
		-o "$out/vm-$regime" "${qemu[@]}" -- \
		"bash $TOP/guest/bench.sh $TREE $BENCH_BIN $bytes $reps /mnt/out/raw.txt ${rows[*]}" 2>&1 |
		tee "$out/vm-$regime.log" |
		sed -un '/^== /,/^vm: command exited/{/^vm: /d;/^\[/d;p}' ||
		die "bench: the $regime run failed (log: ${out#$TOP/}/vm-$regime.log)"
	cp "$out/vm-$regime/raw.txt" "$out/raw-$regime.txt"
done
reports=()
for regime in tcg icount; do
	[ -f "$out/raw-$regime.txt" ] && reports+=("$regime=$out/raw-$regime.txt")
done

log "bench: results"
python3 "$TOP/scripts/bench-report.py" "$out" "${reports[@]}"
log "bench: table, CSV and chart in ${out#$TOP/}: bench.md bench.csv bench.png"
