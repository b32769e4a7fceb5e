#!/usr/bin/env bash
# vboot's command line: help, and usage errors (exit 3) that say what is wrong.
set -u
. "$(dirname "$0")/../lib/tap.sh"
VB=$TAP_TOP/tests/virtme/vboot

expect_status 0 "--help exits 0" "$VB" --help
contains "$OUT" "Exit status:" "--help documents exit codes"
contains "$OUT" "--proto P" "--help documents --proto"

expect_status 3 "unknown option" "$VB" --frobnicate
contains "$OUT" "unknown option '--frobnicate'" "unknown option named"
expect_status 3 "bad --proto value" "$VB" --proto dhcpv6
contains "$OUT" "bad value 'dhcpv6' for --proto (one of: dhcp bootp rarp static)" "valid values listed"
expect_status 3 "option without its argument" "$VB" --kernel
expect_status 3 "--timeout 0" "$VB" --timeout 0
expect_status 3 "--timeout not a number" "$VB" --timeout 5s
expect_status 3 "--memory too small" "$VB" --memory 8
expect_status 3 "relative --nfs-path" "$VB" --nfs-path tftpboot/x
expect_status 3 "dnsmasq cannot do RARP" "$VB" --proto rarp --server dnsmasq
contains "$OUT" "dnsmasq does not speak RARP" "RARP mismatch explained"
expect_status 3 "rarpd cannot do DHCP" "$VB" --proto dhcp --server rarpd
expect_status 3 "PXE on virtio is refused with the reason" "$VB" --boot pxe --nic virtio
contains "$OUT" "SeaBIOS does not try the network on virtio-net" "PXE/virtio reason given"
expect_status 3 "a missing kernel file" "$VB" --kernel /nonexistent/bzImage
contains "$OUT" "/nonexistent/bzImage: no such file" "missing kernel named"
expect_status 3 "an unknown variant" "$VB" --variant no-such-variant
expect_status 3 "--append may not forge the marker" "$VB" --append vboot.marker=x

# --nodes and --router (lib/nodes.sh, lib/router.sh)
expect_status 0 "--help documents --nodes and --router" "$VB" --help
contains "$OUT" "--nodes N" "--help documents --nodes"
contains "$OUT" "--router" "--help documents --router"
expect_status 3 "--nodes 0" "$VB" --nodes 0
contains "$OUT" "--nodes must be 1..16, not '0'" "--nodes range named"
expect_status 3 "--nodes 17" "$VB" --nodes 17
expect_status 3 "--nodes not a number" "$VB" --nodes four
expect_status 3 "--nodes with RARP" "$VB" --nodes 2 --proto rarp
contains "$OUT" "--nodes boots by DHCP or BOOTP" "--nodes protocol limit explained"
expect_status 3 "--router with a static address" "$VB" --router --proto static
contains "$OUT" "--router boots by DHCP or BOOTP" "--router protocol limit explained"
expect_status 3 "--nodes without a DHCP server" "$VB" --nodes 2 --server none
contains "$OUT" "--nodes needs a DHCP server for every node" "--nodes server limit explained"
expect_status 3 "--router with a RAM disk root" "$VB" --router --root initrd
expect_status 3 "--nodes with --interactive" "$VB" --nodes 2 --interactive
expect_status 3 "--nodes with one --nfs-path for all" "$VB" --nodes 2 --nfs-path /tftpboot/x
expect_status 3 "--nodes with --boot ipxe" "$VB" --nodes 2 --boot ipxe --nic e1000
expect_status 3 "--node-addr without --nodes" "$VB" --node-addr pool
contains "$OUT" "--node-addr needs --nodes or --router" "--node-addr alone explained"
expect_status 3 "--node-addr pool by BOOTP" "$VB" --nodes 2 --node-addr pool --proto bootp
expect_status 3 "--node-addr with a bad value" "$VB" --nodes 2 --node-addr dynamic

tap_done
