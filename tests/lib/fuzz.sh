# shellcheck shell=bash
# fuzz.sh - run a libFuzzer harness briefly from its seed corpus, as one
# TAP line (source tap.sh first).  The seeds are copied into a scratch
# corpus, so the tree's corpus stays as it is; a crash, a leak or a
# sanitizer report fails, and its first lines become diagnostics.

# fuzz_run DESC BIN SEEDS RUNS MAX_LEN
fuzz_run() {
	local desc=$1 bin=$2 seeds=$3 runs=$4 max_len=$5 work
	if [ ! -x "$bin" ]; then
		skip "fuzz $desc" "$bin not built (make check-quick builds it)"
		return 0
	fi
	work=$(mktemp -d)
	cp "$seeds"/* "$work/"
	"$bin" -runs="$runs" -max_len="$max_len" -seed=1 -print_final_stats=0 "$work" >"$work.log" 2>&1
	ok $? "fuzz $desc: $runs runs from $(find "$seeds" -type f | wc -l) seeds, no crash or leak"
	grep -E 'ERROR|SUMMARY|runtime error' "$work.log" | head -n 10 | sed 's/^/#   /'
	rm -rf "$work" "$work.log"
}
