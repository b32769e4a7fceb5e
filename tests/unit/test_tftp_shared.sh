#!/usr/bin/env bash
# tftp-shared-port: every transfer on one server socket, datagrams matched
# to transfers by peer address and port, lock-step blocks of many
# transfers sent in one batch.  First the four TFTP suites again in that
# mode (one line each here; their own lines are in the log), then what
# only this mode has: the socket count stays at two however many
# transfers run, nodes on many addresses behind one client port are told
# apart, a stranger gets error 5, and a new request from a port that
# already has a transfer ends the old one instead of mixing the two.
set -u
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=SCRIPTDIR/../lib/tftp.sh
. "$(dirname "$0")/../lib/tftp.sh"
tftp_suite_start "tftp shared port" "$@"

for suite in confine interop loss truncate; do
	t0=$SECONDS
	# Each in a namespace of its own: the loss suite leaves netem on its lo.
	env -u TFTP_TEST_NS TFTP_SHARED=1 bash "$TAP_TOP/tests/unit/test_tftp_$suite.sh" >"$work/$suite.tap" 2>&1
	rc=$?
	n_ok=$(grep -c '^ok ' "$work/$suite.tap")
	n_bad=$(grep -c '^not ok' "$work/$suite.tap")
	grep '^not ok' "$work/$suite.tap" | sed 's/^/# /'
	ok "$([ "$rc" -eq 0 ] && [ "$n_bad" -eq 0 ] && [ "$n_ok" -gt 0 ]; echo $?)" \
		"test_tftp_$suite.sh with tftp-shared-port: $n_ok passed, $n_bad failed ($((SECONDS - t0)) s)"
done

head -c 1000000 /dev/urandom >"$root/image.bin"
head -c 300000 /dev/urandom >"$root/other.bin"
"$serve" tftp-root="$root" tftp-shared-port=yes tftp-timeout-ms=200 2>"$work/serve.log" &
srv=$!
sleep 0.5
port=$(sed -n 's/.*transfers share port \([0-9]*\).*/\1/p' "$work/serve.log")
ok "$([ -n "$port" ]; echo $?)" "the server names its shared port (${port:-none})"

# 60 nodes, each its own address, one client socket; 1% loss, 2% reordering.
"$load" -s 127.0.0.1 -f image.bin -v "$root/image.bin" -b 1468 -n 60 -N 127.20.0.1 -L 1 -R 2 \
	-T 200 -m 30 >"$work/nodes.out" 2>&1 &
lp=$!
sleep 0.3
socks=$(ss -uanp 2>/dev/null | grep -c "pid=$srv,")
wait "$lp"
contains "$(cat "$work/nodes.out")" "ok=60 fail=0" "60 lock-step nodes behind one client port, 1% loss, 2% reordering: every checksum right"
ok "$([ "$socks" -eq 2 ]; echo $?)" "during 60 transfers the server holds 2 UDP sockets (port 69 and the shared one): $socks"

# Bound to one address (tftp-listen), the shared socket sends without
# naming its source (IP_PKTINFO): the same storm must work there too.
"$serve" tftp-root="$root" tftp-shared-port=yes tftp-listen=127.0.0.1 tftp-port=6970 \
	2>"$work/serve-bound.log" &
bound=$!
sleep 0.5
out=$("$load" -s 127.0.0.1 -p 6970 -f image.bin -v "$root/image.bin" -b 1468 -n 30 -N 127.21.0.1 -L 1 \
	-T 200 -m 30 2>&1)
contains "$out" "ok=30 fail=0" "bound to tftp-listen: 30 lock-step nodes, 1% loss, every checksum right"
# 10% loss: most runs drop some node's OACK.  The client must then resend
# its request, not ACK options it never read; its last block (528 bytes
# at blksize 1468) would otherwise pass for a full 512-byte one.
head -c 300000 /dev/urandom >"$root/oack.bin"
out=$("$load" -s 127.0.0.1 -p 6970 -f oack.bin -v "$root/oack.bin" -b 1468 -n 30 -N 127.22.0.1 -L 10 \
	-T 100 -m 60 2>&1)
contains "$out" "ok=30 fail=0" "30 lock-step nodes at 10% loss (lost OACKs): every transfer ends, every byte right"
kill "$bound"
wait "$bound" 2>/dev/null

# Under load the shared port is drained out of the epoll set and put back
# after (loop_park_fd).  If epoll lacks the memory to take it back, a 1 ms
# timer retries; without it the port would stay out and every transfer on
# it stall.  tftp_serve_unparkfail's epoll_ctl fails the first 20 re-adds
# with ENOMEM (tests/unit/wrap_epoll_ctl.c).
NBT_FAIL_READD=20 "$TAP_TOP/build/t/tftp_serve_unparkfail" tftp-root="$root" tftp-shared-port=yes \
	tftp-listen=127.0.0.1 tftp-port=6971 2>"$work/serve-unpark.log" &
faulty=$!
sleep 0.5
out=$("$load" -s 127.0.0.1 -p 6971 -f image.bin -v "$root/image.bin" -b 1468 -n 30 -N 127.23.0.1 \
	-T 200 -m 30 2>&1)
contains "$out" "ok=30 fail=0" "epoll refusing the shared port back 20 times (ENOMEM): 30 nodes, every byte right"
kill "$faulty"
wait "$faulty" 2>/dev/null
refused=$(sed -n 's/^wrap_epoll_ctl: failed \([0-9]*\) re-adds$/\1/p' "$work/serve-unpark.log")
ok "$([ "${refused:-0}" -eq 20 ]; echo $?)" "all 20 refusals happened during the storm: ${refused:-none}"
grep -q 'shared port: epoll_ctl: Cannot allocate memory; retrying every millisecond' "$work/serve-unpark.log"
ok $? "the server logged the refusal and its retry"

# Peers the demux must keep apart: one address, two ports; and a stranger.
python3 - "$port" >"$work/py.out" 2>&1 <<'EOF'
import socket, struct, sys
port = int(sys.argv[1])

def sock():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.bind(("127.0.0.1", 0))
    return s

def rrq(s, name):
    s.sendto(b"\0\1" + name + b"\0octet\0", ("127.0.0.1", 69))

def data(s):
    b, a = s.recvfrom(2000)
    assert b[:2] == b"\0\3", b[:4]
    return struct.unpack("!H", b[2:4])[0], b[4:], a

# Two transfers from one address, two ports: each gets its own blocks.
a, b = sock(), sock()
rrq(a, b"image.bin"); rrq(b, b"image.bin")
na, _, sa = data(a); nb, _, sb = data(b)
print("two ports:", na, nb, "same server port:", sa[1] == sb[1] == port)
# (Block 1 again is a retransmission that crossed our ACK: read past it.)
a.sendto(b"\0\4\0\1", sa)
na2 = 1
while na2 == 1:
    na2, _, _ = data(a)
print("a after ack 1:", na2)
# b has not ACKed: what it gets now can only be its block 1 again.
blk, _, _ = data(b)
print("b got block", blk)

# A stranger on the shared port: error 5.
c = sock()
c.sendto(b"\0\4\0\1", ("127.0.0.1", port))
r, _ = c.recvfrom(600)
print("stranger:", struct.unpack("!HH", r[:4]))

# The same request again in the middle of its transfer (a resend that
# crossed the answer): ignored, the transfer goes on.
a.sendto(b"\0\4\0\2", sa)
rrq(a, b"image.bin")
n3 = 2
while n3 == 2:
    n3, _, _ = data(a)
a.sendto(b"\0\4\0\3", sa)
n4 = 3
while n4 == 3:
    n4, _, _ = data(a)
print("repeated request, then blocks:", n3, n4)

# The same port asks for another file in the middle of a transfer: a new
# transfer from block 1, and the old one is ended, not mixed in.  Blocks
# of the old one may still be queued here: read on until block 1 comes.
rrq(a, b"other.bin")
seen = []
for _ in range(20):
    blk, _, _ = data(a)
    seen.append(blk)
    if blk == 1:
        break
a.sendto(b"\0\4\0\1", sa)
while True:
    nxt, _, _ = data(a)
    if nxt != 1:
        break
print("restart from block:", seen[-1], "then", nxt)

# edk2's way: a tsize probe, then the real request from the same port with
# other options.  With the probe's closing ERROR lost, the second request
# must still be a new transfer (its OACK grants blksize), not a "resend".
e = sock()
e.sendto(b"\0\1image.bin\0octet\0tsize\0" + b"0\0", ("127.0.0.1", 69))
r, se = e.recvfrom(600)
print("probe:", r[:2] == b"\0\6")
e.sendto(b"\0\1image.bin\0octet\0blksize\0" + b"1024\0", ("127.0.0.1", 69))
for _ in range(10):
    r, _ = e.recvfrom(2000)
    if b"blksize" in r:
        break
print("second request's OACK grants:", r[2:].split(b"\0")[:2])
EOF
out=$(cat "$work/py.out")
contains "$out" "two ports: 1 1 same server port: True" "one address, two ports: two transfers, both from the shared port"
contains "$out" "a after ack 1: 2" "an ACK moves only its own transfer"
contains "$out" "b got block 1" "the other transfer only resends its own unacknowledged block"
contains "$out" "stranger: (5, 5)" "a datagram for no transfer gets error 5 (RFC 1350)"
contains "$out" "repeated request, then blocks: 3 4" "the same request again during its transfer is a resend: the transfer goes on"
contains "$out" "second request's OACK grants: [b'blksize', b'1024']" "a request with other options from the same port (edk2 after its tsize probe) is a new transfer"
contains "$out" "restart from block: 1 then 2" "a request for another file from a port with a transfer starts over at block 1, and goes on from there"
sleep 0.3
log=$(cat "$work/serve.log")
contains "$log" "'image.bin': repeated request, its transfer is running" "the server says it took the repeat for a resend"
contains "$log" "new request from the same port ends image.bin" "and that it ended the old transfer for the new one"
check "no sanitizer report" bash -c "! grep -qE 'AddressSanitizer|runtime error:' '$work/serve.log'"
kill -TERM "$srv"
wait "$srv"
ok $? "the server stops cleanly (no leak report at exit)"
srv=
tap_done
