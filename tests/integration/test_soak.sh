#!/usr/bin/env bash
# Soak under faults (issue 21): two workers forward mixed traffic between
# three Linux hosts over host interfaces (Linux's offloads on) while the
# control plane churns every table, and one host's veth is deleted and
# created again under traffic. Measured and asserted at the end: the engine
# is alive and exits cleanly, no sanitizer report, every mbuf back, RSS and
# pool use flat after the warm-up, no frame vanishes without a named drop,
# and the tables end as they started. Hosts sk-a, sk-b, sk-c.
#
#   sk-a 10.0.1.2 -- lan0 (NAT44 inside)  \
#   sk-b 10.0.2.2 -- lan1 (NAT44 outside, pool 10.0.2.100)
#   sk-c 10.0.3.2 -- lan2 (ACL: what sk-c starts is reflected, the rest denied)
#
# Traffic: iperf3 TCP a->b (NAT), UDP flood c->b (ACL sessions), pings a->b
# and c->a, new UDP flows a->b every few ms (NAT sessions made and expired by
# a 2 s UDP timeout). Churn: routes, static neighbours, ACL replaced, NAT
# static mappings, lan2 down/up, clear commands, trace and pcap on/off,
# 50 CLI clients at once, Lua, sk-c's veth deleted and created again.
#
# Knobs: VN_SOAK_SECONDS (churn time of the release run, default 40),
# VN_SOAK_SAN_SECONDS (the ASan/UBSan run's, default 20; 0 skips it),
# VN_SOAK_RSS_KB and VN_SOAK_POOL (the flatness bounds below), VN_SOAK_REPORT
# (a file that receives the figures). `make soak SOAK_MINUTES=N` runs it long.
source "$(dirname "$0")/lib.sh"
vn_init soak
command -v iperf3 >/dev/null || { echo "missing tool: iperf3" >&2; exit 1; }

SOAK_SECONDS=${VN_SOAK_SECONDS:-40}
SAN_SECONDS=${VN_SOAK_SAN_SECONDS:-20}
# Flat: after the warm-up (the first minute, or the first third of a short
# run), RSS grows by at most this much: its lowest level over the last
# quarter of the run against its level at the end of the warm-up. A leak
# raises the floor; a veth re-creation holds two RX rings (18.5 MiB each)
# for a grace period, a spike a sample may catch, which the floor ignores.
# The allocator's arenas move by a few MB under churn; a leak per operation
# would grow with the thousands of operations...
RSS_BOUND_KB=${VN_SOAK_RSS_KB:-8192}
# ... and buffers in use at rest (traffic stopped, queues drained) come back
# to within this many of their level at rest after the warm-up.
POOL_BOUND=${VN_SOAK_POOL:-64}
REPORT=${VN_SOAK_REPORT:-}

A_MAC=02:00:00:5a:00:02
B_MAC=02:00:00:5b:00:02
C_MAC=02:00:00:5c:00:02

# host NAME ADDR GW MAC: vn_host with a fixed MAC (sk-c comes back with a new
# one: the engine must learn it again).
host() {
	vn_host "$1" "$2" "$3"
	ip -n "$1" link set eth0 address "$4"
}

# sk-c's veth again, after `ip link del sk-c-r` took both ends.
host_c_again() {
	ip link add sk-c-r type veth peer name eth0 netns sk-c
	sysctl -qw net.ipv6.conf.sk-c-r.disable_ipv6=1
	ip link set sk-c-r up
	ip -n sk-c link set eth0 address "$1"
	ip -n sk-c addr add 10.0.3.2/24 dev eth0
	ip -n sk-c link set eth0 up
	ip -n sk-c route add default via 10.0.3.1
}

host sk-a 10.0.1.2/24 10.0.1.1 $A_MAC
host sk-b 10.0.2.2/24 10.0.2.1 $B_MAC
host sk-c 10.0.3.2/24 10.0.3.1 $C_MAC

# Reads counters off `show interface`: "rx tx drops txerr" summed.
if_totals() {
	awk '{for (i = 1; i < NF; i++) {
		if ($i == "rx" && $(i + 1) == "packets") rx += $(i + 2)
		if ($i == "tx" && $(i + 1) == "packets") tx += $(i + 2)
		if ($i == "drops") dr += $(i + 1)
		if ($i == "tx-error") te += $(i + 1)
	}} END {printf "%d %d %d %d\n", rx, tx, dr, te}'
}

pool_used() { # CTL
	"$1" -s "$VN_SOCK" show buffers | awk '$1 == "vn_pkts" {print $NF}'
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$VN_ENGINE_PID/status" 2>/dev/null || echo 0; }

# The tables the churn touches, in a form to compare: every change the churn
# makes it undoes, so start and end must be equal. Dynamic neighbours are
# left out (their ages differ); sk-c's is checked on its own.
tables() { # CTL
	local c=$1
	# Rewrites name the neighbour's MAC: sk-c's changes (checked apart).
	"$c" -s "$VN_SOCK" show ip fib | sed -E 's/(nh [0-9.]+) [0-9a-f:]{17}/\1 MAC/'
	"$c" -s "$VN_SOCK" show ip neighbors | grep -i static || true
	# Rules and where they apply, without their hit counters.
	"$c" -s "$VN_SOCK" show acl-plugin acl | sed -E 's/ +packets [0-9]+ bytes [0-9]+//'
	"$c" -s "$VN_SOCK" show acl-plugin interface | awk '{print $1, $2, $3}'
	"$c" -s "$VN_SOCK" show nat44 static mappings
	"$c" -s "$VN_SOCK" show nat44 addresses
	"$c" -s "$VN_SOCK" show nat44 interfaces
	"$c" -s "$VN_SOCK" show interface address
}

# Background loads, each restarted when it dies (sk-c's go when its veth
# does) and bounded by the deadline: COMMAND (a shell line) sees the seconds
# left in $REM.
until_deadline() { # DEADLINE COMMAND
	local end=$1 REM
	while REM=$((end - $(date +%s))) && [ "$REM" -gt 1 ]; do
		REM=$REM sh -c "$2" >/dev/null 2>&1 || sleep 0.5
	done
}

# UDP from a new source port every 5 ms: a NAT44 session each, expired 2 s
# after its one packet.
nat_flows() { # SECONDS
	ip netns exec sk-a python3 -c '
import socket, sys, time
end = time.time() + float(sys.argv[1])
port = 20000
while time.time() < end:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("0.0.0.0", port))
        s.sendto(b"x" * 64, ("10.0.2.2", 9))
    except OSError:
        pass
    s.close()
    port = 20000 + (port - 19999) % 20000
    time.sleep(0.005)' "$1"
}

# The churn: one round of every kind of change, each undone before the next
# round; prints a line per failed command into $VN_TMP/churn-fail.
churn_round() { # CTL ROUND
	local c=$1 r=$2 s=$VN_SOCK
	local k=$((r % 8)) fails=$VN_TMP/churn-fail
	run() { "$c" -s "$s" "$@" >/dev/null 2>>"$VN_TMP/churn-err" || echo "round $r: $*" >>"$fails"; }
	run ip route add 10.200.$k.0/24 via 10.0.2.2
	run ip route add 10.201.$k.0/24 via 10.0.2.2 via 10.0.1.2
	run set ip neighbor lan1 10.0.2.$((50 + k)) 02:00:00:00:02:$((10 + k)) static
	run nat44 add static mapping udp local 10.0.1.2 $((7000 + k)) external 10.0.2.100 $((8000 + k))
	# The ACL replaced by an equivalent one, and by one that also allows b->c.
	run set acl-plugin acl index 1 permit+reflect src 10.0.3.0/24, deny tag c-in-$k
	run set acl-plugin acl index 0 permit src 10.0.2.0/24 proto icmp, deny tag c-out-alt
	run set acl-plugin acl index 0 deny tag c-out
	run trace add host-input 20
	run show trace
	run clear trace
	run pcap trace rx tx drop max 200 file "$VN_TMP/soak-$r.pcap"
	run show pcap
	run lua eval 'for i = 1, 50 do vecnet.cli("show ip fib 10.0.2.0/24") end return 1'
	run show runtime
	# show errors before it is cleared: no drop may be unnamed in any window.
	"$c" -s "$s" show errors >"$VN_TMP/errors-$((r % 2))" 2>&1 || echo "round $r: show errors" >>"$fails"
	grep -i "without a reason" "$VN_TMP/errors-$((r % 2))" >>"$VN_TMP/unnamed" || true
	run clear errors
	run clear runtime
	run clear interfaces
	run clear acl-plugin counters
	run pcap trace off
	rm -f "$VN_TMP/soak-$r.pcap"
	if [ $((r % 4)) -eq 1 ]; then
		run set interface state lan2 down
		sleep 0.2
		run set interface state lan2 up
	fi
	if [ $((r % 6)) -eq 3 ]; then
		# 50 clients at once, each a command that walks a table.
		local pids=() i cmds=("show interface" "show ip fib" "show errors" "show nat44 sessions"
			"show acl-plugin sessions" "show ip neighbors" "show runtime" "show buffers")
		for i in $(seq 50); do
			"$c" -s "$s" ${cmds[i % ${#cmds[@]}]} >/dev/null 2>&1 &
			pids+=($!)
		done
		for i in "${pids[@]}"; do wait "$i" || echo "round $r: one of 50 clients failed" >>"$fails"; done
	fi
	run ip route del 10.200.$k.0/24
	run ip route del 10.201.$k.0/24
	run set ip neighbor del lan1 10.0.2.$((50 + k))
	run nat44 add static mapping udp local 10.0.1.2 $((7000 + k)) external 10.0.2.100 $((8000 + k)) del
	run set acl-plugin acl index 1 permit+reflect src 10.0.3.0/24, deny tag c-in
	echo "$r" >"$VN_TMP/rounds"
}

run_soak() { # ENGINE_BUILD_DIR LABEL SECONDS TCP_RATE UDP_RATE
	local build=$1 label=$2 secs=$3 tcp_rate=$4 udp_rate=$5
	local ctl="$build/vecnetctl" cfg=$VN_TMP/soak-$label.yaml
	local warm=$((secs / 3 < 60 ? secs / 3 : 60))
	: >"$VN_TMP/churn-fail"
	: >"$VN_TMP/churn-err"
	: >"$VN_TMP/unnamed"
	{
		VN_WORKERS="[0, 1]" VN_BUFFERS=16384 vn_config_base
		cat <<EOT
interfaces:
  - { name: lan0, device: "host:sk-a-r", addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:sk-b-r", addresses: [10.0.2.1/24] }
  - { name: lan2, device: "host:sk-c-r", addresses: [10.0.3.1/24] }
routes:
  - { prefix: 10.99.0.0/16, drop: true }
neighbors:
  - { interface: lan1, address: 10.0.2.2, mac: "$B_MAC" }
nat44:
  addresses: [10.0.2.100]
  inside: [lan0]
  outside: [lan1]
acl:
  session-timeouts: { udp-idle: 5 }
  acls:
    - { tag: c-out, rules: ["deny"] }
    - { tag: c-in, rules: ["permit+reflect src 10.0.3.0/24", "deny"] }
  interfaces:
    - { name: lan2, input: [1], output: [0] }
EOT
	} >"$cfg"
	VN_BUILD=$build vn_engine_start "$cfg"
	"$ctl" -s "$VN_SOCK" set nat timeout udp 2 >/dev/null
	ip netns exec sk-a ping -c 1 -W 2 10.0.2.2 >/dev/null 2>&1 || true
	ip netns exec sk-c ping -c 1 -W 2 10.0.1.2 >/dev/null 2>&1 || true
	local before
	before=$(tables "$ctl")

	local start end
	start=$(date +%s)
	end=$((start + secs))
	ip netns exec sk-b iperf3 -s -p 5201 >/dev/null 2>&1 &
	VN_PIDS+=($!)
	ip netns exec sk-b iperf3 -s -p 5202 >/dev/null 2>&1 &
	VN_PIDS+=($!)
	vn_wait_listen sk-b 5201
	vn_wait_listen sk-b 5202
	local loads=()
	local log=$VN_TMP/load-$label
	rm -f "$log".*
	until_deadline "$end" "ip netns exec sk-a iperf3 -c 10.0.2.2 -p 5201 -b $tcp_rate -t \$REM -f k >>$log.tcp" &
	loads+=($!)
	until_deadline "$end" "ip netns exec sk-c iperf3 -c 10.0.2.2 -p 5202 -u -b $udp_rate -l 1200 -t \$REM" &
	loads+=($!)
	until_deadline "$end" "ip netns exec sk-a ping -q -i 0.05 -w \$REM 10.0.2.2 >>$log.ping-ab" &
	loads+=($!)
	until_deadline "$end" "ip netns exec sk-c ping -q -i 0.05 -w \$REM 10.0.1.2" &
	loads+=($!)
	nat_flows "$secs" &
	loads+=($!)
	VN_PIDS+=("${loads[@]}")

	# Samples every 2 s: seconds since start, RSS (kB), buffers in use.
	local samples=$VN_TMP/samples-$label
	: >"$samples"
	(
		while [ "$(date +%s)" -lt "$end" ]; do
			echo "$(($(date +%s) - start)) $(rss_kb) $(pool_used "$ctl")" >>"$samples"
			sleep 2
		done
	) &
	VN_PIDS+=($!)

	# The churn, with sk-c's veth deleted and created again every 20 s (and
	# once at least). Each time, sk-c must reach sk-a again.
	local link_downs=0 r=0 next_relink=$((start + (secs / 3 < 10 ? secs / 3 : 10))) relinks=0 relinks_ok=0 recover_max=0
	while [ "$(date +%s)" -lt "$end" ]; do
		r=$((r + 1))
		churn_round "$ctl" "$r"
		if [ "$(date +%s)" -ge "$next_relink" ] && [ "$(date +%s)" -lt $((end - 5)) ]; then
			local t0 t1 mac
			relinks=$((relinks + 1))
			mac=02:00:00:5c:01:$(printf %02x "$relinks")
			ip link del sk-c-r
			sleep 1
			"$ctl" -s "$VN_SOCK" show interface lan2 | awk 'NR == 2 {exit $4 != "down"}' &&
				link_downs=$((link_downs + 1))
			host_c_again "$mac"
			t0=$(date +%s%N)
			for _ in $(seq 50); do
				ip netns exec sk-c ping -c 1 -W 0.2 10.0.1.2 >/dev/null 2>&1 && break
			done
			t1=$(date +%s%N)
			if ip netns exec sk-c ping -c 1 -W 1 10.0.1.2 >/dev/null 2>&1; then
				relinks_ok=$((relinks_ok + 1))
				local ms=$(((t1 - t0) / 1000000))
				[ "$ms" -gt "$recover_max" ] && recover_max=$ms
			fi
			next_relink=$(($(date +%s) + 20))
		fi
	done
	vn_check "$label: lan2's link down while sk-c's veth was gone ($link_downs of $relinks times)" \
		test "$link_downs" -eq "$relinks"
	vn_check "$label: sk-c's veth deleted and created again $relinks times, sk-c reached sk-a after each ($relinks_ok; slowest ${recover_max} ms)" \
		test "$relinks" -ge 1 -a "$relinks_ok" -eq "$relinks"
	vn_check "$label: the engine learned sk-c's new MAC" \
		bash -c "'$ctl' -s '$VN_SOCK' show ip neighbors | grep 10.0.3.2 | grep -qi '02:00:00:5c:01:$(printf %02x "$relinks")'"

	# The loads end by themselves at the deadline; what lingers is stopped.
	for _ in $(seq 50); do
		local alive=0
		for p in "${loads[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ "$alive" -eq 0 ] && break
		sleep 0.2
	done
	for p in "${loads[@]}"; do kill "$p" 2>/dev/null || true; done
	ip netns pids sk-a | xargs -r kill 2>/dev/null || true
	ip netns pids sk-c | xargs -r kill 2>/dev/null || true
	for p in "${loads[@]}"; do wait "$p" 2>/dev/null || true; done
	sleep 1
	# What crossed: iperf3's TCP intervals (kbit/s), a->b pings.
	local tcp_kbit ping_ab
	tcp_kbit=$(awk '/Kbits\/sec/ && !/sender|receiver/ {for (i = 2; i <= NF; i++) if ($i == "Kbits/sec") {s += $(i - 1); n++}}
		END {printf "%d", n ? s / n : 0}' "$log.tcp" 2>/dev/null)
	ping_ab=$(awk '/packets transmitted/ {t += $1; r += $4} END {printf "%d %d", r, t}' "$log.ping-ab" 2>/dev/null)
	echo "$label: TCP a->b through NAT44: ${tcp_kbit} kbit/s on average; pings a->b: ${ping_ab% *} of ${ping_ab#* } answered"
	vn_check "$label: TCP through NAT44 and pings a->b kept flowing" \
		test "${tcp_kbit:-0}" -gt 1000 -a "${ping_ab% *}" -gt $((${ping_ab#* } / 2))
	local rounds fails
	rounds=$(cat "$VN_TMP/rounds" 2>/dev/null || echo 0)
	fails=$(wc -l <"$VN_TMP/churn-fail")
	[ "$fails" -gt 0 ] && { head -20 "$VN_TMP/churn-fail"; head -20 "$VN_TMP/churn-err"; } >&2
	vn_check "$label: $rounds churn rounds, every command succeeded ($fails failed)" test "$fails" -eq 0
	vn_check "$label: no drop without a reason in any window" test ! -s "$VN_TMP/unnamed"
	vn_check "$label: the engine is alive" kill -0 "$VN_ENGINE_PID"

	# Tables: back to what they were.
	local after
	after=$(tables "$ctl")
	if [ "$before" != "$after" ]; then
		diff <(echo "$before") <(echo "$after") >&2 || true
	fi
	vn_check "$label: routes, static neighbours, ACLs, NAT mappings, addresses as at start" \
		test "$before" = "$after"

	# Accounting window: quiet hosts (static ARP both ways, nothing expiring),
	# then UDP that is forwarded, NATed, refused by the ACL, sent to a drop
	# route and out of a down interface. Every frame received must be sent
	# or dropped under a reason: rx = tx + drops + tx errors.
	local hw
	hw=$("$ctl" -s "$VN_SOCK" show hardware-interfaces)
	engine_mac() { awk -v i="$1" '$1 == i {f = 1} f && /Ethernet address/ {print $3; exit}' <<<"$hw"; }
	for h in sk-a:10.0.1.1:lan0 sk-b:10.0.2.1:lan1 sk-c:10.0.3.1:lan2 sk-b:10.0.2.100:lan1; do
		IFS=: read -r ns addr ifn <<<"$h"
		ip -n "$ns" neigh replace "$addr" lladdr "$(engine_mac "$ifn")" dev eth0 nud permanent
	done
	"$ctl" -s "$VN_SOCK" set ip neighbor lan0 10.0.1.2 $A_MAC static >/dev/null
	"$ctl" -s "$VN_SOCK" set ip neighbor lan2 10.0.3.2 "$(ip -n sk-c link show eth0 | awk '/ether/ {print $2}')" static >/dev/null
	# NAT44 sessions made, and expired: no UDP session outlives its 2 s.
	local nat udp_left=1
	for _ in $(seq 20); do
		nat=$("$ctl" -s "$VN_SOCK" show nat44 summary)
		udp_left=$(awk '$1 ~ /^[0-9]+$/ && NF >= 9 {u += $4} END {print u + 0}' <<<"$nat")
		[ "$udp_left" -eq 0 ] && break
		sleep 0.5
	done
	echo "$nat"
	vn_check "$label: NAT44 sessions created and expired (created $(awk '$1 ~ /^[0-9]+$/ && NF >= 9 {c += $6} END {print c + 0}' <<<"$nat"), UDP left $udp_left)" \
		awk -v u="$udp_left" '$1 ~ /^[0-9]+$/ && NF >= 9 {c += $6} END {exit !(c > 500 && u == 0)}' <<<"$nat"
	sleep 1 # in-flight frames leave
	"$ctl" -s "$VN_SOCK" clear errors
	"$ctl" -s "$VN_SOCK" clear interfaces
	burst() { # NS DST PORT N
		ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[3])):
    try: s.sendto(b"y" * 200, (sys.argv[1], int(sys.argv[2]) + i % 50))
    except OSError: pass' "$2" "$3" "$4"
	}
	burst sk-a 10.0.2.2 6000 400 # NAT44 in2out, new sessions
	burst sk-c 10.0.2.2 6100 400 # ACL reflect
	burst sk-b 10.0.3.2 6200 200 # ACL deny
	burst sk-a 10.99.1.1 6300 200 # drop route
	burst sk-c 10.0.1.2 6400 100
	"$ctl" -s "$VN_SOCK" set interface state lan1 down
	burst sk-a 10.0.2.2 6500 200 # interface down
	"$ctl" -s "$VN_SOCK" set interface state lan1 up
	sleep 1
	local tot rx tx dr te errs
	tot=$("$ctl" -s "$VN_SOCK" show interface | if_totals)
	read -r rx tx dr te <<<"$tot"
	errs=$("$ctl" -s "$VN_SOCK" show errors)
	echo "$label: accounting window: rx $rx, tx $tx, drops $dr, tx errors $te"
	echo "$errs"
	vn_check "$label: every frame of the window sent or dropped under a reason (rx $rx = tx $tx + drops $dr + tx errors $te)" \
		test "$rx" -eq $((tx + dr + te)) -a "$rx" -ge 1200
	vn_check "$label: no drop without a reason in the window" \
		bash -c "! grep -qi 'without a reason' <<<'$errs'"
	for h in sk-a:10.0.1.1 sk-b:10.0.2.1 sk-c:10.0.3.1; do
		ip -n "${h%:*}" neigh del "${h#*:}" dev eth0 2>/dev/null || true
	done

	# Memory: flat after the warm-up. RSS from its level then; buffers at
	# rest now against the pool's use at rest before traffic started.
	local rss_w rss_max rss_floor pool_now pool_max rss_end
	local last=$((warm + (secs - warm) * 3 / 4))
	rss_w=$(awk -v w="$warm" '$1 >= w {print $2; exit}' "$samples")
	rss_max=$(awk -v w="$warm" '$1 >= w && $2 > m {m = $2} END {print m + 0}' "$samples")
	rss_floor=$(awk -v l="$last" '$1 >= l && (m == "" || $2 < m) {m = $2} END {print m + 0}' "$samples")
	pool_max=$(awk -v w="$warm" '$1 >= w && $3 > m {m = $3} END {print m + 0}' "$samples")
	pool_now=$(pool_used "$ctl")
	rss_end=$(rss_kb)
	echo "$label: RSS ${rss_w} kB at ${warm} s, lowest ${rss_floor} kB from ${last} s, highest ${rss_max} kB after ${warm} s, ${rss_end} kB at end; buffers in use: max $pool_max under load, $pool_now at rest; $(wc -l <"$samples") samples"
	# ASan keeps freed memory in its quarantine (256 MB) by design: RSS is
	# the release engine's measure only.
	if [ "$label" = release ]; then
		vn_check "$label: RSS flat after ${warm} s (its floor grew $((rss_floor - rss_w)) kB, bound $RSS_BOUND_KB)" \
			test $((rss_floor - rss_w)) -le "$RSS_BOUND_KB" -a "$rss_floor" -gt 0
	fi
	vn_check "$label: buffers in use at rest ($pool_now) within $POOL_BOUND of the pool's cache fill" \
		test "$pool_now" -le "$POOL_BOUND"

	vn_engine_stop
	vn_check "$label: engine exits 0" test "$VN_ENGINE_RC" -eq 0
	vn_check "$label: every mbuf returned" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
	vn_check "$label: no sanitizer report" \
		bash -c "! grep -Eq 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' '$VN_ENGINE_LOG'"
	grep -E "ERROR: AddressSanitizer|runtime error:" -A20 "$VN_ENGINE_LOG" | head -60 >&2 || true
	cp "$VN_ENGINE_LOG" "$VN_TMP/engine-$label.log"
	if [ -n "$REPORT" ]; then
		{
			echo "run $label: $(date -u +%F\ %T) UTC, $secs s, $rounds churn rounds, $relinks veth re-creations (slowest recovery ${recover_max} ms)"
			echo "  RSS ${rss_w} kB at ${warm} s, lowest ${rss_floor} kB from ${last} s, highest ${rss_max} kB after ${warm} s, ${rss_end} kB at end"
			echo "  buffers in use: max $pool_max under load, $pool_now at rest"
			echo "  accounting window: rx $rx, tx $tx, drops $dr, tx errors $te"
			echo "  result: $VN_FAILS failed checks so far"
		} >>"$REPORT"
		cp "$samples" "${REPORT%.txt}-samples-$label.txt" # seconds, RSS kB, buffers used
	fi
}

run_soak "$VN_BUILD" release "$SOAK_SECONDS" 20M 5M
if [ "$SAN_SECONDS" -gt 0 ]; then
	if [ -x "${VN_DEBUG_BUILD:-}/vecnet" ]; then
		run_soak "$VN_DEBUG_BUILD" sanitized "$SAN_SECONDS" 5M 2M
	else
		echo "note: no sanitizer build at VN_DEBUG_BUILD='${VN_DEBUG_BUILD:-}'; run 'make debug' to include it"
	fi
fi
vn_finish
