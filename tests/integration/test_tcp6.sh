#!/usr/bin/env bash
# TCP over IPv6 in the engine's own stack, against Linux hosts with IPv6 on
# their veths and Linux's default offloads: nc -6 moves 32 MB through the
# echo server on tcp://::/7777 and gets every byte back while an IPv4 client
# uses tcp://0.0.0.0/7777 of the same engine (dual stack at once); a SYN to
# a closed IPv6 port is refused with a reset (traced through tcp6-input and
# tcp6-output); the engine's echo client opens connections to a Linux
# server over IPv6; curl -6 fetches a file from http_static on tcp://::/80
# sha256-identical; the TCP proxy with an IPv6 front passes a download from
# an IPv4 backend, and one with an IPv4 front from an IPv6 backend; a scapy
# IPv6 segment with a bad checksum is dropped as "tcp bad checksum" in
# tcp6-input; a SYN behind a destination-options header is answered; a
# packet too big from a Linux router lowers a connection's MSS (echo
# across a 1280-byte link); no mbuf leaked. Then on two workers:
# IPv6 flows handed to their owner, in both directions of opening, and
# packets too big handed to the worker that owns their connection.
source "$(dirname "$0")/lib.sh"
vn_init tcp6
PY=$(command -v python3)
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3 # scapy is Debian's
for t in curl nc; do command -v $t >/dev/null || { echo "missing tool: $t" >&2; exit 1; }; done

A6=2001:db8:61::1
B6=2001:db8:62::1
vn_host6 t6-a 2001:db8:61::2/64 $A6
ip -n t6-a addr add 10.0.61.2/24 dev eth0
ip -n t6-a route add default via 10.0.61.1
vn_host6 t6-b 2001:db8:62::2/64 $B6
ip -n t6-b addr add 10.0.62.2/24 dev eth0
ip -n t6-b route add default via 10.0.62.1

WWW=$VN_TMP/www
mkdir -p "$WWW"
head -c 32M /dev/urandom >"$VN_TMP/blob"
head -c 8M /dev/urandom >"$WWW/8m.bin"
want=$(sha256sum <"$VN_TMP/blob" | cut -d' ' -f1)
want8=$(sha256sum <"$WWW/8m.bin" | cut -d' ' -f1)

# IPv6 URIs in the config: checked at load, at their line.
BAD=$VN_TMP/bad6.yaml
cat >"$BAD" <<EOT
tcp:
  enable: true
  listen:
    - { app: echo-server, uri: "tcp://[2001:db8::1/80" }
  connect:
    - { app: echo-server, uri: "tcp://::/80" }
EOT
out=$("$VN_BUILD/vecnet" -c "$BAD" --check 2>&1) && rc=0 || rc=$?
vn_check "--check refuses a malformed IPv6 listen URI at its line" \
	grep -q "bad6.yaml:4:[0-9]*: tcp.listen\[0\].uri: 'tcp://\[2001:db8::1/80' is not tcp://ADDR/PORT" <<<"$out"
vn_check "--check refuses a connect to ::" \
	grep -q "bad6.yaml:6:[0-9]*: tcp.connect\[0\].uri: connect to an address, not ::" <<<"$out"
vn_check "--check exits 1" test "$rc" -eq 1

CFG=$VN_TMP/tcp6.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:t6-a-r", addresses: [10.0.61.1/24, $A6/64] }
  - { name: lan1, device: "host:t6-b-r", addresses: [10.0.62.1/24, $B6/64] }
ip6-nd: { dad-transmits: 0 }
tcp:
  enable: true
  time-wait-ms: 2000
  listen:
    - { app: echo-server, uri: "tcp://[::]/7777" }
EOT
} >"$CFG"
vn_engine_start "$CFG"

vnctl test echo server uri tcp://0.0.0.0/7777
out=$(vnctl show session)
vn_check "show session lists the IPv6 listener as [::]:7777" \
	grep -q "listen \[::\]:7777 app echo-server" <<<"$out"
vn_check "... and the IPv4 one beside it" grep -q "listen 0.0.0.0:7777 app echo-server" <<<"$out"
out=$(vnctl lua eval 'vecnet.session_listen("echo-server","tcp://[::1/9")' 2>&1) || true
vn_check "Lua refuses a malformed IPv6 URI" grep -q "tcp://ADDR/PORT" <<<"$out"
vnctl lua eval 'vecnet.session_listen("echo-server","tcp://[::]/7778")'
vn_check "Lua listens on [::]:7778" grep -q "listen \[::\]:7778 app echo-server" <<<"$(vnctl show session)"
vnctl lua eval 'vecnet.session_unlisten("echo-server","tcp://::/7778")'
vn_check "... and stops" bash -c '! grep -q "\[::\]:7778" <<<"$1"' _ "$(vnctl show session)"
out=$(vnctl test echo server uri tcp://::/7777 2>&1) || true
vn_check "a second IPv6 listener on the port is refused" grep -qi "in use" <<<"$out"
out=$(vnctl test echo server uri tcp://[2001:db8::1/7777 2>&1) || true
vn_check "a malformed IPv6 URI is refused" grep -q "tcp://ADDR/PORT" <<<"$out"

# Neighbours first, so the first SYNs do not wait for discovery.
ip netns exec t6-a ping -6 -c 2 -i 0.2 -W 2 $A6 >/dev/null || true
ip netns exec t6-b ping -6 -c 2 -i 0.2 -W 2 $B6 >/dev/null || true
ip netns exec t6-a ping -c 1 -W 2 10.0.61.1 >/dev/null || true
ip netns exec t6-b ping -c 1 -W 2 10.0.62.1 >/dev/null || true

# Passive open over IPv6 while IPv4 flows on the same engine and port.
ip netns exec t6-a timeout 60 nc -N 10.0.61.1 7777 <"$WWW/8m.bin" >"$VN_TMP/recv4" &
p4=$!
t0=$(date +%s.%N)
ip netns exec t6-a timeout 90 nc -6 -N $A6 7777 <"$VN_TMP/blob" >"$VN_TMP/recv6" || true
vn_log "echo of 32 MB over IPv6 took $(echo "$(date +%s.%N) - $t0" | bc) s"
wait $p4 || true
got=$(sha256sum <"$VN_TMP/recv6" | cut -d' ' -f1)
vn_check "32 MB echoed over IPv6 come back intact ($(stat -c %s "$VN_TMP/recv6") bytes)" \
	test "$got" = "$want"
got=$(sha256sum <"$VN_TMP/recv4" | cut -d' ' -f1)
vn_check "8 MB echoed over IPv4 at the same time come back intact" test "$got" = "$want8"

# A closed IPv6 port: a reset at once, made and traced by the IPv6 nodes.
vnctl clear trace >/dev/null
vnctl trace add host-input 10
if ip netns exec t6-a timeout 5 nc -6 -z -w 3 $A6 12345 2>/dev/null; then
	vn_fail "an IPv6 connection to a closed port succeeded"
else
	vn_pass "an IPv6 connection to a closed port is refused"
fi
tr=$(vnctl show trace)
vn_check "the trace shows the SYN to port 12345 in tcp6-input" \
	bash -c 'grep -q "tcp6-input" <<<"$1" && grep -q "tcp: [0-9]* -> 12345 SYN seq" <<<"$1"' _ "$tr"
vn_check "the trace shows the reset leaving tcp6-output" \
	bash -c 'grep -q "tcp6-output" <<<"$1" && grep -q "tcp: 12345 -> [0-9]* RST ACK seq 0 ack" <<<"$1"' _ "$tr"
vnctl clear trace >/dev/null

# Active open over IPv6: the engine's echo client against a Linux server.
ip netns exec t6-b "$PY" "$VN_SRC/tests/integration/tcp_echo.py" server 5000 :: &
VN_PIDS+=($!)
vn_wait_listen t6-b 5000
out=$(vnctl test echo clients nclients 1 bytes 4000000 uri tcp://2001:db8:62::2/5000 2>&1) || true
echo "$out"
vn_check "an engine client moves 4 MB to Linux over IPv6 and back" \
	grep -q "1 clients, 4000000 bytes each: 1 complete, 0 failed, 0 corrupt$" <<<"$out"
out=$(vnctl test echo clients nclients 50 bytes 20000 uri tcp://[2001:db8:62::2]/5000 2>&1) || true
vn_check "50 engine clients over IPv6 complete" grep -q "50 complete, 0 failed, 0 corrupt$" <<<"$out"

# http_static on every IPv6 address.
vnctl http static server www-root "$WWW" uri tcp://::/80
vn_check "show http static server prints the IPv6 URI" \
	grep -q "^tcp://::/80 www-root" <<<"$(vnctl show http static server)"
ip netns exec t6-a curl -6 -g -s -m 60 -o "$VN_TMP/got8" "http://[$A6]/8m.bin" || true
vn_check "curl -6 of 8 MB from http_static: SHA-256 matches" \
	test "$(sha256sum <"$VN_TMP/got8" | cut -d' ' -f1)" = "$want8"
code=$(ip netns exec t6-a curl -s -o /dev/null -m 10 -w '%{http_code}' "http://10.0.61.1/8m.bin" || true)
vn_check "the IPv6-only server does not answer on IPv4 (got '$code')" test "$code" = 000

# The proxy: an IPv6 front to an IPv4 backend, and the reverse.
ip netns exec t6-b "$PY" -m http.server -d "$WWW" -b 10.0.62.2 9090 >"$VN_TMP/http4.log" 2>&1 &
VN_PIDS+=($!)
ip netns exec t6-b "$PY" -m http.server -d "$WWW" -b 2001:db8:62::2 9091 >"$VN_TMP/http6.log" 2>&1 &
VN_PIDS+=($!)
for p in 9090 9091; do
	for _ in $(seq 6); do vn_wait_listen t6-b $p 2>/dev/null && break; done
done
vnctl test proxy server server-uri tcp://::/8080 client-uri tcp://10.0.62.2/9090
vnctl test proxy server server-uri tcp://10.0.61.1/8081 client-uri tcp://[2001:db8:62::2]/9091
vn_check "show proxy prints both servers" \
	bash -c 'grep -q "tcp://::/8080 -> tcp://10.0.62.2/9090" <<<"$1" &&
		grep -q "tcp://10.0.61.1/8081 -> tcp://2001:db8:62::2/9091" <<<"$1"' _ "$(vnctl show proxy 2>&1)"
rm -f "$VN_TMP/gotp"
ip netns exec t6-a curl -6 -g -s -m 60 -o "$VN_TMP/gotp" "http://[$A6]:8080/8m.bin" || true
vn_check "8 MB through the proxy, IPv6 front to IPv4 backend: SHA-256 matches" \
	test "$(sha256sum <"$VN_TMP/gotp" | cut -d' ' -f1)" = "$want8"
rm -f "$VN_TMP/gotp"
ip netns exec t6-a curl -s -m 60 -o "$VN_TMP/gotp" "http://10.0.61.1:8081/8m.bin" || true
vn_check "8 MB through the proxy, IPv4 front to IPv6 backend: SHA-256 matches" \
	test "$(sha256sum <"$VN_TMP/gotp" | cut -d' ' -f1)" = "$want8"

# Path MTU discovery: t6-d sits behind t6-a, a Linux router, on a link with
# an MTU of 1280; t6-d's route announces MSS 1440 all the same (advmss), so
# the echo's 1500-byte packets meet t6-a's packet too big; the engine lowers
# the connection's MSS and the bytes arrive. (Not a 1500-byte MTU on t6-d's
# end: a veth drops a frame above its peer's MTU without a word.)
ip netns add t6-d
VN_HOSTS+=(t6-d)
ip link add t6-d0 netns t6-a type veth peer name eth0 netns t6-d
ip netns exec t6-a sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.t6-d0.accept_dad=0
ip netns exec t6-d sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.eth0.accept_dad=0 \
	net.ipv6.conf.eth0.accept_ra=0
ip -n t6-a link set t6-d0 mtu 1280 up
ip -n t6-a -6 addr add 2001:db8:64::1/64 dev t6-d0 nodad
ip -n t6-d link set lo up
ip -n t6-d link set eth0 mtu 1280 up
ip -n t6-d -6 addr add 2001:db8:64::2/64 dev eth0 nodad
ip -n t6-d -6 route add default via 2001:db8:64::1 advmss 1440
vnctl ip route add 2001:db8:64::/64 via 2001:db8:61::2
ip netns exec t6-d ping -6 -c 2 -i 0.2 -W 2 $A6 >/dev/null || true
lowered0=$(vnctl show tcp stats | awk '/mss lowered by an icmp6 packet too big/ { print $1 }')
head -c 4M /dev/urandom >"$VN_TMP/blob4"
ip netns exec t6-d timeout 30 nc -6 -N $A6 7777 <"$VN_TMP/blob4" >"$VN_TMP/recv4d" || true
vn_check "4 MB echoed across a 1280-byte link come back intact ($(stat -c %s "$VN_TMP/recv4d") bytes)" \
	test "$(sha256sum <"$VN_TMP/recv4d" | cut -d' ' -f1)" = "$(sha256sum <"$VN_TMP/blob4" | cut -d' ' -f1)"
lowered=$(vnctl show tcp stats | awk '/mss lowered by an icmp6 packet too big/ { print $1 }')
vn_check "a packet too big lowered the connection's MSS (${lowered0:-0} -> ${lowered:-0})" \
	test "${lowered:-0}" -gt "${lowered0:-0}"

# A hand-made IPv6 SYN with a bad checksum: dropped by name in tcp6-input.
errors() {
	vnctl show errors | awk -v n="$1" -v r="$2" \
		'$2 == n { line = $0; sub(/^ *[0-9]+ +[^ ]+ +/, "", line); if (line == r) c = $1 } END { print c + 0 }'
}
before=$(errors tcp6-input "tcp bad checksum")
ip netns exec t6-a "$PY" -c '
import sys
from scapy.all import IPv6, TCP, send
send(IPv6(src="2001:db8:61::2", dst=sys.argv[1]) /
     TCP(sport=40001, dport=7777, flags="S", seq=1, chksum=0x1234), count=3, verbose=0)
' $A6
after=$before
for _ in $(seq 20); do
	after=$(errors tcp6-input "tcp bad checksum")
	[ "$after" -ge $((before + 3)) ] && break
	sleep 0.1
done
vn_check "3 IPv6 segments with a bad checksum dropped as 'tcp bad checksum' ($before -> $after)" \
	test "$after" -ge $((before + 3))
# Behind a destination-options header: a listener answers SYN-ACK, a
# closed port a reset, each without extension headers of its own.
out=$(ip netns exec t6-a "$PY" -c '
import sys, time
from scapy.all import AsyncSniffer, IPv6, IPv6ExtHdrDestOpt, TCP, send
sn = AsyncSniffer(iface="eth0", filter="ip6 and tcp and dst port 40003")
sn.start()
time.sleep(0.5)
for port in (7777, 12346):
    send(IPv6(src="2001:db8:61::2", dst=sys.argv[1]) / IPv6ExtHdrDestOpt() /
         TCP(sport=40003, dport=port, flags="S", seq=1000), verbose=0)
time.sleep(1.5)
for p in sn.stop():
    if p.haslayer(TCP):
        print(p[TCP].sport, p[TCP].flags, p[TCP].ack, p[IPv6].nh)
' $A6 2>&1) || true
echo "$out"
vn_check "a SYN behind a destination-options header gets a SYN-ACK" grep -q "^7777 SA 1001 6$" <<<"$out"
vn_check "... and to a closed port a reset" grep -q "^12346 RA 1001 6$" <<<"$out"
# From a link-local source: no route would carry the answer back.
ll=$(ip -n t6-a -6 addr show dev eth0 scope link |
	awk '/inet6/ { sub(/\/.*/, "", $2); print $2; exit }')
ip netns exec t6-a "$PY" -c '
import sys
from scapy.all import IPv6, TCP, send
send(IPv6(src=sys.argv[2], dst=sys.argv[1]) / TCP(sport=40002, dport=7777, flags="S", seq=1),
     iface="eth0", count=2, verbose=0)
' $A6 "$ll"
n=0
for _ in $(seq 20); do
	n=$(errors tcp6-input "tcp to or from a link-local address (not supported)")
	[ "$n" -ge 2 ] && break
	sleep 0.1
done
vn_check "SYNs from a link-local source ($ll) dropped by name ($n)" test "$n" -ge 2

vnctl show errors | grep -i -E "tcp|session" || true
vn_engine_stop
vn_check "engine exits 0 (every mbuf returned)" test "$VN_ENGINE_RC" -eq 0

# Two workers, two RX queues per interface: IPv6 flows spread by RSS reach
# their connection's owner through tcp6-input's handoff queue.
vn_log "again on two workers"
{
	VN_WORKERS="[0, 1]" vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:t6-a-r", rx-queues: 2, addresses: [10.0.61.1/24, $A6/64] }
  - { name: lan1, device: "host:t6-b-r", rx-queues: 2, addresses: [10.0.62.1/24, $B6/64] }
ip6-nd: { dad-transmits: 0 }
tcp:
  enable: true
  time-wait-ms: 5000
  listen:
    - { app: echo-server, uri: "tcp://::/7777" }
EOT
} >"$CFG"
vn_engine_start "$CFG"
ip netns exec t6-a ping -6 -c 2 -i 0.2 -W 2 $A6 >/dev/null || true
ip netns exec t6-b ping -6 -c 2 -i 0.2 -W 2 $B6 >/dev/null || true
out=$(ip netns exec t6-a timeout 150 "$PY" "$VN_SRC/tests/integration/tcp_echo.py" clients \
	$A6 7777 100 20000 2>&1) || true
vn_check "100 concurrent Linux IPv6 clients get their bytes back ($out)" test "$out" = "ok 100"
out=$(vnctl test echo clients nclients 100 bytes 20000 uri tcp://2001:db8:62::2/5000 2>&1) || true
vn_check "100 engine IPv6 clients on two workers complete" \
	grep -q "100 complete, 0 failed, 0 corrupt$" <<<"$out"
sess=$(vnctl show session)
vn_check "show session prints IPv6 connections as [addr]:port" \
	grep -q "^\[[0-9]\] \[2001:db8:62::1\]:[0-9]* -> \[2001:db8:62::2\]:5000 " <<<"$sess"
for t in 1 2; do
	n=$(awk -v t="thread $t:" 'index($0, t) == 1 { print $3 }' <<<"$sess")
	vn_check "worker thread $t owns IPv6 connections (${n:-0})" test "${n:-0}" -gt 0
done
errs=$(vnctl show errors)
handed=$(awk '/tcp6-input/ && /handed to their owner/ { print $1 }' <<<"$errs")
vn_check "IPv6 segments reached their owner through handoff (${handed:-0})" test "${handed:-0}" -gt 0
vn_check "no handoff ring overflowed" bash -c '! grep -q "handoff ring full" <<<"$1"' _ "$errs"
# Packets too big arrive on the queue RSS picks for the router's address,
# whichever worker owns the connection: they are handed to the owner.
vnctl ip route add 2001:db8:64::/64 via 2001:db8:61::2
ip netns exec t6-d ping -6 -c 2 -i 0.2 -W 2 $A6 >/dev/null || true
head -c 1M /dev/urandom >"$VN_TMP/blob1"
want1=$(sha256sum <"$VN_TMP/blob1" | cut -d' ' -f1)
pids=()
for i in $(seq 10); do
	ip netns exec t6-d timeout 30 nc -6 -N $A6 7777 <"$VN_TMP/blob1" >"$VN_TMP/recv1.$i" &
	pids+=($!)
done
wait "${pids[@]}" || true
good=0
for i in $(seq 10); do
	[ "$(sha256sum <"$VN_TMP/recv1.$i" | cut -d' ' -f1)" = "$want1" ] && good=$((good + 1))
done
vn_check "10 echoes of 1 MB across the 1280-byte link on two workers intact ($good)" test "$good" -eq 10
st=$(vnctl show tcp stats)
handed=$(awk '/packets too big handed/ { print $1 }' <<<"$st")
lowered=$(awk '/mss lowered by an icmp6 packet too big/ { print $1 }' <<<"$st")
vn_check "each connection's MSS lowered (${lowered:-0})" test "${lowered:-0}" -ge 10
vn_check "packets too big handed to the owning worker (${handed:-0})" test "${handed:-0}" -gt 0
vn_engine_stop
vn_check "engine exits 0 (every mbuf returned)" test "$VN_ENGINE_RC" -eq 0
vn_finish
