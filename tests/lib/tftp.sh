# shellcheck shell=bash
# tftp.sh - the common start of the TFTP suites.  Source after tap.sh.

# tftp_suite_start NAME SERVER CLIENT [SCRIPT-ARGS...]: skip the suite unless
# we are root and both programs exist; otherwise re-run the suite in a
# private network namespace (so its traffic stays on that namespace's
# loopback) with lo up.
tftp_suite_start() {
	local name=$1 server=$2 client=$3
	shift 3
	if [ "$(id -u)" -ne 0 ] || [ ! -x "$server" ] || [ ! -x "$client" ]; then
		skip "$name" "needs root and build/t/tftp_serve, tftp_load (make check-quick)"
		tap_done
		exit
	fi
	if [ -z "${TFTP_TEST_NS:-}" ]; then
		exec unshare --net env TFTP_TEST_NS=1 "$0" "$@"
	fi
	ip link set lo up
}

# TFTP_SHARED=1 runs a suite against the shared transfer port
# (tests/unit/test_tftp_shared.sh runs them all that way too): every
# server start in the suites passes "${TFTP_SERVE_ARGS[@]}".
# shellcheck disable=SC2034 # used by the suites that source this file
TFTP_SERVE_ARGS=()
# shellcheck disable=SC2034
[ -z "${TFTP_SHARED:-}" ] || TFTP_SERVE_ARGS=(tftp-shared-port=yes)
