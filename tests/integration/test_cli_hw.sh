#!/usr/bin/env bash
# show hardware-interfaces on a real DPDK port (net_af_packet): the driver,
# which worker polls each of its two RX queues, MAC and MTU, and the port's
# xstats, whose received-packet count grows when a host pings the engine.
source "$(dirname "$0")/lib.sh"
vn_init cli-hw

vn_host vt-cnh 10.0.9.2/24 10.0.9.1
CFG=$VN_TMP/cli-hw.yaml
{
	VN_WORKERS="[0, 1]" vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "net_af_packet0,iface=vt-cnh-r,qpairs=2", rx-queues: 2, addresses: [10.0.9.1/24] }
EOT
} >"$CFG"
vn_engine_start "$CFG"

# The value of an xstat (its name first on a line) in show hardware output.
xstat() { awk -v n="$1" '$1 == n {print $2; f = 1} END {exit !f}' <<<"$2"; }

hw=$(vnctl show hardware-interfaces lan0)
echo "$hw" | sed -n '1,/offload active/p'
vn_check "the name row: index 0, link up, device net_af_packet0" \
	grep -Eq "^lan0 +0 +up +net_af_packet0$" <<<"$hw"
vn_check "the driver is net_af_packet" grep -q "^  driver net_af_packet, port " <<<"$hw"
vn_check "RX queue 0 is polled by worker 0" grep -Eq "^    0 +worker 0 \(1\) +polling$" <<<"$hw"
vn_check "RX queue 1 is polled by worker 1" grep -Eq "^    1 +worker 1 \(2\) +polling$" <<<"$hw"
vn_check "two TX queues, one per worker" grep -Eq "^    1 +no +2$" <<<"$hw"
mac=$(cat /sys/class/net/vt-cnh-r/address)
vn_check "the MAC is the veth's ($mac)" grep -q "^  Ethernet address $mac$" <<<"$hw"
vn_check "carrier up, MTU 1500" grep -q "^    carrier up .* mtu 1500 " <<<"$hw"
vn_check "offload capabilities are listed" grep -q "^    tx offload avail:  [a-z]" <<<"$hw"

vnctl set interface mtu packet 1400 lan0
vn_check "set interface mtu packet 1400 shows in show hardware-interfaces" \
	grep -q "^    carrier up .* mtu 1400 " <<<"$(vnctl show hardware-interfaces la)"
vnctl set interface mtu 1500 lan0

# The engine's first reply waits for ARP (its request is dropped, as in VPP).
ip netns exec vt-cnh ping -c 1 -W 1 10.0.9.1 >/dev/null 2>&1 || true
before=$(vnctl show hardware-interfaces verbose lan0)
rx0=$(xstat rx_good_packets "$before") || rx0=""
vn_check "verbose lists xstats, rx_good_packets among them ($rx0)" test -n "$rx0"
zero=$(awk '/extended stats:/ {x = 1; next} x && $2 == 0 && $1 ~ /errors/ {print $1; exit}' <<<"$before")
vn_check "verbose lists zero xstats too ($zero)" test -n "$zero"
out=$(ip netns exec vt-cnh ping -c 5 -i 0.2 -W 2 10.0.9.1 2>&1) || true
vn_check "the host pings the engine" grep -q " 0% packet loss" <<<"$out"
after=$(vnctl show hardware-interfaces verbose lan0)
rx1=$(xstat rx_good_packets "$after") || rx1=0
vn_check "rx_good_packets grew by at least the 5 echo requests ($rx0 -> $rx1)" \
	test "$rx1" -ge $((${rx0:-0} + 5))
brief=$(vnctl show hardware-interfaces lan0)
vn_check "without verbose: rx_good_packets is shown" grep -q "^      rx_good_packets " <<<"$brief"
vn_check "without verbose: $zero (zero) is not" \
	bash -c '! grep -q "^      $1 " <<<"$2"' _ "$zero" "$brief"

err=$(vnctl show hardware-interfaces bogus 2>&1) && vn_fail "a bad interface name is refused" ||
	vn_check "a bad interface name is refused with what was expected" \
		grep -q "expected one of: keyword 'verbose', interface name, end of line" <<<"$err"
vn_check "the engine still answers" bash -c '"$1" -s "$2" show version >/dev/null' _ \
	"$VN_BUILD/vecnetctl" "$VN_SOCK"

vn_engine_stop
vn_check "engine exits 0 on SIGTERM" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_finish
