#!/usr/bin/env bash
# Boots of roots that mkroot builds (full suite: kernel builds and VMs):
#  - the modular kernel with the seed's MINIX flow: a RAM disk whose
#    linuxrc insmods minix.ko (kmod's insmod with the libraries the ELF
#    walker found), then root=/dev/fd0 on a MINIX floppy mkroot wrote;
#  - the modular kernel with an initramfs: modprobe e100, udhcpc, NFS root,
#    switch_root;
#  - a per-node NFS root at <dir>/<ip>/, chosen by the node itself from the
#    DHCP root-path template /tftpboot/%s;
#  - a shared read-only root plus a writable part per node, both by mkroot;
#  - a sash-only root, driven over the console.
set -u
. "$(dirname "$0")/../lib/tap.sh"
V=$TAP_TOP/tests/virtme/vboot
M=$TAP_TOP/build/bin/mkroot
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
make -s -C "$TAP_TOP" "$M" >/dev/null 2>&1

# boot NAME VBOOT-OPTIONS...: run vboot, logs in $T/NAME; sets $OUT and $CON.
boot() {
	local name=$1
	shift
	expect_status 0 "$name: boots to the marker" "$V" --quiet --timeout 150 --log "$T/$name" "$@"
	CON=$(cat "$T/$name/console.log" 2>/dev/null)
}

# ---- the seed's modular MINIX flow
boot minix --variant modular --root minix
contains "$CON" "linuxrc: loading /lib/minix.ko" "minix: the RAM disk's linuxrc ran"
contains "$CON" "VFS: Mounted root (minix filesystem) readonly on device 2:0" "minix: root is the MINIX floppy (fd0)"
contains "$CON" "vboot: root is /dev/root (minix)" "minix: init runs from the MINIX root"
check "minix: the kernel has MINIX only as a module" \
	grep -qx 'CONFIG_MINIX_FS=m' "$(dirname "$(make -s --no-print-directory -C "$TAP_TOP" print-kernel VARIANT=modular)")/../../../.config"

# ---- the modern flow: initramfs, module, udhcpc, NFS, switch_root
boot initramfs --variant modular --root initramfs --nic e100
contains "$CON" "initramfs: modprobe e100" "initramfs: /init loads the NIC module"
contains "$CON" "udhcpc: lease of 192.0.2.10 obtained" "initramfs: DHCP in userspace"
contains "$CON" "vboot: root is 192.0.2.1:/tftpboot/192.0.2.10 (nfs)" "initramfs: switch_root into the NFS root"
check "initramfs: the kernel did no IP autoconfiguration" sh -c "! grep -q 'IP-Config: Complete' '$T/initramfs/console.log'"

# ---- a per-node root at <dir>/<ip>/ through the root-path template.
# The node's own dnsmasq hands out no host name, so the kernel puts the
# node's address into /tftpboot/%s (fs/nfs/nfsroot.c); vboot's default
# dnsmasq names the node, which would make it /tftpboot/vboot-node.
mkdir -p "$T/tftpboot"
cat >"$T/node.spec" <<SPEC
include $TAP_TOP/userspace/mkroot/roots/busybox.spec
file /sbin/init.shared $TAP_TOP/userspace/mkroot/roots/vboot-init 0755 0 0
text /etc/vboot-node 0644 0 0 <<END
per-node root of 192.0.2.10
END
text /sbin/init 0755 0 0 <<END
#!/bin/sh
echo "vboot: node part: \$(cat /etc/vboot-node)"
exec /sbin/init.shared
END
SPEC
expect_status 0 "per-node: mkroot --dir <dir>/192.0.2.10" "$M" --dir "$T/tftpboot/192.0.2.10" "$T/node.spec"
dhcp='dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --user=root --group=root'
dhcp+=' --interface=$VB_BRIDGE --bind-interfaces'
dhcp+=" --dhcp-leasefile=$T/pernode.leases"
dhcp+=' --dhcp-range=$VB_NODE_IP,$VB_NODE_IP,255.255.255.0,1h --dhcp-option=option:root-path,/tftpboot/%s'
boot pernode --proto dhcp --root-dir "$T/tftpboot/192.0.2.10" --server-cmd "$dhcp"
contains "$CON" "vboot: node part: per-node root of 192.0.2.10" "per-node: the node booted its own part"
contains "$CON" "vboot: root is 192.0.2.1:/tftpboot/192.0.2.10 (nfs)" "per-node: /tftpboot/%s became /tftpboot/192.0.2.10"

# ---- a shared read-only root plus per-node writable parts, as the README
# describes: <dir>/shared for every node, <dir>/<ip> for each, both written
# by mkroot.  vboot exports --root-dir at /tftpboot/192.0.2.10, so the
# cluster's /tftpboot appears one level down.
mkdir -p "$T/cluster"
cat >"$T/shared.spec" <<SPEC
include $TAP_TOP/userspace/mkroot/roots/busybox.spec
file /sbin/init.shared $TAP_TOP/userspace/mkroot/roots/vboot-init 0755 0 0
dir  /var 0755 0 0
text /sbin/init 0755 0 0 <<END
#!/bin/sh
# Mount this node's writable part, <dir>/<ip>, on /var.
mount -t proc proc /proc
ip=\$(ip -4 -o addr show scope global | awk '{ split(\$4, a, "/"); print a[1]; exit }')
src=\$(awk '\$2 == "/" { print \$1; exit }' /proc/mounts)
server=\${src%%:*} dir=\${src#*:}
dir=\${dir%/shared}
mount -t nfs -o vers=3,tcp,nolock,addr=\$server "\$server:\$dir/\$ip" /var
echo "vboot: node part: \$(cat /var/node-id)"
if touch /shared-root-is-writable 2>/dev/null; then echo "vboot: shared root is writable"; else echo "vboot: shared root is read-only"; fi
echo "written by the node" >/var/written-by-node
exec /sbin/init.shared
END
SPEC
printf 'text /node-id 0644 0 0 <<END\n192.0.2.10\nEND\n' >"$T/part.spec"
expect_status 0 "shared: mkroot --dir <dir>/shared" "$M" --dir "$T/cluster/shared" "$T/shared.spec"
expect_status 0 "shared: mkroot --dir <dir>/192.0.2.10 (the node's part)" "$M" --dir "$T/cluster/192.0.2.10" "$T/part.spec"
boot shared --root-dir "$T/cluster" --nfs-path /tftpboot/192.0.2.10/shared --append ro
contains "$CON" "vboot: root is 192.0.2.1:/tftpboot/192.0.2.10/shared (nfs)" "shared: the node's root is the shared root"
contains "$CON" "vboot: shared root is read-only" "shared: mounted read-only"
contains "$CON" "vboot: node part: 192.0.2.10" "shared: the node mounted its own part on /var"
check "shared: the node wrote into its part, not into the shared root" \
	sh -c "grep -qx 'written by the node' '$T/cluster/192.0.2.10/written-by-node' && test ! -e '$T/cluster/shared/shared-root-is-writable'"

# ---- a sash-only root: sash is init and the only program.  sash expands
# no variables, so the test reads the run's token from the command line
# and types it; the alias makes the marker appear only in sash's output,
# never in the echo of what was typed.
expect_status 0 "sash: mkroot --dir (sash, console, the seed's inittab)" \
	"$M" --dir "$T/sash-root" "$TAP_TOP/userspace/mkroot/roots/sash.spec"
check "sash: the root holds no busybox" test ! -e "$T/sash-root/bin/busybox"
feed() {
	local log=$T/sash/console.log token
	for _ in $(seq 600); do grep -q 'Stand-alone shell' "$log" 2>/dev/null && break; sleep 0.2; done
	token=$(sed -n 's/.*vboot\.marker=\([A-Za-z0-9._-]*\).*/\1/p' "$T/sash/qemu.cmdline" 2>/dev/null | head -n1)
	sleep 1
	printf 'alias m -echo VBOOT-USERSPACE-OK\r'
	sleep 0.5
	printf 'm %s\r' "$token"
	sleep 2
	# sash will not exit as init ("You are the INIT process!"): Ctrl-A x
	# quits QEMU, and vboot finds the marker in the console log.
	printf '\001x'
	# Keep QEMU's stdin open until the run has its verdict.
	for _ in $(seq 120); do [ -f "$T/sash/result" ] && break; sleep 0.5; done
}
mkdir -p "$T/sash"
OUT=$(feed | timeout 150 "$V" --interactive --log "$T/sash" --root-dir "$T/sash-root" --append init=/sbin/sash 2>&1)
rc=$?
ok "$rc" "sash: the node ran sash as init and it executed typed commands"
[ "$rc" = 0 ] || printf '%s\n' "$OUT" | tail -n 5 | sed 's/^/#   /'
contains "$(cat "$T/sash/console.log" 2>/dev/null)" "Stand-alone shell" "sash: its banner is on the console"

tap_done
