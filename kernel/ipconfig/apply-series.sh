#!/usr/bin/env bash
# apply-series.sh PRISTINE COPY SERIES
#
# Make COPY a copy of the kernel tree PRISTINE with the patches listed in
# SERIES (quilt order, paths relative to SERIES) applied.  PRISTINE is
# only read.  The first run copies the whole tree; later runs restore
# just the files the previously applied series touched and apply the
# series again, so restored and re-patched files get a fresh mtime and an
# out-of-tree build recompiles exactly what changed.  COPY/.netboot-series
# records what is applied; it is written last, so a failed run is retried.
set -euo pipefail

if [ $# -ne 3 ]; then
	echo "usage: apply-series.sh PRISTINE COPY SERIES" >&2
	exit 2
fi
pristine=$1 copy=$2 series=$3
seriesdir=$(cd "$(dirname "$series")" && pwd)
stamp=$copy/.netboot-series

[ -f "$pristine/Makefile" ] || { echo "apply-series: $pristine is not a kernel tree" >&2; exit 1; }
[ -f "$series" ] || { echo "apply-series: $series: no such file" >&2; exit 1; }

patches=()
while IFS= read -r line; do
	line=${line%%#*}
	line=${line//[[:space:]]/}
	[ -n "$line" ] || continue
	[ -f "$seriesdir/$line" ] || { echo "apply-series: $series names $line, which does not exist" >&2; exit 1; }
	patches+=("$seriesdir/$line")
done <"$series"

if [ ! -f "$copy/Makefile" ]; then
	echo "apply-series: copying $pristine to $copy"
	rm -rf "$copy.tmp"
	cp -a "$pristine" "$copy.tmp"
	rm -rf "$copy"
	mv "$copy.tmp" "$copy"
elif [ -f "$stamp" ]; then
	# Undo the series applied last: each file it touched comes back from
	# the pristine tree (or goes, if the series created it).
	while IFS= read -r path; do
		case $path in
		'#'* | '') continue ;;
		*..*) echo "apply-series: bad path '$path' in $stamp" >&2; exit 1 ;;
		esac
		if [ -e "$pristine/$path" ]; then
			cp "$pristine/$path" "$copy/$path"
		else
			rm -f "$copy/$path"
		fi
	done <"$stamp"
	rm -f "$stamp"
else
	echo "apply-series: $copy exists without $stamp; not touching it (remove it to start over)" >&2
	exit 1
fi

touched=()
for p in "${patches[@]}"; do
	while IFS= read -r path; do touched+=("$path"); done < <(sed -n 's|^+++ b/||p; s|^--- a/||p' "$p" | sort -u)
done
for p in "${patches[@]}"; do
	if ! out=$(patch -d "$copy" -p1 --forward --batch --no-backup-if-mismatch <"$p" 2>&1); then
		printf '%s\n' "$out" >&2
		echo "apply-series: $(basename "$p") does not apply to $copy" >&2
		# Leave a stamp naming every file a patch may have touched, so the
		# next run restores them before trying again.
		printf '%s\n' "${touched[@]}" | sort -u >"$copy/.netboot-series.failed"
		mv "$copy/.netboot-series.failed" "$stamp"
		exit 1
	fi
done
{
	echo "# applied to $(basename "$copy") from $series:"
	for p in "${patches[@]}"; do echo "#   $(basename "$p")"; done
	printf '%s\n' "${touched[@]}" | sort -u
} >"$stamp.tmp"
mv "$stamp.tmp" "$stamp"
echo "apply-series: $copy: ${#patches[@]} patches applied"
