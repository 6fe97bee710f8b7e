#!/usr/bin/env bash
# http-*: vecnet's HTTP server (plugin http_static) and TCP proxy (plugin
# tcp_proxy) against nginx on the same veth path, in the same run.
#
# Namespaces: the client hp-c (10.0.1.2, wrk and curl), the server side hp-r
# (10.0.1.1 towards the client, 10.0.2.1 towards the backend) and the
# backend hp-b (10.0.2.2, nginx serving the same files). nginx rounds: hp-r's
# veths carry the addresses and nginx (one worker process) serves or proxies
# there. vecnet rounds: hp-r's veths have no address and vecnet, started in
# hp-r, opens host:hp-c-r and host:hp-b-r and terminates TCP itself.
#
# Cores: the server side (vecnet's forwarding thread, `workers: []`, or
# nginx's worker) on CPU 1; wrk/curl on CPU 0, and the backend nginx of the
# proxy rounds on CPU 0 too (the same for both proxies). Every veth keeps
# Linux's default offloads. What the path costs each side: perf/README.md.
#
# Scenarios (BENCH lines: vecnet's figure, nginx's, ratio):
#   http-64b-keepalive, http-4k-keepalive  wrk --latency, keep-alive: rps, p50/p99
#   http-64b-close                         wrk with Connection: close: connections/s
#   http-1g-download                       curl of a 1 GB file (cached): Gbit/s
#   http-proxy-64b                         wrk -> proxy -> backend nginx, keep-alive: rps
# The http-* vecnet side needs build/plugins/http_static_plugin.so; without
# it that side is skipped with a note (nginx is still measured). Knobs:
#   HTTP_ROUNDS [1]  HTTP_SECONDS [10]  HTTP_CONNS [50]  BENCH_BUILD [build]
#   HTTP_CACHE_SIZE [1200m] (vecnet's cache-size)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "$ROOT" && realpath -m "${BENCH_BUILD:-build}")
ROUNDS=${HTTP_ROUNDS:-1}
SECS=${HTTP_SECONDS:-10}
CONNS=${HTTP_CONNS:-50}
CACHE=${HTTP_CACHE_SIZE:-1200m}
TMP=$(mktemp -d /tmp/vecnet-http.XXXXXX)
WWW=$TMP/www
CTL="$BUILD/vecnetctl"
EPID=""
NPIDS=()

log() { echo "http-bench: $*" >&2; }

cleanup() {
	set +e
	[ -n "$EPID" ] && kill -TERM "$EPID" 2>/dev/null && wait "$EPID" 2>/dev/null
	for p in "${NPIDS[@]}"; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	for n in hp-c hp-r hp-b; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

for t in wrk curl nginx ip taskset; do
	command -v $t >/dev/null || { log "missing tool: $t"; exit 1; }
done
[ -x "$BUILD/vecnet" ] || { log "no engine at $BUILD/vecnet"; exit 1; }
HAVE_HTTP=0
[ -f "$BUILD/plugins/http_static_plugin.so" ] && HAVE_HTTP=1
HAVE_PROXY=0
[ -f "$BUILD/plugins/tcp_proxy_plugin.so" ] && HAVE_PROXY=1
[ "$HAVE_HTTP" = 1 ] ||
	log "note: $BUILD/plugins/http_static_plugin.so absent: http-* measured on nginx only"

mkdir -p "$WWW"
head -c 64 /dev/zero | tr '\0' 'a' >"$WWW/64"
head -c 4096 /dev/zero | tr '\0' 'b' >"$WWW/4k"
truncate -s 1G "$WWW/1g" # sparse: served from the page cache

for n in hp-c hp-r hp-b; do
	ip netns del "$n" 2>/dev/null || true
	ip netns add "$n"
	ip -n "$n" link set lo up
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
host() { # NS ADDR GW
	ip -n hp-r link add "$1-r" type veth peer name eth0 netns "$1"
	ip -n hp-r link set "$1-r" up
	ip -n "$1" addr add "$2/24" dev eth0
	ip -n "$1" link set eth0 up
	ip -n "$1" route add default via "$3"
}
host hp-c 10.0.1.2 10.0.1.1
host hp-b 10.0.2.2 10.0.2.1

# nginx_conf NAME LISTEN CPUMASK [proxy]: one worker process, files from WWW.
nginx_conf() {
	local name=$1 listen=$2 mask=$3 proxy=${4:-}
	mkdir -p "$TMP/$name"
	cat >"$TMP/$name/nginx.conf" <<EOT
user root;
worker_processes 1;
worker_cpu_affinity $mask;
daemon off;
pid $TMP/$name/nginx.pid;
error_log $TMP/$name/error.log warn;
events { worker_connections 8192; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	tcp_nodelay on;
	keepalive_requests 10000000;
	keepalive_timeout 65;
	open_file_cache max=16;
	default_type application/octet-stream;
	client_body_temp_path $TMP/$name/body;
	proxy_temp_path $TMP/$name/proxy;
	fastcgi_temp_path $TMP/$name/fcgi;
	uwsgi_temp_path $TMP/$name/uwsgi;
	scgi_temp_path $TMP/$name/scgi;
	server { listen $listen:80 reuseport; root $WWW; }
EOT
	[ -n "$proxy" ] && cat >>"$TMP/$name/nginx.conf" <<EOT
	upstream backend { server $proxy; keepalive 256; }
	server {
		listen $listen:8080;
		location / {
			proxy_pass http://backend;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
		}
	}
EOT
	echo "}" >>"$TMP/$name/nginx.conf"
}

nginx_start() { # NS NAME
	ip netns exec "$1" nginx -p "$TMP/$2" -c "$TMP/$2/nginx.conf" -e "$TMP/$2/error.log" \
		>"$TMP/$2/out.log" 2>&1 &
	NPIDS+=($!)
}
nginx_stop() {
	for p in "${NPIDS[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; done
	NPIDS=()
}
wait_port() { # NS ADDR PORT
	for _ in $(seq 100); do
		ip netns exec "$1" ss -Hltn "sport = :$3" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	log "nothing listens on $1 $2:$3"
	return 1
}

kernel_on() {
	ip -n hp-r addr add 10.0.1.1/24 dev hp-c-r
	ip -n hp-r addr add 10.0.2.1/24 dev hp-b-r
	ip netns exec hp-r sysctl -qw net.ipv4.ip_forward=0
}
kernel_off() {
	ip -n hp-r addr flush dev hp-c-r
	ip -n hp-r addr flush dev hp-b-r
	ip -n hp-c neigh flush all
	ip -n hp-b neigh flush all
}

vecnet_start() {
	cat >"$TMP/r.yaml" <<EOT
engine: { workers: [], main-core: 1, buffers: 65536, hugepages: off, log-level: warning, poll: always }
cli: { socket: $TMP/cli.sock }
plugins: { path: $BUILD/plugins, enable: [all] }
interfaces:
  - { name: lan0, device: "host:hp-c-r", addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:hp-b-r", addresses: [10.0.2.1/24] }
tcp: { enable: true }
EOT
	ip netns exec hp-r "$BUILD/vecnet" -c "$TMP/r.yaml" >"$TMP/engine.log" 2>&1 &
	EPID=$!
	for _ in $(seq 100); do
		"$CTL" -s "$TMP/cli.sock" show version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	log "engine did not start"
	cat "$TMP/engine.log" >&2
	return 1
}
vecnet_stop() {
	kill -TERM "$EPID"; wait "$EPID" 2>/dev/null || true; EPID=""
}
vnctl() { "$CTL" -s "$TMP/cli.sock" "$@"; }

# wrk_run URL [header]: "rps p50_ms p99_ms errors" (errors: socket errors + non-2xx).
wrk_run() {
	local url=$1 hdr=${2:-}
	ip netns exec hp-c ping -c 1 -W 1 10.0.1.1 >/dev/null 2>&1 || true
	if [ -n "$hdr" ]; then
		ip netns exec hp-c taskset -c 0 timeout $((SECS + 30)) wrk -t1 -c"$CONNS" -d"${SECS}s" \
			--latency -H "$hdr" "$url" >"$TMP/wrk.txt" 2>&1 || true
	else
		ip netns exec hp-c taskset -c 0 timeout $((SECS + 30)) wrk -t1 -c"$CONNS" -d"${SECS}s" \
			--latency "$url" >"$TMP/wrk.txt" 2>&1 || true
	fi
	/usr/bin/python3 - "$TMP/wrk.txt" <<'PYEOF'
import re, sys
t = open(sys.argv[1]).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    if not m: return 0.0
    return float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]
rps = re.search(r"Requests/sec:\s+([\d.]+)", t)
p50 = re.search(r"^\s+50%\s+(\S+)", t, re.M)
p99 = re.search(r"^\s+99%\s+(\S+)", t, re.M)
err = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", t))
n2 = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
err += int(n2.group(1)) if n2 else 0
print("%.0f %.3f %.3f %d" % (float(rps.group(1)) if rps else 0,
      ms(p50.group(1)) if p50 else 0, ms(p99.group(1)) if p99 else 0, err))
PYEOF
}

# curl_gbps URL: Gbit/s of one download (bounded to 60 s).
curl_gbps() {
	local b
	b=$(ip netns exec hp-c taskset -c 0 curl -s -o /dev/null --max-time 60 \
		-w '%{speed_download}' "$1" 2>/dev/null) || true
	awk -v b="${b:-0}" 'BEGIN { printf "%.3f", b * 8 / 1e9 }'
}

# measure SIDE: every scenario against what listens on 10.0.1.1 now.
measure() {
	local side=$1 http=$2 proxy=$3
	if [ "$http" = 1 ]; then
		[ "$side" = vecnet ] && vnctl clear runtime >/dev/null
		echo "64b-keepalive $(wrk_run http://10.0.1.1/64)" >>"$TMP/$side"
		if [ "$side" = vecnet ]; then # where vecnet's cycles go, per request
			vnctl show runtime >"$TMP/rt-64b.$r"
			grep -Eo '^ *[0-9]+ requests in' "$TMP/wrk.txt" | grep -Eo '[0-9]+' >"$TMP/req-64b.$r" || true
		fi
		echo "4k-keepalive $(wrk_run http://10.0.1.1/4k)" >>"$TMP/$side"
		echo "64b-close $(wrk_run http://10.0.1.1/64 'Connection: close')" >>"$TMP/$side"
		curl -s -o /dev/null --max-time 60 http://10.0.1.1/1g 2>/dev/null || true # into the cache
		echo "1g-download $(curl_gbps http://10.0.1.1/1g) 0 0 0" >>"$TMP/$side"
	fi
	if [ "$proxy" = 1 ]; then
		echo "proxy-64b $(wrk_run http://10.0.1.1:8080/64)" >>"$TMP/$side"
	fi
	log "$side: $(tr '\n' ';' <"$TMP/$side" | tail -c 400)"
}

# The proxies' backend: nginx in hp-b on CPU 0.
nginx_conf backend 10.0.2.2 01
ip netns exec hp-b nginx -p "$TMP/backend" -c "$TMP/backend/nginx.conf" -e "$TMP/backend/error.log" \
	>"$TMP/backend/out.log" 2>&1 &
BPID=$!
wait_port hp-b 10.0.2.2 80
nginx_conf server 10.0.1.1 10 10.0.2.2:80

: >"$TMP/nginx" && : >"$TMP/vecnet"
for r in $(seq "$ROUNDS"); do
	log "round $r/$ROUNDS: nginx"
	kernel_on
	nginx_start hp-r server
	wait_port hp-r 10.0.1.1 8080
	measure nginx 1 1
	nginx_stop
	kernel_off
	if [ "$HAVE_HTTP" = 1 ] || [ "$HAVE_PROXY" = 1 ]; then
		log "round $r/$ROUNDS: vecnet"
		vecnet_start
		vnctl ping 10.0.2.2 repeat 1 >/dev/null 2>&1 || true
		[ "$HAVE_HTTP" = 1 ] &&
			vnctl http static server www-root "$WWW" uri tcp://10.0.1.1/80 cache-size "$CACHE"
		[ "$HAVE_PROXY" = 1 ] &&
			vnctl test proxy server server-uri tcp://10.0.1.1/8080 client-uri tcp://10.0.2.2/80
		measure vecnet "$HAVE_HTTP" "$HAVE_PROXY"
		vnctl show proxy >"$TMP/show-proxy.txt" 2>&1 || true
		vecnet_stop
	fi
done
kill -TERM "$BPID" 2>/dev/null; wait "$BPID" 2>/dev/null || true

median() { sort -g | awk '{v[NR] = $1} END {if (!NR) print 0; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# col SIDE SCENARIO N: median of column N of SCENARIO's rows
col() { awk -v s="$2" -v n="$3" '$1 == s { print $n }' "$TMP/$1" | median; }
ratio() { awk -v v="$1" -v k="$2" 'BEGIN { printf "%.3f", (k > 0 ? v / k : 0) }'; }
has() { grep -q "^$2 " "$TMP/$1"; }

line() { # SCENARIO METRIC COL [latency]
	local s=$1 m=$2 c=$3 lat=${4:-} v k extra=""
	k=$(col nginx "$s" "$c")
	if [ -n "$lat" ]; then
		extra=" peer_p50_ms=$(col nginx "$s" 3) peer_p99_ms=$(col nginx "$s" 4)"
	fi
	if has vecnet "$s"; then
		v=$(col vecnet "$s" "$c")
		[ -n "$lat" ] && extra=" p50_ms=$(col vecnet "$s" 3) p99_ms=$(col vecnet "$s" 4)$extra"
		echo "BENCH scenario=http-$s $m=$v peer=nginx peer_$m=$k ratio=$(ratio "$v" "$k")$extra" \
			"errors=$(col vecnet "$s" 5) peer_errors=$(col nginx "$s" 5)"
	else
		echo "BENCH scenario=http-$s $m=na peer=nginx peer_$m=$k ratio=na$extra" \
			"note=vecnet-side-skipped"
	fi
}
echo "http rounds: nginx $(tr '\n' ';' <"$TMP/nginx"); vecnet $(tr '\n' ';' <"$TMP/vecnet")"
[ "$HAVE_HTTP" = 1 ] || echo "note: http_static plugin not built: the http-* vecnet side was skipped"
line 64b-keepalive rps 2 lat
# vecnet's cycles per request by node in the 64 B keep-alive runs (TSC clocks of
# `show runtime`; the engine's one thread serves both veths).
if [ "$HAVE_HTTP" = 1 ]; then
	/usr/bin/python3 - "$TMP" "$ROUNDS" "$ROOT/perf" <<'PYEOF' || true
import statistics, sys
tmp, rounds, perf = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sys.path.insert(0, perf)
from measure import parse_runtime
per = {}
for r in range(1, rounds + 1):
    try:
        req = int(open("%s/req-64b.%d" % (tmp, r)).read().split()[0])
        rt = parse_runtime(open("%s/rt-64b.%d" % (tmp, r)).read())
    except (OSError, IndexError, ValueError):
        continue
    for name, n in rt.items():
        if name != "total" and req:
            per.setdefault(name, []).append(n["vectors"] * n["clocks_per_packet"] / req)
if per:
    med = {k: statistics.median(v) for k, v in per.items()}
    top = sorted(med.items(), key=lambda kv: -kv[1])[:8]
    print("http-64b-keepalive vecnet cycles per request by node: %s; all nodes %.0f" % (
        ", ".join("%s %.0f" % kv for kv in top), sum(med.values())))
PYEOF
fi
line 4k-keepalive rps 2 lat
line 64b-close cps 2
line 1g-download gbps 2
line proxy-64b rps 2 lat
