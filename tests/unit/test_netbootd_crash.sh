#!/usr/bin/env bash
# test_netbootd_crash.sh - kill -9 netbootd again and again while a stream
# of clients takes leases (bench's dhcp-load acting as a relay on loopback,
# inside a private network namespace).  After every kill, each lease that a
# client saw acknowledged must be in the journal, and no address may be
# bound to two clients.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1

NBD=build/t/netbootd
LOAD=build/bin/dhcp-load
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
	skip "lease crash test" "needs root for a network namespace"
	tap_done
	exit
fi
for b in "$NBD" "$LOAD"; do
	[ -x "$b" ] || { skip "lease crash test" "$b not built"; tap_done; exit; }
done

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cat >"$T/nb.conf" <<CONF
lease-file $T/leases
lease-sync batch
subnet 192.0.2.0/24
  pool 192.0.2.10 192.0.2.250
  lease-time 3600
end
CONF

# check_journal ACKED: every acknowledged "ip mac" is bound to that MAC in
# the journal (newest record per address wins), and no address is bound
# to two MACs in the acknowledgements.
check_journal() {
	awk '
	FNR == NR { if ($1 == "bound") { split($4, m, "="); st[$2] = "bound " m[2] }
		    else if ($1 == "free" || $1 == "declined") st[$2] = $1; next }
	{ if (st[$1] != "bound " $2) { print "lost: " $0 " (journal: " st[$1] ")"; bad = 1 }
	  if (($1 in owner) && owner[$1] != $2) { print "duplicate: " $1; bad = 1 }
	  owner[$1] = $2 }
	END { exit bad }' "$T/leases" "$1"
}

cat >"$T/run.sh" <<'RUN'
set -u
T=$1 NBD=$2 LOAD=$3
ip link set lo up
ip addr add 192.0.2.254/24 dev lo
"$LOAD" --server 127.0.0.1 --relay 192.0.2.254 --clients 240 --window 4 --rate 60 \
	--timeout-ms 150 --retries 40 --acked "$T/acked" --max-seconds 60 >"$T/load.out" 2>&1 &
load=$!
kills=0
while kill -0 "$load" 2>/dev/null; do
	"$NBD" -c "$T/nb.conf" >>"$T/nbd.log" 2>&1 &
	nbd=$!
	sleep "0.$((RANDOM % 4 + 1))"
	kill -9 "$nbd" 2>/dev/null
	wait "$nbd" 2>/dev/null
	kills=$((kills + 1))
	cp "$T/acked" "$T/acked.$kills" 2>/dev/null || : >"$T/acked.$kills"
	cp "$T/leases" "$T/leases.$kills" 2>/dev/null || : >"$T/leases.$kills"
done
wait "$load"
echo "$?" >"$T/load.rc"
echo "$kills" >"$T/kills"
RUN
unshare --net bash "$T/run.sh" "$T" "$NBD" "$LOAD"
kills=$(cat "$T/kills")
ok "$( [ "$kills" -ge 5 ]; echo $?)" "daemon killed with SIGKILL $kills times during the stream"
ok "$(cat "$T/load.rc")" "every client bound in the end: $(cat "$T/load.out")"
bad=0
for ((i = 1; i <= kills; i++)); do
	cp "$T/leases.$i" "$T/leases.check"
	out=$(awk '
	FNR == NR { if ($1 == "bound") { split($4, m, "="); st[$2] = "bound " m[2] }
		    else if ($1 == "free" || $1 == "declined") st[$2] = $1; next }
	{ if (st[$1] != "bound " $2) { print "lost: " $0; bad = 1 } }
	END { exit bad }' "$T/leases.$i" "$T/acked.$i") || { bad=1; diag "after kill $i: $out"; }
done
ok "$bad" "after each of the $kills kills, every acknowledged lease was in the journal"
n=$(wc -l <"$T/acked")
out=$(check_journal "$T/acked")
ok $? "final journal holds all $n acknowledged leases, no address bound to two clients"
[ -z "$out" ] || diag "$out"
dup=$(awk '{ print $1 }' "$T/acked" | sort | uniq -d | head -n 3)
ok "$( [ -z "$dup" ]; echo $?)" "no address acknowledged to two clients${dup:+: $dup}"
grep -q "torn last record" "$T/nbd.log" && diag "a torn record was recovered from during the run"
tap_done
