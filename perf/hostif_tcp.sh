#!/usr/bin/env bash
# hostif-tcp: TCP throughput through vecnet's host interfaces against the
# Linux kernel forwarding between the same two veths, in the same run.
#
# Three namespaces: client hb-c (10.0.1.2) and server hb-s (10.0.2.2), each
# wired by a veth to the router namespace hb-r, which holds hb-c-r and hb-s-r.
# Kernel rounds: hb-r has the router addresses and ip_forward on. vecnet
# rounds: hb-r's veths have no address and vecnet, started inside hb-r, opens
# host:hb-c-r and host:hb-s-r. Every veth keeps Linux's default offloads
# (TSO, GSO, GRO, checksum offload), as in a container set-up.
#
# Cores: vecnet's forwarding thread (its main thread, `workers: []`) on CPU 1;
# iperf3's client and server on CPU 0. The kernel forwards in the softirq of
# the sending CPU, so its routing shares CPU 0 with iperf3 and has no core of
# its own; it also moves GSO super-frames whole, where vecnet copies each
# frame out of an AF_PACKET ring, cuts it into MSS segments and copies each
# into a TX ring (docs/interfaces.md).
#
# Prints `BENCH scenario=hostif-tcp gbps=X peer=linux peer_gbps=Y ratio=X/Y`,
# and hostif-tcp-cut for vecnet with `no-gso` (every super-frame cut in
# host-input) (medians of ROUNDS alternating rounds of SECONDS each). Knobs:
#   HOSTIF_ROUNDS [3]  HOSTIF_SECONDS [10]  BENCH_BUILD [build]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "$ROOT" && realpath -m "${BENCH_BUILD:-build}")
ROUNDS=${HOSTIF_ROUNDS:-3}
SECS=${HOSTIF_SECONDS:-10}
TMP=$(mktemp -d /tmp/vecnet-hostif.XXXXXX)
EPID=""

log() { echo "hostif-tcp: $*" >&2; }

cleanup() {
	set +e
	[ -n "$EPID" ] && kill -TERM "$EPID" 2>/dev/null && wait "$EPID" 2>/dev/null
	for n in hb-c hb-s hb-r; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

for t in iperf3 ip; do
	command -v $t >/dev/null || { log "missing tool: $t"; exit 1; }
done
[ -x "$BUILD/vecnet" ] || { log "no engine at $BUILD/vecnet"; exit 1; }

for n in hb-c hb-s hb-r; do
	ip netns del "$n" 2>/dev/null || true
	ip netns add "$n"
	ip -n "$n" link set lo up
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
host() { # NS ADDR GW
	ip -n hb-r link add "$1-r" type veth peer name eth0 netns "$1"
	ip -n hb-r link set "$1-r" up
	ip -n "$1" addr add "$2/24" dev eth0
	ip -n "$1" link set eth0 up
	ip -n "$1" route add default via "$3"
}
host hb-c 10.0.1.2 10.0.1.1
host hb-s 10.0.2.2 10.0.2.1

kernel_on() {
	ip -n hb-r addr add 10.0.1.1/24 dev hb-c-r
	ip -n hb-r addr add 10.0.2.1/24 dev hb-s-r
	ip netns exec hb-r sysctl -qw net.ipv4.ip_forward=1
}
kernel_off() {
	ip netns exec hb-r sysctl -qw net.ipv4.ip_forward=0
	ip -n hb-r addr flush dev hb-c-r
	ip -n hb-r addr flush dev hb-s-r
	# The hosts' ARP entries name the kernel's MACs; vecnet answers with the
	# same ones (host interfaces take the veth's MAC), but start clean.
	ip -n hb-c neigh flush all
	ip -n hb-s neigh flush all
}

# vecnet_start [no-gso]: the engine in hb-r, its host interfaces made from
# the CLI (with no-gso, super-frames are always cut in host-input).
vecnet_start() {
	cat >"$TMP/r.yaml" <<EOT
engine: { workers: [], main-core: 1, buffers: 32768, hugepages: off, log-level: warning, poll: always }
cli: { socket: $TMP/cli.sock }
plugins: { enable: [] }
EOT
	ip netns exec hb-r "$BUILD/vecnet" -c "$TMP/r.yaml" >"$TMP/engine.log" 2>&1 &
	EPID=$!
	for _ in $(seq 100); do
		"$BUILD/vecnetctl" -s "$TMP/cli.sock" show version >/dev/null 2>&1 && break
		sleep 0.1
	done
	cat >"$TMP/setup.cli" <<EOT
create host-interface name hb-c-r ${1:-}
create host-interface name hb-s-r ${1:-}
set interface ip address host-hb-c-r 10.0.1.1/24
set interface ip address host-hb-s-r 10.0.2.1/24
set interface state host-hb-c-r up
set interface state host-hb-s-r up
EOT
	"$BUILD/vecnetctl" -s "$TMP/cli.sock" exec "$TMP/setup.cli" >/dev/null ||
		{ log "engine did not start"; cat "$TMP/engine.log" >&2; exit 1; }
}
vecnet_stop() {
	kill -TERM "$EPID"; wait "$EPID" 2>/dev/null || true; EPID=""
}

# One iperf3 run: Gbit/s received by the server.
run_iperf() {
	ip netns exec hb-s taskset -c 0 iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	local spid=$!
	for _ in $(seq 50); do
		ip netns exec hb-s ss -Hltn "sport = :5201" | grep -q . && break
		sleep 0.1
	done
	# Warm the path (ARP) first.
	ip netns exec hb-c ping -c 2 -i 0.2 -W 1 10.0.2.2 >/dev/null 2>&1 || true
	ip netns exec hb-c taskset -c 0 timeout $((SECS + 20)) iperf3 -c 10.0.2.2 -p 5201 \
		-t "$SECS" -J >"$TMP/iperf.json" || true
	wait "$spid" 2>/dev/null || true
	/usr/bin/python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print("%.3f" % (d["end"]["sum_received"]["bits_per_second"] / 1e9))' "$TMP/iperf.json" 2>/dev/null ||
		echo 0
}

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

: >"$TMP/linux" && : >"$TMP/vecnet" && : >"$TMP/cut"
for r in $(seq "$ROUNDS"); do
	kernel_on
	g=$(run_iperf); log "round $r/$ROUNDS linux: $g Gbit/s"; echo "$g" >>"$TMP/linux"
	kernel_off
	vecnet_start
	g=$(run_iperf); log "round $r/$ROUNDS vecnet: $g Gbit/s"; echo "$g" >>"$TMP/vecnet"
	vecnet_stop
	vecnet_start no-gso
	g=$(run_iperf); log "round $r/$ROUNDS vecnet, super-frames cut: $g Gbit/s"; echo "$g" >>"$TMP/cut"
	vecnet_stop
done
ratio() { awk -v v="$1" -v k="$2" 'BEGIN { printf "%.3f", (k > 0 ? v / k : 0) }'; }
v=$(median <"$TMP/vecnet")
c=$(median <"$TMP/cut")
k=$(median <"$TMP/linux")
echo "hostif-tcp rounds (Gbit/s): vecnet $(paste -sd' ' "$TMP/vecnet"), vecnet cutting" \
	"$(paste -sd' ' "$TMP/cut"), linux $(paste -sd' ' "$TMP/linux")"
echo "BENCH scenario=hostif-tcp gbps=$v peer=linux peer_gbps=$k ratio=$(ratio "$v" "$k")"
echo "BENCH scenario=hostif-tcp-cut gbps=$c peer=linux peer_gbps=$k ratio=$(ratio "$c" "$k")"
