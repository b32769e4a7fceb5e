# shellcheck shell=bash
# shellcheck disable=SC2154,SC2034 # vboot's opt_* in, VB_* out to vboot and bootserver.sh
# nodes.sh - vboot --nodes N and --router: several real nodes in one run.
#
# One netbootd (or dnsmasq, the reference), one NFS server, N QEMU nodes
# powered on at once, each with its own MAC, its own static address
# (netbootd's ethers + hosts, dnsmasq's dhcp-host: nodeK), its own tap
# and its own NFS root.  The roots use the kernel's default path
# /tftpboot/%s (fs/nfs/nfsroot.c): the server sends no root path, the
# kernel fills in the host name netbootd gave it (option 12), and the NFS
# server exports one root per node under that name.  Each node has its own
# watcher (vboot-console) with its own marker, <run-id>-nodeK, and only
# reads its own serial console, so no node can pass for another.  A node
# passes when its marker is seen and its console shows its own address
# and its own root (and, behind the router, that its DHCP went through the
# relay); the run passes only if every node does.
#
# With --router (router.sh) the nodes sit on 198.51.100.0/24 behind the
# router namespace; without it, on the server's own link.

# vb_nodes_check_args: the option combinations --nodes and --router support.
vb_nodes_check_args() {
	if [ -z "$opt_nodes" ] && [ "$opt_router" = 0 ]; then
		[ "$opt_node_addr" = static ] || vb_usage_error "--node-addr needs --nodes or --router"
		opt_nodes=0
		return 0
	fi
	[ "$opt_node_addr" = static ] || [ "$opt_proto" = dhcp ] ||
		vb_usage_error "--node-addr pool: pool leases are for DHCP (--proto dhcp); BOOTP nodes are static"
	[ -n "$opt_nodes" ] || opt_nodes=1
	[[ $opt_nodes =~ ^[0-9]+$ ]] && [ "$opt_nodes" -ge 1 ] && [ "$opt_nodes" -le 16 ] ||
		vb_usage_error "--nodes must be 1..16, not '$opt_nodes'"
	local what="--nodes"
	[ "$opt_router" = 0 ] || what="--router"
	case $opt_proto in
	dhcp | bootp) ;;
	*) vb_usage_error "$what boots by DHCP or BOOTP (--proto dhcp or bootp), not --proto $opt_proto" ;;
	esac
	[ "$opt_server" = netbootd ] || [ "$opt_server" = dnsmasq ] ||
		vb_usage_error "$what needs a DHCP server for every node and the relayed subnet: --server netbootd or dnsmasq"
	case $opt_root in
	nfs3 | nfs4) ;;
	*) vb_usage_error "$what gives every node its own NFS root: use --root nfs3 or nfs4" ;;
	esac
	[ "$opt_boot" != ipxe ] || vb_usage_error "$what supports --boot direct and pxe"
	[ "$opt_interactive" = 0 ] || vb_usage_error "$what cannot be --interactive (several consoles)"
	[ -z "$opt_nfs_path" ] || vb_usage_error "$what: every node mounts /tftpboot/<its name>; --nfs-path does not apply"
	return 0
}

# vb_nodes_outer NODES ROUTER ADDR: outer side, after kernel_cmdline (NODES
# 0: the single node of old; ADDR static or pool).  The kernel's default
# root path replaces option 17; behind the router the node reports its
# routes (vboot.netinfo=1), and the relay must be installed.
vb_nodes_outer() {
	VB_NODES=$1 VB_ROUTER=$2 VB_NODE_ADDR=$3 VB_NODE_ROOTS=
	export VB_NODES VB_ROUTER VB_NODE_ADDR VB_NODE_ROOTS
	[ "$VB_NODES" != 0 ] || return 0
	VB_ROOTPATH_OPTION=
	# N TCG guests share the host's cores: a guest starved during the
	# kernel's IO-APIC timer check (check_timer() waits a few ticks) panics
	# "IO-APIC + timer doesn't work!", seen here with 8 guests on 2 cores.
	# no_timer_check skips that probe, as cloud images do for VMs.
	[[ " $VB_CMDLINE " == *" no_timer_check "* ]] || VB_CMDLINE+=" no_timer_check"
	[ "$VB_ROUTER" = 0 ] || [[ $VB_CMDLINE == *vboot.netinfo=1* ]] || VB_CMDLINE+=" vboot.netinfo=1"
	if [ "$VB_ROUTER" = 1 ]; then
		command -v dhcrelay >/dev/null 2>&1 ||
			vb_setup_error "missing: isc-dhcp-relay (run 'make deps' in the netboot toolkit as root)"
		command -v radvd >/dev/null 2>&1 || [ "$opt_boot" = direct ] ||
			vb_setup_error "missing: radvd (run 'make deps' in the netboot toolkit as root)"
	fi
	# --root-dir DIR: DIR/nodeK is node K's root, as the user built it.
	if [ -n "$opt_root_dir" ]; then
		VB_NODE_ROOTS=$VB_ROOTDIR
		local i
		for ((i = 1; i <= VB_NODES; i++)); do
			[ -d "$VB_NODE_ROOTS/node$i" ] ||
				vb_usage_error "--root-dir $opt_root_dir: no node$i in it (--nodes wants DIR/node1 ... DIR/node$VB_NODES)"
		done
	fi
}

# vb_nodes_plan: node K (1..N) is nodeK, MAC 52:54:00:12:35:<K>, address
# .10+K on its subnet (static), or any free one of .100-.199 (pool: the
# server knows the node's name, not its address).  Fills VB_NODE_NAMES,
# VB_NODE_MACS, VB_NODE_IPS (empty for pool nodes) and VB_NODE_NET.
vb_nodes_plan() {
	local i
	VB_NODE_NET=${VB_SERVER_IP%.*}
	[ "$VB_ROUTER" = 0 ] || VB_NODE_NET=$VB_RT_NET
	VB_NODE_NAMES=() VB_NODE_MACS=() VB_NODE_IPS=()
	for ((i = 1; i <= VB_NODES; i++)); do
		VB_NODE_NAMES+=("node$i")
		VB_NODE_MACS+=("$(printf '52:54:00:12:35:%02x' "$i")")
		if [ "$VB_NODE_ADDR" = pool ]; then
			VB_NODE_IPS+=("")
		else
			VB_NODE_IPS+=("$VB_NODE_NET.$((10 + i))")
		fi
	done
}

# vb_nodes_addr NODEDIR: the address the node's console reported.
vb_nodes_addr() {
	sed -n 's/^vboot: address [^ ]* \([0-9.]*\)\/.*/\1/p' "$1/console.log" | tr -d '\r' | head -n1
}

# vb_nodes_leased IP MAC: the boot server's lease file holds IP for MAC.
vb_nodes_leased() {
	if [ "$VB_SERVER" = dnsmasq ]; then
		grep -q " $2 $1 " "$VB_LOGDIR/dnsmasq.leases" 2>/dev/null
	else
		grep -q "^bound $1 .*mac=$2" "$VB_LOGDIR/netbootd.leases" 2>/dev/null
	fi
}

# vb_nodes_pxe_configs TFTPDIR: one PXELINUX config per node MAC, each with
# that node's marker; the single node's config (prepare_tftp) goes, so a
# node that asked under another name finds nothing.
vb_nodes_pxe_configs() {
	local cfgdir=$1/pxelinux.cfg base i
	base=$cfgdir/01-$(vb_mac_dashes "$VB_MAC")
	for ((i = 0; i < VB_NODES; i++)); do
		sed "s/vboot\.marker=$VB_RUN_ID\( \|\$\)/vboot.marker=$VB_RUN_ID-${VB_NODE_NAMES[i]}\1/" "$base" \
			>"$cfgdir/01-$(vb_mac_dashes "${VB_NODE_MACS[i]}")"
	done
	rm -f "$base"
}

# vb_nodes_check NODEDIR I: a node that passed must have come up with its
# own address and its own root.  Prints the reason when it did not.
vb_nodes_check() {
	local dir=$1 i=$2 name=${VB_NODE_NAMES[$2]} ip=${VB_NODE_IPS[$2]} got root host
	got=$(vb_nodes_addr "$dir")
	if [ "$VB_NODE_ADDR" = pool ]; then
		host=${got##*.}
		[ "${got%.*}" = "$VB_NODE_NET" ] && [[ $host =~ ^[0-9]+$ ]] && [ "$host" -ge 100 ] && [ "$host" -le 199 ] ||
			{ echo "$name came up as '${got:-no address}', not an address of the pool $VB_NODE_NET.100-199"; return 1; }
		vb_nodes_leased "$got" "${VB_NODE_MACS[i]}" ||
			{ echo "$name came up as $got, but the server's lease file has no lease of it for ${VB_NODE_MACS[i]}"; return 1; }
		ip=$got
	fi
	[ "$got" = "$ip" ] || { echo "$name came up as '${got:-no address}', not $ip"; return 1; }
	root=$(sed -n 's/^vboot: root is \([^ ]*\) .*/\1/p' "$dir/console.log" | tr -d '\r' | head -n1)
	[ "$root" = "$VB_SERVER_IP:/tftpboot/$name" ] ||
		{ echo "$name mounted '${root:-nothing}', not $VB_SERVER_IP:/tftpboot/$name"; return 1; }
	[ "$VB_ROUTER" = 1 ] || return 0
	grep -q "^vboot: route default via $VB_RT_IP " <(tr -d '\r' <"$dir/console.log") ||
		{ echo "$name has no default route via its subnet's router $VB_RT_IP"; return 1; }
	vb_router_check_node "$VB_LOGDIR" "${VB_NODE_MACS[i]}" "$ip"
}

# vb_nodes_qemu I: the QEMU command line of node I (0-based) in VB_QEMU_CMD.
vb_nodes_qemu() {
	local i=$1 tap=vbtap$(($1 + 1)) mac=${VB_NODE_MACS[$1]} dev
	dev=$(vb_nic_device "$VB_NIC")
	VB_QEMU_CMD=()
	[ "$VB_ROUTER" = 0 ] || VB_QEMU_CMD=(ip netns exec "$VB_RT_NS")
	VB_QEMU_CMD+=("$VB_QEMU" -accel "$VB_ACCEL" -machine graphics=off -m "$VB_MEMORY" -nodefaults
		-no-user-config -display none -no-reboot -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no")
	if [ "$VB_BOOT" = pxe ]; then
		VB_QEMU_CMD+=(-device "$dev,netdev=n0,mac=$mac,romfile=$(vb_nic_rom "$VB_NIC")" -boot n)
	else
		VB_QEMU_CMD+=(-device "$dev,netdev=n0,mac=$mac,romfile=" -kernel "$VB_KERNEL"
			-append "${VB_CMDLINE/vboot.marker=$VB_RUN_ID/vboot.marker=$VB_RUN_ID-${VB_NODE_NAMES[i]}}")
	fi
	VB_QEMU_CMD+=(-serial stdio)
}

VB_NODE_WATCHERS=()
vb_nodes_signal() {
	local pid
	for pid in "${VB_NODE_WATCHERS[@]}"; do kill -"$1" "$pid" 2>/dev/null || true; done
}

# vb_nodes_rank STATUS: which node status decides the run's (higher wins):
# a boot failure outranks a timeout, which outranks the rest.
vb_nodes_rank() { case $1 in 0) echo 0 ;; 1) echo 3 ;; 2) echo 2 ;; *) echo 1 ;; esac; }

# vb_nodes_field KEY FILE
vb_nodes_field() { sed -n "s/^$1=//p" "$2" 2>/dev/null | head -n1; }

# vb_nodes_junit RESULT NAME: JUnit XML for a --nodes run, one test case
# per node (classname vboot.NAME), so CI shows which node failed and why.
vb_nodes_junit() {
	local result=$1 name=$2 n=0 failed=0 k verdict reason ms secs total
	total=$(vb_nodes_field elapsed_ms "$result")
	local cases=''
	for ((k = 1; k <= VB_NODES; k++)); do
		verdict=$(vb_nodes_field "node.node$k.verdict" "$result")
		reason=$(vb_nodes_field "node.node$k.reason" "$result")
		ms=$(vb_nodes_field "node.node$k.elapsed_ms" "$result")
		: "${verdict:=error}" "${reason:=no result}" "${ms:=0}"
		secs=$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')
		n=$((n + 1))
		cases+=$(printf '  <testcase classname="vboot.%s" name="node%d" time="%s">' \
			"$(vb_xml_escape "$name")" "$k" "$secs")$'\n'
		if [ "$verdict" != pass ]; then
			failed=$((failed + 1))
			cases+=$(printf '    <failure message="%s"/>' "$(vb_xml_escape "$verdict: $reason")")$'\n'
		fi
		cases+="  </testcase>"$'\n'
	done
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	printf '<testsuite name="vboot" tests="%d" failures="%d" time="%s">\n' "$n" "$failed" \
		"$(awk -v ms="${total:-0}" 'BEGIN { printf "%.3f", ms / 1000 }')"
	printf '%s' "$cases"
	echo '</testsuite>'
}

# vb_nodes_main RUNDIR: the inner side of a --nodes/--router run, in place
# of the single node's; writes RUNDIR/result and returns vboot's status.
vb_nodes_main() {
	local run=$1 i name dir tftp='' bootfile='' exports=() quiet=() rc
	local rcs=() pass=0 worst=0 worst_verdict=pass max_ms=0 reasons='' times=''
	vb_nodes_plan
	vb_net_setup
	[ "$VB_ROUTER" = 0 ] || vb_router_setup
	VB_NB_ETHERS='' VB_NB_HOSTS='' VB_NB_SUBNETS=''
	mkdir -p "$run/roots"
	for ((i = 0; i < VB_NODES; i++)); do
		name=${VB_NODE_NAMES[i]}
		if [ "$VB_ROUTER" = 1 ]; then
			vb_router_add_tap "vbtap$((i + 1))"
		else
			ip tuntap add dev "vbtap$((i + 1))" mode tap
			ip link set "vbtap$((i + 1))" master "$VB_BRIDGE" up
		fi
		# A pool node is known by name only: a name in ethers without an
		# address in hosts (netbootd), a dhcp-host without one (dnsmasq).
		VB_NB_ETHERS+="${VB_NODE_MACS[i]} $name"$'\n'
		if [ -n "${VB_NODE_IPS[i]}" ]; then
			VB_NB_HOSTS+="${VB_NODE_IPS[i]} $name"$'\n'
			vb_dnsmasq_extra --dhcp-host="${VB_NODE_MACS[i]},${VB_NODE_IPS[i]},$name"
		else
			vb_dnsmasq_extra --dhcp-host="${VB_NODE_MACS[i]},$name"
		fi
		# The node's own writable root: a copy of the harness's root, or
		# the one the user gave (--root-dir DIR: DIR/nodeK).
		if [ -n "$VB_NODE_ROOTS" ]; then
			dir=$VB_NODE_ROOTS/$name
		else
			dir=$run/roots/$name
			cp -a "$VB_ROOTDIR" "$dir" || vb_setup_error "cannot copy the node root for $name"
		fi
		exports+=("$dir" "/tftpboot/$name")
		mkdir -p "$run/$name"
	done
	vb_nfs_start "$run" "${exports[@]}"
	if [ "$VB_BOOT" = pxe ]; then
		tftp=$(prepare_tftp)
		vb_nodes_pxe_configs "$tftp"
		bootfile=pxelinux.0
	fi
	if [ "$VB_SERVER" = dnsmasq ]; then
		[ "$VB_ROUTER" = 0 ] || vb_router_dnsmasq_args
		vb_dnsmasq_start "$run" "$VB_MAC" "" "$tftp" "$bootfile" ""
	else
		[ "$VB_ROUTER" = 0 ] || VB_NB_SUBNETS=$(vb_router_subnet_conf "$bootfile")$'\n'
		vb_netbootd_start "$run" "$VB_MAC" "" "$tftp" "$bootfile" ""
	fi
	if [ "$VB_ROUTER" = 1 ]; then
		vb_router_start "$run" "$([ "$VB_BOOT" = pxe ] && echo 1 || echo 0)"
	elif [ "$VB_BOOT" = pxe ]; then
		vb_radvd_start "$run"
	fi

	[ "$VB_QUIET" = 1 ] && quiet=(--quiet)
	# All nodes power on at once; each watcher's progress lines name its node.
	local fd pid prefixers=()
	VB_NODE_WATCHERS=()
	for ((i = 0; i < VB_NODES; i++)); do
		name=${VB_NODE_NAMES[i]}
		vb_nodes_qemu "$i"
		printf '%q ' "${VB_QEMU_CMD[@]}" >"$run/$name/qemu.cmdline"
		exec {fd}> >(sed -u "s/^vboot: /vboot: $name: /")
		prefixers+=($!)
		"$VB_CONSOLE" "${quiet[@]}" --marker "$VB_RUN_ID-$name" --timeout "$VB_TIMEOUT" \
			--log "$run/$name/console.log" --result "$run/$name/result" -- "${VB_QEMU_CMD[@]}" >&"$fd" &
		VB_NODE_WATCHERS+=($!)
		exec {fd}>&-
	done
	trap 'vb_nodes_signal INT' INT
	trap 'vb_nodes_signal TERM' TERM
	trap 'vb_nodes_signal HUP' HUP
	for ((i = 0; i < VB_NODES; i++)); do
		while :; do
			wait "${VB_NODE_WATCHERS[i]}" && rc=0 || rc=$?
			kill -0 "${VB_NODE_WATCHERS[i]}" 2>/dev/null || break
		done
		rcs+=("$rc")
	done
	# Let the prefixers print the watchers' last lines (the timelines).
	for pid in "${prefixers[@]}"; do
		for ((i = 0; i < 20; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	done

	# Per-node verdicts, then the run's: pass only if every node passed.
	local verdict reason ms why addr seen=' '
	{
		for ((i = 0; i < VB_NODES; i++)); do
			name=${VB_NODE_NAMES[i]} dir=$run/$name rc=${rcs[i]}
			# Pool nodes: no two may have come up with the same address.
			addr=$(vb_nodes_addr "$dir")
			if [ "$rc" = 0 ] && [ "$VB_NODE_ADDR" = pool ] && [[ $seen == *" $addr "* ]]; then
				why="$name came up as $addr, which another node has"
			elif [ "$rc" = 0 ] && why=$(vb_nodes_check "$dir" "$i"); then
				why=
			fi
			[ "$rc" != 0 ] || seen+="$addr "
			if [ "$rc" = 0 ] && [ -n "$why" ]; then
				why=${why//\\/\\\\} why=${why//&/\\&} why=${why//|/\\|}
				sed -i "s|^verdict=.*|verdict=fail|; s|^reason=.*|reason=$why|" "$dir/result"
				rc=1
			fi
			verdict=$(vb_nodes_field verdict "$dir/result")
			reason=$(vb_nodes_field reason "$dir/result")
			ms=$(vb_nodes_field elapsed_ms "$dir/result")
			: "${verdict:=error}" "${reason:=no result (exit status $rc)}" "${ms:=0}"
			echo "node.$name.verdict=$verdict"
			echo "node.$name.reason=$reason"
			echo "node.$name.elapsed_ms=$ms"
			echo "event.$name.host_ms=$ms"
			[ "$ms" -le "$max_ms" ] || max_ms=$ms
			times+="${times:+, }$name ${ms}ms"
			if [ "$rc" = 0 ]; then
				pass=$((pass + 1))
			else
				reasons+="${reasons:+; }$name: $verdict: $reason"
				[ "$(vb_nodes_rank "$rc")" -le "$(vb_nodes_rank "$worst")" ] ||
					worst=$rc worst_verdict=$verdict
			fi
		done
	} >"$run/nodes.result"
	local where="on the server's link"
	[ "$VB_ROUTER" = 0 ] || where="behind the router ($VB_RT_NET.0/$VB_RT_PREFIX, dhcrelay)"
	if [ "$worst" = 0 ]; then
		verdict=pass reason="all $VB_NODES nodes reached their own markers $where ($times)"
		[ "$VB_NODES" != 1 ] || reason="node1 reached its own marker $where ($times)"
	else
		verdict=$worst_verdict
		reason="$pass of $VB_NODES nodes passed $where; $reasons"
	fi
	{
		echo "verdict=$verdict"
		echo "reason=$reason"
		echo "elapsed_ms=$max_ms"
		cat "$run/nodes.result"
	} >"$run/result"
	rm -f "$run/nodes.result"
	# The copied roots are scratch: keep them only when something failed.
	[ "$worst" != 0 ] || [ -n "$VB_NODE_ROOTS" ] || rm -rf "$run/roots"
	[ "$VB_QUIET" = 1 ] || vb_say "nodes: $pass of $VB_NODES passed"
	return "$worst"
}
