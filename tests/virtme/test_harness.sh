#!/usr/bin/env bash
# The harness itself: it never leaks (pass, fail, timeout, SIGINT, SIGTERM,
# SIGKILL), two runs at once do not collide, reports are well-formed, and
# an interactive session reaches the node's shell and ends when it exits.
set -u
. "$(dirname "$0")/../lib/tap.sh"
VB=$TAP_TOP/tests/virtme/vboot
KERNEL=${KERNEL:-$(make -s --no-print-directory -C "$TAP_TOP" print-kernel VARIANT=netboot)}
L=$TAP_TOP/build/logs/harness
rm -rf "$L"
mkdir -p "$L"

# What the host looks like where a vboot run could leave something: links
# named like vboot's (vbbr*, vbtap*, vbveth*...), any named network
# namespace of vboot's (vb*), and mounts on the paths a run mounts over
# (/run, /etc) or below its own directories.  None of it may change because
# of a run.  Other suites run at the same time in make check (tests/
# run-tests.sh, "concurrent") and make namespaces of their own: those are
# not vboot's to account for.
host_state() {
	ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep '^vb' | sort
	ip netns list 2>/dev/null | awk '{ print $1 }' | grep '^vb' | sort
	awk '{ print $5 }' /proc/self/mountinfo | grep -E '^/run$|^/etc$|vboot' | sort
}
# Processes that belong to run DIR (their command lines name it or its marker).
run_procs() { pgrep -af -- "$1" | grep -v -e pgrep -e test_harness || true; }

wait_for_line() { # FILE TEXT SECONDS
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

before=$(host_state)

# --- a passing run leaves nothing behind, and its reports are well-formed
expect_status 0 "a DHCP/NFS boot passes" "$VB" --kernel "$KERNEL" --log "$L/pass" \
	--tap "$L/pass.tap" --junit "$L/pass.xml" --name harness-pass --quiet
check "TAP report says ok" grep -qx "ok 1 - harness-pass # .*" <(sed -n 3p "$L/pass.tap")
check "TAP report has a plan" grep -qx "1..1" "$L/pass.tap"
check "JUnit report has the test case, no failure" \
	sh -c "grep -q '<testcase classname=\"vboot\" name=\"harness-pass\"' '$L/pass.xml' && ! grep -q '<failure' '$L/pass.xml'"
if command -v python3 >/dev/null; then
	check "JUnit report is well-formed XML" python3 -c "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])" "$L/pass.xml"
else
	skip "JUnit report is well-formed XML" "no python3"
fi
check "console log kept" grep -q "VBOOT-USERSPACE-OK" "$L/pass/console.log"
check "server logs kept" test -s "$L/pass/netbootd.log" -a -s "$L/pass/ganesha.log"
check "no process of the run is left" test -z "$(run_procs "$L/pass")"

# --- a timeout is reported as such, within the limit
start=$(date +%s)
expect_status 2 "a boot that cannot finish times out (exit 2)" "$VB" --kernel "$KERNEL" --log "$L/timeout" \
	--nfs-path /tftpboot/nothing-here --timeout 8 --quiet
check "the timeout came on time" test $(($(date +%s) - start)) -lt 40
check "timeout recorded with the last milestone" grep -q "^reason=no verdict after 8s (last milestone: ipconfig-complete)" "$L/timeout/result"
check "no process of the timed-out run is left" test -z "$(run_procs "$L/timeout")"

# --- signals: INT, TERM to vboot, and KILL (vboot cannot clean up at all)
for sig in INT TERM KILL; do
	d=$L/sig-$sig
	# Background jobs of a script start with SIGINT ignored; undo that, as
	# a terminal's Ctrl-C would find it.
	env --default-signal=INT "$VB" --kernel "$KERNEL" --log "$d" --nfs-path /tftpboot/nothing-here \
		--timeout 200 --quiet >"$d.out" 2>&1 &
	pid=$!
	if wait_for_line "$d/console.log" "IP-Config: Complete" 60; then
		kill -"$sig" "$pid"
		t0=$(date +%s)
		wait "$pid" 2>/dev/null
		rc=$?
		ok 0 "SIG$sig during boot: vboot ended (status $rc)"
		# Give the kernel a moment to tear down the namespaces of a killed run.
		for _ in $(seq 50); do [ -z "$(run_procs "$d")" ] && break; sleep 0.1; done
		check "SIG$sig: no process of the run is left" test -z "$(run_procs "$d")"
		check "SIG$sig: everything was gone within 10 s" test $(($(date +%s) - t0)) -le 10
	else
		kill -KILL "$pid" 2>/dev/null
		ok 1 "SIG$sig: the node never reached IP-Config"
		ok 1 "SIG$sig: no process of the run is left"
		ok 1 "SIG$sig: everything was gone within 10 s"
	fi
done
check "SIGINT is reported as an interruption by signal 2" grep -qx "reason=interrupted by signal 2" "$L/sig-INT/result"
check "SIGTERM is reported as an interruption by signal 15" grep -qx "reason=interrupted by signal 15" "$L/sig-TERM/result"

# --- two runs at once do not collide
"$VB" --kernel "$KERNEL" --log "$L/twin-a" --quiet >"$L/twin-a.out" 2>&1 &
a=$!
"$VB" --kernel "$KERNEL" --log "$L/twin-b" --proto bootp --quiet >"$L/twin-b.out" 2>&1 &
b=$!
wait "$a"
ra=$?
wait "$b"
rb=$?
check "two concurrent runs both pass (exit $ra and $rb)" test "$ra" = 0 -a "$rb" = 0

# --- interactive: the node's shell on a terminal; exit ends the run
d=$L/interactive
mkdir -p "$d"
mkfifo "$d/keys"
(
	wait_for_line "$d/console.log" "node shell on the console" 90 || exit 0
	sleep 1
	printf 'echo NODE-SAYS-$((6 * 7))\n'
	sleep 2
	printf 'exit\n'
	sleep 30
) >"$d/keys" &
typist=$!
rc=0
timeout 150 script -qfec "$VB --kernel $KERNEL --log $d --interactive" /dev/null <"$d/keys" >"$d.out" 2>&1 || rc=$?
kill "$typist" 2>/dev/null
wait "$typist" 2>/dev/null
check "interactive session exits 0 after the node's shell exits (exit $rc)" test "$rc" = 0
check "typed command ran on the node" grep -q "NODE-SAYS-42" "$d/console.log"
check "no process of the interactive run is left" test -z "$(run_procs "$d")"

after=$(host_state)
check "host links, namespaces and mounts are unchanged" test "$before" = "$after"
[ "$before" = "$after" ] || diff <(echo "$before") <(echo "$after") | sed 's/^/#   /'

tap_done
