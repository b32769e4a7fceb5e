#!/usr/bin/env bash
# make install: vboot works from the installed layout (no source tree).
set -u
. "$(dirname "$0")/../lib/tap.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

expect_status 0 "make install into a DESTDIR" make -s --no-print-directory -C "$TAP_TOP" install DESTDIR="$T" PREFIX=/opt/nbt
for f in bin/vboot bin/vboot-console lib/netboot-toolkit/vboot/common.sh share/man/man1/vboot.1; do
	check "installed $f" test -e "$T/opt/nbt/$f"
done
check "installed vboot is executable" test -x "$T/opt/nbt/bin/vboot"
# Run it from a copy outside the source tree, so it must find its library.
expect_status 0 "installed vboot --help" "$T/opt/nbt/bin/vboot" --help
expect_status 3 "installed vboot wants --kernel outside the source tree" \
	env HOME="$T/home" "$T/opt/nbt/bin/vboot" --proto static
contains "$OUT" "--kernel is required outside the netboot toolkit's source tree" "the message says why"
if command -v man >/dev/null; then
	check "the man page renders" sh -c "man -l '$T/opt/nbt/share/man/man1/vboot.1' 2>/dev/null | grep -q 'EXIT STATUS'"
else
	skip "the man page renders" "man-db not installed"
fi
expect_status 0 "make uninstall" make -s --no-print-directory -C "$TAP_TOP" uninstall DESTDIR="$T" PREFIX=/opt/nbt
check "uninstall removed vboot" test ! -e "$T/opt/nbt/bin/vboot"

tap_done
