#!/usr/bin/env bash
# vboot --arch arm64 on the command line: its help, and the combinations
# that cannot work refused with a reason (exit 3) before anything starts.
set -u
. "$(dirname "$0")/../lib/tap.sh"
VB=$TAP_TOP/tests/virtme/vboot

expect_status 0 "--help exits 0" "$VB" --help
contains "$OUT" "--arch A" "--help documents --arch"
contains "$OUT" "uboot-pxe" "--help documents the U-Boot flows"

expect_status 3 "bad --arch value" "$VB" --arch riscv64
contains "$OUT" "bad value 'riscv64' for --arch (one of: x86_64 arm64)" "valid architectures listed"
expect_status 3 "a U-Boot flow needs --arch arm64" "$VB" --boot uboot
contains "$OUT" "--boot uboot needs --arch arm64" "the reason is given"
expect_status 3 "arm64 has no SeaBIOS PXE" "$VB" --arch arm64 --boot pxe
contains "$OUT" "--arch arm64 boots with --boot uboot, uboot-pxe, uboot-efi or direct" "the arm64 flows are listed"
expect_status 3 "arm64: virtio only" "$VB" --arch arm64 --nic e1000
contains "$OUT" "only --nic virtio" "the NIC rule is explained"
expect_status 3 "arm64: no MINIX root" "$VB" --arch arm64 --root minix
expect_status 3 "bootefi loads no initrd" "$VB" --arch arm64 --boot uboot-efi --root initrd
contains "$OUT" "--boot uboot-efi loads no initrd" "the initrd rule is explained"
expect_status 3 "U-Boot flows need DHCP" "$VB" --arch arm64 --proto rarp
contains "$OUT" "U-Boot configures itself with DHCP" "the DHCP rule is explained"
expect_status 3 "U-Boot flows need a DHCP and TFTP server" "$VB" --arch arm64 --server none
contains "$OUT" "--boot uboot needs a DHCP and TFTP server" "the server rule is explained"
expect_status 3 "--uboot-env wants VAR=VALUE" "$VB" --arch arm64 --uboot-env tftpwindowsize
contains "$OUT" "--uboot-env wants VAR=VALUE" "the form is explained"
expect_status 3 "--uboot-env refuses quotes (it lands in a script)" "$VB" --arch arm64 --uboot-env "x=a'b"
tap_done
