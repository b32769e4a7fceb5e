# shellcheck shell=bash
# uboot.sh - arm64 nodes (vboot --arch arm64): QEMU's virt board running
# Debian's own U-Boot build (u-boot-qemu), which does DHCP and TFTP itself
# and then boots the kernel the way a real board does.
#
# Boot flows (--boot):
#   uboot      distro boot with no stored environment, what a fresh board
#              does: bootcmd_dhcp asks DHCP, fetches boot.scr.uimg (a
#              legacy script image written by mkimage) and runs it; the
#              script loads Image over TFTP and booti's it with the device
#              tree U-Boot already has (${fdtcontroladdr}).
#   uboot-pxe  a board whose stored environment says
#              "dhcp; pxe get; pxe boot": U-Boot reads
#              pxelinux.cfg/01-<mac> (extlinux format: kernel, append,
#              initrd; no fdt line, so U-Boot passes its own tree).
#   uboot-efi  distro boot's second stage: no boot.scr.uimg on the server,
#              so U-Boot asks DHCP again as a UEFI client (option 93 = 11,
#              "PXEClient:Arch:00011"), fetches the boot file netbootd names
#              for that architecture (the same Image: its EFI stub makes it
#              a PE/COFF program) and bootefi's it.  The command line comes
#              from the stored environment's bootargs (see vb_uboot_env).
#   direct     no firmware: QEMU loads Image itself (-kernel), the fast path
#              for a kernel regression boot (the KUnit suite).

VB_UBOOT_BIOS=${VB_UBOOT_BIOS:-/usr/lib/u-boot/qemu_arm64/u-boot.bin}
# QEMU virt's second flash bank, where this U-Boot keeps its environment
# (CONFIG_ENV_IS_IN_FLASH: 256 KiB at the start of the 64 MiB bank).
VB_UBOOT_ENV_SIZE=0x40000
VB_UBOOT_FLASH_SIZE=64M
# Where make deps (scripts/arm64-busybox.sh) unpacks Debian's
# busybox-static:arm64 of the host's version: VB_ARM64_CACHE/busybox-VERSION.
VB_ARM64_CACHE=${VB_ARM64_CACHE:-/var/cache/netboot-toolkit/arm64}

# vb_uboot_env_arg VAR=VALUE (vboot --uboot-env): one more U-Boot variable,
# one a line in VB_UBOOT_VARS.
VB_UBOOT_VARS=${VB_UBOOT_VARS:-}
vb_uboot_env_arg() {
	local re="^[A-Za-z_][A-Za-z0-9_]*=[^'\"]*\$"
	[[ $1 =~ $re && $1 != *$'\n'* ]] ||
		vb_usage_error "--uboot-env wants VAR=VALUE (no quotes, no newline), not '$1'"
	VB_UBOOT_VARS+=$1$'\n'
}

# vb_arm64_args: the defaults and checks of vboot --arch arm64 (after
# parse_args has read the options into vboot's opt_* variables).
# shellcheck disable=SC2154 # opt_* are vboot's
vb_arm64_args() {
	VB_QEMU="qemu-system-aarch64"
	[ "$opt_variant" != netboot ] || opt_variant=arm64
	[ "$opt_boot_set" = 1 ] || opt_boot=uboot
	case $opt_boot in
	uboot | uboot-pxe | uboot-efi | direct) ;;
	*) vb_usage_error "--arch arm64 boots with --boot uboot, uboot-pxe, uboot-efi or direct, not '$opt_boot'" ;;
	esac
	[ "$opt_nic" = virtio ] || vb_usage_error "--arch arm64: only --nic virtio (virtio-net-pci, which U-Boot and the kernel drive)"
	case $opt_root in
	nfs3 | nfs4 | initrd) ;;
	*) vb_usage_error "--arch arm64: --root nfs3, nfs4 or initrd, not '$opt_root'" ;;
	esac
	[ "$opt_boot/$opt_root" != uboot-efi/initrd ] ||
		vb_usage_error "--boot uboot-efi loads no initrd (the EFI stub here has no initrd= loader); use --root nfs3 or nfs4"
	case $opt_proto in
	dhcp | bootp) ;;
	*) [ "$opt_boot" = direct ] || vb_usage_error "--boot $opt_boot: U-Boot configures itself with DHCP; --proto dhcp or bootp" ;;
	esac
	if [ "$opt_boot" != direct ]; then
		[ "$opt_server" = netbootd ] || [ "$opt_server" = dnsmasq ] ||
			vb_usage_error "--boot $opt_boot needs a DHCP and TFTP server (--server netbootd or dnsmasq)"
	fi
}

# shellcheck disable=SC2154 # opt_boot is vboot's
vb_arm64_tools() {
	local missing=()
	command -v qemu-system-aarch64 >/dev/null 2>&1 || missing+=(qemu-system-arm)
	if [ "$opt_boot" != direct ]; then
		[ -f "$VB_UBOOT_BIOS" ] || missing+=(u-boot-qemu)
		command -v mkimage >/dev/null 2>&1 || missing+=(u-boot-tools)
		command -v mkenvimage >/dev/null 2>&1 || missing+=(u-boot-tools)
	fi
	[ ${#missing[@]} -eq 0 ] ||
		vb_setup_error "missing: ${missing[*]} (run 'make deps' in the netboot toolkit as root)"
	vb_arm64_busybox
}

# vb_arm64_busybox: VB_ARM64_BUSYBOX, Debian's busybox-static for arm64 of
# the host's busybox-static version, as make deps unpacked it (the run
# fetches nothing).
vb_arm64_busybox() {
	local version
	version=$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null) ||
		vb_setup_error "busybox-static is not installed (run 'make deps' in the netboot toolkit as root)"
	VB_ARM64_BUSYBOX=$VB_ARM64_CACHE/busybox-$version/bin/busybox
	[ -x "$VB_ARM64_BUSYBOX" ] ||
		vb_setup_error "busybox-static:arm64 $version is missing: no $VB_ARM64_BUSYBOX (run 'make deps' in the netboot toolkit as root)"
}

# vb_arm64_ensure_root STATEDIR: the busybox root for arm64 nodes (NFS
# export and ext2 initrd), like ensure_root's, from busybox-arm64.spec.
vb_arm64_ensure_root() {
	local roots=$1/roots mkroot specs busybox lock
	find_tool mkroot
	mkroot=$VB_TOOL
	# shellcheck disable=SC2034 # read by run_mkroot (vboot)
	VB_MKROOT=$mkroot VB_ROOTS=$roots
	specs=$VB_LIB/roots
	[ -z "$VB_REPO" ] || specs=$VB_REPO/userspace/mkroot/roots
	vb_arm64_busybox
	busybox=$VB_ARM64_BUSYBOX
	mkdir -p "$roots"
	VB_ROOTDIR=$roots/busybox-arm64
	VB_INITRD=$roots/busybox-arm64-initrd.img.gz
	# shellcheck disable=SC2034 # vboot exports it
	VB_FLOPPY=
	exec {lock}>"$roots/.lock"
	flock "$lock"
	if stale "$roots/.busybox-arm64.stamp" "$mkroot" "$specs/busybox-arm64.spec" "$specs/vboot-init" "$busybox"; then
		run_mkroot "the arm64 busybox root" "$roots/.busybox-arm64.stamp" --dir "$VB_ROOTDIR" \
			--initrd "$VB_INITRD" --label vboot-root -D BUSYBOX="$busybox" "$specs/busybox-arm64.spec"
	fi
	exec {lock}>&-
	[ -s "$VB_INITRD" ] || vb_setup_error "the arm64 node's image $VB_INITRD is missing after mkroot"
}

# vb_uboot_env FILE VAR=VALUE...: a flash bank holding a stored U-Boot
# environment (mkenvimage, u-boot-tools), what a developer's board has
# after saveenv.  A stored environment replaces the built-in one, so it
# carries the load addresses the built-in one has.
vb_uboot_env() {
	local out=$1
	shift
	{
		printf '%s\n' bootdelay=0 fdt_addr_r=0x40000000 scriptaddr=0x40200000 \
			pxefile_addr_r=0x40300000 kernel_addr_r=0x40400000 ramdisk_addr_r=0x44000000
		printf '%s\n' "$@"
		printf '%s' "$VB_UBOOT_VARS"	# vboot --uboot-env
	} >"$out.txt"
	mkenvimage -s "$VB_UBOOT_ENV_SIZE" -o "$out" "$out.txt" || vb_setup_error "mkenvimage failed for $out"
	truncate -s "$VB_UBOOT_FLASH_SIZE" "$out"
}

# vb_uboot_prepare_tftp: the TFTP root of an arm64 run (prints its path).
# Every flow gets the Image; each flow only the files it should use, so a
# flow that falls through to another one fails instead of passing.
vb_uboot_prepare_tftp() {
	local tftp=$VB_LOGDIR/tftp initrd=0 cfg
	mkdir -p "$tftp"
	cp "$VB_KERNEL" "$tftp/Image"
	if [ "$VB_ROOT" = initrd ]; then
		cp "$VB_INITRD" "$tftp/initrd.img.gz"
		initrd=1
	fi
	case $VB_BOOT in
	uboot)
		{
			echo "# boot.scr for vboot run $VB_RUN_ID (distro boot, bootcmd_dhcp)"
			echo "setenv bootargs '$VB_CMDLINE'"
			printf '%s' "$VB_UBOOT_VARS" | sed -n "s/^\([^=]*\)=\(.*\)$/setenv \1 '\2'/p"
			echo "tftpboot \${kernel_addr_r} Image"
			if [ "$initrd" = 1 ]; then
				echo "tftpboot \${ramdisk_addr_r} initrd.img.gz"
				echo "booti \${kernel_addr_r} \${ramdisk_addr_r}:\${filesize} \${fdtcontroladdr}"
			else
				echo "booti \${kernel_addr_r} - \${fdtcontroladdr}"
			fi
			echo "echo vboot: booti returned"
		} >"$tftp/boot.cmd"
		mkimage -A arm64 -O linux -T script -C none -n "vboot $VB_RUN_ID" \
			-d "$tftp/boot.cmd" "$tftp/boot.scr.uimg" >"$VB_LOGDIR/mkimage.log" 2>&1 ||
			vb_setup_error "mkimage failed (log: $VB_LOGDIR/mkimage.log)"
		;;
	uboot-pxe)
		mkdir -p "$tftp/pxelinux.cfg"
		cfg=$tftp/pxelinux.cfg/01-$(vb_mac_dashes "$VB_MAC")
		{
			echo "# Written by vboot for run $VB_RUN_ID (U-Boot pxe get / pxe boot)"
			echo "default vboot"
			echo "label vboot"
			echo "  kernel Image"
			[ "$initrd" = 0 ] || echo "  initrd initrd.img.gz"
			echo "  append $VB_CMDLINE"
		} >"$cfg"
		vb_uboot_env "$VB_LOGDIR/uboot-env.img" autoload=no 'bootcmd=dhcp; pxe get; pxe boot'
		;;
	uboot-efi)
		vb_uboot_env "$VB_LOGDIR/uboot-env.img" "bootargs=$VB_CMDLINE" 'bootcmd=run distro_bootcmd' \
			'boot_targets=dhcp' boot_script_dhcp=boot.scr.uimg "$(vb_uboot_builtin_var bootcmd_dhcp)" \
			"$(vb_uboot_builtin_var distro_bootcmd)" "$(vb_uboot_builtin_var boot_net_usb_start)" \
			"$(vb_uboot_builtin_var boot_pci_enum)"
		;;
	esac
	echo "$tftp"
}

# vb_uboot_builtin_var NAME: NAME=VALUE from U-Boot's built-in default
# environment (a NUL-separated block in u-boot.bin), so that a stored
# environment keeps the distro boot commands exactly as this build has them.
vb_uboot_builtin_var() {
	local line
	# awk reads it all: an early exit would SIGPIPE tr and fail the pipeline.
	line=$(tr '\0' '\n' <"$VB_UBOOT_BIOS" | awk -v k="$1=" 'index($0, k) == 1 && !n++')
	[ -n "$line" ] || vb_setup_error "$VB_UBOOT_BIOS has no built-in $1"
	printf '%s' "$line"
}

# vb_arm64_netbootd_opts: what netbootd must say to arm64 U-Boot (more
# subnet lines in VB_SERVER_OPTS): the EFI flow's boot file by
# architecture (option 93), as in a mixed rack's netbootd.conf.
vb_arm64_netbootd_opts() {
	[ "$VB_BOOT" != uboot-efi ] || VB_SERVER_OPTS+=$'arch-boot-file arm64-uefi Image\n'
}

# vb_arm64_dnsmasq_args: the same rule for dnsmasq (vb_dnsmasq_extra): a
# tag for option 93 = 11, and the boot file for it.
vb_arm64_dnsmasq_args() {
	[ "$VB_BOOT" != uboot-efi ] ||
		vb_dnsmasq_extra --dhcp-match=set:efi-arm64,option:client-arch,11 --dhcp-boot=tag:efi-arm64,Image
}

# vb_arm64_qemu: QEMU's command line for an arm64 node, into the array qemu.
vb_arm64_qemu() {
	# disable-legacy: U-Boot 2023.01's legacy virtio-pci driver reads the
	# MAC as 52:52:52:52:52:52 (its first byte six times); the modern
	# interface reads it right, and the kernel drives both.
	# shellcheck disable=SC2054 # the commas are QEMU's
	qemu=("$VB_QEMU" -machine virt,graphics=off -cpu cortex-a57 -accel "$VB_ACCEL" -m "$VB_MEMORY"
		-nodefaults -no-user-config -display none -no-reboot
		-netdev "tap,id=n0,ifname=$VB_TAP,script=no,downscript=no"
		-device "virtio-net-pci,disable-legacy=on,netdev=n0,mac=$VB_MAC,romfile=")
	if [ "$VB_BOOT" = direct ]; then
		qemu+=(-kernel "$VB_KERNEL" -append "$VB_CMDLINE")
		[ "$VB_ROOT" != initrd ] || qemu+=(-initrd "$VB_INITRD")
		return
	fi
	qemu+=(-bios "$VB_UBOOT_BIOS")
	[ ! -f "$VB_LOGDIR/uboot-env.img" ] ||
		qemu+=(-drive "if=pflash,unit=1,format=raw,file=$VB_LOGDIR/uboot-env.img")
}

# vb_uboot_check_flow RUNDIR: after a U-Boot run that passed, the servers'
# logs must show the flow that was asked for (and not another one that
# U-Boot falls through to).  Prints the reason when they do not.
vb_uboot_check_flow() {
	local log=$1/netbootd.log console=$1/console.log
	[ "$VB_SERVER" = netbootd ] || return 0
	case $VB_BOOT in
	uboot)
		grep -q 'tftp: .*: read boot\.scr\.uimg ' "$log" || { echo "boot.scr.uimg was never read"; return 1; }
		! grep -q 'Booting /Image\|bootefi' "$console" || { echo "U-Boot fell through to bootefi"; return 1; }
		;;
	uboot-pxe)
		grep -q 'tftp: .*: read pxelinux\.cfg/01-' "$log" || { echo "pxelinux.cfg/01-<mac> was never read"; return 1; }
		;;
	uboot-efi)
		grep -q 'DHCPACK .* file Image (arm64 UEFI)' "$log" ||
			{ echo "no DHCPACK named Image for an arm64 UEFI client ($(basename "$log"))"; return 1; }
		grep -q 'EFI stub: ' "$console" || { echo "the kernel did not start through its EFI stub"; return 1; }
		;;
	esac
}
