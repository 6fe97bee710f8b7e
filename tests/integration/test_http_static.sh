#!/usr/bin/env bash
# The http_static plugin serving a Linux client over a host interface:
# curl of 0 B, 1 B, 1 MB (cached) and 100 MB (streamed) files compared by
# SHA-256, a resumed download (curl -C -), HEAD, 404, a directory redirect,
# ".." and a symlink out of www-root refused, If-Modified-Since (304),
# keep-alive reuse, pipelining, a malformed request line (400), an endless
# header (431, closed), a request at one byte a second (closed by the
# header timeout), a client that stops reading (reset by the send
# timeout), wrk at 1000 connections for 10 s, ab -k, h2load --h1, the
# server stopped and started from Lua; then the same server on two
# workers at once. Counters checked in `show http static server`.
# HS_SKIP_LOAD=1 leaves out wrk, ab and h2load (a quick run by hand).
source "$(dirname "$0")/lib.sh"
vn_init hs
PY=$(command -v python3)
RAW="$VN_SRC/tests/integration/http_raw.py"
for t in curl wrk ab h2load; do
	command -v $t >/dev/null || { echo "missing tool: $t (scripts/deps.sh)" >&2; exit 1; }
done

vn_host hs-c 10.0.7.2/24 10.0.7.1
URL=http://10.0.7.1
WWW=$VN_TMP/www
mkdir -p "$WWW/sub" "$WWW/dir" "$WWW/a b"
: >"$WWW/empty.bin"
printf x >"$WWW/one.bin"
head -c 1M /dev/urandom >"$WWW/1m.bin"
head -c 100M /dev/urandom >"$WWW/100m.bin"
echo "<h1>home</h1>" >"$WWW/index.html"
echo "<h1>sub</h1>" >"$WWW/sub/index.html"
echo one >"$WWW/one.txt"
echo two >"$WWW/two.txt"
head -c 64 /dev/zero >"$WWW/64.bin"
echo "top secret" >"$VN_TMP/secret.txt" # beside www-root, not in it
ln -s "$VN_TMP/secret.txt" "$WWW/escape.txt" # a symlink out of the root
ln -s ../one.txt "$WWW/sub/up.txt" # a symlink that stays inside
touch -d "2020-01-01 00:00:00 UTC" "$WWW/one.txt"

# hcode PATH [CURL ARGS...]: the status code curl got.
hcode() {
	local p=$1
	shift
	ip netns exec hs-c curl -s -o /dev/null -m 20 -w '%{http_code}' "$@" "$URL$p" || true
}
# fetch_check NAME: curl the file and compare its SHA-256 with the original.
fetch_check() {
	local f=$1
	ip netns exec hs-c curl -s -m 120 -o "$VN_TMP/got" "$URL/$f" || true
	vn_check "curl $f: SHA-256 matches" \
		test "$(sha256sum <"$VN_TMP/got" | cut -d' ' -f1)" = "$(sha256sum <"$WWW/$f" | cut -d' ' -f1)"
}

config() {
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:hs-c-r", rx-queues: ${RXQ:-1}, addresses: [10.0.7.1/24] }
tcp:
  enable: true
http-static:
  - { www-root: $WWW, uri: tcp://0.0.0.0/80, cache-size: 8m, keepalive-timeout: 15, max-age: 120 }
  - { www-root: $WWW, uri: tcp://10.0.7.1/81, header-timeout: 2, send-timeout: 5 }
EOT
}

vn_log "one thread"
config >"$VN_TMP/hs.yaml"
vn_engine_start "$VN_TMP/hs.yaml"
ip netns exec hs-c ping -c 2 -i 0.2 -W 2 10.0.7.1 >/dev/null || true

for f in empty.bin one.bin 1m.bin 100m.bin; do fetch_check $f; done
fetch_check 1m.bin # again, from the cache

# A resumed download: 30 MB already there, curl -C - fetches the rest (206).
head -c 30M "$WWW/100m.bin" >"$VN_TMP/part"
code=$(ip netns exec hs-c curl -s -m 120 -C - -o "$VN_TMP/part" -w '%{http_code}' "$URL/100m.bin" || true)
vn_check "curl -C - resumes with 206 ($code)" test "$code" = 206
vn_check "the resumed download is whole" \
	test "$(sha256sum <"$VN_TMP/part" | cut -d' ' -f1)" = "$(sha256sum <"$WWW/100m.bin" | cut -d' ' -f1)"
range=$(ip netns exec hs-c curl -s -m 10 -r 10-19 "$URL/1m.bin" | od -An -tx1 | tr -d ' \n')
vn_check "a byte range is those bytes" test "$range" = "$(head -c 20 "$WWW/1m.bin" | tail -c 10 | od -An -tx1 | tr -d ' \n')"
vn_check "an unsatisfiable range is 416" test "$(hcode /1m.bin -r 2000000-)" = 416

head=$(ip netns exec hs-c curl -sI -m 10 "$URL/1m.bin" | tr -d '\r')
vn_check "HEAD: 200 with the length and type" \
	bash -c 'grep -q "^HTTP/1.1 200" <<<"$1" && grep -qx "Content-Length: 1048576" <<<"$1" && grep -qx "Content-Type: application/octet-stream" <<<"$1" && grep -q "^Last-Modified: " <<<"$1" && grep -qx "Cache-Control: max-age=120" <<<"$1"' _ "$head"
vn_check "index.html for /" bash -c 'ip netns exec hs-c curl -s -m 10 '"$URL"'/ | grep -q home'
vn_check "a directory without its slash: 301 to it" \
	bash -c 'ip netns exec hs-c curl -sI -m 10 '"$URL"'/sub | tr -d "\r" | grep -qx "Location: /sub/"'
vn_check "a redirect keeps the query" \
	bash -c 'ip netns exec hs-c curl -sI -m 10 "'"$URL"'/sub?a=1&b=2" | tr -d "\r" | grep -qx "Location: /sub/?a=1&b=2"'
vn_check "a redirect's Location is percent-encoded" \
	bash -c 'ip netns exec hs-c curl -sI -m 10 "'"$URL"'/a%20b" | tr -d "\r" | grep -qx "Location: /a%20b/"'
vn_check "the redirect leads to its index" bash -c 'ip netns exec hs-c curl -sL -m 10 '"$URL"'/sub | grep -q "<h1>sub"'
vn_check "a missing file is 404" test "$(hcode /nope.html)" = 404
vn_check "a directory without index.html is 404" test "$(hcode /dir/)" = 404
vn_check "a symlink inside the root is served" test "$(hcode /sub/up.txt)" = 200
for p in /../secret.txt /sub/../../secret.txt /%2e%2e/secret.txt /..%2fsecret.txt /escape.txt; do
	code=$(hcode "$p" --path-as-is)
	body=$(ip netns exec hs-c curl -s -m 10 --path-as-is "$URL$p" || true)
	vn_check "$p is refused ($code), the secret not served" \
		bash -c '[[ "$1" = 403 || "$1" = 404 ]] && ! grep -q secret <<<"$2"' _ "$code" "$body"
done
vn_check "If-Modified-Since after the file: 304" \
	test "$(hcode /one.txt -H 'If-Modified-Since: Wed, 01 Jan 2020 00:00:01 GMT')" = 304
vn_check "If-Modified-Since before the file: 200" \
	test "$(hcode /one.txt -H 'If-Modified-Since: Tue, 31 Dec 2019 00:00:00 GMT')" = 200
etag=$(ip netns exec hs-c curl -sI -m 10 "$URL/one.txt" | tr -d '\r' | awk -F': ' '$1 == "ETag" { print $2 }')
vn_check "If-None-Match with the ETag ($etag): 304" test "$(hcode /one.txt -H "If-None-Match: $etag")" = 304
vn_check "If-None-Match with another tag: 200" test "$(hcode /one.txt -H 'If-None-Match: "1-1"')" = 200
vn_check "If-Range with another tag: the whole file (200)" \
	test "$(hcode /1m.bin -r 0-9 -H 'If-Range: "1-1"')" = 200
vn_check "If-Range with the ETag: the range (206)" \
	test "$(hcode /one.txt -r 0-1 -H "If-Range: $etag")" = 206
vn_check "POST is 405" test "$(hcode /one.txt -X POST)" = 405
vn_check "an unknown method is 501" test "$(hcode /one.txt -X BREW)" = 501
out=$(ip netns exec hs-c curl -sv -m 10 "$URL/one.txt" "$URL/two.txt" 2>&1 || true)
vn_check "keep-alive: two URLs on one connection" \
	bash -c 'grep -q "Re-using existing connection" <<<"$1" && grep -qx one <<<"$1" && grep -qx two <<<"$1"' _ "$out"

for what in badline version pipeline endless; do
	out=$(ip netns exec hs-c timeout 30 "$PY" "$RAW" 10.0.7.1 80 $what 2>&1 || true)
	vn_check "raw client $what: $out" grep -q "^ok" <<<"$out"
done
# The second server (port 81) has short header and send timeouts; the
# first keeps the defaults, so a loaded machine does not time out wrk.
out=$(ip netns exec hs-c timeout 30 "$PY" "$RAW" 10.0.7.1 81 slow 5 2>&1 || true)
vn_check "one byte a second: closed by the header timeout ($out)" grep -q "^ok" <<<"$out"
out=$(ip netns exec hs-c timeout 40 "$PY" "$RAW" 10.0.7.1 81 stall 9 100m.bin 2>&1 || true)
vn_check "a client that stops reading is reset by the send timeout ($out)" grep -q "^ok" <<<"$out"

# Load: wrk 1000 connections 10 s, ab -k, h2load --h1; no errors, all 2xx.
if [ -z "${HS_SKIP_LOAD:-}" ]; then
out=$(ip netns exec hs-c bash -c 'ulimit -n 65536 2>/dev/null; timeout 60 wrk -t 2 -c 1000 -d 10s --timeout 10s '"$URL"'/64.bin' 2>&1 || true)
echo "$out"
vn_check "wrk 1000 connections: requests done" grep -q "requests in" <<<"$out"
vn_check "wrk: no socket errors" bash -c '! grep -q "Socket errors" <<<"$1"' _ "$out"
vn_check "wrk: no non-2xx answers" bash -c '! grep -q "Non-2xx" <<<"$1"' _ "$out"
out=$(ip netns exec hs-c timeout 120 ab -q -k -n 100000 -c 100 "$URL/64.bin" 2>&1 || true)
echo "$out" | grep -E "Complete|Failed|Non-2xx|Keep-Alive|Requests per"
vn_check "ab -k: 100000 complete" grep -q "^Complete requests: *100000$" <<<"$out"
vn_check "ab -k: 0 failed" grep -q "^Failed requests: *0$" <<<"$out"
vn_check "ab -k: all kept alive, all 2xx" \
	bash -c 'grep -q "^Keep-Alive requests: *100000$" <<<"$1" && ! grep -q Non-2xx <<<"$1"' _ "$out"
out=$(ip netns exec hs-c timeout 120 h2load --h1 -n 20000 -c 50 -m 4 "$URL/64.bin" 2>&1 || true)
echo "$out" | grep -E "^requests|^status"
vn_check "h2load --h1 (pipelined): all succeeded" \
	grep -q "20000 total, 20000 started, 20000 done, 20000 succeeded, 0 failed" <<<"$out"
fi

stats=$(vnctl show http static server)
echo "$stats"
for k in "timeouts: request head" "timeouts: client not reading" "errors: 400 malformed request" "errors: 431 request head too large" \
	"errors: 404 not found" "errors: 403 forbidden path" "errors: 505 HTTP version" "cache hits" \
	"responses streamed from disk"; do
	v=$(grep -F "  $k " <<<"$stats" | awk '{ s += $NF } END { print s + 0 }' || true)
	vn_check "counter '$k' counted (${v:-0})" test "${v:-0}" -gt 0
done
cache=$(vnctl show http static server cache)
vn_check "show ... cache lists entries" bash -c 'awk "\$1 ~ /^[0-9]+\$/ && \$2 > 0" <<<"$1" | grep -q .' _ "$cache"

# Stop with an idle keep-alive connection open: refused from then on, the
# idle connection closed by the sweep; started again on the same port once
# its sessions are gone; then a second server from Lua.
ip netns exec hs-c timeout 20 "$PY" "$RAW" 10.0.7.1 80 idle 10 >"$VN_TMP/idle.out" 2>&1 &
idle_pid=$!
sleep 1
vnctl http static server uri tcp://0.0.0.0/80 stop
vn_check "a stopped server refuses" test "$(hcode /one.txt)" = 000
wait $idle_pid || true
vn_check "its idle connection is closed ($(cat "$VN_TMP/idle.out"))" grep -q "^ok" "$VN_TMP/idle.out"
vn_check "stopping a stopped server is an error" bash -c '! "$@" http static server uri tcp://0.0.0.0/80 stop' _ "$VN_BUILD/vecnetctl" -s "$VN_SOCK"
vnctl http static server www-root "$WWW" uri tcp://0.0.0.0/80 keepalive-timeout 2
vn_check "started again on the same port" test "$(hcode /one.txt)" = 200
out=$(ip netns exec hs-c timeout 20 "$PY" "$RAW" 10.0.7.1 80 idle 6 2>&1 || true)
vn_check "keepalive-timeout 2 closes an idle connection ($out)" grep -q "^ok" <<<"$out"
vn_check "counted as an idle timeout" grep -q "timeouts: idle keep-alive  *[1-9]" <<<"$(vnctl show http static server)"
vnctl http static server uri tcp://10.0.7.1/81 stop
vnctl lua eval "vecnet.http_static_server('tcp://10.0.7.1/8080', {www_root = '$WWW', max_age = 5})"
vn_check "a server started from Lua answers" \
	bash -c 'ip netns exec hs-c curl -s -m 10 http://10.0.7.1:8080/two.txt | grep -qx two'
vn_check "its max-age is Lua's" \
	bash -c 'ip netns exec hs-c curl -sI -m 10 http://10.0.7.1:8080/two.txt | tr -d "\r" | grep -qx "Cache-Control: max-age=5"'
vn_engine_stop
vn_check "engine exits 0 (every mbuf returned)" test "$VN_ENGINE_RC" -eq 0

vn_log "two workers"
VN_WORKERS="[0, 1]" RXQ=2 config >"$VN_TMP/hs2.yaml"
vn_engine_start "$VN_TMP/hs2.yaml"
ip netns exec hs-c ping -c 2 -i 0.2 -W 2 10.0.7.1 >/dev/null || true
pids=()
for i in $(seq 16); do
	ip netns exec hs-c curl -s -m 60 -o "$VN_TMP/w$i" "$URL/1m.bin" &
	pids+=($!)
done
ip netns exec hs-c curl -s -m 120 -o "$VN_TMP/w100" "$URL/100m.bin" || true
for p in "${pids[@]}"; do wait "$p" || true; done
want=$(sha256sum <"$WWW/1m.bin" | cut -d' ' -f1)
bad=0
for i in $(seq 16); do [ "$(sha256sum <"$VN_TMP/w$i" | cut -d' ' -f1)" = "$want" ] || bad=$((bad + 1)); done
vn_check "16 parallel 1 MB downloads on two workers intact ($bad bad)" test $bad -eq 0
vn_check "100 MB on two workers intact" \
	test "$(sha256sum <"$VN_TMP/w100" | cut -d' ' -f1)" = "$(sha256sum <"$WWW/100m.bin" | cut -d' ' -f1)"
if [ -z "${HS_SKIP_LOAD:-}" ]; then
	out=$(ip netns exec hs-c timeout 60 ab -q -k -n 20000 -c 50 "$URL/64.bin" 2>&1 || true)
	vn_check "ab -k on two workers: 0 failed" \
		bash -c 'grep -q "^Complete requests: *20000$" <<<"$1" && grep -q "^Failed requests: *0$" <<<"$1"' _ "$out"
fi
sess=$(vnctl show http static server sessions)
echo "$sess"
for t in 1 2; do
	n=$(awk -v t=$t '$1 == t { s += $3 } END { print s + 0 }' <<<"$sess")
	vn_check "worker thread $t served sessions (${n:-0})" test "${n:-0}" -gt 0
done
vn_engine_stop
vn_check "engine exits 0 (every mbuf returned)" test "$VN_ENGINE_RC" -eq 0
vn_finish
