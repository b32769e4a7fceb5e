#!/usr/bin/env bash
# vboot --boot chain without booting anything: the option rules, what it
# adds to netbootd's config, and its verdict (lib/chain.sh) on canned
# netbootd logs and consoles shaped like real runs: a true chain passes;
# the ROM taking the script, a loop, a single iPXE or a second stage that
# is not undionly fail with the reason.
# shellcheck disable=SC2034 # VB_* are read by the chain.sh functions
set -u
. "$(dirname "$0")/../lib/tap.sh"
VB=$TAP_TOP/tests/virtme/vboot
LIB=$TAP_TOP/tests/virtme/lib
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# shellcheck source=../virtme/lib/chain.sh
. "$LIB/chain.sh"

# ---- the command line
expect_status 0 "--help" "$VB" --help
contains "$OUT" "chain (SeaBIOS, the NIC's iPXE ROM chainloads" "--help documents --boot chain"
expect_status 3 "--boot chain on dnsmasq" "$VB" --boot chain --nic e1000 --server dnsmasq
contains "$OUT" "--boot chain needs --server netbootd: under QEMU the NIC's ROM is an iPXE" "  ... says why dnsmasq cannot"
expect_status 3 "--boot chain under UEFI on e1000 (no EFI ROM used for it)" "$VB" --boot chain --firmware uefi --nic e1000
contains "$OUT" "needs --nic virtio" "  ... explained"
expect_status 3 "--boot chain with --nodes" "$VB" --boot chain --nic e1000 --nodes 2
contains "$OUT" "no --nodes, --router or --bmc yet" "  ... explained"
expect_status 3 "--boot chain with --router" "$VB" --boot chain --nic e1000 --router
expect_status 3 "--boot chain on virtio (SeaBIOS would not try it)" "$VB" --boot chain --nic virtio
contains "$OUT" "SeaBIOS does not try the network on virtio-net" "  ... explained"

# ---- what it adds to netbootd and QEMU
VB_BOOT=chain VB_FIRMWARE=uefi
check "chain, UEFI: netbootd gets ipxe-chain-file snponly.efi" test "$(vb_chain_netbootd_lines)" = "ipxe-chain-file snponly.efi"
check "chain, UEFI: the NIC gets iPXE's EFI ROM" test "$(vb_chain_uefi_rom)" = /usr/lib/ipxe/qemu/efi-virtio.rom
VB_BOOT=pxe
check "UEFI PXE: no ROM (edk2's own PXE)" test -z "$(vb_chain_uefi_rom)"
VB_BOOT=chain VB_FIRMWARE=bios
check "chain: netbootd gets ipxe-chain-file undionly.kpxe" test "$(vb_chain_netbootd_lines)" = "ipxe-chain-file undionly.kpxe"
mkdir -p "$T/tftp"
vb_chain_tftp "$T/tftp"
if [ -f /usr/lib/ipxe/undionly.kpxe ]; then
	check "chain: undionly.kpxe copied into the TFTP root" cmp -s /usr/lib/ipxe/undionly.kpxe "$T/tftp/undionly.kpxe"
else
	skip "chain: undionly.kpxe copied" "ipxe not installed"
fi
VB_BOOT=ipxe
check "other boots: no chain line" test -z "$(vb_chain_netbootd_lines)"
rm -f "$T/tftp/undionly.kpxe"
vb_chain_tftp "$T/tftp"
check "other boots: no chain file copied" test ! -e "$T/tftp/undionly.kpxe"
check "other boots: the verdict has nothing to say" vb_chain_verdict "$T"

# ---- the verdict, on canned runs
# nb STEPS...: a netbootd.log; each step is one of rom-chain, fetch,
# second, script, rom-script.
nb() {
	local s
	for s in "$@"; do
		case $s in
		rom-chain) echo "netbootd: DHCPACK 192.0.2.10 to 52:54:00:12:34:56 (vboot-node) via vbbr0 file undionly.kpxe (iPXE) [chain 1/2: replaces the NIC's iPXE] [selecting] lease 3600s" ;;
		fetch)
			echo "netbootd: tftp: 192.0.2.10:22434: sent undionly.kpxe done, 74213 bytes"
			echo "netbootd: chain: 192.0.2.10 (52:54:00:12:34:56) loaded undionly.kpxe: its next iPXE request gets boot.ipxe (for 120s)"
			;;
		second) echo "netbootd: DHCPACK 192.0.2.10 to 52:54:00:12:34:56 (vboot-node) via vbbr0 file boot.ipxe (iPXE) [chain 2/2: loaded undionly.kpxe 3s ago] [selecting] lease 3600s" ;;
		script)
			echo "netbootd: tftp: 192.0.2.10:38959: sent boot.ipxe done, 212 bytes"
			echo "netbootd: chain: 192.0.2.10 (52:54:00:12:34:56) fetched the script boot.ipxe 3s after undionly.kpxe: chain complete"
			;;
		rom-script) echo "netbootd: DHCPACK 192.0.2.10 to 52:54:00:12:34:56 (vboot-node) via vbbr0 file boot.ipxe (iPXE) [selecting] lease 3600s" ;;
		esac
	done >"$T/netbootd.log"
}
# con DRIVERS...: a console with one iPXE device line per driver, the
# undionly NBP load after the first.
con() {
	local d n=0
	for d in "$@"; do
		printf 'Press Ctrl-B for the iPXE command line...   \033[0m net0: 52:54:00:12:34:56 using %s on 0000:00:02.0 (open)\r\n' "$d"
		n=$((n + 1))
		[ "$n" != 1 ] || printf 'undionly.kpxe : 74213 bytes [PXE-NBP]\r\nPXE->EB: !PXE at 9C48:0720, entry point at 9C48:0160\r\n         UNDI device is PCI 00:02.0, type DIX+802.3\r\n'
	done >"$T/console.log"
	printf '[    0.093162] process: using AMD E400 aware idle routine\r\nVBOOT-USERSPACE-OK x\r\n' >>"$T/console.log"
}
# verdict WANT DESCRIPTION [REASON]: run vb_chain_verdict on $T.
verdict() {
	local want=$1 desc=$2 reason=${3:-} got=0 why
	why=$(vb_chain_verdict "$T") || got=1
	if [ "$got" = "$want" ] && [[ $why == *"$reason"* ]]; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		diag "status $got (wanted $want), said: $why"
	fi
}
VB_BOOT=chain
nb rom-chain fetch second script
con 82540em undionly
verdict 0 "a true two-stage chain passes"
check "  ... and records it" grep -q '^chain=undionly.kpxe script=boot.ipxe$' "$T/chain"
nb rom-script script
verdict 1 "the ROM took the script (no guard): fails" "undionly.kpxe was sent 0 times, not once"
nb rom-chain fetch rom-chain fetch rom-chain fetch
con 82540em undionly undionly undionly
verdict 1 "a loop (undionly.kpxe three times): fails" "sent 3 times, not once"
nb rom-chain fetch second
verdict 1 "the chain never completed (no script from the chained stage): fails" "never saw the chain complete"
nb rom-chain fetch second script
con 82540em
verdict 1 "one iPXE on the console: fails" "shows 1 iPXE network devices opened, not 2"
con 82540em intel
verdict 1 "a second iPXE not on UNDI: fails" "no 'using undionly on'"
con undionly undionly
verdict 1 "the first iPXE on UNDI already (not the NIC's ROM): fails" "not the NIC's own ROM"
con 82540em undionly
grep -v 'UNDI device is PCI' "$T/console.log" >"$T/c2" && mv "$T/c2" "$T/console.log"
verdict 1 "no UNDI handover on the console: fails" "no UNDI device handed over"

# UEFI: the ROM's iPXE on its virtio-net driver, snponly.efi on SNP.
VB_FIRMWARE=uefi
nb rom-chain fetch second script
sed -i 's/undionly\.kpxe/snponly.efi/g' "$T/netbootd.log"
con virtio-net SNP
sed -i 's/undionly\.kpxe : 74213 bytes \[PXE-NBP\]/snponly.efi : 173792 bytes [EFI]/; /UNDI device/d; /PXE->EB/d' "$T/console.log"
verdict 0 "UEFI: a true two-stage chain (snponly.efi on SNP) passes"
con virtio-net undionly
sed -i 's/undionly\.kpxe : 74213 bytes \[PXE-NBP\]/snponly.efi : 173792 bytes [EFI]/' "$T/console.log"
verdict 1 "UEFI: a second iPXE not on SNP fails" "no 'using SNP on'"

# ---- the README's chainload rack is a configuration netbootd takes
NBD=$TAP_TOP/build/bin/netbootd
if [ -x "$NBD" ]; then
	# The section's second code block (the first is the log).
	awk '/^### A true two-stage chainload/ { f = 1 }
	     f && /^```$/ { n++; if (n == 4) exit; next } f && n == 3 { print }' "$TAP_TOP/README.md" >"$T/rack.body"
	check "README's chainload rack names ipxe-chain-file" grep -q '^  ipxe-chain-file undionly.kpxe' "$T/rack.body"
	printf '52:54:00:00:03:01 rack3-node01\n52:54:00:00:03:02 rack3-node02\n' >"$T/rack.ethers"
	{ echo "lease-file $T/rack.leases"; echo "ethers $T/rack.ethers"; cat "$T/rack.body"; } >"$T/rack.conf"
	expect_status 0 "README's chainload rack: netbootd --check-config accepts it" "$NBD" -c "$T/rack.conf" --check-config
else
	skip "README's chainload rack configuration" "build/bin/netbootd not built"
fi

tap_done
