#!/usr/bin/env bash
# lava-run.sh JOBDIR OUTDIR JOBID - run one exported QEMU job on a real,
# standalone lava-run (Debian's lava-dispatcher) inside the test network.
#
# `lava run` starts this as PID 1 of fresh network, mount and PID
# namespaces (unshare, as vboot does), so whatever way the run ends every
# server, QEMU and lava-run die with the namespace.  Inside: the bridge and
# tap of lib/net.sh (the device dictionary gives QEMU that tap), netbootd
# answering DHCP for LAVA's QEMU MAC, and rpcbind + nfs-ganesha exporting
# LAVA's deploy directory, which lava-run unpacks the nfsrootfs into and
# names on the kernel command line (nfsroot={NFS_SERVER_IP}:{NFSROOTFS}).
#
# JOBDIR holds job.yaml and device.yaml (tests/virtme/lava export), and
# ../../dispatcher.yaml.  OUTDIR gets lava-run's output directory
# (result.yaml, description.yaml), its YAML log (lava.log) and the servers'
# logs.  Exit status: lava-run's (0: the job completed, whatever the
# tests said), or 4 when the test network could not be set up.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"
# shellcheck source=net.sh
. "$here/net.sh"

jobdir=$1 out=$2 jobid=$3
# LAVA's qemu.jinja2 default MAC (the exported device dictionary sets it).
lava_mac=52:54:00:12:34:58
lava_tmp=/var/lib/lava/dispatcher/tmp

VB_PIDS=()
cleanup() {
	local pid
	for pid in "${VB_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	sleep 0.2
	for pid in "${VB_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
	# Reap them quietly (bash would report each "Killed").
	{ wait "${VB_PIDS[@]}"; } 2>/dev/null || true
	# lava-run removes its job directory itself when it ends normally.
	rm -rf "${lava_tmp:?}/$jobid"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

[ "$$" = 1 ] || vb_setup_error "lava-run.sh runs inside its own namespaces (use: lava run)"
mkdir -p "$out"
# Private /run for rpcbind; LAVA's deploy directory is the host's, as on a
# real dispatcher (the job removes its part; so does cleanup above).
mount -t tmpfs -o mode=755 lava-run /run
mkdir -p "$lava_tmp"
# shellcheck source=nfs.sh
. "$here/nfs.sh"
# shellcheck source=bootserver.sh
. "$here/bootserver.sh"

vb_net_setup
vb_nfs_start "$out" "$lava_tmp" "$lava_tmp"
VB_NETBOOTD=${VB_NETBOOTD:?VB_NETBOOTD names netbootd}
vb_netbootd_start "$out" "$lava_mac" ""

rc=0
lava-run --job-id "$jobid" --output-dir "$out/lava-output" --device "$jobdir/device.yaml" \
	--dispatcher "$jobdir/../../dispatcher.yaml" "$jobdir/job.yaml" \
	>"$out/lava.stdout" 2>"$out/lava.log" || rc=$?
echo "$rc" >"$out/lava-run.rc"
exit "$rc"
