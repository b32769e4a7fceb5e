# shellcheck shell=bash
# bmc.sh - vboot --bmc ipmi: a rack of QEMU nodes behind simulated BMCs.
#
# Every node gets OpenIPMI's ipmi_sim, listening for IPMI v2.0 RMCP+ on its
# own address of the test network (192.0.2.201, .202, ...), and a local
# disk (a FAT image whose SYSLINUX boots an initramfs that prints
# VBOOT-DISK-OK).  No node runs until someone powers it on through its BMC:
# ipmi_sim hands power, reset and boot-device requests to our
# chassis_control hook (bmc-hook), which starts QEMU (PXE first when the
# BMC's boot device is pxe, else the disk), stops it and resets it through
# QMP.  The node is then driven only through nodepower, as an admin drives
# a rack: vboot runs the --bmc-run command in the test network with
# NODEPOWER_INVENTORY and NODEPOWER_CREDENTIALS set.

VB_BMC_SOCKDIR=/run/vboot-bmc

# vb_bmc_disk STATEDIR KERNEL MKROOT: the nodes' local disk image, built
# once per kernel and spec (cached in STATEDIR/roots); prints its path.
# mtools and syslinux write it as a file: no loop device, no mount.
vb_bmc_disk() {
	local state=$1 kernel=$2 mkroot=$3 specs=$VB_LIB/roots key img tmp
	[ -z "$VB_REPO" ] || specs=$VB_REPO/userspace/mkroot/roots
	key=$(stat -c '%s-%Y' "$kernel" "$specs/disk.spec" "$mkroot" | tr '\n' '-')
	img=$state/roots/local-disk-${key%-}.img
	if [ ! -f "$img" ]; then
		mkdir -p "$state/roots"
		tmp=$(mktemp -d "$state/roots/.disk.XXXXXX")
		"$mkroot" --initramfs "$tmp/initrd.gz" "$specs/disk.spec" >&2 ||
			vb_setup_error "mkroot could not build the local disk's initramfs"
		printf '%s\n' "DEFAULT disk" "PROMPT 0" "TIMEOUT 1" "LABEL disk" "  LINUX vmlinuz" \
			"  INITRD initrd.gz" "  APPEND console=ttyS0 ip=off panic=-1" >"$tmp/syslinux.cfg"
		# 8 MiB of FAT12 in 4 KiB clusters (SYSLINUX refuses FAT12 with
		# more than 4084 clusters).
		truncate -s 8M "$tmp/disk.img"
		mformat -i "$tmp/disk.img" -T 16384 -h 16 -s 32 -c 8 :: &&
			syslinux --install "$tmp/disk.img" &&
			mcopy -i "$tmp/disk.img" "$kernel" ::vmlinuz &&
			mcopy -i "$tmp/disk.img" "$tmp/initrd.gz" ::initrd.gz &&
			mcopy -i "$tmp/disk.img" "$tmp/syslinux.cfg" ::syslinux.cfg ||
			{ rm -rf "$tmp"; vb_setup_error "could not write the local disk image (mtools, syslinux)"; }
		mv "$tmp/disk.img" "$img"
		rm -rf "$tmp"
	fi
	echo "$img"
}

vb_bmc_mac() { printf '52:54:00:12:35:%02x' "$1"; }
vb_bmc_addr() { echo "192.0.2.$((200 + $1))"; }

# vb_bmc_node_setup DIR I PASSWORD: node I's tap, BMC address, QEMU command
# line and ipmi_sim configuration.
vb_bmc_node_setup() {
	local dir=$1 i=$2 password=$3 tap=vbnp$2 addr
	addr=$(vb_bmc_addr "$i")
	mkdir -p "$dir/state"
	ip tuntap add dev "$tap" mode tap
	ip link set "$tap" master "$VB_BRIDGE"
	ip link set "$tap" up
	ip addr add "$addr/$VB_PREFIX" dev "$VB_BRIDGE"
	# One argument per line; the hook adds -boot and -daemonize.
	printf '%s\n' "$VB_QEMU" -accel "$VB_ACCEL" -machine graphics=off -m "$VB_MEMORY" \
		-nodefaults -no-user-config -display none -name "node$i" \
		-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" \
		-device "$(vb_nic_device "$VB_NIC"),netdev=n0,mac=$(vb_bmc_mac "$i"),romfile=$(vb_nic_rom "$VB_NIC")" \
		-drive "file=$VB_BMC_DISK,if=ide,format=raw,snapshot=on" \
		-chardev "file,id=con0,path=$dir/console.log,append=on" -serial chardev:con0 \
		-qmp "unix:$VB_BMC_SOCKDIR/node$i.qmp,server=on,wait=off" >"$dir/qemu.args"
	echo none >"$dir/boot"
	# The BMC's own configuration (see ipmi_lan(5)); it holds the
	# password, so only root may read it.
	(
		umask 077
		cat >"$dir/lan.conf" <<CONF
# Written by vboot for run $VB_RUN_ID: the BMC of node$i.
name "node$i"
set_working_mc 0x20
  startlan 1
    addr $addr 623
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid $(printf '%032x' "$i")
  endlan
  chassis_control "$VB_BMC_HOOK $dir"
  user 2 true "admin" "$password" admin 10 none md2 md5 straight
CONF
	)
	printf '%s\n' "mc_setbmc 0x20" "mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr" \
		"mc_enable 0x20" >"$dir/sim.emu"
}

# vb_bmc_start RUNDIR NODES: NODES simulated BMCs, their nodes off; writes
# RUNDIR/bmc/{inventory,credentials,qmp.inventory}.
vb_bmc_start() {
	local run=$1 n=$2 bmc=$1/bmc i password
	mkdir -p "$bmc" "$VB_BMC_SOCKDIR"
	password=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n') # 16 of IPMI's 20 bytes
	(
		umask 077
		echo "default admin $password" >"$bmc/credentials"
		# The same password, wrong by one character: for the tests.
		echo "default admin ${password%?}x" >"$bmc/credentials.wrong"
	)
	{
		echo "# Written by vboot for run $VB_RUN_ID: $n nodes behind ipmi_sim BMCs."
		echo "node[1-$n] ipmi $(vb_bmc_addr 1 | sed 's/[0-9]*$//')[$((200 + 1))-$((200 + n))] workaround=opensesspriv"
	} >"$bmc/inventory"
	# The hook reaches QEMU through the qmp backend of the same tool.
	echo "node[1-$n] qmp $VB_BMC_SOCKDIR/%h.qmp" >"$bmc/qmp.inventory"
	echo "nodepower=$VB_NODEPOWER" >"$bmc/hook.conf"
	for ((i = 1; i <= n; i++)); do
		vb_bmc_node_setup "$bmc/node$i" "$i" "$password"
		ipmi_sim -c "$bmc/node$i/lan.conf" -f "$bmc/node$i/sim.emu" -s "$bmc/node$i/state" -n \
			>"$bmc/node$i/ipmi_sim.log" 2>&1 &
		VB_PIDS+=($!)
		echo "$!" >"$bmc/node$i/ipmi_sim.pid"
	done
	# Every BMC must answer (status over RMCP+) before the run starts.
	local tries rc
	for ((tries = 0; tries < 50; tries++)); do
		rc=0
		"$VB_NODEPOWER" -i "$bmc/inventory" -c "$bmc/credentials" -t 2 -q status "node[1-$n]" \
			>"$bmc/start-status.log" 2>&1 || rc=$?
		[ "$rc" = 0 ] && return 0
		[ "$rc" = 1 ] || break # not a BMC still starting: a usage or config error
		sleep 0.2
	done
	cat "$bmc/start-status.log" >&2
	vb_setup_error "the simulated BMCs did not answer (logs: $bmc/node*/ipmi_sim.log)"
}

# vb_bmc_run RUNDIR: run VB_BMC_RUN (or a shell) in the test network and
# write the verdict; its output goes to RUNDIR/bmc-run.log (and, unless
# --quiet, to stdout as it comes).
vb_bmc_run() {
	local run=$1 start rc=0 cmd=$VB_BMC_RUN pid interrupted=
	start=$(date +%s%N)
	export NODEPOWER_INVENTORY=$run/bmc/inventory NODEPOWER_CREDENTIALS=$run/bmc/credentials
	export VB_BMC_DIR=$run/bmc VB_BMC_NODES VB_NODEPOWER VB_RUN_ID VB_LOGDIR
	# nodepower on PATH, as on an admin host.
	PATH=$(dirname "$VB_NODEPOWER"):$PATH
	if [ "$VB_INTERACTIVE" = 1 ] && [ -z "$cmd" ]; then
		echo "vboot: $VB_BMC_NODES nodes behind ipmi_sim BMCs, all off; try: nodepower status --all; 'exit' ends the run"
		PS1='vboot-bmc# ' bash --norc -i || rc=$?
	else
		# Straight into the log, so that it is complete when we end; a
		# tail shows it as it grows (it leaves when the command does).
		# Its own process group (setsid): a signal reaches all of it.
		setsid bash -c "$cmd" >"$run/bmc-run.log" 2>&1 &
		pid=$!
		if [ "$VB_QUIET" != 1 ]; then
			tail -n +1 -f --pid="$pid" "$run/bmc-run.log" &
			VB_PIDS+=($!)
		fi
		# A background command ignores SIGINT: pass every signal as TERM.
		local sig
		for sig in INT TERM HUP; do
			# shellcheck disable=SC2064 # expand $sig now
			trap "interrupted=$sig; kill -TERM -- -\$pid 2>/dev/null" "$sig"
		done
		# The run's deadline (--timeout) applies to the command.
		(sleep "$VB_TIMEOUT" && touch "$run/bmc-run.timeout" && kill -TERM -- "-$pid" 2>/dev/null) &
		VB_PIDS+=($!)
		while :; do
			wait "$pid" && rc=0 || rc=$?
			kill -0 "$pid" 2>/dev/null || break
		done
	fi
	local ms=$((($(date +%s%N) - start) / 1000000))
	if [ -f "$run/bmc-run.timeout" ]; then
		printf 'verdict=timeout\nreason=--bmc-run still running after %ss\nelapsed_ms=%d\n' "$VB_TIMEOUT" "$ms" >"$run/result"
		return "$VB_EXIT_TIMEOUT"
	elif [ -n "$interrupted" ]; then
		printf 'verdict=fail\nreason=interrupted (SIG%s)\nelapsed_ms=%d\n' "$interrupted" "$ms" >"$run/result"
		return "$VB_EXIT_FAIL"
	elif [ "$rc" = 0 ]; then
		printf 'verdict=pass\nreason=--bmc-run command succeeded\nelapsed_ms=%d\n' "$ms" >"$run/result"
		return 0
	fi
	printf 'verdict=fail\nreason=--bmc-run command exited with status %d\nelapsed_ms=%d\n' "$rc" "$ms" >"$run/result"
	return "$VB_EXIT_FAIL"
}
