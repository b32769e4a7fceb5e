#!/usr/bin/env bash
# A file truncated in place while it is being served.  netbootd sends
# octet blocks from a shared mmap of the file; the kernel's copy from a
# mapping past the new end fails with EFAULT inside sendmsg (a user-space
# read there would be a SIGBUS and kill the daemon).  The transfer must
# end with an error, the server must live on, and the next request must
# see the file as it is now.
set -u
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/../lib/tftp.sh
. "$(dirname "$0")/../lib/tftp.sh"
tftp_suite_start "tftp truncate" "$@"
head -c 40000000 /dev/urandom >"$work/orig.bin"
cp "$work/orig.bin" "$root/big.bin"
head -c 100000 /dev/urandom >"$root/small.bin"

"$serve" tftp-root="$root" "${TFTP_SERVE_ARGS[@]}" 2>"$work/serve.log" &
srv=$!
sleep 0.5

# Lock-step at 512 bytes: 78k blocks, long enough to cut the file under it.
"$load" -s 127.0.0.1 -f big.bin -v "$work/orig.bin" -b 512 -T 300 -m 10 >"$work/load.out" 2>&1 &
lp=$!
for ((i = 0; i < 50; i++)); do
	grep -q 'read big.bin' "$work/serve.log" && break
	sleep 0.1
done
sleep 0.05
truncate -s 1000000 "$root/big.bin"
wait "$lp"
rc=$?
ok "$([ "$rc" -ne 0 ]; echo $?)" "the transfer cut under the server fails: $(cat "$work/load.out")"
check "the server is still running" kill -0 "$srv"
contains "$(cat "$work/serve.log")" "big.bin shrank during the transfer" "the server says why"
check "no sanitizer report" bash -c "! grep -qE 'AddressSanitizer|runtime error:' '$work/serve.log'"
head -c 1000000 "$work/orig.bin" >"$work/now.bin"
out=$("$load" -s 127.0.0.1 -f big.bin -v "$work/now.bin" -b 1468 2>&1)
contains "$out" "ok=1 fail=0" "the next request gets the file as it is now (1000000 bytes)"
out=$("$load" -s 127.0.0.1 -f small.bin -v "$root/small.bin" -b 1468 2>&1)
contains "$out" "ok=1 fail=0" "other files are served as before"
tap_done
