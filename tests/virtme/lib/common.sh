# shellcheck shell=bash
# common.sh - messages, exit codes and small waits shared by the harness.

# shellcheck disable=SC2034 # the exit codes are for every harness script
# Exit codes of vboot (documented in vboot --help and vboot.1).
readonly VB_EXIT_PASS=0 VB_EXIT_FAIL=1 VB_EXIT_TIMEOUT=2 VB_EXIT_USAGE=3 VB_EXIT_SETUP=4

vb_say() { printf 'vboot: %s\n' "$*"; }
vb_warn() { printf 'vboot: %s\n' "$*" >&2; }
vb_usage_error() { printf 'vboot: %s\n(see vboot --help)\n' "$*" >&2; exit "$VB_EXIT_USAGE"; }
# A setup error ends the run before any verdict about the node; once the
# run has a result file (VB_RESULT_FILE), the error is recorded there too,
# so the summary line and the TAP/JUnit reports name the failed step.
vb_setup_error() {
	printf 'vboot: setup failed: %s\n' "$*" >&2
	[ -z "${VB_RESULT_FILE:-}" ] ||
		printf 'verdict=setup-error\nreason=setup failed: %s\nelapsed_ms=0\n' "$*" >"$VB_RESULT_FILE" 2>/dev/null
	exit "$VB_EXIT_SETUP"
}

# vb_wait_for SECONDS DESCRIPTION COMMAND...: poll COMMAND every 0.1 s.
vb_wait_for() {
	local secs=$1 what=$2 i
	shift 2
	for ((i = 0; i < secs * 10; i++)); do
		"$@" 2>/dev/null && return 0
		sleep 0.1
	done
	vb_warn "timed out after ${secs}s waiting for $what"
	return 1
}

# vb_mac_dashes 52:54:00:12:34:56 -> 52-54-00-12-34-56 (PXELINUX file names)
vb_mac_dashes() { printf '%s' "${1//:/-}" | tr 'A-F' 'a-f'; }

# vb_xml_escape STRING: escape for XML text and attributes.
vb_xml_escape() {
	local s=$1
	s=${s//&/&amp;}
	s=${s//</&lt;}
	s=${s//>/&gt;}
	s=${s//\"/&quot;}
	printf '%s' "$s"
}
