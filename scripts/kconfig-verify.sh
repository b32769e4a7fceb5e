#!/usr/bin/env bash
# kconfig-verify.sh CONFIG FRAGMENT...
#
# Check that every value the fragments request landed in CONFIG.  Fragments
# are read in order and the last request for a symbol wins, as in
# merge_config.sh.  Prints one line per value that did not land, naming the
# symbol, what was asked, where, and what the .config holds; exits 1 if there
# is any.  A malformed fragment line is an error (exit 2) with file:line.
#
# This is the interim safety net for `make netboot_defconfig` until kcmerge
# (which also explains *why* a value was dropped) replaces it.
set -euo pipefail

if [ $# -lt 2 ]; then
	echo "usage: kconfig-verify.sh CONFIG FRAGMENT..." >&2
	exit 2
fi
config=$1
shift
for f in "$config" "$@"; do
	[ -r "$f" ] || { echo "kconfig-verify: $f: cannot read" >&2; exit 2; }
done

awk '
function value_of(line,    v) {
	if (line ~ /^# CONFIG_[A-Za-z0-9_]+ is not set$/)
		return "n"
	v = line
	sub(/^CONFIG_[A-Za-z0-9_]+=/, "", v)
	return v
}
function symbol_of(line,    s) {
	s = line
	sub(/^# /, "", s)
	sub(/[= ].*$/, "", s)
	return s
}
FNR == 1 { fileno++ }
fileno == 1 {
	if ($0 ~ /^CONFIG_[A-Za-z0-9_]+=/ || $0 ~ /^# CONFIG_[A-Za-z0-9_]+ is not set$/)
		have[symbol_of($0)] = value_of($0)
	next
}
{
	line = $0
	sub(/[ \t]+$/, "", line)
	if (line ~ /^CONFIG_[A-Za-z0-9_]+=.+$/ || line ~ /^# CONFIG_[A-Za-z0-9_]+ is not set$/) {
		sym = symbol_of(line)
		if (!(sym in want))
			order[++n] = sym
		want[sym] = value_of(line)
		where[sym] = FILENAME ":" FNR
		next
	}
	if (line ~ /^#/ || line == "")
		next
	printf "%s:%d: malformed fragment line: %s\n", FILENAME, FNR, $0 > "/dev/stderr"
	bad = 1
}
END {
	if (bad)
		exit 2
	for (i = 1; i <= n; i++) {
		sym = order[i]
		got = (sym in have) ? have[sym] : "n"
		if (got != want[sym]) {
			shown = (sym in have) ? got : "not set"
			if (!(sym in have) && want[sym] != "n")
				shown = "absent (unmet dependencies or no such symbol)"
			printf "kconfig: %s=%s requested at %s, but .config has %s\n", sym, want[sym], where[sym], shown
			dropped++
		}
	}
	if (dropped) {
		printf "kconfig: %d requested value(s) did not land\n", dropped
		exit 1
	}
}
' "$config" "$@"
