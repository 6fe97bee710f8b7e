#!/usr/bin/env bash
# IPv6 router advertisements and stable link-local addresses against Linux
# hosts (host interfaces, default offloads): a host with accept_ra=2 and
# autoconf on gets a SLAAC address in the advertised prefix and a default
# route via the router's link-local address, and pings a host behind
# vecnet from it; a router solicitation is answered; ra-cease makes it drop
# the default route (router lifetime 0); an RA a Linux host sends is counted
# and never becomes a route; with `ip6-link-local: stable` the link-local
# address is not the EUI-64 one, is the same across two starts, and answers
# ping.
source "$(dirname "$0")/lib.sh"
vn_init ip6_ra

# A: learns everything from our RAs (a host, not a router: accept_ra 2
# is what a forwarding-off host needs only to be sure).
vn_netns_veth ra-a
ip netns exec ra-a sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
	net.ipv6.conf.eth0.accept_ra=2 net.ipv6.conf.eth0.autoconf=1 \
	net.ipv6.conf.eth0.accept_dad=0 net.ipv6.conf.eth0.router_solicitations=-1
ip -n ra-a link set lo up
ip -n ra-a link set eth0 up
vn_host6 ra-b 2001:db8:2::2/64 2001:db8:2::1

CFG=$VN_TMP/ip6_ra.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - name: lan0
    device: "host:ra-a-r"
    addresses: [2001:db8:1::1/64]
    ip6-nd: { ra: true, interval-max: 10, lifetime: 600 }
  - { name: lan1, device: "host:ra-b-r", addresses: [2001:db8:2::1/64] }
EOT
} >"$CFG"
vn_engine_start "$CFG"

# stop_clean WHAT: stops the engine; it must exit 0 with no sanitizer report
# (VN_BUILD=build-debug runs the ASan/UBSan engine).
stop_clean() {
	vn_engine_stop
	vn_check "$1: the engine stopped cleanly (rc $VN_ENGINE_RC)" test "$VN_ENGINE_RC" = 0
	vn_check "$1: no sanitizer report" \
		bash -c '! grep -qE "AddressSanitizer|LeakSanitizer|runtime error" "$0"' "$VN_ENGINE_LOG"
}

# ll_of IF: the router's link-local address on IF.
ll_of() { vnctl show ip6 interface "$1" | awk '/Link-local/ { getline; print $1 }'; }
LL=$(ll_of lan0)
vn_check "the router has a link-local address ($LL)" grep -q "^fe80::" <<<"$LL"

slaac=""
for _ in $(seq 100); do
	slaac=$(ip -n ra-a -6 addr show dev eth0 scope global | awk '/inet6 2001:db8:1:/ { print $2 }')
	[ -n "$slaac" ] && break
	sleep 0.1
done
vn_check "A made a SLAAC address in the advertised prefix ($slaac)" \
	grep -q "^2001:db8:1::*[0-9a-f:]*/64$" <<<"$slaac"
route=$(ip -n ra-a -6 route show default)
vn_check "A has a default route via the router's link-local address" \
	grep -q "default via $LL dev eth0" <<<"$route"
[ -n "$route" ] || vnctl show ip6 nd lan0
out=$(ip netns exec ra-a ping -6 -c 2 -i 0.3 -W 2 -I "${slaac%/*}" 2001:db8:2::2 2>&1) || true
vn_check "A pings B behind vecnet from its SLAAC address" grep -q " 2 received" <<<"$out"
nd=$(vnctl show ip6 nd lan0)
vn_check "show ip6 nd: advertisements on, every 10 s" \
	grep -q "sent every 10 seconds (min interval 7.5)" <<<"$nd"
vn_check "show ip6 interface shows RA state too" grep -q "live for 600 seconds" \
	<<<"$(vnctl show ip6 interface lan0)"

# A router solicitation is answered (after at most 3 s + 0.5 s: the rate limit).
ip netns exec ra-a python3 "$VN_SRC/tests/integration/nd_send.py" rs eth0
sol=""
for _ in $(seq 50); do
	sol=$(vnctl show ip6 nd lan0 | awk '/advertisements sent/ { print $NF }' | tr -d ')')
	[ "${sol:-0}" -ge 1 ] && break
	sleep 0.1
done
vn_check "an RS is received" grep -q "router solicitations received [1-9]" \
	<<<"$(vnctl show ip6 nd lan0)"
vn_check "and answered with an RA (solicited: $sol)" test "${sol:-0}" -ge 1
vn_check "ip6-local counts it by name" grep -q "router solicitation received" \
	<<<"$(vnctl show errors)"

# An RA from a Linux host: counted, never a route.
ip netns exec ra-b python3 "$VN_SRC/tests/integration/nd_send.py" ra eth0 2001:db8:99::/64
rx=""
for _ in $(seq 30); do
	rx=$(vnctl show ip6 nd lan1 | awk '/advertisements received/ { print $5 }')
	[ "${rx:-0}" -ge 1 ] && break
	sleep 0.1
done
vn_check "an RA from B is counted" test "${rx:-0}" -ge 1
fib=$(vnctl show ip6 fib)
vn_check "it installs no prefix route" bash -c '! grep -q "2001:db8:99::" <<<"$0"' "$fib"
vn_check "and no default route" bash -c '! grep -q "^::/0" <<<"$0"' "$fib"
vn_check "ip6-local: router advertisement ignored" grep -q "router advertisement ignored" \
	<<<"$(vnctl show errors)"

# ra-cease: a final RA with router lifetime 0; A drops its default route.
vnctl ip6 nd lan0 ra-cease
route=x
for _ in $(seq 30); do
	route=$(ip -n ra-a -6 route show default)
	[ -z "$route" ] && break
	sleep 0.1
done
vn_check "ra-cease: A drops the default route" test -z "$route"
vnctl ip6 nd lan0 no ra-cease
for _ in $(seq 50); do
	route=$(ip -n ra-a -6 route show default)
	[ -n "$route" ] && break
	sleep 0.1
done
vn_check "no ra-cease: A has it again" grep -q "default via $LL" <<<"$route"
# Admin down: the final RA still leaves (interface-output lets it pass).
vnctl set interface state lan0 down
route=x
for _ in $(seq 30); do
	route=$(ip -n ra-a -6 route show default)
	[ -z "$route" ] && break
	sleep 0.1
done
vn_check "interface down: A drops the default route" test -z "$route"
vnctl set interface state lan0 up
for _ in $(seq 50); do
	route=$(ip -n ra-a -6 route show default)
	[ -n "$route" ] && break
	sleep 0.1
done
vn_check "interface up: A has it again at once (initial RAs)" grep -q "default via $LL" <<<"$route"
[ -n "$route" ] || { vnctl show ip6 nd lan0; vnctl show errors; vnctl show interface; }
vnctl ip6 nd lan0 ra-suppress
route=x
for _ in $(seq 30); do
	route=$(ip -n ra-a -6 route show default)
	[ -z "$route" ] && break
	sleep 0.1
done
vn_check "ra-suppress (off): A drops the default route" test -z "$route"
vn_check "show ip6 nd: off" grep -q "advertisements are off" <<<"$(vnctl show ip6 nd lan0)"
EUI_LL=$LL
stop_clean "RA run"

# Stable link-local addresses (RFC 8064): not EUI-64, the same across starts.
CFG2=$VN_TMP/ip6_ra_stable.yaml
{
	vn_config_base | sed '/^engine:/a\  ip6-link-local: stable'
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:ra-a-r", addresses: [2001:db8:1::1/64] }
EOT
} >"$CFG2"
vn_engine_start "$CFG2"
LL1=$(ll_of lan0)
stop_clean "stable run 1"
vn_engine_start "$CFG2"
LL2=$(ll_of lan0)
vn_check "stable link-local ($LL1) is not the EUI-64 one ($EUI_LL)" \
	bash -c '[ -n "$0" ] && [ "$0" != "$1" ]' "$LL1" "$EUI_LL"
vn_check "and the same across two starts ($LL2)" test "$LL1" = "$LL2"
out=""
for _ in $(seq 20); do
	out=$(ip netns exec ra-a ping -6 -c 1 -W 1 "$LL2%eth0" 2>&1) && break
	sleep 0.2
done
vn_check "it answers ping -6 $LL2%eth0" grep -q " 1 received" <<<"$out"
stop_clean "stable run 2"

vn_finish
