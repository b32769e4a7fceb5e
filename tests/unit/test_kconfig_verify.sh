#!/usr/bin/env bash
# scripts/kconfig-verify.sh: every requested value that did not land is
# named, with where it was asked; nothing else is printed.
set -u
. "$(dirname "$0")/../lib/tap.sh"
V=$TAP_TOP/scripts/kconfig-verify.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

cat >"$T/config" <<'C'
CONFIG_NET=y
CONFIG_VIRTIO=m
CONFIG_VIRTIO_NET=m
# CONFIG_MODULES is not set
CONFIG_CMDLINE="console=ttyS0"
CONFIG_LOG_BUF_SHIFT=17
C
printf '# Help: net\nCONFIG_NET=y\nCONFIG_LOG_BUF_SHIFT=17\n\n# comment\n' >"$T/good.config"
printf '# Help: nic\nCONFIG_NET=y\nCONFIG_VIRTIO_NET=y\n' >"$T/virtio.config"
printf '# Help: x\n# CONFIG_NET is not set\n' >"$T/nonet.config"
printf '# Help: x\nCONFIG_NO_SUCH_SYMBOL=y\n' >"$T/absent.config"
printf '# Help: x\n# CONFIG_NO_SUCH_SYMBOL is not set\n# CONFIG_MODULES is not set\n' >"$T/notset.config"
printf '# Help: x\nCONFIG_NET=y\nCONFIG_OOPS\n' >"$T/bad.config"
printf '# Help: x\nCONFIG_CMDLINE="console=ttyS0"\n' >"$T/string.config"

expect_status 0 "all values landed: success" "$V" "$T/config" "$T/good.config"
check "all values landed: nothing printed" test -z "$OUT"

expect_status 1 "a y that became m fails" "$V" "$T/config" "$T/good.config" "$T/virtio.config"
contains "$OUT" "kconfig: CONFIG_VIRTIO_NET=y requested at $T/virtio.config:3, but .config has m" \
	"the message names symbol, request, file:line and the value found"
check "exactly one line per dropped value" test "$(grep -c '^kconfig: CONFIG_' <<<"$OUT")" = 1

expect_status 1 "a value that should be unset but is y fails" "$V" "$T/config" "$T/nonet.config"
contains "$OUT" "CONFIG_NET=n requested at $T/nonet.config:2, but .config has y" "unset request reported"

expect_status 0 "last fragment wins" "$V" "$T/config" "$T/nonet.config" "$T/good.config"

expect_status 1 "a symbol missing from .config fails" "$V" "$T/config" "$T/absent.config"
contains "$OUT" "absent (unmet dependencies or no such symbol)" "absent symbol explained as such"

expect_status 0 "'is not set' matches an absent symbol" "$V" "$T/config" "$T/notset.config"
expect_status 0 "string values compare exactly" "$V" "$T/config" "$T/string.config"

expect_status 2 "a malformed line is an error" "$V" "$T/config" "$T/bad.config"
contains "$OUT" "$T/bad.config:3: malformed fragment line: CONFIG_OOPS" "malformed line named with file:line"

expect_status 2 "a missing fragment is an error" "$V" "$T/config" "$T/nope.config"
contains "$OUT" "nope.config: cannot read" "missing file named"

tap_done
