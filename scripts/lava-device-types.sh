#!/usr/bin/env bash
# lava-device-types.sh [CACHE]
# LAVA's device-type templates (qemu.jinja2, base.jinja2, ...) ship only in
# Debian's lava-server, whose dependencies (Django, Celery, PostgreSQL
# client, ~60 packages) the toolkit never uses.  So fetch the one .deb with
# apt-get download, of the same version as the installed lava-dispatcher,
# and unpack only /usr/share/lava-server/device-types into CACHE (default
# /var/cache/netboot-toolkit/lava: make deps fills it as root, once per
# machine, whatever checkout or user runs the tests).  Prints the
# directory.  A no-op when it is there.
set -euo pipefail

cache=${1:-/var/cache/netboot-toolkit/lava}
if [ -d /usr/share/lava-server/device-types ]; then
	echo /usr/share/lava-server/device-types
	exit 0
fi
version=$(dpkg-query -W -f='${Version}' lava-dispatcher 2>/dev/null) ||
	{ echo "lava-device-types: lava-dispatcher is not installed (make deps)" >&2; exit 1; }
dir=$cache/lava-server-$version/device-types
if [ -f "$dir/qemu.jinja2" ] && [ -f "$dir/base.jinja2" ]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] ||
	{ echo "lava-device-types: cannot write $cache (run make deps as root)" >&2; exit 1; }
tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# _apt cannot write into root's private directories: download as is.
(cd "$tmp" && apt-get -o APT::Sandbox::User=root download -qq "lava-server=$version") >&2 ||
	{ echo "lava-device-types: apt-get download lava-server=$version failed" >&2; exit 1; }
dpkg-deb -x "$tmp"/lava-server_*.deb "$tmp/x"
[ -f "$tmp/x/usr/share/lava-server/device-types/qemu.jinja2" ] ||
	{ echo "lava-device-types: lava-server $version has no device-types/qemu.jinja2" >&2; exit 1; }
mkdir -p "$(dirname "$dir")"
rm -rf "$dir"
mv "$tmp/x/usr/share/lava-server/device-types" "$dir"
echo "lava-device-types: lava-server $version templates in $dir" >&2
echo "$dir"
