#!/usr/bin/env bash
# kcmerge against the real 6.1 tree (no kernel build): tinyconfig plus the
# netboot fragments (compared with the kernel's own merge_config.sh), the
# three Debian vendor configs plus the netboot fragment with and without
# --resolve (the VIRTIO_NET trap), --monolithic, --savedefconfig, check,
# make vendor-netboot, and every kind of bad input.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1
KC=$TAP_TOP/build/t/kcmerge
[ -x "$KC" ] || { echo "Bail out! $KC is missing (make check-quick builds it)"; exit 1; }
KSRC=$(make -s --no-print-directory help | sed -n 's/^  KSRC=//p')
export ASAN_OPTIONS=detect_leaks=0	# the kernel's Kconfig code never frees its model
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
frags=()
for f in $(make -s --no-print-directory variants | sed -n 's/^netboot: tinyconfig + //p'); do
	frags+=("$TAP_TOP/kernel/configs/$f.config")
done
NETBOOT=$TAP_TOP/kernel/configs/netboot.config

# run DIR ARGS...: RC, OUT, and EXPL (lines other than progress/resolve)
run() {
	local dir=$1
	shift
	rm -rf "$dir"
	RC=0
	OUT=$("$KC" --ksrc "$KSRC" -O "$dir" "$@" 2>&1) || RC=$?
	EXPL=$(grep -v '^kcmerge: \|^resolve: ' <<<"$OUT")
}
has() { grep -qx -- "$2" "$1/.config"; }

# --- tinyconfig + the netboot variant's fragments, against the kernel's own tools
run "$T/tiny" --base tinyconfig --strict "${frags[@]}"
ok "$RC" "tinyconfig + netboot fragments merge under --strict"
ok "$([ -z "$EXPL" ]; echo $?)" "nothing to explain: zero noise lines"
mkdir -p "$T/ref"
if make -s -C "$KSRC" O="$T/ref" ARCH=x86_64 tinyconfig >"$T/ref.log" 2>&1 &&
	(cd "$T/ref" && "$KSRC/scripts/kconfig/merge_config.sh" -m -O "$T/ref" "$T/ref/.config" "${frags[@]}") >>"$T/ref.log" 2>&1 &&
	make -s -C "$KSRC" O="$T/ref" ARCH=x86_64 olddefconfig >>"$T/ref.log" 2>&1; then
	check "the .config is byte for byte what merge_config.sh + olddefconfig write" cmp "$T/ref/.config" "$T/tiny/.config"
else
	ok 1 "the kernel's own tinyconfig + merge_config.sh ran"
	sed 's/^/#   /' "$T/ref.log" | head
fi
for want in CONFIG_IP_PNP=y CONFIG_ROOT_NFS=y CONFIG_VIRTIO_NET=y CONFIG_E1000=y "# CONFIG_MODULES is not set"; do
	check "tinyconfig+netboot has $want" has "$T/tiny" "$want"
done
expect_status 0 "check: the result verifies against the fragments" "$KC" --ksrc "$KSRC" -O "$T/tiny" check "${frags[@]}"
sed -i 's/^CONFIG_E1000=y$/# CONFIG_E1000 is not set/' "$T/tiny/.config"
expect_status 1 "check: a .config edited by hand fails" "$KC" --ksrc "$KSRC" -O "$T/tiny" check "${frags[@]}"
contains "$OUT" "CONFIG_E1000=y requested at $TAP_TOP/kernel/configs/nic-e1000.config:4 is n" "check: naming the request"

# --- --savedefconfig: the minimal defconfig rebuilds the same .config
run "$T/sd" --base tinyconfig --savedefconfig "$T/netboot_defconfig" "${frags[@]}"
ok "$RC" "--savedefconfig writes a defconfig"
check "the defconfig is smaller than the .config" test "$(wc -l <"$T/netboot_defconfig")" -lt "$(wc -l <"$T/sd/.config")"
printf '# Help: nothing\n' >"$T/empty.config"
run "$T/sd2" --base "$T/netboot_defconfig" "$T/empty.config"
check "the defconfig expands to the same .config" cmp "$T/sd/.config" "$T/sd2/.config"

# --- the vendor configs: the VIRTIO_NET trap
printf 'CONFIG_VIRTIO_NET=y\n' >"$T/virtio-net.config"
for v in amd64_none_amd64 amd64_none_cloud-amd64 amd64_rt_amd64; do
	cfg=/usr/src/linux-config-6.1/config.$v.xz
	if [ ! -r "$cfg" ]; then
		skip "vendor config $v" "$cfg not installed (make deps)"
		continue
	fi
	run "$T/$v" --base "$cfg" "$NETBOOT" "$T/virtio-net.config"
	ok "$RC" "$v + netboot: merged"
	if [ "$EXPL" = "CONFIG_VIRTIO_NET=y requested at $T/virtio-net.config:1 is m: depends on VIRTIO [=m]" ]; then
		ok 0 "$v + netboot: exactly one line, the VIRTIO_NET trap explained"
	else
		ok 1 "$v + netboot: exactly one line, the VIRTIO_NET trap explained"
		printf '%s\n' "$EXPL" | head | sed 's/^/#   /'
	fi
	check "$v + netboot: VIRTIO_NET stayed m" has "$T/$v" CONFIG_VIRTIO_NET=m
	run "$T/$v-r" --base "$cfg" --resolve "$NETBOOT" "$T/virtio-net.config"
	ok "$RC" "$v + netboot --resolve: succeeds"
	contains "$OUT" "for CONFIG_VIRTIO_NET=y requested at $T/virtio-net.config:1 (VIRTIO_NET -> VIRTIO -> " \
		"$v + netboot --resolve: prints the change and why"
	check "$v + netboot --resolve: VIRTIO_NET=y" has "$T/$v-r" CONFIG_VIRTIO_NET=y
	check "$v + netboot --resolve: VIRTIO=y" has "$T/$v-r" CONFIG_VIRTIO=y
	ok "$([ -z "$EXPL" ]; echo $?)" "$v + netboot --resolve: nothing left to explain"
done

# --- --monolithic of the vendor config
run "$T/mono" --base /usr/src/linux-config-6.1/config.amd64_none_amd64.xz --monolithic "$NETBOOT"
ok "$RC" "--monolithic of the amd64 vendor config"
check "--monolithic: MODULES off" has "$T/mono" "# CONFIG_MODULES is not set"
check "--monolithic: no =m left" test "$(grep -c '=m$' "$T/mono/.config")" -eq 0
check "--monolithic: the vendor's modules are built in" has "$T/mono" CONFIG_E1000=y
bad=$(grep -v '^--monolithic: CONFIG_[A-Z0-9_]*=m could not become y: it is n: ' <<<"$EXPL" | grep -c .)
ok "$([ "$bad" -eq 0 ]; echo $?)" "--monolithic: every other line reports a module that could not become y, with its reason"
contains "$OUT" "--monolithic: CONFIG_TEST_BPF=m could not become y: it is n: depends on m" \
	"--monolithic: a test-only module (depends on m) is reported"

# --- make vendor-netboot (kcmerge --resolve --modular, boot path builtin)
expect_status 0 "make vendor-netboot" make -s --no-print-directory vendor-netboot VENDOR_OUT="$T/vn"
for want in CONFIG_IP_PNP=y CONFIG_IP_PNP_DHCP=y CONFIG_NFS_FS=y CONFIG_ROOT_NFS=y CONFIG_VIRTIO_NET=y \
	CONFIG_VIRTIO_PCI=y CONFIG_BLK_DEV_INITRD=y CONFIG_MODULES=y; do
	check "vendor-netboot has $want" has "$T/vn" "$want"
done

# --- bad input: exit 2, the file:line and the reason, nothing written
bad_input() { # bad_input DESCRIPTION MESSAGE ARGS...
	local desc=$1 msg=$2
	shift 2
	run "$T/bad" "$@"
	ok "$([ "$RC" -eq 2 ]; echo $?)" "$desc: exit 2"
	contains "$OUT" "$msg" "$desc: message"
	check "$desc: nothing written" test ! -e "$T/bad/.config"
}
cd "$T" || exit 1
printf 'CONFIG_NET=y\nCONFIG_VIRTIO_NTE=y\n' >typo.config
bad_input "unknown symbol" "typo.config:2: CONFIG_VIRTIO_NTE does not exist in Linux 6.1.192 (did you mean CONFIG_VIRTIO_NET?)" \
	--base tinyconfig typo.config
printf 'CONFIG_NET=y\nCONFIG_INET\n' >malformed.config
bad_input "malformed line" "malformed.config:2: malformed line 'CONFIG_INET' (want CONFIG_NAME=value)" malformed.config
bad_input "missing file" "kcmerge: nosuch.config: No such file or directory" nosuch.config
printf 'CONFIG_NET=m\n' >type.config
bad_input "wrong type" "type.config:1: CONFIG_NET=m: CONFIG_NET is a bool (y or n)" type.config
printf 'CONFIG_NR_CPUS="many"\n' >type2.config
bad_input "a string for an int" "type2.config:1: CONFIG_NR_CPUS=\"many\": CONFIG_NR_CPUS is an int (a decimal number)" type2.config
printf 'CONFIG_SMP=y\nCONFIG_NR_CPUS=100000\n' >range.config
bad_input "int out of range" "range.config:2: CONFIG_NR_CPUS=100000 is out of range [2..512]" --base defconfig range.config
printf 'CONFIG_NET=y\nCONFIG_INET=y\nCONFIG_NETDEVICES=y\nCONFIG_ETHERNET=y\nCONFIG_NET_VENDOR_INTEL=y\nCONFIG_PCI=y\nCONFIG_E1000=m\n' >mod.config
bad_input "m while MODULES is off" "mod.config:7: CONFIG_E1000=m: modules are off (CONFIG_MODULES=n); use y or n" \
	--base tinyconfig mod.config
printf '# CONFIG_BLOCK is not set\n' >noblock.config
bad_input "conflicting fragments" \
	"noblock.config:1: CONFIG_BLOCK=n conflicts with $NETBOOT:48: CONFIG_BLOCK=y (use --allow-override to let the later one win)" \
	--base tinyconfig "$NETBOOT" noblock.config
run "$T/ovr" --base tinyconfig --allow-override "$NETBOOT" noblock.config
ok "$RC" "--allow-override: the later fragment wins"
check "--allow-override: BLOCK is off" has "$T/ovr" "# CONFIG_BLOCK is not set"
contains "$OUT" "CONFIG_EXT2_FS=y requested at $NETBOOT:53 is n: depends on BLOCK [=n] (CONFIG_BLOCK=n requested at noblock.config:1)" \
	"--allow-override: what that costs is explained"

# --- a tree kcmerge was not built for
mkdir -p old/scripts/kconfig
printf 'VERSION = 4\nPATCHLEVEL = 19\nSUBLEVEL = 0\n' >old/Makefile
: >old/Kconfig
: >old/scripts/kconfig/lkc.h
run "$T/bad" --ksrc "$T/old" "$NETBOOT"
ok "$([ "$RC" -eq 4 ]; echo $?)" "another kernel version: exit 4"
contains "$OUT" "is Linux 4.19.0, but this kcmerge was built against the Kconfig implementation of Linux 6.1.192" \
	"another kernel version: a clear message"
run "$T/bad" --ksrc "$T/nowhere" "$NETBOOT"
contains "$OUT" "is not a kernel source tree" "not a tree: a clear message"
expect_status 1 "build: a tree without parser.y is refused" "$TAP_TOP/userspace/kcmerge/kversion.sh" --check "$T/old"
contains "$OUT" "is incompatible: no scripts/kconfig/parser.y" "build: naming what is missing"

tap_done
