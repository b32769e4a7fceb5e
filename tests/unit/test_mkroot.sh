#!/usr/bin/env bash
# mkroot as a black box (its sanitizer build): the harness's roots, images
# checked with the tools that read them (cpio, debugfs, e2fsck,
# fsck.minix), the ELF walker against ldd on real binaries and against
# broken ones, determinism, and bad inputs that must leave nothing behind.
set -u
. "$(dirname "$0")/../lib/tap.sh"
M=$TAP_TOP/build/t/mkroot
[ -x "$M" ] || M=$TAP_TOP/build/bin/mkroot
ROOTS=$TAP_TOP/userspace/mkroot/roots
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# leftovers DIR: temporary files or directories mkroot may have left.
leftovers() { find "$1" -maxdepth 1 -name '.*mkroot*' | head -n 3; }

cat >"$T/t.spec" <<'SPEC'
# owners, modes, device nodes and links that an ordinary user cannot create
dir   /home/u 0750 1000 100
dir   /tmp 1777 0 0   # sticky; a word starting with # begins a comment
nod   /dev/console 0600 0 0 c 5 1
nod   /dev/fd0 0660 0 6 b 2 0
file  /sbin/sash /bin/sash 4755 0 0
slink /bin/sh /sbin/sash 0777 0 0
text  /etc/inittab 0644 0 0 <<END
id:1:initdefault:
1:1:respawn:/sbin/sash
END
text  /home/u/note 0640 1000 100 <<END
${NOT_EXPANDED_IN_TEXT}
END
SPEC

# ---- the harness's busybox root, all four outputs at once
expect_status 0 "busybox root: directory, initrd, initramfs and MINIX image" \
	"$M" --dir "$T/root" --initrd "$T/initrd.gz" --label vboot-root --initramfs "$T/ir.gz" \
	--minix "$T/fd.img" "$ROOTS/busybox.spec"
check "init is executable and valid shell" sh -c "test -x '$T/root/sbin/init' && sh -n '$T/root/sbin/init'"
check "init prints the marker line" grep -q 'echo "VBOOT-USERSPACE-OK $marker"' "$T/root/sbin/init"
check "/bin/sh is busybox" test "$(readlink "$T/root/bin/sh")" = busybox
if [ "$(id -u)" = 0 ]; then
	check "/dev/console on disk is char 5,1 (as root)" \
		test "$(stat -c '%F %t,%T' "$T/root/dev/console")" = "character special file 5,1"
else
	skip "/dev/console on disk" "not root"
fi
check "root directory is 0755 (NFS export)" test "$(stat -c %a "$T/root")" = 755
gunzip -c "$T/initrd.gz" >"$T/img"
check "initrd: e2fsck finds no errors" sh -c "e2fsck -fn '$T/img' >/dev/null 2>&1"
check "initrd: label vboot-root" sh -c "dumpe2fs -h '$T/img' 2>/dev/null | grep -q 'Filesystem volume name:.*vboot-root'"
check "initrd: /sbin/init is 0755" sh -c "debugfs -R 'stat /sbin/init' '$T/img' 2>/dev/null | grep -q 'Mode:  0755'"
check "initrd: /dev/console is 5,1" \
	sh -c "debugfs -R 'stat /dev/console' '$T/img' 2>/dev/null | grep -q 'Device major/minor number: 05:01'"
check "MINIX image: fsck.minix finds no errors" sh -c "fsck.minix -fs '$T/fd.img' >/dev/null 2>&1"
"$M" --list "$ROOTS/busybox.spec" | awk '{ print $4 }' | grep -v '^/$' | sort >"$T/want.list"
fsck.minix -fl "$T/fd.img" 2>/dev/null | grep '^/' | sed 's/:$//' | sort >"$T/got.list"
check "MINIX image: fsck.minix lists exactly the spec's $(wc -l <"$T/want.list") paths" cmp -s "$T/want.list" "$T/got.list"

# ---- cpio: every entry's type, mode, owner and device number, as unpacked
expect_status 0 "test spec: initramfs, initrd and MINIX v2" \
	"$M" --initramfs "$T/t.cpio.gz" --initrd "$T/t.img.gz" --minix "$T/t.minix" --minix-version 2 "$T/t.spec"
check "cpio -t reads the archive" sh -c "gunzip -c '$T/t.cpio.gz' | cpio -t --quiet >'$T/cpio.t'"
check "cpio -t lists ./dev/console and home/u/note" \
	sh -c "grep -qx 'dev/console' '$T/cpio.t' && grep -qx 'home/u/note' '$T/cpio.t'"
"$M" --list "$T/t.spec" | while read -r y m o p dev; do
	[ "$y" != - ] || y=f
	case $y in c | b) echo "$y $(printf %o "$((8#$m))") $o $p $dev" ;; *) echo "$y $(printf %o "$((8#$m))") $o $p" ;; esac
done | sort >"$T/want"
if [ "$(id -u)" = 0 ]; then
	mkdir "$T/x"
	(cd "$T/x" && gunzip -c "$T/t.cpio.gz" | cpio -idm --quiet --no-absolute-filenames 2>/dev/null)
	(cd "$T/x" && find . -mindepth 0 -printf '%y %m %U:%G /%P %D\n' | while read -r y m o p _; do
		[ "$p" = / ] || p=${p%/}
		if [ "$y" = c ] || [ "$y" = b ]; then
			IFS=, read -r maj min < <(stat -c '%t,%T' ".$p")
			echo "$y $m $o $p $((16#$maj)),$((16#$min))"
		else
			echo "$y $m $o $p"
		fi
	done) | sort >"$T/got"
	check "cpio -idm: types, modes, owners, devices match the spec (setuid, sticky, 1000:100, c 5,1, b 2,0)" \
		cmp -s "$T/want" "$T/got"
	cmp -s "$T/want" "$T/got" || diff "$T/want" "$T/got" | head -n 10 | sed 's/^/#   /'
else
	skip "cpio -idm comparison" "needs root to create device nodes"
fi
check "cpio -tv shows the device numbers" \
	sh -c "gunzip -c '$T/t.cpio.gz' | cpio -tv --quiet 2>/dev/null | grep -Eq '^brw-rw---- .* 2, +0 .* dev/fd0\$'"
gunzip -c "$T/t.img.gz" >"$T/t.img"
check "ext2: the seed's sash inittab" \
	sh -c "debugfs -R 'cat /etc/inittab' '$T/t.img' 2>/dev/null | grep -qx '1:1:respawn:/sbin/sash'"
check "ext2: /home/u is 0750 owned by 1000:100" \
	sh -c "debugfs -R 'stat /home/u' '$T/t.img' 2>/dev/null | grep -q 'Mode:  0750' && debugfs -R 'stat /home/u' '$T/t.img' 2>/dev/null | grep -q 'User:  1000   Group:   100'"
check "ext2: /sbin/sash keeps its setuid bit" \
	sh -c "debugfs -R 'stat /sbin/sash' '$T/t.img' 2>/dev/null | grep -q 'Mode:  04755'"
check "text bodies are not expanded" grep -q 'NOT_EXPANDED_IN_TEXT' <(gunzip -c "$T/t.cpio.gz")
check "MINIX v2: fsck.minix finds no errors" sh -c "fsck.minix -fs '$T/t.minix' >/dev/null 2>&1"

# ---- determinism
sleep 1
"$M" --initramfs "$T/t2.cpio.gz" --initrd "$T/t2.img.gz" --minix "$T/t2.minix" --minix-version 2 "$T/t.spec"
check "determinism: initramfs rebuilt is byte-identical" cmp -s "$T/t.cpio.gz" "$T/t2.cpio.gz"
check "determinism: ext2 initrd rebuilt is byte-identical" cmp -s "$T/t.img.gz" "$T/t2.img.gz"
check "determinism: MINIX image rebuilt is byte-identical" cmp -s "$T/t.minix" "$T/t2.minix"
SOURCE_DATE_EPOCH=1700000000 "$M" --initramfs "$T/t3.cpio.gz" "$T/t.spec"
check "SOURCE_DATE_EPOCH is the time stamp of every member" \
	sh -c "! cmp -s '$T/t.cpio.gz' '$T/t3.cpio.gz' && gunzip -c '$T/t3.cpio.gz' | cpio -tv --quiet 2>/dev/null | grep -c 'Nov 14  2023' | grep -qx \"\$(gunzip -c '$T/t3.cpio.gz' | cpio -t --quiet | wc -l)\""

# ---- the ELF walker against ldd (ldd only as the reference here)
for prog in /usr/bin/qemu-system-x86_64 /usr/sbin/dnsmasq /sbin/insmod; do
	[ -x "$prog" ] || { skip "ELF walker on $prog" "not installed"; continue; }
	ldd "$prog" | awk '$2 == "=>" { print $3 } $1 ~ /^\// { print $1 }' | xargs -r readlink -f | sort -u >"$T/ldd"
	"$M" --list --add "$prog" | awk '$1 == "-" { print $4 }' | xargs -r readlink -f | sort -u |
		grep -vx "$(readlink -f "$prog")" >"$T/walk"
	check "ELF walker: $prog needs the same $(wc -l <"$T/ldd") files as ldd says" cmp -s "$T/ldd" "$T/walk"
	cmp -s "$T/ldd" "$T/walk" || diff "$T/ldd" "$T/walk" | head -n 5 | sed 's/^/#   /'
done
expect_status 0 "a static binary adds no libraries" "$M" --list --add /bin/busybox
check "  ... just itself" test "$(grep -c '^-' <<<"$OUT")" = 1

# ---- broken inputs: clear errors, nothing left behind, old outputs untouched
cp /bin/true "$T/broken"
perl -pi -e 's/libc\.so\.6/libq.so.6/g' "$T/broken"
echo old >"$T/keep.gz"
expect_status 1 "unresolvable library is an error" "$M" --initramfs "$T/keep.gz" --add "$T/broken"
contains "$OUT" "library libq.so.6 (DT_NEEDED) not found" "  ... naming the library"
check "  ... and the existing output is untouched" test "$(cat "$T/keep.gz")" = old
printf 'dir /x 0755 0 0\nadd %s\n' "$T/broken" >"$T/lib.spec"
expect_status 1 "unresolvable library in a spec is an error" "$M" --initramfs "$T/lib.gz" "$T/lib.spec"
contains "$OUT" "lib.spec:2: $T/broken: library libq.so.6 (DT_NEEDED) not found" "  ... with file:line"
check "  ... and leaves nothing behind" sh -c "test ! -e '$T/lib.gz' && test -z \"\$(find '$T' -maxdepth 1 -name '.*mkroot*')\""
head -c 300 /bin/true >"$T/truncated"
expect_status 1 "truncated ELF is an error" "$M" --list --add "$T/truncated"
contains "$OUT" "truncated" "  ... saying so"
printf 'dir /x 0755 0 0\nfile /bin/nosuch /no/such/file 0755 0 0\n' >"$T/missing.spec"
expect_status 1 "missing file is an error" "$M" --dir "$T/out-missing" --initramfs "$T/out-missing.gz" "$T/missing.spec"
contains "$OUT" "missing.spec:2: /no/such/file: No such file or directory" "  ... with file:line"
check "  ... and leaves nothing behind" sh -c "test ! -e '$T/out-missing' && test ! -e '$T/out-missing.gz' && test -z \"\$(find '$T' -maxdepth 1 -name '.*mkroot*')\""
printf 'dir /x 0755 0 0\n\ndir /y 0999 0 0\n' >"$T/mode.spec"
expect_status 1 "bad mode is an error" "$M" --list "$T/mode.spec"
contains "$OUT" "mode.spec:3: bad mode '0999'" "  ... with file:line"
printf 'file /m ${MODULES}/minix.ko 0644 0 0\n' >"$T/var.spec"
expect_status 1 "undefined variable is an error" "$M" --list "$T/var.spec"
contains "$OUT" "var.spec:1: undefined variable \${MODULES}" "  ... with file:line"
expect_status 1 "unwritable output directory is an error" "$M" --initramfs /sys/mkroot-test.cpio.gz "$T/t.spec"
contains "$OUT" "/sys/mkroot-test.cpio.gz: cannot create a file there" "  ... naming the output"
expect_status 1 "output in a missing directory is an error" "$M" --dir "$T/no/such/dir/root" "$T/t.spec"
check "  ... and leaves nothing behind" test -z "$(leftovers "$T")"
expect_status 1 "all or nothing: a MINIX image too small fails the whole run" \
	"$M" --initramfs "$T/allornothing.gz" --minix "$T/allornothing.img" --minix-size 100 "$ROOTS/busybox.spec"
check "  ... and the initramfs that was fine is not there either" \
	sh -c "test ! -e '$T/allornothing.gz' && test ! -e '$T/allornothing.img' && test -z \"\$(find '$T' -maxdepth 1 -name '.*mkroot*')\""
mkdir "$T/sig"
"$M" --initrd "$T/sig/big.gz" --initrd-size 400000 "$ROOTS/busybox.spec" 2>/dev/null &
pid=$!
for _ in $(seq 100); do [ -n "$(find "$T/sig" -name '.*mkroot*')" ] && break; sleep 0.05; done
seen=$(find "$T/sig" -name '.*mkroot*' | wc -l)
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
check "SIGTERM while writing: mkroot dies of it (saw $seen temporaries, status $rc)" test "$seen" -gt 0 -a "$rc" = 143
check "  ... and removes its temporaries" test -z "$(ls -A "$T/sig")"
expect_status 2 "no output is a usage error" "$M" "$T/t.spec"
expect_status 0 "--help" "$M" --help
contains "$OUT" "--minix FILE" "  ... lists the MINIX output"

tap_done
