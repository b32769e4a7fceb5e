# shellcheck shell=bash
# shellcheck disable=SC2054 # commas inside QEMU and dnsmasq arguments are meant
# shellcheck disable=SC2034 # variables used by vboot and bootserver.sh
# firmware.sh - the ways an x86 node starts besides SeaBIOS with the NIC's
# iPXE ROM (vboot --boot pxe/ipxe):
#   --boot floppy      SeaBIOS boots the seed's boot diskette (SYSLINUX,
#                      iPXE's ipxe.lkrn); the NIC has no option ROM at all,
#                      which the harness checks on the running QEMU
#   --firmware uefi    OVMF (q35), edk2's own PXE stack; --boot pxe: the
#                      boot file is iPXE's snponly.efi, which gets an iPXE
#                      script; --boot stub: the boot file is the kernel
#                      itself, an EFI application (kernel variant efi)

VB_OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
VB_OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
VB_IPXE_DIR=/usr/lib/ipxe
# The marker the efi variant's built-in command line carries
# (kernel/configs/efi.config): a boot with no loader has no other.
VB_EFI_BUILTIN_MARKER=efi-builtin-cmdline

# vb_fw_args_error FIRMWARE BOOT NIC PROTO ROOT APPEND: print what is
# wrong with that combination of vboot options (return 1), or nothing.
vb_fw_args_error() {
	local fw=$1 boot=$2 nic=$3 proto=$4 root=$5 append=$6
	case $fw/$boot in
	bios/stub) echo "--boot stub is a UEFI boot: add --firmware uefi"; return 1 ;;
	uefi/direct | uefi/ipxe | uefi/floppy)
		echo "--firmware uefi boots from the network: --boot pxe (snponly.efi, then the iPXE script) or --boot stub (the kernel as the boot file)"
		return 1 ;;
	esac
	if [ "$fw" = uefi ] && [ "$nic" != virtio ]; then
		echo "--firmware uefi needs --nic virtio (OVMF drives virtio-net itself; other NICs would need an EFI option ROM)"
		return 1
	fi
	# No loader passes a command line: the kernel's built-in one is all it
	# gets (kernel/configs/efi.config), DHCP and an NFSv3 root whose path
	# comes from DHCP option 17 (so --nfs-path still works).
	if [ "$boot" = stub ]; then
		if [ "$proto" != dhcp ] || [ "$root" != nfs3 ]; then
			echo "--boot stub boots with the kernel's built-in command line: --proto dhcp --root nfs3 only"
			return 1
		fi
		if [ -n "$append" ]; then
			echo "--boot stub: no loader passes --append to the kernel (its command line is built in)"
			return 1
		fi
	fi
	return 0
}

# vb_fw_missing BOOT FIRMWARE: the packages those need that are missing.
vb_fw_missing() {
	local boot=$1 fw=$2
	case $boot in
	floppy)
		[ -f "$VB_IPXE_DIR/ipxe.lkrn" ] || echo ipxe
		command -v mformat >/dev/null 2>&1 || echo mtools
		command -v syslinux >/dev/null 2>&1 || echo syslinux
		;;
	esac
	if [ "$fw" = uefi ]; then
		[ -f "$VB_OVMF_CODE" ] && [ -f "$VB_OVMF_VARS" ] || echo ovmf
		[ "$boot" != pxe ] || [ -f "$VB_IPXE_DIR/snponly.efi" ] || echo ipxe
	fi
}

# vb_fw_floppy STATEDIR MKROOT: the boot diskette into VB_BOOT_FLOPPY,
# built once with mkroot --floppy from roots/ipxe-floppy.spec (rebuilt
# when mkroot, the spec or ipxe.lkrn change).
vb_fw_floppy() {
	local roots=$1/roots mkroot=$2 specs=$VB_LIB/roots img lock
	[ -z "$VB_REPO" ] || specs=$VB_REPO/userspace/mkroot/roots
	img=$roots/ipxe-floppy.img
	mkdir -p "$roots"
	exec {lock}>"$roots/.floppy.lock"
	flock "$lock"
	if stale "$img.stamp" "$mkroot" "$specs/ipxe-floppy.spec" "$VB_IPXE_DIR/ipxe.lkrn"; then
		"$mkroot" --floppy "$img" --label IPXE -D IPXE="$VB_IPXE_DIR" "$specs/ipxe-floppy.spec" ||
			vb_setup_error "mkroot could not build the boot diskette $img (see above)"
		touch "$img.stamp"
	fi
	exec {lock}>&-
	[ -s "$img" ] || vb_setup_error "the boot diskette $img is missing after mkroot"
	VB_BOOT_FLOPPY=$img
}

# vb_fw_tftp TFTPDIR: the firmware's boot files next to the kernel.
vb_fw_tftp() {
	local tftp=$1
	[ "$VB_FIRMWARE" != uefi ] || [ "$VB_BOOT" != pxe ] || cp "$VB_IPXE_DIR/snponly.efi" "$tftp/"
}

# vb_fw_bootfile: the file UEFI firmware is told to load (empty for BIOS).
vb_fw_bootfile() {
	[ "$VB_FIRMWARE" = uefi ] || return 0
	case $VB_BOOT in
	pxe) echo snponly.efi ;;
	stub) echo vmlinuz ;;
	esac
}

# vb_fw_uses_script: 0 when the node runs iPXE that fetches boot.ipxe.
vb_fw_uses_script() {
	case $VB_FIRMWARE/$VB_BOOT in
	bios/ipxe | bios/floppy | */chain | uefi/pxe) return 0 ;;
	esac
	return 1
}

# vb_fw_netbootd_lines: subnet lines for netbootd.  The option 93 values
# edk2 sends for x86-64 are 7 (EFI BC) and 9 (EFI x86-64): both get the
# UEFI boot file; BIOS PXE (0) keeps boot-file.
vb_fw_netbootd_lines() {
	local f
	f=$(vb_fw_bootfile)
	[ -z "$f" ] || printf 'arch-boot-file 7 %s\narch-boot-file 9 %s\n' "$f" "$f"
}

# vb_fw_dnsmasq_args: the same for dnsmasq (vb_dnsmasq_extra, bootserver.sh),
# as its man page does it: a tag from option 93 (dhcp-match), then dhcp-boot
# for that tag.  The iPXE rule (tag ipxe) stays first, so snponly.efi's
# iPXE gets the script.
vb_fw_dnsmasq_args() {
	local f
	f=$(vb_fw_bootfile)
	[ -n "$f" ] || return 0
	vb_dnsmasq_extra --dhcp-match=set:efi64,option:client-arch,7 \
		--dhcp-match=set:efi64,option:client-arch,9 "--dhcp-boot=tag:efi64,tag:!ipxe,$f"
}

# vb_fw_qemu_args RUNDIR: firmware, machine, boot device and NIC for QEMU
# into VB_FW_QEMU (an array).  Returns 1 when the default SeaBIOS line
# (vboot's own) applies.
VB_FW_QEMU=()
vb_fw_qemu_args() {
	local run=$1 dev
	dev="$(vb_nic_device "$VB_NIC"),netdev=n0,mac=$VB_MAC"
	VB_FW_QEMU=()
	if [ "$VB_FIRMWARE" = uefi ]; then
		# A writable copy of the variable store per run: OVMF records boot
		# options in it, and a run must not see the last one's.
		cp "$VB_OVMF_VARS" "$run/OVMF_VARS.fd"
		# romfile= (none): OVMF's own VirtioNetDxe drives the NIC, so the
		# whole PXE path is edk2's; --boot chain: iPXE's EFI ROM (chain.sh).  bootindex: -boot n does not reach OVMF.
		# IPv6 PXE off: on a network without DHCPv6 each try costs a minute.
		VB_FW_QEMU=(-machine q35
			-drive "if=pflash,format=raw,unit=0,readonly=on,file=$VB_OVMF_CODE"
			-drive "if=pflash,format=raw,unit=1,file=$run/OVMF_VARS.fd"
			-fw_cfg name=opt/org.tianocore/IPv6Support,string=n
			-device "$dev,romfile=$(vb_chain_uefi_rom),bootindex=1")
		return 0
	fi
	if [ "$VB_BOOT" = floppy ]; then
		# No option ROM: only the diskette's iPXE can drive the NIC.
		VB_FW_QEMU=(-drive "if=floppy,index=0,format=raw,readonly=on,file=$VB_BOOT_FLOPPY"
			-device "$dev,id=vbnic,romfile=" -boot a)
		vb_fw_monitor "$run"
		return 0
	fi
	return 1
}

# vb_fw_monitor RUNDIR: a human monitor on a pair of FIFOs (QEMU's pipe
# chardev: RUNDIR/monitor.in and .out), so the harness can ask the running
# QEMU what it exposes.
vb_fw_monitor() {
	local run=$1
	rm -f "$run/monitor.in" "$run/monitor.out"
	mkfifo "$run/monitor.in" "$run/monitor.out"
	VB_FW_QEMU+=(-chardev "pipe,id=vbmon,path=$run/monitor" -mon chardev=vbmon,mode=readline)
}

# vb_fw_rom_probe RUNDIR: in the background while the node boots, ask the
# running QEMU (info pci, info roms) about the NIC, into RUNDIR/nic-rom.txt.
vb_fw_rom_probe() {
	local run=$1
	[ -p "$run/monitor.in" ] || return 0
	(
		# Holding the write end open keeps QEMU's reader from seeing EOF.
		exec 8<>"$run/monitor.in"
		timeout 60 cat "$run/monitor.out" >"$run/monitor.log" &
		printf 'info pci\ninfo roms\n' >&8
		sleep 3
		printf 'info status\n' >&8
		wait
	) >/dev/null 2>&1 &
	VB_PIDS+=($!)
}

# vb_fw_nic_rom_verdict RUNDIR: after the run, print why the no-ROM proof
# fails (return 1), or nothing.  The NIC's section of `info pci` (it ends
# with id "vbnic") must have no BAR6, the expansion ROM BAR; `info roms`
# must list no option ROM handed over through fw_cfg (genroms/*.rom).
vb_fw_nic_rom_verdict() {
	local run=$1 log=$1/monitor.log section
	[ -s "$log" ] || { echo "QEMU's monitor never answered 'info pci' (no proof that the NIC has no ROM)"; return 1; }
	section=$(tr -d '\r' <"$log" | awk '/^  Bus / { s = "" } { s = s $0 "\n" } /id "vbnic"/ { printf "%s", s; exit }')
	[ -n "$section" ] || { echo "the NIC (id vbnic) is missing from QEMU's 'info pci'"; return 1; }
	if grep -q 'BAR6:' <<<"$section"; then
		echo "the NIC has an expansion ROM BAR (BAR6) in 'info pci': not a NIC without a PXE ROM"
		return 1
	fi
	# With rombar=0 QEMU hands the ROM to SeaBIOS through fw_cfg instead.
	if tr -d '\r' <"$log" | grep -Eq 'genroms/[^ ]*\.rom'; then
		echo "QEMU passes an option ROM to the BIOS through fw_cfg ('info roms': $(tr -d '\r' <"$log" | grep -Eo 'genroms/[^ ]*\.rom' | head -n1))"
		return 1
	fi
	return 0
}

# vb_fw_chain_verdict RUNDIR: after a UEFI run that passed, the boot
# server's log must show the firmware's boot file handed out to a client
# that was not taken for iPXE, and sent exactly once: edk2's tsize probe
# before it is no second send (netbootd logs it as a size probe; dnsmasq
# logs it as a send, after "error 8").  Prints the reason when not so.
vb_fw_chain_verdict() {
	local run=$1 f log n_offer n_sent n_probe
	f=$(vb_fw_bootfile)
	[ -n "$f" ] || return 0
	case $VB_SERVER in
	netbootd)
		log=$run/netbootd.log
		# The line may go on with the client's label, its state and the lease.
		n_offer=$(grep -cE "DHCPACK .* file ${f//./\\.}( |$)" "$log" || true)
		n_sent=$(grep -c "tftp: .*: sent $f done" "$log" || true)
		n_probe=$(grep -c "tftp: .*: size probe of $f " "$log" || true)
		;;
	dnsmasq)
		log=$run/dnsmasq.log
		n_offer=$(grep -c "sent size: *[0-9]* option: 67 bootfile-name  $f$" "$log" || true)
		n_probe=$(grep -c "error 8 .* received from" "$log" || true)
		n_sent=$(($(grep -c "sent .*/$f to" "$log" || true) - n_probe))
		;;
	*) return 0 ;;
	esac
	[ "$n_offer" -ge 1 ] || { echo "no DHCP reply named $f to the UEFI firmware ($(basename "$log"))"; return 1; }
	[ "$n_sent" = 1 ] || { echo "$f was sent $n_sent times (size probes aside), not once"; return 1; }
	echo "probes=$n_probe" >"$run/firmware-chain"
	return 0
}
