# shellcheck shell=bash
# nfs.sh - rpcbind and nfs-ganesha (the host kernel has no nfsd), private to
# the run.  NFSv3 mounts find mountd through rpcbind.  The node mounts the
# export by its pseudo path for NFSv3 and NFSv4 alike (Mount_Path_Pseudo),
# so the path it sees is short and conventional (/tftpboot/<ip>, the
# kernel's own default shape) whatever directory holds the root on the host:
# BOOTP has only 64 bytes of options, too few for a long host path.

# vb_nfs_start RUNDIR EXPORT_DIR PSEUDO_PATH [EXPORT_DIR PSEUDO_PATH]...:
# start both servers, one export per pair (vboot --nodes: one per node);
# logs in RUNDIR.
vb_nfs_start() {
	local run=$1 conf=$1/ganesha.conf id=0
	shift

	mkdir -p /run/rpcbind "$run/ganesha-recovery"
	rpcbind -f -w >"$run/rpcbind.log" 2>&1 &
	VB_PIDS+=($!)
	vb_wait_for 5 "rpcbind" test -S /run/rpcbind.sock ||
		vb_setup_error "rpcbind did not start (log: $run/rpcbind.log)"

	cat >"$conf" <<CONF
# Written by vboot for one run; see ganesha-config(8).
NFS_CORE_PARAM {
	Protocols = 3, 4;
	NFS_Port = 2049;
	MNT_Port = 20048;
	Enable_NLM = false;
	Enable_RQUOTA = false;
	Bind_addr = $VB_SERVER_IP;
	Mount_Path_Pseudo = true;
}
NFSV4 {
	RecoveryBackend = fs;
	RecoveryRoot = "$run/ganesha-recovery";
	# A fresh server has no clients to wait for.
	Graceless = true;
}
LOG { Default_Log_Level = EVENT; }
CONF
	while [ $# -ge 2 ]; do
		id=$((id + 1))
		cat >>"$conf" <<CONF
EXPORT {
	Export_Id = $id;
	Path = "$1";
	Pseudo = "$2";
	Access_Type = RW;
	Squash = No_Root_Squash;
	Transports = TCP;
	Protocols = 3, 4;
	SecType = sys;
	FSAL { Name = VFS; }
}
CONF
		shift 2
	done
	ganesha.nfsd -F -f "$conf" -L "$run/ganesha.log" -p "$run/ganesha.pid" \
		>"$run/ganesha.out" 2>&1 &
	VB_PIDS+=($!)
	vb_wait_for 30 "nfs-ganesha" grep -q "NFS SERVER INITIALIZED" "$run/ganesha.log" ||
		{ tail -n 5 "$run/ganesha.log" >&2 2>/dev/null
		  vb_setup_error "nfs-ganesha did not start (log: $run/ganesha.log)"; }
}
