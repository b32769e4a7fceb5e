#!/usr/bin/env bash
# kernel/ipconfig/: the series file matches the patches, every patch is a
# real commit (subject, body, Signed-off-by), the series applies cleanly
# (no fuzz, no offsets beyond what git apply allows) to the pristine 6.1
# tree, in order, and checkpatch --strict finds no errors and only the
# warnings that kernel/ipconfig/README.md justifies.  Only the files the
# series touches are copied, so this needs no kernel build.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1
D=kernel/ipconfig
KSRC=${KSRC:-${NETBOOT_CACHE:-$HOME/.cache/netboot-toolkit}/src/linux-source-6.1}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

mapfile -t series < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$D/series")
check "series lists at least one patch" test ${#series[@]} -gt 0
missing=$(for p in "${series[@]}"; do [ -f "$D/$p" ] || echo "$p"; done)
check "every patch in series exists" test -z "$missing"
[ -z "$missing" ] || diag "missing: $missing"
unlisted=$(comm -13 <(printf '%s\n' "${series[@]}" | sort) <(cd "$D" && ls -1 -- *.patch | sort))
check "every .patch file is in series" test -z "$unlisted"
[ -z "$unlisted" ] || diag "not in series: $unlisted"
check "series is in numbered order, no duplicates" \
	cmp -s <(printf '%s\n' "${series[@]}") <(printf '%s\n' "${series[@]}" | sort -u)

# is_commit PATCH: format-patch output with a subject, a body of some
# substance and a sign-off.
is_commit() {
	local body
	grep -q '^Subject: \[PATCH' "$1" || return 1
	grep -qE '^Signed-off-by: .+ <[^>]+@[^>]+>$' "$1" || return 1
	body=$(sed -n '/^$/,/^---$/p' "$1" | grep -cvE '^$|^---$|^Signed-off-by:|^Fixes:')
	[ "$body" -ge 8 ]
}
for p in "${series[@]}"; do
	check "$p: commit message (subject, body, Signed-off-by)" is_commit "$D/$p"
done

# apply_all DIR PATCH...: apply each patch in order to the copy in DIR.
touched() { sed -n 's|^+++ b/||p; s|^--- a/||p' "$@" | sort -u; }
prepare_copy() { # DIR PATCH...
	local dir=$1 f
	shift
	rm -rf "$dir" && mkdir -p "$dir"
	while IFS= read -r f; do
		[ -f "$KSRC/$f" ] || continue
		mkdir -p "$dir/$(dirname "$f")"
		cp "$KSRC/$f" "$dir/$f"
	done < <(touched "$@")
}
apply_all() {
	local dir=$1 p
	shift
	for p in "$@"; do
		git -C "$dir" apply --whitespace=error-all "$p" 2>"$T/apply.err" ||
			{ echo "$(basename "$p"): $(head -n 3 "$T/apply.err")"; return 1; }
	done
}

if [ ! -f "$KSRC/Makefile" ]; then
	skip "series applies to the pristine tree" "no kernel tree at $KSRC (make kernel-src)"
	skip "checkpatch --strict" "no kernel tree at $KSRC"
	tap_done
	exit
fi

paths=()
for p in "${series[@]}"; do paths+=("$TAP_TOP/$D/$p"); done
prepare_copy "$T/tree" "${paths[@]}"
git -C "$T/tree" init -q
out=$(apply_all "$T/tree" "${paths[@]}")
ok $? "the series applies cleanly, in order, to $(basename "$KSRC")"
[ -z "$out" ] || diag "$out"

# The check has teeth: a patch whose context no longer matches is refused.
awk '/^@@/ { hunk = 1 } hunk && !done && /^ ./ { $0 = $0 "_changed"; done = 1 } { print }' \
	"${paths[0]}" >"$T/broken.patch"
prepare_copy "$T/tree2" "$T/broken.patch"
git -C "$T/tree2" init -q
! apply_all "$T/tree2" "$T/broken.patch" >/dev/null
ok $? "self-check: a patch with changed context does not apply"

check "the KUnit fragment's symbol comes from the series" \
	sh -c "grep -q '^+config IP_PNP_KUNIT_TEST\$' $D/*.patch && grep -q '^CONFIG_IP_PNP_KUNIT_TEST=y\$' kernel/configs/ipconfig-kunit.config"

# checkpatch --strict: no errors; each warning or check justified in the
# README's checkpatch section by its message text.
readme=$D/README.md
for p in "${series[@]}"; do
	out=$(cd "$KSRC" && perl scripts/checkpatch.pl --strict --no-tree --no-summary --terse "$TAP_TOP/$D/$p" 2>&1)
	errors=$(grep -c ': ERROR: ' <<<"$out")
	unjustified=$(grep -E ': (WARNING|CHECK): ' <<<"$out" | sed -E 's/.*: (WARNING|CHECK): //' | sort -u |
		while IFS= read -r msg; do grep -qF -- "$msg" "$readme" || echo "$msg"; done)
	if [ "$errors" -eq 0 ] && [ -z "$unjustified" ]; then
		ok 0 "$p: checkpatch --strict: no errors, no unjustified warnings"
	else
		ok 1 "$p: checkpatch --strict: $errors errors${unjustified:+, unjustified: $unjustified}"
		printf '%s\n' "$out" | head -n 10 | sed 's/^/#   /'
	fi
done

tap_done
