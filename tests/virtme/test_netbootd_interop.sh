#!/usr/bin/env bash
# test_netbootd_interop.sh - matrix cases 1-3 (DHCP, BOOTP, RARP with an
# NFSv3 root) booted by the kernel's own ipconfig against netbootd and
# against the reference servers (dnsmasq for DHCP/BOOTP, rarpd for RARP).
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1

MATRIX=tests/virtme/matrix
L=$TAP_TOP/build/logs/netbootd-interop
rm -rf "$L"
mkdir -p "$L"

# run_cases SERVER REGEX: one TAP line per case, from the matrix's own TAP.
run_cases() {
	local server=$1 regex=$2 out
	out=$("$MATRIX" --only "$regex" --server "$server" --log "$L/$server" 2>&1)
	local n=0
	while IFS= read -r line; do
		case $line in
		"ok "*" # SKIP"*) skip "$server: ${line#ok * - }" "skipped by the matrix" ;;
		"ok "*) ok 0 "$server: ${line#ok * - }" ;;
		"not ok "*) ok 1 "$server: ${line#not ok * - }" ;;
		*) continue ;;
		esac
		n=$((n + 1))
	done <<<"$out"
	if [ "$n" -eq 0 ]; then
		ok 1 "$server: matrix ran cases matching $regex"
		printf '%s\n' "$out" | tail -n 10 | sed 's/^/#   /'
	fi
}

run_cases netbootd '^direct-(dhcp|bootp|rarp)-nfs3-virtio$'
run_cases dnsmasq '^direct-(dhcp|bootp)-nfs3-virtio$'
run_cases rarpd '^direct-rarp-nfs3-virtio$'
for c in dhcp bootp rarp; do
	check "netbootd logged the $c transaction" \
		grep -qE "(DHCPACK|BOOTREPLY|RARP) 192.0.2.10 to 52:54:00:12:34:56 \(vboot-node\)" \
		"$L/netbootd/direct-$c-nfs3-virtio/netbootd.log"
done
tap_done
