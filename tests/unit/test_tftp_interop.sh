#!/usr/bin/env bash
# TFTP interop: real clients (tftp-hpa's tftp, atftp with windowsize, curl
# with --tftp-blksize) and our windowed load client against netbootd's TFTP
# server (sanitizer build), on loopback in a private network namespace.
# Every transfer is checked by checksum.  Also: the upload policy.
set -u
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/../lib/tftp.sh
. "$(dirname "$0")/../lib/tftp.sh"
tftp_suite_start "tftp interop" "$@"
up=$work/up
mkdir -p "$root/pxelinux.cfg" "$up" "$work/dl"
head -c 3000000 /dev/urandom >"$root/vmlinuz"
head -c 1048576 /dev/urandom >"$root/exact.bin"	# a multiple of every blksize: final empty block
: >"$root/empty"
# 70000 blocks of 8 bytes: block numbers roll over past 65535.
head -c 560000 /dev/urandom >"$root/rollover.bin"
printf 'DEFAULT linux\r\nLABEL linux\n  KERNEL vmlinuz\n\rend\n' >"$root/pxelinux.cfg/default"
sum() { sha256sum <"$1" | cut -d' ' -f1; }
same() { [ -f "$2" ] && [ "$(sum "$1")" = "$(sum "$2")" ]; }

start_server() {
	"$serve" tftp-root="$root" "${TFTP_SERVE_ARGS[@]}" "$@" 2>>"$work/serve.log" &
	srv=$!
	for _ in $(seq 50); do
		"$load" -f empty -v "$root/empty" -T 100 -m 3 >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
check "server starts" start_server tftp-upload-dir="$up" tftp-upload-max-size=2000000

cd "$work/dl" || exit 1
tftp 127.0.0.1 -m binary -c get vmlinuz hpa.bin >/dev/null 2>&1
check "tftp-hpa: octet, lock-step 512" same "$root/vmlinuz" hpa.bin
tftp 127.0.0.1 -m binary -c get /tftpboot/exact.bin hpa-exact.bin >/dev/null 2>&1
check "tftp-hpa: /tftpboot/ prefix, file size a multiple of 512" same "$root/exact.bin" hpa-exact.bin
tftp 127.0.0.1 -m ascii -c get pxelinux.cfg/default hpa-ascii.txt >/dev/null 2>&1
check "tftp-hpa: netascii round-trips CR, LF and CR LF" same "$root/pxelinux.cfg/default" hpa-ascii.txt
tftp 127.0.0.1 -m binary -c get empty hpa-empty >/dev/null 2>&1
check "tftp-hpa: empty file" same "$root/empty" hpa-empty
for w in 16 64; do
	atftp --option "windowsize $w" --option "blksize 1468" --option "tsize 0" -g -r vmlinuz -l "atftp$w.bin" 127.0.0.1 >/dev/null 2>&1
	check "atftp --option 'windowsize $w' blksize 1468" same "$root/vmlinuz" "atftp$w.bin"
done
for b in 512 1468 8192; do
	curl -s --tftp-blksize "$b" "tftp://127.0.0.1/vmlinuz" -o "curl$b.bin"
	check "curl --tftp-blksize $b" same "$root/vmlinuz" "curl$b.bin"
done
curl -s --tftp-blksize 1468 "tftp://127.0.0.1/exact.bin" -o curl-exact.bin
check "curl: final empty block after exact multiple" same "$root/exact.bin" curl-exact.bin
out=$("$load" -f vmlinuz -v "$root/vmlinuz" -b 1468 -w 64 -n 20)
contains "$out" "ok=20 fail=0" "tftp_load: 20 concurrent windowsize-64 reads, checksums right"
contains "$out" "window=64 blksize=1468" "windowsize 64 and blksize 1468 granted in the OACK"
out=$("$load" -f vmlinuz -v "$root/vmlinuz" -b 65464 -w 4)
contains "$out" "ok=1 fail=0" "tftp_load: blksize 65464 (loopback MTU allows it)"
out=$("$load" -f rollover.bin -v "$root/rollover.bin" -b 8 -w 32)
contains "$out" "ok=1 fail=0" "tftp_load: 70000 blocks, block number rolls over"
# The load client's own check must be able to fail: a local copy with one
# byte changed (in block 100 at blksize 1468), and one a byte short.
cp "$root/vmlinuz" "$work/wrong.bin"
printf 'X' | dd of="$work/wrong.bin" bs=1 seek=$((99 * 1468 + 7)) conv=notrunc status=none
head -c $(($(stat -c %s "$root/vmlinuz") - 1)) "$root/vmlinuz" >"$work/short.bin"
out=$("$load" -f vmlinuz -v "$work/wrong.bin" -b 1468 2>&1)
contains "$out" "ok=0 fail=1" "tftp_load: one changed byte fails the transfer"
contains "$out" "block 100 differs" "... and names the block"
out=$("$load" -f vmlinuz -v "$work/wrong.bin" -b 1468 -n 3 -N 127.16.0.1 2>&1)
contains "$out" "ok=0 fail=3" "tftp_load -N (node mode): the changed byte fails every node"
out=$("$load" -f vmlinuz -v "$work/short.bin" -b 1468 2>&1)
contains "$out" "ok=0 fail=1" "tftp_load: a local copy one byte shorter fails the transfer"

# Uploads: only into tftp-upload-dir, never over a file, within the size limit.
head -c 500000 /dev/urandom >"$work/put.bin"
tftp 127.0.0.1 -m binary -c put "$work/put.bin" put.bin >/dev/null 2>&1
check "upload into tftp-upload-dir" same "$work/put.bin" "$up/put.bin"
check "upload did not land in the root" test ! -e "$root/put.bin"
head -c 1000 /dev/urandom >"$work/other.bin"
out=$(tftp 127.0.0.1 -m binary -c put "$work/other.bin" put.bin 2>&1)
contains "$out" "Error code 6" "second upload of the same name: error 6, file exists"
check "existing upload not overwritten" same "$work/put.bin" "$up/put.bin"
head -c 3000000 /dev/urandom >"$work/huge.bin"
out=$(tftp 127.0.0.1 -m binary -c put "$work/huge.bin" huge.bin 2>&1)
contains "$out" "Error code 3" "upload over tftp-upload-max-size: error 3"
check "oversized upload left nothing behind" test "$(find "$up" -mindepth 1 ! -name put.bin | wc -l)" -eq 0
out=$(tftp 127.0.0.1 -m binary -c put "$work/other.bin" ../escape.bin 2>&1)
contains "$out" "Error code 2" "upload name with ..: error 2"
check "no file outside the upload dir" test ! -e "$work/escape.bin"

# edk2's (UEFI PXE) size probe: tsize, blksize and windowsize 4, the OACK
# read, then ERROR 8; a normal probe, not a failed transfer.  A client that
# asked no tsize and closes after the OACK refused the options: logged.
printf '\0\1%s\0octet\0tsize\0%s\0blksize\0%s\0windowsize\0%s\0' vmlinuz 0 1468 4 >"$work/probe.req"
out=$("$load" -X "$work/probe.req" -E 8)
contains "$out" "tsize.3000000" "edk2-style probe: the OACK gives tsize 3000000"
printf '\0\1%s\0octet\0blksize\0%s\0' vmlinuz 1468 >"$work/refuse.req"
out=$("$load" -X "$work/refuse.req" -E 8)
contains "$out" "OACK" "a blksize-only request gets an OACK"
sleep 0.3
check "the probe is logged as a size probe, with its tsize and error code" \
	grep -q 'size probe of vmlinuz (tsize 3000000), closed by the client (error 8)' "$work/serve.log"
check "the refused OACK is logged as such" \
	grep -q 'client refused the options for vmlinuz (error 8)' "$work/serve.log"

kill -USR1 "$srv"
sleep 0.3
counters=$(grep 'tftp counters' "$work/serve.log" | tail -n 1)
contains "$counters" "failed 1 " "SIGUSR1 counters: one failure, the oversized upload"
contains "$counters" "probes 1 " "SIGUSR1 counters: one size probe (not a failure)"
contains "$counters" "aborted 1 " "SIGUSR1 counters: one refused OACK"
started=$(sed -n 's/.*started \([0-9]*\) .*/\1/p' <<<"$counters")
completed=$(sed -n 's/.*completed \([0-9]*\) .*/\1/p' <<<"$counters")
check "counters: started ($started) = completed ($completed) + 1 failed + 1 probe + 1 refused" \
	test "${started:-0}" -gt 30 -a "${completed:-0}" -eq $((${started:-0} - 3))
kill "$srv"
wait "$srv"
ok $? "server exits cleanly under ASan/UBSan"
grep -E 'AddressSanitizer|runtime error|LeakSanitizer' "$work/serve.log" | head -n 5 | sed 's/^/# /'

# Without tftp-upload-dir every write request is refused.
check "server restarts without uploads" start_server
out=$(tftp 127.0.0.1 -m binary -c put "$work/other.bin" new.bin 2>&1)
contains "$out" "Error code 2" "uploads off by default: error 2"
tap_done
