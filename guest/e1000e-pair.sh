#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside a VM booted with vm.sh -n e1000e: the two e1000e NICs, joined back
# to back on the host, become a local end (this netns, 192.0.2.1,
# 2001:db8::1) and a remote end (netns "peer", 192.0.2.2, 2001:db8::2),
# and COMMAND runs with the drv-net environment pointing at them, as it
# would on two hosts with real NICs:
#   e1000e-pair.sh COMMAND...
# Checks first that both NICs are e1000e behind the IOMMU, in translated
# (DMA) domains, and that the IOMMU is strict. QEMU 7.2's socket netdev
# turns TSO frames into IP fragments, which the receiving NIC can't split
# after the TCP header: the remote end sends without TSO.
set -euo pipefail

die() {
	echo "e1000e-pair: $*" >&2
	exit 1
}

nics=()
for dev in /sys/class/net/*; do
	[ "$(basename "$(readlink -f "$dev/device/driver" 2>/dev/null)")" = e1000e ] &&
		nics+=("$(basename "$dev")")
done
[ "${#nics[@]}" = 2 ] || die "want two e1000e NICs, found ${#nics[@]}"
local_if=${nics[0]} remote_if=${nics[1]}

for dev in "${nics[@]}"; do
	group=/sys/class/net/$dev/device/iommu_group
	[ -e "$group" ] || die "$dev is not behind an IOMMU"
	type=$(cat "$group/type")
	[ "$type" = DMA ] || die "$dev's IOMMU domain is $type, not DMA (strict)"
done
grep -q "iommu.strict=1" /proc/cmdline || die "the IOMMU is not in strict mode"

ip netns add peer
ip link set "$remote_if" netns peer
ip netns exec peer ip link set lo up
ip addr add 192.0.2.1/24 dev "$local_if"
ip addr add 2001:db8::1/64 dev "$local_if" nodad
ip link set "$local_if" up
ip -n peer addr add 192.0.2.2/24 dev "$remote_if"
ip -n peer addr add 2001:db8::2/64 dev "$remote_if" nodad
ip -n peer link set "$remote_if" up
ip netns exec peer ethtool -K "$remote_if" tso off
# A bound e1000e queue splits ICMP after the IP header and can't verify its
# checksum, so it drops neighbour discovery: use static neighbours.
local_mac=$(cat "/sys/class/net/$local_if/address")
remote_mac=$(ip netns exec peer cat "/sys/class/net/$remote_if/address")
ip neigh replace 192.0.2.2 lladdr "$remote_mac" dev "$local_if" nud permanent
ip neigh replace 2001:db8::2 lladdr "$remote_mac" dev "$local_if" nud permanent
ip -n peer neigh replace 192.0.2.1 lladdr "$local_mac" dev "$remote_if" nud permanent
ip -n peer neigh replace 2001:db8::1 lladdr "$local_mac" dev "$remote_if" nud permanent

# e1000e's link comes up a little after the device
for _ in $(seq 100); do
	ping -c 1 -W 1 192.0.2.2 >/dev/null 2>&1 && break
	sleep 0.2
done
ping -c 1 -W 2 192.0.2.2 >/dev/null || die "no link between the NICs"

export NETIF=$local_if LOCAL_V4=192.0.2.1 REMOTE_V4=192.0.2.2
export LOCAL_V6=2001:db8::1 REMOTE_V6=2001:db8::2
export REMOTE_TYPE=netns REMOTE_ARGS=peer
exec "$@"
