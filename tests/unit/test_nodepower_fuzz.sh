#!/usr/bin/env bash
# test_nodepower_fuzz.sh - run nodepower's parser fuzzers (inventory, node
# ranges and credentials; QMP replies) briefly from their seed corpora.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1

runs=${NODEPOWER_FUZZ_RUNS:-30000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for seeds in userspace/nodepower/fuzz/corpus/*/; do
	name=$(basename "$seeds")
	bin=build/t/fuzz_nodepower_$name
	if [ ! -x "$bin" ]; then
		skip "fuzz $name" "$bin not built (make check-quick builds it)"
		continue
	fi
	mkdir -p "$work/$name"
	cp "$seeds"/* "$work/$name/"
	"$bin" -runs="$runs" -max_len=2048 -seed=1 -print_final_stats=0 "$work/$name" >"$work/$name.log" 2>&1
	ok $? "fuzz nodepower $name: $runs runs from $(find "$seeds" -type f | wc -l) seeds, no crash or leak"
	grep -E 'ERROR|SUMMARY|runtime error' "$work/$name.log" | head -n 10 | sed 's/^/#   /'
done
tap_done
