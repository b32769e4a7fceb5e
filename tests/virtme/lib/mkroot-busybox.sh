#!/usr/bin/env bash
# mkroot-busybox.sh DIR [INITRD]
#
# Interim root builder for the harness (mkroot, a later issue, replaces it):
# a busybox-static root in DIR whose /sbin/init reports the boot marker on
# the console and then ends the run.  With INITRD, also write a gzipped
# ext2 image of the same root there (mke2fs -d: no loop device, no mount).
# Builds into a temporary sibling and renames, so DIR is never half-made.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: mkroot-busybox.sh DIR [INITRD]" >&2
	exit 2
fi
dir=$1 initrd=${2:-}
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "mkroot-busybox: $busybox not found (package busybox-static)" >&2; exit 1; }
if ! file_out=$(LC_ALL=C od -An -c -N4 "$busybox" | tr -d ' ') || [ "$file_out" != "177ELF" ]; then
	echo "mkroot-busybox: $busybox is not an ELF binary" >&2
	exit 1
fi

parent=$(dirname "$dir")
mkdir -p "$parent"
tmp=$(mktemp -d "$parent/.mkroot.XXXXXX")
scratch=$(mktemp -d "$parent/.mkroot-img.XXXXXX")
trap 'rm -rf "$tmp" "$scratch"' EXIT
chmod 755 "$tmp"

mkdir -p "$tmp"/{bin,sbin,etc,proc,sys,dev,tmp,root,mnt}
chmod 1777 "$tmp/tmp"
cp "$busybox" "$tmp/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -sf busybox "$tmp/bin/$applet"
done
# The kernel opens /dev/console for init before devtmpfs is mounted on an
# NFS root with DEVTMPFS_MOUNT only if the node exists; create it.
mknod -m 600 "$tmp/dev/console" c 5 1
mknod -m 666 "$tmp/dev/null" c 1 3

cat >"$tmp/sbin/init" <<'INIT'
#!/bin/sh
# vboot node init: report that userspace was reached, then end the run.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
marker=$(sed -n 's/.*vboot\.marker=\([A-Za-z0-9._-]*\).*/\1/p' /proc/cmdline)
echo "vboot: root is $(awk '$2 == "/" { print $1 " (" $3 ")"; exit }' /proc/mounts)"
echo "vboot: address $(ip -4 -o addr show scope global 2>/dev/null | awk '{ print $2 " " $4; exit }')"
echo "VBOOT-USERSPACE-OK $marker"
if grep -q 'vboot\.interactive=1' /proc/cmdline; then
	echo "vboot: node shell on the console; 'exit' (or Ctrl-D) ends the run"
	setsid cttyhack sh -l
fi
sync
reboot -f
INIT
chmod 755 "$tmp/sbin/init"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$tmp/etc/passwd"
printf 'root:x:0:\n' >"$tmp/etc/group"
printf 'PS1="vboot-node:\\w# "\nexport PS1\n' >"$tmp/etc/profile"

if [ -n "$initrd" ]; then
	mke2fs -q -F -t ext2 -L vboot-root -N 512 -d "$tmp" "$scratch/img" 8M >"$scratch/log" 2>&1 ||
		{ cat "$scratch/log" >&2; echo "mkroot-busybox: mke2fs failed" >&2; exit 1; }
	gzip -9 -n -c "$scratch/img" >"$scratch/img.gz"
	mv -f "$scratch/img.gz" "$initrd"
fi

rm -rf "$dir.old"
[ -e "$dir" ] && mv "$dir" "$dir.old"
mv "$tmp" "$dir"
rm -rf "$dir.old"
rm -rf "$scratch"
trap - EXIT
echo "mkroot-busybox: root in $dir${initrd:+, initrd $initrd}"
