#!/usr/bin/env bash
# Packets to a neighbour not yet resolved are held, not dropped: the first
# ping to a fresh neighbour is answered (and, with the queue set to 0, it is
# not). Link state: host B reaches the router over two links, a destination
# behind B is an ECMP route over both; B sets one link down, the router sees
# the carrier go (show interface), takes the path out of the load-balance and
# every flow keeps going over the other; the link comes back and so does the
# path. No mbuf leaks.
source "$(dirname "$0")/lib.sh"
vn_init glean_link

vn_host gl-a 10.0.1.2/24 10.0.1.1
# More sources on A: ECMP hashes ICMP by addresses, so each is its own flow;
# by the engine's CRC hash .11-.14 take one path to 10.9.9.9, .24-.27 the other.
SOURCES="11 12 13 14 24 25 26 27"
for i in $SOURCES; do ip -n gl-a addr add "10.0.1.$i/24" dev eth0; done
vn_host gl-b 10.0.2.2/24 10.0.2.1
# B's second link to the router: gl-b2-r in the root namespace, eth1 in gl-b.
ip link del gl-b2-r 2>/dev/null || true
VN_HOSTS+=(gl-b2) # its cleanup deletes gl-b2-r (there is no namespace gl-b2)
ip link add gl-b2-r type veth peer name eth1 netns gl-b
sysctl -qw net.ipv6.conf.gl-b2-r.disable_ipv6=1
ip link set gl-b2-r up
ip -n gl-b addr add 10.0.3.2/24 dev eth1
ip -n gl-b link set eth1 up
ip netns exec gl-b ethtool -K eth1 tx off tso off gso off gro off >/dev/null 2>&1 || true
ethtool -K gl-b2-r tx off tso off gso off gro off rx off >/dev/null 2>&1 || true
# The destination behind B, and B's way back over whichever link is up.
ip -n gl-b addr add 10.9.9.9/32 dev lo
ip -n gl-b route replace default nexthop via 10.0.2.1 dev eth0 nexthop via 10.0.3.1 dev eth1
ip netns exec gl-b sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0

CFG=$VN_TMP/glean_link.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "net_af_packet0,iface=gl-a-r", addresses: [10.0.1.1/24] }
  - { name: lan1, device: "net_af_packet1,iface=gl-b-r", addresses: [10.0.2.1/24] }
  - { name: lan2, device: "net_af_packet2,iface=gl-b2-r", addresses: [10.0.3.1/24] }
routes:
  - { prefix: 10.9.9.9/32, via: [10.0.2.2, 10.0.3.2] }
neighbor-config: { queue-length: 0 }
EOT
} >"$CFG"
vn_engine_start "$CFG"

link_of() { vnctl show interface "$1" | awk -v n="$1" '$1 == n { print $4 }'; }

# wait_link IF up|down: the link poll (every 100 ms) has seen it, within 5 s.
wait_link() {
	for _ in $(seq 50); do
		[ "$(link_of "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

ecmp_groups() { vnctl show ip fib | awk 'NR == 1 { print $(NF - 2) }'; }

# wait_groups N: the FIB has followed the link (the poll that saw it), within 5 s.
wait_groups() {
	for _ in $(seq 50); do
		[ "$(ecmp_groups)" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# Every flow (one per source address of A) to dst is answered.
flows_ok() {
	local dst=$1 ok=0 n=0
	for i in $SOURCES; do
		n=$((n + 1))
		ip netns exec gl-a ping -c 1 -W 2 -I "10.0.1.$i" "$dst" >/dev/null 2>&1 && ok=$((ok + 1))
	done
	[ "$ok" -eq "$n" ]
}

tx_of() { vnctl show interface "$1" | awk '$1 == "tx" && $2 == "packets" { print $3; exit }'; }

# --- glean ------------------------------------------------------------------
out=$(vnctl show ip neighbor-config)
vn_check "config file sets queue-length 0" grep -q "^queue-length 0 " <<<"$out"
vn_check "10.0.3.2 not resolved yet" bash -c "! '$VN_BUILD/vecnetctl' -s '$VN_SOCK' show ip neighbors | grep -q ' 10.0.3.2 '"
vn_check "queue 0: the first ping to a fresh neighbour is lost" \
	bash -c "! ip netns exec gl-a ping -c 1 -W 1 10.0.3.2 >/dev/null 2>&1"

vnctl set ip neighbor-config queue-length 3
out=$(vnctl show ip neighbor-config)
vn_check "set ip neighbor-config queue-length 3" grep -q "^queue-length 3 " <<<"$out"
vn_check "10.0.2.2 not resolved yet" bash -c "! '$VN_BUILD/vecnetctl' -s '$VN_SOCK' show ip neighbors | grep -q ' 10.0.2.2 '"
vn_check "queue 3: the first ping to a fresh neighbour is answered" \
	ip netns exec gl-a ping -c 1 -W 2 10.0.2.2
errs=$(vnctl show errors)
vn_check "show errors counts packets held" grep -q "packets held for address resolution" <<<"$errs"
vn_check "show errors counts held packets released" grep -q "held packets released" <<<"$errs"

# --- link down / up under ECMP -------------------------------------------
tx1=$(tx_of lan1)
tx2=$(tx_of lan2)
vn_check "every flow through the ECMP route" flows_ok 10.9.9.9
vn_check "the flows spread over lan1 and lan2" \
	test "$(tx_of lan1)" -gt "$tx1" -a "$(tx_of lan2)" -gt "$tx2"
vn_check "one ECMP group over lan1 and lan2" test "$(ecmp_groups)" = 1
vn_check "lan2 link up" test "$(link_of lan2)" = up

ip -n gl-b link set eth1 down
vn_check "B's eth1 down: lan2 shows link down" wait_link lan2 down
vn_check "lan2's path left the load-balance" wait_groups 0
vn_check "show ip fib marks the path (link down)" \
	bash -c "'$VN_BUILD/vecnetctl' -s '$VN_SOCK' show ip fib 10.0.3.2/32 | grep -q 'link down'"
vn_check "every flow goes over lan1" flows_ok 10.9.9.9

ip -n gl-b link set eth1 up
vn_check "B's eth1 up: lan2 shows link up" wait_link lan2 up
vn_check "lan2's path is back in the load-balance" wait_groups 1

ip -n gl-b link set eth0 down
vn_check "B's eth0 down: lan1 shows link down" wait_link lan1 down
vn_check "lan1's path left the load-balance" wait_groups 0
vn_check "every flow goes over lan2" flows_ok 10.9.9.9
ip -n gl-b link set eth0 up
vn_check "B's eth0 up: lan1 shows link up" wait_link lan1 up
ip -n gl-b route replace default nexthop via 10.0.2.1 dev eth0 nexthop via 10.0.3.1 dev eth1
vn_check "both links carry the route again" wait_groups 1
vn_check "every flow with both links up" flows_ok 10.9.9.9
vn_check "engine log names each link change" grep -q "lan2: link down" "$VN_ENGINE_LOG"

vn_engine_stop
vn_check "engine exits 0 on SIGTERM" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_finish
