#!/usr/bin/env bash
# The arm64 netboot .config from the real tree (no kernel build): kcmerge
# --arch arm64 --strict lands every request of qemu-arm64.config and the
# shared fragments, so the boot path (PL011 console, ECAM PCI host,
# virtio-net, EFI stub, IP autoconfig, NFS root) is built in; and the x86
# variants keep their x86 image path.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1

expect_status 0 "make defconfig VARIANT=arm64 (kcmerge --arch arm64 --strict)" \
	make -s --no-print-directory defconfig VARIANT=arm64
contains "$OUT" "0 dropped" "no request dropped"
img=$(make -s --no-print-directory print-kernel VARIANT=arm64)
check "the arm64 image is arch/arm64/boot/Image" test "${img##*/kernel/linux-source-6.1/arm64/}" = arch/arm64/boot/Image
cfg=${img%/arch/arm64/boot/Image}/.config
for want in CONFIG_ARM64=y CONFIG_SERIAL_AMBA_PL011=y CONFIG_SERIAL_AMBA_PL011_CONSOLE=y CONFIG_PCI_HOST_GENERIC=y \
	CONFIG_VIRTIO_PCI=y CONFIG_VIRTIO_MMIO=y CONFIG_VIRTIO_NET=y CONFIG_EFI=y CONFIG_EFI_STUB=y \
	CONFIG_IP_PNP_DHCP=y CONFIG_ROOT_NFS=y CONFIG_NFS_V4=y CONFIG_BLK_DEV_INITRD=y CONFIG_DEVTMPFS_MOUNT=y; do
	check "arm64 .config has $want" grep -qx "$want" "$cfg"
done
check "arm64 .config is monolithic" grep -qx "# CONFIG_MODULES is not set" "$cfg"
check "make check boots patched-kunit-arm64 for arm64 (one cold arm64 build)" \
	test "$(make -s --no-print-directory print-check-variant VARIANT=arm64)" = patched-kunit-arm64
check "make boot BOOT_ARGS=\"--arch arm64\" boots the arm64 variant" \
	test "$(make -s --no-print-directory print-kernel BOOT_ARGS='--arch arm64')" = "$img"
check "the x86 netboot image path is unchanged" \
	sh -c 'make -s --no-print-directory print-kernel | grep -q "/kernel/linux-source-6.1/netboot/arch/x86/boot/bzImage$"'
tap_done
