#!/usr/bin/env bash
# test_ipconfig_keeper_netns.sh - ipconfig-keeper against netbootd on the
# host kernel, no VM: two private network namespaces joined by a veth (the
# "node" holds 192.0.2.10/24, as the kernel's ipconfig would have set it),
# a 10 s lease.  The keeper renews (unicast), loses the lease while the
# server is away (address pinned, not removed), takes it back when the
# server returns, pins the address on SIGTERM, and, when someone removes
# the address behind its back, exits without putting it back.  Also its
# command line: --help, bad options and a missing lease.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1
K=$TAP_TOP/build/bin/ipconfig-keeper
NB=$TAP_TOP/build/bin/netbootd

# The namespace part runs in private namespaces (unshare): the "server"
# side here, the "node" in a nested one.
inner() {
	set -u
	local log=$T/keeper.log n
	ip link set lo up
	ip link add vs type veth peer name vn
	ip addr add 192.0.2.1/24 dev vs
	ip link set vs up
	unshare --net sleep 120 &
	node=$!
	sleep 0.2
	ip link set vn netns "$node"
	N() { nsenter -t "$node" -n "$@"; }
	N ip link set lo up
	N ip link set vn up
	N ip addr add 192.0.2.10/24 dev vn
	printf 'interface vs\nlease-file %s/leases\nsubnet 192.0.2.0/24\n  pool 192.0.2.10 192.0.2.10\n  lease-time 10\nend\n' \
		"$T" >"$T/nb.conf"
	"$NB" -c "$T/nb.conf" --debug >"$T/nb.log" 2>&1 &
	nb=$!
	printf 'device vn\naddress 192.0.2.10\nserver-id 192.0.2.1\nlease-time 10\nt1 5\nt2 8\nobtained %s\nclient-id 00:6e:6f:64:65:31\n' \
		"$(cut -d. -f1 /proc/uptime)" >"$T/lease"
	# nsenter execs the keeper: $! is the keeper's pid.
	nsenter -t "$node" -n "$K" --lease-file "$T/lease" --host-name node1 2>"$log" &
	kp=$!
	wait_for() { # ERE [N]: the keeper's log has N lines matching
		local i
		for ((i = 0; i < 150; i++)); do
			[ "$(grep -cE -- "$1" "$log")" -ge "${2:-1}" ] && return 0
			sleep 0.2
		done
		return 1
	}
	addr() { N ip -4 addr show dev vn | tr -s ' \n' ' '; }
	wait_for 'DHCPACK \(renewing\)'
	ok $? "renewed at T1 (unicast): DHCPACK (renewing)"
	grep -qE 'DHCPACK 192.0.2.10 to .* \(node1\) via vs \[renewing\]' "$T/nb.log"
	ok $? "netbootd saw a renewing REQUEST with the host name and ACKed it"
	grep -q 'client id as the kernel sent it' "$log"
	ok $? "the kernel's client id goes out"
	contains "$(addr)" "dynamic" "the address has finite lifetimes now (dynamic)"
	kill "$nb"
	wait "$nb" 2>/dev/null
	wait_for '\*\*\* LEASE LOST'
	ok $? "with the server gone the lease runs out: LEASE LOST, loudly"
	grep -q 'rebinding: T2 reached' "$log"
	ok $? "... after rebinding at T2"
	sleep 1
	a=$(addr)
	contains "$a" "192.0.2.10/24" "the address is still there after the loss"
	contains "$a" "valid_lft forever" "... pinned: valid forever"
	contains "$a" "deprecated" "... and deprecated (preferred 0)"
	"$NB" -c "$T/nb.conf" --debug >"$T/nb2.log" 2>&1 &
	nb=$!
	wait_for 'lease on 192.0.2.10 regained'
	ok $? "the server back: the lease is regained"
	kill -TERM "$kp"
	wait "$kp"
	ok $? "SIGTERM: exit status 0"
	contains "$(addr)" "valid_lft forever" "SIGTERM pins the address"
	grep -qE 'stopped: [0-9]+ renewed, .* 1 regained after expiry, 0 DHCPNAK, 1 lease\(s\) lost' "$log"
	ok $? "one summary line counts it all"
	# A kernel without the lease file (as this host's): the facts from the
	# command line.  Then the address removed behind the keeper's back:
	# never re-added.
	nsenter -t "$node" -n "$K" --device vn --address 192.0.2.10 --server-id 192.0.2.1 --lease-time 10 \
		2>"$T/keeper2.log" &
	kp=$!
	log=$T/keeper2.log
	wait_for 'address lifetimes'
	grep -q 'T2 8s (from the command line)' "$log"
	ok $? "no lease file: the lease from the command line, T1 and T2 as the kernel would set them"
	N ip addr del 192.0.2.10/24 dev vn
	n=0
	while kill -0 "$kp" 2>/dev/null && [ $n -lt 150 ]; do sleep 0.2; n=$((n + 1)); done
	kill -KILL "$kp" 2>/dev/null	# (still running: a failure below)
	wait "$kp"
	[ $? = 1 ]
	ok $? "the address removed: the keeper exits with status 1"
	grep -q 'no longer on vn: .*not re-adding it' "$log"
	ok $? "... saying so"
	[ -z "$(N ip -4 addr show dev vn)" ]
	ok $? "... and did not put the address back"
	# --on-loss exit: the lease runs out (no server) -> 4; a DHCPNAK -> 3.
	N ip addr add 192.0.2.10/24 dev vn
	kill "$nb"
	wait "$nb" 2>/dev/null
	up=$(cut -d. -f1 /proc/uptime)
	timeout 30 nsenter -t "$node" -n "$K" --device vn --address 192.0.2.10 --server-id 192.0.2.1 \
		--lease-time 10 --obtained $((up - 8)) --on-loss exit 2>"$T/keeper3.log"
	[ $? = 4 ] && grep -q 'LEASE LOST: .*exiting' "$T/keeper3.log"
	ok $? "--on-loss exit: the lease runs out with no server: exit status 4"
	contains "$(addr)" "valid_lft forever" "... the address stays, pinned"
	printf 'interface vs\nlease-file %s/other.leases\nauthoritative yes\nsubnet 192.0.2.0/24\n  pool 192.0.2.100 192.0.2.199\nend\n' \
		"$T" >"$T/other.conf"
	"$NB" -c "$T/other.conf" --debug >"$T/other.log" 2>&1 &
	nb=$!
	sleep 0.5
	timeout 30 nsenter -t "$node" -n "$K" --device vn --address 192.0.2.10 --server-id 192.0.2.1 \
		--lease-time 10 --obtained $((up - 6)) --on-loss exit 2>"$T/keeper4.log"
	[ $? = 3 ] && grep -q 'DHCPNAK from 192.0.2.1 .*exiting' "$T/keeper4.log"
	ok $? "--on-loss exit: another authoritative server NAKs: exit status 3"
	grep -qE 'DHCPNAK 192.0.2.10 to .* \[(renewing|rebinding)\]' "$T/other.log"
	ok $? "... netbootd logged the NAK with the client's state"
	kill "$nb" "$node" 2>/dev/null
	wait 2>/dev/null
	sed 's/^/#   keeper: /' "$T/keeper.log" | tail -n 5
}
if [ "${1:-}" = --inner ]; then
	T=$2
	inner
	tap_done
	exit
fi

expect_status 0 "--help" "$K" --help
contains "$OUT" "--on-loss" "--help names --on-loss"
expect_status 2 "an unknown option: usage error" "$K" --bogus
expect_status 2 "--on-loss maybe: usage error" "$K" --on-loss maybe
contains "$OUT" "keep or exit" "... naming the choices"
expect_status 2 "--address 300.0.0.1: usage error" "$K" --address 300.0.0.1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
: >"$T/empty"
expect_status 2 "an empty lease file (no DHCP lease) and no facts: usage error" "$K" --lease-file "$T/empty"
contains "$OUT" "--server-id" "... saying which facts to give"
printf 'device eth0\nlease-time x\n' >"$T/bad"
expect_status 2 "a malformed lease file: usage error" "$K" --lease-file "$T/bad"
contains "$OUT" "$T/bad: line 2" "... naming the file and line"
expect_status 2 "a missing --lease-file" "$K" --lease-file "$T/nonexistent"

if [ "$(id -u)" != 0 ]; then
	skip "keeper against netbootd in namespaces" "needs root"
	tap_done
	exit
fi

# The inner run prints its own TAP lines; renumber them after ours.
out=$(timeout 180 unshare --net --mount --fork --kill-child "$0" --inner "$T" 2>&1)
while IFS= read -r line; do
	case $line in
	'ok '* | 'not ok '*) ok "$([[ $line == ok* ]] && echo 0 || echo 1)" "${line#* - }" ;;
	1..*) ;;
	*) echo "$line" ;;
	esac
done <<<"$out"
tap_done
