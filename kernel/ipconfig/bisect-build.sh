#!/usr/bin/env bash
# bisect-build.sh PRISTINE COPY SERIES OUTDIR LOG
#
# Check that every prefix of the series builds: for k = 1..N, make COPY
# the pristine tree plus the first k patches (apply-series.sh) and build
# bzImage incrementally in OUTDIR, which must already hold a configured
# build of COPY.  Ends with the whole series applied again.  Slow (one
# incremental kernel build per patch), so make check does not run it:
# `make patched-bisect`.
set -euo pipefail
if [ $# -ne 5 ]; then
	echo "usage: bisect-build.sh PRISTINE COPY SERIES OUTDIR LOG" >&2
	exit 2
fi
pristine=$1 copy=$2 series=$3 outdir=$4 log=$5
here=$(cd "$(dirname "$0")" && pwd)
seriesdir=$(cd "$(dirname "$series")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
outdir=$(cd "$outdir" && pwd)
[ -f "$outdir/.config" ] || { echo "bisect-build: $outdir has no .config (make patched-kernel first)" >&2; exit 1; }

mapfile -t patches < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$series")
: >"$log"
rc=0
for ((k = 1; k <= ${#patches[@]}; k++)); do
	p=${patches[k - 1]}
	cp "$seriesdir/$p" "$tmp/"
	printf '%s\n' "${patches[@]:0:k}" >"$tmp/series"
	"$here/apply-series.sh" "$pristine" "$copy" "$tmp/series" >>"$log" 2>&1
	if make -C "$copy" O="$outdir" ARCH=x86_64 CC="${KCC:-gcc}" -j"${JOBS:-2}" bzImage >>"$log" 2>&1; then
		echo "bisect-build: $k/${#patches[@]} $p: builds"
	else
		echo "bisect-build: $k/${#patches[@]} $p: BUILD FAILED (log: $log)"
		rc=1
		break
	fi
done
"$here/apply-series.sh" "$pristine" "$copy" "$series" >>"$log" 2>&1
exit "$rc"
