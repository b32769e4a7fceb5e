#!/usr/bin/env bash
# kbuild.sh KSRC OUTDIR LOG [TARGET...]
#
# Build a kernel out of tree (O=OUTDIR) with ccache when present, for
# KARCH (default x86_64; arm64 cross-compiles with CROSS_COMPILE, default
# aarch64-linux-gnu-).  The full
# make output goes to LOG; the terminal gets a progress line every 250
# compiled objects and a one-line summary at the end.
set -euo pipefail

if [ $# -lt 3 ]; then
	echo "usage: kbuild.sh KSRC OUTDIR LOG [TARGET...]" >&2
	exit 2
fi
# Absolute: kbuild resolves a relative O= against the kernel tree.
ksrc=$(realpath -m "$1") outdir=$(realpath -m "$2") log=$(realpath -m "$3")
shift 3
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(bzImage)

arch=${KARCH:-x86_64} cross=
[ "$arch" != arm64 ] || cross=${CROSS_COMPILE:-aarch64-linux-gnu-}
command -v "${cross}gcc" >/dev/null 2>&1 ||
	{ echo "kbuild: ${cross}gcc not found (ARCH=$arch): run make deps" >&2; exit 1; }
cc=${cross}gcc
if command -v ccache >/dev/null 2>&1; then
	cc="ccache ${cross}gcc"
	export CCACHE_DIR=${CCACHE_DIR:-${NETBOOT_CACHE:-$HOME/.cache/netboot-toolkit}/ccache}
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
	# Depend mode: a miss compiles once, taking the header list from the
	# compiler's own -MMD output (kbuild passes -Wp,-MMD), instead of
	# running the preprocessor first to hash its output.  Built back to
	# back here, a cold netboot kernel took 282 s instead of 404 s; hits
	# are direct-mode hits as before.  CCACHE_NODEPEND=true restores the
	# preprocessor pass.
	[ -n "${CCACHE_NODEPEND+set}" ] || export CCACHE_DEPEND=${CCACHE_DEPEND:-true}
	# Stable build identity keeps ccache hits across rebuilds of one variant.
	export KBUILD_BUILD_TIMESTAMP=${KBUILD_BUILD_TIMESTAMP:-2026-01-01}
	export KBUILD_BUILD_USER=${KBUILD_BUILD_USER:-netboot} KBUILD_BUILD_HOST=${KBUILD_BUILD_HOST:-toolkit}
fi
jobs=${JOBS:-$(nproc)}
mkdir -p "$(dirname "$log")"
start=$(date +%s)
echo "kbuild: building ${targets[*]} in $outdir (-j$jobs, CC='$cc', log: $log)"

# The object count of this variant's last full build is the estimate for
# the next one: kept with the ccache, outside the build directory, so a
# fresh clone (empty build/) still has it.
counts=${NETBOOT_CACHE:-$HOME/.cache/netboot-toolkit}/kbuild-counts
count_file=$counts/$(basename "$(dirname "$outdir")")-$(basename "$outdir")-$(IFS=+; echo "${targets[*]}")
expected=0 incremental=0
# A build directory that holds objects (a finished or an interrupted
# build) compiles only part of the kernel: no estimate, and no count kept.
[ ! -e "$outdir/vmlinux" ] && [ ! -e "$outdir/init/main.o" ] || incremental=1
[ ! -f "$count_file" ] || expected=$(tr -cd 0-9 <"$count_file")
: "${expected:=0}"

set +e
# Not the calling make's flags: a `make -s` above us (make check builds
# kernels that way) would silence kbuild, and the log and progress with it.
env -u MAKEFLAGS -u MFLAGS make -C "$ksrc" O="$outdir" ARCH="$arch" ${cross:+CROSS_COMPILE="$cross"} CC="$cc" -j"$jobs" "${targets[@]}" 2>&1 |
	tee "$log" |
	"$(dirname "$0")/kbuild-progress.sh" "$expected" "$incremental"
rc=${PIPESTATUS[0]}
set -e
secs=$(($(date +%s) - start))
if [ "$rc" -ne 0 ]; then
	echo "kbuild: FAILED after ${secs}s; last lines of $log:" >&2
	tail -n 25 "$log" >&2
	exit 1
fi
if [ "$incremental" = 0 ]; then
	n=$(grep -c '^  CC ' "$log")
	[ "$n" -eq 0 ] || { mkdir -p "$counts" && echo "$n" >"$count_file"; } || true
fi
echo "kbuild: ok in ${secs}s"
