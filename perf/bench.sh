#!/usr/bin/env bash
# `make bench`: forwarding rate of the engine against the dpdk-testpmd floor on the
# same ports and traffic, route-load time and idle CPU. See perf/README.md.
#
# Every process started here is tracked by PID and stopped by the EXIT trap, which
# also undoes the hugepage reservation and mount it made and removes its temp dir.
# Every wait is bounded. Environment knobs (defaults in brackets):
#   BENCH_ROUNDS [3]  BENCH_WARMUP [2] s  BENCH_WINDOW [5] s
#   BENCH_SCENARIOS ["ip4-1flow ip4-10kflows ip4-1Mroutes ip6-1flow ip6-10kflows ip6-1Mroutes"]
#   BENCH_HUGEPAGES [auto|on|off]  BENCH_BUILD [build]  BENCH_TSC_HZ [measured]
#   BENCH_ROUTE_YAML_TIMEOUT [30] s (the YAML route load is bounded by this)
#   BENCH_HOSTIF [1]: also run hostif-tcp (perf/hostif_tcp.sh; HOSTIF_ROUNDS, HOSTIF_SECONDS)
#   BENCH_HTTP [1]: also run http-* and the proxy against nginx (perf/http_bench.sh;
#                   HTTP_ROUNDS, HTTP_SECONDS, HTTP_CONNS)
#
# Plugin scenarios live in perf/scenarios/<plugin>.sh; each calls
# `scenario_add NAME PLUGIN` and defines, with NAME's dashes as underscores:
#   scn_NAME_frames          number of frames in its pcap (sizes the pool)
#   scn_NAME_gen MAC OUT     writes its pcap, frames addressed to MAC
#   scn_NAME_config          YAML appended to the engine's config (its sections)
#   scn_NAME_report CTL SOCK optional: after the window, prints extra `BENCH ...`
#                            lines (e.g. from the plugin's show commands); the
#                            last round's lines go under the table
# A scenario runs by default when its plugin was built.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "$ROOT" && realpath -m "${BENCH_BUILD:-build}")
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP:-2}
WINDOW=${BENCH_WINDOW:-5}
CORE_SCENARIOS="ip4-1flow ip4-10kflows ip4-1Mroutes ip6-1flow ip6-10kflows ip6-1Mroutes"
IP6_SCENARIOS="ip6-1flow ip6-10kflows ip6-1Mroutes"
HUGE_WANTED=${BENCH_HUGEPAGES:-auto}
YAML_TIMEOUT=${BENCH_ROUTE_YAML_TIMEOUT:-30}
N_ROUTES=1000000
HUGE_PAGES=512
PY=/usr/bin/python3 # Debian's, where python3-scapy imports (MACHINE-NOTES)
VECNET="$BUILD/vecnet"
CTL="$BUILD/vecnetctl"
DATA="$ROOT/perf/data"
HP_NR=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
NULL_MAC="02:00:00:00:00:02" # the static neighbour 10.1.0.2 behind out0

for f in "$VECNET" "$CTL"; do
	[ -x "$f" ] || { echo "bench: $f missing: run 'make build' (or set BENCH_BUILD)" >&2; exit 1; }
done
command -v dpdk-testpmd >/dev/null || { echo "bench: dpdk-testpmd missing (make deps)" >&2; exit 1; }

PLUGIN_SCENARIOS=""
scn_fn() { echo "scn_${1//-/_}_$2"; }
scenario_add() {
	[ -f "$BUILD/plugins/$2_plugin.so" ] && PLUGIN_SCENARIOS="$PLUGIN_SCENARIOS $1"
	return 0
}
for f in "$ROOT"/perf/scenarios/*.sh; do
	[ -f "$f" ] && source "$f"
done
SCENARIOS=${BENCH_SCENARIOS:-"$CORE_SCENARIOS$PLUGIN_SCENARIOS"}
# ip6-1Mroutes alone needs ~906 MB (its frames and a 1M-route IPv6 table): reserve
# 1.5 GB then, so that another DPDK process holding some pages does not stop it.
[[ " $SCENARIOS " == *" ip6-1Mroutes "* ]] && HUGE_PAGES=768

TMP=$(mktemp -d /tmp/vecnet-bench.XXXXXX)
TP_PREFIX="vnbench-$$-tp"
REF_PREFIX="vnbench-$$-ref"
PIDS=()
HP_PREV=""
HP_MOUNTED=""

log() { echo "bench: $*" >&2; }

# Stops one process we started: TERM, then KILL after 10 s.
stop_pid() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && { log "pid $pid ignored SIGTERM, killing"; kill -KILL "$pid" 2>/dev/null || true; }
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$? p
	trap - EXIT INT TERM
	for p in "${PIDS[@]}"; do stop_pid "$p"; done
	rm -rf "/var/run/dpdk/$TP_PREFIX"
	rm -rf "/var/run/dpdk/$REF_PREFIX"
	if [ -n "$HP_MOUNTED" ]; then
		umount "$HP_MOUNTED" 2>/dev/null || log "cannot unmount $HP_MOUNTED"
	fi
	if [ -n "$HP_PREV" ]; then
		echo "$HP_PREV" >"$HP_NR" 2>/dev/null || log "cannot restore $HP_NR to $HP_PREV"
	fi
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

forget_pid() {
	local p keep=()
	for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}

# --- hugepages: reserve 512 x 2 MB and mount hugetlbfs if we can, else run without --------------
hp_free() { cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0; }
hp_mounted() { grep -q " hugetlbfs " /proc/mounts; }
setup_hugepages() {
	[ "$HUGE_WANTED" = off ] && { HUGE=off; return; }
	if [ "$(hp_free)" -lt "$HUGE_PAGES" ] && [ -w "$HP_NR" ]; then
		local cur
		cur=$(cat "$HP_NR")
		HP_PREV=$cur
		echo $((cur + HUGE_PAGES - $(hp_free))) >"$HP_NR" 2>/dev/null || true
	fi
	if ! hp_mounted && [ "$(id -u)" -eq 0 ]; then
		mkdir -p /dev/hugepages
		mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null && HP_MOUNTED=/dev/hugepages
	fi
	if [ "$(hp_free)" -ge "$HUGE_PAGES" ] && hp_mounted; then
		HUGE=on
	elif [ "$HUGE_WANTED" = on ]; then
		log "BENCH_HUGEPAGES=on but $HUGE_PAGES free 2 MB pages and a hugetlbfs mount are not available"
		exit 1
	else
		log "hugepages unavailable ($(hp_free) free 2 MB pages): running with hugepages off"
		HUGE=off
	fi
}

# --- the engine -------------------------------------------------------------------------------
# engine_config NAME PCAP BUFFERS POLL EXEC_FILE > yaml. PCAP empty = no traffic (null RX).
# Both families always: IPv4 and IPv6 frames go the same way (in0 -> out0, to a static
# neighbour). The configs that load 1M IPv6 routes get an IPv6 table that holds them.
engine_config() {
	local name=$1 pcap=$2 buffers=$3 poll=$4 exec=$5 in_dev ip6_routes=""
	if [ -n "$pcap" ]; then
		in_dev="net_pcap0,rx_pcap=$pcap,infinite_rx=1"
	else
		in_dev="net_null1,no-rx=1"
	fi
	case $name in ip6-1Mroutes | idle6 | yaml6) ip6_routes="  ip6-routes: 1048576" ;; esac
	cat <<EOF
# generated by perf/bench.sh for $name
engine:
  main-core: 0
  workers: [1]
  buffers: $buffers
  hugepages: $HUGE
  log-level: info
  poll: $poll
$ip6_routes
cli:
  socket: $TMP/$name.sock
plugins:
  path: $BUILD/plugins
  enable: [all]
interfaces:
  - name: in0
    device: $in_dev
    addresses: [10.0.0.1/24, "2001:db8::1/64"]
    up: true
  - name: out0
    device: net_null0,no-rx=1
    addresses: [10.1.0.1/24, "2001:db8:1::1/64"]
    up: true
neighbors:
  - { interface: out0, address: 10.1.0.2, mac: "$NULL_MAC" }
  - { interface: out0, address: "2001:db8:1::2", mac: "$NULL_MAC" }
EOF
	echo "routes:"
	echo "  - { prefix: 198.18.0.0/24, via: 10.1.0.2 }"
	echo "  - { prefix: \"2001:db8:18::/48\", via: \"2001:db8:1::2\" }"
	[ -n "$exec" ] && echo "exec: [$exec]"
	if declare -F "$(scn_fn "$name" config)" >/dev/null; then "$(scn_fn "$name" config)"; fi
	return 0
}

# engine_start CONFIG NAME TIMEOUT: sets EPID; waits for the "running" log line.
engine_start() {
	local cfg=$1 name=$2 limit=$3 i
	rm -f "$TMP/$name.sock"
	: >"$TMP/$name.log"
	"$VECNET" -c "$cfg" 2>"$TMP/$name.log" &
	EPID=$!
	PIDS+=("$EPID")
	for i in $(seq $((limit * 10))); do
		grep -q "vecnet .* running" "$TMP/$name.log" && return 0
		kill -0 "$EPID" 2>/dev/null || break
		sleep 0.1
	done
	log "engine ($name) did not start within ${limit}s; its log:"
	tail -20 "$TMP/$name.log" >&2
	return 1
}

engine_stop() {
	stop_pid "$EPID"
	forget_pid "$EPID"
	if grep -q "leaked" "$TMP/$1.log"; then
		log "engine ($1) leaked buffers:"
		grep leaked "$TMP/$1.log" >&2
	fi
}

# --- DPDK apps measured through their telemetry socket: the floor and the reference --------------
# dpdk_mem BUFFERS: the EAL memory options, as the engine gets them.
dpdk_mem() {
	if [ "$HUGE" = on ]; then
		echo "--huge-unlink"
	else
		echo "--no-huge -m $((1024 + $1 / 256))"
	fi
}

# dpdk_app_run PREFIX PORT LOG CMD...: runs CMD (a DPDK app with --file-prefix PREFIX),
# measures PORT's opackets over the window into $TMP/m.json, stops it.
dpdk_app_run() {
	local prefix=$1 port=$2 logf=$3 pid rc=0
	shift 3
	rm -rf "/var/run/dpdk/$prefix"
	"$@" </dev/null >"$logf" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	$PY "$ROOT/perf/measure.py" testpmd --prefix "$prefix" --port "$port" \
		--warmup "$WARMUP" --window "$WINDOW" >"$TMP/m.json" || rc=1
	[ "$rc" = 0 ] || grep -av '^[|+]' "$logf" | tail -20 >&2
	stop_pid "$pid"
	forget_pid "$pid"
	rm -rf "/var/run/dpdk/$prefix"
	return "$rc"
}

# The floor: dpdk-testpmd io forwarding on the same vdevs. --stats-period keeps it
# running without a terminal until SIGTERM.
testpmd_run() {
	local pcap=$1 buffers=$2
	# shellcheck disable=SC2046
	dpdk_app_run "$TP_PREFIX" 1 "$TMP/testpmd.log" \
		dpdk-testpmd -l 0,1 $(dpdk_mem "$buffers") --no-pci --file-prefix "$TP_PREFIX" \
		--log-level=error --vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" \
		--vdev "net_null0,no-rx=1" -- --forward-mode=io --nb-cores=1 \
		--total-num-mbufs="$buffers" --auto-start --stats-period 3600
}

# --- the reference: DPDK's own graph router (examples/l3fwd-graph) on the same vdevs ------------
# Its built-in routes send 198.18.0.0/24 to port 0, so net_null comes first here. Only the
# scenarios whose destinations it routes (ip4-1flow, ip4-10kflows) run it.
REF_SCENARIOS="ip4-1flow ip4-10kflows"
REF_BIN=""
ref_setup() {
	[ "${BENCH_REFERENCE:-on}" = on ] || return 0
	if bash "$ROOT/perf/ref_l3fwd_graph.sh" "$BUILD/ref" >&2; then
		REF_BIN="$BUILD/ref/l3fwd-graph"
	else
		log "no l3fwd-graph reference this run"
	fi
}
ref_run() {
	local pcap=$1 buffers=$2
	# shellcheck disable=SC2046
	dpdk_app_run "$REF_PREFIX" 0 "$TMP/ref.log" env REF_NB_MBUF="$buffers" \
		"$REF_BIN" -l 0,1 $(dpdk_mem "$buffers") --no-pci --file-prefix "$REF_PREFIX" \
		--log-level=error --vdev "net_null0,no-rx=1" \
		--vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" -- -p 0x3 -P --config="(1,0,1)"
}

# --- traffic files --------------------------------------------------------------------------------
pcap_frames() {
	case $1 in
	ip4-1flow) echo 1024 ;;
	ip4-10kflows) echo 10000 ;;
	ip4-1Mroutes) echo 65536 ;;
	ip6-1flow) echo 1024 ;;
	ip6-10kflows) echo 10000 ;;
	ip6-1Mroutes) echo 65536 ;;
	*)
		declare -F "$(scn_fn "$1" frames)" >/dev/null ||
			{ echo "bench: unknown scenario $1" >&2; exit 1; }
		"$(scn_fn "$1" frames)" ;;
	esac
}

# Pool: every replayed frame sits in net_pcap's ring for good, plus room for traffic.
buffers_for() { echo $(( ($(pcap_frames "$1") + 16384 + 1023) / 1024 * 1024 )); }

gen_data() {
	local mac=$1 stamp s
	mkdir -p "$DATA"
	stamp="$mac $({ cat "$ROOT/perf/gen_pcap.py"; cat "$ROOT"/perf/scenarios/*.sh 2>/dev/null || true; } | md5sum | cut -d' ' -f1)"
	for s in $PLUGIN_SCENARIOS; do
		[ -f "$DATA/$s.pcap" ] || stamp="$stamp (missing $s)"
	done
	if [ "$(cat "$DATA/.stamp" 2>/dev/null)" != "$stamp" ]; then
		for s in ip4-1flow ip4-10kflows ip4-1Mroutes $IP6_SCENARIOS; do
			$PY "$ROOT/perf/gen_pcap.py" pcap --scenario "$s" --dst-mac "$mac" \
				--out "$DATA/$s.pcap" >&2
		done
		$PY "$ROOT/perf/gen_pcap.py" routes --count $N_ROUTES --via 10.1.0.2 --cli \
			--out "$DATA/routes-1M.cli"
		$PY "$ROOT/perf/gen_pcap.py" routes --count $N_ROUTES --via 10.1.0.2 --yaml \
			--out "$DATA/routes-1M.yaml"
		$PY "$ROOT/perf/gen_pcap.py" routes --ip6 --count $N_ROUTES --via 2001:db8:1::2 --cli \
			--out "$DATA/routes6-1M.cli"
		$PY "$ROOT/perf/gen_pcap.py" routes --ip6 --count $N_ROUTES --via 2001:db8:1::2 --yaml \
			--out "$DATA/routes6-1M.yaml"
		for s in $PLUGIN_SCENARIOS; do
			"$(scn_fn "$s" gen)" "$mac" "$DATA/$s.pcap" >&2
		done
		echo "$stamp" >"$DATA/.stamp"
	fi
}

# The frames must be addressed to the engine's RX port: net_pcap's MAC is fixed in
# DPDK 22.11 (02:70:63:61:70:00, "pcap"), but we read it from the engine once and
# regenerate the files if it ever differs.
learn_mac() {
	local mac=02:70:63:61:70:00 seen
	gen_data "$mac"
	engine_config mac "$DATA/ip4-1flow.pcap" "$(buffers_for ip4-1flow)" adaptive "" >"$TMP/mac.yaml"
	engine_start "$TMP/mac.yaml" mac 60
	seen=$("$CTL" -s "$TMP/mac.sock" show hardware-interfaces in0 |
		sed -n 's/^  Ethernet address \([0-9a-f:]\{17\}\)$/\1/p' | head -1)
	engine_stop mac
	[ -n "$seen" ] || { log "cannot read in0's MAC from show hardware-interfaces"; exit 1; }
	[ "$seen" = "$mac" ] || { log "net_pcap MAC is $seen: regenerating"; gen_data "$seen"; }
	RX_MAC=$seen
}

# The last IPv6 route of the 1M-route file is in the FIB (it is the only /48 besides
# 2001:db8:18::/48 that an address under it can match).
last6_present() {
	local last
	last=$(tail -1 "$DATA/routes6-1M.cli" | awk '{print $4}')
	"$CTL" -s "$1" show ip6 fib "${last%::/48}::1" | grep -q "/48 (static)"
}

tsc_hz() {
	if [ -n "${BENCH_TSC_HZ:-}" ]; then echo "$BENCH_TSC_HZ"; return; fi
	cat >"$TMP/tsc.c" <<'EOF'
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC_RAW, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(void) { double t0 = now(); unsigned long long c0 = __rdtsc(); struct timespec s = {0, 300000000}; nanosleep(&s, NULL);
  unsigned long long c1 = __rdtsc(); double t1 = now(); printf("%.0f\n", (c1 - c0) / (t1 - t0)); return 0; }
EOF
	if cc -O2 -o "$TMP/tsc" "$TMP/tsc.c" 2>/dev/null; then "$TMP/tsc"; else echo 2445000000; fi
}

# ---------------------------------------------------------------------------------------------
START=$(date +%s)
setup_hugepages
log "hugepages $HUGE, $ROUNDS round(s), warm-up ${WARMUP}s, window ${WINDOW}s"
learn_mac
ref_setup
TSC=$(tsc_hz)
RES="$TMP/results.jsonl"
: >"$RES"

for round in $(seq "$ROUNDS"); do
	for s in $SCENARIOS; do
		pcap="$DATA/$s.pcap"
		buf=$(buffers_for "$s")
		log "round $round/$ROUNDS $s: floor (testpmd)"
		testpmd_run "$pcap" "$buf"
		echo "{\"kind\":\"floor\",\"scenario\":\"$s\",\"round\":$round,\"m\":$(cat "$TMP/m.json")}" >>"$RES"
		if [ -n "$REF_BIN" ] && [[ " $REF_SCENARIOS " == *" $s "* ]]; then
			log "round $round/$ROUNDS $s: reference (l3fwd-graph)"
			if ref_run "$pcap" "$buf"; then
				echo "{\"kind\":\"ref\",\"scenario\":\"$s\",\"round\":$round,\"m\":$(cat "$TMP/m.json")}" >>"$RES"
			else
				log "$s: l3fwd-graph did not run"
			fi
		fi
		log "round $round/$ROUNDS $s: engine"
		exec_file=""
		[ "$s" = ip4-1Mroutes ] && exec_file="$DATA/routes-1M.cli"
		[ "$s" = ip6-1Mroutes ] && exec_file="$DATA/routes6-1M.cli"
		engine_config "$s" "$pcap" "$buf" always "$exec_file" >"$TMP/$s.yaml"
		engine_start "$TMP/$s.yaml" "$s" 120
		if [ "$s" = ip4-1Mroutes ]; then
			"$CTL" -s "$TMP/$s.sock" show ip fib 31.66.63.1 | grep -q "31.66.63.0/24" ||
				{ log "$s: the 1M routes are not in the FIB"; exit 1; }
		elif [ "$s" = ip6-1Mroutes ]; then
			last6_present "$TMP/$s.sock" || { log "$s: the 1M IPv6 routes are not in the FIB"; exit 1; }
		fi
		$PY "$ROOT/perf/measure.py" engine --ctl "$CTL" --sock "$TMP/$s.sock" --tx-if out0 \
			--warmup "$WARMUP" --window "$WINDOW" >"$TMP/m.json" ||
			{ tail -20 "$TMP/$s.log" >&2; exit 1; }
		if declare -F "$(scn_fn "$s" report)" >/dev/null; then
			"$(scn_fn "$s" report)" "$CTL" "$TMP/$s.sock" >"$TMP/extra-$s.txt" ||
				log "$s: its report hook failed"
		fi
		engine_stop "$s"
		echo "{\"kind\":\"engine\",\"scenario\":\"$s\",\"round\":$round,\"m\":$(cat "$TMP/m.json")}" >>"$RES"
	done
done

# --- idle CPU (poll: adaptive, no traffic), then route load through the CLI ---------------------
log "idle CPU and route load"
engine_config idle "" 16384 adaptive "" >"$TMP/idle.yaml"
t0=$(date +%s.%N)
engine_start "$TMP/idle.yaml" idle 60
t1=$(date +%s.%N)
IDLE_START=$(awk "BEGIN{print $t1 - $t0}")
$PY "$ROOT/perf/measure.py" idle --pid "$EPID" --window 5 >"$TMP/m.json"
echo "{\"kind\":\"idle\",\"m\":$(cat "$TMP/m.json")}" >>"$RES"
t0=$(date +%s.%N)
timeout 120 "$CTL" -s "$TMP/idle.sock" exec "$DATA/routes-1M.cli" >/dev/null
t1=$(date +%s.%N)
"$CTL" -s "$TMP/idle.sock" show ip fib 31.66.63.1 | grep -q "31.66.63.0/24" ||
	{ log "route load: last route missing from the FIB"; exit 1; }
echo "{\"kind\":\"route-load\",\"source\":\"cli\",\"routes\":$N_ROUTES,\"status\":\"ok\",\"seconds\":$(awk "BEGIN{print $t1 - $t0}")}" >>"$RES"
engine_stop idle

# The same for 1M IPv6 /48s (perf/gen_pcap.py says how they are spread), when an ip6
# scenario ran: through the CLI, then from the YAML file (start-up time minus an idle
# start-up with the same table size).
if [[ " $SCENARIOS " == *" ip6-"* ]]; then
	log "IPv6 route load"
	engine_config idle6 "" 16384 adaptive "" >"$TMP/idle6.yaml"
	t0=$(date +%s.%N)
	engine_start "$TMP/idle6.yaml" idle6 60
	t1=$(date +%s.%N)
	IDLE6_START=$(awk "BEGIN{print $t1 - $t0}")
	t0=$(date +%s.%N)
	timeout 120 "$CTL" -s "$TMP/idle6.sock" exec "$DATA/routes6-1M.cli" >/dev/null
	t1=$(date +%s.%N)
	last6_present "$TMP/idle6.sock" || { log "IPv6 route load: last route missing from the FIB"; exit 1; }
	echo "{\"kind\":\"route-load\",\"family\":\"ip6\",\"source\":\"cli\",\"routes\":$N_ROUTES,\"status\":\"ok\",\"seconds\":$(awk "BEGIN{print $t1 - $t0}")}" >>"$RES"
	engine_stop idle6
	{ engine_config yaml6 "" 16384 adaptive "" | sed '/^routes:/,$d'; cat "$DATA/routes6-1M.yaml"; } >"$TMP/yaml6.yaml"
	t0=$(date +%s.%N)
	if engine_start "$TMP/yaml6.yaml" yaml6 "$YAML_TIMEOUT" 2>/dev/null; then
		t1=$(date +%s.%N)
		secs=$(awk "BEGIN{print $t1 - $t0 - $IDLE6_START}")
		echo "{\"kind\":\"route-load\",\"family\":\"ip6\",\"source\":\"yaml\",\"routes\":$N_ROUTES,\"status\":\"ok\",\"seconds\":$secs}" >>"$RES"
		engine_stop yaml6
	else
		stop_pid "$EPID"; forget_pid "$EPID"
		echo "{\"kind\":\"route-load\",\"family\":\"ip6\",\"source\":\"yaml\",\"routes\":$N_ROUTES,\"status\":\"timeout\",\"seconds\":$YAML_TIMEOUT}" >>"$RES"
	fi
fi

# The contract's path: routes: in the YAML file. Start-up time to "running" minus the
# same start-up without the routes (measured just above).
{ engine_config yaml "" 16384 adaptive "" | sed '/^routes:/,$d'; cat "$DATA/routes-1M.yaml"; } >"$TMP/yaml.yaml"
t0=$(date +%s.%N)
if engine_start "$TMP/yaml.yaml" yaml "$YAML_TIMEOUT" 2>/dev/null; then
	t1=$(date +%s.%N)
	secs=$(awk "BEGIN{print $t1 - $t0 - $IDLE_START}")
	echo "{\"kind\":\"route-load\",\"source\":\"yaml\",\"routes\":$N_ROUTES,\"status\":\"ok\",\"seconds\":$secs}" >>"$RES"
	engine_stop yaml
else
	stop_pid "$EPID"; forget_pid "$EPID"
	echo "{\"kind\":\"route-load\",\"source\":\"yaml\",\"routes\":$N_ROUTES,\"status\":\"timeout\",\"seconds\":$YAML_TIMEOUT}" >>"$RES"
	# How the YAML path scales: validation only (--check), small route counts.
	for n in 5000 10000 20000; do
		head -n $((n + 1)) "$DATA/routes-1M.yaml" >"$TMP/r$n.yaml"
		{ engine_config yaml "" 16384 adaptive "" | sed '/^routes:/,$d'; cat "$TMP/r$n.yaml"; } >"$TMP/c$n.yaml"
		t0=$(date +%s.%N)
		timeout 60 "$VECNET" -c "$TMP/c$n.yaml" --check >/dev/null
		t1=$(date +%s.%N)
		echo "{\"kind\":\"yaml-check\",\"routes\":$n,\"seconds\":$(awk "BEGIN{print $t1 - $t0}")}" >>"$RES"
	done
fi

# --- TCP through host interfaces against the kernel on the same veths (perf/hostif_tcp.sh) -------
if [ "${BENCH_HOSTIF:-1}" = 1 ]; then
	log "hostif-tcp: iperf3 through host interfaces, then through the kernel"
	BENCH_BUILD="$BUILD" bash "$ROOT/perf/hostif_tcp.sh" >"$TMP/extra-hostif-tcp.txt" ||
		log "hostif-tcp did not run"
fi

# --- HTTP server and TCP proxy against nginx on the same veths (perf/http_bench.sh) -------------
if [ "${BENCH_HTTP:-1}" = 1 ]; then
	log "http: wrk and curl against vecnet's HTTP server and proxy, then nginx's"
	BENCH_BUILD="$BUILD" bash "$ROOT/perf/http_bench.sh" >"$TMP/extra-http.txt" ||
		log "http bench did not run"
fi

# --- the TCP stack against itself: two engines over memif (perf/tcp_bench.sh) -------------------
if [ "${BENCH_TCP:-1}" = 1 ]; then
	log "tcp-bulk, tcp-cps, tcp-rr: echo client and server in two engines joined by memif"
	BENCH_BUILD="$BUILD" TCP_HUGEPAGES="$HUGE" TCP_ROUNDS="$ROUNDS" TCP_SAVE=0 \
		bash "$ROOT/perf/tcp_bench.sh" >"$TMP/extra-tcp.txt" || log "the tcp bench did not run"
fi

# --- report -----------------------------------------------------------------------------------
mkdir -p "$ROOT/perf/results"
SHA=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo "-dirty" || true)
OUT="$ROOT/perf/results/$(date +%Y%m%d-%H%M%S)-$SHA$DIRTY.txt"
{
	echo "vecnet bench $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "git $(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)$DIRTY"
	echo "cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs, TSC $TSC Hz"
	echo "kernel $(uname -r)"
	echo "compiler $(cc --version | head -1)"
	echo "build $BUILD: CMAKE_BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt")," \
		"C_FLAGS=$(sed -n 's/^C_FLAGS = //p' "$BUILD/CMakeFiles/vn_core.dir/flags.make" 2>/dev/null | head -1)"
	LINK=static
	ldd "$VECNET" 2>/dev/null | grep -q librte_eal && LINK=shared
	echo "dpdk $(pkg-config --modversion libdpdk 2>/dev/null || echo unknown), testpmd io forwarding, burst 32 (engine: vectors of up to 256)"
	echo "linking: engine with DPDK $LINK, l3fwd-graph with DPDK static (built here), testpmd as Debian ships it (shared)"
	echo "hugepages $HUGE, rounds $ROUNDS, warm-up ${WARMUP}s, window ${WINDOW}s, engine worker on CPU 1, testpmd forwarding core 1"
	echo
	$PY "$ROOT/perf/report.py" --tsc-hz "$TSC" "$RES"
	cat "$TMP"/extra-*.txt 2>/dev/null || true
} >"$TMP/report.txt"
cp "$TMP/report.txt" "$OUT"
$PY "$ROOT/perf/report.py" --tsc-hz "$TSC" --raw "$RES" >>"$OUT"
cat "$TMP/report.txt"
echo
echo "results: ${OUT#"$ROOT"/} ($(( $(date +%s) - START )) s)"
