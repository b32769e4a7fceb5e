#!/usr/bin/env bash
# kcmerge on a small synthetic Kconfig tree (tests/kcmerge/synthetic): for
# each construct, the exact .config values and the exact explanation line.
set -u
. "$(dirname "$0")/../lib/tap.sh"
KC=$TAP_TOP/build/t/kcmerge
K=$TAP_TOP/tests/kcmerge/synthetic/Kconfig
[ -x "$KC" ] || { echo "Bail out! $KC is missing (make check-quick builds it)"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export ASAN_OPTIONS=detect_leaks=0	# the kernel's Kconfig code never frees its model

# run NAME ARGS...: kcmerge -O NAME ARGS; sets RC, OUT, EXPL (the output
# lines that are neither progress nor resolve lines) and SET (the symbols
# set in NAME/.config, one line).
run() {
	local dir=$1
	shift
	rm -rf "$dir"
	RC=0
	OUT=$("$KC" --kconfig "$K" -O "$dir" "$@" 2>&1) || RC=$?
	EXPL=$(grep -v '^kcmerge: \|^resolve: ' <<<"$OUT")
	SET=$(grep '^CONFIG_' "$dir/.config" 2>/dev/null | tr '\n' ' ')
	SET=${SET% }
}
frag() { local f=$1; shift; printf '%s\n' "$@" >"$f"; }
is() { # is WHAT GOT WANT
	if [ "$2" = "$3" ]; then ok 0 "$1"; else ok 1 "$1"; diag "got:  $2" "want: $3"; fi
}
DEFAULTS="CONFIG_FLAVOUR_A=y CONFIG_COUNT=4 CONFIG_LABEL=\"node\""

frag dep.config CONFIG_NEEDS_BASE=y
run a dep.config
is "depends: the value does not land and the merge still succeeds" "$RC" 0
is "depends: .config" "$SET" "$DEFAULTS"
is "depends: one explanation" "$EXPL" "CONFIG_NEEDS_BASE=y requested at dep.config:1 is n: depends on BASE [=n]"
run a --strict dep.config
is "depends: --strict fails" "$RC" 1
check "depends: --strict writes nothing" test ! -e a/.config
run a --resolve dep.config
is "depends: --resolve raises BASE" "$OUT" "resolve: CONFIG_BASE n -> y, for CONFIG_NEEDS_BASE=y requested at dep.config:1 (NEEDS_BASE -> BASE)
kcmerge: wrote a/.config (6 symbols set; 1 requests, 0 dropped)"
is "depends: --resolve .config" "$SET" "CONFIG_BASE=y CONFIG_NEEDS_BASE=y CONFIG_FLAVOUR_A=y CONFIG_COUNT=4 CONFIG_LABEL=\"node\" CONFIG_LABEL_EXTRA=\"\""

frag sel.config CONFIG_SELECTOR=y "# CONFIG_SELECTED is not set"
run a sel.config
is "select: .config" "$SET" "CONFIG_SELECTED=y CONFIG_SELECTOR=y $DEFAULTS"
is "select: the forced value is blamed on the selector and its line" "$EXPL" \
	"CONFIG_SELECTED=n requested at sel.config:2 is y: selected by SELECTOR [=y] (CONFIG_SELECTOR=y requested at sel.config:1)"
run a --resolve sel.config
is "select: --resolve cannot undo a requested selector" "$RC" 1
contains "$OUT" "--resolve: needs CONFIG_SELECTOR=n, but CONFIG_SELECTOR=y is requested at sel.config:1" \
	"select: --resolve names both origins"
check "select: nothing written after an unresolvable conflict" test ! -e a/.config

frag imp.config CONFIG_IMPLIER=y
run a imp.config
is "imply: the implied symbol follows" "$SET" "CONFIG_IMPLIED=y CONFIG_IMPLIER=y $DEFAULTS"
is "imply: nothing to explain (no noise)" "$EXPL" ""
frag imp2.config CONFIG_IMPLIER=y "# CONFIG_IMPLIED is not set"
run a imp2.config
is "imply: a weak reverse dependency yields to the request" "$SET" "CONFIG_IMPLIER=y $DEFAULTS"
is "imply: nothing to explain" "$EXPL" ""

frag ch1.config CONFIG_FLAVOUR_A=y
frag ch2.config CONFIG_FLAVOUR_B=y
run a ch1.config ch2.config
is "choice: the last member requested wins" "$SET" "CONFIG_FLAVOUR_B=y CONFIG_COUNT=4 CONFIG_LABEL=\"node\""
is "choice: the losing member is explained" "$EXPL" \
	"CONFIG_FLAVOUR_A=y requested at ch1.config:1 is n: choice \"Flavour\" chose FLAVOUR_B instead (CONFIG_FLAVOUR_B=y requested at ch2.config:1)"

frag tri0.config CONFIG_DRIVER_CORE=m
run a tri0.config
is "tristate: m without MODULES is an input error" "$RC" 2
is "tristate: naming the line" "$OUT" "tri0.config:1: CONFIG_DRIVER_CORE=m: modules are off (CONFIG_MODULES=n); use y or n"
check "tristate: nothing written" test ! -e a/.config
frag tri1.config CONFIG_MODULES=y CONFIG_DRIVER_CORE=m CONFIG_DRIVER=y
run a tri1.config
is "tristate: y under an m dependency becomes m" "$SET" \
	"CONFIG_MODULES=y CONFIG_FLAVOUR_A=y CONFIG_DRIVER_CORE=m CONFIG_DRIVER=m CONFIG_COUNT=4 CONFIG_LABEL=\"node\""
is "tristate: explained" "$EXPL" \
	"CONFIG_DRIVER=y requested at tri1.config:3 is m: depends on DRIVER_CORE [=m] (CONFIG_DRIVER_CORE=m requested at tri1.config:2)"
frag tri2.config CONFIG_MODULES=y CONFIG_DRIVER=m
run a --resolve tri2.config
is "tristate: --resolve raises the dependency to m only" "$OUT" \
	"resolve: CONFIG_DRIVER_CORE n -> m, for CONFIG_DRIVER=m requested at tri2.config:2 (DRIVER -> DRIVER_CORE)
kcmerge: wrote a/.config (6 symbols set; 2 requests, 0 dropped)"

frag modbase CONFIG_MODULES=y CONFIG_DRIVER_CORE=m CONFIG_DRIVER=m CONFIG_ONLY_MODULE=m
frag base.config CONFIG_BASE=y
run a --monolithic --base modbase base.config
is "monolithic: modules become y, MODULES off" "$SET" \
	"CONFIG_BASE=y CONFIG_FLAVOUR_A=y CONFIG_DRIVER_CORE=y CONFIG_DRIVER=y CONFIG_COUNT=4 CONFIG_LABEL=\"node\" CONFIG_LABEL_EXTRA=\"\""
is "monolithic: the module that cannot be built in is reported" "$EXPL" \
	"--monolithic: CONFIG_ONLY_MODULE=m could not become y: it is n: depends on m"

frag vis.config CONFIG_EXPERT_KNOB=y
run a vis.config
is "visible if: explained as the menu's visibility" "$EXPL" \
	"CONFIG_EXPERT_KNOB=y requested at vis.config:1 is n: visible if EXPERT [=n] (menu \"Expert\")"
run a --resolve vis.config
is "visible if: --resolve turns EXPERT on" "$SET" "CONFIG_FLAVOUR_A=y CONFIG_EXPERT=y CONFIG_EXPERT_KNOB=y CONFIG_COUNT=4 CONFIG_LABEL=\"node\""

frag r1.config CONFIG_COUNT=99
run a r1.config
is "range: out of range is an input error" "$RC" 2
is "range: naming the line and the range" "$OUT" "r1.config:1: CONFIG_COUNT=99 is out of range [1..16]"
check "range: nothing written" test ! -e a/.config
frag r2.config CONFIG_COUNT=8 'CONFIG_LABEL="rack \"1\""' 'CONFIG_LABEL_EXTRA="x"'
run a r2.config
is "strings and ints land" "$SET" "CONFIG_FLAVOUR_A=y CONFIG_COUNT=8 CONFIG_LABEL=\"rack \\\"1\\\"\""
is "string: a hidden string is explained" "$EXPL" "CONFIG_LABEL_EXTRA=\"x\" requested at r2.config:3 is not set: depends on BASE [=n]"

frag not.config CONFIG_LEGACY=y CONFIG_MODERN=y
run a not.config
is "depends on !X: explained with the request that set X" "$EXPL" \
	"CONFIG_MODERN=y requested at not.config:2 is n: depends on !LEGACY [=y] (CONFIG_LEGACY=y requested at not.config:1)"
run a --resolve not.config
is "depends on !X: --resolve refuses to undo a request" "$RC" 1
contains "$OUT" "--resolve: needs CONFIG_LEGACY=n, but CONFIG_LEGACY=y is requested at not.config:1" \
	"depends on !X: both origins named"
frag legacybase CONFIG_LEGACY=y
frag not2.config CONFIG_MODERN=y
run a --resolve --base legacybase not2.config
is "depends on !X: --resolve lowers an unrequested X" "$OUT" \
	"resolve: CONFIG_LEGACY y -> n, for CONFIG_MODERN=y requested at not2.config:1 (MODERN -> LEGACY)
kcmerge: wrote a/.config (4 symbols set; 1 requests, 0 dropped)"

frag or.config CONFIG_NIC=y
run a or.config
is "||: the whole alternative is shown" "$EXPL" \
	"CONFIG_NIC=y requested at or.config:1 is n: depends on TRANSPORT_PCI [=n] || TRANSPORT_MMIO [=n]"
run a --resolve or.config
is "||: --resolve takes the first alternative on a tie" "$SET" \
	"CONFIG_FLAVOUR_A=y CONFIG_COUNT=4 CONFIG_LABEL=\"node\" CONFIG_TRANSPORT_PCI=y CONFIG_NIC=y"

frag busbase CONFIG_MODULES=y CONFIG_BUS_B=m
frag card.config CONFIG_CARD=y
run a --base busbase card.config
is "select-only bus (the VIRTIO trap): explained" "$EXPL" "CONFIG_CARD=y requested at card.config:1 is m: depends on BUS [=m]"
run a --resolve --base busbase card.config
is "select-only bus: --resolve raises the selector that is already set" "$OUT" \
	"resolve: CONFIG_BUS_B m -> y, for CONFIG_CARD=y requested at card.config:1 (CARD -> BUS -> BUS_B)
kcmerge: wrote a/.config (7 symbols set; 1 requests, 0 dropped)"

# --modular: a '# kcmerge: builtin' request must be y
frag boot.config "# kcmerge: builtin" CONFIG_CARD=y
frag plain.config CONFIG_CARD=y
run a --modular --base busbase boot.config
is "modular: a builtin request left at m fails" "$RC" 1
is "modular: and is explained as builtin" "$EXPL" \
"CONFIG_CARD=y requested at boot.config:2 is m: depends on BUS [=m] [kcmerge: builtin]"
run a --modular --base busbase plain.config
is "modular: an unmarked request that stays m is only explained" "$RC" 0
run a --modular --resolve --base busbase boot.config
is "modular: --resolve builds the boot path in" "$SET" \
	"CONFIG_MODULES=y CONFIG_FLAVOUR_A=y CONFIG_COUNT=4 CONFIG_LABEL=\"node\" CONFIG_BUS=y CONFIG_BUS_B=y CONFIG_CARD=y"

# why and check on the result just written
OUT=$("$KC" --kconfig "$K" -O a why CONFIG_CARD 2>&1)
contains "$OUT" "depends on [=y]: BUS [=y]" "why: shows the dependency with its value"
OUT=$("$KC" --kconfig "$K" -O a why BUS 2>&1)
contains "$OUT" "selected by [=y]: BUS_A [=n] || BUS_B [=y]" "why: a promptless symbol lists its selectors"
expect_status 0 "check: the written .config has the requested values" "$KC" --kconfig "$K" -O a check card.config
frag card_m.config CONFIG_CARD=m
expect_status 1 "check: a value that is not there fails" "$KC" --kconfig "$K" -O a check card_m.config
contains "$OUT" "CONFIG_CARD=m requested at card_m.config:1 is y" "check: and says why"

# the command line
expect_status 0 "--help exits 0" "$KC" --help
contains "$OUT" "  4  incompatible tree or I/O error" "--help documents the exit codes"
expect_status 3 "no fragment is a usage error" "$KC" --kconfig "$K" -O u
expect_status 3 "--monolithic with --modular is a usage error" "$KC" --kconfig "$K" --monolithic --modular dep.config
expect_status 3 "an unknown option is a usage error" "$KC" --bogus dep.config
check "usage errors write nothing" test ! -e u

tap_done
