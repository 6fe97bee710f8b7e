#!/usr/bin/env bash
# Two of our TCP stacks against each other under loss, as the tcp bench runs
# them but lossy: two engines joined by a memif (no kernel, no namespace),
# the echo server on one, `test echo clients` on the other, nsim dropping
# 2 % of what each engine sends. Every round's connections all complete,
# every byte checked by the echo client, within the round's timeout.
#
# Why: the bench once left a bulk connection open for 300 s (issue 17): with
# segments lost, each stack refused the other's ACKs (bare ACKs below the
# peer's RCV.NXT after a timeout, or past its shut window; a probe's ACK
# unread at a shut window), and both waited for ever. The unit suite
# simulates it (test_tcp.c, "two stacks over a lossy wire"); this is the
# same between two real engines.
source "$(dirname "$0")/lib.sh"
vn_init tcp_memif

ROUNDS=${VN_TCP_MEMIF_ROUNDS:-3}
MSOCK=$VN_TMP/memif.sock
SOCK2=$VN_TMP/cli2.sock

# engine_config ROLE ADDR [SOCKET]: a config with one memif and nsim on its output.
engine_config() {
	vn_config_base | sed "s|socket: $VN_SOCK|socket: ${3:-$VN_SOCK}|"
	cat <<EOT
interfaces:
  - { name: m0, device: "memif:$1,id=0,socket=$MSOCK", addresses: [$2/24] }
nsim:
  drop-fraction: 0.02
  output: [m0]
tcp:
  enable: true
  rx-fifo-size: 65536
  tx-fifo-size: 65536
  time-wait-ms: 500
EOT
}

{
	engine_config master 10.10.0.1
	printf '  echo-servers: ["tcp://0.0.0.0/7"]\n'
} >"$VN_TMP/server.yaml"
engine_config slave 10.10.0.2 "$SOCK2" >"$VN_TMP/client.yaml"

vn_engine_start "$VN_TMP/server.yaml"
"$VN_BUILD/vecnet" -c "$VN_TMP/client.yaml" >"$VN_TMP/client.log" 2>&1 &
E2=$!
VN_PIDS+=($E2)
vnctl2() { "$VN_BUILD/vecnetctl" -s "$SOCK2" "$@"; }
for _ in $(seq 100); do vnctl2 show version >/dev/null 2>&1 && break; sleep 0.1; done
for _ in $(seq 100); do
	awk '$1 == "m0" && $4 == "up" { f = 1 } END { exit !f }' <<<"$(vnctl2 show interface)" && break
	sleep 0.1
done
vn_check "the client engine's memif is up" \
	awk '$1 == "m0" && $4 == "up" { f = 1 } END { exit !f }' <<<"$(vnctl2 show interface)"
# ARP through the loss: a few pings until the neighbour is known.
for _ in $(seq 20); do
	vnctl2 ping 10.10.0.1 repeat 1 >/dev/null 2>&1 || true
	vnctl2 show ip neighbors | grep -q "10.10.0.1 " && break
	sleep 0.1
done

for r in $(seq "$ROUNDS"); do
	t0=$(date +%s)
	out=$(vnctl2 test echo clients nclients 8 bytes 2000000 timeout 60 \
		uri tcp://10.10.0.1/7 2>&1) || true
	t1=$(date +%s)
	echo "$out"
	vn_check "round $r: 8 connections echo 2 MB each way intact in $((t1 - t0)) s" \
		grep -q "8 clients, 2000000 bytes each: 8 complete, 0 failed, 0 corrupt$" <<<"$out"
	if grep -q "timed out" <<<"$out"; then
		vnctl2 show session verbose | head -40
		vnctl show session verbose | head -40
	fi
done

show1=$(vnctl show nsim)
show2=$(vnctl2 show nsim)
loss1=$(awk '$1 == "m0" && $2 == "output" { print $5 }' <<<"$show1")
loss2=$(awk '$1 == "m0" && $2 == "output" { print $5 }' <<<"$show2")
vn_check "nsim lost segments both ways (server $loss1, client $loss2)" \
	test "${loss1:-0}" -gt 100 -a "${loss2:-0}" -gt 100
stats=$(vnctl2 show tcp stats; vnctl show tcp stats)
grep -E "retransmi|zero-window|receive window|recovery" <<<"$stats" || true
vn_check "the losses were recovered by retransmission" \
	awk '/segments retransmitted$/ { s += $1 } END { exit !(s > 0) }' <<<"$stats"

kill -TERM $E2
for _ in $(seq 100); do kill -0 $E2 2>/dev/null || break; sleep 0.1; done
wait $E2 && rc2=0 || rc2=$?
vn_engine_stop
vn_check "both engines exit 0 (every mbuf returned: $VN_ENGINE_RC, $rc2)" \
	test "$VN_ENGINE_RC" -eq 0 -a "$rc2" -eq 0
vn_finish
