#!/usr/bin/env bash
# Live connections to the engine's echo server driven segment by segment
# with scapy (tcp_scapy.py): RFC 5961 (blind in-window RST and SYN get a
# challenge ACK, an RST at RCV.NXT resets), PAWS, overlapping out-of-order
# segments that disagree, TIME_WAIT taken over by a higher ISN, zero-window
# probes with backoff, SACK recovery retransmitting only the hole.
#
# scapy speaks from 10.0.9.50, an address the namespace's kernel does not
# have: the kernel ignores frames to it (so it never resets scapy's
# connections, and no firewall is needed), and the engine reaches it by a
# static neighbour entry with the namespace veth's MAC.
# VN_SCAPY_CASES="rst-blind sack ..." runs only those cases (tw: TIME_WAIT).
source "$(dirname "$0")/lib.sh"
vn_init tcpscapy
PY=/usr/bin/python3 # Debian's python3-scapy imports here (MACHINE-NOTES)
"$PY" -c "import scapy.layers.inet" 2>/dev/null || { echo "python3-scapy missing" >&2; exit 1; }

NS=sb-scapy
ME=10.0.9.50
vn_host $NS 10.0.9.2/24 10.0.9.1
MAC=$(ip netns exec $NS cat /sys/class/net/eth0/address)

CFG=$VN_TMP/scapy.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:$NS-r", addresses: [10.0.9.1/24] }
tcp:
  enable: true
  echo-servers: ["tcp://0.0.0.0/7777"]
EOT
} >"$CFG"
vn_engine_start "$CFG"
vnctl set ip neighbor lan0 $ME "$MAC" static

# stat NAME: a counter of show tcp stats.
stat() {
	vnctl show tcp stats | awk -v n="$1" \
		'{ c = $1; sub(/^ *[0-9]+ /, ""); if ($0 == n) v = c } END { print v + 0 }'
}
# scapy CASE [ARG]: runs one case of tcp_scapy.py (bounded: 30 s).
scapy() {
	ip netns exec $NS timeout 30 "$PY" "$VN_SRC/tests/integration/tcp_scapy.py" \
		eth0 $ME 10.0.9.1 7777 "$@"
}
want() { [ -z "${VN_SCAPY_CASES:-}" ] || [[ " $VN_SCAPY_CASES " == *" $1 "* ]]; }
# check_case CASE COUNTER MIN WHAT: the case passes and COUNTER grew by MIN or more.
check_case() {
	local case=$1 counter=$2 min=$3 what=$4 before after out rc=0
	want "$case" || return 0
	before=$(stat "$counter")
	out=$(scapy "$case" 2>&1) || rc=$?
	after=$(stat "$counter")
	[ -n "$out" ] && echo "$out"
	vn_check "$case: $what" test "$rc" -eq 0
	vn_check "$case: '$counter' $before -> $after (+$min at least)" \
		test "$after" -ge $((before + min))
}

check_case rst-blind "challenge acks sent" 1 "an in-window RST gets a challenge ACK, the connection lives"
check_case rst-exact "connections reset" 1 "an RST at RCV.NXT resets"
check_case syn "challenge acks sent" 1 "an in-window SYN gets a challenge ACK, the connection lives"
check_case paws "duplicate segments" 1 "an old timestamp is dropped with an ACK"
check_case overlap "out-of-order segments kept" 3 \
	"overlapping, disagreeing segments echoed once, in order, first copies"
# A passive open takes no RTT sample: the first probe would wait the
# initial RTO (1 s), the fourth 15 s. 200 ms for this connection.
vnctl set tcp rto-initial-ms 200
check_case zero-window "zero-window probes" 4 "probes back off, the echo follows the window"
vnctl set tcp rto-initial-ms 1000

# SACK: a 3 s RTO for this connection, so only SACK recovery (not a
# timeout on this busy machine) can resend the holes within the case.
if want sack; then
	vnctl set tcp rto-min-ms 3000
	vnctl set tcp rto-initial-ms 3000
	rto=$(stat "retransmission timeouts")
	rtx=$(stat "segments retransmitted by sack recovery")
	dsack=$(stat "d-sack blocks received")
	check_case sack "sack recovery episodes" 1 "the engine resends only the holes"
	vn_check "sack: 2 retransmitted by sack recovery ($rtx -> $(stat "segments retransmitted by sack recovery"))" \
		test "$(stat "segments retransmitted by sack recovery")" -eq $((rtx + 2))
	vn_check "sack: no retransmission timeout" test "$(stat "retransmission timeouts")" -eq "$rto"
	vn_check "sack: the D-SACK counted ($dsack -> $(stat "d-sack blocks received"))" \
		test "$(stat "d-sack blocks received")" -eq $((dsack + 1))
	vnctl set tcp rto-min-ms 200
	vnctl set tcp rto-initial-ms 1000
fi

# TIME_WAIT taken over: the engine's own client closes first against
# scapy on port 7000 and leaves TIME_WAIT on its local port; a listener
# on that port, then a SYN above the old sequence space opens anew.
want tw && {
out=$VN_TMP/tw-serve
ip netns exec $NS timeout 30 "$PY" "$VN_SRC/tests/integration/tcp_scapy.py" \
	eth0 $ME 10.0.9.1 7000 tw-serve >"$out" 2>&1 &
tw_pid=$!
VN_PIDS+=("$tw_pid")
for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.1; done
vnctl test echo clients nclients 1 bytes 100 timeout 10 uri tcp://$ME/7000 || true
wait "$tw_pid" || true
cat "$out"
read -r lport _ nxt < <(tail -1 "$out") || true
vn_check "tw: the engine's client closed first (TIME_WAIT on port ${lport:-?})" \
	grep -q ":${lport:-none} -> $ME:7000 TIME_WAIT" <<<"$(vnctl show session)"
if [ -n "${lport:-}" ] && [ -n "${nxt:-}" ]; then
	vnctl test echo server uri tcp://0.0.0.0/"$lport"
	before=$(stat "time-wait connections reused by a new syn")
	rc=0
	ip netns exec $NS timeout 30 "$PY" "$VN_SRC/tests/integration/tcp_scapy.py" \
		eth0 $ME 10.0.9.1 7000 tw-reuse "$lport $nxt" || rc=$?
	vn_check "tw-reuse: a SYN with a higher ISN opens a connection that echoes" test "$rc" -eq 0
	vn_check "tw-reuse: counted ($before -> $(stat "time-wait connections reused by a new syn"))" \
		test "$(stat "time-wait connections reused by a new syn")" -eq $((before + 1))
fi
}

vnctl show tcp stats
out=$(echo "still here" | ip netns exec $NS timeout 10 nc -N 10.0.9.1 7777) || true
vn_check "the echo server still serves a Linux client ('$out')" test "$out" = "still here"

vn_engine_stop
vn_check "engine exits 0 (every mbuf returned)" test "$VN_ENGINE_RC" -eq 0
vn_finish
