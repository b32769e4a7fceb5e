#!/usr/bin/env bash
# The boot matrix on a real LAVA dispatcher: the exported QEMU jobs
# (tests/virtme/lava export) run on Debian's standalone lava-run, each in a
# private test network with netbootd answering DHCP and nfs-ganesha
# exporting LAVA's deploy directory (lava run, lib/lava-run.sh).  LAVA's
# verdict comes from its own log (results records) and result.yaml, and
# must match vboot's for the same case, booted at the same time:
#   DHCP + NFSv3 root, DHCP + NFSv4 root, a RAM disk, the e100 NIC, BOOTP,
#   RARP and a static address (each on a device whose kernel arguments say
#   so), and a root without an init, which must fail (LAVA:
#   kernel-messages fail on the panic).
# Afterwards LAVA's job directories are gone and no lava-worker runs.
set -u
. "$(dirname "$0")/../lib/tap.sh"
L=$TAP_TOP/tests/virtme/lava
V=$TAP_TOP/tests/virtme/vboot
LAVA_TMP=/var/lib/lava/dispatcher/tmp

missing=
[ "$(id -u)" = 0 ] || missing+=" root"
command -v lava-run >/dev/null || missing+=" lava-run(lava-dispatcher)"
/usr/bin/python3 -c 'import lava_common, jinja2, yaml' 2>/dev/null || missing+=" lava-common/jinja2/yaml"
"$TAP_TOP/scripts/lava-device-types.sh" >/dev/null 2>&1 || missing+=" lava-server's device-type templates"
if [ -n "$missing" ]; then
	skip "LAVA standalone runs" "missing:$missing (make deps)"
	tap_done
	exit 0
fi

T=$(mktemp -d)
# lava run removes each job's directory even when interrupted; this is for
# a suite killed outright.
trap 'rm -rf "$T" "$LAVA_TMP"/vboot-$$-*' EXIT
kernel=$(make -s --no-print-directory -C "$TAP_TOP" print-kernel VARIANT=netboot)
[ -f "$kernel" ] || make -s -C "$TAP_TOP" kernel VARIANT=netboot >/dev/null 2>&1
make -s -C "$TAP_TOP" "$TAP_TOP/build/bin/netbootd" "$TAP_TOP/build/bin/mkroot" "$TAP_TOP/build/bin/vboot-console" >/dev/null 2>&1

expect_status 0 "export the QEMU cases (file:// images)" "$L" export -q --kernel "$kernel" --only qemu "$T/e"
check "eight QEMU cases exported" test "$(ls "$T"/e/qemu | wc -l)" = 8

field() { sed -n "s/^$1=//p" "$2" 2>/dev/null | head -n1; }

# One case: lava-run and vboot side by side (two QEMUs, each in its own
# namespaces), then LAVA's verdict, each LAVA result that decides it, and
# the comparison.
run_case() {
	local dir=$1 name expect vboot_args job_id lrc=0 vrc=0 lv vv
	name=$(field name "$dir/case")
	expect=$(field expect "$dir/case")
	vboot_args=$(field vboot "$dir/case")
	job_id=vboot-$$-$name
	"$L" run -q --job-id "$job_id" --out "$T/$name.lava" "$dir" >"$T/$name.lava.out" 2>&1 &
	local lava_pid=$!
	# shellcheck disable=SC2086 # vboot_args is a list of options
	"$V" --quiet --kernel "$kernel" --timeout 150 --name "$name" --log "$T/$name.vboot" $vboot_args \
		>"$T/$name.vboot.out" 2>&1 || vrc=$?
	wait "$lava_pid" || lrc=$?
	lv=$(field verdict "$T/$name.lava/result")
	# vboot: 0 passed, 1 the boot failed; anything else (timeout, setup
	# error) is no verdict at all and can never agree.
	case $vrc in 0) vv=pass ;; 1) vv=fail ;; *) vv="error (vboot exit $vrc)" ;; esac
	if [ "$lv" = "$expect" ]; then ok 0 "$name: LAVA's verdict is $expect"; else
		ok 1 "$name: LAVA's verdict is $expect (got '${lv:-none}', lava run exit $lrc)"
		diag "$(cat "$T/$name.lava.out")"
		sed -n 's/^/  /p' "$T/$name.lava/result" 2>/dev/null | while IFS= read -r l; do diag "$l"; done
	fi
	# The results records LAVA wrote, one TAP line each for those that
	# carry the verdict.
	local rjob rmarker rkmsg
	rjob=$(sed -n 's|^result=lava/job ||p' "$T/$name.lava/result" 2>/dev/null)
	rmarker=$(sed -n 's|^result=vboot/vboot_userspace ||p' "$T/$name.lava/result" 2>/dev/null)
	rkmsg=$(sed -n 's|^result=lava/kernel-messages ||p' "$T/$name.lava/result" 2>/dev/null)
	if [ "$expect" = pass ]; then
		check "$name: LAVA result lava/job pass" test "$rjob" = pass
		check "$name: LAVA result vboot/vboot_userspace pass (the node's marker, by LAVA's monitor)" test "$rmarker" = pass
		check "$name: LAVA result lava/kernel-messages pass" test "$rkmsg" = pass
		check "$name: lava-run exit status 0 (job completed)" test "$(cat "$T/$name.lava/lava-run.rc" 2>/dev/null)" = 0
	else
		check "$name: LAVA result lava/job fail" test "$rjob" = fail
		check "$name: LAVA result lava/kernel-messages fail (the panic)" test "$rkmsg" = fail
		check "$name: no vboot/vboot_userspace result" test -z "$rmarker"
		check "$name: LAVA saw the panic on the console" grep -q 'Kernel panic - not syncing: No working init found' "$T/$name.lava/lava.log"
	fi
	if [ "$vv" = "$lv" ]; then ok 0 "$name: vboot agrees with LAVA ($vv)"; else
		ok 1 "$name: vboot agrees with LAVA (vboot $vv, LAVA ${lv:-none})"
		diag "$(tail -n 3 "$T/$name.vboot.out")"
	fi
	check "$name: LAVA's job directory $LAVA_TMP/$job_id is gone" test ! -e "$LAVA_TMP/$job_id"
}

start=$(date +%s)
for dir in "$T"/e/qemu/*/; do
	run_case "${dir%/}"
done
diag "LAVA cases took $(($(date +%s) - start)) s"

check "no lava-worker is running" sh -c '! pgrep -x lava-worker >/dev/null'
check "lava-worker is not enabled" sh -c '[ "$(systemctl is-enabled lava-worker 2>/dev/null)" != enabled ]'
check "no lava-run is left" sh -c "! pgrep -f 'lava-run \\[job: vboot-$$-' >/dev/null"
tap_done
