#!/usr/bin/env bash
# The arm64 nodes' busybox (Debian's busybox-static:arm64) comes from make
# deps (scripts/arm64-busybox.sh), never from a vboot run: the script is a
# no-op without apt when the binary is there, and vboot --arch arm64 without
# it stops before anything starts, saying to run make deps.
set -u
. "$(dirname "$0")/../lib/tap.sh"
VB=$TAP_TOP/tests/virtme/vboot
FETCH=$TAP_TOP/scripts/arm64-busybox.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

version=$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null) || version=
if [ -z "$version" ]; then
	skip "arm64 busybox" "busybox-static not installed"
	tap_done
	exit
fi

# An apt-get and a dpkg-deb that only record that they ran.
mkdir -p "$T/stub" "$T/cache/busybox-$version/bin"
for t in apt-get dpkg-deb; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/ran"\nexit 1\n' "$t" "$T" >"$T/stub/$t"
	chmod +x "$T/stub/$t"
done
printf '#!/bin/sh\nexit 0\n' >"$T/cache/busybox-$version/bin/busybox"
chmod +x "$T/cache/busybox-$version/bin/busybox"

expect_status 0 "arm64-busybox.sh with the binary there" env PATH="$T/stub:$PATH" "$FETCH" "$T/cache"
check "  ... prints its path" test "$OUT" = "$T/cache/busybox-$version/bin/busybox"
check "  ... and runs neither apt-get nor dpkg-deb" test ! -e "$T/ran"

# The host's busybox version picks the directory: another version's does
# not count (it would need a fetch: the stub apt-get fails, and says so).
mv "$T/cache/busybox-$version" "$T/cache/busybox-0.1-old"
expect_status 1 "arm64-busybox.sh with only another version there (apt-get fails here)" \
	env PATH="$T/stub:$PATH" "$FETCH" "$T/cache"
check "  ... tried apt-get" grep -q '^apt-get .*update' "$T/ran"
contains "$OUT" "arm64-busybox: apt-get update (arm64 lists) failed" "  ... and says which step failed"
check "  ... leaving no half-fetched directory" test -z "$(find "$T/cache" -mindepth 1 -maxdepth 1 -name '.fetch.*')"

# vboot: the check comes with the other tools' (before the kernel, which
# here does not exist: reaching it would be exit 3).
if [ "$(id -u)" = 0 ]; then
	expect_status 4 "vboot --arch arm64 without the arm64 busybox: a setup error" \
		env VB_ARM64_CACHE="$T/none" "$VB" --arch arm64 --boot direct --kernel "$T/no-kernel"
	contains "$OUT" "busybox-static:arm64 $version is missing: no $T/none/busybox-$version/bin/busybox" "  ... naming the file"
	contains "$OUT" "run 'make deps'" "  ... and the fix"
	mv "$T/cache/busybox-0.1-old" "$T/cache/busybox-$version"
	expect_status 3 "with it there, vboot goes on (to the missing kernel)" \
		env VB_ARM64_CACHE="$T/cache" "$VB" --arch arm64 --boot direct --kernel "$T/no-kernel"
	contains "$OUT" "--kernel $T/no-kernel: no such file" "  ... which it names"
else
	skip "vboot's arm64 busybox check" "vboot needs root"
fi

tap_done
