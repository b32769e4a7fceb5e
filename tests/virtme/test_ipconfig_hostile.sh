#!/usr/bin/env bash
# ipconfig against a hostile DHCP server (tests/hostile-dhcp): every
# scenario boots the pristine 6.1 kernel (netboot) and the kernel with the
# kernel/ipconfig series (patched), and reads the console's IP-Config
# lines.  The pristine kernel must show each bug (an expected failure: it
# proves the check has teeth); the patched kernel must ignore the bad
# options, keep the good values and boot.  When the KASAN variants are
# built (make check builds every variant), the same scenarios run under
# them too, and the patched kernel must draw no KASAN report.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1
VB=$TAP_TOP/tests/virtme/vboot
L=$TAP_TOP/build/logs/ipconfig-hostile
HOSTILE=$TAP_TOP/build/t/hostile-dhcp
rm -rf "$L"
mkdir -p "$L"

if [ "$(id -u)" != 0 ]; then
	skip "hostile DHCP boots" "needs root (vboot)"
	tap_done
	exit
fi
make -s --no-print-directory "$HOSTILE" >&2 || { ok 1 "build hostile-dhcp"; tap_done; exit 1; }

kernel_of() { make -s --no-print-directory print-kernel VARIANT="$1"; }
for v in netboot patched; do
	k=$(kernel_of "$v")
	[ -f "$k" ] || make -s --no-print-directory kernel VARIANT="$v" >&2 ||
		{ ok 1 "build kernel variant $v"; tap_done; exit 1; }
done

# boot VARIANT SCENARIO TIMEOUT: one run, logs in $L/VARIANT-SCENARIO.
boot() {
	local v=$1 s=$2 t=$3
	"$VB" --kernel "$(kernel_of "$v")" --timeout "$t" --quiet --name "$v-$s" --log "$L/$v-$s" \
		--server-cmd "exec $HOSTILE --iface \$VB_BRIDGE --server \$VB_SERVER_IP --client \$VB_NODE_IP --scenario $s" \
		>"$L/$v-$s.out" 2>&1
	echo $? >"$L/$v-$s.rc"
}
# pair SCENARIO TIMEOUT [PRISTINE PATCHED]: both kernels of a scenario
# boot at once (vboot runs never collide).
pair() {
	local s=$1 t=$2 a=${3:-netboot} b=${4:-patched}
	boot "$a" "$s" "$t" &
	boot "$b" "$s" "$t" &
	wait
}
con() { tr -d '\r' <"$L/$1/console.log" 2>/dev/null; }
# field RUN NAME: a value from the IP-Config: Complete block (mask, gw, mtu, host)
field() { con "$1" | sed -n '/IP-Config: Complete/,+4p' | sed -n "s/.*[ ,]$2=\([^, ]*\).*/\1/p" | head -n1; }
booted() { [ "$(cat "$L/$1.rc" 2>/dev/null)" = 0 ]; }
# expect RUN NAME WANT DESCRIPTION: the field equals WANT
expect() {
	local got
	got=$(field "$1" "$2")
	if [ "$got" = "$3" ]; then ok 0 "$4 ($2=$got)"; else ok 1 "$4"; diag "$1: $2='$got', wanted '$3'"; fi
}
# bug RUN NAME GOOD PATTERN DESCRIPTION: the pristine kernel shows the bug,
# a value that is not GOOD and matches the extended regex PATTERN.
bug() {
	local got
	got=$(field "$1" "$2")
	if [ -n "$got" ] && [ "$got" != "$3" ] && [[ $got =~ $4 ]]; then
		ok 0 "$5: expected failure seen ($2=$got)"
	else
		ok 1 "$5: the bug did not show"
		diag "$1: $2='$got' (good value '$3', bug pattern '$4')"
	fi
}
no_oops() { ! con "$1" | grep -qE 'Oops|BUG:|general protection fault|Unable to handle kernel'; }
warned() { con "$1" | grep -qF "DHCP/BOOTP: Ignoring option $2 with bad length $3"; }

pair mid 40
bug netboot-mid mask 255.255.255.0 '^0\.3\.1\.0$' "netboot, mid: a 1-byte option 1 takes the mask from the next option"
bug netboot-mid gw 192.0.2.1 '^0\.26\.2\.5$' "netboot, mid: a 1-byte option 3 takes the gateway from the next option"
bug netboot-mid mtu 1500 '^524$' "netboot, mid: a 1-byte option 26 takes the MTU from the next option"
expect patched-mid mask 255.255.255.0 "patched, mid: short option 1 ignored, good mask kept"
expect patched-mid gw 192.0.2.1 "patched, mid: short option 3 ignored, good gateway kept"
expect patched-mid mtu 1500 "patched, mid: short option 26 ignored, good MTU kept"
mid_warned() { warned "$1" 1 1 && warned "$1" 3 1 && warned "$1" 26 1; }
check "patched, mid: the bad options are reported" mid_warned patched-mid
check "patched, mid: boots to userspace" booted patched-mid

pair end-mask 40
bug netboot-end-mask mask 255.255.255.0 '^15\.255\.' "netboot, end-mask: a 1-byte option 1 at the end reads the end option and past the packet"
expect patched-end-mask mask 255.255.255.0 "patched, end-mask: short option ignored, class C default mask"
check "patched, end-mask: boots to userspace" booted patched-end-mask

pair end-gw 40
bug netboot-end-gw gw 255.255.255.255 '^15\.255\.' "netboot, end-gw: a 1-byte option 3 at the end reads the end option and past the packet"
expect patched-end-gw gw 255.255.255.255 "patched, end-gw: short option ignored, no gateway"
check "patched, end-gw: boots to userspace" booted patched-end-gw

pair end-mtu 40
bug netboot-end-mtu mtu 1400 '^1535$' "netboot, end-mtu: a 1-byte option 26 at the end takes the end option as the MTU's low byte"
expect patched-end-mtu mtu 1400 "patched, end-mtu: short option ignored, good MTU kept"
check "patched, end-mtu: boots to userspace" booted patched-end-mtu

# The root path "/tftpboot/%p%s%n" is not exported, so neither kernel
# mounts it; what matters is how it was built (the mount is retried for
# about 95 s, so these runs end at their timeout).
pair rootpath 25
check "netboot, rootpath: the root path is used as a format string (expected failure: %n reached vsnprintf)" \
	sh -c "tr -d '\r' <'$L/netboot-rootpath/console.log' | grep -qE 'unsupported %n in format string|Oops|BUG:'"
check "patched, rootpath: no format directive reaches vsnprintf" \
	sh -c "! tr -d '\r' <'$L/patched-rootpath/console.log' | grep -qF 'in format string'"
check "patched, rootpath: no Oops or BUG" no_oops patched-rootpath
check "patched, rootpath: option 17 arrived intact" \
	sh -c "tr -d '\r' <'$L/patched-rootpath/console.log' | grep -qF 'rootpath=/tftpboot/%p%s%n'"

pair rootpath-subst 60
check "netboot, rootpath-subst: %s becomes the host name, boots" booted netboot-rootpath-subst
check "patched, rootpath-subst: %s still becomes the host name, boots" booted patched-rootpath-subst

pair overlong 60
long63=$(printf 'x%.0s' $(seq 63))
expect netboot-overlong host "$long63" "netboot, overlong: 255-byte host name cut to 63 bytes"
expect patched-overlong host "$long63" "patched, overlong: 255-byte host name cut to 63 bytes"
check "patched, overlong: boots to userspace" booted patched-overlong

# KASAN: an extra net, when make check (all-kernels) has built the variants.
# KASAN sees only reads that leave the skb's allocation, so the pristine
# kernel's silence proves nothing; the values show its bugs as before.
kasan() { ! con "$1" | grep -q 'BUG: KASAN'; }
if [ -f "$(kernel_of netboot-kasan)" ] && [ -f "$(kernel_of patched-kasan)" ]; then
	pair mid 90 netboot-kasan patched-kasan
	bug netboot-kasan-mid mask 255.255.255.0 '^0\.3\.1\.0$' "netboot-kasan, mid: the mask bug shows under KASAN too"
	con netboot-kasan-mid | grep -q 'BUG: KASAN' && diag "netboot-kasan, mid: KASAN reported: $(con netboot-kasan-mid | grep -m1 'BUG: KASAN')"
	expect patched-kasan-mid mask 255.255.255.0 "patched-kasan, mid: good mask kept"
	check "patched-kasan, mid: no KASAN report" kasan patched-kasan-mid
	check "patched-kasan, mid: boots to userspace" booted patched-kasan-mid
	pair end-mask 90 netboot-kasan patched-kasan
	check "patched-kasan, end-mask: no KASAN report" kasan patched-kasan-end-mask
	check "patched-kasan, end-mask: boots to userspace" booted patched-kasan-end-mask
	pair overlong 90 netboot-kasan patched-kasan
	check "netboot-kasan, overlong: no KASAN report" kasan netboot-kasan-overlong
	check "patched-kasan, overlong: no KASAN report" kasan patched-kasan-overlong
else
	skip "KASAN boots" "netboot-kasan and patched-kasan not built (make kernel VARIANT=netboot-kasan etc.)"
fi

tap_done
