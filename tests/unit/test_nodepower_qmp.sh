#!/usr/bin/env bash
# nodepower's qmp backend against real QEMU processes that run no guest
# (-machine none -S: QEMU only as the QMP server, no VM): status, on
# (cont), reset, soft, off (quit), a boot_set the machine refuses, and a
# fan-out over three QEMUs, one of them stopped (SIGSTOP): a timeout within
# its limit while the others answer.  The qmp backend driving booting
# nodes is tested in tests/virtme/test_nodepower.sh.
set -u
. "$(dirname "$0")/../lib/tap.sh"
NP=$TAP_TOP/build/t/nodepower
QEMU=${VB_QEMU:-qemu-system-x86_64}
if [ ! -x "$NP" ] || ! command -v "$QEMU" >/dev/null; then
	skip "nodepower qmp" "needs $NP (make check-quick) and $QEMU"
	tap_done
	exit
fi
T=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT

# start_qemu NAME: a QEMU with no guest, paused (-S), QMP at $T/NAME.qmp.
start_qemu() {
	"$QEMU" -machine none -S -nodefaults -no-user-config -display none \
		-qmp "unix:$T/$1.qmp,server=on,wait=off" -daemonize -pidfile "$T/$1.pid" </dev/null >"$T/$1.log" 2>&1 ||
		return 1
	pids+=("$(cat "$T/$1.pid")")
}

printf 'vm[1-3] qmp %s/%%h.qmp\n' "$T" >"$T/inventory"
I=(-i "$T/inventory" -t 5)
check "QEMU (-machine none -S) starts as a QMP server" start_qemu vm1

expect_status 0 "status of a QEMU started with -S" "$NP" "${I[@]}" status vm1
contains "$OUT" "vm1: status -> off" "... is off (prelaunch)"
expect_status 0 "on continues it" "$NP" "${I[@]}" on vm1
expect_status 0 "status after on" "$NP" "${I[@]}" status vm1
contains "$OUT" "vm1: status -> on" "... is on (running)"
expect_status 0 "on of a running QEMU" "$NP" "${I[@]}" on vm1
expect_status 0 "reset (system_reset)" "$NP" "${I[@]}" reset vm1
expect_status 0 "cycle (system_reset)" "$NP" "${I[@]}" cycle vm1
contains "$OUT" "vm1: cycle -> ok (cycled)" "... of a running QEMU"
expect_status 0 "soft (system_powerdown; QEMU sends its POWERDOWN event first)" "$NP" "${I[@]}" soft vm1
expect_status 1 "bootdev on a machine without a boot order" "$NP" "${I[@]}" bootdev pxe vm1
contains "$OUT" "no function defined to set boot device list" "... fails with QEMU's own reason"
expect_status 0 "off (quit)" "$NP" "${I[@]}" off vm1
check "off ended QEMU" bash -c "for i in \$(seq 50); do kill -0 ${pids[0]} 2>/dev/null || exit 0; sleep 0.1; done; exit 1"
expect_status 0 "status after off: no QEMU at the socket" "$NP" "${I[@]}" status vm1
contains "$OUT" "vm1: status -> off" "... is off"
expect_status 0 "off again is already done" "$NP" "${I[@]}" off vm1
contains "$OUT" "vm1: off -> ok (already off)" "... and says so"

# Three QEMUs, the second stopped: it accepts the connection (the kernel
# does) but never greets.
start_qemu vm1 && start_qemu vm2 && start_qemu vm3
kill -STOP "$(cat "$T/vm2.pid")"
expect_status 1 "status vm[1-3] with vm2 stopped: exit 1" "$NP" -i "$T/inventory" -t 2 status 'vm[1-3]'
contains "$OUT" "vm2: status -> timeout" "vm2 is a timeout"
contains "$OUT" "vm1: status -> off" "vm1 answers"
contains "$OUT" "vm3: status -> off" "vm3 answers"
contains "$OUT" "2 ok, 1 timed out, 0 failed" "the summary counts them"
kill -CONT "$(cat "$T/vm2.pid")"
expect_status 0 "off vm[1-3], fan-out 1" "$NP" -i "$T/inventory" -f 1 off 'vm[1-3]'
contains "$OUT" "3 ok, 0 timed out, 0 failed" "all three quit"
tap_done
