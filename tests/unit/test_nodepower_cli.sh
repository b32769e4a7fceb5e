#!/usr/bin/env bash
# nodepower's command line without a BMC: help, usage errors (exit 2),
# inventory and credentials errors (exit 3) that name the input, the
# credentials file rules, --list, and a qmp node with no QEMU (off).
# Also vboot's --bmc options.  The protocols themselves are tested against
# ipmi_sim and QEMU in tests/virtme/test_nodepower.sh.
set -u
. "$(dirname "$0")/../lib/tap.sh"
NP=$TAP_TOP/build/t/nodepower
VB=$TAP_TOP/tests/virtme/vboot
if [ ! -x "$NP" ]; then
	skip "nodepower CLI" "$NP not built (make check-quick builds it)"
	tap_done
	exit
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
unset NODEPOWER_INVENTORY NODEPOWER_CREDENTIALS NODEPOWER_USER NODEPOWER_PASSWORD

cat >"$T/inventory" <<EOF2
# test rack
node[01-04] ipmi 192.0.2.[201-204] workaround=opensesspriv
node05      ipmi 192.0.2.205 credentials=rack2
vm1         qmp  $T/vm1.qmp
EOF2
printf 'default admin s3cret\n' >"$T/creds"
chmod 600 "$T/creds"
I=(-i "$T/inventory")

expect_status 0 "--help exits 0" "$NP" --help
contains "$OUT" "cycle [--netboot]" "--help documents cycle --netboot"
contains "$OUT" "Exit status:" "--help documents the exit status"
expect_status 2 "no operation" "$NP" "${I[@]}"
expect_status 2 "an unknown operation" "$NP" "${I[@]}" explode node01
contains "$OUT" "unknown operation 'explode'" "... named"
expect_status 2 "no nodes" "$NP" "${I[@]}" on
expect_status 2 "nodes and --all" "$NP" "${I[@]}" --all on node01
expect_status 2 "bootdev without a device" "$NP" "${I[@]}" bootdev
expect_status 2 "bootdev floppy" "$NP" "${I[@]}" bootdev floppy node01
contains "$OUT" "unknown boot device 'floppy' (pxe, disk, default)" "... lists the devices"
expect_status 2 "--netboot outside cycle" "$NP" "${I[@]}" --netboot on node01
expect_status 2 "--persistent outside bootdev" "$NP" "${I[@]}" --persistent on node01
expect_status 2 "--fanout 0" "$NP" "${I[@]}" -f 0 status node01
expect_status 2 "--timeout 0" "$NP" "${I[@]}" -t 0 status node01
expect_status 2 "a bad range" "$NP" "${I[@]}" status 'node[3-1]'
contains "$OUT" "must not run backwards" "... says why"
expect_status 2 "a node not in the inventory" "$NP" "${I[@]}" status 'node[04-06]'
contains "$OUT" "node06: not in the inventory $T/inventory" "... named, with the inventory"

expect_status 3 "a missing inventory" "$NP" -i "$T/none" status node01
contains "$OUT" "inventory $T/none: No such file" "... named"
printf 'node1 ipmi 10.0.0.1\nnode2 snmp 10.0.0.2\n' >"$T/bad-inventory"
expect_status 3 "a bad inventory line" "$NP" -i "$T/bad-inventory" status node1
contains "$OUT" "$T/bad-inventory:2: unknown backend 'snmp' (ipmi, qmp)" "... as FILE:LINE: reason"

expect_status 0 "--list expands ranges, contacts nothing" "$NP" "${I[@]}" --list 'node[02-03],vm1'
contains "$OUT" "node03: ipmi 192.0.2.203:623 cipher 3 credentials default (workarounds)" "--list: node03's BMC"
contains "$OUT" "vm1: qmp $T/vm1.qmp" "--list: vm1's socket"
expect_status 0 "NODEPOWER_INVENTORY is the default inventory" env NODEPOWER_INVENTORY="$T/inventory" "$NP" --list --all
contains "$OUT" "node05: ipmi 192.0.2.205:623 cipher 3 credentials rack2" "--list --all: every node"

# Credentials: refused before anything is contacted.
cp "$T/creds" "$T/creds644"
chmod 644 "$T/creds644"
expect_status 3 "a credentials file of mode 0644 is refused" "$NP" "${I[@]}" -c "$T/creds644" status node01
contains "$OUT" "credentials file $T/creds644 has mode 0644" "... naming the file and its mode"
grep -q s3cret <<<"$OUT"
ok $((!$?)) "... without quoting the password"
chmod 640 "$T/creds644"
expect_status 3 "group-readable (0640) is refused too" "$NP" "${I[@]}" -c "$T/creds644" status node01
expect_status 3 "NODEPOWER_CREDENTIALS is checked the same way" \
	env NODEPOWER_CREDENTIALS="$T/creds644" "$NP" "${I[@]}" status node01
ln -s "$T/creds" "$T/creds-link"
expect_status 3 "a symlink to the credentials is refused" "$NP" "${I[@]}" -c "$T/creds-link" status node01
expect_status 3 "a node whose credentials are missing" "$NP" "${I[@]}" -c "$T/creds" status node05
contains "$OUT" "node05: no credentials 'rack2' in $T/creds" "... names the node and the entry"
expect_status 3 "a password without a user in the environment" env NODEPOWER_PASSWORD=x "$NP" "${I[@]}" status node01
contains "$OUT" "NODEPOWER_USER is not" "... says which is missing"
expect_status 3 "no credentials at all" "$NP" "${I[@]}" status node01
contains "$OUT" "give --credentials FILE" "... says where they can come from"

# The qmp backend needs no credentials; no QEMU at the socket is off.
expect_status 0 "status of a qmp node without QEMU" "$NP" "${I[@]}" status vm1
contains "$OUT" "vm1: status -> off" "... is off"
expect_status 1 "on of a qmp node without QEMU fails" "$NP" "${I[@]}" on vm1
contains "$OUT" "vm1: on -> failed: no QEMU listening on $T/vm1.qmp" "... saying why"
contains "$OUT" "nodepower: on: 1 node: 0 ok, 0 timed out, 1 failed" "... and a summary line"
: >"$T/not-a-socket.qmp"
printf 'vm2 qmp %s\n' "$T/not-a-socket.qmp" >"$T/inv2"
expect_status 1 "a qmp path that is no socket fails" "$NP" -i "$T/inv2" status vm2

# A password from the environment must not stay readable in
# /proc/PID/environ of nodepower or its workers (unsetenv alone leaves the
# string there) while they wait on a BMC that never answers (a UDP port on
# loopback that nothing listens on).
pw=never-Shown-$$
printf 'dead[1-2] ipmi 127.0.0.[1-2] port=9\n' >"$T/inv-dead"
env NODEPOWER_USER=admin NODEPOWER_PASSWORD="$pw" "$NP" -i "$T/inv-dead" -t 2 status 'dead[1-2]' \
	>"$T/dead.out" 2>&1 &
bg=$!
found=0 leaked=0
for ((i = 0; i < 20 && found < 3; i++)); do
	sleep 0.1
	found=0 leaked=0
	for p in $(pgrep -f -- "-i $T/inv-dead"); do
		found=$((found + 1))
		if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qF -- "$pw" ||
			tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$pw"; then
			leaked=1
		fi
	done
done
wait "$bg"
ok $((leaked || found < 3)) "no password in /proc/PID/environ or cmdline of nodepower and its 2 workers ($found processes seen)"
contains "$(cat "$T/dead.out")" "dead1: status -> timeout" "a BMC that never answers is a timeout"
contains "$(cat "$T/dead.out")" "0 ok, 2 timed out, 0 failed" "... both of them, in parallel"

# vboot's --bmc options.
expect_status 0 "vboot --help documents --bmc" "$VB" --help
contains "$OUT" "--bmc ipmi" "... --bmc ipmi"
expect_status 3 "vboot --bmc needs --bmc-run" "$VB" --bmc ipmi
expect_status 3 "vboot --bmc snmp" "$VB" --bmc snmp --bmc-run true
expect_status 3 "vboot --nodes 9" "$VB" --bmc ipmi --nodes 9 --bmc-run true
expect_status 3 "vboot --bmc-run without --bmc" "$VB" --bmc-run true
tap_done
