#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The benchmark, inside the VM: the same netdevsim pair and steering as the
# demo, and a list of rows, each run REPS times on the same payload. A row
# is MTU:MODE[:CHUNK:AREA[:gro]]: a zcrx-bench mode at an MTU on both ends,
# for the zcrx modes with --rx-buf-len CHUNK and --area AREA (either may be
# empty), and with gro the receiving NIC's hardware GRO on (rx-gro-hw). MTU 4148 lets TCP_ZEROCOPY_RECEIVE find whole pages (IPv4 with
# timestamps: 4096 bytes of payload per frame); 1500 is the common wire.
# The rows of one MTU take turns within each round, so drift over the run
# spreads evenly; the MTUs run one after the other. Appends one key=value
# line per run to OUT: round, mtu and row, then zcrx-bench's --kv line.
# A row the kernel, the NIC or the VM can't run (zcrx-bench exit status
# 3: a chunk size the driver refuses, no hugepages, no udmabuf) gets one
# line with skipped="reason" instead, and the others go on.
# Usage: bench.sh KSRC BENCH BYTES REPS OUT ROW...
set -euo pipefail
ksrc=$1 bench=$2 bytes=$3 reps=$4 out=$5
shift 5
port=9000 queue=1
area_mib=32	# zcrx-bench's default --area-size
. "$(dirname "$0")/nsim-pair.sh"

declare -A skip=()
mtus=()
for row in "$@"; do
	[[ " ${mtus[*]} " == *" ${row%%:*} "* ]] || mtus+=("${row%%:*}")
done

# hugetlb areas need 2 MiB pages reserved up front, while memory is not
# yet fragmented: twice the area (a dying ring may still hold the last
# run's pages) and a little slack. Restored at the end.
hp_file=/proc/sys/vm/nr_hugepages
hp_old=
hp_reserve() {
	local want=$((2 * (area_mib / 2) + 2)) got
	if [ ! -w "$hp_file" ]; then
		hp_skip="no hugetlb pages in this kernel (CONFIG_HUGETLBFS)"
		return
	fi
	hp_old=$(cat "$hp_file")
	[ "$hp_old" -ge "$want" ] || echo "$want" >"$hp_file" 2>/dev/null || true
	got=$(cat "$hp_file")
	if [ "$got" -lt "$want" ]; then
		hp_skip="only $got of $want 2 MiB hugepages could be reserved"
		return
	fi
	echo "== $got hugepages of 2 MiB reserved (were $hp_old)"
}
hp_restore() {
	[ -z "$hp_old" ] || echo "$hp_old" >"$hp_file"
}
trap hp_restore EXIT
hp_skip=
for row in "$@"; do
	case $row in
	*:hugetlb | *:udmabuf-hugetlb) hp_reserve; break ;;
	esac
done

nsim_pair "$ksrc" 4 "${mtus[0]}"
nsim_steer "$port" "$queue"

# One run of ROW in round R: its line goes to OUT, or it is skipped.
run_row() {
	local r=$1 row=$2 mode chunk area gro line rc reason args=()
	IFS=: read -r _ mode chunk area gro <<<"$row"
	[ -z "$chunk" ] || args+=(--rx-buf-len "$chunk")
	[ -z "$area" ] || args+=(--area "$area")
	case $area in
	hugetlb | udmabuf-hugetlb) [ -z "$hp_skip" ] || skip[$row]=$hp_skip ;;
	esac
	if [ -z "${skip[$row]:-}" ]; then
		rc=0
		[ "$gro" != gro ] || ethtool -K "$nsim_rx" rx-gro-hw on
		line=$("$bench" -k -a 192.0.2.1 -p "$port" -N peer -s "$bytes" \
			-c 1 -C 0 -i "$nsim_rx" -q "$queue" "${args[@]}" "$mode" \
			2>/tmp/bench.err) || rc=$?
		[ "$gro" != gro ] || ethtool -K "$nsim_rx" rx-gro-hw off
		if [ "$rc" = 0 ]; then
			echo "round=$r mtu=${row%%:*} row=${row#*:} $line" >>"$out"
			echo "   round $r/$reps ${row//:/ }: $(grep -o 'mibps=[0-9.]*' <<<"$line")"
			return
		fi
		cat /tmp/bench.err
		if [ "$rc" != 3 ]; then
			echo "   round $r ${row//:/ }: FAILED (exit $rc): $line"
			exit 1
		fi
		reason=$(tail -n 1 /tmp/bench.err)
		reason=${reason#zcrx-bench: }
		skip[$row]=${reason//\"/\'}
	elif [ "$r" -gt 1 ]; then
		return	# said once, in round 1
	fi
	echo "round=$r mtu=${row%%:*} row=${row#*:} mode=$mode skipped=\"${skip[$row]}\"" >>"$out"
	echo "   round $r/$reps ${row//:/ }: skipped: ${skip[$row]}"
}

for mtu in "${mtus[@]}"; do
	ip link set "$nsim_rx" mtu "$mtu"
	ip -n peer link set "$nsim_tx" mtu "$mtu"
	rows=()
	for row in "$@"; do
		[ "${row%%:*}" != "$mtu" ] || rows+=("$row")
	done
	echo "== $nsim_rx: MTU $mtu, header/data split on, TCP to port $port -> queue $queue"
	echo "== $reps rounds of: ${rows[*]#*:}; $((bytes >> 20)) MiB each, receiver on CPU 1, sender (SEND_ZC) on CPU 0"
	for ((r = 1; r <= reps; r++)); do
		for row in "${rows[@]}"; do
			run_row "$r" "$row"
		done
	done
done
