#!/usr/bin/env bash
# ACLs on a dot1q sub-interface, both families. Host fx-a sits on VLAN 100
# of lan0 (lan0.100: 10.0.100.1/24, 2001:db8:100::1/64); host fx-b on lan1,
# untagged. One ACL denies ICMP and ICMPv6 echo requests and permits the
# rest. Applied as lan0.100's output ACL, it stops fx-b's pings to fx-a while
# TCP and UDP pass: the output nodes run after the rewrite, which on
# lan0.100 carries the 802.1Q tag, so the IP header is 18 bytes in, not 14
# (reading it 4 bytes early, the rules met garbage and the pings passed).
# Then as lan0.100's input ACL it stops fx-a's pings to fx-b, TCP and UDP
# still passing. Drops counted by name on the four ACL nodes.
source "$(dirname "$0")/lib.sh"
vn_init acl_vlan

for t in nc timeout ss python3; do
	command -v $t >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
[ -f "$VN_BUILD/plugins/acl_plugin.so" ] || { echo "no $VN_BUILD/plugins/acl_plugin.so" >&2; exit 1; }

# fx-b: dual-stack, untagged on lan1.
vn_host6 fx-b 2001:db8:2::2/64 2001:db8:2::1
ip -n fx-b addr add 10.0.2.2/24 dev eth0
ip -n fx-b route add default via 10.0.2.1

# fx-a: its eth0 is lan0's trunk; its addresses are on VLAN 100 (eth0.100):
# a kernel 802.1Q device where the kernel has one, else vlan_tap.py's tap
# (as test_vlan.sh). No DAD, no RA on anything made in fx-a.
vn_host6 fx-a 2001:db8:1::2/64
ip netns exec fx-a sysctl -qw net.ipv6.conf.default.accept_dad=0 \
	net.ipv6.conf.default.accept_ra=0
if ip -n fx-a link add link eth0 name eth0.100 type vlan id 100 2>/dev/null; then
	vn_log "peer VLAN: kernel 802.1Q device"
else
	ip netns exec fx-a /usr/bin/python3 "$VN_SRC/tests/integration/vlan_tap.py" eth0 \
		100:eth0.100 >"$VN_TMP/vlan_tap.log" 2>&1 &
	VN_PIDS+=($!)
	for _ in $(seq 50); do grep -q ready "$VN_TMP/vlan_tap.log" && break; sleep 0.1; done
	grep -q ready "$VN_TMP/vlan_tap.log" || { cat "$VN_TMP/vlan_tap.log" >&2; exit 1; }
	vn_log "peer VLAN: vlan_tap.py (no 802.1Q in this kernel)"
fi
ip -n fx-a addr add 10.0.100.2/24 dev eth0.100
ip -n fx-a -6 addr add 2001:db8:100::2/64 dev eth0.100 nodad
ip -n fx-a link set eth0.100 up
ip -n fx-a route add default via 10.0.100.1 dev eth0.100
ip -n fx-a -6 route add default via 2001:db8:100::1 dev eth0.100

CFG=$VN_TMP/acl_vlan.yaml
{
	vn_config_base
	cat <<EOT
  enable: [acl]
interfaces:
  - { name: lan0, device: "host:fx-a-r", addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:fx-b-r", addresses: [10.0.2.1/24, 2001:db8:2::1/64] }
sub-interfaces:
  - { parent: lan0, id: 100, addresses: [10.0.100.1/24, 2001:db8:100::1/64], up: true }
# DAD is not this test's subject: the router's addresses are usable at once.
ip6-nd: { dad-transmits: 0 }
acl:
  acls:
    - tag: no-echo
      rules:
        - deny proto icmp icmp-type 8
        - deny proto icmp6 icmp-type 128
        - permit
        - permit ipv6
EOT
} >"$CFG"
vn_engine_start "$CFG"

# Bounded: neighbour resolution takes a try or two.
pings() { # FROM ADDR
	for _ in 1 2 3; do
		ip netns exec "$1" ping -c 2 -i 0.2 -W 2 "$2" 2>&1 | grep -q " 0% packet loss" && return 0
	done
	return 1
}
# The whole output first: grep -q quitting early would fail ping with SIGPIPE
# and, under pipefail, make `!` true whatever the replies.
no_reply() {
	local out
	out=$(ip netns exec "$1" ping -c 3 -i 0.2 -W 1 "$2" 2>&1) || true
	! grep -q " bytes from " <<<"$out"
}
fam() { [[ $1 == *:* ]] && echo -6 || echo -4; }
# tcp_ok FROM TO ADDR PORT: a line sent from FROM reaches a listener on TO.
tcp_ok() {
	local from=$1 to=$2 addr=$3 port=$4 pid
	rm -f "$VN_TMP/tcp.$port"
	ip netns exec "$to" timeout 8 nc "$(fam "$addr")" -l "$port" </dev/null >"$VN_TMP/tcp.$port" &
	pid=$!
	VN_PIDS+=("$pid")
	vn_wait_listen "$to" "$port" || return 1
	echo "hello $port" | ip netns exec "$from" timeout 5 nc "$(fam "$addr")" -N -w 3 "$addr" "$port" 2>/dev/null || true
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	test "$(cat "$VN_TMP/tcp.$port" 2>/dev/null)" = "hello $port"
}
# udp_ok FROM TO ADDR PORT: a datagram sent from FROM reaches a socket on TO.
udp_ok() {
	local from=$1 to=$2 addr=$3 port=$4 pid got=1
	rm -f "$VN_TMP/udp.$port"
	ip netns exec "$to" timeout 8 nc "$(fam "$addr")" -u -l "$port" </dev/null >"$VN_TMP/udp.$port" &
	pid=$!
	VN_PIDS+=("$pid")
	for _ in $(seq 50); do
		ip netns exec "$to" ss -Hlun "sport = :$port" 2>/dev/null | grep -q . && break
		sleep 0.1
	done
	for _ in $(seq 20); do
		echo "dgram $port" | ip netns exec "$from" timeout 2 nc "$(fam "$addr")" -u -w 1 "$addr" "$port" 2>/dev/null || true
		grep -q "dgram $port" "$VN_TMP/udp.$port" 2>/dev/null && { got=0; break; }
		sleep 0.1
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	return $got
}
# errs NODE REASON: how many packets `show errors` counts for NODE and REASON.
errs() { vnctl show errors | awk -v n="$1" -v r="$2" '$2 == n && index($0, r) { s += $1 } END { print s + 0 }'; }

# --- 0. no ACL: everything passes both ways (and resolves the neighbours) ----
vn_check "no ACL: fx-b pings fx-a 10.0.100.2 (out on lan0.100)" pings fx-b 10.0.100.2
vn_check "no ACL: fx-b pings fx-a 2001:db8:100::2 (out on lan0.100)" pings fx-b 2001:db8:100::2
vn_check "no ACL: fx-a pings fx-b 10.0.2.2 (in on lan0.100)" pings fx-a 10.0.2.2
vn_check "no ACL: fx-a pings fx-b 2001:db8:2::2 (in on lan0.100)" pings fx-a 2001:db8:2::2

# --- 1. output ACL on lan0.100 ---------------------------------------------------
vnctl set acl-plugin interface lan0.100 output acl 0
vn_check "output ACL: fx-b's ping to 10.0.100.2 denied" no_reply fx-b 10.0.100.2
vn_check "output ACL: fx-b's ping to 2001:db8:100::2 denied" no_reply fx-b 2001:db8:100::2
vn_check "output ACL: TCP fx-b -> 10.0.100.2 passes" tcp_ok fx-b fx-a 10.0.100.2 5101
vn_check "output ACL: TCP fx-b -> 2001:db8:100::2 passes" tcp_ok fx-b fx-a 2001:db8:100::2 5102
vn_check "output ACL: UDP fx-b -> 10.0.100.2 passes" udp_ok fx-b fx-a 10.0.100.2 5103
vn_check "output ACL: UDP fx-b -> 2001:db8:100::2 passes" udp_ok fx-b fx-a 2001:db8:100::2 5104
vn_check "output ACL: fx-a still pings fx-b (replies are not echo requests)" pings fx-a 10.0.2.2
vn_check "output ACL: fx-a still pings fx-b over IPv6" pings fx-a 2001:db8:2::2
n4=$(errs acl-plugin-out-ip4 "acl deny") n6=$(errs acl-plugin-out-ip6 "acl deny")
vn_check "acl deny counted on acl-plugin-out-ip4 ($n4, 3 pings)" test "$n4" -ge 3
vn_check "acl deny counted on acl-plugin-out-ip6 ($n6, 3 pings)" test "$n6" -ge 3
vnctl set acl-plugin interface lan0.100 output acl 0 del
vn_check "output ACL removed: fx-b pings fx-a again" pings fx-b 2001:db8:100::2

# --- 2. input ACL on lan0.100 ----------------------------------------------------
vnctl set acl-plugin interface lan0.100 input acl 0
vn_check "input ACL: fx-a's ping to 10.0.2.2 denied" no_reply fx-a 10.0.2.2
vn_check "input ACL: fx-a's ping to 2001:db8:2::2 denied" no_reply fx-a 2001:db8:2::2
vn_check "input ACL: TCP fx-a -> 10.0.2.2 passes" tcp_ok fx-a fx-b 10.0.2.2 5201
vn_check "input ACL: TCP fx-a -> 2001:db8:2::2 passes" tcp_ok fx-a fx-b 2001:db8:2::2 5202
vn_check "input ACL: UDP fx-a -> 10.0.2.2 passes" udp_ok fx-a fx-b 10.0.2.2 5203
vn_check "input ACL: UDP fx-a -> 2001:db8:2::2 passes" udp_ok fx-a fx-b 2001:db8:2::2 5204
vn_check "input ACL: fx-b still pings fx-a" pings fx-b 10.0.100.2
vn_check "input ACL: fx-b still pings fx-a over IPv6" pings fx-b 2001:db8:100::2
n4=$(errs acl-plugin-in-ip4 "acl deny") n6=$(errs acl-plugin-in-ip6 "acl deny")
vn_check "acl deny counted on acl-plugin-in-ip4 ($n4)" test "$n4" -ge 3
vn_check "acl deny counted on acl-plugin-in-ip6 ($n6)" test "$n6" -ge 3
vnctl set acl-plugin interface lan0.100 input acl 0 del

vn_engine_stop
vn_check "engine exits 0 on SIGTERM" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_finish
