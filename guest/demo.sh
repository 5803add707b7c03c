#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo, inside the VM: io_uring zero-copy receive over a netdevsim pair
# in two namespaces with header/data split on. One TCP flow is steered to
# RX queue 1, an ifq binds that queue to user memory, and a stream sent
# with SEND_ZC from the peer namespace arrives through IORING_OP_RECV_ZC,
# every byte checked. Then the same stream through recv(), for contrast.
# Usage: demo.sh KSRC BENCH BYTES
set -euo pipefail
ksrc=$1 bench=$2 bytes=$3
port=9000 queue=1
. "$(dirname "$0")/nsim-pair.sh"

echo "== two simulated NICs, linked back to back, in two network namespaces"
nsim_pair "$ksrc" 4 1500
echo "   $nsim_rx (here, 192.0.2.1) <-> $nsim_tx (netns peer, 192.0.2.2), 4 RX queues each"
echo "== header/data split on $nsim_rx (ethtool netlink, via YNL):"
nsim_ynl ethtool --do rings-get --json '{"header": {"dev-name": "'"$nsim_rx"'"}}' |
	grep -o "'tcp-data-split': [^,}]*" | sed 's/^/   /'
echo "== steering: RSS on queue 0 only, TCP to port $port -> queue $queue (ntuple)"
nsim_steer "$port" "$queue"

say_run() {
	python3 - "$@" <<'PY'
import sys
r = dict(a.split("=", 1) for a in sys.argv[1:])
b = int(r["bytes"])
mib = lambda n: "%.1f MiB" % (int(n) / 2**20)
if "ifq_ifindex" in r:
    print("   ifq (from the ring's fdinfo): ifindex %s (%s) RX queue %s, user area %s" % (r["ifq_ifindex"], r["dev"], r["ifq_rxq"], mib(r["area_len"])))
print("   bytes received:            %d (%s)" % (b, mib(b)))
if "zc_bytes" in r:
    print("   delivered without a copy:  %s (%s, %.1f%%)" % (r["zc_bytes"], mib(r["zc_bytes"]), 100.0 * int(r["zc_bytes"]) / max(b, 1)))
    print("   copied by the fallback:    %s (%s)" % (r["copy_bytes"], mib(r["copy_bytes"])))
else:
    print("   copied into the buffer:    %s (%s): recv() copies every byte" % (r["copied"], mib(r["copied"])))
print("   data verified:             %s" % ("yes, every byte matches what was sent" if r["verified"] == "yes" else "NO"))
print("   throughput:                %.1f MiB/s under emulation (absolute numbers mean little here)" % float(r["mibps"]))
print("   receiver CPU time:         %.2f s (%.2f s per GiB)" % (float(r["rx_cpu_s"]), float(r["rx_cpu_s"]) / (b / 2**30)))
PY
}

run() {
	local mode=$1 out=/tmp/$1.out pid
	"$bench" -k -a 192.0.2.1 -p "$port" -N peer -s "$bytes" -c 1 -C 0 \
		-i "$nsim_rx" -q "$queue" "$mode" >"$out" &
	pid=$!
	# a progress line every 10 s: the stream takes a while under TCG
	while ! wait_for "$pid" 10; do
		echo "   ... still receiving ($(date +%T))"
	done
	wait "$pid" || { cat "$out"; echo "   $mode FAILED"; return 1; }
	# shellcheck disable=SC2046
	say_run "dev=$nsim_rx" $(grep '^mode=' "$out")
}

wait_for() {
	local i
	for ((i = 0; i < $2; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 1
	done
	return 1
}

echo "== zero-copy receive: $((bytes >> 20)) MiB, SEND_ZC in netns peer -> IORING_OP_RECV_ZC on $nsim_rx queue $queue"
run zcrx
echo "== the same stream through recv(), for contrast"
run recv
