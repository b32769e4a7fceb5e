# shellcheck shell=bash
# tap.sh - TAP output for shell test suites.  Source it, call ok/check,
# end with tap_done.

TAP_N=0
TAP_FAILED=0
# shellcheck disable=SC2034 # for the suites that source this file
TAP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# ok CONDITION-STATUS DESCRIPTION: pass if the status is 0.
ok() {
	local status=$1
	shift
	TAP_N=$((TAP_N + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $TAP_N - $*"
	else
		echo "not ok $TAP_N - $*"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

# check DESCRIPTION COMMAND...: pass if COMMAND succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok 0 "$desc"; else ok 1 "$desc"; fi
}

skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
}

# diag TEXT...: a comment line (shown by the runner when a test failed)
diag() { printf '# %s\n' "$@"; }

# expect_status WANT DESCRIPTION COMMAND...: run COMMAND, keep its output
# in $OUT, pass if its exit status is WANT.
expect_status() {
	local want=$1 desc=$2 got
	shift 2
	got=0
	OUT=$("$@" 2>&1) || got=$?
	if [ "$got" -eq "$want" ]; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		diag "exit status $got, wanted $want; output:"
		printf '%s\n' "$OUT" | head -n 15 | sed 's/^/#   /'
	fi
}

# contains TEXT NEEDLE DESCRIPTION
contains() {
	if grep -qF -- "$2" <<<"$1"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "wanted '$2' in:"
		printf '%s\n' "$1" | head -n 15 | sed 's/^/#   /'
	fi
}

tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
