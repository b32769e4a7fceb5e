# shellcheck shell=bash
# router.sh - vboot --router: the nodes on a subnet of their own, behind a
# router, as in a cluster whose boot server sits on another network.
#
#   run namespace (the server's side)       router namespace (vbrouter)
#   vbbr0 192.0.2.1/24 --- veth --- up0 192.0.2.254/24
#   netbootd, ganesha                      vbbr1 198.51.100.1/24 --- node taps
#   route 198.51.100.0/24 via .254         ip_forward=1, dhcrelay, radvd
#
# The relay is ISC's dhcrelay (Debian's isc-dhcp-relay), a real relay agent:
# it takes the nodes' broadcasts on vbbr1, sets giaddr to 198.51.100.1,
# appends option 82 (-a: its circuit id names vbbr1) and forwards them to
# netbootd; netbootd picks the subnet from giaddr and answers the relay on
# port 67; dhcrelay strips option 82 and hands the reply to the node.  With
# -D it drops a reply whose option 82 names a circuit that is not its own,
# so a server that mangles the option fails the boot (one that leaves it
# out is caught by netbootd's unit tests: the relay then goes by giaddr).
# TFTP and NFS are plain routed traffic.  Everything lives inside the
# run's namespaces.

# shellcheck disable=SC2034 # addresses used by nodes.sh
VB_RT_NS=vbrouter
VB_RT_UPLINK=up0
VB_RT_UPLINK_IP=192.0.2.254
VB_RT_BRIDGE=vbbr1
VB_RT_NET=198.51.100
VB_RT_IP=198.51.100.1
VB_RT_PREFIX=24

# vb_router_subnet_conf BOOTFILE: netbootd's section for the nodes' subnet:
# its own pool and its own router (option 3), chosen by giaddr.
vb_router_subnet_conf() {
	local bootfile=$1
	echo "subnet $VB_RT_NET.0/$VB_RT_PREFIX"
	echo "  pool $VB_RT_NET.100 $VB_RT_NET.199"
	echo "  lease-time 3600"
	echo "  option routers $VB_RT_IP"
	[ -z "$bootfile" ] || echo "  boot-file $bootfile"
	[ -z "${VB_SERVER_OPTS:-}" ] || printf '%s' "$VB_SERVER_OPTS" | sed 's/^/  /'
	echo "end"
}

# vb_router_setup: the router namespace, its two links and the routes.
# Runs in the run's namespace, after vb_net_setup.
vb_router_setup() {
	ip netns add "$VB_RT_NS" || vb_setup_error "cannot create the router namespace"
	ip -n "$VB_RT_NS" link set lo up
	ip link add vbrt0 type veth peer name "$VB_RT_UPLINK" netns "$VB_RT_NS"
	ip link set vbrt0 master "$VB_BRIDGE" up
	ip -n "$VB_RT_NS" addr add "$VB_RT_UPLINK_IP/$VB_PREFIX" dev "$VB_RT_UPLINK"
	ip -n "$VB_RT_NS" link set "$VB_RT_UPLINK" up
	ip -n "$VB_RT_NS" link add "$VB_RT_BRIDGE" type bridge
	ip -n "$VB_RT_NS" link set "$VB_RT_BRIDGE" type bridge stp_state 0 forward_delay 0
	ip -n "$VB_RT_NS" addr add "$VB_RT_IP/$VB_RT_PREFIX" dev "$VB_RT_BRIDGE"
	ip -n "$VB_RT_NS" link set "$VB_RT_BRIDGE" up
	# Private to the router namespace, like everything else here.
	ip netns exec "$VB_RT_NS" sysctl -qw net.ipv4.ip_forward=1 ||
		vb_setup_error "cannot enable forwarding in the router namespace"
	ip route add "$VB_RT_NET.0/$VB_RT_PREFIX" via "$VB_RT_UPLINK_IP"
}

# vb_router_add_tap TAP: a node's tap device on the nodes' subnet.
vb_router_add_tap() {
	ip -n "$VB_RT_NS" tuntap add dev "$1" mode tap
	ip -n "$VB_RT_NS" link set "$1" master "$VB_RT_BRIDGE"
	ip -n "$VB_RT_NS" link set "$1" up
}

# vb_router_start RUNDIR PXE: dhcrelay towards the server, and with PXE
# (1) router advertisements on the nodes' link (see vb_radvd_start).
vb_router_start() {
	local run=$1 pxe=$2
	# -d: foreground, log to stderr; -a: add option 82, -D: drop replies
	# whose option 82 is not ours; -id/-iu: the nodes' side and the
	# server's side.
	ip netns exec "$VB_RT_NS" dhcrelay -4 -d -a -D -pf "$run/dhcrelay.pid" \
		-id "$VB_RT_BRIDGE" -iu "$VB_RT_UPLINK" "$VB_SERVER_IP" >"$run/dhcrelay.log" 2>&1 &
	VB_PIDS+=($!)
	vb_wait_for 10 "dhcrelay" grep -q "^Listening on .*$VB_RT_BRIDGE" "$run/dhcrelay.log" ||
		{ cat "$run/dhcrelay.log" >&2; vb_setup_error "dhcrelay did not start (log: $run/dhcrelay.log)"; }
	[ "$pxe" = 1 ] || return 0
	printf 'interface %s {\n\tAdvSendAdvert on;\n\tMinRtrAdvInterval 3;\n\tMaxRtrAdvInterval 10;\n\tAdvDefaultLifetime 0;\n};\n' \
		"$VB_RT_BRIDGE" >"$run/radvd-router.conf"
	ip netns exec "$VB_RT_NS" sysctl -qw net.ipv6.conf.all.forwarding=1 ||
		vb_setup_error "cannot enable IPv6 forwarding for radvd in the router namespace"
	ip netns exec "$VB_RT_NS" radvd -n -C "$run/radvd-router.conf" -p "$run/radvd-router.pid" \
		-m stderr >"$run/radvd-router.log" 2>&1 &
	VB_PIDS+=($!)
	sleep 0.2
	kill -0 "$!" 2>/dev/null || { cat "$run/radvd-router.log" >&2; vb_setup_error "radvd (router) did not start"; }
}

# vb_router_dnsmasq_args: the same subnet for dnsmasq (the reference
# server), which also picks the range by giaddr (vb_dnsmasq_extra).
vb_router_dnsmasq_args() {
	vb_dnsmasq_extra --dhcp-range="set:routed,$VB_RT_NET.100,$VB_RT_NET.199,255.255.255.0,1h" \
		--dhcp-option="tag:routed,option:router,$VB_RT_IP"
}

# vb_router_check_node RUNDIR MAC IP: after a node passed, the relay's log
# must show a reply forwarded to it, and netbootd's that it answered the
# node through the relay (giaddr), so a node that somehow reached the
# server directly cannot pass.
vb_router_check_node() {
	local run=$1 mac=$2 ip=$3
	grep -q "^Forwarded BOOTREPLY for $mac to $ip" "$run/dhcrelay.log" ||
		{ echo "dhcrelay never forwarded a reply to $mac ($ip)"; return 1; }
	[ "$VB_SERVER" != netbootd ] || grep -q "to $mac .*(relay $VB_RT_IP)" "$run/netbootd.log" ||
		{ echo "netbootd never answered $mac through the relay $VB_RT_IP"; return 1; }
}
