#!/usr/bin/env bash
# The harness's interim root builder: a bootable busybox root and a gzipped
# ext2 image of it, made without mounting anything.
set -u
. "$(dirname "$0")/../lib/tap.sh"
M=$TAP_TOP/tests/virtme/lib/mkroot-busybox.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

expect_status 0 "builds a root and an initrd" "$M" "$T/root" "$T/initrd.gz"
check "init is executable" test -x "$T/root/sbin/init"
check "init is valid shell" sh -n "$T/root/sbin/init"
check "init prints the marker line" grep -q 'echo "VBOOT-USERSPACE-OK $marker"' "$T/root/sbin/init"
check "/bin/sh is busybox" test "$(readlink "$T/root/bin/sh")" = busybox
check "/dev/console is char 5,1" test "$(stat -c '%F %t,%T' "$T/root/dev/console")" = "character special file 5,1"
check "root directory is world-readable (NFS export)" test "$(stat -c %a "$T/root")" = 755
gunzip -c "$T/initrd.gz" >"$T/img" 2>/dev/null
check "initrd is a gzipped ext2 image" sh -c "dumpe2fs -h '$T/img' 2>/dev/null | grep -q 'Filesystem volume name:.*vboot-root'"
check "initrd holds /sbin/init" sh -c "debugfs -R 'stat /sbin/init' '$T/img' 2>/dev/null | grep -q 'Mode:  0755'"
check "initrd holds /dev/console" sh -c "debugfs -R 'stat /dev/console' '$T/img' 2>/dev/null | grep -q 'Device major/minor number: 05:01'"

expect_status 1 "a missing busybox is an error" env BUSYBOX=/nonexistent/busybox "$M" "$T/r2"
check "nothing is left behind on error" test ! -e "$T/r2"
check "no temporary directories left" test -z "$(find "$T" -maxdepth 1 -name '.mkroot*')"

tap_done
