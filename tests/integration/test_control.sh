#!/usr/bin/env bash
# The control plane against real traffic: routes and neighbours changed at run
# time take effect at once, runtime counters move, Lua programs the FIB, and
# bad commands or scripts fail cleanly while the engine keeps serving.
source "$(dirname "$0")/lib.sh"
vn_init control

vn_host vt-ca 10.0.1.2/24 10.0.1.1
vn_host vt-cb 10.0.2.2/24 10.0.2.1
ip -n vt-cb addr add 10.9.0.1/24 dev lo
CFG=$VN_TMP/control.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:vt-ca-r", addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:vt-cb-r", addresses: [10.0.2.1/24] }
EOT
} >"$CFG"
vn_engine_start "$CFG"
pinga() { ip netns exec vt-ca ping -c "${2:-2}" -i 0.2 -W 1 "$1" 2>&1 || true; }

out=$(pinga 10.9.0.1 1)
vn_check "before the route: net unreachable" grep -q "Destination Net Unreachable" <<<"$out"
vnctl ip route add 10.9.0.0/24 via 10.0.2.2
pinga 10.9.0.1 1 >/dev/null # resolves 10.0.2.2
out=$(pinga 10.9.0.1 3)
vn_check "a route added at run time carries traffic" grep -q " 0% packet loss" <<<"$out"
vn_check "show ip fib shows it resolved to a rewrite" \
	bash -c "'$VN_BUILD/vecnetctl' -s '$VN_SOCK' show ip fib 10.9.0.0/24 | grep -q rewrite"
vnctl ip route del 10.9.0.0/24
out=$(pinga 10.9.0.1 1)
vn_check "deleting it brings back net unreachable" grep -q "Destination Net Unreachable" <<<"$out"

# A static neighbour is used: a wrong MAC breaks the path, the right one mends it.
mac_b=$(ip netns exec vt-cb cat /sys/class/net/eth0/address)
vnctl set ip neighbor lan1 10.0.2.2 02:00:00:00:00:99 static
out=$(pinga 10.0.2.2 2)
vn_check "a static neighbour with a wrong MAC is used (traffic lost)" grep -q " 100% packet loss" <<<"$out"
vnctl set ip neighbor lan1 10.0.2.2 "$mac_b" static
neigh=$(vnctl show ip neighbors)
vn_check "the static neighbour shows with flag S" \
	awk -v m="$mac_b" '$2 == "10.0.2.2" && $3 == "S" && $4 == m {f = 1} END {exit !f}' <<<"$neigh"
out=$(pinga 10.0.2.2 3)
vn_check "with the right MAC traffic flows" grep -q " 0% packet loss" <<<"$out"

rt=$(vnctl show runtime)
for n in host-input ethernet-input ip4-input ip4-lookup ip4-rewrite interface-output port-tx; do
	vn_check "show runtime: $n has vectors" \
		awk -v n="$n" '$1 == n && $4 > 0 {f = 1} END {exit !f}' <<<"$rt"
done
vn_check "show errors names the glean drop" \
	bash -c "'$VN_BUILD/vecnetctl' -s '$VN_SOCK' show errors | grep -qi 'resolution'"

# Lua: 10,000 routes from a script.
cat >"$VN_TMP/routes.lua" <<'EOT'
for i = 0, 9999 do
  vecnet.route_add(string.format("10.200.%d.%d/32", i // 256, i % 256), "10.0.2.2")
end
print("added", vecnet.route_count())
EOT
vn_check "lua run adds 10,000 routes" vnctl lua run "$VN_TMP/routes.lua"
vn_check "they are in show ip fib" \
	bash -c "'$VN_BUILD/vecnetctl' -s '$VN_SOCK' show ip fib 10.200.39.15/32 | grep -q '10.200.39.15/32'"
out=$(pinga 10.200.20.20 1)
vn_check "a Lua route carries traffic (to B, which drops it quietly)" \
	bash -c "! grep -q Unreachable <<<'$out'"

# Bad input fails with exit 1 and a message; the engine keeps serving.
check_fails() { # DESCRIPTION ARGS...
	local what=$1 rc=0 err
	shift
	err=$("$VN_BUILD/vecnetctl" -s "$VN_SOCK" "$@" 2>&1 >/dev/null) || rc=$?
	vn_check "$what exits 1 with a message ($err)" test "$rc" -eq 1 -a -n "$err"
}
check_fails "an unknown command" frobnicate the router
check_fails "a bad argument" ip route add 10.0.0.0/33 via 10.0.2.2
check_fails "a Lua runtime error" lua eval 'error("boom")'
check_fails "a Lua syntax error" lua eval 'for'
check_fails "a missing Lua file" lua run /nonexistent/x.lua
check_fails "os.exit in Lua" lua eval 'os.exit(1)'
vn_check "the engine still serves" vnctl show version
out=$(pinga 10.0.2.2 2)
vn_check "and still forwards" grep -q " 0% packet loss" <<<"$out"

out=$(printf 'show version\nshow interface lan0\n' | "$VN_BUILD/vecnetctl" -s "$VN_SOCK")
vn_check "vecnetctl runs commands from a pipe" grep -q "lan0" <<<"$out"
rc=0
"$VN_BUILD/vecnetctl" -s "$VN_TMP/nobody.sock" show version 2>"$VN_TMP/err" || rc=$?
vn_check "vecnetctl without an engine says so" grep -q "cannot connect" "$VN_TMP/err"

vn_engine_stop
vn_check "engine exits 0" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_finish
