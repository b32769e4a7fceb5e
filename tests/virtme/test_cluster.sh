#!/usr/bin/env bash
# A rack, not a node (vboot --nodes, --router): what the boot matrix's
# cluster cases cannot see from a verdict alone.
#  - Two nodes behind the router (DHCP through ISC dhcrelay): each node's
#    own log, marker, address and root; every answer went through the relay
#    with option 82 echoed; nothing of the run is left behind.
#  - Teeth: two nodes that both reach their markers but mount the same root
#    (a subnet-wide root path, --server-opt) fail, naming the node with the
#    wrong root; a node whose init dies fails the run while the other
#    passes, and the per-node verdicts say which.
#  - Two routed runs at once (one on dnsmasq, the reference, with a pool
#    lease) do not collide; SIGTERM in the middle of a routed boot leaves nothing behind.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1
VB=$TAP_TOP/tests/virtme/vboot
KERNEL=${KERNEL:-$(make -s --no-print-directory -C "$TAP_TOP" print-kernel VARIANT=netboot)}
L=$TAP_TOP/build/logs/cluster
rm -rf "$L"
mkdir -p "$L"

if [ "$(id -u)" != 0 ]; then
	skip "cluster boots" "needs root (vboot)"
	tap_done
	exit
fi
if ! command -v dhcrelay >/dev/null; then
	skip "cluster boots" "isc-dhcp-relay not installed (make deps)"
	tap_done
	exit
fi

# no_procs TEXT: no process has TEXT on its command line (pgrep skips itself).
no_procs() { ! pgrep -f -- "$1" >/dev/null; }
field() { sed -n "s/^$1=//p" "$2" 2>/dev/null | head -n1; }
# What of the host a run could leak (vboot's names: vbbr*, vbtap*, vbrt0,
# vbrouter, the vboot-run mount); other suites may come and go meanwhile.
host_state() {
	{
		ip -o link show | awk -F': ' '{ print $2 }'
		ip netns list 2>/dev/null
		awk '{ print $5, $9, $10 }' /proc/self/mountinfo
	} | grep -E '(^|[/ @])vb|vboot' | sort
}
before=$(host_state)

# --- two nodes behind the router
d=$L/router2
expect_status 0 "two nodes boot by DHCP through the relay" "$VB" --kernel "$KERNEL" --nodes 2 --router \
	--log "$d" --timeout 240 --quiet
check "run verdict pass" test "$(field verdict "$d/result")" = pass
run_id=$(sed -n 's/.*vboot\.marker=\(vb-[0-9]*-[0-9]*-[0-9]*-[0-9]*\)-node1.*/\1/p' "$d/node1/qemu.cmdline")
check "the run id is known (${run_id:-none})" test -n "$run_id"
: "${run_id:=no-run-id}"
for k in 1 2; do
	other=$((3 - k))
	check "node$k: verdict pass" test "$(field "node.node$k.verdict" "$d/result")" = pass
	check "node$k: its own marker on its own console" grep -q "VBOOT-USERSPACE-OK $run_id-node$k\b" "$d/node$k/console.log"
	check "node$k: never node$other's marker" sh -c "! grep -q 'VBOOT-USERSPACE-OK $run_id-node$other' '$d/node$k/console.log'"
	check "node$k: address 198.51.100.1$k" grep -q "^vboot: address eth0 198.51.100.1$k/24" "$d/node$k/console.log"
	check "node$k: root 192.0.2.1:/tftpboot/node$k" grep -q "^vboot: root is 192.0.2.1:/tftpboot/node$k (nfs)" "$d/node$k/console.log"
	check "node$k: default route via its subnet's router" grep -q "^vboot: route default via 198.51.100.1 " "$d/node$k/console.log"
	check "node$k: netbootd answered it through the relay" \
		grep -q "DHCPACK 198.51.100.1$k to 52:54:00:12:35:0$k (node$k) via vbbr0 (relay 198.51.100.1)" "$d/netbootd.log"
done
n_req=$(grep -c '^Forwarded BOOTREQUEST for 52:54:00:12:35:0[12] to 192.0.2.1' "$d/dhcrelay.log")
n_82=$(grep -c '^Adding [0-9]*-byte relay agent option' "$d/dhcrelay.log")
n_rep=$(grep -c '^Forwarded BOOTREPLY for 52:54:00:12:35:0[12] to 198.51.100.1[12]' "$d/dhcrelay.log")
check "dhcrelay added option 82 to each of the $n_req requests it forwarded ($n_82)" test "$n_req" -ge 4 -a "$n_82" = "$n_req"
check "dhcrelay (-D: its own option 82 only) forwarded a reply for each request ($n_rep)" test "$n_rep" = "$n_req"
check "netbootd answered no node directly" sh -c "! grep -E 'DHCP(OFFER|ACK) .* to 52:54:00:12:35:0[12] ' '$d/netbootd.log' | grep -qv '(relay 198.51.100.1)'"
check "the scratch roots are gone after a pass" test ! -e "$d/roots"
# The kernel tears a finished run's PID namespace down; give it a moment.
for _ in $(seq 50); do pgrep -f -- "$run_id" >/dev/null || break; sleep 0.1; done
check "no process of the run is left" no_procs "$run_id"
pgrep -af -- "$run_id" | sed 's/^/#   left: /' | cut -c1-200

# --- teeth: both nodes reach a marker, but on node1's root
d=$L/same-root
expect_status 1 "two nodes on one root: the run fails" "$VB" --kernel "$KERNEL" --nodes 2 --log "$d" \
	--server-opt 'root-path /tftpboot/node1' --timeout 240 --quiet
check "node1 (its own root) passes" test "$(field node.node1.verdict "$d/result")" = pass
check "node2 fails: it mounted node1's root" grep -qx "node.node2.reason=node2 mounted '192.0.2.1:/tftpboot/node1', not 192.0.2.1:/tftpboot/node2" "$d/result"
check "the run's reason names node2" grep -q "^reason=1 of 2 nodes passed .*node2: fail: " "$d/result"

# --- teeth: one node's init dies (its own root, --root-dir DIR/node2)
d=$L/bad-init
rm -rf "$L/roots"
mkdir -p "$L/roots"
cp -a "$TAP_TOP/build/vboot/roots/busybox" "$L/roots/node1"
cp -a "$TAP_TOP/build/vboot/roots/busybox" "$L/roots/node2"
printf '#!/bin/sh\necho "node2: this init gives up"\nexit 1\n' >"$L/roots/node2/sbin/init"
expect_status 1 "a node whose init dies fails the run" "$VB" --kernel "$KERNEL" --nodes 2 --root-dir "$L/roots" \
	--log "$d" --timeout 240 --quiet --name bad-init --junit "$d.xml"
check "node1 passes" test "$(field node.node1.verdict "$d/result")" = pass
check "node2 fails with the kernel's reason" grep -q "^node.node2.reason=Kernel panic.*Attempted to kill init" "$d/result"
check "node2's own init ran (its own root)" grep -q "node2: this init gives up" "$d/node2/console.log"
check "JUnit: one test case per node, one failure" grep -q '<testsuite name="vboot" tests="2" failures="1"' "$d.xml"
check "JUnit: node2's failure gives the kernel's reason" \
	grep -q '<failure message="fail: Kernel panic.*Attempted to kill init' "$d.xml"
check "JUnit: node1 has no failure" \
	sh -c "grep -A1 'name=\"node1\"' '$d.xml' | grep -q '</testcase>'"
if command -v python3 >/dev/null; then
	check "JUnit is well-formed XML" python3 -c "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])" "$d.xml"
else
	skip "JUnit is well-formed XML" "no python3"
fi
check "per-node results and consoles kept" test -s "$d/node2/result" -a -s "$d/node2/console.log" -a -s "$d/node1/console.log"
rm -rf "$L/roots"

# --- two routed runs at once: each has its own router namespace (the
# run's private /run holds its name), nothing collides; the second is
# served by dnsmasq, the reference, through the same relay
"$VB" --kernel "$KERNEL" --router --proto bootp --log "$L/twin-a" --quiet >"$L/twin-a.out" 2>&1 &
a=$!
"$VB" --kernel "$KERNEL" --router --server dnsmasq --node-addr pool --log "$L/twin-b" --quiet >"$L/twin-b.out" 2>&1 &
b=$!
wait "$a"
ra=$?
wait "$b"
rb=$?
check "two routed runs at once (netbootd BOOTP, dnsmasq DHCP pool) both pass (exit $ra and $rb)" test "$ra" = 0 -a "$rb" = 0
check "dnsmasq's pool lease went through the relay too" grep -q "^Forwarded BOOTREPLY for 52:54:00:12:35:01 to 198.51.100.1[0-9][0-9]$" "$L/twin-b/dhcrelay.log"

# --- SIGTERM in the middle of a routed two-node boot: all of it goes
d=$L/sigterm
"$VB" --kernel "$KERNEL" --nodes 2 --router --log "$d" --timeout 200 --quiet >"$d.out" 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q "IP-Config: Complete" "$d/node2/console.log" 2>/dev/null && break; sleep 0.1; done
kill -TERM "$pid"
wait "$pid"
ok 0 "SIGTERM during a routed two-node boot: vboot ended (status $?)"
check "both nodes recorded the interruption" \
	sh -c "grep -qx 'node.node1.verdict=interrupted' '$d/result' && grep -qx 'node.node2.verdict=interrupted' '$d/result'"
check "the run's verdict says interrupted" grep -qx "verdict=interrupted" "$d/result"
run_id=$(sed -n 's/.*vboot\.marker=\(vb-[0-9]*-[0-9]*-[0-9]*-[0-9]*\)-node1.*/\1/p' "$d/node1/qemu.cmdline")
: "${run_id:=no-run-id}"
for _ in $(seq 50); do pgrep -f -- "$run_id" >/dev/null || break; sleep 0.1; done
check "no process of the interrupted run is left" no_procs "$run_id"

after=$(host_state)
check "no vboot link, namespace or mount appeared on the host" test "$before" = "$after"
[ "$before" = "$after" ] || diff <(echo "$before") <(echo "$after") | sed 's/^/#   /'

tap_done
