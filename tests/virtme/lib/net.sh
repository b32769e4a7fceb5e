# shellcheck shell=bash
# net.sh - the private test network, built inside the run's own network
# namespace (vboot runs itself under unshare --net): a bridge holding the
# server address and the node's tap device.  Nothing here is visible to the
# host, and all of it disappears with the namespace.

# shellcheck disable=SC2034 # addresses used by the other harness modules
VB_SERVER_IP=192.0.2.1
VB_NODE_IP=192.0.2.10
VB_NETMASK=255.255.255.0
VB_PREFIX=24
VB_POOL_START=192.0.2.100
VB_POOL_END=192.0.2.199
VB_BRIDGE=vbbr0
VB_TAP=vbtap0

vb_net_setup() {
	ip link set lo up
	ip link add "$VB_BRIDGE" type bridge
	# No STP and no forwarding delay: the node's first DHCP packet must pass.
	ip link set "$VB_BRIDGE" type bridge stp_state 0 forward_delay 0
	ip addr add "$VB_SERVER_IP/$VB_PREFIX" dev "$VB_BRIDGE"
	ip link set "$VB_BRIDGE" up
	ip tuntap add dev "$VB_TAP" mode tap
	ip link set "$VB_TAP" master "$VB_BRIDGE"
	ip link set "$VB_TAP" up
}
