#!/usr/bin/env bash
# Two workers share real traffic: each port has two RX queues (AF_PACKET
# fanout hashes flows over them), the queues are spread over the workers, and
# many TCP flows between two Linux hosts keep both workers busy.
source "$(dirname "$0")/lib.sh"
vn_init workers
command -v iperf3 >/dev/null || { echo "missing tool: iperf3" >&2; exit 1; }

vn_host vt-wa 10.0.1.2/24 10.0.1.1
vn_host vt-wb 10.0.2.2/24 10.0.2.1
CFG=$VN_TMP/workers.yaml
{
	VN_WORKERS="[0, 1]" vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:vt-wa-r", rx-queues: 2, addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:vt-wb-r", rx-queues: 2, addresses: [10.0.2.1/24] }
EOT
} >"$CFG"
vn_engine_start "$CFG"

threads=$(vnctl show threads)
vn_check "show threads lists two running workers" \
	test "$(grep -c 'worker.*running' <<<"$threads")" -eq 2

ip netns exec vt-wa ping -c 1 -W 1 10.0.2.2 >/dev/null 2>&1 || true
vnctl clear runtime
ip netns exec vt-wb timeout 30 iperf3 -s -1 >/dev/null 2>&1 &
VN_PIDS+=($!)
sleep 0.5
out=$(ip netns exec vt-wa timeout 30 iperf3 -c 10.0.2.2 -P 16 -t 3 2>&1) || true
vn_check "16 TCP flows complete through the router" grep -q "SUM.*receiver" <<<"$out"
rt=$(vnctl show runtime)
echo "$rt" | grep -E "^Thread|ip4-lookup"
vn_check "both workers forwarded vectors" \
	awk '/^Thread/ {t = $2} $1 == "ip4-lookup" && $4 > 0 {seen[t] = 1}
	     END {exit !(length(seen) >= 2)}' <<<"$rt"

vn_engine_stop
vn_check "engine exits 0" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_finish
