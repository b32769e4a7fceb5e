#!/usr/bin/env bash
# test_nodepower_fuzz.sh - run nodepower's parser fuzzers (inventory, node
# ranges and credentials; QMP replies) briefly from their seed corpora.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/fuzz.sh"
cd "$TAP_TOP" || exit 1

for seeds in userspace/nodepower/fuzz/corpus/*/; do
	name=$(basename "$seeds")
	fuzz_run "nodepower $name" "build/t/fuzz_nodepower_$name" "$seeds" "${NODEPOWER_FUZZ_RUNS:-30000}" 2048
done
tap_done
