#!/usr/bin/env bash
# A packet pool too small for the traffic (issue 21, exhaustion). The engine
# runs with the smallest pool (1024 buffers) and two workers, each allowed to
# hold 1024 packets while their next hops resolve: a flood to 200 addresses
# on lan1 that nobody answers for holds more packets than the pool has. Then:
# frames arriving find no buffer and are dropped at input under a named
# reason ("no packet buffers"), as is the ARP request that finds none; no
# drop goes unnamed; and when the flood stops and the held packets time out
# (named too), the pool is whole again and traffic flows as before. Hosts
# sk-xa, sk-xb.
source "$(dirname "$0")/lib.sh"
vn_init pool-exhaustion

vn_host sk-xa 10.0.1.2/24 10.0.1.1
vn_host sk-xb 10.0.2.2/24 10.0.2.1

cfg=$VN_TMP/pool.yaml
{
	VN_WORKERS="[0, 1]" VN_BUFFERS=1024 vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:sk-xa-r", rx-queues: 2, addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:sk-xb-r", addresses: [10.0.2.1/24] }
neighbor-config: { queue-length: 64, resolve-timeout-ms: 3000 }
EOT
} >"$cfg"
vn_engine_start "$cfg"

pool() { vnctl show buffers | awk '$1 == "vn_pkts" {print $(NF - 3), $NF}'; } # total used
error_count() { vnctl show errors | awk -v r="$1" 'index($0, r) {s += $1} END {print s + 0}'; }
pings() { ip netns exec sk-xa ping -c "$1" -i 0.1 -W 1 10.0.2.2 | awk '/received/ {print $4}'; }

vn_check "before: sk-xa pings sk-xb (10 of 10)" test "$(pings 10)" -eq 10
vnctl clear errors

# The flood: 200 unresolvable destinations, from 64 source ports (both of
# lan0's RX queues, so both workers hold), 30,000 datagrams as fast as a
# host sends them.
ip netns exec sk-xa python3 -c '
import socket
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(64)]
for i, s in enumerate(socks):
    s.bind(("0.0.0.0", 30000 + i))
for i in range(30000):
    try:
        socks[i % 64].sendto(b"z" * 100, ("10.0.2.%d" % (50 + i % 200), 7777))
    except OSError:
        pass'
read -r total used <<<"$(pool)"
nobuf=$(error_count "no packet buffers")
errs=$(vnctl show errors)
echo "$errs"
echo "pool after the flood: $used of $total in use"
vn_check "the flood held the pool: $used of $total buffers in use" test "$used" -ge $((total * 3 / 4))
vn_check "frames without a buffer dropped at input under 'no packet buffers' ($nobuf)" \
	test "$nobuf" -gt 0
vn_check "no drop without a reason" bash -c "! grep -qi 'without a reason' <<<'$errs'"
vn_check "the engine is alive" kill -0 "$VN_ENGINE_PID"

# Traffic falls: the held packets time out (3 s) and their buffers return.
for _ in $(seq 40); do
	read -r total used <<<"$(pool)"
	[ "$used" -le 16 ] && break
	sleep 0.25
done
timed_out=$(error_count "address resolution timed out")
vn_check "held packets dropped under 'address resolution timed out' ($timed_out)" \
	test "$timed_out" -gt 0
vn_check "the pool is whole again once they time out ($used in use)" test "$used" -le 16
vn_check "after: sk-xa pings sk-xb again (10 of 10)" test "$(pings 10)" -eq 10

vn_engine_stop
vn_check "engine exits 0" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_finish
