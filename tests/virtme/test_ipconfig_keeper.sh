#!/usr/bin/env bash
# ipconfig-keeper on a real kernel against real servers.  The patched
# kernel (it publishes /proc/net/ipconfig/lease) boots onto an NFS root
# with a 60 s lease from a one-address pool; the node's init starts the
# keeper and writes and reads a file on its root every 5 s.  The server
# side (tests/virtme/lib/keeper.sh, run by vboot --server-cmd) follows the
# node and the server's log step by step:
#   netbootd  renewals, a second client that asks for the node's address,
#             a server restart (the journal carries the lease), an outage
#             past T2 (rebinding), then another authoritative server (a
#             DHCPNAK) and the lease running out: over 4 lease periods
#   control   the same boot without the keeper: the lease runs out on the
#             server and the second client is given the node's address
#             (the bug; an expected failure, so the test has teeth)
#   kea, dnsmasq  two renewals each against the reference servers
# Two boots at a time (mostly idle TCG guests).  Verdicts come from the
# order of events in the logs, not from how fast the machine is.
# Its boots mostly wait on 60 s lease timers (idle guests): it runs next to
# the serial suites in make check (tests/run-tests.sh).
# run-tests: concurrent
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1
VB=$TAP_TOP/tests/virtme/vboot
L=$TAP_TOP/build/logs/ipconfig-keeper
# KEEPER_REUSE_LOGS=1: judge the last run's logs again, without booting.
reuse=${KEEPER_REUSE_LOGS:-0}
[ "$reuse" = 1 ] || rm -rf "$L"
mkdir -p "$L"

if [ "$(id -u)" != 0 ]; then
	skip "ipconfig-keeper boots" "needs root (vboot)"
	tap_done
	exit
fi
if ! command -v kea-dhcp4 >/dev/null; then
	skip "ipconfig-keeper boots" "kea-dhcp4 missing (make deps installs kea-dhcp4-server)"
	tap_done
	exit
fi

NODE=192.0.2.10 SERVER=192.0.2.1 MAC=52:54:00:12:34:56 PROBE=52:54:00:00:99:01 LEASE=60
T1=$((LEASE / 2)) T2=$((LEASE * 7 / 8))

variant=$(make -s --no-print-directory print-check-variant VARIANT=patched)
kernel=$(make -s --no-print-directory print-kernel VARIANT="$variant")
fresh() {
	local f
	[ -f "$1" ] || return 1
	for f in kernel/ipconfig/series kernel/ipconfig/*.patch; do [ "$1" -nt "$f" ] || return 1; done
}
[ "$reuse" = 1 ] || fresh "$kernel" || make -s --no-print-directory kernel VARIANT="$variant" >"$L/build-kernel.log" 2>&1 ||
	{ ok 1 "build kernel variant $variant"; tail -n 10 "$L/build-kernel.log" | sed 's/^/#   /'; tap_done; exit 1; }
[ "$reuse" = 1 ] || make -s --no-print-directory "$TAP_TOP/build/bin/ipconfig-keeper" "$TAP_TOP/build/bin/netbootd" \
	"$TAP_TOP/build/bin/mkroot" >"$L/build.log" 2>&1 ||
	{ ok 1 "build ipconfig-keeper, netbootd, mkroot"; tail -n 10 "$L/build.log" | sed 's/^/#   /'; tap_done; exit 1; }
export KP_NETBOOTD=$TAP_TOP/build/bin/netbootd

# boot NAME SCENARIO [APPEND]: one run with its own root (mkroot, from
# keeper.spec), logs in $L/NAME.
boot() {
	local n=$1 scen=$2 append=${3:-}
	build/bin/mkroot --dir "$L/root-$n" -D KEEPER="$TAP_TOP/build/bin/ipconfig-keeper" \
		userspace/mkroot/roots/keeper.spec >"$L/$n.mkroot" 2>&1 || { echo 4 >"$L/$n.rc"; return; }
	"$VB" --kernel "$kernel" --root-dir "$L/root-$n" --timeout 600 --quiet --name "keeper-$n" --log "$L/$n" \
		--server-cmd ". $TAP_TOP/tests/virtme/lib/keeper.sh && keeper_scenario $scen" \
		--append "keeper.ctl=http://$SERVER:8079/ctl keeper.max=480 $append" >"$L/$n.out" 2>&1
	echo $? >"$L/$n.rc"
}
start=$(date +%s)
if [ "$reuse" != 1 ]; then
	boot netbootd netbootd &
	{ boot control control keeper.run=0; boot kea kea; boot dnsmasq dnsmasq; } &
	wait
fi
diag "boots took $(($(date +%s) - start)) s"

con() { tr -d '\r' <"$L/$1/console.log" 2>/dev/null; }
scen() { sed -n 's/^keeper-scenario: //p' "$L/$1/server-cmd.log" 2>/dev/null; }
keeper() { con "$1" | grep 'ipconfig-keeper: \['; }
# has RUN SOURCE ERE DESCRIPTION: SOURCE (con, scen, keeper) has a line matching ERE
has() {
	if "$2" "$1" | grep -qE -- "$3"; then ok 0 "$4"; else
		ok 1 "$4"
		diag "$1: no $2 line matches /$3/; the last lines:"
		"$2" "$1" | tail -n 8 | sed 's/^/#     /'
	fi
}
lacks() {
	if ! "$2" "$1" | grep -qE -- "$3"; then ok 0 "$4"; else
		ok 1 "$4"
		"$2" "$1" | grep -E -- "$3" | head -n 5 | sed 's/^/#     /'
	fi
}
# uptime of a keeper line: "ipconfig-keeper: [123.456] ..."
at() { sed -n 's/^ipconfig-keeper: \[\([0-9]*\)\.[0-9]*\].*/\1/p'; }
booted() {
	if [ "$(cat "$L/$1.rc" 2>/dev/null)" = 0 ]; then ok 0 "$1: the node booted, ran and ended cleanly"; else
		ok 1 "$1: the node booted, ran and ended cleanly"
		diag "$(tail -n 3 "$L/$1.out" 2>/dev/null)"
	fi
	if scen "$1" | grep -q '^FAILED'; then
		ok 1 "$1: every step of the scenario happened"
		scen "$1" | grep '^FAILED' | sed 's/^/#     /'
	else
		has "$1" scen 'done$' "$1: every step of the scenario happened"
	fi
}
# io RUN: the root was in use throughout: every step wrote and read back
io() {
	local n bad
	n=$(con "$1" | grep -c 'keeper-init: io step .* write+read ok')
	bad=$(con "$1" | grep -c 'keeper-init: io step .* write+read FAILED')
	[ "$n" -ge "$2" ] && [ "$bad" = 0 ]
	ok $? "$1: the NFS root in use throughout: $n io steps written and read back, $bad failed"
}
# schedule RUN N: at least N renewals, each between T1 and T2 (as the grant
# before it named them) after that grant: the kernel's lease (from when the
# keeper says it was obtained), then each DHCPACK the keeper logged.
schedule() {
	local bad=0 prev='' t n=0 t1='' t2='' line
	while IFS= read -r line; do
		t=$(at <<<"$line")
		case $line in
		*'DHCPACK (renewing)'*)
			n=$((n + 1))
			if [ -z "$prev" ] || [ -z "$t1" ] || [ "$t" -lt $((prev + t1 - 1)) ] || [ "$t" -ge $((prev + t2)) ]; then
				bad=$((bad + 1))
				diag "$1: renewal at ${t}s, the grant before it at ${prev:-?}s (T1 ${t1:-?}, T2 ${t2:-?})"
			fi ;;
		esac
		case $line in
		*'DHCPACK ('*) prev=$t ;;
		*'keeping '*) prev=$(sed -n 's/.* from \([0-9]*\)s after boot.*/\1/p' <<<"$line") ;;
		esac
		t1=$(sed -n 's/.*T1 \([0-9]*\)s, T2 \([0-9]*\)s.*/\1/p' <<<"$line")
		t2=$(sed -n 's/.*T1 \([0-9]*\)s, T2 \([0-9]*\)s.*/\2/p' <<<"$line")
	done < <(keeper "$1" | grep -E 'keeping |DHCPACK \(')
	[ "$n" -ge "$2" ] && [ "$bad" = 0 ]
	ok $? "$1: $n renewals, each between T1 and T2 after the grant before it"
}

# ---- netbootd: renewals, restart, outage past T2, NAK, loss
r=netbootd
booted $r
has $r keeper "keeping $NODE/24 on eth0 \\(server $SERVER\\): lease ${LEASE}s .*T1 ${T1}s, T2 ${T2}s \\(from /proc/net/ipconfig/lease\\)" \
	"$r: the keeper took the kernel's lease from /proc/net/ipconfig/lease"
has $r con "keeper-init: io step .*$NODE/24 .*valid_lft [0-9]+sec preferred_lft [0-9]+sec" \
	"$r: the address's lifetimes follow the lease (ip addr on the node)"
schedule $r 4
nb_renew=$(cat "$L/$r"/netbootd*.log 2>/dev/null | grep -cE "DHCPACK $NODE to $MAC .*\\[renewing\\]")
k_renew=$(keeper $r | grep -c 'DHCPACK (renewing)')
[ "$nb_renew" -ge 4 ] && [ "$nb_renew" = "$k_renew" ]
ok $? "$r: netbootd logged each renewing REQUEST's DHCPACK ($nb_renew; the keeper saw $k_renew)"
has $r scen 'probe during-lease: no lease' "$r: a second client asking for $NODE during the lease gets nothing"
has $r scen 'probe after-restart: no lease' "$r: nor after the server restarted (its journal kept the lease)"
if grep -qE "DHCP(OFFER|ACK) $NODE to $PROBE" "$L/$r"/netbootd*.log 2>/dev/null; then
	ok 1 "$r: the server never offered $NODE to the second client"
else ok 0 "$r: the server never offered $NODE to the second client"; fi
check "$r: the restarted server renewed the lease it had journaled" \
	grep -qE "DHCPACK $NODE to $MAC .*\\[renewing\\]" "$L/$r/netbootd-restarted.log"
has $r keeper 'rebinding: T2 reached' "$r: with the server gone past T2 the keeper rebinds (broadcast)"
has $r keeper 'DHCPACK \(rebinding\)' "$r: the server, back before the lease ran out, answered the rebinding request"
check "$r: netbootd logged the rebinding DHCPACK" \
	grep -qE "DHCPACK $NODE to $MAC .*\\[rebinding\\]" "$L/$r/netbootd-back.log"
check "$r: the other authoritative server refused the renewal (DHCPNAK)" \
	grep -qE "DHCPNAK $NODE to $MAC" "$L/$r/netbootd-other.log"
has $r keeper "\\*\\*\\* DHCPNAK from $SERVER for $NODE.*keeping the address" "$r: the keeper reported the DHCPNAK loudly and kept the address"
has $r con "ipconfig-keeper: DHCPNAK from $SERVER" "$r: ... on the kernel log too (KERN_CRIT)"
has $r keeper '\*\*\* LEASE LOST: .*keeping the address' "$r: the lease ran out: reported loudly, address kept"
has $r keeper 'address lifetimes: valid forever, preferred 0s' "$r: after the loss the address is pinned (valid forever)"
lost=$(keeper $r | grep 'LEASE LOST' | head -n1 | at)
last=$(con $r | sed -n "s/^keeper-init: io step [0-9]* at \\([0-9]*\\).*write+read ok; $NODE\\/24.*/\\1/p" | tail -n1)
[ -n "$lost" ] && [ -n "$last" ] && [ "$last" -gt "$lost" ]
ok $? "$r: the root still works after the loss (last io step at ${last:-?}s, lease lost at ${lost:-?}s)"
io $r 40
obtained=$(keeper $r | sed -n 's/.* from \([0-9]*\)s after boot.*/\1/p' | head -n1)
[ -n "$obtained" ] && [ -n "$last" ] && [ $((last - obtained)) -ge $((4 * LEASE)) ]
ok $? "$r: ran for at least 4 lease periods ($(( ${last:-0} - ${obtained:-0} ))s of ${LEASE}s)"
n_steps=$(con $r | grep -c 'keeper-init: io step')
n_addr=$(con $r | grep -c "keeper-init: io step .*; $NODE/24 ")
[ "$n_steps" -gt 0 ] && [ "$n_steps" = "$n_addr" ]
ok $? "$r: the address was never removed ($n_addr of $n_steps steps show $NODE/24)"
has $r con 'keeper-init: ipconfig-keeper exited with status 0' "$r: the keeper stopped on SIGTERM with status 0"
has $r keeper 'stopped: .* renewed' "$r: with a one-line summary"

# ---- control: no keeper
r=control
booted $r
has $r scen 'probe during-lease: no lease' "$r: during the lease the second client gets nothing"
if scen $r | grep -q "probe after-expiry: got $NODE"; then
	ok 0 "$r: expected failure seen: without the keeper the lease ran out and a second client got $NODE"
else
	ok 1 "$r: without the keeper the second client should have been given $NODE"
	scen $r | tail -n 3 | sed 's/^/#     /'
fi
check "$r: netbootd offered the node's address to the second client" \
	grep -qE "DHCPOFFER $NODE to $PROBE" "$L/$r/netbootd.log"
has $r con "keeper-init: io step .*; $NODE/24 .*valid_lft forever" "$r: ... while the node still uses it (the kernel's address is permanent)"

# ---- Kea and dnsmasq renew the same way
for r in kea dnsmasq; do
	booted $r
	schedule $r 2
	has $r scen 'probe during-lease: no lease' "$r: a second client asking for $NODE during the lease gets nothing"
	io $r 5
done
check "kea: Kea logged the renewals" grep -qE "DHCP4_LEASE_(ALLOC|REUSE).*$NODE" "$L/kea/kea.log"
[ "$(grep -cE "DHCPACK\\(vbbr0\\) $NODE " "$L/dnsmasq/dnsmasq.log" 2>/dev/null)" -ge 3 ]
ok $? "dnsmasq: dnsmasq logged the boot's DHCPACK and two renewals"

tap_done
