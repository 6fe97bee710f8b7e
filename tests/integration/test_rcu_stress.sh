#!/usr/bin/env bash
# Tables rewritten under load: two workers forward a replayed stream while the
# main thread adds and deletes 100,000 routes and flaps the next hop's
# neighbour entry. Nothing may crash, leak, or (under the sanitizer build)
# touch freed memory; traffic keeps flowing throughout.
source "$(dirname "$0")/lib.sh"
vn_init rcu-stress

run_stress() { # ENGINE_BUILD_DIR LABEL
	local build=$1 label=$2
	local pcap=$VN_TMP/stream.pcap cfg=$VN_TMP/stress.yaml cli=$VN_TMP/stress.cli
	# Destinations spread over the /32s the stress adds and removes. net_pcap keeps
	# the whole file in mbufs of our pool per queue: keep it small.
	python3 "$VN_SRC/tests/integration/gen_udp_pcap.py" "$pcap" 1024 10.100.0.0 65536
	{
		VN_BUFFERS=16384 VN_WORKERS="[0, 1]" vn_config_base | sed 's/poll: adaptive/poll: always/'
		cat <<EOT
interfaces:
  - name: lan0
    device: "net_pcap0,rx_pcap=$pcap,rx_pcap=$pcap,infinite_rx=1"
    rx-queues: 2
    addresses: [10.0.1.1/24]
  - name: lan1
    device: "net_null0,no-rx=1"
    addresses: [10.0.2.1/24]
routes:
  - { prefix: 10.100.0.0/15, via: 10.0.2.2 }
neighbors:
  - { interface: lan1, address: 10.0.2.2, mac: "02:00:00:00:02:02" }
  - { interface: lan1, address: 10.0.2.3, mac: "02:00:00:00:02:03" }
EOT
	} >"$cfg"
	python3 - "$cli" <<'EOT'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(100000):
        f.write("ip route add 10.%d.%d.%d/32 via 10.0.2.3\n" % (100 + (i >> 16), (i >> 8) & 255, i & 255))
        if i % 1000 == 0:
            mac = "02:00:00:00:%02x:03" % ((i // 1000) % 256)
            f.write("set ip neighbor lan1 10.0.2.3 %s static\n" % mac)
        if i % 5000 == 0:
            f.write("set ip neighbor del lan1 10.0.2.3\n")
            f.write("set ip neighbor lan1 10.0.2.3 02:00:00:00:02:03 static\n")
    for i in range(100000):
        f.write("ip route del 10.%d.%d.%d/32\n" % (100 + (i >> 16), (i >> 8) & 255, i & 255))
EOT
	VN_BUILD=$build vn_engine_start "$cfg"
	sleep 1
	local tx0 tx1 rt
	tx0=$(vnctl show interface lan1 | awk '$1 == "tx" && $2 == "packets" {print $3}')
	vn_check "$label: exec of 200k route changes and neighbour flaps succeeds" \
		timeout 300 "$build/vecnetctl" -s "$VN_SOCK" exec "$cli"
	sleep 1
	tx1=$(vnctl show interface lan1 | awk '$1 == "tx" && $2 == "packets" {print $3}')
	vn_check "$label: traffic kept flowing ($tx0 -> $tx1 packets)" test "${tx1:-0}" -gt "${tx0:-0}"
	rt=$(vnctl show runtime)
	vn_check "$label: both workers forwarded" \
		awk '/^Thread/ {t = $2} $1 == "ip4-lookup" && $4 > 0 {seen[t] = 1}
		     END {exit !(length(seen) >= 2)}' <<<"$rt"
	vn_check "$label: the FIB is back to its base routes" \
		bash -c "! '$build/vecnetctl' -s '$VN_SOCK' show ip fib 10.100.0.5/32 | grep -q '10.100.0.5/32'"
	vn_engine_stop
	vn_check "$label: engine exits 0" test "$VN_ENGINE_RC" -eq 0
	vn_check "$label: every mbuf returned" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
	vn_check "$label: no sanitizer report" bash -c "! grep -Eq 'ERROR: AddressSanitizer|runtime error:' '$VN_ENGINE_LOG'"
	cp "$VN_ENGINE_LOG" "$VN_TMP/engine-$label.log"
}

run_stress "$VN_BUILD" release
if [ -x "${VN_DEBUG_BUILD:-}/vecnet" ]; then
	run_stress "$VN_DEBUG_BUILD" sanitized
else
	echo "note: no sanitizer build at VN_DEBUG_BUILD='${VN_DEBUG_BUILD:-}'; run 'make debug' to include it"
fi
vn_finish
