#!/usr/bin/env bash
# test_fresh_checkout.sh - a checkout on a machine that has never built it:
# no extracted kernel tree, no kcmerge objects.  `make kernel-src` then the
# programs must work in one make run (make caches the tree's directories
# as missing before the extraction; an implicit rule looking there failed
# with "No rule to make target .../lkc/confdata.o"), also with -j2 (the
# tree is extracted once, under a lock).  Full mode only: about a minute.
set -u
. "$(dirname "$0")/../lib/tap.sh"
if [ "${NBT_TEST_MODE:-full}" = quick ]; then
	skip "fresh checkout build" "full mode only (make check)"
	tap_done
	exit
fi
if [ "$(id -u)" != 0 ] || ! git -C "$TAP_TOP" rev-parse --git-dir >/dev/null 2>&1; then
	skip "fresh checkout build" "needs root (make deps) and a git checkout"
	tap_done
	exit
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/src"
# The tracked files as they are now, without build/ or the cache.
git -C "$TAP_TOP" ls-files -z | (cd "$TAP_TOP" && tar --null -cf - -T -) | tar -xf - -C "$T/src"
ok $? "copied the tracked files"

run_make() { NETBOOT_CACHE="$T/cache" make -C "$T/src" --no-print-directory "$@" >"$T/make.log" 2>&1; }
run_make -j2 kernel-src "$T/src/build/bin/kcmerge"
ok $? "make -j2 kernel-src kcmerge on a fresh checkout with no kernel tree"
grep -E 'No rule|Error' "$T/make.log" | head -n 3 | sed 's/^/#   /'
n=$(grep -c 'kernel-src: extracting' "$T/make.log")
[ "$n" = 1 ]
ok $? "the tree was extracted exactly once (${n}x)"
check "the extracted tree is complete" test -f "$T/cache/src/linux-source-6.1/scripts/kconfig/confdata.c"
expect_status 0 "the fresh kcmerge runs" "$T/src/build/bin/kcmerge" --help
run_make kernel-src
ok $? "a second make kernel-src succeeds"
! grep -q "kernel-src: extracting" "$T/make.log"
ok $? "and does not extract again"
tap_done
