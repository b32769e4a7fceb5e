#!/usr/bin/env bash
# DHCP option 121 (classless static routes) and /proc/net/ipconfig/lease,
# patches 4 and 5 of kernel/ipconfig: boot the patched kernel against
# netbootd serving option 3 and option 121 (vboot --server-opt) with a
# lease of 1200 s; the node's init prints its routing table and the files
# of /proc/net/ipconfig (vboot.netinfo=1), and the test checks them
# against what netbootd was told to grant.  The pristine kernel (netboot)
# boots the same way and must show the gap: option 3's default route, no
# routes and no lease file (an expected failure: the test has teeth).  A
# third boot, patched without option 121, must keep option 3's default
# and shows the client identifier it sent (ip=dhcp,0,node1).
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1
VB=$TAP_TOP/tests/virtme/vboot
L=$TAP_TOP/build/logs/ipconfig-routes
rm -rf "$L"
mkdir -p "$L"

if [ "$(id -u)" != 0 ]; then
	skip "option 121 and lease boots" "needs root (vboot)"
	tap_done
	exit
fi

# The test network (tests/virtme/lib/net.sh): netbootd at 192.0.2.1, which
# it also sends as option 3; the node is 192.0.2.10.
SERVER=192.0.2.1 NODE=192.0.2.10 LEASE=1200
ROUTES='0.0.0.0/0 192.0.2.254, 198.51.100.0/24 192.0.2.253, 203.0.113.7/32 192.0.2.1, 10.9.0.0/16 0.0.0.0'

# The variant make check builds for a name (patched: patched-kunit, see
# kernel/variants/patched.mk).
variant_of() { make -s --no-print-directory print-check-variant VARIANT="$1"; }
kernel_of() { make -s --no-print-directory print-kernel VARIANT="$(variant_of "$1")"; }
# fresh IMAGE: newer than every patch of the series (the netboot variant
# does not use the series, only needs to exist).
fresh() {
	local f
	[ -f "$1" ] || return 1
	[ "$2" = patched ] || return 0
	for f in kernel/ipconfig/series kernel/ipconfig/*.patch; do [ "$1" -nt "$f" ] || return 1; done
}
for v in netboot patched; do
	k=$(kernel_of "$v")
	fresh "$k" "$v" || make -s --no-print-directory kernel VARIANT="$(variant_of "$v")" >"$L/build-$v.log" 2>&1 ||
		{ ok 1 "build kernel variant $v"; tail -n 10 "$L/build-$v.log" | sed 's/^/#   /'; tap_done; exit 1; }
done

# boot NAME VARIANT [VBOOT-ARGS...]: one run, logs in $L/NAME.
boot() {
	local n=$1 v=$2
	shift 2
	"$VB" --kernel "$(kernel_of "$v")" --server netbootd --append vboot.netinfo=1 \
		--timeout 90 --quiet --name "routes-$n" --log "$L/$n" "$@" >"$L/$n.out" 2>&1
	echo $? >"$L/$n.rc"
}
with121=(--server-opt "lease-time $LEASE" --server-opt "option classless-static-routes $ROUTES")
boot patched patched "${with121[@]}" &
boot netboot netboot "${with121[@]}" &
wait
# ip=dhcp,0,node1: the kernel sends option 61 (type 0, "node1")
boot patched-no121 patched --append 'vboot.netinfo=1 ip=dhcp,0,node1'

con() { tr -d '\r' <"$L/$1/console.log" 2>/dev/null; }
# info RUN KIND: the node's "vboot: KIND ..." lines (route, routes:, lease:, uptime), without the prefix
info() { con "$1" | sed -n "s/^vboot: $2 //p"; }
lease() { info "$1" lease: | sed -n "s/^$2 //p"; }
booted() { [ "$(cat "$L/$1.rc" 2>/dev/null)" = 0 ]; }
# has RUN KIND ERE DESCRIPTION: some line of KIND matches ERE
has() {
	if info "$1" "$2" | grep -qE "$3"; then ok 0 "$4"; else
		ok 1 "$4"
		diag "$1: no '$2' line matches /$3/; got:"
		info "$1" "$2" | sed 's/^/#     /'
	fi
}
# lacks RUN KIND ERE DESCRIPTION: no line of KIND matches ERE
lacks() {
	if ! info "$1" "$2" | grep -qE "$3"; then ok 0 "$4"; else
		ok 1 "$4"
		diag "$1: '$2' line matching /$3/:"
		info "$1" "$2" | grep -E "$3" | sed 's/^/#     /'
	fi
}
# is RUN KEY WANT: a field of /proc/net/ipconfig/lease
is() {
	local got
	got=$(lease "$1" "$2")
	if [ "$got" = "$3" ]; then ok 0 "$1: lease $2 is $3"; else ok 1 "$1: lease $2 is $3"; diag "got '$got'"; fi
}

check "netbootd got the option 121 and lease-time lines (vboot --server-opt)" \
	grep -qx "  option classless-static-routes $ROUTES" "$L/patched/netbootd.conf"
check "netbootd granted $NODE to the patched node" grep -q "DHCPACK $NODE " "$L/patched/netbootd.log"

# --- the patched kernel, option 121 served
booted patched
ok $? "patched: boots to userspace with option 121 served"
[ -s "$L/patched/console.log" ] || diag "no console log; vboot said: $(tail -n 3 "$L/patched.out")"
has patched route '^default via 192\.0\.2\.254 dev ' "patched: the default route is option 121's (via 192.0.2.254)"
lacks patched route '^default via 192\.0\.2\.1 ' "patched: option 3's router (192.0.2.1) is ignored (RFC 3442)"
has patched route '^198\.51\.100\.0/24 via 192\.0\.2\.253 dev ' "patched: 198.51.100.0/24 via 192.0.2.253 installed"
has patched route '^203\.0\.113\.7 via 192\.0\.2\.1 dev ' "patched: host route 203.0.113.7/32 via 192.0.2.1 installed"
has patched route '^10\.9\.0\.0/16 dev [^ ]+ .*scope link' "patched: on-link 10.9.0.0/16 (router 0.0.0.0) installed with link scope"
want_routes=$(printf '%s\n' "${ROUTES//, /$'\n'}")
got_routes=$(info patched routes:)
[ "$got_routes" = "$want_routes" ]
ok $? "patched: /proc/net/ipconfig/routes lists option 121's routes, in order"
[ "$got_routes" = "$want_routes" ] || diag "got: $(printf '%s' "$got_routes" | tr '\n' ';') wanted: $(printf '%s' "$want_routes" | tr '\n' ';')"
gw=$(con patched | sed -n '/IP-Config: Complete/,+2p' | sed -n 's/.*[ ,]gw=\([^, ]*\).*/\1/p' | head -n1)
[ "$gw" = 192.0.2.254 ]
ok $? "patched: IP-Config: Complete shows gw=192.0.2.254 ($gw)"

is patched server-id "$SERVER"
is patched address "$NODE"
is patched lease-time "$LEASE"
# netbootd sends T1 = lease/2 and T2 = lease*7/8 (userspace/netbootd/rfc2131.c)
is patched t1 $((LEASE / 2))
is patched t2 $((LEASE * 7 / 8))
is patched client-id none
obtained=$(lease patched obtained) uptime=$(info patched uptime)
[[ $obtained =~ ^[0-9]+$ ]] && [[ $uptime =~ ^[0-9]+(\.[0-9]+)?$ ]] && [ "$obtained" -le "${uptime%.*}" ]
ok $? "patched: lease obtained $obtained s after boot, not after the node's uptime ($uptime s)"

# --- the patched kernel without option 121: option 3 as before
booted patched-no121
ok $? "patched, no option 121: boots to userspace"
has patched-no121 route '^default via 192\.0\.2\.1 dev ' "patched, no option 121: option 3's default route (via 192.0.2.1)"
[ -z "$(info patched-no121 routes:)" ] && con patched-no121 | grep -q '^vboot: uptime '
ok $? "patched, no option 121: /proc/net/ipconfig/routes is empty"
is patched-no121 lease-time 3600
is patched-no121 client-id 00:6e:6f:64:65:31

# --- the pristine kernel: the gap shows (expected failures)
booted netboot
ok $? "netboot: boots to userspace (it ignores option 121)"
if info netboot route | grep -qE '^default via 192\.0\.2\.1 dev ' &&
	! info netboot route | grep -qE '^198\.51\.100\.0/24 '; then
	ok 0 "netboot: expected failure seen (option 3's default route, no option 121 routes)"
else
	ok 1 "netboot: the missing option 121 support did not show"
	info netboot route | sed 's/^/#     /'
fi
if con netboot | grep -q '^vboot: uptime ' && [ -z "$(info netboot lease:)" ] && [ -z "$(info netboot routes:)" ]; then
	ok 0 "netboot: expected failure seen (no /proc/net/ipconfig/lease or routes)"
else
	ok 1 "netboot: the missing lease and routes files did not show"
fi

tap_done
