#!/usr/bin/env bash
# Runs the TFTP request/option fuzzer (libFuzzer + ASan + UBSan) for a few
# seconds from the seed corpus: a crash, a leak or a sanitizer report fails.
set -u
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/../lib/tftp.sh
. "$(dirname "$0")/../lib/tftp.sh"
fuzzer=$TAP_TOP/build/t/fuzz_tftp_request
seeds=$TAP_TOP/userspace/netbootd/fuzz/tftp_corpus

if [ ! -x "$fuzzer" ]; then
	skip "fuzz_tftp_request" "not built (make check-quick builds it)"
	tap_done
	exit
fi
tftp_work_start
mkdir "$work/corpus"
cp "$seeds"/* "$work/corpus/"
out=$("$fuzzer" -max_total_time="${TFTP_FUZZ_SECONDS:-8}" -max_len=700 -timeout=5 \
	-print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" 2>&1)
rc=$?
ok $rc "fuzz_tftp_request: no crash, leak or sanitizer report"
[ $rc -eq 0 ] || printf '%s\n' "$out" | tail -n 25 | sed 's/^/#   /'
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' <<<"$out")
check "fuzzer executed more than 1000 inputs (${runs:-0})" test "${runs:-0}" -gt 1000
tap_done
