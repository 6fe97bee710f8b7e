#!/usr/bin/env bash
# A route table at its configured maximum (engine.ip4-routes; issue 21,
# exhaustion): routes are added until the table is full, then every further
# add, by the CLI, an interface address or the config at start, is refused
# with a clear error and leaves nothing behind; a delete makes room again.
# Forwarding is unharmed: a neighbour learned on the full table is reached
# (host routes have room of their own; before they had not, and a host
# that ARPed after the table filled was never reached). Host sk-ra.
source "$(dirname "$0")/lib.sh"
vn_init route-table-full

vn_host sk-ra 10.0.1.2/24 10.0.1.1
MAX=1024

cfg=$VN_TMP/full.yaml
{
	vn_config_base | sed "s/^  buffers:/  ip4-routes: $MAX\n  buffers:/"
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:sk-ra-r", addresses: [10.0.1.1/24] }
EOT
} >"$cfg"
vn_engine_start "$cfg"

routes() { vnctl show ip fib summary | awk '$1 ~ /^[0-9]+$/ {s += $2} END {print s + 0}'; }

# Fill it from Lua: count the adds that succeed.
added=$(vnctl lua eval "local n = 0
for i = 0, 2047 do
  if pcall(vecnet.cli, string.format('ip route add 10.%d.%d.0/24 via 10.0.1.2', 100 + i // 256, i % 256)) then n = n + 1 end
end
return n")
full=$(routes)
echo "added $added routes to lan0's connected and local ones: $full in the table"
vn_check "routes added until the table is full ($added + 2 = $MAX)" test "$added" -eq $((MAX - 2))

err=$(vnctl ip route add 172.16.0.0/16 via 10.0.1.2 2>&1 >/dev/null) && rc=0 || rc=$?
vn_check "one more: refused, exit 1, '$err'" \
	bash -c '[ "$1" -eq 1 ] && grep -q "route table full ($2 routes, the most engine.ip4-routes allows): nothing added" <<<"$3"' _ "$rc" "$MAX" "$err"
vn_check "nothing of it added" bash -c "! '$VN_BUILD/vecnetctl' -s '$VN_SOCK' show ip fib | grep -q 172.16.0.0"

err=$(vnctl set interface ip address lan0 192.168.5.1/24 2>&1 >/dev/null) && rc=0 || rc=$?
vn_check "an interface address refused: '$err'" \
	bash -c '[ "$1" -eq 1 ] && grep -q "route table full" <<<"$2"' _ "$rc" "$err"
vn_check "the address not kept" bash -c "! '$VN_BUILD/vecnetctl' -s '$VN_SOCK' show interface address | grep -q 192.168.5.1"
vn_check "the table still holds $full routes" test "$(routes)" -eq "$full"

# A second path on an existing route needs no new one.
vn_check "a second path on an existing route is accepted" \
	vnctl ip route add 10.100.0.0/24 via 10.0.1.3
vn_check "a neighbour learned on the full table is reached: sk-ra pings its gateway" \
	ip netns exec sk-ra ping -c 2 -i 0.2 -W 1 10.0.1.1

vnctl ip route del 10.100.1.0/24
vn_check "a delete makes room for one" vnctl ip route add 172.16.0.0/16 via 10.0.1.2
vn_check "and only one" bash -c "! '$VN_BUILD/vecnetctl' -s '$VN_SOCK' ip route add 172.17.0.0/16 via 10.0.1.2 2>/dev/null"
vn_engine_stop
vn_check "engine exits 0" test "$VN_ENGINE_RC" -eq 0

# The config at start: more routes than the table holds is a failed start
# that says which limit to raise.
{
	vn_config_base | sed "s/^  buffers:/  ip4-routes: $MAX\n  buffers:/"
	echo "interfaces:"
	echo "  - { name: lan0, device: \"host:sk-ra-r\", addresses: [10.0.1.1/24] }"
	echo "routes:"
	for i in $(seq 0 $((MAX + 10))); do
		echo "  - { prefix: 10.$((100 + i / 256)).$((i % 256)).0/24, via: 10.0.1.2 }"
	done
} >"$cfg"
"$VN_BUILD/vecnet" -c "$cfg" >"$VN_TMP/start.log" 2>&1 && rc=0 || rc=$?
vn_check "a config with more routes than ip4-routes fails to start (exit $rc)" test "$rc" -eq 1
vn_check "saying the table is full and what to raise" \
	grep -q "route table full (raise engine.ip4-routes)" "$VN_TMP/start.log"
vn_finish
