# Shared helpers for integration scenarios: Linux hosts in network namespaces
# wired to a vecnet engine by veth and host interfaces (device "host:VETH"),
# with Linux's default offloads left on. Every scenario sources this,
# calls vn_init NAME, and gets its hosts, engine and temp files removed by a trap.
set -euo pipefail

VN_BUILD=${VN_BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build}
VN_SRC=${VN_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
VN_HOSTS=()
VN_PIDS=()
VN_ENGINE_PID=""
VN_FAILS=0
VN_PASSES=0

vn_log() { echo "[$(date +%T)] $*"; }

vn_fail() {
	echo "FAIL: $*" >&2
	VN_FAILS=$((VN_FAILS + 1))
}

vn_pass() {
	echo "ok: $*"
	VN_PASSES=$((VN_PASSES + 1))
}

# vn_check DESCRIPTION COMMAND...: runs the command, records pass or fail.
vn_check() {
	local what=$1
	shift
	if "$@"; then vn_pass "$what"; else vn_fail "$what"; fi
}

vn_cleanup() {
	local rc=$?
	set +e
	if [ -n "$VN_ENGINE_PID" ] && kill -0 "$VN_ENGINE_PID" 2>/dev/null; then
		kill -TERM "$VN_ENGINE_PID"
		for _ in $(seq 50); do kill -0 "$VN_ENGINE_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$VN_ENGINE_PID" 2>/dev/null
	fi
	for p in "${VN_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for h in "${VN_HOSTS[@]}"; do
		ip netns pids "$h" 2>/dev/null | xargs -r kill 2>/dev/null
		ip link del "$h-r" 2>/dev/null
		ip netns del "$h" 2>/dev/null
	done
	[ -n "${VN_TMP:-}" ] && [ -z "${VN_KEEP_TMP:-}" ] && rm -rf "$VN_TMP"
	exit $rc
}

vn_init() {
	VN_NAME=$1
	[ "$(id -u)" -eq 0 ] || { echo "integration tests need root" >&2; exit 1; }
	for t in ip ping; do command -v $t >/dev/null || { echo "missing tool: $t" >&2; exit 1; }; done
	[ -x "$VN_BUILD/vecnet" ] || { echo "no engine at $VN_BUILD/vecnet" >&2; exit 1; }
	VN_TMP=$(mktemp -d "/tmp/vn-$VN_NAME.XXXXXX")
	VN_SOCK="$VN_TMP/cli.sock"
	trap vn_cleanup EXIT INT TERM
}

# vn_netns_veth NAME: namespace NAME (cleaned up on exit) with eth0, whose
# peer NAME-r stays in the root namespace, up and IPv6-free (the engine's device).
vn_netns_veth() {
	local h=$1
	ip netns del "$h" 2>/dev/null || true
	ip link del "$h-r" 2>/dev/null || true
	ip netns add "$h"
	VN_HOSTS+=("$h")
	ip link add "$h-r" type veth peer name eth0 netns "$h"
	sysctl -qw "net.ipv6.conf.$h-r.disable_ipv6=1"
	ip link set "$h-r" up
}

# vn_host NAME ADDR/LEN GATEWAY: a Linux host in its own namespace; the
# root-side veth end is NAME-r (the engine's device).
vn_host() {
	local h=$1 addr=$2 gw=$3
	vn_netns_veth "$h"
	ip netns exec "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$h" link set lo up
	ip -n "$h" addr add "$addr" dev eth0
	ip -n "$h" link set eth0 up
	ip -n "$h" route add default via "$gw"
}

# vn_host6 NAME ADDR/LEN [GATEWAY]: a Linux host with IPv6 on (no DAD, no RA,
# so the address works at once and nothing but vecnet routes it); the root
# side stays IPv6-free (it is only the engine's device).
vn_host6() {
	local h=$1 addr=$2 gw=${3:-}
	vn_netns_veth "$h"
	ip netns exec "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.default.accept_ra=0
	ip -n "$h" link set lo up
	ip netns exec "$h" sysctl -qw net.ipv6.conf.eth0.accept_dad=0 net.ipv6.conf.eth0.accept_ra=0
	ip -n "$h" -6 addr add "$addr" dev eth0 nodad
	ip -n "$h" link set eth0 up
	[ -z "$gw" ] || ip -n "$h" -6 route add default via "$gw"
}

# vn_wait_listen NS PORT: waits (up to 5 s) until a TCP server listens in NS.
vn_wait_listen() {
	for _ in $(seq 50); do
		ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	echo "nothing listens on $1:$2" >&2
	return 1
}

# vn_engine_start CONFIG: starts the engine and waits until its CLI answers.
vn_engine_start() {
	local cfg=$1
	VN_ENGINE_LOG="$VN_TMP/engine.log"
	"$VN_BUILD/vecnet" -c "$cfg" >"$VN_ENGINE_LOG" 2>&1 &
	VN_ENGINE_PID=$!
	for _ in $(seq 100); do
		if "$VN_BUILD/vecnetctl" -s "$VN_SOCK" show version >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$VN_ENGINE_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "engine did not start; log:" >&2
	cat "$VN_ENGINE_LOG" >&2
	return 1
}

# vn_engine_stop: SIGTERM, wait, and check every mbuf came back.
vn_engine_stop() {
	local pid=$VN_ENGINE_PID
	kill -TERM "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		vn_fail "engine did not stop within 10 s"
		kill -KILL "$pid"
	fi
	wait "$pid" 2>/dev/null && VN_ENGINE_RC=0 || VN_ENGINE_RC=$?
	VN_ENGINE_PID=""
}

vnctl() { "$VN_BUILD/vecnetctl" -s "$VN_SOCK" "$@"; }

# vn_config FILE: writes an engine config with the given interface/route YAML appended.
vn_config_base() {
	cat <<EOT
engine:
  workers: ${VN_WORKERS:-[]}
  main-core: 0
  buffers: ${VN_BUFFERS:-8192}
  hugepages: off
  log-level: info
  poll: adaptive
cli:
  socket: $VN_SOCK
plugins:
  path: $VN_BUILD/plugins
EOT
}

vn_finish() {
	echo "$VN_NAME: $VN_PASSES passed, $VN_FAILS failed"
	[ "$VN_FAILS" -eq 0 ]
}
