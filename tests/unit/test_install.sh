#!/usr/bin/env bash
# make install: vboot works from the installed layout (no source tree).
set -u
. "$(dirname "$0")/../lib/tap.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

expect_status 0 "make install into a DESTDIR" make -s --no-print-directory -C "$TAP_TOP" install DESTDIR="$T" PREFIX=/opt/nbt
for f in bin/vboot bin/vboot-console lib/netboot-toolkit/vboot/common.sh share/man/man1/vboot.1 \
	share/man/man1/mkroot.1 share/man/man1/kcmerge.1 share/man/man8/netbootd.8; do
	check "installed $f" test -e "$T/opt/nbt/$f"
done
for f in bin/vboot bin/vboot-console bin/mkroot bin/kcmerge sbin/netbootd; do
	check "installed $f is executable" test -x "$T/opt/nbt/$f"
done
check "netbootd is in sbin, not bin" test ! -e "$T/opt/nbt/bin/netbootd"
# ipconfig-keeper: static (it goes into node roots as it is), with its page
check "installed sbin/ipconfig-keeper is executable" test -x "$T/opt/nbt/sbin/ipconfig-keeper"
check "installed share/man/man8/ipconfig-keeper.8" test -e "$T/opt/nbt/share/man/man8/ipconfig-keeper.8"
check "installed ipconfig-keeper is static (no ELF interpreter)" \
	sh -c "! readelf -lW '$T/opt/nbt/sbin/ipconfig-keeper' | grep -q INTERP"
# The installed programs run, not just exist.
expect_status 0 "installed netbootd --help" "$T/opt/nbt/sbin/netbootd" --help
expect_status 0 "installed kcmerge --help" "$T/opt/nbt/bin/kcmerge" --help
contains "$OUT" "--ksrc DIR" "kcmerge --help names the kernel tree it needs"
# kcmerge reads a kernel tree at run time: without one it must say so.
expect_status 4 "installed kcmerge without a kernel tree" \
	env KSRC="$T/no-tree" "$T/opt/nbt/bin/kcmerge" -q -O "$T/kc" "$TAP_TOP/kernel/configs/netboot.config"
contains "$OUT" "is not a kernel source tree" "the message says why"
# Run it from a copy outside the source tree, so it must find its library.
expect_status 0 "installed vboot --help" "$T/opt/nbt/bin/vboot" --help
expect_status 3 "installed vboot wants --kernel outside the source tree" \
	env HOME="$T/home" "$T/opt/nbt/bin/vboot" --proto static
contains "$OUT" "--kernel is required outside the netboot toolkit's source tree" "the message says why"
if command -v man >/dev/null; then
	check "the man page renders" sh -c "man -l '$T/opt/nbt/share/man/man1/vboot.1' 2>/dev/null | grep -q 'EXIT STATUS'"
	check "netbootd.8 renders" sh -c "man -l '$T/opt/nbt/share/man/man8/netbootd.8' 2>/dev/null | grep -q 'ipxe-boot-file'"
	check "kcmerge.1 renders" sh -c "man -l '$T/opt/nbt/share/man/man1/kcmerge.1' 2>/dev/null | grep -q 'at run time'"
else
	skip "the man page renders" "man-db not installed"
fi
expect_status 0 "make uninstall" make -s --no-print-directory -C "$TAP_TOP" uninstall DESTDIR="$T" PREFIX=/opt/nbt
for f in bin/vboot bin/kcmerge bin/mkroot sbin/netbootd share/man/man8/netbootd.8 share/man/man1/kcmerge.1 \
	sbin/ipconfig-keeper share/man/man8/ipconfig-keeper.8; do
	check "uninstall removed $f" test ! -e "$T/opt/nbt/$f"
done

tap_done
