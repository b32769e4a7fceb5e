#!/usr/bin/env bash
# mkconfig.sh KSRC OUTDIR BASE FRAGMENT...
#
# Write OUTDIR/.config: the BASE target (tinyconfig, allnoconfig, defconfig)
# of the x86_64 tree in KSRC, plus FRAGMENTs merged in order with the
# kernel's own merge_config.sh, then verified: if any requested value did
# not land, fail and name the symbol.  OUTDIR/.config is only replaced when
# the new config verifies and differs, so an unchanged config does not make
# the kernel rebuild.
set -euo pipefail

if [ $# -lt 4 ]; then
	echo "usage: mkconfig.sh KSRC OUTDIR BASE FRAGMENT..." >&2
	exit 2
fi
ksrc=$1 outdir=$2 base=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)

[ -f "$ksrc/scripts/kconfig/merge_config.sh" ] ||
	{ echo "mkconfig: $ksrc does not look like a kernel tree (no scripts/kconfig/merge_config.sh)" >&2; exit 2; }

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
work=$(mktemp -d "$outdir/.mkconfig.XXXXXX")
trap 'rm -rf "$work"' EXIT
frags=()
for f in "$@"; do frags+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done

log=$work/log
kmake() { make -s -C "$ksrc" O="$work" ARCH=x86_64 "$@" >>"$log" 2>&1; }

if ! kmake "$base"; then
	cat "$log" >&2
	echo "mkconfig: 'make $base' failed" >&2
	exit 1
fi
if ! (cd "$work" && "$ksrc/scripts/kconfig/merge_config.sh" -m -O "$work" "$work/.config" "${frags[@]}" >>"$log" 2>&1) ||
	! kmake olddefconfig; then
	cat "$log" >&2
	echo "mkconfig: merging fragments failed" >&2
	exit 1
fi
"$here/kconfig-verify.sh" "$work/.config" "${frags[@]}" || { echo "mkconfig: refusing to write $outdir/.config" >&2; exit 1; }

if ! cmp -s "$work/.config" "$outdir/.config"; then
	mv "$work/.config" "$outdir/.config"
	echo "mkconfig: wrote $outdir/.config ($(grep -c '=' "$outdir/.config") symbols set)"
else
	echo "mkconfig: $outdir/.config is up to date"
fi
