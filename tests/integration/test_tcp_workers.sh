#!/usr/bin/env bash
# The TCP host stack on two workers, with the host interface's two RX queues
# in a fanout group: a connection belongs to the worker its 4-tuple hashes
# to, and segments that arrive on the other worker are handed over (the
# count shows it). nc moves 20 MB through the echo server intact, 200
# concurrent Linux clients and 200 engine clients (opened on both workers)
# get every byte back (with CUBIC); no mbuf leaked. When the sanitizer build exists
# (make debug), the scenario runs again on its engine under ASan/UBSan.
source "$(dirname "$0")/lib.sh"
vn_init tcpw
PY=$(command -v python3)

vn_host tc-w 10.0.1.2/24 10.0.1.1

# run_scenario BUILD LABEL
run_scenario() {
	local build=$1 label=$2
	vn_log "scenario on the $label engine"
	CFG=$VN_TMP/tcpw.yaml
	{
		VN_WORKERS="[0, 1]" vn_config_base
		cat <<EOT
interfaces:
  - { name: lan0, device: "host:tc-w-r", rx-queues: 2, addresses: [10.0.1.1/24] }
tcp:
  enable: true
  rx-fifo-size: 131072
  time-wait-ms: 10000
  congestion-control: cubic
EOT
	} >"$CFG"
	VN_BUILD=$build vn_engine_start "$CFG"
	cfg=$(vnctl show tcp config)
	vn_check "the tcp: section set the FIFO size" grep -q "^rx-fifo-size  *131072$" <<<"$cfg"
	vn_check "the tcp: section chose CUBIC" grep -q "^congestion-control  *cubic$" <<<"$cfg"
	vn_check "the tcp: section enabled the session layer" grep -q "session layer enabled" <<<"$(vnctl show session)"
	vnctl test echo server uri tcp://0.0.0.0/7777
	ip netns exec tc-w ping -c 2 -i 0.2 -W 2 10.0.1.1 >/dev/null || true

	head -c 20M /dev/urandom >"$VN_TMP/blob"
	want=$(sha256sum <"$VN_TMP/blob" | cut -d' ' -f1)
	ip netns exec tc-w timeout 60 nc -N 10.0.1.1 7777 <"$VN_TMP/blob" >"$VN_TMP/recv" || true
	got=$(sha256sum <"$VN_TMP/recv" | cut -d' ' -f1)
	vn_check "20 MB through the echo server on two workers come back intact" test "$got" = "$want"

	out=$(ip netns exec tc-w timeout 150 "$PY" "$VN_SRC/tests/integration/tcp_echo.py" clients \
		10.0.1.1 7777 200 20000 2>&1) || true
	vn_check "200 concurrent Linux clients get their bytes back ($out)" test "$out" = "ok 200"

	ip netns exec tc-w "$PY" "$VN_SRC/tests/integration/tcp_echo.py" server 5000 &
	VN_PIDS+=($!)
	vn_wait_listen tc-w 5000
	out=$(vnctl test echo clients nclients 200 bytes 20000 uri tcp://10.0.1.2/5000 2>&1) || true
	echo "$out"
	vn_check "200 engine clients complete" \
		grep -q "200 clients, 20000 bytes each: 200 complete, 0 failed, 0 corrupt$" <<<"$out"

	sess=$(vnctl show session)
	echo "$sess"
	for t in 1 2; do
		n=$(awk -v t="thread $t:" 'index($0, t) == 1 { print $3 }' <<<"$sess")
		vn_check "worker thread $t owns connections (${n:-0})" test "${n:-0}" -gt 0
	done
	errs=$(vnctl show errors)
	handed=$(awk '/tcp4-input/ && /handed to their owner/ { print $1 }' <<<"$errs")
	vn_check "segments reached the other worker through handoff (${handed:-0})" test "${handed:-0}" -gt 0
	vn_check "no handoff ring overflowed" bash -c '! grep -q "handoff ring full" <<<"$1"' _ "$errs"

	vn_engine_stop
	vn_check "engine exits 0 (every mbuf returned)" test "$VN_ENGINE_RC" -eq 0
}

run_scenario "$VN_BUILD" release
if [ -x "${VN_DEBUG_BUILD:-}/vecnet" ]; then
	ip netns pids tc-w | xargs -r kill 2>/dev/null || true
	run_scenario "$VN_DEBUG_BUILD" sanitized
else
	echo "note: no sanitizer build at VN_DEBUG_BUILD='${VN_DEBUG_BUILD:-}'; run 'make debug' to include it"
fi
vn_finish
