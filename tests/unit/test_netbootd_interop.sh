#!/usr/bin/env bash
# test_netbootd_interop.sh - netbootd against real clients, each in its own
# network namespace: ISC dhclient (static address from ethers + hosts,
# renew, release), busybox udhcpc (pool address), a RARP request; plus
# --check-config and SIGHUP reload (a bad config keeps the old one).
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1
. userspace/netbootd/tests/netns.sh

NBD=$TAP_TOP/build/t/netbootd
STATIC_MAC=52:54:00:12:34:56
if [ "$(id -u)" != 0 ] || [ ! -x "$NBD" ]; then
	skip "netbootd interop" "needs root and $NBD"
	tap_done
	exit
fi
T=$(mktemp -d)
trap 'nb_net_cleanup; rm -rf "$T"' EXIT

printf '%s node1\n' "$STATIC_MAC" >"$T/ethers"
printf '192.0.2.10 node1\n' >"$T/hosts"
write_conf() {
	cat >"$T/nb.conf" <<CONF
interface nbbr0
lease-file $T/leases
ethers $T/ethers
hosts $T/hosts
subnet 192.0.2.0/24
  pool 192.0.2.100 192.0.2.199
  lease-time $1
  option routers 192.0.2.1
  root-path /tftpboot/%i
end
CONF
}

# --- configuration checks: file:line, nothing started
write_conf 10
expect_status 0 "--check-config accepts the config" "$NBD" --check-config -c "$T/nb.conf"
contains "$OUT" "1 subnets, 1 static hosts" "--check-config counts subnets and hosts"
printf 'subnet 192.0.2.0/24\n  pool 192.0.2.100 192.0.9.1\nend\n' >"$T/bad.conf"
expect_status 1 "--check-config rejects a pool outside its subnet" "$NBD" --check-config -c "$T/bad.conf"
contains "$OUT" "bad.conf:2: pool" "the error names file and line"
printf '%s other\n' "$STATIC_MAC" >>"$T/ethers"
expect_status 1 "a MAC listed twice in ethers is refused" "$NBD" --check-config -c "$T/nb.conf"
contains "$OUT" "ethers:2: MAC $STATIC_MAC listed twice" "duplicate MAC error names file and line"
printf '%s node1\n' "$STATIC_MAC" >"$T/ethers"
printf 'zz:00 node9\n' >"$T/ethers.bad"
sed "s|ethers $T/ethers|ethers $T/ethers.bad|" "$T/nb.conf" >"$T/bad2.conf"
expect_status 1 "a bad ethers line is refused" "$NBD" --check-config -c "$T/bad2.conf"
contains "$OUT" "ethers.bad:1:" "ethers errors name file and line"

# The README's small-cluster example and the shipped example config are
# valid (with their ethers and hosts files taken from the README).
awk '/^## netbootd/ { in_s = 1 } /^## / && !/netbootd/ { in_s = 0 }
	in_s && /^```/ { n++; next } in_s && n % 2 == 1 { print > (dir "/readme." int((n + 1) / 2)) }' \
	dir="$T" README.md
grep '^52:' "$T/readme.1" >"$T/readme.ethers"
grep -E '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+ ' "$T/readme.1" >"$T/readme.hosts"
sed -e "s|^ethers /etc/ethers|ethers $T/readme.ethers|" -e "s|^hosts /etc/hosts|hosts $T/readme.hosts|" \
	"$T/readme.2" >"$T/readme.conf"
expect_status 0 "the README's cluster config is valid" "$NBD" --check-config -c "$T/readme.conf"
contains "$OUT" "1 subnets, 8 static hosts" "it has the eight nodes from its ethers and hosts"
sed -e "s|^ethers /etc/ethers|ethers $T/readme.ethers|" -e "s|^hosts /etc/hosts|hosts $T/readme.hosts|" \
	userspace/netbootd/netbootd.conf.example >"$T/example.conf"
printf '02:00:00:00:01:01 node01\n' >"$T/readme.ethers"
expect_status 0 "netbootd.conf.example is valid" "$NBD" --check-config -c "$T/example.conf"

# --- the network
nb_net_setup 3 "$STATIC_MAC" 02:00:00:00:00:22 02:00:00:00:00:33
C1=${NB_CLIENTS[0]} C2=${NB_CLIENTS[1]} C3=${NB_CLIENTS[2]}
ip netns exec "$NB_SRV" "$NBD" -c "$T/nb.conf" >"$T/nbd.log" 2>&1 &
nbd=$!
check "netbootd starts" nb_wait_log "$T/nbd.log" "netbootd: serving" 10

# dhclient: a script that only sets the address (the host's resolv.conf
# and routes stay untouched).
cat >"$T/dhclient-script" <<'SCRIPT'
#!/bin/sh
case $reason in
BOUND | REBOOT | RENEW | REBIND) ip addr replace "$new_ip_address/24" dev "$interface" ;;
RELEASE | EXPIRE | STOP) ip addr flush dev "$interface" ;;
esac
echo "$reason $new_ip_address $new_root_path" >>"${0%/*}/dhclient.events"
SCRIPT
chmod +x "$T/dhclient-script"
echo 'request subnet-mask, routers, root-path, host-name;' >"$T/dhclient.conf"
dhc() { ip netns exec "$C1" dhclient -cf "$T/dhclient.conf" -sf "$T/dhclient-script" \
	-lf "$T/dhclient.leases" -pf "$T/dhclient.pid" "$@"; }
dhc -d eth0 >"$T/dhclient.log" 2>&1 &
dhpid=$!
check "dhclient is bound" nb_wait_log "$T/dhclient.events" "BOUND 192.0.2.10" 15
contains "$(cat "$T/dhclient.events")" "BOUND 192.0.2.10 /tftpboot/192.0.2.10" \
	"dhclient got the static address and the expanded root path"
check "dhclient renews (lease 10 s, T1 5 s)" nb_wait_log "$T/nbd.log" "[renewing]" 15
check "the renewal was unicast to the client's address" nb_wait_log "$T/dhclient.events" "RENEW 192.0.2.10" 5
kill "$dhpid" 2>/dev/null
wait "$dhpid" 2>/dev/null
dhc -r eth0 >>"$T/dhclient.log" 2>&1
check "dhclient releases" nb_wait_log "$T/nbd.log" "DHCPRELEASE 192.0.2.10 from 52:54:00:12:34:56" 5

# udhcpc: a pool address.
cat >"$T/udhcpc-script" <<'SCRIPT'
#!/bin/sh
[ "$1" = bound ] && echo "bound $ip $rootpath" >>"${0%/*}/udhcpc.events"
exit 0
SCRIPT
chmod +x "$T/udhcpc-script"
ip netns exec "$C2" busybox udhcpc -i eth0 -n -q -f -t 5 -s "$T/udhcpc-script" >"$T/udhcpc.log" 2>&1
ok $? "udhcpc finishes"
contains "$(cat "$T/udhcpc.events" 2>/dev/null)" "bound 192.0.2.100 /tftpboot/192.0.2.100" \
	"udhcpc got the first pool address and its root path"
grep -q "bound 192.0.2.100 expires=.* mac=02:00:00:00:00:22" "$T/leases"
ok $? "the lease is in the journal"

# RARP: a raw request from client 1; the answer names 192.0.2.10.
rarp=$(ip netns exec "$C1" timeout 5 python3 - <<'PY'
import socket, struct
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x8035))
s.bind(("eth0", 0x8035))
mac = bytes.fromhex("525400123456")
req = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 3) + mac + bytes(4) + mac + bytes(4)
s.sendto(req, ("eth0", 0x8035, 0, 1, b"\xff" * 6))
s.settimeout(3)
while True:
    d = s.recv(100)
    if len(d) >= 28 and d[7] == 4:
        print(socket.inet_ntoa(d[24:28]), socket.inet_ntoa(d[14:18]))
        break
PY
)
contains "$rarp" "192.0.2.10 192.0.2.1" "RARP reply: 192.0.2.10 from server 192.0.2.1"

# SIGHUP: a bad config keeps the running one; a good one takes over.
cp "$T/nb.conf" "$T/nb.conf.good"
echo "pool-strat 3" >>"$T/nb.conf"
kill -HUP "$nbd"
check "bad reload is refused with file:line" nb_wait_log "$T/nbd.log" "keeping the running config: $T/nb.conf:11: unknown option 'pool-strat'" 5
sed 's/pool 192.0.2.100 192.0.2.199/pool 192.0.2.150 192.0.2.199/' "$T/nb.conf.good" >"$T/nb.conf"
kill -HUP "$nbd"
check "good reload is taken" nb_wait_log "$T/nbd.log" "reloaded $T/nb.conf" 5
ip netns exec "$C3" busybox udhcpc -i eth0 -n -q -f -t 5 -s "$T/udhcpc-script" >>"$T/udhcpc.log" 2>&1
contains "$(cat "$T/udhcpc.events")" "bound 192.0.2.150" "after reload a new client gets an address from the new pool"

# Option overload (RFC 2132 9.3): a 200-byte domain name, a 60-byte NIS
# domain and a 100-byte root path are more than the 308-byte options field
# of the 576-byte reply these clients accept; the rest goes into the empty
# sname/file fields and both clients must still see every option.
label=$(printf 'd%.0s' $(seq 49))
bigdom="$label.$label.$label.$label"
nisdom=$(printf 'n%.0s' $(seq 60))
rootdir=/srv/$(printf 'p%.0s' $(seq 83))
sed -e "s|pool 192.0.2.100 192.0.2.199|pool 192.0.2.150 192.0.2.199|" \
	-e "s|root-path /tftpboot/%i|root-path $rootdir/%i\n  option domain-name $bigdom\n  option nis-domain $nisdom|" \
	"$T/nb.conf.good" >"$T/nb.conf"
kill -HUP "$nbd"
check "reload with long options" nb_wait_log "$T/nbd.log" "reloaded $T/nb.conf" 5
cat >"$T/udhcpc-big" <<'SCRIPT'
#!/bin/sh
[ "$1" = bound ] && echo "big $ip ${#domain} ${#nisdomain} $rootpath" >>"${0%/*}/udhcpc.events"
exit 0
SCRIPT
chmod +x "$T/udhcpc-big"
ip netns exec "$C3" busybox udhcpc -i eth0 -n -q -f -t 5 -s "$T/udhcpc-big" >>"$T/udhcpc.log" 2>&1
contains "$(cat "$T/udhcpc.events")" "big 192.0.2.150 199 60 $rootdir/192.0.2.150" \
	"udhcpc reads options from the overloaded file/sname fields"
contains "$(grep 'DHCPACK 192.0.2.150' "$T/nbd.log" | tail -n 1)" "in file/sname, 0 left out (limit 548)" \
	"the ACK's log line says options were moved and none lost"
cat >"$T/dhclient-big" <<'SCRIPT'
#!/bin/sh
[ "$reason" = BOUND ] && echo "big $new_ip_address ${#new_domain_name} ${#new_nis_domain} $new_root_path" >>"${0%/*}/dhclient.events"
exit 0
SCRIPT
chmod +x "$T/dhclient-big"
echo 'request subnet-mask, routers, root-path, domain-name, nis-domain;' >"$T/dhclient-big.conf"
ip netns exec "$C1" timeout 20 dhclient -1 -cf "$T/dhclient-big.conf" -sf "$T/dhclient-big" \
	-lf "$T/dhclient-big.leases" -pf "$T/dhclient-big.pid" eth0 >>"$T/dhclient.log" 2>&1
[ -f "$T/dhclient-big.pid" ] && kill "$(cat "$T/dhclient-big.pid")" 2>/dev/null
contains "$(cat "$T/dhclient.events")" "big 192.0.2.10 199 60 $rootdir/192.0.2.10" \
	"dhclient reads them too"

kill -USR1 "$nbd"
check "SIGUSR1 dumps counters" nb_wait_log "$T/nbd.log" "dhcp counters: rx bootp=0 discover=" 5
check "netbootd still running" kill -0 "$nbd"
kill "$nbd"
wait "$nbd"
ok $? "netbootd exits 0 on SIGTERM (no leak reported)"
check "no sanitizer report" nb_sanitizer_clean "$T/nbd.log"
grep -E 'Sanitizer|runtime error' "$T/nbd.log" | head -n 5 | sed 's/^/#   /'
tap_done
