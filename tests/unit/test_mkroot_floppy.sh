#!/usr/bin/env bash
# mkroot --floppy: the seed's boot diskette (SYSLINUX, iPXE's ipxe.lkrn) as
# an ordinary image file, checked with the tools that read it (mtools,
# fsck.fat), byte for byte reproducible, and bad inputs that must fail
# without leaving anything behind.
set -u
. "$(dirname "$0")/../lib/tap.sh"
M=$TAP_TOP/build/t/mkroot
[ -x "$M" ] || M=$TAP_TOP/build/bin/mkroot
ROOTS=$TAP_TOP/userspace/mkroot/roots
LKRN=/usr/lib/ipxe/ipxe.lkrn
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
leftovers() { find "$1" -maxdepth 1 -name '.*mkroot*' | head -n 3; }

if ! command -v mformat >/dev/null || ! command -v syslinux >/dev/null || [ ! -f "$LKRN" ]; then
	skip "boot diskette" "mtools, syslinux or ipxe missing (make deps)"
	tap_done
	exit 0
fi
# The writer must not need root: run it as nobody where we can.
AS=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 0777 "$T"
	AS=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
fi

expect_status 0 "vboot's diskette spec builds (as $([ ${#AS[@]} -gt 0 ] && echo nobody || id -un))" \
	"${AS[@]}" "$M" --floppy "$T/fd.img" --label IPXE -D IPXE=/usr/lib/ipxe "$ROOTS/ipxe-floppy.spec"
check "the image is a 1.44 MB diskette (1474560 bytes)" test "$(stat -c %s "$T/fd.img" 2>/dev/null)" = 1474560
dir=$(mdir -a -i "$T/fd.img" :: 2>&1)
contains "$dir" "ipxe.lkrn" "mdir lists ipxe.lkrn (long name)"
contains "$dir" "syslinux cfg" "mdir lists syslinux.cfg"
contains "$dir" "ldlinux  sys" "SYSLINUX installed ldlinux.sys"
contains "$dir" "ldlinux  c32" "  ... and ldlinux.c32"
contains "$dir" "Volume Serial Number is 0000-0000" "fixed volume serial number"
contains "$dir" "1980-01-01" "time stamps: no SOURCE_DATE_EPOCH gives FAT's first day"
cfg=$(mtype -i "$T/fd.img" ::syslinux.cfg 2>&1)
check "syslinux.cfg boots ipxe.lkrn with LINUX (.lkrn is no known extension)" grep -qx '  LINUX ipxe.lkrn' <<<"$cfg"
check "  ... and its APPEND line carries the iPXE script" \
	grep -qxF '  APPEND dhcp && chain tftp://${next-server}/${filename}' <<<"$cfg"
mcopy -n -i "$T/fd.img" ::ipxe.lkrn "$T/lkrn.out" 2>/dev/null
check "ipxe.lkrn on the diskette is Debian's, byte for byte" cmp -s "$LKRN" "$T/lkrn.out"
check "the boot sector is SYSLINUX's (OEM name, 0x55AA)" \
	test "$(dd if="$T/fd.img" bs=1 skip=3 count=8 2>/dev/null)" = SYSLINUX -a \
	"$(od -An -tx1 -j510 -N2 "$T/fd.img" | tr -d ' ')" = 55aa
check "fsck.fat finds no errors" sh -c "fsck.fat -n '$T/fd.img' >/dev/null 2>&1"

# ---- determinism: the same inputs give the same bytes, at any time of
# day, in any time zone; a different SOURCE_DATE_EPOCH shows in the image.
sleep 1
TZ=America/New_York "$M" --floppy "$T/fd2.img" --label IPXE -D IPXE=/usr/lib/ipxe "$ROOTS/ipxe-floppy.spec"
check "determinism: rebuilt later in another time zone, byte-identical" cmp -s "$T/fd.img" "$T/fd2.img"
SOURCE_DATE_EPOCH=1700000000 "$M" --floppy "$T/fd3.img" --label IPXE -D IPXE=/usr/lib/ipxe "$ROOTS/ipxe-floppy.spec"
check "SOURCE_DATE_EPOCH=1700000000 dates the files 2023-11-14 (UTC)" \
	sh -c "mdir -a -i '$T/fd3.img' :: | grep -q 'ldlinux  sys .*2023-11-14'"
SOURCE_DATE_EPOCH=1700000000 TZ=Asia/Tokyo "$M" --floppy "$T/fd4.img" --label IPXE -D IPXE=/usr/lib/ipxe \
	"$ROOTS/ipxe-floppy.spec"
check "  ... and the same epoch in Tokyo gives the same bytes" cmp -s "$T/fd3.img" "$T/fd4.img"

# ---- subdirectories and a custom config
mkdir -p "$T/src"
printf 'x\n' >"$T/src/x"
cat >"$T/sub.spec" <<SPEC
text /syslinux.cfg 0644 0 0 <<END
DEFAULT x
END
file /boot/deep/x $T/src/x 0644 0 0
SPEC
expect_status 0 "a tree with subdirectories" "$M" --floppy "$T/sub.img" "$T/sub.spec"
check "  ... mdir finds /boot/deep/x" sh -c "mdir -i '$T/sub.img' ::boot/deep 2>/dev/null | grep -q '^x '"

# ---- bad inputs fail with a reason and leave nothing behind
printf 'text /readme 0644 0 0 <<END\nhi\nEND\n' >"$T/nocfg.spec"
expect_status 1 "no /syslinux.cfg: refused" "$M" --floppy "$T/nocfg.img" "$T/nocfg.spec"
contains "$OUT" "needs /syslinux.cfg" "  ... saying what is missing"
printf 'text /syslinux.cfg 0644 0 0 <<END\nDEFAULT x\nEND\nslink /l x 0777 0 0\n' >"$T/link.spec"
expect_status 1 "a symbolic link: refused (FAT has none)" "$M" --floppy "$T/link.img" "$T/link.spec"
contains "$OUT" "/l (from" "  ... naming the entry and its spec line"
head -c 1600000 /dev/urandom >"$T/src/big"
printf 'text /syslinux.cfg 0644 0 0 <<END\nDEFAULT x\nEND\nfile /big %s 0644 0 0\n' "$T/src/big" >"$T/big.spec"
expect_status 1 "more than a diskette holds: mcopy fails, mkroot says so" "$M" --floppy "$T/big.img" "$T/big.spec"
contains "$OUT" "1.44 MB" "  ... in words"
check "  ... and nothing is left behind" test ! -e "$T/big.img" -a -z "$(leftovers "$T")"
expect_status 1 "a volume label FAT cannot hold: refused" \
	"$M" --floppy "$T/lab.img" --label "much-too-long-label" "$ROOTS/ipxe-floppy.spec" -D IPXE=/usr/lib/ipxe
expect_status 1 "ldlinux.sys in the spec: refused (SYSLINUX writes it)" \
	"$M" --floppy "$T/ld.img" "$T/sub.spec" <(printf 'file /ldlinux.sys %s 0644 0 0\n' "$T/src/x")
check "no failed run left an image or a temporary" \
	sh -c "test -z \"\$(ls '$T' | grep -E '^(nocfg|link|big|lab|ld)\.img')\" && test -z \"\$(find '$T' -maxdepth 1 -name '.*mkroot*')\""
expect_status 0 "--help" "$M" --help
contains "$OUT" "--floppy FILE" "  ... lists the diskette output"

tap_done
