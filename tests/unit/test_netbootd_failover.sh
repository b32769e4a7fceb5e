#!/usr/bin/env bash
# test_netbootd_failover.sh - two netbootd servers on one segment, RFC 3074
# load balancing (userspace/netbootd/rfc3074.c): each in its own network
# namespace on a shared bridge, each with half of the hash buckets and its
# own part of the pool.  bench's dhcp-load, a relay agent configured with
# both servers (every packet goes to each, as dhcrelay with two servers
# does), plays hundreds of clients.
#   1. Both up: every client bound, each offered by exactly one server,
#      both servers used, every ACK in the acking server's journal.
#   2. One server killed (SIGKILL) in the middle of a storm: every client
#      still bound (the survivor answers the dead one's clients once their
#      secs reach load-balance-delay), no address bound twice across both
#      journals, every ACK journaled by the server that sent it.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1
. userspace/netbootd/tests/netns.sh

NBD=$TAP_TOP/build/t/netbootd
LOAD=$TAP_TOP/build/bin/dhcp-load
if [ "$(id -u)" != 0 ]; then
	skip "netbootd failover" "needs root for network namespaces"
	tap_done
	exit
fi
for b in "$NBD" "$LOAD"; do
	[ -x "$b" ] || { skip "netbootd failover" "$b not built"; tap_done; exit; }
done
T=$(mktemp -d)
trap 'nb_net_cleanup; rm -rf "$T"' EXIT

# The bridge namespace (198.18.0.1) is the relay; servers A and B sit in
# the two client namespaces at 198.18.0.11 and 198.18.0.12.  Each pool
# part holds every client, so either server can take them all alone.
nb_net_setup 2
A_NS=${NB_CLIENTS[0]} B_NS=${NB_CLIENTS[1]} A=198.18.0.11 B=198.18.0.12
ip -n "$NB_SRV" addr add 198.18.0.1/15 dev nbbr0
ip -n "$A_NS" addr add $A/15 dev eth0
ip -n "$B_NS" addr add $B/15 dev eth0

# conf NAME BUCKETS POOL_FIRST POOL_LAST
conf() {
	cat >"$T/$1.conf" <<CONF
interface eth0
lease-file $T/$1.leases
lease-sync batch
load-balance-buckets $2
load-balance-delay 2
subnet 198.18.0.0/15
  pool $3 $4
  lease-time 3600
end
CONF
}
conf a 0-127 198.18.1.0 198.18.2.255
conf b 128-255 198.18.3.0 198.18.4.255
expect_status 0 "--check-config accepts load-balance-buckets and -delay" "$NBD" --check-config -c "$T/a.conf"
printf 'load-balance-buckets 0-300\n' >"$T/bad.conf"
expect_status 1 "--check-config rejects bucket 300" "$NBD" --check-config -c "$T/bad.conf"
contains "$OUT" "bad.conf:1: load-balance-buckets" "the error names file, line and key"

start_servers() {
	rm -f "$T"/a.leases "$T"/b.leases
	ip netns exec "$A_NS" "$NBD" -c "$T/a.conf" >"$T/a.log" 2>&1 &
	A_PID=$!
	ip netns exec "$B_NS" "$NBD" -c "$T/b.conf" >"$T/b.log" 2>&1 &
	B_PID=$!
	nb_wait_log "$T/a.log" "serving" 10 && nb_wait_log "$T/b.log" "serving" 10
}
stop_servers() {
	kill "$A_PID" "$B_PID" 2>/dev/null
	wait "$A_PID" "$B_PID" 2>/dev/null
}
# load CLIENTS RATE OUTNAME: the relay's clients; output in $T/OUTNAME.*
load() {
	ip netns exec "$NB_SRV" "$LOAD" --server $A,$B --relay 198.18.0.1 \
		--clients "$1" --rate "$2" --window 64 --timeout-ms 500 --retries 12 \
		--max-seconds 60 --acked "$T/$3.acked" >"$T/$3.out" 2>&1
}
# journal_check ACKED: every ACK ("ip mac server") is bound to that MAC in
# that server's journal, and no address is bound in both journals.
journal_check() {
	awk '
	FILENAME ~ /a\.leases$/ || FILENAME ~ /b\.leases$/ {
		j = FILENAME ~ /a\.leases$/ ? a : b
		if ($1 == "bound") { split($4, m, "="); st[j, $2] = m[2] }
		else if ($1 == "free" || $1 == "declined") delete st[j, $2]
		next }
	{ if (st[$3, $1] != $2) { print "not in " $3 "'"'"'s journal: " $0; bad = 1 } }
	END {
		for (k in st) { split(k, p, SUBSEP); other = p[1] == a ? b : a
			if ((other, p[2]) in st && st[other, p[2]] != "") { print "bound in both journals: " p[2]; bad = 1 } }
		exit bad }' a=$A b=$B "$T/a.leases" "$T/b.leases" "$1"
}
acks_by() { awk -v s="$2" '$3 == s' "$T/$1.acked" | wc -l; }

# --- 1. both up
if ! start_servers; then
	ok 1 "both servers start"
	sed 's/^/# /' "$T/a.log" "$T/b.log" | head -20
	tap_done
	exit
fi
ok 0 "both servers start, each in its own namespace on the shared bridge"
load 200 400 up
rc=$?
out=$(cat "$T/up.out")
ok "$rc" "both up: every client bound, no address twice: $out"
contains "$out" "multi_offered=0" "both up: each client offered by exactly one server"
na=$(acks_by up $A) nb=$(acks_by up $B)
ok "$([ "$na" -gt 40 ] && [ "$nb" -gt 40 ] && [ $((na + nb)) -eq 200 ]; echo $?)" \
	"both up: the load is split by hash ($na by A, $nb by B)"
stop_servers
jc=$(journal_check "$T/up.acked" 2>&1)
ok $? "both up: every ACK in its server's journal, no address in both${jc:+: $jc}"
check "both up: no sanitizer report" nb_sanitizer_clean "$T/a.log"
nb_sanitizer_clean "$T/b.log" || diag "B: sanitizer report"

# --- 2. kill B in the middle of a storm
start_servers || ok 1 "servers restart"
load 400 200 storm &
lp=$!
for ((i = 0; i < 100; i++)); do
	[ -s "$T/storm.acked" ] && [ "$(wc -l <"$T/storm.acked")" -ge 100 ] && break
	sleep 0.05
done
kill -9 "$B_PID"
wait "$B_PID" 2>/dev/null
before=$(acks_by storm $B)
wait "$lp"
rc=$?
out=$(cat "$T/storm.out")
ok "$rc" "B killed mid-storm: every client still bound, no address twice: $out"
after=$(acks_by storm $A)
# A's own buckets hold about half of the clients: far more shows it took
# over B's.
ok "$([ "$before" -gt 0 ] && [ $((before + after)) -eq 400 ] && [ "$after" -ge 240 ]; echo $?)" \
	"B served $before before it died; A served the other $after, its own half and B's rest"
kill "$A_PID" 2>/dev/null
wait "$A_PID" 2>/dev/null
jc=$(journal_check "$T/storm.acked" 2>&1)
ok $? "after the kill: every ACK in its server's journal, no address bound in both${jc:+: $jc}"
check "no sanitizer report from the survivor" nb_sanitizer_clean "$T/a.log"
tap_done
