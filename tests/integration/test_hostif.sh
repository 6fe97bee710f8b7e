#!/usr/bin/env bash
# Host interfaces with Linux's default offloads on every veth (TSO, GSO,
# checksum offload): a 100 MB TCP transfer through the router arrives intact,
# its GSO super-frames cut and its partial checksums completed by host-input;
# while it runs, a third host interface is created, carries traffic, gets a
# route, a neighbour and a feature, and is deleted (everything naming it goes)
# and created again, and the transfer loses nothing.
source "$(dirname "$0")/lib.sh"
vn_init hostif

vn_host hi-a 10.0.1.2/24 10.0.1.1
vn_host hi-b 10.0.2.2/24 10.0.2.1
vn_host hi-c 10.0.3.2/24 10.0.3.1

offl=$(ip netns exec hi-a ethtool -k eth0)
vn_check "host A's veth keeps Linux's default TSO" grep -q "^tcp-segmentation-offload: on" <<<"$offl"
vn_check "host A's veth keeps Linux's default checksum offload" grep -q "^tx-checksumming: on" <<<"$offl"

CFG=$VN_TMP/hostif.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:hi-a-r", addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:hi-b-r", addresses: [10.0.2.1/24] }
EOT
} >"$CFG"
vn_engine_start "$CFG"

out=$(ip netns exec hi-a ping -c 3 -i 0.2 -W 2 10.0.2.2 2>&1) || true
vn_check "ping A -> B through host interfaces" grep -q " [23] received" <<<"$out"

# With nothing on the path that rewrites addresses or ports, TCP/IPv4 GSO
# super-frames cross the graph whole and the kernel behind lan1 cuts them.
head -c 8M /dev/urandom >"$VN_TMP/small"
ip netns exec hi-b timeout 60 nc -l 5002 </dev/null >"$VN_TMP/small.recv" &
VN_PIDS+=($!)
vn_wait_listen hi-b 5002
ip netns exec hi-a timeout 60 nc -N 10.0.2.2 5002 <"$VN_TMP/small" || true
wait "${VN_PIDS[-1]}" || true
vn_check "8 MB with GSO frames passed whole arrives intact" \
	test "$(sha256sum <"$VN_TMP/small" | cut -d' ' -f1)" = "$(sha256sum <"$VN_TMP/small.recv" | cut -d' ' -f1)"
passed=$(vnctl show hardware-interfaces lan0 | sed -n 's/.*gso passed whole \([0-9]*\).*/\1/p' | head -1)
vn_check "GSO super-frames crossed the graph whole ($passed)" test "${passed:-0}" -gt 0
txgso=$(vnctl show hardware-interfaces lan1 | sed -n 's/.*tx queue 0:.* gso frames \([0-9]*\).*/\1/p' | head -1)
vn_check "... and left lan1 as GSO for the kernel to cut ($txgso)" test "${txgso:-0}" -gt 0

# A feature on lan0's input (it could rewrite the packets): super-frames are
# cut into segments in host-input from here on.
vnctl sample set protocol none
vnctl set interface feature lan0 sample-filter arc ip4-unicast

# The transfer runs while interfaces come and go beside it.
head -c 100M /dev/urandom >"$VN_TMP/blob"
want=$(sha256sum <"$VN_TMP/blob" | cut -d' ' -f1)
ip netns exec hi-b timeout 120 nc -l 5001 </dev/null >"$VN_TMP/recv" &
VN_PIDS+=($!)
vn_wait_listen hi-b 5001
# Paced (a megabyte every 40 ms), so the transfer is still running while the
# third interface comes and goes.
(for i in $(seq 0 99); do
	dd if="$VN_TMP/blob" bs=1M skip=$i count=1 status=none
	sleep 0.04
done | ip netns exec hi-a timeout 120 nc -N 10.0.2.2 5001) &
XFER=$!

out=$(vnctl create host-interface name hi-c-r 2>&1)
vn_check "create host-interface names host-hi-c-r" test "$out" = "host-hi-c-r"
vn_check "a new host interface is down" \
	awk '$1 == "host-hi-c-r" && $3 == "down" { f = 1 } END { exit !f }' <<<"$(vnctl show interface)"
vnctl set interface state host-hi-c-r up
vnctl set interface ip address host-hi-c-r 10.0.3.1/24
out=$(ip netns exec hi-c ping -c 3 -i 0.2 -W 2 10.0.2.2 2>&1) || true
vn_check "ping C -> B through the interface created at run time" grep -q " [23] received" <<<"$out"
vnctl ip route add 10.77.0.0/16 via 10.0.3.2 host-hi-c-r
vnctl set ip neighbor host-hi-c-r 10.0.3.9 02:00:00:00:03:09
vnctl set interface feature host-hi-c-r sample-filter arc ip4-unicast
vnctl set acl-plugin acl permit tag hi-c-acl
vnctl set acl-plugin interface host-hi-c-r input acl 0
vnctl set interface nat44 in host-hi-c-r
vn_check "the ACL is bound to it" grep -q "host-hi-c-r" <<<"$(vnctl show acl-plugin interface)"
vn_check "the route through it is in the FIB" grep -q "10.77.0.0/16" <<<"$(vnctl show ip fib)"

vnctl delete host-interface name hi-c-r
vn_check "deleted: gone from show interface" bash -c "! grep -q host-hi-c-r <<<\"\$1\"" _ "$(vnctl show interface)"
vn_check "deleted: its route is gone" bash -c "! grep -q 10.77.0.0/16 <<<\"\$1\"" _ "$(vnctl show ip fib)"
vn_check "deleted: its connected subnet is gone" bash -c "! grep -q 10.0.3.0/24 <<<\"\$1\"" _ "$(vnctl show ip fib)"
vn_check "deleted: its neighbours are gone" bash -c "! grep -q 10.0.3.9 <<<\"\$1\"" _ "$(vnctl show ip neighbors)"
out=$(ip netns exec hi-c ping -c 2 -i 0.2 -W 1 10.0.2.2 2>&1) || true
vn_check "deleted: C is no longer routed" grep -q " 0 received" <<<"$out"

out=$(vnctl create host-interface name hi-c-r 2>&1)
vn_check "created again under the same name" test "$out" = "host-hi-c-r"
vnctl set interface state host-hi-c-r up
vnctl set interface ip address host-hi-c-r 10.0.3.1/24
out=$(ip netns exec hi-c ping -c 3 -i 0.2 -W 2 10.0.2.2 2>&1) || true
vn_check "ping C -> B through the re-created interface" grep -q " [23] received" <<<"$out"
vn_check "the re-created interface has no feature left over" \
	bash -c "! grep -A3 host-hi-c-r <<<\"\$1\" | grep -q 'sample-filter\|acl-plugin\|nat44'" _ "$(vnctl show interface features)"
vn_check "... no ACL binding left over" \
	bash -c "! grep -A2 host-hi-c-r <<<\"\$1\" | grep -q 'acl 0'" _ "$(vnctl show acl-plugin interface)"
vn_check "... and no NAT44 role left over" \
	bash -c "! grep -q host-hi-c-r <<<\"\$1\"" _ "$(vnctl show nat44 interfaces)"

out=$(vnctl create host-interface name hi-nosuch0 2>&1) && rc=0 || rc=$?
vn_check "a missing Linux interface is refused by name" grep -q "Linux has no interface 'hi-nosuch0'" <<<"$out"
out=$(vnctl create host-interface name hi-c-r 2>&1) || true
vn_check "a second host-hi-c-r is refused" grep -q "host-hi-c-r exists" <<<"$out"
out=$(vnctl delete host-interface name hi-nosuch0 2>&1) || true
vn_check "deleting what is not there is refused" grep -q "no host interface on 'hi-nosuch0'" <<<"$out"

wait $XFER || true
wait "${VN_PIDS[-1]}" || true
got=$(sha256sum <"$VN_TMP/recv" | cut -d' ' -f1)
vn_check "100 MB TCP transfer with default offloads arrives intact" test "$want" = "$got"

hw=$(vnctl show hardware-interfaces lan0)
gso=$(sed -n 's/.*gso frames \([0-9]*\).*/\1/p' <<<"$hw" | head -1)
vn_check "GSO super-frames arrived and were segmented ($gso)" test "${gso:-0}" -gt 0
hw=$(vnctl show hardware-interfaces lan1)
csum=$(sed -n 's/.*checksums completed \([0-9]*\).*/\1/p' <<<"$hw" | head -1)
vn_check "partial checksums were completed ($csum)" test "${csum:-0}" -gt 0
vn_check "no frame was cut by its ring slot" bash -c "! grep -q 'larger than its ring slot' <<<\"\$1\"" _ "$(vnctl show errors)"

vn_engine_stop
vn_check "engine exits 0 on SIGTERM" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q " buffers: all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_check "every GSO super-frame buffer returned" grep -q "GSO buffers: all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_check "nothing leaked" bash -c "! grep -q leaked \"\$1\"" _ "$VN_ENGINE_LOG"
vn_finish
