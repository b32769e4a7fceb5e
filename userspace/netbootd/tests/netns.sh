# shellcheck shell=bash
# netns.sh - a private test network for the netbootd suites: a server
# namespace with bridge nbbr0 = 192.0.2.1/24 and N client namespaces, each
# on a veth whose far end is in the bridge.  Everything is named after the
# suite's PID and removed by nb_net_cleanup.

NB_SRV=nbs$$
NB_CLIENTS=()

# nb_net_setup N [MAC1 ...]: N clients; client i gets MAC i if given.
nb_net_setup() {
	local n=$1 i
	shift
	ip netns add "$NB_SRV"
	ip -n "$NB_SRV" link set lo up
	ip -n "$NB_SRV" link add nbbr0 type bridge
	ip -n "$NB_SRV" link set nbbr0 type bridge stp_state 0 forward_delay 0
	ip -n "$NB_SRV" addr add 192.0.2.1/24 dev nbbr0
	ip -n "$NB_SRV" link set nbbr0 up
	for ((i = 1; i <= n; i++)); do
		local c=nbc$$-$i
		ip netns add "$c"
		NB_CLIENTS+=("$c")
		ip link add "nbv$i" netns "$NB_SRV" type veth peer name eth0 netns "$c"
		ip -n "$NB_SRV" link set "nbv$i" master nbbr0 up
		[ -z "${1:-}" ] || ip -n "$c" link set eth0 address "$1"
		[ $# -eq 0 ] || shift
		ip -n "$c" link set lo up
		ip -n "$c" link set eth0 up
	done
}

nb_net_cleanup() {
	local c
	for c in "${NB_CLIENTS[@]}"; do ip netns pids "$c" 2>/dev/null | xargs -r kill -9; ip netns del "$c"; done
	ip netns pids "$NB_SRV" 2>/dev/null | xargs -r kill -9
	ip netns del "$NB_SRV" 2>/dev/null
	NB_CLIENTS=()
}

# nb_wait_log FILE TEXT SECONDS: poll until FILE has TEXT.
nb_wait_log() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# nb_sanitizer_clean FILE: no ASan/UBSan report in the daemon's log.
nb_sanitizer_clean() {
	! grep -qE 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' "$1"
}
