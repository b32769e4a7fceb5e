#!/usr/bin/env bash
# deps.sh [--bench]
# Install every Debian package the project needs.  Idempotent: when all
# packages are already installed it touches nothing and reaches no network.
# --bench adds the peers that only the benchmarks run (Kea), so that a build
# or a test never depends on them.
set -euo pipefail

PKGS=(
	# toolchain and kernel build
	build-essential flex bison bc libelf-dev libssl-dev cpio kmod rsync
	xz-utils ccache
	# the embedded default kernel tree and Debian's vendor configs
	linux-source-6.1 linux-config-6.1
	# emulator, firmware, boot loader
	qemu-system-x86 ipxe-qemu pxelinux syslinux-common
	# userland for roots and images
	busybox-static sash e2fsprogs util-linux zlib1g-dev
	# NFS server (userspace; the host kernel has no nfsd)
	nfs-ganesha nfs-ganesha-vfs rpcbind
	# network plumbing
	iproute2 procps psmisc
	# reference peers
	dnsmasq-base rarpd tftp-hpa atftp curl isc-dhcp-client
	# the TFTP benchmark's peer, PXE router advertisements, loss tests
	tftpd-hpa radvd nftables
	# other firmware: UEFI (OVMF), iPXE's own binaries (ipxe.lkrn for the
	# boot diskette, undionly.kpxe, snponly.efi), the diskette's FAT12 and
	# SYSLINUX (mtools lets syslinux install into an image file, no root)
	ovmf ipxe mtools syslinux
	# analysis
	clang libclang-rt-14-dev cppcheck shellcheck
	# vboot --router: the router namespace's DHCP relay (dhcrelay)
	isc-dhcp-relay
	# LAVA: a real standalone dispatcher (lava-run) for the LAVA suite, and
	# LAVA's own job schema (lava_common) for the exported job definitions;
	# jinja2 renders the device dictionary (tests/virtme/lava)
	lava-dispatcher lava-common python3-jinja2 python3-yaml
	# remote power control (nodepower): FreeIPMI's library for the ipmi
	# backend, OpenIPMI's ipmi_sim as the simulated BMC, ipmitool as the
	# reference client in the tests (mtools and syslinux, above, also make
	# the nodes' local disks)
	libfreeipmi-dev openipmi ipmitool
	# arm64 boards with U-Boot: emulator, cross compiler, Debian's U-Boot
	# for QEMU virt, mkimage (boot.scr.uimg); the nodes' busybox:arm64 is
	# not a package to install (arm64_busybox below)
	qemu-system-arm gcc-aarch64-linux-gnu u-boot-qemu u-boot-tools
	# the arm64 build of ipconfig-keeper: static glibc for the cross
	# compiler, and QEMU's user-mode emulator to run its tests (by name; no
	# binfmt handler is registered)
	libc6-dev-arm64-cross qemu-user
	# ipconfig-keeper: a 60 KB static build (musl), and Kea, which its boot
	# test renews against (tests/virtme/test_ipconfig_keeper.sh)
	musl-tools kea-dhcp4-server
)
BENCH_PKGS=(kea-dhcp4-server)
[ "${1:-}" = --bench ] && PKGS+=("${BENCH_PKGS[@]}")

# One dpkg-query for all packages keeps the no-op case under a second.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${PKGS[@]}" 2>/dev/null |
	awk '$NF == "installed" { print $1 }') || true
missing=()
for p in "${PKGS[@]}"; do
	grep -qx -- "$p" <<<"$installed" || missing+=("$p")
done

# lava-dispatcher enables lava-worker (a daemon that polls a LAVA server)
# and lava-dispatcher-host.socket: the toolkit runs lava-run by itself, so
# keep both off; LAVA's device-type templates come from lava-server's .deb
# alone (scripts/lava-device-types.sh says why).
lava_setup() {
	local unit
	for unit in lava-worker.service lava-dispatcher-host.socket; do
		if [ "$(systemctl is-enabled "$unit" 2>/dev/null)" = enabled ]; then
			[ "$(id -u)" -ne 0 ] || systemctl disable --quiet "$unit" 2>/dev/null || true
			systemctl stop "$unit" 2>/dev/null || true
		fi
	done
	"$(dirname "$0")/lava-device-types.sh" >/dev/null ||
		echo "deps: LAVA device-type templates missing; the LAVA tests will skip" >&2
}

# The root of vboot's arm64 nodes: Debian's busybox-static:arm64, of the
# host's busybox-static version, unpacked under /var/cache/netboot-toolkit
# (scripts/arm64-busybox.sh says why it is not installed; a no-op when it
# is there).
arm64_busybox() {
	"$(dirname "$0")/arm64-busybox.sh" >/dev/null ||
		{ echo "deps: busybox-static:arm64 missing: the arm64 boots will fail" >&2; return 1; }
}

if [ ${#missing[@]} -eq 0 ]; then
	lava_setup
	arm64_busybox
	echo "deps: all ${#PKGS[@]} packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run 'make deps' as root to install them" >&2
	exit 1
fi

echo "deps: installing ${#missing[@]} packages (a few minutes on a fresh machine): ${missing[*]}"
deps_start=$(date +%s)
# Server packages start system services on install; the tests start their
# own private copies, so keep the system ones from starting at all.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
# Wait for another apt (a concurrent make, unattended upgrades) rather than fail.
lock=(-o DPkg::Lock::Timeout=600)
apt-get "${lock[@]}" update -qq
apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
lava_setup
arm64_busybox
echo "deps: done in $(($(date +%s) - deps_start)) s"
