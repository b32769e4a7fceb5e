# shellcheck shell=bash
# qemu.sh - the node: accelerator choice and the QEMU command line.

VB_QEMU=${VB_QEMU:-qemu-system-x86_64}

# vb_nic_device NIC -> QEMU device model
vb_nic_device() {
	case $1 in
	virtio) echo virtio-net-pci ;;
	e1000) echo e1000 ;;
	e100) echo i82557b ;;
	esac
}

# vb_nic_rom NIC -> the ipxe-qemu option ROM that gives the NIC PXE
vb_nic_rom() {
	case $1 in
	virtio) echo /usr/lib/ipxe/qemu/pxe-virtio.rom ;;
	e1000) echo /usr/lib/ipxe/qemu/pxe-e1000.rom ;;
	e100) echo /usr/lib/ipxe/qemu/pxe-eepro100.rom ;;
	esac
}

# vb_pick_accel KERNEL CACHEDIR -> kvm or tcg
# KVM is used only if a guest really runs under it: on some hosts /dev/kvm
# opens but guests hang.  The probe boots KERNEL into an immediate panic
# (no root) with a short timeout; the answer is cached per host boot.
vb_pick_accel() {
	local kernel=$1 cache=$2 boot_id stamp
	if [ ! -c /dev/kvm ] || [ ! -r /dev/kvm ]; then
		echo tcg
		return
	fi
	boot_id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
	stamp=$cache/kvm-probe.$boot_id
	if [ ! -f "$stamp" ]; then
		mkdir -p "$cache"
		if timeout 15 "$VB_QEMU" -accel kvm -nodefaults -no-user-config \
			-display none -serial stdio -no-reboot -m 128 -kernel "$kernel" \
			-append "console=ttyS0 panic=-1 root=/dev/vboot-kvm-probe" 2>&1 |
			grep -q -m1 "Linux version"; then
			echo kvm >"$stamp"
		else
			echo tcg >"$stamp"
		fi
	fi
	cat "$stamp"
}
