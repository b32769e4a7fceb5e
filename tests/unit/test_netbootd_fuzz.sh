#!/usr/bin/env bash
# test_netbootd_fuzz.sh - run each netbootd codec fuzzer briefly from its
# seed corpus (a crash, leak or sanitizer report fails the suite).
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1

runs=${NETBOOTD_FUZZ_RUNS:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for seeds in userspace/netbootd/fuzz/corpus/*/; do
	codec=$(basename "$seeds")
	bin=build/t/fuzz_netbootd_$codec
	if [ ! -x "$bin" ]; then
		skip "fuzz $codec" "$bin not built (make check-quick builds it)"
		continue
	fi
	mkdir -p "$work/$codec"
	cp "$seeds"/* "$work/$codec/"
	# -max_len above DHCP_PKT_MAX so the oversize path is exercised too.
	"$bin" -runs="$runs" -max_len=5000 -seed=1 -print_final_stats=0 \
		"$work/$codec" >"$work/$codec.log" 2>&1
	ok $? "fuzz $codec: $runs runs from $(find "$seeds" -type f | wc -l) seeds, no crash or leak"
	grep -E 'ERROR|SUMMARY|runtime error' "$work/$codec.log" | head -n 10 | sed 's/^/#   /'
done
tap_done
