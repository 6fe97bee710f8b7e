#!/usr/bin/env bash
# tcp-bulk, tcp-cps, tcp-rr: the host stack against itself, no kernel in
# the path. Two engines joined by a memif, each with its graph on the main
# thread (`workers: []`) pinned to its own CPU: the server (CPU 0) runs the
# built-in echo server, the client (CPU 1) `test echo clients`. Both poll
# (`poll: always`); hugepages as make bench has them.
#
# Why two engines and a memif, not one engine with a net_ring pair: one
# engine would run client and server in one graph on one core (or hand
# segments between its workers), so each figure would mix the two ends and
# the handoff; two engines are two hosts, each end has its own core and
# its own `show runtime`, and a memif (shared memory, one copy per frame
# in net_memif) is the cheapest link DPDK has between two processes.
#
# Per scenario (medians of TCP_ROUNDS rounds):
#   tcp-bulk  TCP_BULK_CONNS connections each echoing TCP_BULK_BYTES: Gbit/s each way
#   tcp-cps   TCP_CPS_CONNS connections of one 64-byte exchange, at most
#             TCP_CPS_CONCURRENCY open at once: connections/s (all at once, the
#             SYNs overflow the memif's 1024-slot TX ring and wait 1 s for their
#             retransmission: that measures the ring, not the stack)
#   tcp-rr    TCP_RR_CONNS connections, TCP_RR_ROUNDS 64-byte request/response each:
#             transactions/s
# and cycles per byte / connection / transaction from `show runtime` of both
# engines over the run: tcp_cycles the TCP nodes (tcp4-input, tcp4-output,
# session-queue; the echo apps' callbacks run inside them), cycles every
# node of both graphs (memif RX/TX and IPv4 too). The echo client writes and
# checks a byte pattern (about 2 cycles a byte each way), charged to the TCP
# nodes like the stack's own work.
#
# Prints `BENCH scenario=tcp-bulk gbps=X ...`, `tcp-cps cps=X ...`, `tcp-rr
# tps=X ...`. Knobs: TCP_ROUNDS [3] TCP_BULK_CONNS [8] TCP_BULK_BYTES
# [100000000] TCP_CPS_CONNS [5000] TCP_CPS_CONCURRENCY [128] TCP_RR_CONNS [10]
# TCP_RR_ROUNDS [20000] TCP_TIMEOUT [120 s per run]
# TCP_HUGEPAGES [auto: on|off|auto] BENCH_BUILD [build] TCP_SAVE [1: the
# output also goes to perf/results/<date>-<time>-<sha>-tcp.txt; make bench
# sets 0 and keeps it in its own results file].
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "$ROOT" && realpath -m "${BENCH_BUILD:-build}")
ROUNDS=${TCP_ROUNDS:-3}
BULK_CONNS=${TCP_BULK_CONNS:-8}
BULK_BYTES=${TCP_BULK_BYTES:-100000000}
CPS_CONNS=${TCP_CPS_CONNS:-5000}
CPS_CONCURRENCY=${TCP_CPS_CONCURRENCY:-128}
RR_CONNS=${TCP_RR_CONNS:-10}
RR_ROUNDS=${TCP_RR_ROUNDS:-20000}
HUGE=${TCP_HUGEPAGES:-auto}
TIMEOUT=${TCP_TIMEOUT:-120}
CTL="$BUILD/vecnetctl"
PY=/usr/bin/python3
TMP=$(mktemp -d /tmp/vecnet-tcpbench.XXXXXX)
PIDS=()

log() { echo "tcp-bench: $*" >&2; }

cleanup() {
	set +e
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

[ -x "$BUILD/vecnet" ] || { log "no engine at $BUILD/vecnet"; exit 1; }

# engine NAME CPU ROLE ADDR: a config, the engine started, its CLI waited for.
engine() {
	local name=$1 cpu=$2 role=$3 addr=$4
	cat >"$TMP/$name.yaml" <<EOT
engine: { workers: [], main-core: $cpu, buffers: 32768, hugepages: $HUGE, log-level: warning, poll: always }
cli: { socket: $TMP/$name.sock }
plugins: { enable: [] }
interfaces:
  - { name: m0, device: "memif:$role,id=0,socket=$TMP/memif.sock", addresses: [$addr/24] }
tcp:
  enable: true
  rx-fifo-size: 262144
  tx-fifo-size: 262144
  time-wait-ms: 1000
  max-connections: 65536
EOT
	[ "$name" = server ] && printf '  echo-servers: ["tcp://0.0.0.0/7"]\n' >>"$TMP/$name.yaml"
	"$BUILD/vecnet" -c "$TMP/$name.yaml" >"$TMP/$name.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 150); do
		"$CTL" -s "$TMP/$name.sock" show version >/dev/null 2>&1 && return 0
		kill -0 "${PIDS[-1]}" 2>/dev/null || break
		sleep 0.1
	done
	log "$name did not start"; cat "$TMP/$name.log" >&2; exit 1
}

engine server 0 master 10.10.0.1
engine client 1 slave 10.10.0.2
for _ in $(seq 100); do
	"$CTL" -s "$TMP/client.sock" show interface m0 | grep -q " up " && break
	sleep 0.1
done
"$CTL" -s "$TMP/client.sock" show interface m0 | grep -q " up " ||
	{ log "memif link not up"; "$CTL" -s "$TMP/client.sock" show interface >&2; exit 1; }
TSC=$("$CTL" -s "$TMP/client.sock" show clock | sed -n 's/.*clocks\/sec \([0-9]*\).*/\1/p')
# ARP both ways, and the first connection's costs, out of the way: SYNs to
# an unresolved neighbour beyond ip4-arp's hold queue (3) wait 1 s.
for _ in $(seq 20); do
	"$CTL" -s "$TMP/client.sock" ping 10.10.0.1 repeat 1 >/dev/null 2>&1 || true
	"$CTL" -s "$TMP/client.sock" show ip neighbors | grep -q "10.10.0.1 " && break
	sleep 0.1
done
"$CTL" -s "$TMP/client.sock" test echo clients nclients 4 bytes 64 timeout 10 \
	uri tcp://10.10.0.1/7 >/dev/null
[ -n "${TCP_DEBUG:-}" ] && "$CTL" -s "$TMP/client.sock" show ip neighbors >&2

# run SCENARIO ROUND ARGS...: one echo-clients run with the runtime counters
# of both engines cleared before and read after.
run() {
	local s=$1 r=$2
	shift 2
	"$CTL" -s "$TMP/server.sock" clear runtime
	"$CTL" -s "$TMP/client.sock" clear runtime
	"$CTL" -s "$TMP/server.sock" clear errors
	"$CTL" -s "$TMP/client.sock" clear errors
	"$CTL" -s "$TMP/client.sock" test echo clients "$@" timeout "$TIMEOUT" \
		uri tcp://10.10.0.1/7 >"$TMP/$s.$r.echo"
	# A run that did not finish: what its connections were doing.
	if grep -q "timed out" "$TMP/$s.$r.echo"; then
		for e in client server; do
			echo "--- $s round $r, $e: show session verbose" >&2
			"$CTL" -s "$TMP/$e.sock" show session verbose | head -40 >&2
		done
	fi
	"$CTL" -s "$TMP/server.sock" show errors >"$TMP/$s.$r.server.err"
	"$CTL" -s "$TMP/client.sock" show errors >"$TMP/$s.$r.client.err"
	[ -n "${TCP_DEBUG:-}" ] && cat "$TMP/$s.$r.server.err" "$TMP/$s.$r.client.err" >&2
	"$CTL" -s "$TMP/server.sock" show runtime >"$TMP/$s.$r.server.rt"
	"$CTL" -s "$TMP/client.sock" show runtime >"$TMP/$s.$r.client.rt"
	log "$s round $r: $(tr '\n' ' ' <"$TMP/$s.$r.echo")"
}

for r in $(seq "$ROUNDS"); do
	run tcp-bulk "$r" nclients "$BULK_CONNS" bytes "$BULK_BYTES"
	run tcp-cps "$r" nclients "$CPS_CONNS" bytes 64 concurrency "$CPS_CONCURRENCY"
	run tcp-rr "$r" nclients "$RR_CONNS" bytes 64 rounds "$RR_ROUNDS"
	sleep 1.2 # the client's TIME_WAITs (1 s) gone before the next round
done

report() {
$PY - "$TMP" "$ROUNDS" "$TSC" "$ROOT/perf" <<'EOPY'
import re, statistics, sys
tmp, rounds, tsc, perf = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
sys.path.insert(0, perf)
from measure import parse_runtime

TCP_NODES = ("tcp4-input", "tcp4-output", "session-queue")
# scenario: (metric, unit of work, how many units the echo line gives)
SPEC = {
    "tcp-bulk": ("gbps", "byte"),
    "tcp-cps": ("cps", "connection"),
    "tcp-rr": ("tps", "transaction"),
}
for s, (metric, unit) in SPEC.items():
    vals, tcp_c, all_c, lines = [], [], [], []
    for r in range(1, rounds + 1):
        echo = open("%s/%s.%d.echo" % (tmp, s, r)).read()
        lines.append("round %d: %s" % (r, " ".join(echo.split())))
        m = re.search(r"(\d+) clients, (?:(\d+) rounds of )?(\d+) bytes each: (\d+) complete, "
                      r"(\d+) failed, (\d+) corrupt", echo)
        t = re.search(r"([\d.]+) s, ([\d.]+) Gbit/s each way, ([\d.]+) connections/s, "
                      r"([\d.]+) transactions/s", echo)
        if not m or not t or int(m.group(4)) == 0:
            print("tcp-bench: %s round %d failed: %s" % (s, r, echo.strip()), file=sys.stderr)
            continue
        ok, nrounds, nbytes = int(m.group(4)), int(m.group(2) or 1), int(m.group(3))
        secs, gbps, cps, tps = (float(t.group(i)) for i in range(1, 5))
        units = {"byte": ok * nrounds * nbytes * 2,  # each way
                 "connection": ok, "transaction": ok * nrounds}[unit]
        clocks_tcp = clocks_all = 0.0
        per_node = {}
        for side in ("server", "client"):
            rt = parse_runtime(open("%s/%s.%d.%s.rt" % (tmp, s, r, side)).read())
            for name, n in rt.items():
                if name == "total":
                    continue
                c = n["vectors"] * n["clocks_per_packet"]
                per_node["%s:%s" % (side, name)] = c / units
                clocks_all += c
                if name in TCP_NODES:
                    clocks_tcp += c
        top = sorted(per_node.items(), key=lambda kv: -kv[1])[:6]
        lines.append("  cycles per %s by node: %s" % (unit, ", ".join(
            "%s %.4g" % kv for kv in top)))
        vals.append({"gbps": gbps, "cps": cps, "tps": tps}[metric])
        tcp_c.append(clocks_tcp / units)
        all_c.append(clocks_all / units)
    for l in lines:
        print("%s %s" % (s, l))
    for r in range(1, rounds + 1):
        for side in ("server", "client"):
            for l in open("%s/%s.%d.%s.err" % (tmp, s, r, side)):
                if re.search(r"full|drop|no buffer|retransmi|timeout", l, re.I):
                    print("%s round %d %s: %s" % (s, r, side, " ".join(l.split())))
    if not vals:
        print("BENCH scenario=%s %s=0 status=failed" % (s, metric))
        continue
    med = statistics.median
    fmt = "%.3f" if unit == "byte" else "%.0f"
    print(("BENCH scenario=%s %s=%.3f tcp_cycles_per_%s=" + fmt + " cycles_per_%s=" + fmt)
          % (s, metric, med(vals), unit, med(tcp_c), unit, med(all_c)))
EOPY
}

if [ "${TCP_SAVE:-1}" = 1 ]; then
	mkdir -p "$ROOT/perf/results"
	SHA=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
	DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo "-dirty" || true)
	OUT="$ROOT/perf/results/$(date +%Y%m%d-%H%M%S)-$SHA$DIRTY-tcp.txt"
	{
		echo "vecnet tcp bench $(date -u +%Y-%m-%dT%H:%M:%SZ), git $SHA$DIRTY"
		echo "cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs, TSC $TSC Hz"
		echo "server CPU 0, client CPU 1, memif, hugepages $HUGE, rounds $ROUNDS," \
			"bulk $BULK_CONNS x $BULK_BYTES B, cps $CPS_CONNS x 64 B ($CPS_CONCURRENCY at once), rr $RR_CONNS x $RR_ROUNDS x 64 B"
		report
	} | tee "$OUT"
	log "results: ${OUT#"$ROOT"/}"
else
	report
fi
