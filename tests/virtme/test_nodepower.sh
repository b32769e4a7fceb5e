#!/usr/bin/env bash
# test_nodepower.sh - remote power control of QEMU nodes behind simulated
# BMCs (make check: VMs).  One vboot run with a rack of four nodes, each
# behind OpenIPMI's ipmi_sim (IPMI v2.0 RMCP+), each with a local disk;
# every step goes through nodepower, as an admin would drive a rack:
#  - node1: status off; bootdev disk + on boots the disk; off ends QEMU;
#    bootdev pxe + on boots the network (PXE, netbootd, NFS root); bootdev
#    pxe + reset boots it again; status is right at every step, through
#    the BMC and through QMP;
#  - the rack: cycle --netboot node[1-2] (node1 on: a real cycle; node2
#    off: powered on), then node[3-4], two nodes at a time (TCG); soft
#    reaches QEMU as system_powerdown;
#  - a BMC that does not answer (ipmi_sim stopped) is a timeout within its
#    limit while the other three answer; a wrong password fails with a
#    clear line; a credentials file of mode 0644 is refused; no password
#    in any worker's argv or environment.
# The steps run inside the run's network (vboot --bmc-run "$0 --steps")
# and write TAP to the run's bmc-run.log; this script re-reports them.
set -u
. "$(dirname "$0")/../lib/tap.sh"

# Generous limits: the machine is shared; verdicts never depend on speed.
BOOT_WAIT=${NODEPOWER_BOOT_WAIT:-240}

# ------------------------------------------------------------ inside
# count FILE PATTERN: how many console lines match.
count() { grep -a -c -- "$2" "$1" 2>/dev/null || true; }

# wait_count FILE PATTERN N: until FILE holds N lines matching PATTERN.
wait_count() {
	local i
	for ((i = 0; i < BOOT_WAIT * 2; i++)); do
		[ "$(count "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.5
	done
	return 1
}

np() { "$VB_NODEPOWER" "$@"; }
console() { echo "$VB_BMC_DIR/$1/console.log"; }
qemu_running() {
	local pid
	pid=$(cat "$VB_BMC_DIR/$1/qemu.pid" 2>/dev/null) || return 1
	[ -d "/proc/$pid" ] && [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != Z ]
}

# qemu_gone NODE: its QEMU has exited (waits up to 10 s).
qemu_gone() {
	local i
	for ((i = 0; i < 100; i++)); do
		qemu_running "$1" || return 0
		sleep 0.1
	done
	return 1
}

# step_np DESCRIPTION WANT-STATUS NEEDLE NODEPOWER-ARGS...
step_np() {
	local desc=$1 want=$2 needle=$3
	shift 3
	expect_status "$want" "$desc" np "$@"
	printf '%s\n' "$OUT" | sed 's/^/#   /'
	[ -z "$needle" ] || contains "$OUT" "$needle" "$desc: says '$needle'"
}

steps() {
	local c1 pw VB_QEMU_PATTERN="qemu-system-x86_64 .*-name node" NET="VBOOT-USERSPACE-OK $VB_RUN_ID" DISK="VBOOT-DISK-OK"
	c1=$(console node1)

	# ---- one node: disk, network, reset, off
	step_np "node1 is off before anyone powers it" 0 "node1: status -> off" status node1
	step_np "bootdev disk node1" 0 "node1: bootdev disk -> ok (next boot)" bootdev disk node1
	step_np "on node1" 0 "node1: on -> ok" on node1
	check "node1 boots its local disk (the disk marker)" wait_count "$c1" "$DISK" 1
	check "... and not the network" test "$(count "$c1" "$NET")" = 0
	step_np "node1 is on while it runs its disk" 0 "node1: status -> on" status node1
	step_np "off node1" 0 "node1: off -> ok" off node1
	check "off ends node1's QEMU" qemu_gone node1
	step_np "node1 is off after off" 0 "node1: status -> off" status node1
	step_np "the qmp backend: no QEMU at node1's socket is off" 0 "node1: status -> off" \
		-i "$VB_BMC_DIR/qmp.inventory" status node1

	step_np "bootdev pxe node1 (one-shot)" 0 "node1: bootdev pxe -> ok (next boot)" bootdev pxe node1
	# ipmitool, the reference client, reads back what nodepower set (its
	# password from the environment, -E; -C 3: no cipher-suite probe).
	local it=(ipmitool -I lanplus -C 3 -H 192.0.2.201 -U admin -E)
	expect_status 0 "ipmitool reads node1's boot flags" env IPMITOOL_PASSWORD="$(awk '{ print $3 }' "$VB_BMC_DIR/credentials")" \
		"${it[@]}" chassis bootparam get 5
	contains "$OUT" "Force PXE" "ipmitool: the boot device nodepower set is Force PXE"
	contains "$OUT" "Options apply to only next boot" "ipmitool: ... for the next boot only"
	expect_status 0 "ipmitool reads node1's power" env IPMITOOL_PASSWORD="$(awk '{ print $3 }' "$VB_BMC_DIR/credentials")" \
		"${it[@]}" chassis power status
	contains "$OUT" "Chassis Power is off" "ipmitool agrees: node1 is off"
	step_np "on node1 after bootdev pxe" 0 "node1: on -> ok" on node1
	check "node1 boots the network to the NFS root marker (PXE, netbootd)" wait_count "$c1" "$NET" 1
	contains "$(cat "$VB_BMC_DIR/node1/hook.log")" "start QEMU, boot order n" \
		"the BMC's boot device reached QEMU (boot order n)"
	step_np "node1 is on after the network boot" 0 "node1: status -> on" status node1
	step_np "the qmp backend sees node1's QEMU running" 0 "node1: status -> on" \
		-i "$VB_BMC_DIR/qmp.inventory" status node1
	step_np "bootdev pxe node1, again" 0 "node1: bootdev pxe -> ok" bootdev pxe node1
	step_np "reset node1" 0 "node1: reset -> ok" reset node1
	check "reset boots node1 again: a second NFS root marker" wait_count "$c1" "$NET" 2
	check "... still one disk boot in node1's console" test "$(count "$c1" "$DISK")" = 1
	step_np "node1 is on after the reset" 0 "node1: status -> on" status node1

	# ---- the rack, two nodes at a time (node1 is on: a real power cycle)
	step_np "cycle --netboot node[1-2]" 0 "0 failed" cycle --netboot "node[1-2]"
	contains "$OUT" "node1: cycle --netboot -> ok (bootdev pxe, cycled)" "node1 (on) was power-cycled"
	contains "$OUT" "node2: cycle --netboot -> ok (bootdev pxe, was off: powered on)" "node2 (off) was powered on"
	check "node1 reaches the NFS root marker after the cycle (third)" wait_count "$c1" "$NET" 3
	check "node2 reaches the NFS root marker" wait_count "$(console node2)" "$NET" 1
	step_np "off node[1-2]" 0 "2 ok" off "node[1-2]"
	check "off ends the QEMU of node1 and node2" bash -c "$(declare -f qemu_running qemu_gone); VB_BMC_DIR=$VB_BMC_DIR; qemu_gone node1 && qemu_gone node2"
	step_np "cycle --netboot node[3-4]" 0 "2 ok, 0 timed out, 0 failed" cycle --netboot "node[3-4]"
	check "node3 reaches the NFS root marker" wait_count "$(console node3)" "$NET" 1
	check "node4 reaches the NFS root marker" wait_count "$(console node4)" "$NET" 1
	check "no node of the rack booted its disk instead" \
		test "$(cat "$VB_BMC_DIR"/node[2-4]/console.log | grep -a -c "$DISK")" = 0
	step_np "status --all: node3 and node4 on" 0 "node4: status -> on" status --all
	contains "$OUT" "node1: status -> off" "status --all: node1 off"
	contains "$OUT" "node3: status -> on" "status --all: node3 on"
	step_np "soft node3 (ACPI power button)" 0 "node3: soft -> ok" soft node3
	contains "$(cat "$VB_BMC_DIR/node3/hook.log")" "node3: soft -> ok" \
		"the BMC passed soft to QEMU (system_powerdown over QMP)"
	step_np "off node[3-4]" 0 "2 ok" off "node[3-4]"
	# The hooks drove QEMU with nodepower's qmp backend: every call worked.
	local hookfail
	hookfail=$(grep -h -- '-> failed\|-> timeout' "$VB_BMC_DIR"/node*/hook.log)
	ok $((${#hookfail} > 0)) "every QMP call of the BMC hooks succeeded (off, reset, bootdev, soft)"
	[ -z "$hookfail" ] || diag "$hookfail"
	contains "$(cat "$VB_BMC_DIR/node1/hook.log")" "node1: bootdev pxe -> ok" "the hook set node1's boot order over QMP before its reset"
	check "off ends the QEMU of node3 and node4" bash -c "$(declare -f qemu_running qemu_gone); VB_BMC_DIR=$VB_BMC_DIR; qemu_gone node3 && qemu_gone node4"
	pgrep -f -- "$VB_QEMU_PATTERN" >/dev/null
	ok $((!$?)) "no QEMU of the rack is left after off"

	# ---- a BMC that does not answer: its own timeout, the others answer
	local sim4 t0 t1
	sim4=$(cat "$VB_BMC_DIR/node4/ipmi_sim.pid")
	kill -STOP "$sim4"
	t0=$(date +%s%N)
	step_np "status node[1-4] with node4's BMC stopped: exit 1" 1 "node4: status -> timeout" -t 3 status "node[1-4]"
	t1=$(date +%s%N)
	kill -CONT "$sim4"
	contains "$OUT" "3 ok, 1 timed out, 0 failed" "the three live BMCs answer, the dead one times out"
	for n in 1 2 3; do contains "$OUT" "node$n: status -> off" "node$n answers while node4's BMC is dead"; done
	# Within its limit by construction: the worker is killed at its
	# deadline ("timeout after 3 s") unless FreeIPMI's own session timeout
	# fires first ("timeout: connection timeout").  The wall time is a
	# note, not a verdict.
	contains "$OUT" "node4: status -> timeout" "node4's line says timeout, not failed"
	diag "status of four nodes with one dead BMC took $(((t1 - t0) / 1000000)) ms (limit 3 s)"

	# ---- credentials
	step_np "a wrong password fails" 1 "node1: status -> failed: password invalid" \
		-c "$VB_BMC_DIR/credentials.wrong" status node1
	cp "$VB_BMC_DIR/credentials" "$VB_BMC_DIR/credentials.0644"
	chmod 644 "$VB_BMC_DIR/credentials.0644"
	step_np "a credentials file of mode 0644 is refused (exit 3)" 3 "has mode 0644" \
		-c "$VB_BMC_DIR/credentials.0644" status node1
	contains "$OUT" "refusing it (chmod 600" "... saying how to fix it"
	pw=$(awk '{ print $3 }' "$VB_BMC_DIR/credentials")
	grep -qF -- "$pw" <<<"$OUT"
	ok $((!$?)) "... and the password is in no message"

	# From the environment, while a worker waits on a dead BMC: its
	# argv and environment, and ours, must not show the password.
	kill -STOP "$sim4"
	env -u NODEPOWER_CREDENTIALS NODEPOWER_USER=admin NODEPOWER_PASSWORD="$pw" \
		"$VB_NODEPOWER" -t 3 status "node[1-4]" >"$VB_BMC_DIR/env-run.log" 2>&1 &
	local bg=$! leaked=0 found=0 p
	sleep 1.5
	for p in $(pgrep -f "$VB_NODEPOWER -t 3 status"); do
		found=$((found + 1))
		if tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$pw" ||
			tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qF -- "$pw"; then
			leaked=1
		fi
	done
	wait "$bg"
	kill -CONT "$sim4"
	ok $((leaked || found < 2)) "no password in /proc/PID/cmdline or environ of nodepower and its workers ($found processes)"
	contains "$(cat "$VB_BMC_DIR/env-run.log")" "node1: status -> off" "credentials from the environment work"
	tap_done
}

if [ "${1:-}" = --steps ]; then
	steps
	exit
fi

# ------------------------------------------------------------ outside
if [ "$(id -u)" != 0 ]; then
	skip "nodepower boot suite" "needs root (vboot)"
	tap_done
	exit
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
make -s -C "$TAP_TOP" "$TAP_TOP/build/t/nodepower" >/dev/null 2>&1
start=$(date +%s)
rc=0
VB_NODEPOWER=$TAP_TOP/build/t/nodepower "$TAP_TOP/tests/virtme/vboot" --quiet --bmc ipmi --nodes 4 \
	--timeout 1500 --log "$T/run" --bmc-run "$0 --steps" >"$T/vboot.out" 2>&1 || rc=$?
# The steps' TAP, renumbered into ours.
while IFS= read -r line; do
	case $line in
	"ok "*) ok 0 "${line#ok * - }" ;;
	"not ok "*) ok 1 "${line#not ok * - }" ;;
	"#"*) echo "$line" ;;
	esac
done <"$T/run/bmc-run.log"
ok "$rc" "vboot --bmc ipmi: the rack run passed ($(($(date +%s) - start)) s)"
[ "$rc" = 0 ] || sed 's/^/#   /' "$T/vboot.out" | tail -n 20
# (pgrep never matches itself, and nothing else here names the run's directory.)
pgrep -f -- "$T/run" >/dev/null
ok $((!$?)) "nothing of the run is left (ipmi_sim, QEMU)"
grep -l 'ERROR: AddressSanitizer\|runtime error' "$T"/run/bmc/*.log "$T"/run/bmc/node*/hook.log 2>/dev/null |
	sed 's/^/# sanitizer report in /'
check "no sanitizer report from nodepower" bash -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' $T/run/bmc-run.log $T/run/bmc/node*/hook.log"
tap_done
