#!/usr/bin/env bash
# test_kbuild.sh - scripts/kbuild.sh against a stand-in kernel tree (a
# Makefile that prints kbuild-style lines): the log and the progress lines
# survive a calling `make -s` (make check builds kernels that way), paths
# are made absolute (kbuild resolves a relative O= against the tree), and
# a failed build ends with its last lines and exit 1; progress is a
# fraction with an estimate once a full build of the variant was counted.
set -u
. "$(dirname "$0")/../lib/tap.sh"
KB=$TAP_TOP/scripts/kbuild.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/tree" "$T/work"
cat >"$T/tree/Makefile" <<'MK'
# Stands in for a kernel tree: 300 compiled objects, then the image.
# Like the kernel's Makefile, it goes silent when MAKEFLAGS holds -s.
silent := $(findstring s,$(firstword -$(MAKEFLAGS)))
all bzImage:
	@echo "O=$(O)"
	@test -n "$(silent)" || for i in $$(seq 300); do echo "  CC      obj$$i.o"; done
	@test -z "$(FAIL)" || { echo "error: broken on purpose"; exit 2; }
	@echo "Kernel: arch/x86/boot/bzImage is ready"
	@mkdir -p $(O)/init && touch $(O)/vmlinux $(O)/init/main.o
MK
export NETBOOT_CACHE=$T/cache

cd "$T/work" || exit 1
out=$(MAKEFLAGS=s "$KB" ../tree out kbuild.log bzImage 2>&1)
ok $? "kbuild.sh succeeds under MAKEFLAGS=s"
check "the log has the build's output" grep -q 'bzImage is ready' "$T/work/kbuild.log"
contains "$out" "kbuild:   first build of this variant here: no estimate yet" "a first build says it has no estimate"
contains "$out" "kbuild:   250 objects compiled (first build: no estimate)" "and counts every 250 objects"
contains "$out" "kbuild:   300 objects compiled in total" "summary counts every object"
rm -rf "$T/work/out"
out=$("$KB" ../tree out kbuild.log bzImage 2>&1)
ok $? "a second full build succeeds"
contains "$out" "about 300 objects to compile (the last full build of this variant)" "it takes the last full build's count as the estimate"
contains "$out" "kbuild:   150/300 objects (50%)" "and shows progress as a fraction"
contains "$out" "left" "with an estimate of the time left"
out=$("$KB" ../tree out kbuild.log bzImage 2>&1)
contains "$out" "incremental build" "a build over an existing build directory is called incremental"
! grep -q '/300 objects' <<<"$out"
ok $? "and shows no fraction of the full count"
check "O= was made absolute" grep -qx "O=$T/work/out" "$T/work/kbuild.log"
out=$(MAKEFLAGS=s FAIL=1 "$KB" "$T/tree" "$T/work/out" "$T/work/fail.log" bzImage 2>&1)
[ $? = 1 ]
ok $? "a failed build exits 1"
contains "$out" "error: broken on purpose" "and shows the log's last lines"
expect_status 2 "usage error without arguments" "$KB"
tap_done
