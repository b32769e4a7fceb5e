# shellcheck shell=bash
# keeper.sh - the server side of ipconfig-keeper's boot tests: run as
# vboot --server-cmd '. tests/virtme/lib/keeper.sh && keeper_scenario NAME'
# inside the run's test network.  It starts the DHCP server of the
# scenario (netbootd, Kea or dnsmasq) with a 60 s lease (dnsmasq: 120 s,
# its minimum, with T1 30 s), follows the node's console and the server's
# log, and at each step does the next thing: restart the server, take it
# away until the node rebinds, swap in another authoritative server, or
# let a second client ask for the node's address.  Every step is one
# "keeper-scenario:" line on stdout (server-cmd.log); the test reads them.
# When done it tells the node to stop (the node's init polls KP_CTL_URL).
#
# The node gets its address from a one-address pool (192.0.2.10 only) and
# is no static host: a second client can get that address exactly when
# the server no longer holds the node's lease.
#
# From the test: KP_NETBOOTD (netbootd binary), KP_STEP_TIMEOUT (seconds
# to wait for each event, default 150).  From vboot: VB_LOGDIR, VB_BRIDGE,
# VB_SERVER_IP, VB_NODE_IP, VB_MAC, VB_ROOTPATH_OPTION.

KP_PROBE_MAC=52:54:00:00:99:01
KP_CTL_PORT=8079
KP_LEASE=60

kp_log() { printf 'keeper-scenario: %s\n' "$*"; }

# kp_fail WHAT: say what did not happen, and end the node's run (the
# control file's server keeps serving until vboot ends the run).
kp_fail() {
	kp_log "FAILED: $*"
	kp_stop_node
	wait "$KP_HTTPD"
	exit 1
}

# kp_count FILE ERE: lines of FILE matching ERE.
kp_count() {
	local n
	n=$(grep -cE -- "$2" "$1" 2>/dev/null)
	echo "${n:-0}"
}

# kp_wait FILE ERE [N]: until FILE has N (default 1) lines matching ERE.
kp_wait() {
	local file=$1 re=$2 n=${3:-1} i
	for ((i = 0; i < ${KP_STEP_TIMEOUT:-150} * 5; i++)); do
		[ "$(kp_count "$file" "$re")" -ge "$n" ] && return 0
		sleep 0.2
	done
	kp_fail "no ${n}th line /$re/ in $(basename "$file") within ${KP_STEP_TIMEOUT:-150}s"
}

KP_CON=$VB_LOGDIR/console.log

# The node's control file, served over HTTP in the test network.
kp_ctl_start() {
	mkdir -p "$VB_LOGDIR/ctl"
	echo run >"$VB_LOGDIR/ctl/ctl"
	busybox httpd -f -p "$VB_SERVER_IP:$KP_CTL_PORT" -h "$VB_LOGDIR/ctl" &
	KP_HTTPD=$!
}
kp_stop_node() { echo stop >"$VB_LOGDIR/ctl/ctl.new" && mv "$VB_LOGDIR/ctl/ctl.new" "$VB_LOGDIR/ctl/ctl"; }

# kp_netbootd NAME [authoritative-other]: start netbootd, log in NAME.log.
# The first form serves the node's pool; the second is a different
# authoritative server that knows nothing of the node's lease (its own
# journal, a pool without 192.0.2.10): it must NAK the renewal.
kp_netbootd() {
	local name=$1 other=${2:-} conf=$VB_LOGDIR/$1.conf leases=$VB_LOGDIR/netbootd.leases
	local pool="$VB_NODE_IP $VB_NODE_IP"
	if [ -n "$other" ]; then
		leases=$VB_LOGDIR/$name.leases
		pool="${VB_SERVER_IP%.*}.100 ${VB_SERVER_IP%.*}.199"
	fi
	{
		echo "interface $VB_BRIDGE"
		echo "lease-file $leases"
		echo "authoritative yes"
		echo "subnet ${VB_SERVER_IP%.*}.0/24"
		echo "  pool $pool"
		echo "  lease-time $KP_LEASE"
		echo "  option routers $VB_SERVER_IP"
		echo "  root-path $VB_SERVER_IP:$VB_ROOTPATH_OPTION"
		echo "end"
	} >"$conf"
	"$KP_NETBOOTD" -c "$conf" --debug >"$VB_LOGDIR/$name.log" 2>&1 &
	KP_SERVER=$!
	kp_wait "$VB_LOGDIR/$name.log" 'netbootd: serving'
	kp_log "server $name started (pid $KP_SERVER)"
}

kp_server_stop() {
	kill -TERM "$KP_SERVER" 2>/dev/null
	wait "$KP_SERVER" 2>/dev/null
	kp_log "server stopped (pid $KP_SERVER)"
}

kp_kea() {
	local conf=$VB_LOGDIR/kea-dhcp4.conf
	cat >"$conf" <<JSON
{ "Dhcp4": {
    "interfaces-config": { "interfaces": [ "$VB_BRIDGE" ], "dhcp-socket-type": "raw" },
    "lease-database": { "type": "memfile", "persist": true, "name": "$VB_LOGDIR/kea-leases4.csv", "lfc-interval": 0 },
    "authoritative": true,
    "valid-lifetime": $KP_LEASE, "renew-timer": $((KP_LEASE / 2)), "rebind-timer": $((KP_LEASE * 7 / 8)),
    "subnet4": [ {
        "subnet": "${VB_SERVER_IP%.*}.0/24",
        "pools": [ { "pool": "$VB_NODE_IP - $VB_NODE_IP" } ],
        "next-server": "$VB_SERVER_IP",
        "option-data": [
            { "name": "routers", "data": "$VB_SERVER_IP" },
            { "name": "root-path", "data": "$VB_SERVER_IP:$VB_ROOTPATH_OPTION" } ]
    } ],
    "loggers": [ { "name": "kea-dhcp4", "severity": "INFO",
                   "output_options": [ { "output": "$VB_LOGDIR/kea.log" } ] } ]
} }
JSON
	# Kea opens its raw socket only on a running interface, and does not
	# try again later ("DHCPSRV_OPEN_SOCKET_FAIL ... is not running", then
	# "attempts: 0 ... exhausted"): it then never hears the node.  The
	# bridge runs once a port has carrier, that is once QEMU has opened
	# the node's tap, which vboot starts right after this server.  A fresh
	# clone's make check lost that race once (the node asked for 600 s).
	local i
	for ((i = 0; i < 300; i++)); do
		ip -o link show dev "$VB_BRIDGE" | grep -q 'LOWER_UP' && break
		sleep 0.1
	done
	kp_log "bridge $VB_BRIDGE running after $((i / 10)).$((i % 10)) s"
	# Kea's pid and lock files go to the run's private /run.
	KEA_PIDFILE_DIR=$VB_LOGDIR KEA_LOCKFILE_DIR=$VB_LOGDIR kea-dhcp4 -c "$conf" >"$VB_LOGDIR/kea.out" 2>&1 &
	KP_SERVER=$!
	kp_wait "$VB_LOGDIR/kea.log" 'DHCP4_STARTED'
	kp_log "server kea started (pid $KP_SERVER)"
}

kp_dnsmasq() {
	# dnsmasq takes no lease under 120 s; T1 and T2 as options (58, 59).
	dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --user=root --group=root \
		--interface="$VB_BRIDGE" --bind-interfaces --dhcp-authoritative \
		--pid-file="$VB_LOGDIR/dnsmasq.pid" --dhcp-leasefile="$VB_LOGDIR/dnsmasq.leases" \
		--log-facility="$VB_LOGDIR/dnsmasq.log" --log-dhcp \
		--dhcp-range="$VB_NODE_IP,$VB_NODE_IP,255.255.255.0,2m" \
		--dhcp-option=option:T1,30 --dhcp-option=option:T2,105 \
		--dhcp-option=option:router,"$VB_SERVER_IP" \
		--dhcp-option=option:root-path,"$VB_SERVER_IP:$VB_ROOTPATH_OPTION" >"$VB_LOGDIR/dnsmasq.out" 2>&1 &
	KP_SERVER=$!
	kp_wait "$VB_LOGDIR/dnsmasq.log" 'DHCP, IP range'
	kp_log "server dnsmasq started (pid $KP_SERVER)"
}

# kp_probe TAG: a second client (busybox udhcpc on its own veth, its own
# MAC) asks for the node's address.  Logs "probe TAG: got ADDRESS" or
# "probe TAG: no lease".  Its script only reports: it configures nothing.
kp_probe() {
	local tag=$1 script=$VB_LOGDIR/probe.script out=$VB_LOGDIR/probe-$1.log got
	if ! ip link show kp-probe >/dev/null 2>&1; then
		ip link add kp-probe type veth peer name kp-probe-br
		ip link set kp-probe-br master "$VB_BRIDGE" up
		ip link set kp-probe address "$KP_PROBE_MAC" up
		printf '#!/bin/sh\n[ "$1" = bound ] && echo "probe-bound $ip"\nexit 0\n' >"$script"
		chmod +x "$script"
	fi
	busybox udhcpc -f -q -n -i kp-probe -r "$VB_NODE_IP" -t 3 -T 2 -s "$script" >"$out" 2>&1
	got=$(sed -n 's/^probe-bound //p' "$out" | head -n1)
	if [ -n "$got" ]; then kp_log "probe $tag: got $got"; else kp_log "probe $tag: no lease"; fi
}

# A line of the node's console for each renewal (ACK) the keeper logs.
KP_ACK_RENEW='ipconfig-keeper: .* DHCPACK \(renewing\)'

kp_scenario_netbootd() {
	local log
	kp_netbootd netbootd
	log=$VB_LOGDIR/netbootd.log
	kp_wait "$log" "DHCPACK $VB_NODE_IP to $VB_MAC .*\[selecting\]"
	kp_log "node booted with a ${KP_LEASE}s lease"
	kp_wait "$KP_CON" "$KP_ACK_RENEW" 1
	kp_log "renewal 1 seen"
	kp_probe during-lease
	kp_wait "$KP_CON" "$KP_ACK_RENEW" 2
	kp_log "renewal 2 seen; restarting the server"
	kp_server_stop
	kp_netbootd netbootd-restarted
	kp_wait "$KP_CON" "$KP_ACK_RENEW" 3
	kp_wait "$VB_LOGDIR/netbootd-restarted.log" "DHCPACK $VB_NODE_IP to $VB_MAC .*\[renewing\]"
	kp_log "renewal 3 seen, from the restarted server"
	kp_probe after-restart
	kp_log "outage: stopping the server until the node rebinds"
	kp_server_stop
	kp_wait "$KP_CON" 'ipconfig-keeper: .* rebinding: T2 reached'
	kp_log "the node is rebinding; the server comes back"
	kp_netbootd netbootd-back
	kp_wait "$KP_CON" 'ipconfig-keeper: .* DHCPACK \((rebinding|lost)\)'
	kp_log "rebound"
	kp_wait "$KP_CON" "$KP_ACK_RENEW" 4
	kp_log "renewal 4 seen (after the outage); another authoritative server replaces ours"
	kp_server_stop
	kp_netbootd netbootd-other other
	kp_wait "$KP_CON" 'ipconfig-keeper: .* DHCPNAK from'
	kp_log "the node reported the DHCPNAK"
	kp_wait "$KP_CON" 'ipconfig-keeper: .* LEASE LOST'
	kp_log "the node reported the lost lease"
	# Three io steps after the loss: the root still works.
	local n
	n=$(kp_count "$KP_CON" 'keeper-init: io step')
	kp_wait "$KP_CON" 'keeper-init: io step' $((n + 3))
	kp_log "io continues after the loss; done"
}

kp_scenario_control() {
	local log=$VB_LOGDIR/netbootd.log t0
	kp_netbootd netbootd
	kp_wait "$log" "DHCPACK $VB_NODE_IP to $VB_MAC .*\[selecting\]"
	t0=$(date +%s)
	kp_log "node booted with a ${KP_LEASE}s lease and no keeper"
	kp_probe during-lease
	# The server's own clock decides the expiry: wait it out, then ask.
	while [ $(($(date +%s) - t0)) -le $((KP_LEASE + 2)) ]; do sleep 1; done
	kp_log "the node's lease has run out on the server ($((KP_LEASE + 2))s after its DHCPACK)"
	kp_probe after-expiry
	kp_log "done"
}

# kp_scenario_renewals SERVER ACK-ERE: two renewals against SERVER (its
# log matches ACK-ERE for each ACK), a probe between them.
kp_scenario_renewals() {
	local server=$1 ack=$2 log=$VB_LOGDIR/$1.log
	case $server in
	kea) kp_kea ;;
	dnsmasq) kp_dnsmasq ;;
	esac
	kp_wait "$KP_CON" 'ipconfig-keeper: .* keeping '
	local n
	n=$(kp_count "$log" "$ack")
	kp_log "node booted; $n DHCPACK lines so far"
	kp_wait "$KP_CON" "$KP_ACK_RENEW" 1
	kp_wait "$log" "$ack" $((n + 1))
	kp_log "renewal 1 seen"
	kp_probe during-lease
	kp_wait "$KP_CON" "$KP_ACK_RENEW" 2
	kp_wait "$log" "$ack" $((n + 2))
	kp_log "renewal 2 seen; done"
}

keeper_scenario() {
	kp_ctl_start
	case $1 in
	netbootd) kp_scenario_netbootd ;;
	control) kp_scenario_control ;;
	kea) kp_scenario_renewals kea 'DHCP4_LEASE_ALLOC|DHCP4_LEASE_REUSE' ;;
	dnsmasq) kp_scenario_renewals dnsmasq "DHCPACK\\($VB_BRIDGE\\) $VB_NODE_IP " ;;
	*) kp_fail "unknown scenario '$1'" ;;
	esac
	kp_stop_node
	# Serve until vboot ends the run (the node fetches "stop" first).
	wait "$KP_HTTPD"
}
