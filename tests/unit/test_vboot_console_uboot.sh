#!/usr/bin/env bash
# Black-box tests of vboot-console (sanitizer build) with fake U-Boot nodes:
# U-Boot's prompt has no newline after it, so the watcher must see it when
# the console goes quiet, and a U-Boot that gives up must fail the boot
# with its error, long before the timeout.
set -u
. "$(dirname "$0")/../lib/tap.sh"
VC=${VBOOT_CONSOLE:-$TAP_TOP/build/t/vboot-console}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

banner='U-Boot 2023.01+dfsg-2+deb12u3 (Jun 22 2026 - 08:38:07 +0000)'
start=$(date +%s)
expect_status 1 "U-Boot that gives up at its prompt fails the boot" \
	"$VC" --marker m1 --timeout 60 --grace 0 --result "$T/res" -- \
	sh -c "echo '$banner'; echo 'Bad Linux ARM64 Image magic!'; echo 'TFTP error: '\''file not found'\'' (1)'; printf '=> '; sleep 30"
secs=$(($(date +%s) - start))
check "reason names U-Boot's weightiest error" \
	grep -qx "reason=U-Boot gave up at its prompt: Bad Linux ARM64 Image magic!" "$T/res"
check "decided at the prompt, not at the 60 s timeout (${secs}s)" test "$secs" -lt 30
check "timeline has the u-boot milestone" grep -q "^event.u-boot.host_ms=" "$T/res"

expect_status 2 "U-Boot retrying past the timeout: a timeout naming its last error" \
	"$VC" --marker m1 --timeout 2 --result "$T/res" -- \
	sh -c "echo '$banner'; echo 'BOOTP broadcast 1'; echo 'Retry count exceeded; starting again'; sleep 30"
check "timeout reason carries U-Boot's last error" \
	grep -qx "reason=no verdict after 2s (last milestone: u-boot; U-Boot's last error: Retry count exceeded; starting again)" "$T/res"

expect_status 0 "a prompt-like partial line after the kernel started is harmless" \
	"$VC" --marker m1 --timeout 30 --grace 0 --result "$T/res" -- \
	sh -c "echo '$banner'; echo 'Starting kernel ...'; printf '=> '; sleep 2; echo; echo 'VBOOT-USERSPACE-OK m1'; sleep 5"
check "result says pass" grep -qx "verdict=pass" "$T/res"
tap_done
