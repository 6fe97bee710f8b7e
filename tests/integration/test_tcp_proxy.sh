#!/usr/bin/env bash
# The TCP proxy plugin on two workers, between a Linux client namespace and
# two Linux backend namespaces (python http.server and a half-close server):
# a 100 MB curl download through the proxy arrives sha256-identical; a slow
# reader holds the backend back (bytes through the proxy stay bounded) and
# its reset reaches the backend; nc's half-close reaches the backend, which
# sees EOF and still answers; a refused backend and one that never answers
# give the client a reset, each counted under its reason; connections
# alternate over two backends; both workers own proxied connections; no
# pair and no mbuf left at the end; the Lua functions start, count and stop.
# Again on the ASan/UBSan engine when build-debug/ has it (make debug).
source "$(dirname "$0")/lib.sh"
vn_init px
PY=$(command -v python3)
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3 # starts faster than a shim
for t in curl nc; do command -v $t >/dev/null || { echo "missing tool: $t" >&2; exit 1; }; done

vn_host px-c 10.0.1.2/24 10.0.1.1
vn_host px-b1 10.0.2.2/24 10.0.2.1
vn_host px-b2 10.0.3.2/24 10.0.3.1

# Backends: the same 100 MB file (hard links), and a file naming the backend.
for b in 1 2; do mkdir -p "$VN_TMP/www$b"; echo "b$b" >"$VN_TMP/www$b/who"; done
head -c 100M /dev/urandom >"$VN_TMP/www1/big"
ln "$VN_TMP/www1/big" "$VN_TMP/www2/big"
want=$(sha256sum <"$VN_TMP/www1/big" | cut -d' ' -f1)
for b in 1 2; do
	ip netns exec px-b$b "$PY" -m http.server -d "$VN_TMP/www$b" -b 10.0.$((b + 1)).2 80 \
		>"$VN_TMP/http$b.log" 2>&1 &
	VN_PIDS+=($!)
done
# Reads to EOF, then answers how much it got, then closes: only a FIN that
# reached it, with the write side still open, lets the client hear it. One
# connection at a time: the backlog holds the others (section 7 opens 16 at
# once; with a backlog of 8 Linux dropped the last SYNs, and the proxy's
# connects from whichever worker sent them timed out).
ip netns exec px-b1 "$PY" -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.0.2.2", 9000)); s.listen(64)
while True:
    c, _ = s.accept(); n = 0
    while True:
        d = c.recv(65536)
        if not d: break
        n += len(d)
    c.sendall(b"got %d bytes after EOF\n" % n); c.close()
' >"$VN_TMP/half.log" 2>&1 &
VN_PIDS+=($!)
# Up to 30 s: Python starts slowly on a machine busy compiling.
px_wait_listen() {
	for _ in $(seq 6); do vn_wait_listen "$@" 2>/dev/null && return 0; done
	echo "nothing listens on $1:$2" >&2
	return 1
}
px_wait_listen px-b1 80
px_wait_listen px-b2 80
px_wait_listen px-b1 9000

# Connects (the proxy completes the handshake itself), then waits for what
# comes: "reset" when the connection is reset.
RST_CLIENT='
import socket, sys
try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=15)
    d = s.recv(100)
    print("eof" if not d else "data")
except ConnectionResetError:
    print("reset")
except ConnectionRefusedError:
    print("refused")
'

# run_scenario BUILD LABEL: everything after the Linux hosts, on one engine.
run_scenario() {
	local build=$1 label=$2
	vn_log "scenario on the $label engine"
	CFG=$VN_TMP/px.yaml
	{
		VN_WORKERS="[0, 1]" VN_BUILD=$build vn_config_base
		cat <<EOT
interfaces:
  - { name: lan0, device: "host:px-c-r", rx-queues: 2, addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:px-b1-r", rx-queues: 2, addresses: [10.0.2.1/24] }
  - { name: lan2, device: "host:px-b2-r", rx-queues: 2, addresses: [10.0.3.1/24] }
tcp:
  enable: true
  time-wait-ms: 2000
tcp-proxy:
  servers:
    - server-uri: tcp://0.0.0.0/8080
      client-uris: [tcp://10.0.2.2/80, tcp://10.0.3.2/80]
EOT
	} >"$CFG"
	VN_BUILD=$build vn_engine_start "$CFG"
	vnctl test proxy server server-uri tcp://10.0.1.1/9001 client-uri tcp://10.0.2.2/9000
	vnctl test proxy server server-uri tcp://10.0.1.1/9002 client-uri tcp://10.0.2.2/9999
	vn_check "a second server on a busy URI is refused" \
		bash -c '! "$1" -s "$2" test proxy server server-uri tcp://10.0.1.1/9002 client-uri tcp://10.0.2.2/1 2>/dev/null' \
		_ "$VN_BUILD/vecnetctl" "$VN_SOCK"
	# Neighbours first, so the first SYNs do not wait for ARP.
	ip netns exec px-c ping -c 2 -i 0.2 -W 2 10.0.1.1 >/dev/null || true
	vnctl ping 10.0.2.2 repeat 1 >/dev/null 2>&1 || true
	vnctl ping 10.0.3.2 repeat 1 >/dev/null 2>&1 || true

	# 1. 100 MB through the proxy, intact.
	got=$(ip netns exec px-c timeout 120 curl -sS http://10.0.1.1:8080/big | sha256sum | cut -d' ' -f1)
	vn_check "100 MB through the proxy arrive sha256-identical" test "$got" = "$want"

	# 2. Round-robin: consecutive connections alternate over the two backends.
	for i in $(seq 10); do
		ip netns exec px-c timeout 10 curl -sS http://10.0.1.1:8080/who || echo fail
	done >"$VN_TMP/who"
	n1=$(grep -c '^b1$' "$VN_TMP/who" || true)
	n2=$(grep -c '^b2$' "$VN_TMP/who" || true)
	vn_check "10 connections alternate over two backends (b1 $n1, b2 $n2)" test "$n1" -eq 5 -a "$n2" -eq 5
	vn_check "consecutive connections change backend" \
		bash -c '! uniq -d "$1" | grep -q .' _ "$VN_TMP/who"

	# 3. Half-close: nc -N shuts its write side; the backend sees EOF and answers.
	out=$(printf 'hello' | ip netns exec px-c timeout 10 nc -N 10.0.1.1 9001) || true
	vn_check "half-close reaches the backend, which still answers ('$out')" \
		test "$out" = "got 5 bytes after EOF"
	head -c 3M /dev/urandom >"$VN_TMP/up"
	out=$(ip netns exec px-c timeout 30 nc -N 10.0.1.1 9001 <"$VN_TMP/up") || true
	vn_check "3 MB then the FIN, all before it ('$out')" test "$out" = "got 3145728 bytes after EOF"


	# 4. A refused backend: the client is reset, and the reason is counted.
	err=$(ip netns exec px-c timeout 10 "$PY" -c "$RST_CLIENT" 10.0.1.1 9002 2>&1) || true
	vn_check "a refused backend resets the client ($err)" test "$err" = reset
	show=$(vnctl show proxy)
	echo "$show"
	vn_check "the refusal is counted" \
		bash -c 'grep -A3 "tcp://10.0.1.1/9002" <<<"$1" | grep -q "refused 1 "' _ "$show"

	# 5. A backend that never answers (no ARP reply): reset after the SYNs.
	vnctl set tcp max-syn-retransmissions 1
	vnctl set tcp rto-initial-ms 300
	vnctl test proxy server server-uri tcp://10.0.1.1/9003 client-uri tcp://10.0.2.99/80
	err=$(ip netns exec px-c timeout 20 "$PY" -c "$RST_CLIENT" 10.0.1.1 9003 2>&1) || true
	vn_check "a silent backend resets the client ($err)" test "$err" = reset
	vn_check "the timeout is counted" \
		bash -c 'grep -A3 "tcp://10.0.1.1/9003" <<<"$1" | grep -q "timeout 1 "' _ "$(vnctl show proxy)"

	# 6. A slow reader: the backend is held back through the windows, nothing
	# piles up in the engine; then the client's reset ends both connections.
	ip netns exec px-c timeout 6 curl -sS --limit-rate 500K -o /dev/null \
		http://10.0.1.1:8080/big 2>/dev/null &
	slow=$!
	sleep 3
	before=$(vnctl show proxy | awk '/tcp:\/\/0.0.0.0\/8080/ { on = 1 } on && /bytes:/ { print $5; exit }')
	sleep 2
	after=$(vnctl show proxy | awk '/tcp:\/\/0.0.0.0\/8080/ { on = 1 } on && /bytes:/ { print $5; exit }')
	moved=$((after - before))
	vn_check "a slow reader holds the backend back ($moved bytes in 2 s at 500 KB/s)" \
		test "$moved" -lt $((16 * 1024 * 1024))
	active=$(vnctl show proxy | awk '/tcp:\/\/0.0.0.0\/8080/ { on = 1 } on && /active/ { print $3; exit }')
	vn_check "the slow download is one active connection ($active)" test "$active" = 1
	wait $slow 2>/dev/null || true # timeout ends curl: its socket, unread bytes in it, sends RST

	# 7. Both workers own proxied connections: 16 held open at once.
	held=()
	for i in $(seq 16); do
		(sleep 3 | ip netns exec px-c timeout 10 nc 10.0.1.1 9001 >/dev/null 2>&1) &
		held+=($!)
	done
	sleep 1.5
	sess=$(vnctl show session)
	for t in 1 2; do
		n=$(awk -v t="thread $t:" 'index($0, t) == 1 { print $3 }' <<<"$sess")
		vn_check "worker thread $t owns proxied connections (${n:-0})" test "${n:-0}" -gt 0
	done
	wait "${held[@]}" || true

	# Everything closed: no pair left (the client's reset reached the pair).
	for _ in $(seq 50); do
		show=$(vnctl show proxy)
		! grep -q "active [1-9]" <<<"$show" && break
		sleep 0.2
	done
	echo "$show"
	vn_check "no pair left open" bash -c '! grep -q "active [1-9]" <<<"$1"' _ "$show"
	vn_check "the big download is counted backend-to-client" \
		bash -c 'awk "/0.0.0.0\\/8080/ { on = 1 } on && /bytes:/ { exit !(\$5 >= 104857600) }" <<<"$1"' _ "$show"

	# Lua: the same servers and counters.
	vnctl lua eval "vecnet.proxy_server('tcp://10.0.1.1/9004', {'tcp://10.0.2.2/9000'})" >/dev/null
	out=$(printf 'lua' | ip netns exec px-c timeout 10 nc -N 10.0.1.1 9004) || true
	vn_check "a server started from Lua proxies ('$out')" test "$out" = "got 3 bytes after EOF"
	out=$(vnctl lua eval "local t = vecnet.proxy_stats('tcp://10.0.1.1/9004') return t.total .. ' ' .. t.bytes_up .. ' ' .. t.failures.refused")
	vn_check "vecnet.proxy_stats counts it ('$out')" test "$out" = "1 3 0"
	vnctl lua eval "vecnet.proxy_server('tcp://10.0.1.1/9004', nil, {stop = true})" >/dev/null
	vn_check "vecnet.proxy_server stops it" bash -c '! grep -q 9004 <<<"$1"' _ "$(vnctl show proxy)"

	vnctl test proxy server server-uri tcp://10.0.1.1/9001 stop
	err=$(ip netns exec px-c timeout 10 "$PY" -c "$RST_CLIENT" 10.0.1.1 9001 2>&1) || true
	vn_check "a stopped server refuses ($err)" test "$err" = refused

	vn_engine_stop
	vn_check "engine exits 0 (every mbuf returned)" test "$VN_ENGINE_RC" -eq 0
}

run_scenario "$VN_BUILD" release
if [ -x "${VN_DEBUG_BUILD:-}/vecnet" ] && [ -f "${VN_DEBUG_BUILD:-}/plugins/tcp_proxy_plugin.so" ]; then
	run_scenario "$VN_DEBUG_BUILD" sanitized
else
	echo "note: no sanitizer build at VN_DEBUG_BUILD='${VN_DEBUG_BUILD:-}'; run 'make debug' to include it"
fi
vn_finish
