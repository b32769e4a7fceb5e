#!/usr/bin/env bash
# arm64 boards with U-Boot: QEMU virt (cortex-a57) running Debian's U-Boot
# 2023.01 boots the arm64 netboot kernel from netbootd (or dnsmasq) and
# nfs-ganesha in each of U-Boot's three network flows (distro boot's
# boot.scr.uimg, a stored "dhcp; pxe get; pxe boot", distro boot's UEFI
# stage with bootefi), on NFSv3, NFSv4 and a RAM disk; a broken Image must
# fail with U-Boot's own reason, not a timeout.  vboot itself checks that
# each run took the flow it was asked for (vb_uboot_check_flow).  Also:
# `make ARCH=arm64 netboot_defconfig` in the patched tree (patch 7).
# Boots run two at a time.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1
VB=$TAP_TOP/tests/virtme/vboot
L=$TAP_TOP/build/logs/uboot-arm64
rm -rf "$L"
mkdir -p "$L"

if [ "$(id -u)" != 0 ]; then
	skip "arm64 U-Boot boots" "needs root (vboot)"
	tap_done
	exit
fi

# The kernel make check built for the arm64 variant (patched-kunit-arm64
# stands in for it: one cold arm64 build).
V=$(make -s --no-print-directory print-check-variant VARIANT=arm64)
K=$(make -s --no-print-directory print-kernel VARIANT="$V")
if ! make -s --no-print-directory "$K" VARIANT="$V" >"$L/build.log" 2>&1; then
	ok 1 "build the $V kernel"
	tail -n 10 "$L/build.log" | sed 's/^/#   /'
	tap_done
	exit 1
fi
diag "kernel: $K ($V, $(stat -c %s "$K") bytes)"

# A copy of the Image whose arm64 header magic ("ARM\x64" at 0x38) is
# broken: booti must refuse it, and the run must fail with that reason.
cp "$K" "$L/bad-Image"
printf 'XXXX' | dd of="$L/bad-Image" bs=1 seek=56 conv=notrunc status=none

# name | vboot options | expectation (pass, or fail:<text in the reason>)
CASES=(
	"uboot-script-nfs3|--boot uboot --root nfs3|pass"
	"uboot-script-nfs4|--boot uboot --root nfs4|pass"
	"uboot-script-initrd|--boot uboot --root initrd|pass"
	"uboot-script-nfs3-dnsmasq|--boot uboot --root nfs3 --server dnsmasq|pass"
	"uboot-pxe-nfs3|--boot uboot-pxe --root nfs3|pass"
	"uboot-pxe-initrd|--boot uboot-pxe --root initrd|pass"
	"uboot-efi-nfs3|--boot uboot-efi --root nfs3|pass"
	"uboot-pxe-nfs3-window8|--boot uboot-pxe --root nfs3 --uboot-env tftpwindowsize=8|pass"
	"uboot-script-bad-image|--boot uboot --root nfs3 --kernel $L/bad-Image|fail:U-Boot gave up at its prompt: Bad Linux ARM64 Image magic"
)

run_case() {
	local name=$1 opts=$2 rc=0 kopt=(--kernel "$K")
	[[ " $opts " != *" --kernel "* ]] || kopt=()
	# shellcheck disable=SC2086 # opts is a list of options
	"$VB" --arch arm64 "${kopt[@]}" --name "arm64-$name" --log "$L/$name" --timeout 240 --quiet \
		$opts >"$L/$name.out" 2>&1 || rc=$?
	echo "$rc" >"$L/$name.rc"
}

start=$(date +%s)
running=0
for c in "${CASES[@]}"; do
	IFS='|' read -r name opts _ <<<"$c"
	if [ "$running" -ge 2 ]; then
		wait -n || true
		running=$((running - 1))
	fi
	run_case "$name" "$opts" &
	running=$((running + 1))
done
wait || true
diag "$(( $(date +%s) - start )) s for ${#CASES[@]} boots, two at a time"

field() { sed -n "s/^$1=//p" "$2" 2>/dev/null | head -n1; }
ms_of() { field "event.$1.host_ms" "$2"; }

for c in "${CASES[@]}"; do
	IFS='|' read -r name opts expect <<<"$c"
	d=$L/$name
	rc=$(cat "$d.rc" 2>/dev/null || echo 99)
	verdict=$(field verdict "$d/result")
	reason=$(field reason "$d/result")
	good=1
	case $expect in
	pass) [ "$rc" = 0 ] && [ "$verdict" = pass ] || good=0 ;;
	fail:*) [ "$rc" = 1 ] && [ "$verdict" = fail ] && [[ $reason == *"${expect#fail:}"* ]] || good=0 ;;
	esac
	ok $((1 - good)) "arm64 $name: expected $expect, got ${verdict:-no result} (exit $rc)${reason:+: $reason}"
	[ "$good" = 1 ] || { tail -n 5 "$d.out" 2>/dev/null | sed 's/^/#   /'; diag "logs: $d"; }
	timeline=$(sed -n 's/^event\.\([^.]*\)\.host_ms=\(.*\)/\1 \2/p' "$d/result" 2>/dev/null |
		awk '{ printf "%s%s %.2fs", sep, $1, $2 / 1000; sep = ", " }')
	diag "timeline: ${timeline:-none}"
done

# The distro boot run's phases, and what U-Boot's TFTP asked of netbootd:
# blksize 1468 and no tsize, window 1 unless tftpwindowsize is set.
d=$L/uboot-script-nfs3
if [ -f "$d/result" ]; then
	for ev in u-boot u-boot-dhcp u-boot-tftp u-boot-handoff kernel ipconfig-complete root-mounted marker; do
		check "distro boot timeline has $ev" test -n "$(ms_of "$ev" "$d/result")"
	done
	dhcp=$(ms_of u-boot-dhcp "$d/result") tftp=$(ms_of u-boot-tftp "$d/result")
	[ -z "$dhcp" ] || [ -z "$tftp" ] ||
		diag "TFTP phase (script and Image, from 'DHCP client bound' to the Image's 'Bytes transferred'): $((tftp - dhcp)) ms"
	check "U-Boot read the Image with blksize 1468, window 1 (its defaults)" \
		grep -q 'tftp: .*: read Image octet blksize 1468 window 1$' "$d/netbootd.log"
	check "netbootd sent the whole Image to U-Boot" \
		grep -q "tftp: .*: sent Image done, $(stat -c %s "$K") bytes" "$d/netbootd.log"
	check "netbootd took the client for U-Boot arm64 (options 60/93)" \
		grep -q 'DHCPACK .*(U-Boot arm64)' "$d/netbootd.log"
fi

# U-Boot asks for windowsize only when tftpwindowsize is set; netbootd
# must then send 8-block windows and the whole Image.
d=$L/uboot-pxe-nfs3-window8
check "tftpwindowsize=8: U-Boot asked for window 8 and got the Image" \
	sh -c "grep -q 'tftp: .*: read Image octet blksize 1468 window 8\$' '$d/netbootd.log' &&
		grep -q 'tftp: .*: sent Image done, $(stat -c %s "$K") bytes' '$d/netbootd.log'"
rate() { tr -d '\r' <"$1/console.log" 2>/dev/null | awk "/Filename 'Image'/ { f = 1 } f && /iB\/s/ { print \$1, \$2; exit }"; }
diag "U-Boot's TFTP rate for the Image: window 1 $(rate "$L/uboot-pxe-nfs3"), window 8 $(rate "$d")"

# Patch 7: make ARCH=arm64 netboot_defconfig in the patched tree.
# The tree the kernel was built from (kbuild's O= directory links it).
PKSRC=$(readlink -f "${K%/arch/arm64/boot/Image}/source")
if [ -f "$PKSRC/arch/arm64/configs/netboot_defconfig" ]; then
	out=$L/defconfig
	rm -rf "$out"
	if make -s -C "$PKSRC" O="$out" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- netboot_defconfig >"$L/defconfig.log" 2>&1; then
		ok 0 "make ARCH=arm64 netboot_defconfig in the patched tree"
		for want in CONFIG_ARM64=y CONFIG_IP_PNP_DHCP=y CONFIG_ROOT_NFS=y CONFIG_NFS_V4=y CONFIG_SERIAL_AMBA_PL011_CONSOLE=y \
			CONFIG_PCI_HOST_GENERIC=y CONFIG_VIRTIO_PCI=y CONFIG_VIRTIO_NET=y CONFIG_EFI_STUB=y CONFIG_BLK_DEV_INITRD=y; do
			check "arm64 netboot_defconfig gives $want" grep -qx "$want" "$out/.config"
		done
	else
		ok 1 "make ARCH=arm64 netboot_defconfig in the patched tree"
		tail -n 5 "$L/defconfig.log" | sed 's/^/#   /'
	fi
else
	ok 1 "the patched tree $PKSRC has arch/arm64/configs/netboot_defconfig"
fi

tap_done
