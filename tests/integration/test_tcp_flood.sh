#!/usr/bin/env bash
# A SYN flood from spoofed sources (tens of thousands of SYNs, random
# addresses and ports) against the echo server while real clients work: the
# half-open table stays at its limit, SYN cookies answer the rest, real
# clients open connections from their cookies and get every byte back, the
# connection count stays bounded, no mbuf leaked.
source "$(dirname "$0")/lib.sh"
vn_init tcpf
PY=$(command -v python3)

vn_host tc-f 10.0.1.2/24 10.0.1.1

CFG=$VN_TMP/tcpf.yaml
{
	VN_BUFFERS=16384 vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:tc-f-r", addresses: [10.0.1.1/24] }
tcp:
  enable: true
  half-open-max: 256
EOT
} >"$CFG"
vn_engine_start "$CFG"
vnctl test echo server uri tcp://0.0.0.0/7777
ip netns exec tc-f ping -c 2 -i 0.2 -W 2 10.0.1.1 >/dev/null || true

# An established transfer that runs through the flood.
head -c 20M /dev/urandom >"$VN_TMP/blob"
want=$(sha256sum <"$VN_TMP/blob" | cut -d' ' -f1)
(for i in $(seq 0 19); do
	dd if="$VN_TMP/blob" bs=1M skip=$i count=1 status=none
	sleep 0.1
done | ip netns exec tc-f timeout 60 nc -N 10.0.1.1 7777 >"$VN_TMP/recv") &
XFER=$!

ip netns exec tc-f timeout 60 "$PY" "$VN_SRC/tests/integration/tcp_synflood.py" \
	10.0.1.1 7777 40000 2 >"$VN_TMP/flood.out" 2>&1 &
FLOOD=$!
sleep 0.5
# New clients while the flood runs: their SYNs meet a full half-open table.
out=$(ip netns exec tc-f timeout 100 "$PY" "$VN_SRC/tests/integration/tcp_echo.py" clients \
	10.0.1.1 7777 50 20000 2>&1) || true
vn_check "50 clients during the flood get their bytes back ($out)" test "$out" = "ok 50"
wait $FLOOD || true
vn_log "flood: $(cat "$VN_TMP/flood.out") SYNs sent"
wait $XFER || true
got=$(sha256sum <"$VN_TMP/recv" | cut -d' ' -f1)
vn_check "the transfer running through the flood is intact" test "$got" = "$want"

stats=$(vnctl show tcp stats)
echo "$stats"
cookies=$(awk '/syn cookies sent/ { print $1 }' <<<"$stats")
from=$(awk '/connections opened from a syn cookie/ { print $1 }' <<<"$stats")
conns=$(awk '/ connections$/ { print $1 }' <<<"$stats")
vn_check "the flood was answered with cookies (${cookies:-0})" test "${cookies:-0}" -gt 10000
vn_check "real clients opened connections from cookies (${from:-0})" test "${from:-0}" -gt 0
# Half-open entries, the clients' TIME_WAIT and this bound: nothing else.
vn_check "the connection table stayed bounded (${conns:-?})" test "${conns:-999999}" -le 400

vn_engine_stop
vn_check "engine exits 0 (every mbuf returned)" test "$VN_ENGINE_RC" -eq 0
vn_finish
