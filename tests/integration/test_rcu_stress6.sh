#!/usr/bin/env bash
# IPv6 tables rewritten under real traffic (issue 19, item 5): two workers
# forward IPv6 between Linux hosts while the main thread adds and deletes
# 100,000 IPv6 routes (runs of deletes between runs of adds, so rte_lpm6's
# freed tbl8 groups are reused: the grace period fib6.c waits for) and flaps a
# neighbour that those routes resolve through.
#  - A protected flow (ping -6 A -> B, 100/s) loses at most 2% meanwhile.
#  - Background UDP from A to many destinations (through the churned routes
#    and to B) is hashed by lan0's fanout over its two RX queues, one per
#    worker (lan1's one queue is worker 0's): both workers run ip6-lookup
#    (RSS over IPv6 flows, item 5; FB_LAN0_QUEUES=1 makes that check fail).
#  - The FIB is back to its base routes, the engine exits 0 with every mbuf
#    returned, and no sanitizer report (with VN_DEBUG_BUILD).
source "$(dirname "$0")/lib.sh"
vn_init rcu-stress6
command -v timeout >/dev/null || { echo "missing tool: timeout" >&2; exit 1; }

# fb6_host NAME ADDR/LEN GW: a Linux host with IPv6 on (no DAD, no RA).
fb6_host() {
	local h=$1 addr=$2 gw=$3
	ip netns del "$h" 2>/dev/null || true
	ip link del "$h-r" 2>/dev/null || true
	ip netns add "$h"
	VN_HOSTS+=("$h")
	ip link add "$h-r" type veth peer name eth0 netns "$h"
	sysctl -qw "net.ipv6.conf.$h-r.disable_ipv6=1"
	ip link set "$h-r" up
	ip netns exec "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.default.accept_ra=0
	ip -n "$h" link set lo up
	ip netns exec "$h" sysctl -qw net.ipv6.conf.eth0.accept_dad=0 net.ipv6.conf.eth0.accept_ra=0
	ip -n "$h" -6 addr add "$addr" dev eth0 nodad
	ip -n "$h" link set eth0 up
	ip -n "$h" -6 route add default via "$gw"
}

# The routes: 100,000 /64s under 2001:db8:100::/40 via 2001:db8:2::3 (a static
# neighbour on lan1 whose MAC keeps changing). Adds in runs of 100, each run
# followed by deleting half of the previous one; then every route left goes.
gen_cli() {
	python3 - "$1" <<'EOT'
import sys
def p(i):
    return "2001:db8:%x:%x::/64" % (0x100 + (i >> 16), i & 0xFFFF)
added = []
with open(sys.argv[1], "w") as f:
    for i in range(100000):
        f.write("ip route add %s via 2001:db8:2::3\n" % p(i))
        if i % 100 == 99 and i >= 199:
            for k in range(i - 199, i - 149):
                f.write("ip route del %s\n" % p(k))
        if i % 1000 == 0:
            f.write("set ip neighbor lan1 2001:db8:2::3 02:00:00:00:%02x:03 static\n" % ((i // 1000) % 256))
        if i % 5000 == 0:
            f.write("set ip neighbor del lan1 2001:db8:2::3\n")
            f.write("set ip neighbor lan1 2001:db8:2::3 02:00:00:00:02:03 static\n")
    gone = set()
    for i in range(199, 100000, 100):
        if i >= 199:
            gone.update(range(i - 199, i - 149))
    for i in range(100000):
        if i not in gone:
            f.write("ip route del %s\n" % p(i))
EOT
}

# UDP from A until $1 exists (at most 300 s), ~5,000 packets/s: half to
# addresses under the churned routes, half to B on changing ports.
udp_load() {
	ip netns exec fb-a python3 - "$1" <<'EOT' &
import os, random, socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
r = random.Random(6)
end = time.time() + 300
while time.time() < end and not os.path.exists(sys.argv[1]):
    for _ in range(25):
        i = r.randrange(100000)
        dst = "2001:db8:%x:%x::%x" % (0x100 + (i >> 16), i & 0xFFFF, r.randrange(1, 65535))
        for d, port in ((dst, 9), ("2001:db8:2::2", 10000 + r.randrange(5000))):
            try:
                s.sendto(b"x" * 32, (d, port))
            except OSError:
                pass  # no route on A's side never happens; unreachable errors may
    time.sleep(0.01)
EOT
	VN_PIDS+=($!)
}

run_stress() { # ENGINE_BUILD_DIR LABEL
	local build=$1 label=$2 cfg=$VN_TMP/stress6.yaml cli=$VN_TMP/stress6.cli
	local stop=$VN_TMP/stop-$label ping_out=$VN_TMP/ping-$label.txt base after rt ppid loss
	{
		VN_BUILD=$build VN_BUFFERS=16384 VN_WORKERS="[0, 1]" vn_config_base
		cat <<EOT
interfaces:
  - { name: lan0, device: "host:fb-a-r", rx-queues: ${FB_LAN0_QUEUES:-2}, workers: [0, 1], addresses: ["2001:db8:1::1/64"] }
  - { name: lan1, device: "host:fb-b-r", rx-queues: 1, workers: [0], addresses: ["2001:db8:2::1/64"] }
neighbors:
  - { interface: lan1, address: "2001:db8:2::3", mac: "02:00:00:00:02:03" }
EOT
	} >"$cfg"
	[ -f "$cli" ] || gen_cli "$cli"
	VN_BUILD=$build vn_engine_start "$cfg"
	# Neighbours both ways resolved by the first packets.
	ip netns exec fb-a ping -6 -c 3 -i 0.2 -W 2 2001:db8:2::2 >/dev/null 2>&1 || true
	out=$(ip netns exec fb-a ping -6 -c 3 -i 0.2 -W 2 2001:db8:2::2 2>&1) || true
	vn_check "$label: ping -6 A -> B before the churn" grep -q " 3 received" <<<"$out"
	base=$("$build/vecnetctl" -s "$VN_SOCK" show ip6 fib | grep -c '^[0-9a-f:]*/[0-9]* ')

	"$build/vecnetctl" -s "$VN_SOCK" clear runtime >/dev/null
	udp_load "$stop"
	ip netns exec fb-a ping -6 -i 0.01 -W 2 -w 300 2001:db8:2::2 >"$ping_out" 2>&1 &
	ppid=$!
	VN_PIDS+=("$ppid")
	vn_check "$label: exec of ~250k IPv6 route changes and neighbour flaps succeeds" \
		timeout 300 "$build/vecnetctl" -s "$VN_SOCK" exec "$cli"
	sleep 0.5
	kill -INT "$ppid" 2>/dev/null
	wait "$ppid" 2>/dev/null
	touch "$stop"
	loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$ping_out")
	vn_check "$label: protected flow lost ${loss:-?}% (at most 2%): $(grep 'packets transmitted' "$ping_out")" \
		awk -v l="${loss:-100}" 'BEGIN {exit !(l <= 2)}'
	rt=$("$build/vecnetctl" -s "$VN_SOCK" show runtime)
	# lan1 is all worker 0's: worker 1 sees only what lan0's fanout hashed to queue 1.
	vn_check "$label: both workers forwarded IPv6 (lan0's fanout hashed flows to both queues)" \
		awk '/^Thread/ {t = $2} $1 == "ip6-lookup" && $4 > 0 {seen[t] = 1}
		     END {exit !(length(seen) >= 2)}' <<<"$rt"
	after=$("$build/vecnetctl" -s "$VN_SOCK" show ip6 fib | grep -c '^[0-9a-f:]*/[0-9]* ')
	vn_check "$label: the FIB is back to its $base base routes ($after)" test "$after" -eq "$base"
	out=$(ip netns exec fb-a ping -6 -c 3 -i 0.2 -W 2 2001:db8:2::2 2>&1) || true
	vn_check "$label: ping -6 A -> B after the churn" grep -q " 3 received" <<<"$out"
	vn_engine_stop
	vn_check "$label: engine exits 0" test "$VN_ENGINE_RC" -eq 0
	vn_check "$label: every mbuf returned" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
	vn_check "$label: no sanitizer report" \
		bash -c "! grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$VN_ENGINE_LOG'"
	cp "$VN_ENGINE_LOG" "$VN_TMP/engine-$label.log"
}

fb6_host fb-a 2001:db8:1::2/64 2001:db8:1::1
fb6_host fb-b 2001:db8:2::2/64 2001:db8:2::1
run_stress "$VN_BUILD" release
if [ -x "${VN_DEBUG_BUILD:-}/vecnet" ]; then
	run_stress "$VN_DEBUG_BUILD" sanitized
else
	echo "note: no sanitizer build at VN_DEBUG_BUILD='${VN_DEBUG_BUILD:-}'; run 'make debug' to include it"
fi
vn_finish
