# shellcheck shell=bash
# shellcheck disable=SC2054 # commas inside dnsmasq arguments are meant
# bootserver.sh - the reference boot servers: dnsmasq for DHCP, BOOTP and
# TFTP, rarpd for RARP.  Each runs in the foreground of the run's PID
# namespace with its configuration and logs in the run directory.

# VB_DNSMASQ_EXTRA: every argument the other libraries add to dnsmasq's
# command line, with vb_dnsmasq_extra ARG... before vb_dnsmasq_start:
# firmware.sh (UEFI boot files by option 93), uboot.sh (arm64 UEFI), nodes.sh
# (a dhcp-host per node), router.sh (the routed subnet's range).  They go
# after vb_dnsmasq_start's own dhcp-boot lines, in the order added: dnsmasq
# keeps its dhcp-boot list in reverse, so the rule given last is tried
# first, and a generic (untagged or !ipxe) rule placed after a firmware rule
# would win for that firmware's client too.
VB_DNSMASQ_EXTRA=()
vb_dnsmasq_extra() { VB_DNSMASQ_EXTRA+=("$@"); }

# vb_dnsmasq_start RUNDIR MAC ROOTPATH [TFTPDIR BOOTFILE [IPXEFILE]]
# ROOTPATH goes out as option 17 (empty: none); with TFTPDIR, dnsmasq also
# serves TFTP from it and names BOOTFILE for PXE, or IPXEFILE to a client
# whose user class is iPXE (tag ipxe in the log).  VB_DNSMASQ_EXTRA (below)
# adds the other libraries' arguments.
vb_dnsmasq_start() {
	local run=$1 mac=$2 rootpath=$3 tftp=${4:-} bootfile=${5:-} ipxefile=${6:-}
	local args=(
		--keep-in-foreground --conf-file=/dev/null --port=0
		--user=root --group=root
		--interface="$VB_BRIDGE" --bind-interfaces
		--pid-file="$run/dnsmasq.pid" --dhcp-leasefile="$run/dnsmasq.leases"
		--log-facility="$run/dnsmasq.log" --log-dhcp
		--dhcp-authoritative
		--dhcp-range="$VB_POOL_START,$VB_POOL_END,$VB_NETMASK,1h"
		--dhcp-host="$mac,$VB_NODE_IP,vboot-node"
		--dhcp-option=option:router,"$VB_SERVER_IP"
	)
	[ -n "$rootpath" ] && args+=(--dhcp-option=option:root-path,"$rootpath")
	# iPXE waits 2 s after an offer for a ProxyDHCP offer unless the offer
	# echoes 60 PXEClient (netbootd does) or sets 175.176, no-pxedhcp
	# (iPXE's own advice for a DHCP server that names the boot file):
	# dnsmasq sends 175 options only to clients that sent 175, i.e. iPXE.
	[ -z "$tftp" ] || args+=(--dhcp-option=encap:175,176,1)
	if [ -n "$tftp" ] && [ -n "$ipxefile" ]; then
		args+=(--enable-tftp --tftp-root="$tftp" --dhcp-userclass=set:ipxe,iPXE
			--dhcp-boot=tag:!ipxe,"$bootfile" --dhcp-boot=tag:ipxe,"$ipxefile")
	elif [ -n "$tftp" ]; then
		args+=(--enable-tftp --tftp-root="$tftp")
		[ -z "$bootfile" ] || args+=(--dhcp-boot="$bootfile")
	fi
	args+=("${VB_DNSMASQ_EXTRA[@]}")
	dnsmasq "${args[@]}" >"$run/dnsmasq.out" 2>&1 &
	VB_PIDS+=($!)
	vb_wait_for 10 "dnsmasq" test -s "$run/dnsmasq.pid" ||
		{ cat "$run/dnsmasq.out" >&2; vb_setup_error "dnsmasq did not start (log: $run/dnsmasq.log)"; }
}

# vb_rarpd_start RUNDIR MAC: answer RARP for MAC with the node address.
# rarpd reads only /etc/ethers and /etc/hosts; the run's mount namespace
# overlays /etc, so the host's files are never touched.
vb_rarpd_start() {
	local run=$1 mac=$2
	mkdir -p "$run/etc-upper" "$run/etc-work"
	mount -t overlay overlay \
		-o "lowerdir=/etc,upperdir=$run/etc-upper,workdir=$run/etc-work" /etc ||
		vb_setup_error "cannot overlay /etc for rarpd (overlayfs missing?)"
	printf '%s vboot-node\n' "$mac" >/etc/ethers
	printf '127.0.0.1 localhost\n%s vboot-node\n%s vboot-server\n' \
		"$VB_NODE_IP" "$VB_SERVER_IP" >/etc/hosts
	# -e: answer without a boot image in /tftpboot; -d: stay in the foreground.
	rarpd -e -d "$VB_BRIDGE" >"$run/rarpd.log" 2>&1 &
	VB_PIDS+=($!)
	sleep 0.2
	kill -0 "$!" 2>/dev/null || { cat "$run/rarpd.log" >&2; vb_setup_error "rarpd did not start"; }
}

# vb_cmd_server_start RUNDIR CMD: run the shell command CMD as the boot
# server (vboot --server-cmd), e.g. a test server with crafted replies.
vb_cmd_server_start() {
	local run=$1 cmd=$2
	VB_BRIDGE=$VB_BRIDGE VB_SERVER_IP=$VB_SERVER_IP VB_NODE_IP=$VB_NODE_IP \
		bash -c "$cmd" >"$run/server-cmd.log" 2>&1 &
	VB_PIDS+=($!)
	sleep 0.3
	kill -0 "$!" 2>/dev/null || { cat "$run/server-cmd.log" >&2; vb_setup_error "--server-cmd exited at once"; }
}

# vb_netbootd_start RUNDIR MAC ROOTPATH [TFTPDIR BOOTFILE [IPXEFILE]]:
# netbootd (DHCP, BOOTP and RARP in one daemon) with the same answers as
# dnsmasq and rarpd above: MAC is vboot-node at VB_NODE_IP (from ethers and
# hosts files in RUNDIR), the pool is VB_POOL_START..VB_POOL_END, ROOTPATH
# goes out as option 17.  With TFTPDIR, netbootd also serves TFTP from it
# and names BOOTFILE for PXE, or IPXEFILE to a client that is iPXE already.
# VB_SERVER_OPTS (vboot --server-opt) adds lines to the subnet section.
# VB_NB_ETHERS, VB_NB_HOSTS and VB_NB_SUBNETS, when set, add lines to the
# ethers and hosts files and whole sections to the config (vboot --nodes
# and --router: more nodes, and the nodes' own subnet).
vb_netbootd_start() {
	local run=$1 mac=$2 rootpath=$3 tftp=${4:-} bootfile=${5:-} ipxefile=${6:-}
	local conf=$1/netbootd.conf
	printf '%s vboot-node\n%s' "$mac" "${VB_NB_ETHERS:-}" >"$run/netbootd.ethers"
	printf '%s vboot-node\n%s vboot-server\n%s' "$VB_NODE_IP" "$VB_SERVER_IP" "${VB_NB_HOSTS:-}" \
		>"$run/netbootd.hosts"
	{
		echo "interface $VB_BRIDGE"
		echo "lease-file $run/netbootd.leases"
		echo "ethers $run/netbootd.ethers"
		echo "hosts $run/netbootd.hosts"
		[ -z "$tftp" ] || echo "tftp-root $tftp"
		echo "subnet ${VB_SERVER_IP%.*}.0/$VB_PREFIX"
		echo "  pool $VB_POOL_START $VB_POOL_END"
		echo "  lease-time 3600"
		echo "  option routers $VB_SERVER_IP"
		[ -z "$rootpath" ] || echo "  root-path $rootpath"
		[ -z "$bootfile" ] || echo "  boot-file $bootfile"
		[ -z "$ipxefile" ] || echo "  ipxe-boot-file $ipxefile"
		[ -z "${VB_FW_NETBOOTD_LINES:-}" ] || printf '%s\n' "$VB_FW_NETBOOTD_LINES" | sed 's/^/  /'
		[ -z "${VB_SERVER_OPTS:-}" ] || printf '%s' "$VB_SERVER_OPTS" | sed 's/^/  /'
		echo "end"
		printf '%s' "${VB_NB_SUBNETS:-}"
	} >"$conf"
	"$VB_NETBOOTD" -c "$conf" --debug >"$run/netbootd.log" 2>&1 &
	VB_PIDS+=($!)
	vb_wait_for 10 "netbootd" grep -q 'netbootd: serving' "$run/netbootd.log" ||
		{ cat "$run/netbootd.log" >&2; vb_setup_error "netbootd did not start (log: $run/netbootd.log)"; }
}

# vb_radvd_start RUNDIR: router advertisements on the test network.  iPXE
# configures IPv6 as well as IPv4 and, after its DHCPv4 lease, keeps
# soliciting a router (at 0.5, 1, 2 and 4 s) until its configuration
# timeout, about 13 s later, unless a router answers; a real network has
# one.  This RA names no prefix and no default route (lifetime 0) and sets
# neither M nor O, so it changes nothing for IPv4 and ends the wait at once.
vb_radvd_start() {
	local run=$1
	printf 'interface %s {\n\tAdvSendAdvert on;\n\tMinRtrAdvInterval 3;\n\tMaxRtrAdvInterval 10;\n\tAdvDefaultLifetime 0;\n};\n' \
		"$VB_BRIDGE" >"$run/radvd.conf"
	# radvd insists on being a router; this sysctl is private to the run's
	# network namespace.
	ip link show "$VB_BRIDGE" >/dev/null 2>&1 ||
		vb_setup_error "vb_radvd_start: no $VB_BRIDGE here (only inside the run's namespace)"
	sysctl -qw net.ipv6.conf.all.forwarding=1 ||
		vb_setup_error "cannot enable IPv6 forwarding for radvd in the test namespace"
	radvd -n -C "$run/radvd.conf" -p "$run/radvd.pid" -m stderr >"$run/radvd.log" 2>&1 &
	VB_PIDS+=($!)
	sleep 0.2
	kill -0 "$!" 2>/dev/null || { cat "$run/radvd.log" >&2; vb_setup_error "radvd did not start"; }
}
