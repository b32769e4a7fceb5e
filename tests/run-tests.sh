#!/usr/bin/env bash
# run-tests.sh quick|full
#
# Runs every test suite (each an executable that prints TAP), shows each
# suite's result lines, and ends with the one line CI reads:
#   N passed, N failed, N skipped
# quick: suites that need no kernel build and no VM (make check-quick).
# full:  quick plus the boot matrix and the harness tests (make check).
set -uo pipefail

mode=${1:-quick}
top=$(cd "$(dirname "$0")/.." && pwd)
logdir=$top/build/logs/tests
mkdir -p "$logdir"

# Suites are found, not listed: a component adds its tests by adding files.
#   quick: build/t/test_*   C unit tests (sanitizer builds, made by build.mk)
#          tests/unit/test_*.sh
#   full:  tests/virtme/matrix and tests/virtme/test_*.sh (VMs, kernel builds)
suite_name() { local b=${1##*/}; b=${b#test_}; echo "${b%.sh}"; }
quick_suites=()
for f in "$top"/build/t/test_* "$top"/tests/unit/test_*.sh; do
	[ -x "$f" ] && quick_suites+=("$(suite_name "$f"):$f")
done
full_suites=("boot-matrix:$top/tests/virtme/matrix")
for f in "$top"/tests/virtme/test_*.sh; do
	[ -x "$f" ] && full_suites+=("$(suite_name "$f"):$f")
done

# Suites that cost more than a unit test (a fresh tree extraction, say)
# may look at this and skip themselves in quick mode.
export NBT_TEST_MODE=$mode
case $mode in
quick) suites=("${quick_suites[@]}") ;;
full) suites=("${quick_suites[@]}" "${full_suites[@]}") ;;
*) echo "usage: run-tests.sh quick|full" >&2; exit 2 ;;
esac

# A full-mode suite that spends most of its time waiting (on lease
# timers, say) or in work of its own that shares nothing with the others
# says so with a line "# run-tests: concurrent": it starts before the
# serial suites and is reported after them, so its wall time overlaps
# theirs instead of adding to it.
concurrent() { [ "$mode" = full ] && grep -qx '# run-tests: concurrent' "$1" 2>/dev/null; }
declare -A bg_pid bg_start
ordered=()
for entry in "${suites[@]}"; do
	name=${entry%%:*} cmd=${entry#*:}
	if concurrent "$cmd"; then
		echo "# suite $name: started, runs next to the others"
		bg_start[$name]=$(date +%s)
		# Its end time, for the summary line: it is reported later.
		{ "$cmd" >"$logdir/$name.tap" 2>"$logdir/$name.stderr"; rc=$?; date +%s >"$logdir/$name.end"; exit "$rc"; } &
		bg_pid[$name]=$!
	fi
done
for entry in "${suites[@]}"; do concurrent "${entry#*:}" || ordered+=("$entry"); done
for entry in "${suites[@]}"; do concurrent "${entry#*:}" && ordered+=("$entry"); done

passed=0 failed=0 skipped=0
for entry in "${ordered[@]}"; do
	name=${entry%%:*} cmd=${entry#*:}
	log=$logdir/$name.tap
	echo "# suite $name"
	start=$(date +%s)
	if [ -n "${bg_pid[$name]:-}" ]; then
		wait "${bg_pid[$name]}"
		rc=$?
		start=${bg_start[$name]}
	else
		"$cmd" >"$log" 2>"$logdir/$name.stderr"
		rc=$?
	fi
	p=0 f=0 s=0 planned=
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"* | "ok "*"# skip"*) s=$((s + 1)); echo "  $line" ;;
		"ok "*) p=$((p + 1)); echo "  $line" ;;
		"not ok "*) f=$((f + 1)); echo "  $line" ;;
		"1.."*) planned=${line#1..}; planned=${planned%% *} ;;
		"#"*) [ "$f" -gt 0 ] && echo "  $line" ;;
		esac
	done <"$log"
	total=$((p + f + s))
	# A suite that crashed, or ran fewer tests than it planned, fails once more.
	if [ -z "$planned" ] || [ "$planned" != "$total" ] || { [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; }; then
		echo "  not ok - suite $name ended badly (exit $rc, plan '${planned:-none}', ran $total); see $logdir/$name.stderr"
		tail -n 5 "$logdir/$name.stderr" | sed 's/^/  # /'
		f=$((f + 1))
	fi
	end=$(date +%s)
	[ -z "${bg_pid[$name]:-}" ] || end=$(cat "$logdir/$name.end" 2>/dev/null || echo "$end")
	echo "# suite $name: $p passed, $f failed, $s skipped ($((end - start))s)"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
