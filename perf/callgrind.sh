#!/usr/bin/env bash
# Instructions per packet, per node, on the router path: runs the engine under
# callgrind (valgrind) on a scenario's pcap (ip4-1flow unless CG_SCENARIO says
# otherwise, e.g. ip6-1flow: the config routes both families as bench.sh's
# does; pcap -> null) for CG_SECONDS, collecting only
# inside the graph walk, and divides each node's instructions by the packets it
# forwarded. TSC clocks are noisy on a shared 2-core VM; instruction counts are not.
# Needs a build without AVX-512 (valgrind cannot decode it): build-cg, made here.
#   CG_SECONDS [40]  CG_SCENARIO [ip4-1flow]  CG_PCAP [perf/data/$CG_SCENARIO.pcap]
#   CG_WARMUP [0]      seconds before the counters are zeroed (callgrind_control -z
#                      and `clear runtime`), so e.g. the first pass of a pcap that
#                      creates NAT sessions is left out of the per-packet figures
#   CG_CONFIG_EXTRA    YAML appended to the config
#   CG_PLUGINS [[]]    plugins.enable
#   CG_BUFFERS [20480] mbufs: the pcap's frames stay in the pool, plus traffic
# A plugin scenario of perf/scenarios/ (CG_SCENARIO=nat44-16k) brings its own
# config section (scn_NAME_config), its plugins ([all]) and its pool size, e.g.
#   CG_SCENARIO=nat44-16k CG_WARMUP=60 bash perf/callgrind.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SECS=${CG_SECONDS:-40}
SCEN=${CG_SCENARIO:-ip4-1flow}
PCAP=${CG_PCAP:-$ROOT/perf/data/$SCEN.pcap}
WARMUP=${CG_WARMUP:-0}
EXTRA=${CG_CONFIG_EXTRA:-}
PLUGINS=${CG_PLUGINS:-[]}
BUFFERS=${CG_BUFFERS:-20480}
TARGETS="vecnet vecnetctl"
scenario_add() { :; }
for f in "$ROOT"/perf/scenarios/*.sh; do source "$f"; done
FN=scn_${SCEN//-/_}
if declare -F "${FN}_config" >/dev/null; then
	EXTRA="$("${FN}_config")
$EXTRA"
	PLUGINS=${CG_PLUGINS:-[all]}
	TARGETS="$TARGETS $(cd "$ROOT/plugins" && ls -d */ | sed 's,/,_plugin,')"
	BUFFERS=${CG_BUFFERS:-$(( ($("${FN}_frames") + 16384 + 1023) / 1024 * 1024 ))}
fi
B="$ROOT/build-cg"
[ -f "$PCAP" ] || { echo "callgrind: $PCAP missing: run 'make bench' once to generate it" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "callgrind: valgrind missing (apt-get install valgrind)" >&2; exit 1; }
cmake -S "$ROOT" -B "$B" -DCMAKE_BUILD_TYPE=Release -DVN_MARCH=x86-64-v3 >/dev/null
cmake --build "$B" -j "$(nproc)" --target $TARGETS >/dev/null
TMP=$(mktemp -d /tmp/vecnet-cg.XXXXXX)
trap 'kill -INT $VPID 2>/dev/null || true; wait 2>/dev/null || true; if [ -n "${CG_KEEP:-}" ]; then cp "$TMP/cg.out" "$CG_KEEP"; fi; rm -rf "$TMP"' EXIT
cat >"$TMP/cg.yaml" <<EOT
engine: { main-core: 0, workers: [1], buffers: $BUFFERS, hugepages: off, log-level: info, poll: always }
cli: { socket: $TMP/cg.sock }
plugins: { path: $B/plugins, enable: $PLUGINS }
interfaces:
  - { name: in0, device: "net_pcap0,rx_pcap=$PCAP,infinite_rx=1", addresses: [10.0.0.1/24, "2001:db8::1/64"], up: true }
  - { name: out0, device: "net_null0,no-rx=1", addresses: [10.1.0.1/24, "2001:db8:1::1/64"], up: true }
neighbors:
  - { interface: out0, address: 10.1.0.2, mac: "02:00:00:00:00:02" }
  - { interface: out0, address: "2001:db8:1::2", mac: "02:00:00:00:00:02" }
routes:
  - { prefix: 198.18.0.0/24, via: 10.1.0.2 }
  - { prefix: "2001:db8:18::/48", via: "2001:db8:1::2" }
EOT
printf '%s\n' "$EXTRA" >>"$TMP/cg.yaml"
valgrind --tool=callgrind --toggle-collect=vn_graph_run_once --callgrind-out-file="$TMP/cg.out" \
	"$B/vecnet" -c "$TMP/cg.yaml" >"$TMP/vg.log" 2>&1 &
VPID=$!
for i in $(seq 600); do [ -S "$TMP/cg.sock" ] && break; sleep 0.1; done
if [ "$WARMUP" != 0 ]; then
	sleep "$WARMUP"
	callgrind_control -z "$VPID" >/dev/null
	"$B/vecnetctl" -s "$TMP/cg.sock" clear runtime >/dev/null
fi
sleep "$SECS"
"$B/vecnetctl" -s "$TMP/cg.sock" show runtime >"$TMP/rt.txt"
kill -INT $VPID; wait $VPID || true
cat "$TMP/rt.txt"
python3 - "$TMP/rt.txt" "$TMP/cg.out" <<'PY'
import re, subprocess, sys
# Packets = calls of port-tx's function x vectors per call, both from callgrind
# itself, so the count covers exactly the instructions collected.
names, calls, cur = {}, 0, None
for line in open(sys.argv[2], errors="replace"):
    m = re.match(r"fn=\((\d+)\) (\S+)", line)
    if m:
        names[m.group(1)] = m.group(2)
        continue
    m = re.match(r"cfn=\((\d+)\)(?: (\S+))?", line)
    if m:
        if m.group(2):
            names[m.group(1)] = m.group(2)
        cur = names.get(m.group(1))
        continue
    m = re.match(r"calls=(\d+)", line)
    if m and cur == "tx_fn":
        calls += int(m.group(1))
vpc = 256.0
for line in open(sys.argv[1]):
    f = line.split()
    if f and f[0] == "port-tx":
        vpc = float(f[4])
pk = calls * vpc
if not pk:
    sys.exit("callgrind: no calls of tx_fn recorded")
out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", sys.argv[2]],
                     capture_output=True, text=True).stdout
incl = {}
for line in out.splitlines():
    m = re.match(r"\s*([\d,]+)\s+(?:\([^)]*\)\s+)?\S*:(\S+)", line)
    if m:
        name, ir = m.group(2), int(m.group(1).replace(",", ""))
        incl[name] = max(incl.get(name, 0), ir)
print("packets: %d (%d port-tx calls x %.1f vectors/call)" % (pk, calls, vpc))
print("%-40s %10s" % ("function (inclusive)", "Ir/packet"))
for name, ir in sorted(incl.items(), key=lambda kv: -kv[1]):
    if ir / pk >= 0.5:
        print("%-40s %10.1f" % (name[:40], ir / pk))
PY
