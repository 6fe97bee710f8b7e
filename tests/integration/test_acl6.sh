#!/usr/bin/env bash
# The ACL plugin on IPv6 and on both families at once, with dual-stack Linux
# hosts: inside A (a6-a: 10.0.1.2, 2001:db8:1::2 on lan0), outside B (a6-b:
# 10.0.2.2, 2001:db8:2::2 on lan1), IPv6 on with no DAD and no RA.
#  1. Neighbour discovery with a deny-all IPv6 ACL on lan0 input: the
#     router's solicitation is answered by A's advertisement to the router's
#     global address (the ip6-unicast arc): with `ipv6-nd filter` it is
#     dropped and A stays unresolved; by default (`pass`) A is resolved.
#  2. Stateless: ICMPv6 echo denied on lan0 input while TCP over IPv6 passes;
#     drops counted by name on acl-plugin-in-ip6.
#  3. Reflexive: permit+reflect on lan1 output (the ip6-output arc), deny on
#     lan1 input: A's TCP connection and ping to B get their replies, B's
#     connection to A is dropped; the IPv6 sessions are listed.
#  4. Dual-stack at once: one ACL with IPv4 and IPv6 rules on lan0 input
#     filters each family by its own rules.
#  5. The engine exits cleanly with every mbuf back.
source "$(dirname "$0")/lib.sh"
vn_init acl6

for t in nc timeout ss; do
	command -v $t >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
[ -f "$VN_BUILD/plugins/acl_plugin.so" ] || { echo "no $VN_BUILD/plugins/acl_plugin.so" >&2; exit 1; }

# ds_host NAME V4/LEN GW4 V6/LEN GW6: a dual-stack Linux host; the root side
# of its veth stays IPv6-free (it is only the engine's device).
ds_host() {
	local h=$1
	ip netns del "$h" 2>/dev/null || true
	ip link del "$h-r" 2>/dev/null || true
	ip netns add "$h"
	VN_HOSTS+=("$h")
	ip link add "$h-r" type veth peer name eth0 netns "$h"
	sysctl -qw "net.ipv6.conf.$h-r.disable_ipv6=1"
	ip link set "$h-r" up
	ip netns exec "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.default.accept_ra=0
	ip -n "$h" link set lo up
	ip netns exec "$h" sysctl -qw net.ipv6.conf.eth0.accept_dad=0 net.ipv6.conf.eth0.accept_ra=0
	ip -n "$h" addr add "$2" dev eth0
	ip -n "$h" -6 addr add "$4" dev eth0 nodad
	ip -n "$h" link set eth0 up
	ip -n "$h" route add default via "$3"
	ip -n "$h" -6 route add default via "$5"
}

ds_host a6-a 10.0.1.2/24 10.0.1.1 2001:db8:1::2/64 2001:db8:1::1
ds_host a6-b 10.0.2.2/24 10.0.2.1 2001:db8:2::2/64 2001:db8:2::1

CFG=$VN_TMP/acl6.yaml
{
	vn_config_base
	cat <<EOT
  enable: [acl]
interfaces:
  - { name: lan0, device: "host:a6-a-r", addresses: [10.0.1.1/24, 2001:db8:1::1/64] }
  - { name: lan1, device: "host:a6-b-r", addresses: [10.0.2.1/24, 2001:db8:2::1/64] }
# DAD is not this test's subject: the router's addresses are usable at once.
ip6-nd: { dad-transmits: 0 }
acl:
  acls:
    - tag: no-ipv6
      rules:
        - deny ipv6
        - permit
EOT
} >"$CFG"
vn_engine_start "$CFG"

pings() { ip netns exec "$1" ping -c "$3" -i 0.2 -W 1 "$2" 2>&1 | grep -q " 0% packet loss"; }
# The whole output first: grep -q quitting at the first reply would fail ping
# with SIGPIPE and, under pipefail, make `!` true whatever the replies.
no_reply() {
	local out
	out=$(ip netns exec "$1" ping -c "$3" -i 0.2 -W 1 "$2" 2>&1) || true
	! grep -q " bytes from " <<<"$out"
}
# tcp_ok FROM TO_HOST ADDR PORT: a line sent from FROM reaches a listener on
# TO_HOST (IPv6 when ADDR has a colon).
tcp_ok() {
	local from=$1 to=$2 addr=$3 port=$4 fam=-4 pid got
	[[ $addr == *:* ]] && fam=-6
	rm -f "$VN_TMP/tcp.$port"
	ip netns exec "$to" timeout 8 nc $fam -l "$port" </dev/null >"$VN_TMP/tcp.$port" &
	pid=$!
	VN_PIDS+=("$pid")
	vn_wait_listen "$to" "$port" || return 1
	echo "hello $port" | ip netns exec "$from" timeout 5 nc $fam -N -w 3 "$addr" "$port" 2>/dev/null || true
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	got=$(cat "$VN_TMP/tcp.$port" 2>/dev/null)
	test "$got" = "hello $port"
}
tcp_blocked() { ! tcp_ok "$@"; }
# if_col IF DIR N: column N of `show acl-plugin interface IF` for direction DIR
# (3 ACLs, 4 permit, 5 deny, 6 implicit, 7 session hits, 8 IPv6-ND)
if_col() { vnctl show acl-plugin interface "$1" | awk -v d="$2" -v n="$3" '$2 == d { print $n }'; }
resolved() { vnctl show ip6 neighbors | grep -q " 2001:db8:1::2 .* lan0"; }
unresolved() { ! resolved; }

# --- 1. neighbour discovery under a deny-all IPv6 ACL ----------------------------
# Nothing has been sent yet: the router knows no neighbour. Its ping makes it
# solicit A; A answers to the router's global address, through lan0's ACL.
vnctl set acl-plugin interface lan0 input acl 0
vnctl set acl-plugin ipv6-nd filter
vnctl ping 2001:db8:1::2 repeat 2 interval 0.3 >/dev/null 2>&1 || true
vn_check "ipv6-nd filter: A's advertisement meets 'deny ipv6', A stays unresolved" \
	unresolved
vnctl set acl-plugin ipv6-nd pass
vnctl ping 2001:db8:1::2 repeat 2 interval 0.3 >/dev/null 2>&1 || true
vn_check "ipv6-nd pass (default): the router resolves A through the deny-all ACL" resolved
n=$(if_col lan0 input 8)
vn_check "ND that passed is counted per interface ($n > 0)" test "${n:-0}" -gt 0
vn_check "... while A's IPv6 ping across is denied" no_reply a6-a 2001:db8:2::2 2
vn_check "... and its IPv4 ping passes (rule 1: permit)" pings a6-a 10.0.2.2 2
vnctl set acl-plugin interface lan0 input acl 0 del
# The router drops the packet that makes it solicit B (no hold queue yet).
ip netns exec a6-a ping -c 1 -W 1 2001:db8:2::2 >/dev/null 2>&1 || true
vn_check "ACL removed: ping -6 A -> B" pings a6-a 2001:db8:2::2 3

# --- 2. stateless: ICMPv6 echo denied, TCP over IPv6 passes ------------------------
vn_check "ACL 1: deny ICMPv6 echo requests, permit the rest of IPv6" \
	grep -q "ACL index:1" <<<"$(vnctl set acl-plugin acl deny proto icmp6 icmp-type 128, permit ipv6)"
vnctl set acl-plugin interface lan0 input acl 1
vn_check "ICMPv6 echo denied on lan0 input: ping -6 A -> B gets no reply" no_reply a6-a 2001:db8:2::2 3
vn_check "... while TCP over IPv6 A -> B passes" tcp_ok a6-a a6-b 2001:db8:2::2 5301
vn_check "show errors: acl deny on acl-plugin-in-ip6" \
	grep -Eq "[0-9]+ +acl-plugin-in-ip6 +acl deny" <<<"$(vnctl show errors)"
vn_check "show interface features: acl-plugin-in-ip6 enabled on lan0" \
	grep -Eq "acl-plugin-in-ip6 +enabled" <<<"$(vnctl show interface features lan0)"
vnctl set acl-plugin interface lan0 input acl 1 del

# --- 3. reflexive sessions over IPv6 ---------------------------------------------
vn_check "ACL 2: permit+reflect from inside (IPv6 and IPv4)" \
	grep -q "ACL index:2" <<<"$(vnctl set acl-plugin acl permit+reflect src 2001:db8:1::/64, permit+reflect src 10.0.1.0/24)"
vn_check "ACL 3: nothing unsolicited in" grep -q "ACL index:3" <<<"$(vnctl set acl-plugin acl deny ipv6, deny)"
vnctl set acl-plugin interface lan1 output acl 2
vnctl set acl-plugin interface lan1 input acl 3
vn_check "inside A -> outside B: TCP over IPv6 gets its replies" tcp_ok a6-a a6-b 2001:db8:2::2 5302
vn_check "inside A -> outside B: ping -6 gets its replies" pings a6-a 2001:db8:2::2 3
vn_check "outside B -> inside A: unsolicited TCP over IPv6 dropped" tcp_blocked a6-b a6-a 2001:db8:1::2 5303
vn_check "outside B -> inside A: ping -6 dropped" no_reply a6-b 2001:db8:1::2 2
sessions=$(vnctl show acl-plugin sessions)
vn_check "show acl-plugin sessions lists A's IPv6 TCP session on lan1" \
	grep -Eq "lan1 proto 6 \[2001:db8:1::2\]:[0-9]+ <-> \[2001:db8:2::2\]:5302" <<<"$sessions"
vn_check "... and its ICMPv6 echo session" \
	grep -Eq "lan1 proto 58 \[2001:db8:1::2\]:[0-9]+ <-> \[2001:db8:2::2\]:" <<<"$sessions"
n=$(if_col lan1 input 7)
vn_check "lan1 input: replies passed by sessions ($n > 0)" test "${n:-0}" -gt 0
n=$(if_col lan1 input 5)
vn_check "lan1 input: B's attempts denied ($n > 0)" test "${n:-0}" -gt 0
vnctl set acl-plugin interface lan1 output acl 2 del
vnctl set acl-plugin interface lan1 input acl 3 del
vn_check "reflexive ACLs removed: B -> A ping -6 again" pings a6-b 2001:db8:1::2 3

# --- 4. dual-stack at once ------------------------------------------------------
vn_check "ACL 4: an IPv4 rule and IPv6 rules in one ACL" \
	grep -q "ACL index:4" <<<"$(vnctl set acl-plugin acl deny proto icmp, deny ipv6 proto tcp dport 5402, permit, permit ipv6)"
vnctl set acl-plugin interface lan0 input acl 4
vn_check "IPv4 ping A -> B denied (the IPv4 rule)" no_reply a6-a 10.0.2.2 2
vn_check "IPv6 ping A -> B passes" pings a6-a 2001:db8:2::2 2
vn_check "IPv4 TCP to 5402 passes (the IPv6 rule is not IPv4's)" tcp_ok a6-a a6-b 10.0.2.2 5402
vn_check "IPv6 TCP to 5402 denied (the IPv6 rule)" tcp_blocked a6-a a6-b 2001:db8:2::2 5402
vn_check "IPv6 TCP to 5403 passes" tcp_ok a6-a a6-b 2001:db8:2::2 5403
errs=$(vnctl show errors)
vn_check "drops counted by name on both families' nodes" \
	bash -c "grep -Eq '[0-9]+ +acl-plugin-in-ip4 +acl deny' <<<'$errs' && grep -Eq '[0-9]+ +acl-plugin-in-ip6 +acl deny' <<<'$errs'"
vnctl set acl-plugin interface lan0 input acl 4 del

# --- 5. exit ---------------------------------------------------------------------
vn_engine_stop
vn_check "engine exits 0 on SIGTERM" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_finish
