#!/usr/bin/env bash
# Two Linux hosts route through vecnet as through a Linux router: ping with
# one TTL decrement, the router's own addresses, dynamic ARP both ways,
# time-exceeded, net-unreachable, a route via a host, a TCP transfer intact,
# and no mbuf leaked at shutdown.
source "$(dirname "$0")/lib.sh"
vn_init router

vn_host vt-ra 10.0.1.2/24 10.0.1.1
vn_host vt-rb 10.0.2.2/24 10.0.2.1
# A network behind host B, reached through a static route via B.
ip -n vt-rb addr add 10.9.0.1/24 dev lo

CFG=$VN_TMP/router.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:vt-ra-r", addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:vt-rb-r", addresses: [10.0.2.1/24] }
routes:
  - { prefix: 10.9.0.0/24, via: 10.0.2.2 }
EOT
} >"$CFG"
vn_engine_start "$CFG"

# The first packet to an unresolved host waits while ARP resolves (Linux's
# arp_queue; neighbor-config queue-length 3 by default), so none is lost.
out=$(ip netns exec vt-ra ping -c 3 -i 0.2 -W 2 10.0.2.2 2>&1) || true
vn_check "ping A -> B across the router" grep -q " 0% packet loss" <<<"$out"
vn_check "TTL decremented exactly once (64 -> 63)" grep -q "ttl=63" <<<"$out"

for pair in "vt-ra 10.0.1.1" "vt-rb 10.0.2.1" "vt-ra 10.0.2.1"; do
	set -- $pair
	out=$(ip netns exec "$1" ping -c 2 -i 0.2 -W 2 "$2" 2>&1) || true
	vn_check "ping router address $2 from $1" grep -q "ttl=64" <<<"$out"
done

mac_a=$(ip netns exec vt-ra ip neigh show 10.0.1.1 | awk '{print $5}')
mac_r=$(cat /sys/class/net/vt-ra-r/address)
vn_check "host A learned the router's MAC by ARP ($mac_a)" test "$mac_a" = "$mac_r"
neigh=$(vnctl show ip neighbors)
vn_check "router learned host B dynamically (flag D)" \
	awk '$2 == "10.0.2.2" && $3 == "D" { found = 1 } END { exit !found }' <<<"$neigh"

out=$(ip netns exec vt-ra ping -c 1 -t 1 -W 2 10.0.2.2 2>&1) || true
vn_check "TTL 1 answered by time exceeded from 10.0.1.1" \
	grep -Eq "From 10.0.1.1.*Time to live exceeded" <<<"$out"

out=$(ip netns exec vt-ra ping -c 1 -W 2 192.0.2.1 2>&1) || true
vn_check "no route answered by net unreachable" \
	grep -Eq "From 10.0.1.1.*Destination Net Unreachable" <<<"$out"

out=$(ip netns exec vt-ra ping -c 2 -i 0.2 -W 2 10.9.0.1 2>&1) || true
vn_check "route via host B reaches the network behind it" grep -q " 0% packet loss" <<<"$out"

# A TCP transfer of tens of megabytes, checksum compared.
head -c 32M /dev/urandom >"$VN_TMP/blob"
want=$(sha256sum <"$VN_TMP/blob" | cut -d' ' -f1)
ip netns exec vt-rb timeout 60 nc -l 5001 </dev/null >"$VN_TMP/recv" &
VN_PIDS+=($!)
sleep 0.5
ip netns exec vt-ra timeout 60 nc -N 10.0.2.2 5001 <"$VN_TMP/blob" || true
wait "${VN_PIDS[-1]}" || true
got=$(sha256sum <"$VN_TMP/recv" | cut -d' ' -f1)
vn_check "32 MB TCP transfer arrives intact" test "$want" = "$got"

vn_engine_stop
vn_check "engine exits 0 on SIGTERM" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_finish
