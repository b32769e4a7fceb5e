#!/usr/bin/env bash
# The kernel/ipconfig KUnit suite on arm64: the patched tree cross-built
# with the suite (patched-kunit-arm64), booted the way a board boots it
# (QEMU virt, Debian's U-Boot, distro boot's boot.scr.uimg, booti), each
# KTAP case reported as one TAP line, exactly as test_ipconfig_kunit.sh
# does for x86.
KUNIT_VARIANT=patched-kunit-arm64 KUNIT_VBOOT_ARGS="--arch arm64 --boot uboot" \
	exec "$(dirname "$0")/test_ipconfig_kunit.sh"
