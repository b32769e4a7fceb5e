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
	# analysis
	clang libclang-rt-14-dev cppcheck shellcheck
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

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PKGS[@]} packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run 'make deps' as root to install them" >&2
	exit 1
fi

echo "deps: installing ${#missing[@]} packages: ${missing[*]}"
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
echo "deps: done"
