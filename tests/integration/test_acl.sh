#!/usr/bin/env bash
# ACL plugin end to end with Linux hosts: inside host A (vt-aa, 10.0.1.2 on
# lan0) and outside host B (vt-ab, 10.0.2.2 on lan1).
#  1. The acl: config section: --check rejects a bad rule with its line; a
#     valid section creates the ACLs at start.
#  2. Stateless: an ICMP deny on lan0 input blocks ping A -> B while TCP
#     passes; counters move (rule, interface, show errors); removing the ACL
#     restores ping.
#  3. Stateful: permit+reflect on lan1 output and a deny on lan1 input: A's
#     TCP connections and pings to B get their replies, B's connections and
#     pings to A are dropped; sessions are listed and expire when idle.
#  4. A rule replaced under traffic takes effect, and unrelated traffic loses
#     nothing while it is replaced 20 times.
#  5. The engine exits cleanly with every mbuf back.
source "$(dirname "$0")/lib.sh"
vn_init acl

for t in nc timeout; do
	command -v $t >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
[ -f "$VN_BUILD/plugins/acl_plugin.so" ] || { echo "no $VN_BUILD/plugins/acl_plugin.so" >&2; exit 1; }

vn_host vt-aa 10.0.1.2/24 10.0.1.1
vn_host vt-ab 10.0.2.2/24 10.0.2.1

CFG=$VN_TMP/acl.yaml
{
	vn_config_base
	cat <<EOT
  enable: [acl]
interfaces:
  - { name: lan0, device: "host:vt-aa-r", addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:vt-ab-r", addresses: [10.0.2.1/24] }
acl:
  acls:
    - tag: no-ping
      rules:
        - deny proto icmp
        - permit
EOT
} >"$CFG"

# --- 1. config ------------------------------------------------------------
sed 's/deny proto icmp$/deny proto icmp dport 80-70/' "$CFG" >"$VN_TMP/bad.yaml"
out=$("$VN_BUILD/vecnet" -c "$VN_TMP/bad.yaml" --check 2>&1) && rc=0 || rc=$?
vn_check "--check rejects a bad rule with file, line and column" \
	test "$rc" -eq 1 -a -n "$(grep -E 'bad.yaml:[0-9]+:[0-9]+: acl.acls\[0\].rules\[0\]: bad dport range' <<<"$out")"
vn_check "--check accepts the good file" "$VN_BUILD/vecnet" -c "$CFG" --check

vn_engine_start "$CFG"
vn_check "the config created ACL 0 (tag no-ping)" \
	grep -q "acl-index 0 count 2 tag {no-ping}" <<<"$(vnctl show acl-plugin acl)"

pings() { ip netns exec "$1" ping -c "$3" -i 0.2 -W 1 "$2" 2>&1 | grep -q " 0% packet loss"; }
# The whole output first: grep -q quitting at the first reply would fail ping
# with SIGPIPE and, under pipefail, make `!` true whatever the replies.
no_reply() {
	local out
	out=$(ip netns exec "$1" ping -c "$3" -i 0.2 -W 1 "$2" 2>&1) || true
	! grep -q " bytes from " <<<"$out"
}
# tcp_ok FROM TO_HOST TO_ADDR PORT: a line sent from FROM reaches a listener on TO_HOST.
tcp_ok() {
	local from=$1 to=$2 addr=$3 port=$4 pid got
	rm -f "$VN_TMP/tcp.$port"
	ip netns exec "$to" timeout 8 nc -l "$port" </dev/null >"$VN_TMP/tcp.$port" &
	pid=$!
	sleep 0.3
	echo "hello $port" | ip netns exec "$from" timeout 5 nc -N -w 3 "$addr" "$port" 2>/dev/null || true
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	got=$(cat "$VN_TMP/tcp.$port" 2>/dev/null)
	test "$got" = "hello $port"
}
tcp_blocked() { ! tcp_ok "$@"; }
# rule_packets ACL RULE: packets counted on a rule
rule_packets() {
	vnctl show acl-plugin acl index "$1" | awk -v r="$2:" '$1 == r { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}
# if_row IF DIR: "ACLS PERMIT DENY IMPLICIT SESSIONHIT"
if_row() { vnctl show acl-plugin interface "$1" | awk -v d="$2" '$2 == d { print $3, $4, $5, $6, $7 }'; }

warm() {
	ip netns exec vt-aa ping -c 1 -W 1 10.0.2.2 >/dev/null 2>&1 || true
	ip netns exec vt-ab ping -c 1 -W 1 10.0.1.2 >/dev/null 2>&1 || true
}
warm
vn_check "before: ping A -> B" pings vt-aa 10.0.2.2 3

# --- 2. stateless -----------------------------------------------------------
vnctl set acl-plugin interface lan0 input acl 0
vn_check "ICMP deny on lan0 input: ping A -> B gets no reply" no_reply vt-aa 10.0.2.2 3
vn_check "... while TCP A -> B passes" tcp_ok vt-aa vt-ab 10.0.2.2 5201
vn_check "... and ping B -> A's router address on lan1 is unaffected" pings vt-ab 10.0.2.1 2
n=$(rule_packets 0 0)
vn_check "rule 0 (deny icmp) counted the pings ($n >= 3)" test "${n:-0}" -ge 3
n=$(rule_packets 0 1)
vn_check "rule 1 (permit) counted the TCP packets ($n >= 3)" test "${n:-0}" -ge 3
read -r acls permit deny implicit hit <<<"$(if_row lan0 input)"
vn_check "show acl-plugin interface lan0 input: acl 0, permit $permit, deny $deny" \
	test "$acls" = 0 -a "${permit:-0}" -ge 3 -a "${deny:-0}" -ge 3 -a "$implicit" = 0
vn_check "show errors: acl deny on acl-plugin-in-ip4" \
	grep -Eq "[0-9]+ +acl-plugin-in-ip4 +acl deny" <<<"$(vnctl show errors)"
vn_check "an ACL in use cannot be deleted" bash -c "! '$VN_BUILD/vecnetctl' -s '$VN_SOCK' delete acl-plugin acl index 0 2>/dev/null"
out=$(vnctl set acl-plugin acl index 0 permit src 10.0.0.0/99 2>&1) && rc=0 || rc=$?
vn_check "a bad replacement is refused with the reason ($out)" \
	test "$rc" -eq 1 -a -n "$(grep "bad src prefix '10.0.0.0/99'" <<<"$out")"
vn_check "... and the old ACL stays in force" no_reply vt-aa 10.0.2.2 2
vnctl set acl-plugin interface lan0 input acl 0 del
vn_check "ACL removed: ping A -> B again" pings vt-aa 10.0.2.2 3

# --- 3. stateful -------------------------------------------------------------
# ACL 1 also lets the router's own replies out (lan1 output sees them too).
vn_check "ACL 1: permit+reflect from inside" \
	grep -q "ACL index:1" <<<"$(vnctl set acl-plugin acl permit+reflect src 10.0.1.0/24, permit src 10.0.2.1)"
vn_check "ACL 2 (via Lua): outside may ping the router, nothing else" \
	grep -qx 2 <<<"$(vnctl lua eval "return vecnet.acl_set('permit proto icmp dst 10.0.2.1/32, deny src 0.0.0.0/0', nil, 'outside-in')")"
vnctl set acl-plugin interface lan1 output acl 1
vnctl set acl-plugin interface lan1 input acl 2
vn_check "inside A -> outside B: TCP connection gets its replies" tcp_ok vt-aa vt-ab 10.0.2.2 5202
vn_check "inside A -> outside B: ping gets its replies" pings vt-aa 10.0.2.2 3
vn_check "outside B -> inside A: TCP connection dropped" tcp_blocked vt-ab vt-aa 10.0.1.2 5203
vn_check "outside B -> inside A: ping dropped" no_reply vt-ab 10.0.1.2 3
vn_check "outside B -> router lan1: ping permitted (ACL 2 rule 0 in, ACL 1 rule 1 out)" pings vt-ab 10.0.2.1 2
n=$(rule_packets 1 1)
vn_check "ACL 1 rule 1 counted the router's replies ($n >= 2)" test "${n:-0}" -ge 2
sessions=$(vnctl show acl-plugin sessions)
vn_check "show acl-plugin sessions lists A's TCP session on lan1" \
	grep -Eq "lan1 proto 6 10.0.1.2:[0-9]+ <-> 10.0.2.2:5202" <<<"$sessions"
vn_check "... and its ICMP echo session" grep -Eq "lan1 proto 1 10.0.1.2:[0-9]+ <-> 10.0.2.2:" <<<"$sessions"
read -r acls permit deny implicit hit <<<"$(if_row lan1 input)"
vn_check "lan1 input: session hits $hit > 0, deny $deny > 0" test "${hit:-0}" -gt 0 -a "${deny:-0}" -gt 0
read -r acls permit deny implicit hit <<<"$(if_row lan1 output)"
vn_check "lan1 output: permit+reflect permitted $permit > 0" test "${permit:-0}" -gt 0
n=$(rule_packets 2 1)
vn_check "ACL 2 rule 1 (deny) counted B's attempts ($n >= 4)" test "${n:-0}" -ge 4
# Idle sessions expire and drain: with a 1 s timeout, B's replies to an old
# flow no longer pass; A's next ping makes a new session.
vnctl set acl-plugin session timeout udp idle 1
vnctl set acl-plugin session timeout tcp idle 1
vnctl set acl-plugin session timeout tcp transient 1
sleep 1.5
ip netns exec vt-ab ping -c 2 -i 0.2 -W 1 10.0.2.1 >/dev/null 2>&1 || true # traffic on lan1 sweeps
vn_check "idle sessions expired and drained" \
	grep -q "total sessions: 0" <<<"$(vnctl show acl-plugin sessions)"
vnctl set acl-plugin session timeout udp idle 600
vnctl set acl-plugin session timeout tcp idle 3600
vnctl set acl-plugin session timeout tcp transient 120
vn_check "after expiry, A -> B makes new sessions" pings vt-aa 10.0.2.2 2
vnctl set acl-plugin interface lan1 output acl 1 del
vnctl set acl-plugin interface lan1 input acl 2 del
vn_check "stateful ACLs removed: B -> A ping again" pings vt-ab 10.0.1.2 3

# --- 4. replacement under traffic ------------------------------------------------
vnctl set acl-plugin acl index 0 deny proto udp dport 9999, permit >/dev/null
vnctl set acl-plugin interface lan0 input acl 0
ip netns exec vt-aa ping -c 300 -i 0.01 -W 2 10.0.2.2 >"$VN_TMP/flood.txt" 2>&1 &
flood=$!
VN_PIDS+=("$flood")
for i in $(seq 20); do
	vnctl set acl-plugin acl index 0 deny proto udp dport $((9990 + i % 2)), permit >/dev/null
	sleep 0.1
done
wait "$flood" || true
vn_check "unrelated pings lost nothing while ACL 0 was replaced 20 times ($(grep -o '[0-9]*% packet loss' "$VN_TMP/flood.txt"))" \
	grep -q " 0% packet loss" "$VN_TMP/flood.txt"
vnctl set acl-plugin acl index 0 deny proto icmp, permit >/dev/null
vn_check "the replacement that denies ICMP takes effect at once" no_reply vt-aa 10.0.2.2 2
vn_check "... and TCP still passes" tcp_ok vt-aa vt-ab 10.0.2.2 5204
vnctl set acl-plugin interface lan0 input acl 0 del

# --- 5. exit ---------------------------------------------------------------------
vn_engine_stop
vn_check "engine exits 0 on SIGTERM" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_finish
