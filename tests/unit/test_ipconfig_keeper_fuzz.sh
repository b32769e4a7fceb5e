#!/usr/bin/env bash
# test_ipconfig_keeper_fuzz.sh - run the keeper's DHCPACK/DHCPNAK parser
# fuzzer briefly from its seed corpus (a crash, leak or sanitizer report
# fails the suite).  The seeds are copied: the corpus in the tree stays.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1

runs=${KEEPER_FUZZ_RUNS:-200000}
bin=build/t/fuzz_ipconfig_keeper_reply
seeds=userspace/ipconfig-keeper/fuzz/corpus/reply
if [ ! -x "$bin" ]; then
	skip "fuzz ipconfig-keeper reply" "$bin not built (make check-quick builds it)"
	tap_done
	exit
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$seeds"/* "$work/"
# -max_len above DHCP_MSG_MAX (1500) so the oversize path is exercised too.
"$bin" -runs="$runs" -max_len=1600 -seed=1 -print_final_stats=0 "$work" >"$work.log" 2>&1
ok $? "fuzz ipconfig-keeper reply parser: $runs runs from $(find "$seeds" -type f | wc -l) seeds, no crash or leak"
grep -E 'ERROR|SUMMARY|runtime error' "$work.log" | head -n 10 | sed 's/^/#   /'
rm -f "$work.log"
tap_done
