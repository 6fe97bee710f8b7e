#!/usr/bin/env bash
# IPv6 through vecnet between Linux hosts with IPv6 on (host interfaces,
# Linux's default offloads): neighbours resolved both ways with no static
# entry (the hosts solicit the router, the router solicits a host), ping -6
# across with the hop limit decremented once, the router's global and
# link-local addresses answered from both sides (host B's default route is
# the router's link-local address), a static route via a host, no route
# answered unreachable, and a TCP transfer over an interface with a smaller
# MTU: packet too big reaches the sender, which then delivers every byte.
source "$(dirname "$0")/lib.sh"
vn_init ip6

vn_host6 v6-a 2001:db8:1::2/64
vn_host6 v6-b 2001:db8:2::2/64
vn_host6 v6-c 2001:db8:3::2/64 # on a DPDK port (net_af_packet), not a host interface

CFG=$VN_TMP/ip6.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:v6-a-r", addresses: [10.0.1.1/24, 2001:db8:1::1/64] }
  - { name: lan1, device: "host:v6-b-r" }
  - { name: lan2, device: "net_af_packet0,iface=v6-c-r", addresses: [2001:db8:3::1/64] }
# Addresses usable at once: duplicate address detection is test_ip6_nd.sh's.
ip6-nd: { dad-transmits: 0 }
EOT
} >"$CFG"
vn_engine_start "$CFG"

# lan0's address came from the file, lan1's comes from the CLI.
vnctl set interface ip address lan1 2001:db8:2::1/64
out=$(vnctl show interface address lan1)
vn_check "show interface address lists the IPv6 address" grep -q "L3 2001:db8:2::1/64" <<<"$out"
ll1=$(awk '/link-local/ { sub("/64", "", $2); print $2 }' <<<"$out")
vn_check "lan1 has a link-local address" grep -q "^fe80::" <<<"$ll1"
ll0=$(vnctl show interface address lan0 | awk '/link-local/ { sub("/64", "", $2); print $2 }')

# A routes through the router's global address, B through its link-local one.
ip -n v6-a -6 route add default via 2001:db8:1::1
ip -n v6-b -6 route add default via "$ll1" dev eth0
vn_check "the connected prefix is in the FIB" grep -q "2001:db8:1::/64 (connected)" \
	<<<"$(vnctl show ip6 fib)"
vn_check "the local /128 is in the FIB" grep -q "2001:db8:2::1/128 (local)" <<<"$(vnctl show ip6 fib)"

# Across, first: the router knows nothing of B, so the first packet makes it
# solicit B (nothing static)
# so one may be lost; the hop limit B's replies arrive with is 64 - 1.
out=$(ip netns exec v6-a ping -6 -c 4 -i 0.3 -W 2 2001:db8:2::2 2>&1) || true
vn_check "ping -6 A -> B across the router" grep -q " [34] received" <<<"$out"
vn_check "B's replies crossed one router (hop limit 63)" grep -q "ttl=63" <<<"$out"
vn_check "the router sent neighbour solicitations" grep -q "neighbor solicitations sent" \
	<<<"$(vnctl show errors)"

# The router's addresses, from both sides: global, the other side's global, link-local.
out=$(ip netns exec v6-a ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::1 2>&1) || true
vn_check "A pings the router's address on its link" grep -q " 2 received" <<<"$out"
out=$(ip netns exec v6-a ping -6 -c 2 -i 0.2 -W 2 2001:db8:2::1 2>&1) || true
vn_check "A pings the router's address on the other link" grep -q " 2 received" <<<"$out"
out=$(ip netns exec v6-a ping -6 -c 2 -i 0.2 -W 2 "$ll0%eth0" 2>&1) || true
vn_check "A pings the router's link-local address" grep -q " 2 received" <<<"$out"
out=$(ip netns exec v6-b ping -6 -c 2 -i 0.2 -W 2 "$ll1%eth0" 2>&1) || true
vn_check "B pings the router's link-local address" grep -q " 2 received" <<<"$out"
out=$(ip netns exec v6-b ping -6 -c 2 -i 0.2 -W 2 2001:db8:2::1 2>&1) || true
vn_check "B pings the router's global address (via its link-local gateway)" \
	grep -q " 2 received" <<<"$out"

out=$(ip netns exec v6-b ping -6 -c 3 -i 0.3 -W 2 2001:db8:1::2 2>&1) || true
vn_check "ping -6 B -> A across the router" grep -q " 3 received" <<<"$out"

nbr=$(vnctl show ip6 neighbors)
vn_check "the router learned A's address (dynamic)" \
	awk '$2 == "2001:db8:1::2" && $3 ~ /^D/ { f = 1 } END { exit !f }' <<<"$nbr"
vn_check "the router resolved B's global address (dynamic)" \
	awk '$2 == "2001:db8:2::2" && $3 ~ /^D/ { f = 1 } END { exit !f }' <<<"$nbr"
vn_check "show ip neighbors lists IPv6 too" grep -q "2001:db8:2::2" <<<"$(vnctl show ip neighbors)"
vn_check "A resolved the router" grep -Eq "2001:db8:1::1 .*lladdr" <<<"$(ip -n v6-a -6 neigh)"
vn_check "B resolved the router's link-local address" grep -Eq "$ll1 .*lladdr" \
	<<<"$(ip -n v6-b -6 neigh)"

# A static route through B, a drop route, and no route.
ip -n v6-b -6 addr add 2001:db8:100::1/128 dev lo
vnctl ip route add 2001:db8:100::/48 via 2001:db8:2::2
vn_check "the static route resolves to B" grep -q "via 2001:db8:2::2 -> rewrite lan1" \
	<<<"$(vnctl show ip6 fib 2001:db8:100::/48)"
out=$(ip netns exec v6-a ping -6 -c 2 -i 0.2 -W 2 2001:db8:100::1 2>&1) || true
vn_check "ping through the static route" grep -q " 2 received" <<<"$out"
out=$(ip netns exec v6-a ping -6 -c 1 -W 2 2001:db8:dead::1 2>&1) || true
vn_check "no route: the router answers destination unreachable" \
	grep -Eqi "unreachable|No route" <<<"$out"
vn_check "no route: counted" grep -q "destination unreachable sent" <<<"$(vnctl show errors)"

# A host behind a DPDK port: neighbour discovery through the NIC's multicast.
ip -n v6-c -6 route add default via 2001:db8:3::1
out=$(ip netns exec v6-c ping -6 -c 3 -i 0.3 -W 2 2001:db8:1::2 2>&1) || true
vn_check "ping -6 C (DPDK port) -> A" grep -q " [23] received" <<<"$out"

# The engine's own ping, over IPv6.
out=$(vnctl ping 2001:db8:2::2 repeat 3 interval 0.2 2>&1) || true
vn_check "engine ping -> B: 3 sent, 3 received" grep -q "3 sent, 3 received, 0% packet loss" <<<"$out"
vn_check "engine ping reply lines" grep -Eq "bytes from 2001:db8:2::2: icmp_seq=3 hlim=64 time=" \
	<<<"$out"
out=$(vnctl ping 2001:db8:100::1 repeat 2 interval 0.2 2>&1) || true
vn_check "engine ping through the static route" grep -q "2 sent, 2 received" <<<"$out"

# Trace and pcapng: IPv6 decoded by `show trace`, captured whole for tshark.
vnctl trace add host-input 10
CAP=$VN_TMP/cap.pcapng
vnctl pcap trace rx tx max 50 file "$CAP"
ip netns exec v6-a ping -6 -c 2 -i 0.2 -W 2 2001:db8:2::2 >/dev/null 2>&1 || true
sleep 0.2
vnctl pcap trace off
trace=$(vnctl show trace)
vn_check "show trace decodes ICMPv6 at ip6-input" grep -q "ICMP6: 2001:db8:1::2 -> 2001:db8:2::2" \
	<<<"$trace"
vn_check "show trace names the echo request" grep -q "icmp6 echo_request id" <<<"$trace"
vn_check "show trace shows ip6-lookup's adjacency" grep -q "lookup: adj .* rewrite lan1 nh 2001:db8:2::2" \
	<<<"$trace"
vnctl clear trace
tsh=$(tshark -r "$CAP" -V 2>&1) || true
vn_check "tshark reads IPv6 echo requests in the capture" grep -q "Echo (ping) request" <<<"$tsh"
vn_check "tshark: hop limit 63 on the way out" grep -q "Hop Limit: 63" <<<"$tsh"

# traceroute -6 (UDP probes): the router answers the first hop (time
# exceeded, from its address on A's link), B the second (port unreachable).
if command -v traceroute >/dev/null; then
	out=$(ip netns exec v6-a timeout 20 traceroute -6 -n -q 1 -w 2 -m 4 2001:db8:2::2 2>&1) || true
	vn_check "traceroute -6: the router is hop 1" grep -Eq "^ *1 +2001:db8:1::1 " <<<"$out"
	vn_check "traceroute -6: B is hop 2" grep -Eq "^ *2 +2001:db8:2::2 " <<<"$out"
else
	vn_fail "traceroute is not installed (scripts/deps.sh installs it)"
fi

# A smaller MTU towards B: A's full-size segments get packet too big, A
# lowers its path MTU, and the transfer arrives whole.
vnctl set interface mtu packet 1280 lan1
head -c 16M /dev/urandom >"$VN_TMP/blob"
want=$(sha256sum <"$VN_TMP/blob" | cut -d' ' -f1)
ip netns exec v6-b timeout 60 nc -6 -l 5001 </dev/null >"$VN_TMP/recv" &
VN_PIDS+=($!)
vn_wait_listen v6-b 5001
ip netns exec v6-a timeout 60 nc -6 -N 2001:db8:2::2 5001 <"$VN_TMP/blob" || true
for _ in $(seq 50); do
	[ "$(stat -c %s "$VN_TMP/recv")" -ge 16777216 ] && break
	sleep 0.1
done
got=$(sha256sum <"$VN_TMP/recv" | cut -d' ' -f1)
vn_check "16 MB over IPv6 through a 1280-byte MTU arrive sha256-identical" test "$got" = "$want"
vn_check "packet too big was sent" grep -q "packet too big sent" <<<"$(vnctl show errors)"
vn_check "A learned the smaller path MTU" grep -q "mtu 1280" \
	<<<"$(ip -n v6-a -6 route get 2001:db8:2::2)"

vn_engine_stop
vn_check "engine stopped cleanly" test "$VN_ENGINE_RC" -eq 0
vn_finish
