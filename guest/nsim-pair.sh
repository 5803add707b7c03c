# SPDX-License-Identifier: GPL-2.0
# Source, don't run. A linked netdevsim pair set up the way a zcrx
# receiver needs it, for the guest's demo and benchmark:
#   nsim_pair KSRC QUEUES MTU   creates the pair: $nsim_rx (this netns,
#                               192.0.2.1) and $nsim_tx (netns "peer",
#                               192.0.2.2), header/data split on $nsim_rx
#   nsim_steer PORT QUEUE       RSS keeps everything on queue 0, an ntuple
#                               rule sends TCP to PORT to QUEUE
# KSRC is the kernel tree: its YNL client sets tcp-data-split, which
# Debian 12's ethtool cannot.

nsim_ynl() {
	local spec=$1
	shift
	"$nsim_ksrc/tools/net/ynl/cli.py" --no-schema \
		--spec "$nsim_ksrc/Documentation/netlink/specs/$spec.yaml" "$@"
}

nsim_pair() {
	nsim_ksrc=$1
	local queues=$2 mtu=$3 dev

	echo "0 1 $queues" >/sys/bus/netdevsim/new_device
	echo "1 1 $queues" >/sys/bus/netdevsim/new_device
	ip netns add peer
	udevadm settle
	nsim_rx=$(ls /sys/bus/netdevsim/devices/netdevsim0/net/)
	nsim_tx=$(ls /sys/bus/netdevsim/devices/netdevsim1/net/)
	ip link set "$nsim_tx" netns peer
	# link_device takes "netns-fd:ifindex" for both ends
	exec 3</proc/self/ns/net 4</run/netns/peer
	echo "3:$(cat /sys/class/net/"$nsim_rx"/ifindex) 4:$(ip netns exec peer cat /sys/class/net/"$nsim_tx"/ifindex)" \
		>/sys/bus/netdevsim/link_device
	exec 3<&- 4<&-
	ip addr add 192.0.2.1/24 dev "$nsim_rx"
	ip link set "$nsim_rx" mtu "$mtu" up
	ip -n peer addr add 192.0.2.2/24 dev "$nsim_tx"
	ip -n peer link set "$nsim_tx" mtu "$mtu" up
	ip netns exec peer ip link set lo up

	nsim_ynl ethtool --do rings-set \
		--json '{"header": {"dev-name": "'"$nsim_rx"'"}, "tcp-data-split": 2}' >/dev/null
}

nsim_steer() {
	local port=$1 queue=$2

	ethtool -K "$nsim_rx" ntuple on
	ethtool -X "$nsim_rx" equal 1
	ethtool -N "$nsim_rx" flow-type tcp4 dst-port "$port" action "$queue" >/dev/null
}
