#!/usr/bin/env bash
# Malformed and out-of-place segments from a Linux host (raw socket) to the
# echo server (started from the tcp: section; a discard server from Lua): each is dropped under its own name in `show errors` (or
# answered with a reset where RFC 9293 says so), nothing crashes, and the
# server still serves a real client afterwards; no mbuf leaked.
source "$(dirname "$0")/lib.sh"
vn_init tcph
PY=$(command -v python3)

vn_host tc-h 10.0.1.2/24 10.0.1.1

CFG=$VN_TMP/tcph.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:tc-h-r", addresses: [10.0.1.1/24] }
tcp:
  enable: true
  echo-servers: ["tcp://0.0.0.0/7777"]
EOT
} >"$CFG"
vn_engine_start "$CFG"
vn_check "the tcp: section started the echo server" \
	grep -q "listen 0.0.0.0:7777 app echo-server" <<<"$(vnctl show session)"
# From Lua: a discard server, and a bad URI refused.
vnctl lua eval 'vecnet.echo_server("tcp://0.0.0.0/7778", {discard = true})'
vn_check "Lua started a discard server" \
	grep -q "listen 0.0.0.0:7778 app discard-server" <<<"$(vnctl show session)"
out=$(vnctl lua eval 'vecnet.echo_server("tcp:/nowhere")' 2>&1) || true
vn_check "Lua refuses a bad URI" grep -q "uri is tcp://ADDR/PORT" <<<"$out"
ip netns exec tc-h ping -c 2 -i 0.2 -W 2 10.0.1.1 >/dev/null || true

# errors NODE REASON: the count of that reason in show errors (0 if absent).
errors() {
	vnctl show errors | awk -v n="$1" -v r="$2" \
		'$2 == n { line = $0; sub(/^ *[0-9]+ +[^ ]+ +/, "", line); if (line == r) c = $1 } END { print c + 0 }'
}
send() { ip netns exec tc-h "$PY" "$VN_SRC/tests/integration/tcp_hostile.py" 10.0.1.2 10.0.1.1 7777 "$1" 5; }

check_case() { # CASE NODE REASON
	local before after
	before=$(errors "$2" "$3")
	send "$1"
	sleep 0.3
	after=$(errors "$2" "$3")
	vn_check "$1: 5 segments counted as '$3' ($before -> $after)" test "$after" -eq $((before + 5))
}
check_case badsum tcp4-input "tcp bad checksum"
check_case offset tcp4-input "tcp data offset out of bounds"
check_case optrun tcp4-input "tcp malformed options"
check_case optzero tcp4-input "tcp malformed options"
check_case synfin tcp4-input "tcp syn with fin"
check_case synrst tcp4-input "tcp syn with rst"
check_case rst tcp4-input "tcp rst for no connection"
check_case ack tcp4-input "resets sent: ack to a listener"
# A SYN from our own address (LAND) and one to the subnet's broadcast.
before=$(errors tcp4-input "tcp from invalid source")
ip netns exec tc-h "$PY" "$VN_SRC/tests/integration/tcp_hostile.py" 10.0.1.1 10.0.1.1 7777 syn 5
sleep 0.3
after=$(errors tcp4-input "tcp from invalid source")
vn_check "LAND: SYNs from our own address dropped as 'tcp from invalid source' ($before -> $after)" \
	test "$after" -eq $((before + 5))
# The subnet's broadcast is no address of ours: the router drops it before
# the stack (ip4-arp), by name, and nothing answers.
before=$(errors ip4-arp "target is broadcast or multicast")
ip netns exec tc-h "$PY" "$VN_SRC/tests/integration/tcp_hostile.py" 10.0.1.2 10.0.1.255 7777 syn 5
sleep 0.3
after=$(errors ip4-arp "target is broadcast or multicast")
vn_check "SYNs to the subnet broadcast dropped by name, not answered ($before -> $after)" \
	test "$after" -eq $((before + 5))
vn_check "no half-open connection was made by any of them" \
	grep -q "^ *0 connections$" <<<"$(vnctl show tcp stats)"

out=$(echo "still here" | ip netns exec tc-h timeout 10 nc -N 10.0.1.1 7777) || true
vn_check "the echo server still serves ('$out')" test "$out" = "still here"

vn_engine_stop
vn_check "engine exits 0 (every mbuf returned)" test "$VN_ENGINE_RC" -eq 0
vn_finish
