#!/usr/bin/env bash
# VLAN sub-interfaces to a Linux peer over one veth: the port carries the
# untagged subnet 10.0.1.0/24 and two 802.1Q VLANs, 100 (10.0.100.0/24, from
# the YAML file) and 200 (10.0.200.0/24, created at run time from the CLI).
# Host vl-a owns eth0 and eth0.100; eth0.200 lives in host vl-c (a VLAN
# interface can move to another namespace while its lower device stays), so
# traffic between them must cross the engine: in on one VLAN, out on the
# other, tags stripped and written by the engine. Ping, ARP on each VLAN, a
# TCP transfer intact, counters per sub-interface, the unknown tag named in
# `show errors`, delete refused while addressed and then done.
source "$(dirname "$0")/lib.sh"
vn_init vlan

vn_host vl-a 10.0.1.2/24 10.0.1.1
# Linux's VLAN offload stays on: a tag the kernel takes out of a frame comes
# back to host-input as tp_vlan_tci, which puts it back.
ip netns del vl-c 2>/dev/null || true
ip netns add vl-c
VN_HOSTS+=(vl-c)
ip netns exec vl-c sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip -n vl-c link set lo up
# The peer's VLAN interfaces: `ip link add link eth0 name eth0.100 type vlan
# id 100` where the kernel has 802.1Q; this one may not (no 8021q module),
# so vlan_tap.py does the same in user space: taps eth0.100, eth0.200 and
# eth0.300 on VLANs 100, 200 and 300 of vl-a's eth0.
vlan_dev() { # NS DEV VID: a kernel VLAN device, or false
	ip -n "$1" link add link eth0 name "$2" type vlan id "$3" 2>/dev/null
}
if vlan_dev vl-a eth0.100 100; then
	vlan_dev vl-a eth0.200 200
	vlan_dev vl-a eth0.300 300
	vn_log "peer VLANs: kernel 802.1Q devices"
else
	ip netns exec vl-a /usr/bin/python3 "$VN_SRC/tests/integration/vlan_tap.py" eth0 \
		100:eth0.100 200:eth0.200 300:eth0.300 >"$VN_TMP/vlan_tap.log" 2>&1 &
	VN_PIDS+=($!)
	for _ in $(seq 50); do grep -q ready "$VN_TMP/vlan_tap.log" && break; sleep 0.1; done
	grep -q ready "$VN_TMP/vlan_tap.log" || { cat "$VN_TMP/vlan_tap.log" >&2; exit 1; }
	vn_log "peer VLANs: vlan_tap.py (no 802.1Q in this kernel)"
fi
# eth0.200 moves to host vl-c: traffic between the VLANs crosses the engine.
ip -n vl-a link set eth0.200 netns vl-c
ip -n vl-a addr add 10.0.100.2/24 dev eth0.100
ip -n vl-a link set eth0.100 up
ip -n vl-c addr add 10.0.200.2/24 dev eth0.200
ip -n vl-c link set eth0.200 up
ip -n vl-c route add default via 10.0.200.1
# vl-a reaches VLAN 200 through VLAN 100 (else its default, untagged).
ip -n vl-a route add 10.0.200.0/24 via 10.0.100.1 dev eth0.100
# A VLAN the engine has no sub-interface for.
ip -n vl-a addr add 10.0.30.2/24 dev eth0.300
ip -n vl-a link set eth0.300 up

CFG=$VN_TMP/vlan.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:vl-a-r", addresses: [10.0.1.1/24] }
sub-interfaces:
  - { parent: lan0, id: 100, addresses: [10.0.100.1/24], up: true }
EOT
} >"$CFG"
vn_engine_start "$CFG"

out=$(vnctl create sub-interfaces lan0 200 2>&1) || true
vn_check "create sub-interfaces lan0 200 prints its name" test "$out" = "lan0.200"
vn_check "it comes up down, as in VPP" \
	awk '$1 == "lan0.200" && $3 == "down" { f = 1 } END { exit !f }' <<<"$(vnctl show interface lan0.200)"
vnctl set interface ip address lan0.200 10.0.200.1/24
vnctl set interface state lan0.200 up

# Bounded: ARP resolves within a few tries.
ping_ok() { # NS ADDR
	for _ in 1 2 3; do
		ip netns exec "$1" ping -c 2 -i 0.2 -W 2 "$2" 2>&1 | grep -q " 0% packet loss" && return 0
	done
	return 1
}
vn_check "ping the untagged address 10.0.1.1 from vl-a" ping_ok vl-a 10.0.1.1
vn_check "ping lan0.100 (10.0.100.1) over VLAN 100" ping_ok vl-a 10.0.100.1
vn_check "ping lan0.200 (10.0.200.1) over VLAN 200" ping_ok vl-c 10.0.200.1
vn_check "ping vl-c -> vl-a across VLAN 200 -> VLAN 100" ping_ok vl-c 10.0.100.2
vn_check "ping vl-c -> vl-a untagged address (out untagged)" ping_ok vl-c 10.0.1.2

mac=$(ip -n vl-c neigh show 10.0.200.1 | awk '{print $5}')
vn_check "vl-c learned the engine's MAC by ARP on VLAN 200 ($mac)" \
	test "$mac" = "$(cat /sys/class/net/vl-a-r/address)"
neigh=$(vnctl show ip neighbors)
vn_check "the engine learned 10.0.200.2 on lan0.200" grep -Eq "lan0\.200 +10\.0\.200\.2|10\.0\.200\.2.*lan0\.200" <<<"$neigh"

# TCP across the VLANs, checksum compared.
head -c 8M /dev/urandom >"$VN_TMP/blob"
want=$(sha256sum <"$VN_TMP/blob" | cut -d' ' -f1)
ip netns exec vl-a timeout 60 nc -l 5001 </dev/null >"$VN_TMP/recv" &
VN_PIDS+=($!)
for _ in $(seq 50); do
	ip netns exec vl-a ss -ltn | grep -q ":5001 " && break
	sleep 0.1
done
ip netns exec vl-c timeout 60 nc -N 10.0.100.2 5001 <"$VN_TMP/blob" || true
wait "${VN_PIDS[-1]}" || true
got=$(sha256sum <"$VN_TMP/recv" | cut -d' ' -f1)
vn_check "8 MB TCP transfer VLAN 200 -> VLAN 100 arrives intact" test "$want" = "$got"

show=$(vnctl show interface)
echo "$show"
for sub in lan0.100 lan0.200; do
	rx=$(awk -v s=$sub '$1 == s { f = 1 } f && /rx packets/ { print $NF; exit }' <<<"$show")
	tx=$(awk -v s=$sub '$1 == s { f = 1 } f && /tx packets/ { print $NF; exit }' <<<"$show")
	vn_check "$sub counted traffic (rx $rx, tx $tx) above 1000 packets each way" \
		test "${rx:-0}" -gt 1000 -a "${tx:-0}" -gt 1000
done
vn_check "show interface names the VLANs" grep -q "vlan dot1q 200 on lan0" <<<"$show"

# VLAN 300 is unknown: vl-a's ARP requests on it are dropped by name.
ip netns exec vl-a ping -c 2 -i 0.2 -W 1 10.0.30.1 >/dev/null 2>&1 || true
errs=$(vnctl show errors)
vn_check "unknown VLAN 300 counted in show errors" \
	grep -q "unknown VLAN tag (no such sub-interface)" <<<"$errs"

out=$(vnctl delete sub-interface lan0.200 2>&1) && rc=0 || rc=$?
vn_check "delete refused while an address is on it" test "$rc" -ne 0
vn_check "the refusal says why" grep -q "address 10.0.200.1/24 is on it" <<<"$out"
vnctl set interface ip address del lan0.200 10.0.200.1/24
vnctl delete sub-interface lan0.200
vn_check "lan0.200 is gone" bash -c "! '$VN_BUILD/vecnetctl' -s '$VN_SOCK' show interface | grep -q lan0.200"
vn_check "VLAN 100 still works after the delete" ping_ok vl-a 10.0.100.1

vn_engine_stop
vn_check "engine exits 0 on SIGTERM" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_finish
