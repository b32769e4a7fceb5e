#!/usr/bin/env bash
# TFTP confinement: hostile names against netbootd's TFTP server (the
# sanitizer build of tftp_serve), in a private network namespace on
# loopback.  Each must get the right TFTP error, a file outside the root
# must never come back, and the server must stay up and clean under ASan.
set -u
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/../lib/tftp.sh
. "$(dirname "$0")/../lib/tftp.sh"
tftp_suite_start "tftp confinement" "$@"

secret="SECRET-$$-$RANDOM"
mkdir -p "$root/sub/deeper" "$root/dir" "$work/outside"
echo "$secret" >"$work/secret.txt"
echo "$secret" >"$work/outside/secret.txt"
echo "inside-ok" >"$root/ok.txt"
echo "deep-ok" >"$root/sub/deeper/file.txt"
ln -s ../secret.txt "$root/link_out"
ln -s /etc/passwd "$root/link_abs"
ln -s "$work/secret.txt" "$root/link_abs_secret"
ln -s chain2 "$root/chain1"
ln -s sub/../../secret.txt "$root/chain2"
ln -s in2 "$root/in1"
ln -s sub/deeper/file.txt "$root/in2"
ln -s /proc/self/root/etc/passwd "$root/magic"
ln -s ../outside "$root/dirlink_out"
mkfifo "$root/fifo"
mknod "$root/null" c 1 3
ln -s /dev/zero "$root/zero_link"

"$serve" tftp-root="$root" "${TFTP_SERVE_ARGS[@]}" 2>"$work/serve.log" &
srv=$!
for _ in $(seq 50); do
	printf '\0\1ok.txt\0octet\0' >"$work/probe"
	"$load" -X "$work/probe" 2>/dev/null | grep -q '^DATA' && break
	sleep 0.1
done

# try DESC WANT NAME [MODE]: NAME and MODE go through printf %b, so
# \\001 or \\000 put raw bytes into the request.
n=0
try() {
	local desc=$1 want=$2 name=$3 mode=${4:-octet} got
	n=$((n + 1))
	printf '\0\1%b\0%b\0' "$name" "$mode" >"$work/req$n"
	got=$("$load" -X "$work/req$n" 2>&1)
	if grep -q "$secret" <<<"$got" || grep -q 'root:x:0' <<<"$got"; then
		ok 1 "$desc: leaked a file from outside the root"
		diag "reply: $got"
		return
	fi
	case $want in
	DATA*) [[ $got == "$want"* ]] ;;
	*) [[ $got == "ERROR $want "* ]] ;;
	esac
	ok $? "$desc -> ${want}"
	[[ $got == "$want"* || $got == "ERROR $want "* ]] || diag "reply: $got"
}

try ".. at the start" 2 '../secret.txt'
try ".. deep" 2 '../../../../../../etc/passwd'
try ".. in the middle" 2 'sub/../../secret.txt'
try ".. at the end" 2 'sub/deeper/..'
try ".. alone" 2 '..'
try ".. with backslashes" 2 '..\\\\secret.txt'
try ".. mixed separators" 2 'sub\\\\..//..\\\\secret.txt'
try ".. after /tftpboot/" 2 '/tftpboot/../secret.txt'
try "absolute /etc/passwd maps under the root" 1 '/etc/passwd'
try "absolute path of the real secret" 1 "$work/secret.txt"
try "doubled slashes" 1 '//etc//passwd'
try "/proc/self/root path maps under the root" 1 '/proc/self/root/etc/passwd'
try "symlink out of the root" 2 'link_out'
try "absolute symlink" 2 'link_abs'
try "absolute symlink to the secret" 2 'link_abs_secret'
try "symlink chain out of the root" 2 'chain1'
try "magic link via /proc" 2 'magic'
try "file behind a directory symlink out" 2 'dirlink_out/secret.txt'
try "directory" 2 'dir'
try "directory with trailing slash" 2 'sub/'
try "root itself" 2 '/'
try "FIFO (must not block the server)" 2 'fifo'
try "device node" 2 'null'
try "symlink to a device" 2 'zero_link'
try "overlong name (300 bytes)" 2 "$(printf 'a%.0s' $(seq 300))"
try "control character" 2 'ok\001.txt'
try "CR LF in the name (netascii trick)" 2 'ok.txt\r\n../secret.txt' netascii
try "CR NUL in the name (netascii trick)" 4 'ok.txt\r\000../secret.txt' netascii
try "embedded NUL: the rest is the mode" 4 'ok.txt\000../secret.txt'
try "percent-encoded .. is just a name" 1 '%2e%2e/secret.txt'
try "unknown mode" 4 'ok.txt' 'mail'
printf '\0\2ok.txt\0octet\0' >"$work/wrq"
got=$("$load" -X "$work/wrq" 2>&1)
[[ $got == "ERROR 2 "* ]]
ok $? "write request refused by default -> 2"
refusals=$((n + 1))
try "symlink chain inside the root is followed" "DATA 1 8 deep-ok" 'in1'
try "/tftpboot/ prefix maps onto the root" "DATA 1 10 inside-ok" '/tftpboot/ok.txt'
try "backslash separators inside the root" "DATA 1 8 deep-ok" 'sub\\\\deeper\\\\file.txt'

check "server still running" kill -0 "$srv"
kill -USR1 "$srv"
sleep 0.3
counters=$(grep 'tftp counters' "$work/serve.log" | tail -n 1)
contains "$counters" "refused $refusals " "SIGUSR1 counters: every hostile request refused ($refusals)"
contains "$counters" "started 4 " "SIGUSR1 counters: the probe and the 3 good reads started (and were aborted by the client)"
kill "$srv"
wait "$srv"
ok $? "server exits cleanly (no ASan/UBSan report)"
srv=
if grep -q "$secret" "$work/serve.log"; then ok 1 "secret in the server log"; else ok 0 "secret never in the server log"; fi
# log_drop is rate-limited: one line per refusal up to its burst, then a
# count of the suppressed ones.
drops=$(grep -c 'drop tftp' "$work/serve.log")
check "refusals logged, rate-limited ($drops lines for $refusals)" test "$drops" -ge 10 -a "$drops" -le "$refusals"
grep -E 'AddressSanitizer|runtime error' "$work/serve.log" | head -n 5 | sed 's/^/# /'
tap_done
