# shellcheck shell=bash
# chain.sh - vboot --boot chain: a true two-stage chainload.  SeaBIOS runs
# the NIC's PXE ROM (QEMU's, an iPXE), which fetches Debian's
# undionly.kpxe over TFTP; that iPXE drives the NIC through the ROM's
# UNDI/PXE API, asks DHCP again and gets the iPXE script (boot.ipxe),
# which loads the kernel.  Under QEMU both stages are iPXE and say so
# (user class iPXE), so only netbootd's ipxe-chain-file (which sees the
# TFTP fetch of the chain file) can tell them apart.

VB_CHAIN_FILE=undionly.kpxe
VB_CHAIN_SRC=/usr/lib/ipxe/undionly.kpxe

# vb_chain_args_error SERVER FIRMWARE RACK: why --boot chain cannot run
# with these (return 1), or nothing.  RACK: non-empty with --nodes,
# --router or --bmc.
vb_chain_args_error() {
	local server=$1 fw=$2 rack=$3
	if [ -n "$rack" ]; then
		echo "--boot chain boots one node on the local segment: no --nodes, --router or --bmc yet"
		return 1
	fi
	if [ "$fw" != bios ]; then
		echo "--boot chain chainloads undionly.kpxe, a BIOS PXE program: --firmware bios only (UEFI's edk2 PXE to snponly.efi is --firmware uefi --boot pxe)"
		return 1
	fi
	if [ "$server" != netbootd ]; then
		echo "--boot chain needs --server netbootd: under QEMU the NIC's ROM is an iPXE that sends the same user class (iPXE) as the chained undionly.kpxe, so dnsmasq's user-class tags give both stages the same file (a loop, or the script to the ROM); netbootd's ipxe-chain-file sees the TFTP fetch between them"
		return 1
	fi
	return 0
}

# vb_chain_missing: packages --boot chain needs that are missing.
vb_chain_missing() {
	[ -f "$VB_CHAIN_SRC" ] || echo ipxe
}

# vb_chain_tftp TFTPDIR: the chain file next to the kernel and the script.
vb_chain_tftp() {
	[ "$VB_BOOT" = chain ] || return 0
	cp "$VB_CHAIN_SRC" "$1/$VB_CHAIN_FILE"
}

# vb_chain_netbootd_lines: the subnet line that turns the guard on.
vb_chain_netbootd_lines() {
	[ "$VB_BOOT" = chain ] || return 0
	echo "ipxe-chain-file $VB_CHAIN_FILE"
}

# vb_chain_verdict RUNDIR: after a --boot chain run that reached the
# marker, print why it was not a true two-stage chain (return 1), or
# nothing.  netbootd's log must show the chain file sent exactly once and
# both stages' decisions and the end of the chain; the console must show
# the ROM's own iPXE driving the NIC with its native driver first, then
# the chained iPXE on the ROM's UNDI ("using undionly on ..."), each once.
# (check_ipxe_chain in vboot has already counted the script: once.)
vb_chain_verdict() {
	local run=$1 log=$1/netbootd.log con n
	[ "$VB_BOOT" = chain ] || return 0
	n=$(grep -c "tftp: .*: sent ${VB_CHAIN_FILE//./\\.} done" "$log" || true)
	[ "$n" = 1 ] || { echo "$VB_CHAIN_FILE was sent $n times, not once (netbootd.log)"; return 1; }
	grep -q "DHCPACK .* file ${VB_CHAIN_FILE//./\\.} (iPXE) \[chain 1/2: replaces the NIC's iPXE" "$log" ||
		{ echo "no DHCPACK handed the ROM's iPXE $VB_CHAIN_FILE as chain stage 1 (netbootd.log)"; return 1; }
	grep -q "DHCPACK .* file boot\.ipxe (iPXE) \[chain 2/2: loaded ${VB_CHAIN_FILE//./\\.} " "$log" ||
		{ echo "no DHCPACK handed the chained iPXE its script as stage 2 (netbootd.log)"; return 1; }
	grep -q "chain: .* fetched the script boot\.ipxe .*: chain complete" "$log" ||
		{ echo "netbootd never saw the chain complete (the script fetched by the chained stage)"; return 1; }
	con=$(tr -d '\r' <"$run/console.log" 2>/dev/null)
	# The ROM's iPXE names its native driver (82540em for QEMU's e1000,
	# the i82557b's is also an iPXE driver): anything but undionly.
	n=$(grep -cE 'net0: .* using [a-z0-9_-]+ on ' <<<"$con" || true)
	[ "$n" = 2 ] || { echo "the console shows $n iPXE network devices opened, not 2 (the ROM's, then the chained one)"; return 1; }
	grep -E 'net0: .* using [a-z0-9_-]+ on ' <<<"$con" | head -n1 | grep -qv ' using undionly on ' ||
		{ echo "the first iPXE on the console already ran on UNDI: not the NIC's own ROM"; return 1; }
	grep -E 'net0: .* using [a-z0-9_-]+ on ' <<<"$con" | tail -n1 | grep -q ' using undionly on ' ||
		{ echo "the second iPXE on the console did not drive the NIC through UNDI (no 'using undionly on')"; return 1; }
	grep -q "${VB_CHAIN_FILE//./\\.} : [0-9]* bytes \[PXE-NBP\]" <<<"$con" ||
		{ echo "the console never shows the ROM loading $VB_CHAIN_FILE as a PXE NBP"; return 1; }
	grep -q 'UNDI device is PCI' <<<"$con" ||
		{ echo "the console shows no UNDI device handed over (PXE->EB)"; return 1; }
	printf 'chain=%s script=boot.ipxe\n' "$VB_CHAIN_FILE" >"$run/chain"
	return 0
}
