#!/usr/bin/env bash
# The host stack's control from YAML, Lua and the CLI, on two workers:
#  - tcp.listen / tcp.connect open listeners and connections of registered
#    applications (here the built-in echo-server, which also echoes on an
#    active open), tcp.max-connections sizes each thread's table; bad URIs
#    are refused at load (FILE:LINE:COL), an unknown app at start-up;
#  - vecnet.session_listen / session_connect do the same from Lua;
#  - show session lists the workers' connections (copied by each worker),
#    with its thread and state filters;
#  - trace shows a connection's state after each segment, and the stack's
#    own segments (trace add session-queue);
#  - the echo client keeps to its concurrency limit;
#  - a full table drops SYNs under a named reason.
source "$(dirname "$0")/lib.sh"
vn_init tbctl
PY=$(command -v python3)
PEER="$VN_SRC/tests/integration/tcp_control.py"

vn_host tb-c 10.0.1.2/24 10.0.1.1

# ---- refused at load, refused at start ----------------------------------------------------
BAD=$VN_TMP/bad.yaml
cat >"$BAD" <<EOT
tcp:
  enable: true
  listen:
    - { app: echo-server, uri: "tcp://0.0.0.0" }
  connect:
    - { app: echo-server, uri: "tcp://0.0.0.0/80" }
EOT
out=$("$VN_BUILD/vecnet" -c "$BAD" --check 2>&1) && rc=0 || rc=$?
echo "$out"
vn_check "--check refuses a listen URI without a port, at its line" \
	grep -q "bad.yaml:4:[0-9]*: tcp.listen\[0\].uri: 'tcp://0.0.0.0' is not tcp://ADDR/PORT" <<<"$out"
vn_check "--check refuses a connect to 0.0.0.0" grep -q "bad.yaml:6:.*tcp.connect\[0\].uri" <<<"$out"
vn_check "--check exits 1" test "$rc" -eq 1

NOAPP=$VN_TMP/noapp.yaml
{
	vn_config_base
	cat <<EOT
tcp:
  enable: true
  listen:
    - { app: echo-server, uri: "tcp://0.0.0.0/7" }
    - { app: no-such-app, uri: "tcp://0.0.0.0/8" }
EOT
} >"$NOAPP"
out=$(timeout 30 "$VN_BUILD/vecnet" -c "$NOAPP" 2>&1) && rc=0 || rc=$?
vn_check "an unknown app fails the start (rc $rc) naming the entry" \
	bash -c '[ "$1" -eq 1 ] && grep -q "noapp.yaml:16:7: tcp.listen\[1\]: no application .no-such-app." <<<"$2"' \
	_ "$rc" "$out"

# ---- the engine: two workers, listeners and a connection from YAML -------------------------
ip netns exec tb-c "$PY" "$PEER" accept 6000 1 >"$VN_TMP/yaml-peer.out" 2>&1 &
VN_PIDS+=($!)
vn_wait_listen tb-c 6000
CFG=$VN_TMP/ctl.yaml
{
	VN_WORKERS="[0, 1]" vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:tb-c-r", rx-queues: 2, addresses: [10.0.1.1/24] }
tcp:
  enable: true
  max-connections: 64
  time-wait-ms: 2000
  listen:
    - { app: echo-server, uri: "tcp://0.0.0.0/7777" }
    - { app: discard-server, uri: "tcp://10.0.1.1/9" }
  connect:
    - { app: echo-server, uri: "tcp://10.0.1.2/6000", thread: 2 }
EOT
} >"$CFG"
vn_engine_start "$CFG"
vn_check "tcp.max-connections is in force" grep -q "^max-connections  *64 " <<<"$(vnctl show tcp config)"
sess=$(vnctl show session)
vn_check "tcp.listen opened both listeners" bash -c \
	'grep -q "^listen 0.0.0.0:7777 app echo-server$" <<<"$1" && grep -q "^listen 10.0.1.1:9 app discard-server$" <<<"$1"' _ "$sess"
for _ in $(seq 100); do kill -0 "${VN_PIDS[-1]}" 2>/dev/null || break; sleep 0.1; done
vn_check "tcp.connect opened a connection that the app serves ($(cat "$VN_TMP/yaml-peer.out"))" \
	grep -q "^ok 1$" "$VN_TMP/yaml-peer.out"

# ---- Lua: listen and connect for a registered app ------------------------------------------
ip netns exec tb-c "$PY" "$PEER" accept 6001 2 >"$VN_TMP/lua-peer.out" 2>&1 &
VN_PIDS+=($!)
vn_wait_listen tb-c 6001
cat >"$VN_TMP/s.lua" <<EOT
vecnet.session_listen("discard-server", "tcp://0.0.0.0/7000")
vecnet.session_connect("echo-server", "tcp://10.0.1.2/6001", 1)
vecnet.session_connect("echo-server", "tcp://10.0.1.2/6001", 2)
EOT
vnctl exec "$VN_TMP/s.lua"
vn_check "Lua's session_listen opened a listener" grep -q "^listen 0.0.0.0:7000 app discard-server$" \
	<<<"$(vnctl show session)"
for _ in $(seq 100); do kill -0 "${VN_PIDS[-1]}" 2>/dev/null || break; sleep 0.1; done
vn_check "Lua's session_connect opened a connection on each worker ($(cat "$VN_TMP/lua-peer.out"))" \
	grep -q "^ok 2$" "$VN_TMP/lua-peer.out"
echo 'vecnet.session_listen("no-such-app", "tcp://0.0.0.0/7001")' >"$VN_TMP/bad.lua"
out=$(vnctl exec "$VN_TMP/bad.lua" 2>&1) || true
vn_check "Lua names an unknown app" grep -q "session_listen: no application 'no-such-app'" <<<"$out"
echo 'vecnet.session_connect("echo-server", "tcp://10.0.1.2")' >"$VN_TMP/bad2.lua"
out=$(vnctl exec "$VN_TMP/bad2.lua" 2>&1) || true
vn_check "Lua names a bad URI" grep -q "uri is tcp://ADDR/PORT" <<<"$out"

# ---- show session lists the workers' connections ------------------------------------------
ip netns exec tb-c bash -c 'for i in $(seq 20); do sleep 6 | timeout 20 nc -N 10.0.1.1 7777 >/dev/null & done; wait' &
VN_PIDS+=($!)
for _ in $(seq 50); do
	n=$(vnctl show session state ESTABLISHED | grep -c ":7777 -> 10.0.1.2:" || true)
	[ "$n" -ge 20 ] && break
	sleep 0.1
done
sess=$(vnctl show session state ESTABLISHED)
echo "$sess" | head -8
vn_check "show session lists the 20 connections of the workers ($n)" test "$n" -eq 20
n1=$(vnctl show session thread 1 | grep -c "^\[1\] 10.0.1.1:7777" || true)
n2=$(vnctl show session thread 2 | grep -c "^\[2\] 10.0.1.1:7777" || true)
vn_check "thread 1 and 2 list their own ($n1 + $n2)" test $((n1 + n2)) -eq 20 -a "$n1" -gt 0 -a "$n2" -gt 0
vn_check "a state filter lists none in SYN_SENT" bash -c '! grep -q " SYN_SENT " <<<"$1"' _ \
	"$(vnctl show session state SYN_SENT)"
vn_check "verbose shows a worker connection's details" grep -q "app echo-server snd_una" \
	<<<"$(vnctl show session verbose thread 1)"

# ---- trace: the state after each segment, and the stack's own segments --------------------
# One input node is traced at a time. A segment handed to the other worker
# is not traced there: new connections until one lands on its owner.
for i in $(seq 10); do
	vnctl clear trace
	vnctl trace add host-input 20
	echo "trace me $i" | ip netns exec tb-c timeout 5 nc -N 10.0.1.1 7777 >"$VN_TMP/trace-echo" || true
	sleep 0.3
	tr=$(vnctl show trace)
	grep -q "tcp: connection now" <<<"$tr" && break
done
vn_check "the echo came back while tracing" grep -q "trace me" "$VN_TMP/trace-echo"
vn_check "tcp4-input shows the connection's state after a segment (try $i)" \
	grep -Eq "tcp: connection now (SYN_RCVD|ESTABLISHED|CLOSE_WAIT|LAST_ACK|CLOSED)" <<<"$tr"
vnctl clear trace
vnctl trace add session-queue 40
echo "trace me too" | ip netns exec tb-c timeout 5 nc -N 10.0.1.1 7777 >/dev/null || true
sleep 0.5
tr=$(vnctl show trace)
vn_check "the stack's own segments are traced from session-queue through tcp4-output" bash -c \
	'grep -q "session-queue" <<<"$1" && grep -q "tcp4-output" <<<"$1" && grep -q "port-tx\|host-output\|interface-output" <<<"$1"' _ "$tr"
vnctl clear trace

# ---- the echo client's concurrency limit --------------------------------------------------
ip netns exec tb-c "$PY" "$PEER" maxconc 6002 30 >"$VN_TMP/conc.out" 2>&1 &
VN_PIDS+=($!)
vn_wait_listen tb-c 6002
out=$(vnctl test echo clients nclients 30 bytes 2000 concurrency 3 timeout 30 uri tcp://10.0.1.2/6002 2>&1) || true
vn_check "30 clients with concurrency 3 complete" grep -q "30 complete, 0 failed, 0 corrupt$" <<<"$out"
for _ in $(seq 50); do kill -0 "${VN_PIDS[-1]}" 2>/dev/null || break; sleep 0.1; done
read -r _ most _ served <"$VN_TMP/conc.out" || true
vn_check "at most 3 were open at once (${most:-?}, ${served:-?} served)" test "${most:-99}" -le 3 -a "${served:-0}" -eq 30

# ---- a full table: SYNs dropped under a named reason --------------------------------------
wait "${VN_PIDS[-1]}" 2>/dev/null || true
sleep 2.5 # TIME_WAIT of the closed ones over
vnctl clear errors
opened=$(ip netns exec tb-c timeout 20 "$PY" "$PEER" hold 10.0.1.1 7777 200 3)
full=$(vnctl show errors | awk '/tcp4-input/ && /connection table full/ { s += $1 } END { print s + 0 }')
vn_check "at most 2 x 64 connections opened ($opened of 200)" test "$opened" -le 128 -a "$opened" -gt 0
vn_check "SYNs beyond the table are counted: tcp connection table full ($full)" test "$full" -gt 0

vn_engine_stop
vn_check "engine exits 0 (every mbuf returned)" test "$VN_ENGINE_RC" -eq 0
vn_finish
