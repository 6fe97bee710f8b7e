#!/usr/bin/env bash
# Reflexive ACL sessions with two workers. Each port has two RX queues
# (AF_PACKET fanout hashes flows over them, symmetrically), placed crosswise:
# lan0 queue 0 -> worker 0, queue 1 -> worker 1; lan1 queue 0 -> worker 1,
# queue 1 -> worker 0. So a flow that leaves through lan1 on one worker (where
# permit+reflect makes its session) gets its replies on lan1 on the other
# worker, which must find that session in the shared table.
#  1. acl: sessions: sets the table size; two workers run.
#  2. 8 TCP flows inside A -> outside B (iperf3) complete, no reply is denied,
#     and replies hit sessions another thread owns ("hits on other threads'
#     sessions" > 0); both workers run acl-plugin-in-ip4.
#  3. Ping A -> B works; B -> A is denied.
#  4. Removing the reflect ACL from lan1 deletes its sessions;
#     clear acl-plugin sessions deletes them too.
#  5. Clean exit, every mbuf back.
source "$(dirname "$0")/lib.sh"
vn_init acl-workers
for t in iperf3 nc timeout; do
	command -v $t >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
[ -f "$VN_BUILD/plugins/acl_plugin.so" ] || { echo "no $VN_BUILD/plugins/acl_plugin.so" >&2; exit 1; }

vn_host vt-awa 10.0.1.2/24 10.0.1.1
vn_host vt-awb 10.0.2.2/24 10.0.2.1
CFG=$VN_TMP/acl-workers.yaml
{
	VN_WORKERS="[0, 1]" vn_config_base
	cat <<EOT
  enable: [acl]
interfaces:
  - { name: lan0, device: "host:vt-awa-r", rx-queues: 2, workers: [0, 1], addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:vt-awb-r", rx-queues: 2, workers: [1, 0], addresses: [10.0.2.1/24] }
acl:
  sessions: 100000
  acls:
    - tag: outside-out
      rules: ["permit+reflect src 10.0.1.0/24", "permit src 10.0.2.1"]
    - tag: outside-in
      rules: ["permit proto icmp dst 10.0.2.1/32", "deny"]
  interfaces:
    - { name: lan1, output: [0], input: [1] }
EOT
} >"$CFG"
vn_check "--check accepts acl.sessions" "$VN_BUILD/vecnet" -c "$CFG" --check
vn_engine_start "$CFG"

# Two workers (a worker descheduled on this shared machine may show
# "stalled" for a moment: ask a few times).
two_workers() {
	for _ in $(seq 20); do
		[ "$(vnctl show threads | grep -c 'worker.*running')" -eq 2 ] && return 0
		sleep 0.1
	done
	vnctl show threads >&2
	return 1
}
vn_check "show threads lists two running workers" two_workers

# sum_field LABEL: a per-thread counter of show acl-plugin sessions, summed.
sum_field() {
	vnctl show acl-plugin sessions | awk -v l="$1" '/^thread [0-9]+:/ {
		n = split($0, f, ", ")
		for (i = 1; i <= n; i++) if (index(f[i], l) > 0) { sub(/.* /, "", f[i]); s += f[i] } }
		END { print s + 0 }'
}
total_sessions() { vnctl show acl-plugin sessions | awk '/^total sessions:/ { print $3 }'; }
# if_row IF DIR: "ACLS PERMIT DENY IMPLICIT SESSIONHIT"
if_row() { vnctl show acl-plugin interface "$1" | awk -v d="$2" '$2 == d { print $3, $4, $5, $6, $7 }'; }
pings() { ip netns exec "$1" ping -c "$3" -i 0.2 -W 1 "$2" 2>&1 | grep -q " 0% packet loss"; }
# The whole output first: grep -q quitting at the first reply would fail ping
# with SIGPIPE and, under pipefail, make `!` true whatever the replies.
no_reply() {
	local out
	out=$(ip netns exec "$1" ping -c "$3" -i 0.2 -W 1 "$2" 2>&1) || true
	! grep -q " bytes from " <<<"$out"
}

vn_check "the table has the configured size" \
	grep -q "capacity 100000" <<<"$(vnctl show acl-plugin sessions)"

# ARP both ways first (the router's own pings are permitted by ACL 0 rule 1).
ip netns exec vt-awa ping -c 1 -W 1 10.0.2.2 >/dev/null 2>&1 || true
ip netns exec vt-awb ping -c 1 -W 1 10.0.2.1 >/dev/null 2>&1 || true
vnctl clear runtime
read -r _ _ deny0 implicit0 hit0 <<<"$(if_row lan1 input)"
ip netns exec vt-awb timeout 30 iperf3 -s -1 >/dev/null 2>&1 &
VN_PIDS+=($!)
sleep 0.5
out=$(ip netns exec vt-awa timeout 30 iperf3 -c 10.0.2.2 -P 8 -t 2 2>&1) || true
vn_check "8 TCP flows A -> B complete through the stateful ACL" grep -q "SUM.*receiver" <<<"$out"
read -r _ _ deny1 implicit1 hit1 <<<"$(if_row lan1 input)"
vn_check "no reply was denied on lan1 input (deny $deny0 -> $deny1, implicit $implicit0 -> $implicit1)" \
	test "$deny1" = "$deny0" -a "$implicit1" = "$implicit0"
vn_check "replies passed by session ($hit0 -> $hit1)" test "${hit1:-0}" -gt "${hit0:-0}"
other=$(sum_field "hits on other threads' sessions")
vn_check "replies arrived on the worker that does not own the session and passed ($other hits)" \
	test "${other:-0}" -gt 0
rt=$(vnctl show runtime)
vn_check "both workers ran acl-plugin-in-ip4" \
	awk '/^Thread/ {t = $2} $1 == "acl-plugin-in-ip4" && $4 > 0 {seen[t] = 1}
	     END {exit !(length(seen) >= 2)}' <<<"$rt"
vn_check "sessions were made by both workers" \
	test "$(vnctl show acl-plugin sessions | grep -Ec '^thread [0-9]+: owns [0-9]+, created [1-9]')" -ge 2

vn_check "ping A -> B gets its replies" pings vt-awa 10.0.2.2 3
vn_check "outside B -> inside A: ping dropped" no_reply vt-awb 10.0.1.2 2
vn_check "outside B -> inside A: TCP dropped" \
	bash -c "! ip netns exec vt-awb timeout 3 nc -z -w 2 10.0.1.2 5201"

n=$(total_sessions)
vn_check "sessions are listed ($n)" test "${n:-0}" -gt 0
vnctl set acl-plugin interface lan1 output acl 0 del
vn_check "removing ACL 0 from lan1 output deleted its sessions" test "$(total_sessions)" = 0
vn_check "... and the engine logged it" grep -q "lan1 output: [0-9]* session(s) of ACL 0 deleted" "$VN_ENGINE_LOG"
vnctl set acl-plugin interface lan1 output acl 0
vn_check "re-applied: ping A -> B again" pings vt-awa 10.0.2.2 2
out=$(vnctl clear acl-plugin sessions)
vn_check "clear acl-plugin sessions ($out)" grep -Eq "^[1-9][0-9]* session\(s\) deleted" <<<"$out"
vn_check "... leaves none" test "$(total_sessions)" = 0

vn_engine_stop
vn_check "engine exits 0" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_finish
