#!/usr/bin/env bash
# The netboot .config from the real tree (no kernel build): the boot path
# is built in, and a value that cannot land stops the merge by name.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1
KSRC=$(make -s --no-print-directory help | sed -n 's/^  KSRC=//p')
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
frags=()
for f in $(make -s --no-print-directory variants | sed -n 's/^netboot: tinyconfig + //p'); do
	frags+=("kernel/configs/$f.config")
done

expect_status 0 "make netboot_defconfig succeeds" make -s --no-print-directory netboot_defconfig
cfg=$(make -s --no-print-directory print-kernel VARIANT=netboot)
cfg=${cfg%/arch/x86/boot/bzImage}/.config
for want in CONFIG_64BIT=y CONFIG_IP_PNP=y CONFIG_IP_PNP_DHCP=y CONFIG_IP_PNP_BOOTP=y \
	CONFIG_IP_PNP_RARP=y CONFIG_NFS_FS=y CONFIG_NFS_V3=y CONFIG_NFS_V4=y CONFIG_ROOT_NFS=y \
	CONFIG_FILE_LOCKING=y CONFIG_DEVTMPFS_MOUNT=y CONFIG_BLK_DEV_INITRD=y CONFIG_BLK_DEV_RAM=y \
	CONFIG_EXT2_FS=y CONFIG_VIRTIO_NET=y CONFIG_E1000=y CONFIG_E100=y CONFIG_SERIAL_8250_CONSOLE=y; do
	check "netboot .config has $want" grep -qx "$want" "$cfg"
done
check "netboot .config is monolithic" grep -qx "# CONFIG_MODULES is not set" "$cfg"

# A fragment whose request cannot land: MODULE_UNLOAD needs MODULES, which
# the monolithic fragment turns off.
printf '# Help: impossible\n\nCONFIG_MODULE_UNLOAD=y\n' >"$T/impossible.config"
printf 'previous\n' >"$T/.config"
expect_status 1 "a value that cannot land fails the merge" \
	scripts/mkconfig.sh "$KSRC" "$T" tinyconfig "${frags[@]}" "$T/impossible.config"
contains "$OUT" "CONFIG_MODULE_UNLOAD=y requested at $T/impossible.config:3 is n: depends on MODULES [=n]" \
	"the failure names the symbol, the fragment line and the unmet dependency"
check "the previous .config is left untouched" grep -qx previous "$T/.config"

expect_status 2 "a tree that is no kernel tree is refused" scripts/mkconfig.sh "$T" "$T/out" tinyconfig "${frags[@]}"

tap_done
