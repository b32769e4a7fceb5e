# shellcheck shell=bash
# chain.sh - vboot --boot chain: a true two-stage chainload, where the NIC's
# own iPXE ROM is replaced by Debian's iPXE build:
#   --firmware bios  SeaBIOS runs the NIC's PXE ROM (QEMU's, an iPXE), which
#                    fetches undionly.kpxe over TFTP; that iPXE drives the
#                    NIC through the ROM's UNDI/PXE API
#   --firmware uefi  OVMF runs the NIC's EFI ROM (QEMU's efi-virtio.rom, an
#                    iPXE), which fetches snponly.efi; that iPXE drives the
#                    NIC through the ROM's SNP
# Either way the chained iPXE asks DHCP again and gets the iPXE script
# (boot.ipxe), which loads the kernel.  Under QEMU both stages are iPXE and
# say so (user class iPXE), so only netbootd's ipxe-chain-file (which sees
# the TFTP fetch of the chain file) can tell them apart.

VB_CHAIN_IPXE=/usr/lib/ipxe
VB_CHAIN_EFI_ROM=/usr/lib/ipxe/qemu/efi-virtio.rom

# vb_chain_file: the file that replaces the ROM's iPXE (VB_FIRMWARE).
vb_chain_file() {
	if [ "${VB_FIRMWARE:-bios}" = uefi ]; then echo snponly.efi; else echo undionly.kpxe; fi
}

# vb_chain_args_error SERVER RACK: why --boot chain cannot run with these
# (return 1), or nothing.  RACK: non-empty with --nodes, --router or --bmc.
# (--firmware uefi already insists on --nic virtio, whose EFI ROM is used.)
vb_chain_args_error() {
	local server=$1 rack=$2
	if [ -n "$rack" ]; then
		echo "--boot chain boots one node on the local segment: no --nodes, --router or --bmc yet"
		return 1
	fi
	if [ "$server" != netbootd ]; then
		echo "--boot chain needs --server netbootd: under QEMU the NIC's ROM is an iPXE that sends the same user class (iPXE) as the chained iPXE, so dnsmasq's user-class tags give both stages the same file (a loop, or the script to the ROM); netbootd's ipxe-chain-file sees the TFTP fetch between them"
		return 1
	fi
	return 0
}

# vb_chain_missing FIRMWARE: packages --boot chain needs that are missing.
vb_chain_missing() {
	local f
	f=$(VB_FIRMWARE=$1 vb_chain_file)
	[ -f "$VB_CHAIN_IPXE/$f" ] || echo ipxe
	[ "$1" != uefi ] || [ -f "$VB_CHAIN_EFI_ROM" ] || echo ipxe-qemu
}

# vb_chain_tftp TFTPDIR: the chain file next to the kernel and the script.
vb_chain_tftp() {
	[ "$VB_BOOT" = chain ] || return 0
	cp "$VB_CHAIN_IPXE/$(vb_chain_file)" "$1/"
}

# vb_chain_netbootd_lines: the subnet line that turns the guard on.
vb_chain_netbootd_lines() {
	[ "$VB_BOOT" = chain ] || return 0
	echo "ipxe-chain-file $(vb_chain_file)"
}

# vb_chain_uefi_rom: the NIC's option ROM under UEFI: iPXE's EFI ROM for
# --boot chain (the first stage), none otherwise (edk2's own PXE).
vb_chain_uefi_rom() {
	[ "$VB_BOOT" != chain ] || echo "$VB_CHAIN_EFI_ROM"
}

# vb_chain_verdict RUNDIR: after a --boot chain run that reached the
# marker, print why it was not a true two-stage chain (return 1), or
# nothing.  netbootd's log must show the chain file sent exactly once and
# both stages' decisions and the end of the chain; the console must show
# the ROM's own iPXE driving the NIC with its native driver first, then
# the chained iPXE on the ROM's interface ("using undionly on ..." on
# UNDI, "using SNP on ..." under UEFI), each once.
# (check_ipxe_chain in vboot has already counted the script: once.)
vb_chain_verdict() {
	local run=$1 log=$1/netbootd.log con n f fre driver nbp devs
	[ "$VB_BOOT" = chain ] || return 0
	f=$(vb_chain_file)
	fre=${f//./\\.}
	if [ "${VB_FIRMWARE:-bios}" = uefi ]; then driver=SNP nbp=EFI; else driver=undionly nbp=PXE-NBP; fi
	n=$(grep -c "tftp: .*: sent $fre done" "$log" || true)
	[ "$n" = 1 ] || { echo "$f was sent $n times, not once (netbootd.log)"; return 1; }
	grep -q "DHCPACK .* file $fre (iPXE) \[chain 1/2: replaces the NIC's iPXE" "$log" ||
		{ echo "no DHCPACK handed the ROM's iPXE $f as chain stage 1 (netbootd.log)"; return 1; }
	grep -q "DHCPACK .* file boot\.ipxe (iPXE) \[chain 2/2: loaded $fre " "$log" ||
		{ echo "no DHCPACK handed the chained iPXE its script as stage 2 (netbootd.log)"; return 1; }
	grep -q "chain: .* fetched the script boot\.ipxe .*: chain complete" "$log" ||
		{ echo "netbootd never saw the chain complete (the script fetched by the chained stage)"; return 1; }
	con=$(tr -d '\r' <"$run/console.log" 2>/dev/null)
	# The ROM's iPXE names its native driver (82540em, virtio-net, ...).
	devs=$(grep -oE 'net0: [0-9a-f:]+ using [A-Za-z0-9_-]+ on ' <<<"$con" || true)
	n=$(grep -c . <<<"$devs" || true)
	[ "$n" = 2 ] || { echo "the console shows $n iPXE network devices opened, not 2 (the ROM's, then the chained one)"; return 1; }
	head -n1 <<<"$devs" | grep -qvE " using (undionly|SNP) on " ||
		{ echo "the first iPXE on the console already ran on the firmware's interface: not the NIC's own ROM"; return 1; }
	tail -n1 <<<"$devs" | grep -q " using $driver on " ||
		{ echo "the second iPXE on the console did not drive the NIC through the ROM (no 'using $driver on')"; return 1; }
	grep -q "$fre : [0-9]* bytes \[$nbp\]" <<<"$con" ||
		{ echo "the console never shows the ROM loading $f ([$nbp])"; return 1; }
	[ "$driver" != undionly ] || grep -q 'UNDI device is PCI' <<<"$con" ||
		{ echo "the console shows no UNDI device handed over (PXE->EB)"; return 1; }
	printf 'chain=%s script=boot.ipxe\n' "$f" >"$run/chain"
	return 0
}
