#!/usr/bin/env bash
# kbuild-progress.sh EXPECTED INCREMENTAL < kbuild-output
#
# Turns kbuild's output into progress lines for a person waiting on a
# build: with EXPECTED (the object count of the last full build of the
# same variant; 0 when there is none) a fraction and an estimate of the
# time left at every tenth, else a count every 250 objects.  INCREMENTAL=1
# means the build directory was built before, so only what changed is
# compiled and EXPECTED says nothing about this run.  Prints the total at
# the end.  Only "  CC " lines count: every compiled C file prints one,
# ccache hit or not.
set -uo pipefail
expected=${1:-0} incremental=${2:-0}

now() { printf '%(%s)T' -1; }
# mmss SECONDS -> 3m05s
mmss() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

start=$(now)
if [ "$incremental" = 1 ]; then
	echo "kbuild:   incremental build: only what changed is compiled"
	expected=0
elif [ "$expected" -gt 0 ]; then
	echo "kbuild:   about $expected objects to compile (the last full build of this variant)"
else
	echo "kbuild:   first build of this variant here: no estimate yet"
fi

n=0 next_tenth=1
while IFS= read -r line; do
	case $line in "  CC "*) ;; *) continue ;; esac
	n=$((n + 1))
	if [ "$expected" -gt 0 ]; then
		# A tenth of the estimate passed (the last tenth is the summary's).
		[ $((n * 10)) -ge $((next_tenth * expected)) ] && [ "$next_tenth" -le 9 ] || continue
		next_tenth=$((n * 10 / expected + 1))
		elapsed=$(($(now) - start))
		left=$(((elapsed * (expected - n) + n / 2) / n))
		[ "$left" -ge 0 ] || left=0
		printf 'kbuild:   %d/%d objects (%d%%), %s elapsed, about %s left\n' \
			"$n" "$expected" $((n * 100 / expected)) "$(mmss "$elapsed")" "$(mmss "$left")"
	elif [ $((n % 250)) -eq 0 ]; then
		if [ "$incremental" = 1 ]; then
			printf 'kbuild:   %d objects compiled\n' "$n"
		else
			printf 'kbuild:   %d objects compiled (first build: no estimate)\n' "$n"
		fi
	fi
done
printf 'kbuild:   %d objects compiled in total (%s)\n' "$n" "$(mmss $(($(now) - start)))"
