#!/usr/bin/env bash
# test_ipconfig_keeper_arm64.sh - the keeper for arm64 nodes: a static
# AArch64 executable (it goes into every arm64 node's root, which has no
# shared libraries to offer), whose own pure tests (timers, packets, lease
# file, netlink messages) pass when cross-built and run under qemu-aarch64
# (QEMU's user-mode emulator, run by name: no binfmt handler is installed).
set -u
. "$(dirname "$0")/../lib/tap.sh"
B=$TAP_TOP/build
K=$B/bin/arm64/ipconfig-keeper
if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
	skip "arm64 keeper" "needs gcc-aarch64-linux-gnu and qemu-user (make deps)"
	tap_done
	exit
fi
make -s --no-print-directory -C "$TAP_TOP" "$K" "$B/t/arm64/test_ipconfig_keeper_fsm" \
	"$B/t/arm64/test_ipconfig_keeper_codec" >&2
ok $? "make builds the arm64 keeper and its tests"
hdr=$(readelf -h "$K" 2>&1)
contains "$hdr" "AArch64" "the keeper is an AArch64 executable"
! readelf -l "$K" 2>/dev/null | grep -q -e INTERP -e DYNAMIC
ok $? "static: no program interpreter, no dynamic section"
out=$(qemu-aarch64 "$K" --help 2>&1)
contains "$out" "usage: ipconfig-keeper" "it runs on arm64 (qemu-aarch64): --help"
for t in fsm codec; do
	out=$(qemu-aarch64 "$B/t/arm64/test_ipconfig_keeper_$t" 2>&1)
	rc=$?
	n=$(grep -c '^ok ' <<<"$out")
	bad=$(grep -c '^not ok ' <<<"$out")
	[ "$rc" = 0 ] && [ "$bad" = 0 ] && [ "$n" -gt 0 ]
	ok $? "the keeper's $t tests pass on arm64 ($n passed, $bad failed)"
	[ "$bad" = 0 ] || grep '^not ok' <<<"$out" | head -n 5 | sed 's/^/#   /'
done
tap_done
