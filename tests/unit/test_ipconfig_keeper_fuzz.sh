#!/usr/bin/env bash
# test_ipconfig_keeper_fuzz.sh - run the keeper's DHCPACK/DHCPNAK parser
# fuzzer briefly from its seed corpus (a crash, leak or sanitizer report
# fails the suite).
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/fuzz.sh"
cd "$TAP_TOP" || exit 1

# -max_len above DHCP_MSG_MAX (1500) so the oversize path is exercised too.
fuzz_run "ipconfig-keeper reply parser" build/t/fuzz_ipconfig_keeper_reply \
	userspace/ipconfig-keeper/fuzz/corpus/reply "${KEEPER_FUZZ_RUNS:-200000}" 1600
tap_done
