#!/usr/bin/env bash
# RX queues moved between workers while traffic flows (`set interface
# rx-placement`). Two workers poll without sleeping; two interfaces with two
# RX queues each (AF_PACKET fanout), lan1's placed explicitly at start. A ping
# every 10 ms runs through the engine the whole time, UDP load beside it,
# while every queue moves to one worker and back, several times slowly (each
# move checked in `show interface rx-placement` and in `show runtime`: the
# new worker's host-input receives, the old one's nothing) and then many times
# as fast as the CLI goes. The engine must not crash, leak, or (under the
# sanitizer build) touch freed memory. Hosts vt-rxa, vt-rxb.
#
# Whether a queue was ever polled by two threads at once: two threads in one
# AF_PACKET queue's RX can hand a frame out twice, or leave its ring index
# ahead of the kernel's, after which that queue delivers nothing again. So
# the engine must never receive more frames than the hosts sent, and after
# the moves every queue must still deliver (UDP probes on 64 flows each way,
# which the AF_PACKET fanout spreads over every queue). With the new thread's
# set published before the old thread's grace period (the wrong order), a
# queue was dead after the moves in 10 of 12 runs with 200 fast moves and 6 of
# 6 with 400; with the right order, every queue delivered in every run.
# tests/unit/test_rxq.c catches the wrong order every time, by construction.
source "$(dirname "$0")/lib.sh"
vn_init rx-placement
command -v iperf3 >/dev/null || { echo "missing tool: iperf3" >&2; exit 1; }

SLOW_ROUNDS=${VT_RX_SLOW_ROUNDS:-8}
FAST_MOVES=${VT_RX_FAST_MOVES:-400}
# A move itself loses nothing (the queue's ring holds what arrives during the
# grace period); the bound leaves room for the last ping's reply, in flight
# when the ping is stopped, and for a busy host.
MAX_LOSS_PCT=${VT_RX_MAX_LOSS_PCT:-1}

vn_host vt-rxa 10.0.1.2/24 10.0.1.1
vn_host vt-rxb 10.0.2.2/24 10.0.2.1

QUEUES=(lan0:0 lan0:1 lan1:0 lan1:1)

# The expected `show interface rx-placement` when every queue is on worker W.
all_on() {
	printf 'Thread %u (worker %u):\n  node host-input:\n' $(($1 + 1)) "$1"
	printf '    lan0 queue 0 (polling)\n    lan0 queue 1 (polling)\n'
	printf '    lan1 queue 0 (polling)\n    lan1 queue 1 (polling)\n'
}

move_all() { # BUILD W
	local q
	for q in "${QUEUES[@]}"; do
		"$1/vecnetctl" -s "$VN_SOCK" set interface rx-placement "${q%:*}" queue "${q#*:}" \
			worker "$2" || return 1
	done
}

# host-input vectors per thread index in `show runtime` ("1=57 2=0").
port_rx_by_thread() {
	awk '/^Thread/ {t = $2; v[t] += 0} $1 == "host-input" {v[t] += $4}
	     END {for (t in v) printf "%s=%d ", t, v[t]}' | tr ' ' '\n' | sort | tr '\n' ' '
}

# Frames host H put on its veth, less those the kernel dropped on the way.
host_sent() {
	ip -n "$1" -s link show eth0 | awk '/TX:/ {getline; print $2 - $4}'
}

# RX packets the engine counted on interface IF.
engine_rx() { # CTL IF
	"$1" -s "$VN_SOCK" show interface "$2" |
		awk '{for (i = 1; i < NF; i++) if ($i == "rx" && $(i + 1) == "packets") print $(i + 2)}'
}

# "vt-rxa sent N, lan0 received M; vt-rxb sent ..., lan1 received ...", the
# hosts' counts since this engine started (SENT_BASE_A, SENT_BASE_B).
wire_counts() { # CTL
	echo "vt-rxa sent $(($(host_sent vt-rxa) - SENT_BASE_A)), lan0 received $(engine_rx "$1" lan0);" \
		"vt-rxb sent $(($(host_sent vt-rxb) - SENT_BASE_B)), lan1 received $(engine_rx "$1" lan1)"
}

# probe FROM TO ADDR: N UDP datagrams from N source ports (N flows, so the
# AF_PACKET fanout hashes them over every RX queue of the interface FROM
# sends to), one every 2 ms; prints how many distinct ones TO received.
PROBES=64
probe() {
	local from=$1 to=$2 addr=$3 got=$VN_TMP/probe-$1
	ip netns exec "$to" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9999))
s.settimeout(3)
print("ready", flush=True)
seen = set()
while len(seen) < int(sys.argv[1]):
    try:
        seen.add(s.recv(64))
    except socket.timeout:
        break
print(len(seen), flush=True)' "$PROBES" >"$got" 2>&1 &
	local rpid=$!
	for _ in $(seq 50); do grep -q ready "$got" && break; sleep 0.1; done
	ip netns exec "$from" python3 -c '
import socket, sys, time
for i in range(int(sys.argv[2])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 20000 + i))
    s.sendto(b"%d" % i, (sys.argv[1], 9999))
    s.close()
    time.sleep(0.002)' "$addr" "$PROBES"
	wait "$rpid" || true
	tail -1 "$got"
}

# refused LABEL CTL MESSAGE ARGS...: set interface rx-placement ARGS fails (exit
# 1) and says MESSAGE.
refused() {
	local label=$1 ctl=$2 want=$3 err rc=0
	shift 3
	err=$("$ctl" -s "$VN_SOCK" set interface rx-placement "$@" 2>&1 >/dev/null) || rc=$?
	vn_check "$label: '$*' is refused: $err" \
		bash -c '[ "$1" -eq 1 ] && grep -qF -- "$2" <<<"$3"' _ "$rc" "$want" "$err"
}

run_scenario() { # ENGINE_BUILD_DIR LABEL UDP_RATE (per stream, iperf3 -b)
	local build=$1 label=$2 rate=$3 cfg=$VN_TMP/rxp-$2.yaml
	local ctl="$build/vecnetctl" out pingpid udppid ok=0 fails=0
	{
		VN_WORKERS="[0, 1]" vn_config_base | sed 's/poll: adaptive/poll: always/'
		cat <<EOT
interfaces:
  - { name: lan0, device: "host:vt-rxa-r", rx-queues: 2, addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:vt-rxb-r", rx-queues: 2, addresses: [10.0.2.1/24], workers: [1, 0] }
EOT
	} >"$cfg"
	SENT_BASE_A=$(host_sent vt-rxa)
	SENT_BASE_B=$(host_sent vt-rxb)
	VN_BUILD=$build vn_engine_start "$cfg"

	out=$("$ctl" -s "$VN_SOCK" show interface rx-placement)
	vn_check "$label: placement at start: lan0 round-robin, lan1 as its workers: list" \
		test "$out" = "$(printf 'Thread 1 (worker 0):\n  node host-input:\n    lan0 queue 0 (polling)\n    lan1 queue 1 (polling)\nThread 2 (worker 1):\n  node host-input:\n    lan0 queue 1 (polling)\n    lan1 queue 0 (polling)')"

	refused "$label" "$ctl" "unknown interface 'wan9'" wan9 queue 0 worker 1
	refused "$label" "$ctl" "lan0 has no RX queue 2 (it has 2: 0-1)" lan0 queue 2 worker 1
	refused "$label" "$ctl" "no worker 2 (there are 2: 0-1)" lan0 queue 1 worker 2

	ip netns exec vt-rxa ping -c 1 -W 1 10.0.2.2 >/dev/null 2>&1 || true # ARP both ways
	ip netns exec vt-rxb timeout 120 iperf3 -s -1 >/dev/null 2>&1 &
	VN_PIDS+=($!)
	ip netns exec vt-rxa ping -i 0.01 -w 110 10.0.2.2 >"$VN_TMP/ping-$label.txt" 2>&1 &
	pingpid=$!
	VN_PIDS+=("$pingpid")
	sleep 0.5
	ip netns exec vt-rxa timeout 110 iperf3 -c 10.0.2.2 -u -b "$rate" -l 1000 -P 2 -t 100 \
		>"$VN_TMP/iperf-$label.txt" 2>&1 &
	udppid=$!
	VN_PIDS+=("$udppid")
	sleep 1

	# Slowly: all queues to one worker, check where they are and who receives.
	for r in $(seq "$SLOW_ROUNDS"); do
		local w=$((r % 2)) other=$(((r + 1) % 2)) rt counts
		if ! move_all "$build" $w; then
			fails=$((fails + 1))
			continue
		fi
		out=$("$ctl" -s "$VN_SOCK" show interface rx-placement)
		if [ "$out" != "$(all_on $w)" ]; then
			echo "round $r: show interface rx-placement after moving all to worker $w:" >&2
			echo "$out" >&2
			fails=$((fails + 1))
			continue
		fi
		"$ctl" -s "$VN_SOCK" clear runtime
		sleep 0.5
		rt=$("$ctl" -s "$VN_SOCK" show runtime)
		counts=$(port_rx_by_thread <<<"$rt")
		echo "round $r: all queues on worker $w; host-input vectors by thread: $counts"
		if ! grep -qE "(^| )$((w + 1))=[1-9]" <<<"$counts" ||
			! grep -qE "(^| )$((other + 1))=0( |$)" <<<"$counts"; then
			echo "$rt" >&2
			fails=$((fails + 1))
			continue
		fi
		ok=$((ok + 1))
	done
	vn_check "$label: $SLOW_ROUNDS rounds: each move shown by rx-placement, host-input receiving on the new worker only ($ok ok)" \
		test "$fails" -eq 0 -a "$ok" -eq "$SLOW_ROUNDS"

	# Fast: queues chase each other between the workers.
	fails=0
	for i in $(seq "$FAST_MOVES"); do
		local q=${QUEUES[i % 4]}
		"$ctl" -s "$VN_SOCK" set interface rx-placement "${q%:*}" queue "${q#*:}" \
			worker $(((i / 4) % 2)) || fails=$((fails + 1))
	done
	vn_check "$label: $FAST_MOVES moves in a row succeed" test "$fails" -eq 0
	move_all "$build" 0
	vn_check "$label: the placement ends as the last moves left it" \
		test "$("$ctl" -s "$VN_SOCK" show interface rx-placement)" = "$(all_on 0)"
	sleep 1

	kill "$udppid" 2>/dev/null || true
	kill -INT "$pingpid" 2>/dev/null || true
	wait "$pingpid" 2>/dev/null || true
	local stats sent recv loss dups
	stats=$(grep "packets transmitted" "$VN_TMP/ping-$label.txt" || true)
	sent=$(awk '{print $1}' <<<"$stats")
	recv=$(awk '{print $4}' <<<"$stats")
	dups=$(grep -c "DUP!" "$VN_TMP/ping-$label.txt" || true)
	loss=$(awk -v s="${sent:-0}" -v r="${recv:-0}" 'BEGIN {printf "%.2f", s ? 100 * (s - r) / s : 100}')
	echo "$label: ping: $stats"
	# Two threads in one AF_PACKET queue's RX at once can hand a frame out
	# twice, or leave its ring index ahead of the kernel's: the kernel then
	# waits for a frame the engine has skipped, the engine for one the kernel
	# never writes, and the queue delivers nothing again. (Frames dropped on a
	# full ring are counted nowhere visible, so the counts below may fall
	# short on a busy host, but never exceed what the hosts sent.)
	local counts a b
	for _ in 1 2 3 4 5; do
		sleep 0.3
		counts=$(wire_counts "$ctl")
		[ "$counts" = "$(wire_counts "$ctl")" ] && break
	done
	echo "$label: $counts"
	vn_check "$label: ping kept flowing through the moves ($recv of $sent, $loss% lost, at most $MAX_LOSS_PCT%)" \
		awk -v l="$loss" -v m="$MAX_LOSS_PCT" -v r="${recv:-0}" 'BEGIN {exit !(r > 100 && l <= m)}'
	vn_check "$label: no duplicate ping replies" test "$dups" -eq 0
	vn_check "$label: the engine received no frame twice" \
		awk '{exit !($3 >= $6 && $9 >= $12)}' <<<"${counts//[,;]/}"
	a=$(probe vt-rxa vt-rxb 10.0.2.2)
	b=$(probe vt-rxb vt-rxa 10.0.1.2)
	vn_check "$label: every RX queue still delivers: $PROBES flows through lan0 ($a arrived), $PROBES through lan1 ($b)" \
		test "$a" = "$PROBES" -a "$b" = "$PROBES"
	vn_check "$label: the engine is still running" kill -0 "$VN_ENGINE_PID"
	vn_engine_stop
	vn_check "$label: engine exits 0" test "$VN_ENGINE_RC" -eq 0
	vn_check "$label: every mbuf returned" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
	vn_check "$label: no sanitizer report" \
		bash -c "! grep -Eq 'ERROR: AddressSanitizer|runtime error:' '$VN_ENGINE_LOG'"
	cp "$VN_ENGINE_LOG" "$VN_TMP/engine-$label.log"
}

run_scenario "$VN_BUILD" release 20M
# The sanitized engine (-O0, ASan) forwards a few times slower.
if [ -x "${VN_DEBUG_BUILD:-}/vecnet" ]; then
	run_scenario "$VN_DEBUG_BUILD" sanitized 5M
else
	echo "note: no sanitizer build at VN_DEBUG_BUILD='${VN_DEBUG_BUILD:-}'; run 'make debug' to include it"
fi
vn_finish
