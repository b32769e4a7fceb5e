#!/usr/bin/env bash
# Lint kernel/configs/: the kernel's "# Help:" convention, well-formed
# lines, no symbol twice in a fragment, no conflicts inside a variant.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$TAP_TOP" || exit 1

for f in kernel/configs/*.config; do
	check "$f: first line is '# Help: ...'" grep -qE '^# Help: .{10,}' <(head -n1 "$f")
	bad=$(grep -nvE '^(#.*|CONFIG_[A-Z0-9_]+=.+|# CONFIG_[A-Z0-9_]+ is not set|)$' "$f")
	check "$f: every line is a comment, a value or 'is not set'" test -z "$bad"
	[ -z "$bad" ] || diag "$bad"
	dups=$(grep -oE '^(# )?CONFIG_[A-Z0-9_]+' "$f" | sed 's/^# //' | sort | uniq -d)
	check "$f: no symbol set twice" test -z "$dups"
done

# Each variant: fragments that set one symbol must agree on its value.
while IFS= read -r line; do
	variant=${line%%:*}
	frags=${line#*+ }
	conflicts=$(for fr in $frags; do
		sed -nE 's/^(CONFIG_[A-Z0-9_]+)=(.*)$/\1 \2/p; s/^# (CONFIG_[A-Z0-9_]+) is not set$/\1 n/p' "kernel/configs/$fr.config"
	done | sort -u | awk '{ n[$1]++ } END { for (s in n) if (n[s] > 1) print s }')
	check "variant $variant: fragments agree ($frags)" test -z "$conflicts"
	[ -z "$conflicts" ] || diag "conflicting: $conflicts"
done < <(make -s --no-print-directory variants)

check "netboot core asks for DHCP, BOOTP and RARP autoconfig" \
	grep -qx 'CONFIG_IP_PNP_RARP=y' kernel/configs/netboot.config
check "monolithic fragment turns modules off" grep -qx '# CONFIG_MODULES is not set' kernel/configs/monolithic.config
check "modular fragment turns modules on" grep -qx 'CONFIG_MODULES=y' kernel/configs/modular.config

tap_done
