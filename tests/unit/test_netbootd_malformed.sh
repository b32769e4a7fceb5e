#!/usr/bin/env bash
# test_netbootd_malformed.sh - flood netbootd (the sanitizer build) with
# malformed DHCP packets and with one client's retransmission storm, while
# a legitimate udhcpc client asks for an address.  The daemon must stay
# up, serve that client, log rejected packets at a bounded rate, and exit
# with no sanitizer report.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1
. userspace/netbootd/tests/netns.sh

NBD=$TAP_TOP/build/t/netbootd
if [ "$(id -u)" != 0 ] || [ ! -x "$NBD" ] || ! command -v python3 >/dev/null; then
	skip "netbootd malformed flood" "needs root, python3 and $NBD"
	tap_done
	exit
fi
T=$(mktemp -d)
trap 'nb_net_cleanup; rm -rf "$T"' EXIT
cat >"$T/nb.conf" <<CONF
interface nbbr0
lease-file $T/leases
subnet 192.0.2.0/24
  pool 192.0.2.100 192.0.2.199
end
CONF
nb_net_setup 2 02:00:00:00:00:01 02:00:00:00:00:02
ip -n "${NB_CLIENTS[0]}" addr add 192.0.2.50/24 dev eth0
ip netns exec "$NB_SRV" "$NBD" -c "$T/nb.conf" >"$T/nbd.log" 2>&1 &
nbd=$!
check "netbootd starts" nb_wait_log "$T/nbd.log" "netbootd: serving" 10

# The flood: every kind of malformed packet, round after round, for about
# four seconds, to the server's address and to broadcast.
cat >"$T/flood.py" <<'PY'
import os, socket, struct, sys, time
def hdr(op=1, hlen=6, mac=b"\x02\x00\x00\x00\x0f\x0f"):
    return struct.pack("!BBBBIHHIIII", op, 1, hlen, 0, 0x1234, 0, 0x8000, 0, 0, 0, 0) + \
        mac.ljust(16, b"\0") + bytes(64) + bytes(128)
cookie = b"\x63\x82\x53\x63"
disc = b"\x35\x01\x01"
bad = {
    "truncated": hdr()[:100],
    "bad-cookie": hdr() + b"\x63\x82\x53\x62" + disc + b"\xff",
    "hlen-17": hdr(hlen=17) + cookie + disc + b"\xff",
    "hlen-255": hdr(hlen=255) + cookie + disc + b"\xff",
    "option-past-end": hdr() + cookie + disc + b"\x0c\xc8abc",
    "no-length-byte": hdr() + cookie + disc + b"\x0c",
    "overload-past-end": (lambda h: h[:108] + b"\x0c\x7fabc" + h[113:])(hdr()) + cookie + disc + b"\x34\x01\x03\xff",
    "overload-value-9": hdr() + cookie + disc + b"\x34\x01\x09\xff",
    "overload-twice": hdr() + cookie + disc + b"\x34\x01\x01\x34\x01\x01\xff",
    "zero-length-53": hdr() + cookie + b"\x35\x00\xff",
    "zero-length-12": hdr() + cookie + disc + b"\x0c\x00\xff",
    "zero-length-61": hdr() + cookie + disc + b"\x3d\x00\xff",
    "type-200": hdr() + cookie + b"\x35\x01\xc8\xff",
    "bootreply": hdr(op=2) + cookie + disc + b"\xff",
    "64KiB": hdr() + cookie + disc + b"\x00" * (65507 - 243),
    "4097-bytes": hdr() + cookie + disc + b"\x00" * (4097 - 243),
    "empty": b"",
}
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.bind(("192.0.2.50", 68))
sent = 0
if len(sys.argv) > 1:        # probe: each kind once, within the log's burst
    for name, p in bad.items():
        s.sendto(p, ("192.0.2.1", 67)); time.sleep(0.01)
    sys.exit(0)
end = time.time() + 4
while time.time() < end:
    for name, p in bad.items():
        for dst in ("192.0.2.1", "255.255.255.255"):
            try:
                s.sendto(p, (dst, 67)); sent += 1
            except OSError:
                pass
    for _ in range(20):      # one client retransmitting far too fast
        s.sendto(hdr(mac=b"\x02\x00\x00\x00\x0e\x0e") + cookie + disc + b"\xff", ("192.0.2.1", 67)); sent += 1
    s.sendto(os.urandom(300), ("192.0.2.1", 67)); sent += 1
    time.sleep(0.005)
print(sent)
PY
# First each kind once, slowly enough that every one is logged.
ip netns exec "${NB_CLIENTS[0]}" python3 "$T/flood.py" probe
for reason in "truncated: 100 bytes" "truncated: 0 bytes" "hlen 17 out of range" "hlen 255 out of range" \
	"option 12 (length 200) runs past the end" "option 12 has no length byte" \
	"option 12 (length 127) runs past the end" "option 52 value 9" "option 52 has length 2" \
	"message-type) has length 0" "unknown message type 200" "op 2 is not BOOTREQUEST" \
	"oversized: 65507 bytes" "client-identifier) has length 0" "oversized: 4097 bytes" "malformed option(s) ignored, first 12"; do
	check "dropped and logged: $reason" nb_wait_log "$T/nbd.log" "$reason" 2
done
ip netns exec "${NB_CLIENTS[0]}" python3 "$T/flood.py" >"$T/flood.out" 2>&1 &
flood=$!
sleep 1
cat >"$T/udhcpc-script" <<'SCRIPT'
#!/bin/sh
[ "$1" = bound ] && echo "bound $ip" >>"${0%/*}/udhcpc.events"
exit 0
SCRIPT
chmod +x "$T/udhcpc-script"
ip netns exec "${NB_CLIENTS[1]}" busybox udhcpc -i eth0 -n -q -f -t 5 -s "$T/udhcpc-script" >"$T/udhcpc.log" 2>&1
ok $? "a legitimate client is served during the flood"
contains "$(cat "$T/udhcpc.events" 2>/dev/null)" "bound 192.0.2.1" "it got a pool address"
wait "$flood"
sent=$(cat "$T/flood.out")
check "flood sent packets ($sent)" test "${sent:-0}" -gt 1000
check "netbootd survived the flood" kill -0 "$nbd"
kill -USR1 "$nbd"
nb_wait_log "$T/nbd.log" "dhcp counters" 5
counters=$(grep "dhcp counters" "$T/nbd.log")
dropped=$(sed -n 's/.*dropped=\([0-9]*\).*/\1/p' <<<"$counters")
limited=$(sed -n 's/.*rate-limited=\([0-9]*\).*/\1/p' <<<"$counters")
check "malformed packets counted as dropped ($dropped)" test "${dropped:-0}" -gt 500
check "the storming client was rate-limited ($limited)" test "${limited:-0}" -gt 100
lines=$(grep -c "drop dhcp from" "$T/nbd.log")
check "drop lines are rate-limited ($lines lines for $sent packets)" test "$lines" -lt 200
check "suppressed drops are summarised" grep -q "more rejected packets not logged" "$T/nbd.log"
kill "$nbd"
wait "$nbd"
ok $? "netbootd exits cleanly (LeakSanitizer found nothing)"
check "no sanitizer report" nb_sanitizer_clean "$T/nbd.log"
grep -E 'Sanitizer|runtime error' "$T/nbd.log" | head -n 5 | sed 's/^/#   /'
tap_done
