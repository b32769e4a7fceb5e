#!/usr/bin/env bash
# kversion.sh [--check] KSRC: print the kernel version of the tree in KSRC;
# with --check, fail with a clear message unless its scripts/kconfig has
# the layout kcmerge builds against (Linux 5.x and 6.x).
set -euo pipefail
check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi
ksrc=${1:?usage: kversion.sh [--check] KSRC}
mk=$ksrc/Makefile
version=$(awk -F' = ' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
	$1 == "SUBLEVEL" { s = $2; print v "." p "." s; exit }' "$mk" 2>/dev/null || true)
if [ "$check" = 1 ]; then
	k=$ksrc/scripts/kconfig
	for f in parser.y lexer.l preprocess.c confdata.c symbol.c expr.c menu.c util.c lkc.h lkc_proto.h expr.h; do
		if [ ! -f "$k/$f" ]; then
			echo "kcmerge: $ksrc (version ${version:-unknown}) is incompatible: no scripts/kconfig/$f;" \
				"kcmerge needs the Kconfig implementation of Linux 5.x or 6.x (tested: 6.1)" >&2
			exit 1
		fi
	done
	exit 0
fi
echo "${version:-unknown}"
