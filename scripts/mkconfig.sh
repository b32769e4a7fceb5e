#!/usr/bin/env bash
# mkconfig.sh KSRC OUTDIR BASE FRAGMENT...
#
# Write OUTDIR/.config: the BASE target (tinyconfig, allnoconfig, defconfig
# or a .config file) of the tree in KSRC for KARCH (default x86_64), plus
# FRAGMENTs merged in order by kcmerge --strict: if any requested value does not land, kcmerge
# explains why (naming the symbol, the fragment line and the failing
# dependency) and writes nothing.  OUTDIR/.config is only replaced when it
# differs, so an unchanged config does not make the kernel rebuild.
# SAVEDEFCONFIG=FILE also writes the minimal defconfig (what the kernel
# patch series adds as arch/x86/configs/netboot_defconfig).
set -euo pipefail

if [ $# -lt 4 ]; then
	echo "usage: mkconfig.sh KSRC OUTDIR BASE FRAGMENT..." >&2
	exit 2
fi
ksrc=$1 outdir=$2 base=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
kcmerge=${KCMERGE:-$here/../build/bin/kcmerge}

[ -f "$ksrc/scripts/kconfig/lkc.h" ] && [ -f "$ksrc/Kconfig" ] ||
	{ echo "mkconfig: $ksrc does not look like a kernel tree (no Kconfig, scripts/kconfig/lkc.h)" >&2; exit 2; }
[ -x "$kcmerge" ] || { echo "mkconfig: $kcmerge is missing: run make kcmerge" >&2; exit 2; }

status=0
save=()
[ -z "${SAVEDEFCONFIG:-}" ] || save=(--savedefconfig "$SAVEDEFCONFIG")
"$kcmerge" --ksrc "$ksrc" -O "$outdir" --arch "${KARCH:-x86_64}" --base "$base" --strict "${save[@]}" "$@" || status=$?
case $status in
0) ;;
1) echo "mkconfig: refusing to write $outdir/.config" >&2; exit 1 ;;
*) echo "mkconfig: kcmerge failed (exit $status)" >&2; exit "$status" ;;
esac
