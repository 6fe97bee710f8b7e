#!/usr/bin/env bash
# The TCP host stack against Linux peers over a host interface with Linux's
# default offloads on: nc moves 50 MB through the engine's echo server and
# gets every byte back; a SYN to a port nobody listens on is refused with a
# reset; the engine's echo client opens connections to a Linux echo server
# (active open) and checks every byte; hundreds of concurrent connections
# in both directions; no segment dropped for a bad checksum; no mbuf leaked.
source "$(dirname "$0")/lib.sh"
vn_init tcp
PY=$(command -v python3)

vn_host tc-a 10.0.1.2/24 10.0.1.1

CFG=$VN_TMP/tcp.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:tc-a-r", addresses: [10.0.1.1/24] }
EOT
} >"$CFG"
vn_engine_start "$CFG"

out=$(vnctl test echo server uri tcp://0.0.0.0/7777 2>&1) || true
vn_check "listening needs the session layer enabled" grep -q "session enable" <<<"$out"
vnctl session enable
vnctl test echo server uri tcp://0.0.0.0/7777
vnctl test echo server uri tcp://10.0.1.1/9 discard
vnctl set tcp time-wait-ms 5000
vn_check "set tcp changes a setting" grep -q "^time-wait-ms  *5000$" <<<"$(vnctl show tcp config)"
out=$(vnctl set tcp rx-fifo-size 1000 2>&1) || true
vn_check "set tcp refuses a FIFO size that is no power of two" grep -q "power of two" <<<"$out"
out=$(vnctl show session)
vn_check "show session lists the echo listener" grep -q "listen 0.0.0.0:7777 app echo-server" <<<"$out"

# Passive open, bulk data both ways, bytes compared.
head -c 50M /dev/urandom >"$VN_TMP/blob"
want=$(sha256sum <"$VN_TMP/blob" | cut -d' ' -f1)
t0=$(date +%s.%N)
ip netns exec tc-a timeout 60 nc -N 10.0.1.1 7777 <"$VN_TMP/blob" >"$VN_TMP/recv" || true
vn_log "echo of 50 MB took $(echo "$(date +%s.%N) - $t0" | bc) s"
got=$(sha256sum <"$VN_TMP/recv" | cut -d' ' -f1)
vn_check "50 MB through the echo server come back intact ($(stat -c %s "$VN_TMP/recv") bytes)" \
	test "$got" = "$want"
ip netns exec tc-a timeout 30 nc -N 10.0.1.1 9 <"$VN_TMP/blob" >/dev/null
vn_check "50 MB to the discard server" test $? -eq 0

# Nobody listens on 12345: the SYN is answered with a reset at once.
vnctl clear trace >/dev/null
vnctl trace add host-input 10
if ip netns exec tc-a timeout 5 nc -z -w 3 10.0.1.1 12345 2>/dev/null; then
	vn_fail "a connection to a closed port succeeded"
else
	vn_pass "a connection to a closed port is refused"
fi
stats=$(vnctl show errors)
vn_check "the refusal is a counted reset" grep -q "resets sent: no listener" <<<"$stats"
tr=$(vnctl show trace)
vn_check "the trace shows the SYN to port 12345 in tcp4-input" \
	grep -q "tcp: [0-9]* -> 12345 SYN seq" <<<"$tr"
vn_check "the trace shows the reset leaving tcp4-output" \
	grep -q "tcp: 12345 -> [0-9]* RST ACK seq 0 ack" <<<"$tr"
vnctl clear trace >/dev/null

# Many Linux clients at once.
out=$(ip netns exec tc-a timeout 150 "$PY" "$VN_SRC/tests/integration/tcp_echo.py" clients \
	10.0.1.1 7777 300 20000 2>&1) || true
vn_check "300 concurrent Linux clients get their bytes back ($out)" test "$out" = "ok 300"

# Active open: the engine's echo client against a Linux echo server.
ip netns exec tc-a "$PY" "$VN_SRC/tests/integration/tcp_echo.py" server 5000 &
VN_PIDS+=($!)
vn_wait_listen tc-a 5000
out=$(vnctl test echo clients nclients 1 bytes 10000000 uri tcp://10.0.1.2/5000 2>&1) || true
echo "$out"
vn_check "one engine client moves 10 MB to Linux and back" \
	grep -q "1 clients, 10000000 bytes each: 1 complete, 0 failed, 0 corrupt$" <<<"$out"
out=$(vnctl test echo clients nclients 1000 bytes 20000 uri tcp://10.0.1.2/5000 2>&1) || true
echo "$out"
vn_check "1000 concurrent engine clients complete" \
	grep -q "1000 clients, 20000 bytes each: 1000 complete, 0 failed, 0 corrupt$" <<<"$out"
out=$(vnctl test echo clients nclients 10 bytes 64 rounds 500 uri tcp://10.0.1.2/5000 2>&1) || true
echo "$out"
vn_check "request/response: 10 clients, 500 rounds of 64 bytes each, all checked" \
	grep -q "10 clients, 500 rounds of 64 bytes each: 10 complete, 0 failed, 0 corrupt$" <<<"$out"
vn_check "transactions/s reported" grep -Eq "[0-9.]+ transactions/s" <<<"$out"
tw=$(vnctl show session state time_wait)
n_tw=$(grep -c " TIME_WAIT " <<<"$tw" || true)
vn_check "the engine closed first: its connections wait in TIME_WAIT ($n_tw)" test "$n_tw" -ge 1000
other=$(grep " -> " <<<"$tw" | grep -vc " TIME_WAIT " || true)
vn_check "show session state lists that state only ($other others)" test "$other" -eq 0
# TIME_WAIT lasts 5 s here: the wait below is far shorter, so only the
# command can empty the table in time.
vnctl clear session
n=1
for _ in $(seq 10); do
	n=$(vnctl show tcp stats | awk '/ connections$/ { print $1 }')
	[ "$n" = 0 ] && break
	sleep 0.1
done
vn_check "clear session ends every connection ($n left)" test "$n" = 0
vn_check "the listeners stay" grep -q "listen 0.0.0.0:7777 app echo-server" <<<"$(vnctl show session)"
out=$(vnctl test echo clients nclients 1 bytes 1000 uri tcp://10.0.1.2/5001 2>&1) || true
vn_check "a client to a closed Linux port fails (reset)" grep -q "0 complete, 1 failed" <<<"$out"

errs=$(vnctl show errors)
vn_check "no segment failed its checksum" bash -c '! grep -q "tcp bad checksum" <<<"$1"' _ "$errs"
vnctl show tcp stats
vnctl show errors | grep -i -E "tcp|session" || true

vn_engine_stop
vn_check "engine exits 0 (every mbuf returned)" test "$VN_ENGINE_RC" -eq 0
vn_finish
