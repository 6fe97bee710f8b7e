#!/usr/bin/env bash
# IPv6 neighbour discovery against Linux hosts (host interfaces, default
# offloads): the first packet to an unresolved neighbour is held and
# delivered once it answers (the first ping is not lost); a dead neighbour
# gets the sender an ICMPv6 address unreachable; a neighbour goes STALE after
# reachable-time and, used again, is probed and confirmed (REACHABLE); the
# router's addresses pass duplicate address detection, and one a Linux host
# already owns is found duplicate and never used; the engine pings a
# link-local address.
source "$(dirname "$0")/lib.sh"
vn_init ip6_nd

vn_host6 nd-a 2001:db8:1::2/64 2001:db8:1::1
vn_host6 nd-b 2001:db8:2::2/64 2001:db8:2::1

CFG=$VN_TMP/ip6_nd.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:nd-a-r", addresses: [2001:db8:1::1/64] }
  - { name: lan1, device: "host:nd-b-r", addresses: [2001:db8:2::1/64] }
EOT
} >"$CFG"
vn_engine_start "$CFG"

# Duplicate address detection (on by default): tentative, then preferred.
addrs=""
for _ in $(seq 40); do
	addrs=$(vnctl show interface address)
	grep -q tentative <<<"$addrs" || break
	sleep 0.1
done
vn_check "the router's addresses pass DAD (no longer tentative)" \
	grep -q "L3 2001:db8:2::1/64$" <<<"$addrs"
vn_check "link-local addresses pass DAD too" grep -q "(link-local)$" <<<"$addrs"

# nd_state ADDR: the router's state of neighbour ADDR ("" if none).
nd_state() { vnctl show ip6 neighbors | awk -v a="$1" '$2 == a { print $5 }'; }

# Let A resolve the router first, so only the router's own resolution of B
# stands between A's first echo request and B.
ip netns exec nd-a ping -6 -c 1 -W 2 2001:db8:1::1 >/dev/null 2>&1 || true
out=$(ip netns exec nd-a ping -6 -c 1 -W 3 2001:db8:2::2 2>&1) || true
vn_check "the first ping to an unresolved neighbour is not lost" grep -q " 1 received" <<<"$out"
err=$(vnctl show errors)
vn_check "ip6-glean held it" grep -q "packets held for address resolution" <<<"$err"
vn_check "ip6-glean released it" grep -q "held packets released" <<<"$err"
vn_check "B was resolved (confirmed: REACHABLE)" test "$(nd_state 2001:db8:2::2)" = REACHABLE

# Nobody at 2001:db8:2::99: after resolve-timeout A hears address unreachable.
out=$(ip netns exec nd-a ping -6 -c 1 -W 4 2001:db8:2::99 2>&1) || true
vn_check "a dead neighbour: A hears address unreachable" grep -qi "address unreachable" <<<"$out"
vn_check "counted as answered" grep -q "held packets answered address unreachable" \
	<<<"$(vnctl show errors)"

# Reachability: STALE after reachable-time, then used: DELAY, probed, REACHABLE.
vnctl set ip neighbor-config reachable-time 1000
vn_check "neighbor-config shows reachable-time" grep -q "reachable-time 1000 ms" \
	<<<"$(vnctl show ip neighbor-config)"
ip netns exec nd-a ping -6 -c 1 -W 2 2001:db8:2::2 >/dev/null 2>&1 || true
st=""
for _ in $(seq 30); do
	st=$(nd_state 2001:db8:2::2)
	[ "$st" = STALE ] && break
	sleep 0.1
done
vn_check "B goes STALE after reachable-time" test "$st" = STALE
vnctl set ip neighbor-config reachable-time 30000
ip netns exec nd-a ping -6 -c 1 -W 2 2001:db8:2::2 >/dev/null 2>&1 || true
seen=""
for _ in $(seq 100); do
	st=$(nd_state 2001:db8:2::2)
	seen="$seen $st"
	[ "$st" = REACHABLE ] && break
	sleep 0.1
done
vn_check "used while STALE: DELAY" grep -q DELAY <<<"$seen"
vn_check "then probed and confirmed: REACHABLE" test "$st" = REACHABLE
[ "$st" = REACHABLE ] || { echo "states:$seen"; vnctl show errors; vnctl show ip6 neighbors; }

# The engine pings B's link-local address, naming the interface both ways.
llb=$(ip -n nd-b -6 addr show dev eth0 scope link | awk '/inet6/ { sub("/.*", "", $2); print $2 }')
# Unknown to the router first: the ping solicits it.
vnctl set ip neighbor del lan1 "$llb" >/dev/null 2>&1 || true
vn_check "B's link-local address is unknown before the ping" \
	test -z "$(nd_state "$llb")"
out=$(vnctl ping "$llb" source lan1 repeat 3 interval 0.2 2>&1) || true
vn_check "engine ping to a link-local address (source IF)" \
	grep -q "3 sent, 3 received, 0% packet loss" <<<"$out"
out=$(vnctl ping "$llb%lan1" repeat 2 interval 0.2 2>&1) || true
vn_check "engine ping to ADDR%IF" grep -q "2 sent, 2 received, 0% packet loss" <<<"$out"
out=$(vnctl ping "$llb" repeat 1 2>&1) || true
vn_check "a link-local ping without its interface is refused" \
	grep -q "needs its interface" <<<"$out"

# B owns 2001:db8:2::2: the router, told to take it too, probes it first,
# hears B defend it, and never uses it.
vnctl set interface ip address lan1 2001:db8:2::2/64
vn_check "a new address starts tentative" grep -q "L3 2001:db8:2::2/64 (tentative)" \
	<<<"$(vnctl show interface address lan1)"
for _ in $(seq 40); do
	addrs=$(vnctl show interface address lan1)
	grep -q tentative <<<"$addrs" || break
	sleep 0.1
done
vn_check "an address B owns is found duplicate" grep -q "L3 2001:db8:2::2/64 (duplicate)" \
	<<<"$addrs"
vn_check "the conflict is logged" grep -q "duplicate address detected" "$VN_ENGINE_LOG"
out=$(vnctl show ip6 interface lan1)
vn_check "show ip6 interface shows it duplicate" grep -q "2001:db8:2::2/64 (duplicate)" <<<"$out"
vn_check "show ip6 interface: the preferred one and its group" \
	bash -c 'grep -q "^    2001:db8:2::1/64$" <<<"$0" &&
		grep -q "ff02::1:ff00:1$" <<<"$0"' "$out"
vn_check "the duplicate has no local route" \
	bash -c '! grep -q "2001:db8:2::2/128 (local)" <<<"$0"' "$(vnctl show ip6 fib)"
out=$(ip netns exec nd-a ping -6 -c 2 -i 0.2 -W 2 2001:db8:2::2 2>&1) || true
vn_check "B still answers for its address across the router" grep -q " 2 received" <<<"$out"

vn_engine_stop
vn_check "engine exits cleanly" test "$VN_ENGINE_RC" -eq 0
vn_finish
