#!/usr/bin/env bash
# `make run`: two Linux demo hosts in namespaces, the engine on
# configs/default.yaml routing between them, and the vecnetctl shell.
# Leaving the shell (or Ctrl-C) stops the engine and removes the hosts.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "make run needs root (network namespaces, raw sockets)" >&2; exit 1; }

BUILD=${BUILD:-build}
CONFIG=${CONFIG:-configs/default.yaml}
SOCK=$(awk '/^cli:/{c=1} c && /socket:/{print $2; exit}' "$CONFIG")
SOCK=${SOCK:-/run/vecnet/cli.sock}
LOG=$(mktemp /tmp/vecnet-run.XXXXXX.log)
ENGINE=""

host() { # NAME ADDR GW
	ip netns del "$1" 2>/dev/null || true
	ip link del "$1-r" 2>/dev/null || true
	ip netns add "$1"
	ip link add "$1-r" type veth peer name eth0 netns "$1"
	sysctl -qw "net.ipv6.conf.$1-r.disable_ipv6=1"
	ip link set "$1-r" up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$1" link set lo up
	ip -n "$1" addr add "$2" dev eth0
	ip -n "$1" link set eth0 up
	ip -n "$1" route add default via "$3"
}

cleanup() {
	set +e
	if [ -n "$ENGINE" ]; then
		kill -TERM "$ENGINE" 2>/dev/null
		wait "$ENGINE" 2>/dev/null
	fi
	for h in vn-host-a vn-host-b; do
		ip link del "$h-r" 2>/dev/null
		ip netns del "$h" 2>/dev/null
	done
	echo "vecnet stopped; demo hosts removed (engine log: $LOG)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

host vn-host-a 10.0.1.2/24 10.0.1.1
host vn-host-b 10.0.2.2/24 10.0.2.1
"$BUILD/vecnet" -c "$CONFIG" >"$LOG" 2>&1 &
ENGINE=$!
for _ in $(seq 100); do
	"$BUILD/vecnetctl" -s "$SOCK" show version >/dev/null 2>&1 && break
	kill -0 "$ENGINE" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
	sleep 0.1
done
cat <<EOT
vecnet is routing between two demo hosts:
  vn-host-a 10.0.1.2/24 --- lan0 10.0.1.1 [vecnet] lan1 10.0.2.1 --- vn-host-b 10.0.2.2/24
Try:  show interface | show ip fib | show runtime | trace add port-rx 10
From another terminal:  ip netns exec vn-host-a ping 10.0.2.2
Leave with 'quit' or Ctrl-D.
EOT
# Interactive on a terminal; without one vecnetctl runs the commands on stdin.
"$BUILD/vecnetctl" -s "$SOCK" || true
