#!/usr/bin/env bash
# The KUnit suite of the kernel/ipconfig series: build the patched-kunit
# variant (the series plus CONFIG_KUNIT and CONFIG_IP_PNP_KUNIT_TEST),
# boot it under vboot (the suite runs before init and prints KTAP on the
# serial console; the node then netboots as usual), and report each KUnit
# test case as one TAP line.  KUNIT_VARIANT and KUNIT_VBOOT_ARGS boot
# another build of the suite (test_ipconfig_kunit_arm64.sh: arm64, U-Boot).
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1
VB=$TAP_TOP/tests/virtme/vboot
VARIANT=${KUNIT_VARIANT:-patched-kunit}
L=$TAP_TOP/build/logs/ipconfig-kunit${KUNIT_VARIANT:+-$KUNIT_VARIANT}
SUITE=ipconfig-bootp-options
rm -rf "$L"
mkdir -p "$L"

if [ "$(id -u)" != 0 ]; then
	skip "KUnit boot" "needs root (vboot)"
	tap_done
	exit
fi
K=$(make -s --no-print-directory print-kernel VARIANT="$VARIANT")
# Build unless the image is newer than every patch of the series.
fresh() {
	local f
	[ -f "$K" ] || return 1
	for f in kernel/ipconfig/series kernel/ipconfig/*.patch; do [ "$K" -nt "$f" ] || return 1; done
}
if ! fresh && ! make -s --no-print-directory "$K" VARIANT="$VARIANT" >"$L/build.log" 2>&1; then
	ok 1 "build the $VARIANT kernel"
	tail -n 10 "$L/build.log" | sed 's/^/#   /'
	tap_done
	exit 1
fi

# shellcheck disable=SC2086 # KUNIT_VBOOT_ARGS is a list of options
"$VB" --kernel "$K" --quiet --timeout 180 --name "ipconfig-kunit${KUNIT_VARIANT:+-$KUNIT_VARIANT}" \
	--log "$L/boot" ${KUNIT_VBOOT_ARGS:-} >"$L/vboot.out" 2>&1
rc=$?
ok "$rc" "the KUnit kernel${KUNIT_VARIANT:+ ($KUNIT_VARIANT)} boots to userspace after the suite"
[ "$rc" = 0 ] || sed 's/^/#   /' "$L/vboot.out"

# ktap_cases CONSOLE: the suite's result lines, "ok|not ok<TAB>name<TAB>directive",
# from the KTAP between "# Subtest: SUITE" and the suite's own result line.
ktap_cases() {
	tr -d '\r' <"$1" | sed -E 's/^\[ *[0-9]+\.[0-9]+\] //' | awk -v suite="$SUITE" '
		$0 ~ "# Subtest: " suite "$" { in_suite = 1; next }
		!in_suite { next }
		/^[[:space:]]+1\.\.[0-9]+/ { sub(/^[[:space:]]+1\.\./, ""); print "plan\t" $0; next }
		/^[[:space:]]+(not )?ok [0-9]+ / {
			line = $0; sub(/^[[:space:]]+/, "", line)
			status = (line ~ /^not ok/) ? "not ok" : "ok"
			sub(/^(not )?ok [0-9]+ (- )?/, "", line)
			directive = ""
			if (match(line, / # .*/)) { directive = substr(line, RSTART + 3); line = substr(line, 1, RSTART - 1) }
			print status "\t" line "\t" directive; next
		}
		/^(not )?ok [0-9]+ / { print "suite\t" $0; exit }'
}
mapfile -t lines < <(ktap_cases "$L/boot/console.log")
plan='' suite_line='' n=0
for l in "${lines[@]}"; do
	IFS=$'\t' read -r status name directive <<<"$l"
	case $status in
	plan) plan=$name ;;
	suite) suite_line=$name ;;
	ok | "not ok")
		n=$((n + 1))
		case $directive in
		SKIP* | skip*) skip "$SUITE: $name" "${directive#* }" ;;
		*) [ "$status" = ok ]; ok $? "$SUITE: $name" ;;
		esac
		;;
	esac
done
check "KUnit ran suite $SUITE (KTAP plan found)" test -n "$plan"
check "every planned case reported ($n of ${plan:-?})" test "$n" = "${plan:-x}"
check "the suite's own KTAP result is ok" grep -q '^ok ' <<<"$suite_line"
if [ -z "$plan" ] || [ "$n" != "$plan" ]; then
	grep -a -m 20 -E 'KTAP|Subtest|ok [0-9]|kunit' "$L/boot/console.log" | sed 's/^/#   /'
fi

tap_done
