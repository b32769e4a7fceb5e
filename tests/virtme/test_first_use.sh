#!/usr/bin/env bash
# test_first_use.sh - the README's two commands, and every documented
# vboot form, on their first use in a fresh clone: the tracked files copied
# into an empty directory (no build/), the kernel tree and ccache shared
# with this tree (NETBOOT_CACHE), so the kernels come from ccache rather
# than a cold build.
#
# This is what a newcomer does.  It caught `make boot` failing on a fresh
# clone ("No rule to make target 'build/bin/netbootd'": vboot asked for a
# relative target the Makefile did not have) and `vboot --variant modular
# --root minix` failing on first use (the modules' build message was read
# as the modules' path, and mkroot's failure was not noticed, so QEMU ran
# without an initrd).  Every other run had these things built already.
# It works in a clone of its own (its own build/, its own runs): it runs
# next to the serial suites in make check (tests/run-tests.sh).
# run-tests: concurrent
set -u
. "$(dirname "$0")/../lib/tap.sh"
if [ "$(id -u)" != 0 ] || ! git -C "$TAP_TOP" rev-parse --git-dir >/dev/null 2>&1; then
	skip "first use in a fresh clone" "needs root (vboot) and a git checkout"
	tap_done
	exit
fi
T=$(mktemp -d /tmp/nbt-first-use.XXXXXX)
trap 'rm -rf "$T"' EXIT
# Like any clone: other users may read it (some suites build as nobody).
chmod 755 "$T"
C=$T/clone
mkdir -p "$C" "$T/logs"
# The tracked files as they are in this tree now (uncommitted edits too).
git -C "$TAP_TOP" ls-files -z | (cd "$TAP_TOP" && tar --null -cf - -T -) | tar -xf - -C "$C"
ok $? "a fresh clone: the tracked files, no build/"

elapsed() { echo $(($(date +%s) - $1)); }

# 1. make boot, as the README says, without a terminal (CI, a pipe).
start=$(date +%s)
make -C "$C" --no-print-directory boot </dev/null >"$T/logs/make-boot.log" 2>&1
rc=$?
ok $rc "make boot passes on a fresh clone ($(elapsed "$start") s)"
[ "$rc" = 0 ] || grep -E 'No rule|setup failed|FAIL|Error' "$T/logs/make-boot.log" | head -n 5 | sed 's/^/#   /'
check "make boot printed the PASS line" grep -q 'vboot: direct-dhcp-nfs3-virtio: PASS (init marker seen)' "$T/logs/make-boot.log"
# The kernel build says how far it is: a fraction and the time left when a
# full build of the variant was counted before, else that it is the first.
check "the kernel build showed its progress" \
	grep -qE 'kbuild:   ([0-9]+/[0-9]+ objects \([0-9]+%\), .* about .* left|first build of this variant here)' \
	"$T/logs/make-boot.log"

# 2. Every documented vboot form, each the first use of what it needs in
# this clone: a kernel variant (built from ccache), its modules, a RAM
# disk, a MINIX floppy, an initramfs, the PXE and iPXE TFTP trees, the
# reference servers, the boot diskette.  The form from the issue report
# comes first.  Not here: the forms whose first use is another cold-ish
# kernel variant (--variant efi for --firmware uefi, patched): the matrix
# and their suites boot them, and the modular variant above already proves
# that a variant is built on first use.
VBOOT=$C/tests/virtme/vboot
form() {
	local desc=$1 start rc
	shift
	start=$(date +%s)
	"$VBOOT" --timeout 240 --log "$T/logs/$desc" "$@" >"$T/logs/$desc.out" 2>&1 </dev/null
	rc=$?
	ok $rc "vboot $* on first use ($(elapsed "$start") s)"
	[ "$rc" = 0 ] || tail -n 4 "$T/logs/$desc.out" | sed 's/^/#   /'
}
form modular-minix --variant modular --root minix
form initramfs --root initramfs --nic e100
form pxe-initrd --boot pxe --nic e1000 --root initrd
form ipxe --boot ipxe --nic e100
form rarp --proto rarp --nic e100
form bootp --proto bootp
form static-nfs4 --proto static --root nfs4
form dnsmasq-pxe --boot pxe --nic e1000 --server dnsmasq
form floppy --boot floppy --nic e1000

# 3. A step that fails while preparing a run is a setup error (exit 4)
# with that step's message, never a verdict about the node.
spec=$C/userspace/mkroot/roots/busybox.spec
cp "$spec" "$T/busybox.spec.orig"
echo "file  /broken $T/no-such-file 0644 0 0" >>"$spec"
"$VBOOT" --timeout 60 --log "$T/logs/broken-spec" >"$T/logs/broken-spec.out" 2>&1 </dev/null
rc=$?
[ "$rc" = 4 ]
ok $? "a root that mkroot cannot build is a setup error, exit 4 (got $rc)"
check "naming mkroot's own message" grep -q "setup failed: mkroot could not build the busybox root: .*no-such-file" \
	"$T/logs/broken-spec.out"
! grep -q 'qemu' "$T/logs/broken-spec/qemu.cmdline" 2>/dev/null
ok $? "and no node was started"
cp "$T/busybox.spec.orig" "$spec"
"$VBOOT" --timeout 60 --log "$T/logs/dead-server" --server-cmd 'exit 1' >"$T/logs/dead-server.out" 2>&1 </dev/null
rc=$?
[ "$rc" = 4 ]
ok $? "a boot server that does not start is a setup error, exit 4 (got $rc)"
check "the summary line names the step" grep -q 'SETUP-ERROR (setup failed: --server-cmd exited at once)' \
	"$T/logs/dead-server.out"

# 4. make check-quick, in the same clone.  Inside make check (full mode)
# the same quick suites run in the tree that runs this one, which in CI
# is itself a fresh clone (.ci/run); running them here again cost about
# 290 s of CPU next to the serial suites.  There the clone must only
# resolve check-quick's targets (make -n: no "No rule to make target").
# Run by hand, or in check-quick's own mode, it runs them all.
if [ "${NBT_TEST_MODE:-}" = full ]; then
	make -C "$C" --no-print-directory -n check-quick </dev/null >"$T/logs/check-quick.log" 2>&1
	ok $? "make -n check-quick resolves every target on the fresh clone (the suites run in this make check)"
else
	start=$(date +%s)
	make -C "$C" --no-print-directory check-quick </dev/null >"$T/logs/check-quick.log" 2>&1
	rc=$?
	last=$(tail -n 1 "$T/logs/check-quick.log")
	ok $rc "make check-quick passes on the fresh clone ($(elapsed "$start") s): $last"
	[[ $last =~ ^[0-9]+\ passed,\ 0\ failed ]]
	ok $? "and its last line is the summary with no failure"
fi
[ "$TAP_FAILED" = 0 ] || cp -r "$T/logs" "$TAP_TOP/build/logs/first-use" 2>/dev/null
tap_done
