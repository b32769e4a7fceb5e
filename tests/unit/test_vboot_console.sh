#!/usr/bin/env bash
# Black-box tests of vboot-console (sanitizer build) with fake nodes.
set -u
. "$(dirname "$0")/../lib/tap.sh"
VC=${VBOOT_CONSOLE:-$TAP_TOP/build/t/vboot-console}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

expect_status 0 "--help exits 0" "$VC" --help
contains "$OUT" "Exit status" "--help documents exit status"

expect_status 0 "a node that prints the marker passes" \
	"$VC" --marker m1 --grace 100 --log "$T/log" --result "$T/res" -- \
	sh -c 'echo "[    0.000000] Linux version 6.1"; echo "[    1.000000] IP-Config: Complete:"; echo "VBOOT-USERSPACE-OK m1"; sleep 5'
check "result says pass" grep -qx "verdict=pass" "$T/res"
check "result has the kernel milestone with guest time" grep -qx "event.kernel.guest_s=0.000000" "$T/res"
check "log holds the console lines" grep -qx "VBOOT-USERSPACE-OK m1" "$T/log"
contains "$OUT" "ipconfig-complete" "timeline printed"

expect_status 1 "a panic fails the boot" \
	"$VC" --marker m1 --grace 0 --result "$T/res" -- \
	sh -c 'echo "[ 2.0] Kernel panic - not syncing: No working init found."; sleep 5'
check "reason is the panic line" grep -qx "reason=Kernel panic - not syncing: No working init found." "$T/res"

expect_status 2 "a silent node times out" \
	"$VC" --marker m1 --timeout 1 --result "$T/res" -- sh -c 'echo "[ 0.0] Linux version 6.1"; sleep 30'
check "timeout result names the last milestone" grep -qx "reason=no verdict after 1s (last milestone: kernel)" "$T/res"

expect_status 1 "a node that exits early fails" \
	"$VC" --marker m1 --result "$T/res" -- sh -c 'echo hello; exit 3'
check "reason gives the exit status" grep -qx "reason=node exited (status 3) before reaching userspace" "$T/res"

expect_status 4 "a command that cannot run is a setup error" \
	"$VC" --marker m1 -- /nonexistent/qemu

expect_status 3 "--marker is required" "$VC" -- true
expect_status 3 "a marker with a space is refused" "$VC" --marker "a b" -- true
expect_status 3 "--timeout 0 is refused" "$VC" --marker m --timeout 0 -- true
expect_status 3 "a missing command is refused" "$VC" --marker m

# The whole process group goes, not just the direct child.
expect_status 0 "background children of the node are stopped too" \
	"$VC" --marker m2 --grace 0 -- \
	sh -c "sleep 300 & echo \$! >'$T/child'; echo 'VBOOT-USERSPACE-OK m2'; wait"
sleep 0.2
if [ -s "$T/child" ] && ! kill -0 "$(cat "$T/child")" 2>/dev/null; then ok 0 "no process left behind"; else ok 1 "no process left behind"; fi

# Hostile console: a 100 kB line without newline and binary noise.
expect_status 0 "overlong lines and binary noise do not break the watcher" \
	"$VC" --marker m3 --grace 0 -- \
	sh -c 'head -c 100000 /dev/zero | tr "\0" x; head -c 4096 /dev/urandom | tr -d "\n"; echo; echo "VBOOT-USERSPACE-OK m3"'

# A signal to the watcher stops the node and is reported.
"$VC" --marker m4 --result "$T/res4" -- sh -c "echo \$\$ >'$T/node'; exec sleep 300" >/dev/null 2>&1 &
vc=$!
for _ in $(seq 50); do [ -s "$T/node" ] && break; sleep 0.1; done
kill -TERM "$vc"
wait "$vc"
rc=$?
check "SIGTERM ends the watcher with status 143 (got $rc)" test "$rc" -eq 143
check "SIGTERM is recorded in the result" grep -qx "verdict=interrupted" "$T/res4"
check "the result names the signal" grep -qx "reason=interrupted by signal 15" "$T/res4"
if ! kill -0 "$(cat "$T/node")" 2>/dev/null; then ok 0 "node stopped on SIGTERM"; else ok 1 "node stopped on SIGTERM"; fi

tap_done
