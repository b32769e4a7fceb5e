#!/usr/bin/env bash
# vboot's other firmware paths without booting anything: the option rules
# (--boot floppy/stub, --firmware uefi), the boot server rules they add, and
# the no-option-ROM proof of --boot floppy, on canned monitor output and on
# a real QEMU that is started paused (-S) and never runs a guest.
# shellcheck disable=SC2034 # VB_* are read by the firmware.sh functions
set -u
. "$(dirname "$0")/../lib/tap.sh"
VB=$TAP_TOP/tests/virtme/vboot
LIB=$TAP_TOP/tests/virtme/lib
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# shellcheck source=../virtme/lib/common.sh
. "$LIB/common.sh"
# shellcheck source=../virtme/lib/qemu.sh
. "$LIB/qemu.sh"
# shellcheck source=../virtme/lib/firmware.sh
. "$LIB/firmware.sh"
# shellcheck source=../virtme/lib/bootserver.sh
. "$LIB/bootserver.sh"

# ---- the command line
expect_status 0 "--help" "$VB" --help
contains "$OUT" "--firmware F" "--help documents --firmware"
contains "$OUT" "floppy (SeaBIOS boots the seed's boot diskette" "--help documents --boot floppy"
contains "$OUT" "stub (--firmware uefi: the kernel itself is the boot" "--help documents --boot stub"
expect_status 3 "--firmware takes bios or uefi" "$VB" --firmware coreboot
contains "$OUT" "bad value 'coreboot' for --firmware (one of: bios uefi)" "  ... and says so"
expect_status 3 "--boot stub without UEFI" "$VB" --boot stub
contains "$OUT" "--boot stub is a UEFI boot: add --firmware uefi" "  ... explained"
expect_status 3 "UEFI with a direct kernel boot" "$VB" --firmware uefi
contains "$OUT" "--firmware uefi boots from the network" "  ... explained"
expect_status 3 "UEFI with e1000 (no EFI driver without a ROM)" "$VB" --firmware uefi --boot pxe --nic e1000
contains "$OUT" "needs --nic virtio" "  ... explained"
expect_status 3 "--boot stub with BOOTP" "$VB" --firmware uefi --boot stub --proto bootp
contains "$OUT" "built-in command line: --proto dhcp --root nfs3 only" "  ... explained"
expect_status 3 "--boot stub with --append (no loader passes it)" "$VB" --firmware uefi --boot stub --append quiet
expect_status 3 "--boot floppy with rarpd (no DHCP, no TFTP)" "$VB" --boot floppy --proto rarp --server rarpd

# ---- what the firmware paths add to the boot servers
VB_FIRMWARE=uefi VB_BOOT=pxe
check "UEFI PXE: netbootd serves snponly.efi to option 93 values 7 and 9" \
	test "$(vb_fw_netbootd_lines)" = "$(printf 'arch-boot-file 7 snponly.efi\narch-boot-file 9 snponly.efi')"
vb_fw_dnsmasq_args
check "UEFI PXE: dnsmasq tags client-arch 7 and 9, and names snponly.efi to them unless iPXE" \
	test "${VB_DNSMASQ_EXTRA[*]}" = "--dhcp-match=set:efi64,option:client-arch,7 --dhcp-match=set:efi64,option:client-arch,9 --dhcp-boot=tag:efi64,tag:!ipxe,snponly.efi"
# The command line vb_dnsmasq_start gives dnsmasq (here a function that
# records it): dnsmasq tries the dhcp-boot given last first, so the UEFI
# rule must follow the generic ones, or pxelinux.0 would go to edk2 too.
dnsmasq() { printf '%s\n' "$@" >"$T/dnsmasq.argv"; echo 1 >"$T/dnsmasq.pid"; }
VB_PIDS=() VB_BRIDGE=vbbr0 VB_POOL_START=192.0.2.100 VB_POOL_END=192.0.2.199 VB_NETMASK=255.255.255.0
VB_NODE_IP=192.0.2.10 VB_SERVER_IP=192.0.2.1
(vb_dnsmasq_start "$T" 52:54:00:12:34:56 /tftpboot/n "$T/tftp" pxelinux.0 boot.ipxe)
grep -n '^--dhcp-boot=' "$T/dnsmasq.argv" >"$T/boots"
check "dnsmasq's dhcp-boot lines: pxelinux.0 (not iPXE), boot.ipxe (iPXE), then the UEFI rule" \
	test "$(cut -d: -f2- "$T/boots" | tr '\n' ' ')" = "--dhcp-boot=tag:!ipxe,pxelinux.0 --dhcp-boot=tag:ipxe,boot.ipxe --dhcp-boot=tag:efi64,tag:!ipxe,snponly.efi "
check "  ... and the option 93 tags just before the UEFI rule" \
	test "$(tail -n 3 "$T/dnsmasq.argv" | head -n 2 | tr '\n' ' ')" = "--dhcp-match=set:efi64,option:client-arch,7 --dhcp-match=set:efi64,option:client-arch,9 "
unset -f dnsmasq
check "UEFI PXE: the node runs an iPXE script" vb_fw_uses_script
VB_BOOT=stub
check "UEFI stub: the boot file is the kernel" test "$(vb_fw_bootfile)" = vmlinuz
vb_fw_uses_script
ok $((! $?)) "UEFI stub: no iPXE script"
VB_FIRMWARE=bios VB_BOOT=floppy
check "floppy: no arch rules (iPXE asks as iPXE)" test -z "$(vb_fw_netbootd_lines)"
check "floppy: the node runs the iPXE script" vb_fw_uses_script

# ---- the no-ROM proof, on canned monitor output
nic_section() { # BAR6?
	printf '(qemu) info pci\r\n  Bus  0, device   2, function 0:\r\n    Ethernet controller: PCI device 8086:100e\r\n'
	printf '      BAR0: 32 bit memory at 0xffffffffffffffff [0x0001fffe].\r\n'
	[ "$1" = rom ] && printf '      BAR6: 32 bit memory at 0xffffffffffffffff [0x0001fffe].\r\n'
	printf '      id "vbnic"\r\n  Bus  0, device   3, function 0:\r\n      BAR6: 32 bit memory at 0xfeb80000 [0xfebbffff].\r\n      id ""\r\n'
	printf '(qemu) info roms\r\naddr=00000000fffc0000 size=0x040000 mem=rom name="bios-256k.bin"\r\n'
}
mkdir -p "$T/none" "$T/rom" "$T/fwcfg" "$T/silent" "$T/nonic"
nic_section none >"$T/none/monitor.log"
nic_section rom >"$T/rom/monitor.log"
{ nic_section none; printf 'fw=genroms/pxe-e1000.rom size=0x012000 name="pxe-e1000.rom"\r\n'; } >"$T/fwcfg/monitor.log"
: >"$T/silent/monitor.log"
printf '(qemu) info pci\r\n  Bus  0, device   0, function 0:\r\n      id ""\r\n' >"$T/nonic/monitor.log"
check "no BAR6 on the NIC (another device's BAR6 does not count): proven" vb_fw_nic_rom_verdict "$T/none"
why=$(vb_fw_nic_rom_verdict "$T/rom")
ok $((! $?)) "a BAR6 on the NIC fails the proof"
contains "$why" "expansion ROM BAR (BAR6)" "  ... saying why"
why=$(vb_fw_nic_rom_verdict "$T/fwcfg")
ok $((! $?)) "a ROM handed to the BIOS through fw_cfg (rombar=0) fails the proof"
contains "$why" "genroms/pxe-e1000.rom" "  ... naming the ROM"
why=$(vb_fw_nic_rom_verdict "$T/silent")
ok $((! $?)) "no monitor answer: no proof, a failure"
why=$(vb_fw_nic_rom_verdict "$T/nonic")
ok $((! $?)) "the NIC missing from info pci: a failure"

# ---- the same, asked of a real QEMU (paused: no guest code runs)
probe() { # NAME ROMFILE [DEVICE-EXTRA]
	mkdir -p "$T/$1"
	printf 'info pci\ninfo roms\nquit\n' | timeout 30 "$VB_QEMU" -accel tcg -S -nodefaults -display none \
		-monitor stdio -netdev user,id=n0 -device "e1000,netdev=n0,id=vbnic,romfile=$2${3:+,$3}" \
		>"$T/$1/monitor.log" 2>&1
}
if command -v "$VB_QEMU" >/dev/null && [ -f /usr/lib/ipxe/qemu/pxe-e1000.rom ]; then
	probe q-none ""
	check "QEMU, romfile= (as --boot floppy starts it): no ROM, proven" vb_fw_nic_rom_verdict "$T/q-none"
	probe q-rom /usr/lib/ipxe/qemu/pxe-e1000.rom
	why=$(vb_fw_nic_rom_verdict "$T/q-rom")
	ok $((! $?)) "QEMU with the PXE ROM: the proof fails ($why)"
	probe q-rombar0 /usr/lib/ipxe/qemu/pxe-e1000.rom rombar=0
	why=$(vb_fw_nic_rom_verdict "$T/q-rombar0")
	ok $((! $?)) "QEMU with the PXE ROM and rombar=0: the proof fails ($why)"
else
	skip "QEMU no-ROM probes" "qemu-system-x86 or ipxe-qemu missing"
fi

# ---- the README's mixed BIOS/UEFI/no-ROM rack is a configuration netbootd takes
NBD=$TAP_TOP/build/bin/netbootd
if [ -x "$NBD" ]; then
	awk '/^### A mixed rack from one netbootd.conf/ { f = 1 }
	     f && /^```$/ { if (in_b) exit; in_b = 1; next } in_b { print }' "$TAP_TOP/README.md" >"$T/rack.conf"
	check "README's mixed rack has arch-boot-file 7 and ipxe-boot-file" \
		grep -q '^  arch-boot-file 7 snponly.efi' "$T/rack.conf"
	expect_status 0 "README's mixed rack: netbootd --check-config accepts it" "$NBD" -c "$T/rack.conf" --check-config
else
	skip "README's mixed rack configuration" "build/bin/netbootd not built"
fi

tap_done
