# shellcheck shell=bash
# tftp.sh - the common start of the TFTP suites.  Source after tap.sh.

# The sanitizer build of the TFTP server alone, and the load client.
# shellcheck disable=SC2034 # used by the suites that source this file
serve=$TAP_TOP/build/t/tftp_serve
# shellcheck disable=SC2034
load=$TAP_TOP/build/t/tftp_load

# tftp_suite_start NAME [SCRIPT-ARGS...]: skip the suite unless we are
# root and both programs exist; otherwise re-run the suite in a private
# network namespace (so its traffic stays on that namespace's loopback)
# with lo up, and give it its work directory (tftp_work_start) and in it
# $root, the tree its servers serve (empty).
tftp_suite_start() {
	local name=$1
	shift
	if [ "$(id -u)" -ne 0 ] || [ ! -x "$serve" ] || [ ! -x "$load" ]; then
		skip "$name" "needs root and build/t/tftp_serve, tftp_load (make check-quick)"
		tap_done
		exit
	fi
	if [ -z "${TFTP_TEST_NS:-}" ]; then
		exec unshare --net env TFTP_TEST_NS=1 "$0" "$@"
	fi
	ip link set lo up
	tftp_work_start
	# shellcheck disable=SC2034 # used by the suites that source this file
	root=$work/root
	mkdir "$root"
}

# tftp_work_start: a fresh directory in $work, and the suite's one EXIT
# trap (tftp_cleanup).  A suite keeps its running server's pid in $srv:
# srv=$! when it starts one, srv= once it has stopped and reaped it (so
# the trap never signals a pid that may have been reused).
tftp_work_start() {
	work=$(mktemp -d)
	srv=
	trap tftp_cleanup EXIT
}

# Stops the server in $srv and removes $work.  With KEEP=1 the server's
# log is kept first, as /tmp/<suite>-serve.log (test_tftp_loss.sh:
# /tmp/loss-serve.log), to read after a failure.
tftp_cleanup() {
	local suite
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	if [ -n "${KEEP:-}" ] && [ -f "$work/serve.log" ]; then
		suite=$(basename "$0" .sh)
		cp "$work/serve.log" "/tmp/${suite#test_tftp_}-serve.log"
	fi
	rm -rf "$work"
}

# TFTP_SHARED=1 runs a suite against the shared transfer port
# (tests/unit/test_tftp_shared.sh runs them all that way too): every
# server start in the suites passes "${TFTP_SERVE_ARGS[@]}".
# shellcheck disable=SC2034 # used by the suites that source this file
TFTP_SERVE_ARGS=()
# shellcheck disable=SC2034
[ -z "${TFTP_SHARED:-}" ] || TFTP_SERVE_ARGS=(tftp-shared-port=yes)
