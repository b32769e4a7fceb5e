#!/usr/bin/env bash
# test_tftp_pmtu.sh - TFTP through a router whose next hop has a smaller
# MTU, as on the way to a rack behind a VPN or PPPoE link.  The server's
# blocks carry DF and strict path MTU discovery (IP_PMTUDISC_DO, see
# frag_fallback() in userspace/netbootd/tftp.c): the first 1496-byte block
# is dropped by the router, which answers "fragmentation needed" (MTU
# 1400); the server's kernel then refuses the resend with EMSGSIZE, and
# the transfer must go on fragmented.  Lock-step and windowsize 8 (UDP GSO,
# refused on such a path), on per-transfer sockets and on the shared port.
# Each transfer comes from a node address of its own (tftp_load -N), so
# that none finds the path MTU already learned by an earlier one; then the
# lock-step nodes again, whose path MTU the kernel now knows: their first
# block is refused at once, and must go again at once, without waiting
# for the retransmission timer (the server's "timeouts" counter).  Last,
# blocks that fit (no fallback), and blksize 8192 with tftp-mtu-cap no,
# larger than the server's own link: refused before any ICMP.
#
#   server 192.0.2.1 (this namespace) --1500-- router --1400-- client 198.51.100.x
set -u
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/../lib/tftp.sh
. "$(dirname "$0")/../lib/tftp.sh"
tftp_suite_start "tftp path MTU" "$@"

# The router and the client: each a namespace held by a sleeping process,
# gone with it (the EXIT trap below, then tftp_cleanup's).
held=()
stop_held() {
	local p
	for p in "${held[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${held[@]}"; do wait "$p" 2>/dev/null; done
	tftp_cleanup
}
trap stop_held EXIT
unshare --net sleep 600 &
rtr=$!
held+=("$rtr")
unshare --net sleep 600 &
cli=$!
held+=("$cli")
sleep 0.2
R() { nsenter -t "$rtr" -n "$@"; }
C() { nsenter -t "$cli" -n "$@"; }
ip link add s0 type veth peer name r0 netns "$rtr"
R ip link add r1 type veth peer name c0 netns "$cli"
ip addr add 192.0.2.1/24 dev s0
ip link set s0 up
ip route add 198.51.100.0/24 via 192.0.2.2
R ip link set lo up
R ip addr add 192.0.2.2/24 dev r0
R ip addr add 198.51.100.1/24 dev r1
R ip link set r0 up
R ip link set r1 mtu 1400 up
# The router namespace's own sysctl, not the host's.
R sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
C ip link set lo up
C ip addr add 198.51.100.2/24 dev c0
for n in 10 11 12 13 14 15 20 21 22 23 24 25 30 31 32 33; do C ip addr add "198.51.100.$n/24" dev c0; done
C ip link set c0 mtu 1400 up
C ip route add default via 198.51.100.1

head -c 400000 /dev/urandom >"$root/image.bin"

# timeouts LOG: the server's timeouts counter, logged now (SIGUSR1).
timeouts() {
	local n
	kill -USR1 "$srv"
	sleep 0.3
	n=$(grep 'tftp counters' "$1" | tail -n 1 | sed -n 's/.* timeouts \([0-9]*\).*/\1/p')
	echo "${n:-none}"
}

# run NAME NODES SERVER-ARGS... : a fresh server; three lock-step nodes
# from 198.51.100.NODES on, then three with windowsize 8 after them, then
# the first three again.  A fixed timeout of 1 s: no early resend under load.
run() {
	local name=$1 first=$2 out log=$work/serve.$1.log n t0 t1
	shift 2
	"$serve" tftp-root="$root" tftp-timeout-ms=1000 tftp-timeout-min-ms=1000 "$@" 2>"$log" &
	srv=$!
	sleep 0.5
	out=$(C "$load" -s 192.0.2.1 -f image.bin -v "$root/image.bin" -b 1468 -n 3 -N "198.51.100.$first" \
		-T 400 -m 20 2>&1)
	contains "$out" "ok=3 fail=0" "$name: lock-step at blksize 1468 over the 1400-byte hop, content right"
	out=$(C "$load" -s 192.0.2.1 -f image.bin -v "$root/image.bin" -b 1468 -w 8 -n 3 \
		-N "198.51.100.$((first + 3))" -T 400 -m 20 2>&1)
	contains "$out" "ok=3 fail=0" "$name: windowsize 8 over the same hop, content right"
	t0=$(timeouts "$log")
	out=$(C "$load" -s 192.0.2.1 -f image.bin -v "$root/image.bin" -b 1468 -n 3 -N "198.51.100.$first" \
		-T 400 -m 20 2>&1)
	contains "$out" "ok=3 fail=0" "$name: the first three nodes again, path MTU known, content right"
	t1=$(timeouts "$log")
	ok "$([ "$t0" != none ] && [ "$t1" = "$t0" ]; echo $?)" \
		"$name: with the path MTU known, the refused block went again at once (timeouts $t0, then $t1)"
	kill "$srv"
	wait "$srv" 2>/dev/null
	srv=
	# Each of the nine fell back.
	n=$(grep -c 'path MTU below 1468-byte blocks' "$log")
	ok "$([ "$n" -eq 9 ]; echo $?)" "$name: the server fell back to fragments for each of the 9 transfers: $n"
	grep -q 'AddressSanitizer\|runtime error' "$log"
	ok "$([ $? -ne 0 ]; echo $?)" "$name: no sanitizer report"
}
run "per-transfer sockets" 10
run "shared port" 20 tftp-shared-port=yes

# Blocks that fit the hop never meet the fallback: blksize 1368 (1400
# bytes on the wire) goes out whole.
"$serve" tftp-root="$root" tftp-timeout-ms=1000 tftp-timeout-min-ms=1000 2>"$work/serve.fit.log" &
srv=$!
sleep 0.5
out=$(C "$load" -s 192.0.2.1 -f image.bin -v "$root/image.bin" -b 1368 -n 2 -N 198.51.100.30 -T 400 -m 20 2>&1)
contains "$out" "ok=2 fail=0" "blksize 1368 fits the 1400-byte hop"
kill "$srv"
wait "$srv" 2>/dev/null
srv=
grep -q 'path MTU below' "$work/serve.fit.log"
ok "$([ $? -ne 0 ]; echo $?)" "blocks that fit: no fallback"

# Blocks larger than the server's own link (tftp-mtu-cap no, and a client
# that reassembles, as U-Boot with CONFIG_IP_DEFRAG asks for 8192 or
# more): the kernel refuses the very first one, no ICMP needed; the
# transfer falls back at once and goes fragmented.
"$serve" tftp-root="$root" tftp-timeout-ms=1000 tftp-timeout-min-ms=1000 tftp-mtu-cap=no \
	2>"$work/serve.big.log" &
srv=$!
sleep 0.5
out=$(C "$load" -s 192.0.2.1 -f image.bin -v "$root/image.bin" -b 8192 -n 2 -N 198.51.100.32 -T 400 -m 20 2>&1)
contains "$out" "ok=2 fail=0 bytes=800000 " "blksize 8192 over 1500- and 1400-byte links (tftp-mtu-cap no): content right"
t0=$(timeouts "$work/serve.big.log")
kill "$srv"
wait "$srv" 2>/dev/null
srv=
n=$(grep -c 'path MTU below 8192-byte blocks' "$work/serve.big.log")
ok "$([ "$n" -eq 2 ] && [ "$t0" = 0 ]; echo $?)" \
	"refused before it left: both transfers fell back at once ($n fallbacks, $t0 timeouts)"
tap_done
