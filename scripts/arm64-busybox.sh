#!/usr/bin/env bash
# arm64-busybox.sh [CACHE]
# Debian's busybox-static for arm64, the root of vboot's arm64 nodes, of the
# same version as the host's busybox-static (mkroot lists the applets with
# the host's binary, which must be the same build).  It cannot be installed
# next to the host's: busybox-static is not Multi-Arch, so the arm64
# package would replace the amd64 one.  So fetch the one .deb with apt,
# under a private state directory with arm64 package lists (the host's apt
# gets no foreign architecture), and unpack it with dpkg-deb -x into CACHE
# (default /var/cache/netboot-toolkit/arm64; vboot's VB_ARM64_CACHE):
# CACHE/busybox-VERSION/bin/busybox.  make deps runs this as root, once per
# machine and busybox version.  Prints the binary's path.  A no-op, with no
# network, when it is there.
set -euo pipefail

cache=${1:-/var/cache/netboot-toolkit/arm64}
version=$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null) ||
	{ echo "arm64-busybox: busybox-static is not installed (make deps)" >&2; exit 1; }
dir=$cache/busybox-$version
if [ -x "$dir/bin/busybox" ]; then
	echo "$dir/bin/busybox"
	exit 0
fi
mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] ||
	{ echo "arm64-busybox: cannot write $cache (run make deps as root)" >&2; exit 1; }
# One fetch at a time (two makes at once): the second finds it there.
exec 9>"$cache/.lock"
flock 9
if [ -x "$dir/bin/busybox" ]; then
	echo "$dir/bin/busybox"
	exit 0
fi
echo "arm64-busybox: fetching busybox-static:arm64 $version into $cache" >&2
start=$(date +%s)
tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lists/partial" "$tmp/archives/partial" "$tmp/deb"
# The host's sources, but arm64 only, and lists, cache and status of our
# own; _apt cannot write into root's private directories: download as is.
apt=(apt-get -qq -o APT::Architecture=arm64 -o APT::Architectures::=arm64
	-o Dir::State::Lists="$tmp/lists" -o Dir::Cache="$tmp" -o Dir::Cache::archives="$tmp/archives"
	-o Dir::State::status=/dev/null -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
"${apt[@]}" update >&2 ||
	{ echo "arm64-busybox: apt-get update (arm64 lists) failed" >&2; exit 1; }
(cd "$tmp/deb" && "${apt[@]}" download "busybox-static:arm64=$version") >&2 ||
	{ echo "arm64-busybox: apt-get download busybox-static:arm64=$version failed" >&2; exit 1; }
deb=$(find "$tmp/deb" -name 'busybox-static_*_arm64.deb' | head -n1)
[ -n "$deb" ] || { echo "arm64-busybox: no busybox-static arm64 .deb after the download" >&2; exit 1; }
dpkg-deb -x "$deb" "$tmp/x"
[ -x "$tmp/x/bin/busybox" ] ||
	{ echo "arm64-busybox: busybox-static:arm64 $version has no /bin/busybox" >&2; exit 1; }
rm -rf "$dir"
mv "$tmp/x" "$dir"
# Other versions are of no use: vboot takes only the host's.
find "$cache" -mindepth 1 -maxdepth 1 -name 'busybox-*' ! -path "$dir" -exec rm -rf {} +
echo "arm64-busybox: busybox-static:arm64 $version in $dir ($(($(date +%s) - start)) s)" >&2
echo "$dir/bin/busybox"
