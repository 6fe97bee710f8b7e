#!/usr/bin/env bash
# One neighbour table for both families, against dual-stack Linux hosts: ARP
# and ND resolve both ways on the same interfaces; show ip neighbors lists
# both families in one format (IPv4 first), show ip6 neighbors IPv6 alone
# with its state; deleting one family's entry leaves the other's; deleting
# an interface removes its neighbours of both families.
source "$(dirname "$0")/lib.sh"
vn_init nbr_dual

# dual NAME N: a host with 10.0.N.2/24 and 2001:db8:N::2/64, routed by .1 / ::1.
dual() {
	vn_host6 "$1" "2001:db8:$2::2/64" "2001:db8:$2::1"
	ip -n "$1" addr add "10.0.$2.2/24" dev eth0
	ip -n "$1" route add default via "10.0.$2.1"
}
dual nb-a 1
dual nb-b 2
vn_netns_veth nb-c # the end of an interface created at run time

CFG=$VN_TMP/nbr_dual.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:nb-a-r", addresses: [10.0.1.1/24, 2001:db8:1::1/64] }
  - { name: lan1, device: "host:nb-b-r", addresses: [10.0.2.1/24, 2001:db8:2::1/64] }
EOT
} >"$CFG"
vn_engine_start "$CFG"
for _ in $(seq 40); do
	grep -q tentative <<<"$(vnctl show interface address)" || break
	sleep 0.1
done

# Both families resolve dynamically, both ways (no static entry).
for f in -4 -6; do
	dst=10.0.2.2
	[ $f = -6 ] && dst=2001:db8:2::2
	ip netns exec nb-a ping $f -c 1 -W 2 "$dst" >/dev/null 2>&1 || true
	out=$(ip netns exec nb-a ping $f -c 3 -i 0.2 -W 2 "$dst" 2>&1) || true
	vn_check "ping $f A -> B across the router" grep -q " 3 received" <<<"$out"
done

nbr=$(vnctl show ip neighbors)
for a in "10.0.1.2 .* lan0" "10.0.2.2 .* lan1" "2001:db8:1::2 .* lan0" "2001:db8:2::2 .* lan1"; do
	vn_check "show ip neighbors: $a" grep -q " $a\$" <<<"$nbr"
done
vn_check "show ip neighbors: dynamic, one format (5 columns) for both families" \
	awk 'NR > 1 { n++; if (NF != 5 || $3 != "D") bad = 1 } END { exit bad || n != 4 }' <<<"$nbr"
vn_check "show ip neighbors: IPv4 first" \
	awk 'NR > 1 { if ($2 ~ /:/) six = 1; else if (six) bad = 1 } END { exit bad }' <<<"$nbr"
vn_check "show ip neighbors lan1: both families of lan1 only" \
	awk 'NR > 1 { n++; if ($5 != "lan1") bad = 1 } END { exit bad || n != 2 }' \
	<<<"$(vnctl show ip neighbors lan1)"
nbr6=$(vnctl show ip6 neighbors)
vn_check "show ip6 neighbors: IPv6 alone, with the ND state" \
	awk 'NR > 1 { n++; if ($2 !~ /:/ || NF != 6 || $5 !~ /^(REACHABLE|STALE|DELAY|PROBE)$/) bad = 1 }
	     END { exit bad || n != 2 }' <<<"$nbr6"
out=$(vnctl lua eval "return #vecnet.neighbors(), #vecnet.neighbors6()")
vn_check "Lua lists each family: 2 and 2" grep -q "^2	2$" <<<"$out"

# Deleting one family's entry leaves the other's, and ND finds B again.
vnctl set ip neighbor del lan1 2001:db8:2::2
nbr=$(vnctl show ip neighbors lan1)
vn_check "IPv6 entry of B deleted" bash -c "! grep -q ' 2001:db8:2::2 ' <<<\"\$1\"" _ "$nbr"
vn_check "IPv4 entry of B kept" grep -q " 10.0.2.2 " <<<"$nbr"
out=$(ip netns exec nb-a ping -6 -c 2 -i 0.2 -W 2 2001:db8:2::2 2>&1) || true
vn_check "B resolved again by ND" grep -q " 2 received" <<<"$out"

# An interface deleted at run time takes its neighbours of both families.
out=$(vnctl create host-interface name nb-c-r 2>&1)
vn_check "create host-interface host-nb-c-r" test "$out" = "host-nb-c-r"
vnctl set interface state host-nb-c-r up
vnctl set interface ip address host-nb-c-r 10.0.3.1/24
vnctl set interface ip address host-nb-c-r 2001:db8:3::1/64
vnctl set ip neighbor host-nb-c-r 10.0.3.9 02:00:00:00:03:09 static
vnctl set ip neighbor host-nb-c-r 2001:db8:3::9 02:00:00:00:03:0a
vn_check "both families' entries on host-nb-c-r" test \
	"$(vnctl show ip neighbors host-nb-c-r | grep -c ' host-nb-c-r$')" = 2
vnctl delete host-interface name nb-c-r
nbr=$(vnctl show ip neighbors)
vn_check "deleted: its neighbours of both families are gone" \
	bash -c "! grep -Eq '10\\.0\\.3\\.9|2001:db8:3::9' <<<\"\$1\"" _ "$nbr"
vn_check "the others stay" test "$(awk 'NR > 1' <<<"$nbr" | wc -l)" -ge 3

vn_engine_stop
vn_check "engine stopped cleanly" test "$VN_ENGINE_RC" = 0
vn_finish
