#!/usr/bin/env bash
# The system commands on the running engine (statically linked DPDK, one
# worker, real traffic): show version verbose, show buffers while TCP flows
# run through the router, show memory, show clock and show log.
source "$(dirname "$0")/lib.sh"
vn_init cli_sys
command -v iperf3 >/dev/null || { echo "missing tool: iperf3" >&2; exit 1; }

vn_host vt-cs-a 10.0.1.2/24 10.0.1.1
vn_host vt-cs-b 10.0.2.2/24 10.0.2.1
CFG=$VN_TMP/cli_sys.yaml
{
	VN_WORKERS="[1]" VN_BUFFERS=8192 vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:vt-cs-a-r", addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:vt-cs-b-r", addresses: [10.0.2.1/24] }
EOT
} >"$CFG"
vn_engine_start "$CFG"

# show version verbose: the engine links DPDK statically (VN_DPDK_STATIC=ON).
ver=$(vnctl show version verbose)
echo "$ver"
abi=$(awk '/^#define VN_PLUGIN_ABI_VERSION/ { print $3 }' "$VN_SRC/include/vecnet/plugin.h")
vn_check "show version verbose: DPDK linked statically" \
	grep -q "^DPDK linking: *static, in the executable$" <<<"$ver"
vn_check "show version verbose: plugin ABI $abi" grep -q "^Plugin ABI: *$abi$" <<<"$ver"
vn_check "show version verbose: its PID is the engine's" \
	grep -q "^Current PID: *$VN_ENGINE_PID$" <<<"$ver"

# show buffers: the packet pool, Used/Cached (columns 8, 9) and the per-lcore
# cache line of the main lcore (0) and the worker's (1).
pool() { vnctl show buffers | awk -v c="$1" '$1 == "vn_pkts" {print $c}'; }
buf=$(vnctl show buffers)
echo "$buf"
vn_check "show buffers lists vn_pkts with its 8192 buffers" \
	awk '$1 == "vn_pkts" && $6 == 8192 && $7 + $8 + $9 == 8192 {f = 1} END {exit !f}' <<<"$buf"
vn_check "show buffers shows the caches of lcores 0 and 1" \
	grep -Eq "^  cache size 512, per lcore: 0:[0-9]+ 1:[0-9]+$" <<<"$buf"
cached_before=$(pool 8)

# Traffic: Used counts the packets in flight (af_packet allocates an mbuf per
# received frame, port-tx frees it), so it is seen above zero while flows run.
ip netns exec vt-cs-a ping -c 1 -W 1 10.0.2.2 >/dev/null 2>&1 || true
ip netns exec vt-cs-b timeout 30 iperf3 -s -1 >/dev/null 2>&1 &
VN_PIDS+=($!)
sleep 0.5
ip netns exec vt-cs-a timeout 30 iperf3 -c 10.0.2.2 -P 8 -t 4 >"$VN_TMP/iperf.txt" 2>&1 &
VN_PIDS+=($!)
sleep 0.5
max_used=0
for _ in $(seq 30); do
	u=$(pool 9)
	[ "${u:-0}" -gt "$max_used" ] && max_used=$u
	sleep 0.1
done
wait "${VN_PIDS[-1]}" || true
echo "largest Used seen under traffic: $max_used"
vn_check "TCP flows ran through the router" grep -q "SUM.*receiver" "$VN_TMP/iperf.txt"
vn_check "show buffers: Used rises under traffic" test "$max_used" -gt 0
# Once the flows have ended every packet is back (a stray frame may still be
# on its way for a moment).
for _ in $(seq 20); do
	buf=$(vnctl show buffers)
	awk '$1 == "vn_pkts" && $9 == 0 {f = 1} END {exit !f}' <<<"$buf" && break
	sleep 0.1
done
echo "$buf"
vn_check "show buffers: Used back to 0 after traffic" \
	awk '$1 == "vn_pkts" && $9 == 0 {f = 1} END {exit !f}' <<<"$buf"
vn_check "show buffers: the worker's lcore cache filled with traffic ($cached_before before)" \
	grep -Eq "^  cache size 512, per lcore: 0:[0-9]+ 1:[1-9][0-9]*$" <<<"$buf"

# show memory: a heap with a size, the packet pool's memzone, no hugepages.
mem=$(vnctl show memory)
echo "$mem"
vn_check "show memory: socket 0's heap has a size" \
	awk '/^DPDK heaps:/ {h = 1; next} h && $1 == "0" && $2 !~ /^0/ {f = 1} /^Memzones:/ {h = 0}
	     END {exit !f}' <<<"$mem"
vn_check "show memory: the packet pool's memzone" grep -q "^  MP_vn_pkts " <<<"$mem"
vn_check "show memory: EAL pages without hugepages" \
	grep -q "^EAL memory (no hugepages, --no-huge):" <<<"$mem"

# show clock: engine time and uptime agree, the wall clock is now.
clk=$(vnctl show clock)
echo "$clk"
vn_check "show clock: Time now and clocks/sec" \
	grep -Eq "^Time now [0-9]+\.[0-9]{6}, clocks/sec [1-9][0-9]*, .* GMT$" <<<"$clk"
vn_check "show clock: Unix time is now" \
	awk -v now="$(date +%s)" '/^Unix time/ {d = $3 - now; f = d > -3 && d < 3}
	     END {exit !f}' <<<"$clk"

# show log: the start-up line, as the engine wrote it to stderr.
log=$(vnctl show log 100)
started=$(grep -m1 "running: 2 interface(s), 1 worker(s)" "$VN_ENGINE_LOG")
vn_check "show log has the start-up line as on stderr" grep -qxF "$started" <<<"$log"
vn_check "show log 3 prints 3 lines" test "$(vnctl show log 3 | wc -l)" -eq 3
vn_check "show log 0 is refused" bash -c "! '$VN_BUILD/vecnetctl' -s '$VN_SOCK' show log 0"

vn_engine_stop
vn_check "engine exits 0" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_finish
