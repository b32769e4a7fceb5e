#!/usr/bin/env bash
# The LAVA export (tests/virtme/lava), no VMs: every exported job passes
# LAVA's own job schema (lava_common.schemas.validate, strict), every
# rendered device configuration LAVA's device schema; the device
# dictionary, rendered with LAVA's device-type templates, gives QEMU the
# test network's tap and the job's NFS version; the board jobs' bootloader
# commands carry the root arguments; the validator and the results reader
# can fail.
set -u
. "$(dirname "$0")/../lib/tap.sh"
L=$TAP_TOP/tests/virtme/lava
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if [ "$(id -u)" != 0 ] || ! /usr/bin/python3 -c 'import lava_common, jinja2, yaml' 2>/dev/null ||
	[ ! -x "$TAP_TOP/build/bin/mkroot" ] || ! "$TAP_TOP/scripts/lava-device-types.sh" >/dev/null 2>&1; then
	skip "LAVA export and schema" "needs root, lava-common, jinja2, yaml, build/bin/mkroot and lava-server's device-type templates (make deps)"
	tap_done
	exit 0
fi

expect_status 0 "lava --help" "$L" --help
contains "$OUT" "export" "--help names export"
contains "$OUT" "Exit status" "--help documents exit codes"
expect_status 3 "an unknown command is a usage error" "$L" frobnicate
expect_status 3 "export without DIR is a usage error" "$L" export
expect_status 3 "an unknown case is named" "$L" export --case no-such-case --kernel /bin/true "$T/x"
contains "$OUT" "unknown case no-such-case" "the unknown case is named"

# Any file stands in for the kernel: nothing boots here.
printf 'not a kernel\n' >"$T/bzImage"
expect_status 0 "export the matrix" "$L" export -q --kernel "$T/bzImage" "$T/e"
E=$T/e
check "8 QEMU jobs with device configurations" test "$(ls "$E"/qemu/*/job.yaml "$E"/qemu/*/device.yaml | wc -l)" = 16
boards=("$E"/boards/*-dhcp-nfs[34].yaml "$E"/boards/*-dhcp-ramdisk.yaml)
check "6 board jobs" test "${#boards[@]}" = 6
check "images: kernel, root tarballs, RAM disk" test -s "$E/images/bzImage" -a -s "$E/images/rootfs.tar.gz" \
	-a -s "$E/images/noinit-rootfs.tar.gz" -a -s "$E/images/initrd.img.gz"
check "the root tarball holds the node's init and its console node" \
	sh -c "tar -tvzf '$E/images/rootfs.tar.gz' | grep -q ' ./sbin/init\$' && tar -tvzf '$E/images/rootfs.tar.gz' | grep -q '^c.* ./dev/console\$'"
# A user (not root) can export for a lab: mkroot cannot make device nodes
# then, but the tarball must still hold them.
mkdir -p "$T/user" && chmod 777 "$T/user" && chmod o+x "$T"
setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$T/user" \
	"$L" export -q --only boards --kernel "$T/bzImage" "$T/user/e" >"$T/user.out" 2>&1
ok $? "a user's export (no root)"
check "a user's root tarball still holds /dev/console" \
	sh -c "tar -tvzf '$T/user/e/images/rootfs.tar.gz' | grep -q '^c.* 5,1 .* ./dev/console\$'"
check "the no-init root has no init" sh -c "! tar -tzf '$E/images/noinit-rootfs.tar.gz' | grep -qE '^./(sbin/init|bin/sh)\$'"

# LAVA's own schemas, through the tool and directly.
mapfile -t files < <(ls "$E"/qemu/*/job.yaml "$E"/qemu/*/device.yaml "$E"/boards/*.yaml)
expect_status 0 "lava validate: every job and device passes LAVA's schema" "$L" validate "${files[@]}"
check "one ok line per file" test "$(grep -c '^ok: ' <<<"$OUT")" = "${#files[@]}"
check "lava_common.schemas.validate accepts the jobs directly" /usr/bin/python3 -c '
import sys, yaml, lava_common.schemas as s
for p in sys.argv[1:]:
    s.validate(yaml.safe_load(open(p)), strict=True)' "$E"/qemu/*/job.yaml "${boards[@]}"

# The validator must be able to say no.
sed 's/method: qemu-nfs/method: qemu-nfsx/' "$E/qemu/qemu-dhcp-nfs3/job.yaml" >"$T/bad-method.yaml"
expect_status 1 "a job with an unknown boot method is rejected" "$L" validate "$T/bad-method.yaml"
contains "$OUT" "bad-method.yaml: not a valid LAVA job" "the rejected file is named"
# A job context may hold only LAVA's known variables: a marker of our own
# cannot travel in it (README: what LAVA cannot express).
sed 's/^context:/context:\n  vboot_marker: x/' "$E/qemu/qemu-dhcp-nfs3/job.yaml" >"$T/bad-context.yaml"
expect_status 1 "an unknown context variable is rejected" "$L" validate "$T/bad-context.yaml"
contains "$OUT" "vboot_marker" "the unknown variable is named"

# The rendered QEMU device: LAVA's qemu.jinja2 with our dictionary and the job context.
D=$(cat "$E/qemu/qemu-dhcp-nfs3/device.yaml")
contains "$D" "-net tap,ifname=vbtap0,script=no,downscript=no" "QEMU's NIC is a tap on the test bridge"
contains "$D" "macaddr=52:54:00:12:34:58" "with the MAC netbootd knows"
contains "$D" "nfsrootargs: nfsroot={NFS_SERVER_IP}:{NFSROOTFS},tcp,hard,vers=3" "nfs3: vers=3 from the job context"
check "no KVM (the host's KVM hangs guests)" sh -c "! grep -q enable-kvm '$E/qemu/qemu-dhcp-nfs3/device.yaml'"
contains "$(cat "$E/qemu/qemu-dhcp-nfs4/device.yaml")" ",tcp,hard,vers=4.0" "nfs4: vers=4.0"
contains "$(cat "$E/qemu/qemu-dhcp-ramdisk/job.yaml")" "root=/dev/ram0" "the RAM disk job boots root=/dev/ram0"
contains "$(cat "$E/qemu/qemu-dhcp-nfs3-e100/device.yaml")" "-net nic,model=i82557b," "e100: the NIC model from the job context"
B=$(cat "$E/qemu/qemu-bootp-nfs3/device.yaml")
contains "$B" "ipargs: ip=bootp" "BOOTP: the second device's kernel asks BOOTP"
contains "$(cat "$E/qemu/qemu-bootp-nfs3/case")" "device=vboot-qemu-bootp01" "BOOTP runs on the BOOTP device"
check "the DHCP device's kernel asks DHCP" grep -q 'ipargs: ip=dhcp' "$E/qemu/qemu-dhcp-nfs3/device.yaml"
check "RARP: its device's kernel asks RARP" grep -q 'ipargs: ip=rarp$' "$E/qemu/qemu-rarp-nfs3/device.yaml"
check "static: its device's kernel has a fixed address" \
	grep -q 'ipargs: ip=192.0.2.10:192.0.2.1:192.0.2.1:255.255.255.0:vboot-node::off$' "$E/qemu/qemu-static-nfs3/device.yaml"
check "each protocol's job asks for its device's tag" grep -q -- '- vboot-static' "$E/qemu/qemu-static-nfs3/job.yaml"
# LAVA's own way to a static address (static_ip & co in the dictionary)
# renders a qemu device that is not YAML: base.jinja2 ends the ip= with
# a colon and qemu.jinja2 writes ipargs unquoted (README).
printf "{%% extends 'qemu.jinja2' %%}\n{%% set static_ip = '192.0.2.10' %%}\n{%% set static_gateway = '192.0.2.1' %%}\n{%% set static_netmask = '255.255.255.0' %%}\n{%% set static_dns = '192.0.2.1' %%}\n" >"$T/static.jinja2"
check "LAVA's static_ip on a qemu device renders invalid YAML" /usr/bin/python3 -c '
import sys, glob, jinja2, jinja2.sandbox, yaml
types = sys.argv[2]
env = jinja2.sandbox.SandboxedEnvironment(loader=jinja2.FileSystemLoader([sys.argv[1], types]), autoescape=False, trim_blocks=True)
text = env.get_template("static.jinja2").render(arch="amd64")
assert "ipargs: ip=192.0.2.10::192.0.2.1:255.255.255.0:::off:192.0.2.1:" in text, text
try:
    yaml.safe_load(text)
except yaml.YAMLError:
    sys.exit(0)
sys.exit(1)' "$T" "$("$TAP_TOP/scripts/lava-device-types.sh")"
contains "$(cat "$E/qemu/qemu-dhcp-nfs3-noinit/case")" "expect=fail" "the no-init case must fail"

# Boards: the commands their device types will type, rendered for the job.
U=$(cat "$E/boards/uboot-dhcp-nfs3.device.yaml")
contains "$U" "root=/dev/nfs rw nfsroot={NFS_SERVER_IP}:{NFSROOTFS},tcp,hard,vers=3" "U-Boot nfs: bootargs carry the NFS root"
contains "$U" "tftp {KERNEL_ADDR} {KERNEL}" "U-Boot nfs: the kernel comes over TFTP"
I=$(cat "$E/boards/ipxe-dhcp-nfs4.device.yaml")
contains "$I" "nfsroot={NFS_SERVER_IP}:{NFSROOTFS},tcp,hard,vers=4.0" "iPXE nfs: NFSv4 root"
contains "$I" "kernel tftp://{SERVER_IP}/{KERNEL}" "iPXE: kernel over TFTP"
contains "$(cat "$E/boards/ipxe-dhcp-ramdisk.device.yaml")" "set extraargs root=/dev/ram0 rw ramdisk_size=8192 ip=dhcp" \
	"iPXE ramdisk: root=/dev/ram0 from the job context"

# Images for a lab: a URL prefix instead of file:// paths.
expect_status 0 "export with --url-prefix" "$L" export -q --kernel "$T/bzImage" --url-prefix https://files.example.org/vboot/ \
	--case uboot-dhcp-nfs3 "$T/lab"
contains "$(cat "$T/lab/boards/uboot-dhcp-nfs3.yaml")" "url: https://files.example.org/vboot/rootfs-armhf.tar.gz" "board images at the lab's URL"
check "no file:// URL in a lab export" sh -c "! grep -rq 'file://' '$T/lab/boards'"

# LAVA's verdict from its log: results lines as lava-run writes them
# (one flow mapping per line; "- {...}" in a server's job log).
log() { printf '{"dt": "t", "lvl": "results", "msg": {"definition": "%s", "case": "%s", "result": "%s"}}\n' "$@"; }
{ log lava job pass; log vboot vboot_userspace pass; printf '{"dt": "t", "lvl": "target", "msg": "VBOOT"}\n'; } >"$T/pass.log"
expect_status 0 "results: marker result and job pass -> pass" "$L" results "$T/pass.log"
contains "$OUT" "verdict=pass" "verdict line"
{ printf -- '- '; log lava job pass; } >"$T/nomarker.log"
expect_status 1 "results: job completed but no marker result -> fail" "$L" results "$T/nomarker.log"
contains "$OUT" "no vboot result" "the missing marker is the reason"
{ log vboot vboot_userspace pass; log lava kernel-messages fail; log lava job fail; } >"$T/fail.log"
expect_status 1 "results: a failed LAVA result -> fail" "$L" results "$T/fail.log"
contains "$OUT" "lava/kernel-messages" "the failed result is named"
printf 'case: job\ndefinition: lava\nresult: fail\n' >"$T/result.yaml"
expect_status 1 "results: result.yaml says the job failed -> fail" "$L" results "$T/pass.log" "$T/result.yaml"

tap_done
