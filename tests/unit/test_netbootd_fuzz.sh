#!/usr/bin/env bash
# test_netbootd_fuzz.sh - run each netbootd codec fuzzer briefly from its
# seed corpus (a crash, leak or sanitizer report fails the suite).
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/fuzz.sh"
cd "$TAP_TOP" || exit 1

for seeds in userspace/netbootd/fuzz/corpus/*/; do
	codec=$(basename "$seeds")
	# -max_len above DHCP_PKT_MAX so the oversize path is exercised too.
	fuzz_run "$codec" "build/t/fuzz_netbootd_$codec" "$seeds" "${NETBOOTD_FUZZ_RUNS:-100000}" 5000
done
tap_done
