#!/usr/bin/env bash
# mkroot's `busybox SOURCE DIR LISTER` (arm64 roots): a busybox that cannot
# run here gets its applet links from LISTER, the same busybox version
# built for this host, and mkroot refuses a LISTER of another version.
# The "foreign" busybox is the host's own with its ELF machine changed, so
# that it cannot execute: no arm64 download is needed.
set -u
. "$(dirname "$0")/../lib/tap.sh"
M=$TAP_TOP/build/t/mkroot
[ -x "$M" ] || M=$TAP_TOP/build/bin/mkroot
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if [ ! -x /bin/busybox ]; then
	skip "busybox LISTER" "busybox-static not installed"
	tap_done
	exit
fi
cp /bin/busybox "$T/foreign-busybox"
# e_machine (offset 18, 2 bytes) = 0xb7 (EM_AARCH64)
printf '\267\000' | dd of="$T/foreign-busybox" bs=1 seek=18 conv=notrunc status=none
chmod 755 "$T/foreign-busybox"
! "$T/foreign-busybox" --list >/dev/null 2>&1
check "the doctored busybox cannot run here" test $? -eq 0

printf 'dir /bin 0755 0 0\nbusybox ${BB} /bin\n' >"$T/plain.spec"
printf 'dir /bin 0755 0 0\nbusybox ${BB} /bin ${LISTER}\n' >"$T/lister.spec"
expect_status 1 "without LISTER a busybox that cannot run is refused" \
	"$M" --dir "$T/r0" -D BB="$T/foreign-busybox" "$T/plain.spec"
contains "$OUT" "--list failed" "the error says the listing failed"

expect_status 0 "with LISTER (the host's busybox, same version) the root is built" \
	"$M" --dir "$T/r1" -D BB="$T/foreign-busybox" -D LISTER=/bin/busybox "$T/lister.spec"
check "the foreign binary is what lands in the root" cmp -s "$T/foreign-busybox" "$T/r1/bin/busybox"
want=$(/bin/busybox --list | grep -vx busybox | grep -c .)
got=$(find "$T/r1/bin" -type l | wc -l)
check "one link per applet the lister names ($got of $want)" test "$got" = "$want"
check "/bin/sh links to busybox" test "$(readlink "$T/r1/bin/sh")" = busybox

if [ -x /bin/sash ]; then
	expect_status 1 "a LISTER that is not busybox is refused" \
		"$M" --dir "$T/r2" -D BB="$T/foreign-busybox" -D LISTER=/bin/sash "$T/lister.spec"
	contains "$OUT" "prints no BusyBox version" "the error says why"
fi
# A lister of another version: a shell script that prints another banner.
printf '#!/bin/sh\necho "BusyBox v0.99.0 (Debian 1:0.99-1) multi-call binary."\n' >"$T/old-busybox"
chmod 755 "$T/old-busybox"
expect_status 1 "a LISTER of another version is refused" \
	"$M" --dir "$T/r3" -D BB="$T/foreign-busybox" -D LISTER="$T/old-busybox" "$T/lister.spec"
contains "$OUT" "is not BusyBox v0.99.0 (Debian 1:0.99-1)" "the error names the version the binary lacks"
check "nothing was written for a refused root" test ! -e "$T/r3/bin/busybox"
tap_done
