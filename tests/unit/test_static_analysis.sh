#!/usr/bin/env bash
# Static analysis of everything we ship: shellcheck, cppcheck, and a clang
# build with warnings as errors (gcc is the default compiler).
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1

mapfile -t shells < <(grep -rlE '^#!/usr/bin/env bash|^# shellcheck shell=bash' \
	scripts tests bench .ci 2>/dev/null | grep -v '\.c$' | sort)
if command -v shellcheck >/dev/null; then
	for f in "${shells[@]}"; do
		out=$(shellcheck -x -S warning "$f" 2>&1)
		ok $? "shellcheck $f"
		[ -z "$out" ] || printf '%s\n' "$out" | head -n 20 | sed 's/^/#   /'
	done
else
	skip "shellcheck" "shellcheck not installed"
fi

mapfile -t csrc < <(find userspace tests -name '*.c' | sort)
if command -v cppcheck >/dev/null; then
	out=$(cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c11 --inline-suppr "${csrc[@]}" 2>&1)
	ok $? "cppcheck: no warnings in ${#csrc[@]} C files"
	[ -z "$out" ] || printf '%s\n' "$out" | head -n 20 | sed 's/^/#   /'
else
	skip "cppcheck" "cppcheck not installed"
fi

if command -v clang >/dev/null; then
	T=$(mktemp -d)
	out=$(clang -std=c11 -Wall -Wextra -Werror -Wshadow -O2 -o "$T/vc" userspace/vboot-console/*.c 2>&1)
	ok $? "clang -Wall -Wextra -Werror builds vboot-console"
	[ -z "$out" ] || printf '%s\n' "$out" | head -n 20 | sed 's/^/#   /'
	rm -rf "$T"
else
	skip "clang build" "clang not installed"
fi

tap_done
