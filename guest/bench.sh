#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The benchmark, inside the VM: the same netdevsim pair and steering as the
# demo, MTU 4148 so that TCP_ZEROCOPY_RECEIVE finds whole pages (IPv4 with
# timestamps: 4096 bytes of payload per frame), and every receive mode run
# REPS times on the same payload. The modes take turns within each round,
# so drift over the run spreads evenly. Appends one key=value line per run
# to OUT. Usage: bench.sh KSRC BENCH BYTES REPS OUT MODE...
set -euo pipefail
ksrc=$1 bench=$2 bytes=$3 reps=$4 out=$5
shift 5
port=9000 queue=1
. "$(dirname "$0")/nsim-pair.sh"

nsim_pair "$ksrc" 4 4148
nsim_steer "$port" "$queue"
echo "== $nsim_rx: MTU 4148, header/data split on, TCP to port $port -> queue $queue"
echo "== $reps rounds of: $*; $((bytes >> 20)) MiB each, receiver on CPU 1, sender (SEND_ZC) on CPU 0"

for ((r = 1; r <= reps; r++)); do
	for mode in "$@"; do
		line=$("$bench" -k -a 192.0.2.1 -p "$port" -N peer -s "$bytes" \
			-c 1 -C 0 -i "$nsim_rx" -q "$queue" "$mode") || {
			echo "   round $r $mode: FAILED: $line"
			exit 1
		}
		echo "round=$r $line" >>"$out"
		echo "   round $r/$reps $mode: $(echo "$line" | grep -o 'mibps=[0-9.]*')"
	done
done
