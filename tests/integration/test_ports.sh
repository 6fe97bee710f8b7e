#!/usr/bin/env bash
# Run-time taps, loopbacks and memifs while a transfer runs on other
# interfaces (and loses nothing):
#  - a tap created into a namespace, addressed there, routes its host to B;
#    it is deleted under a ping flood and created again with the same id;
#  - a loopback (one from the YAML, one from the CLI) holds an address that
#    A's pings reach through the router;
#  - create/delete errors: an existing id, a missing namespace, a bad socket;
#  - two engines joined by memif route between their Linux hosts (A on
#    engine 1, C on engine 2's YAML tap): ping and a TCP transfer checked with
#    sha256. Engine 2's memif slave starts before engine 1's master exists.
# Both engines run with `workers: []` (this machine has two cores).
source "$(dirname "$0")/lib.sh"
vn_init ports

vn_host pt-a 10.0.1.2/24 10.0.1.1
vn_host pt-b 10.0.2.2/24 10.0.2.1
# Namespaces with no veth: their only interface is a tap vecnet makes.
for ns in pt-t pt-c; do
	ip netns del $ns 2>/dev/null || true
	ip netns add $ns
	VN_HOSTS+=($ns)
	ip -n $ns link set lo up
done

CFG=$VN_TMP/ports.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:pt-a-r", addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:pt-b-r", addresses: [10.0.2.1/24] }
  - { name: rid0, device: loopback, addresses: [192.0.2.100/32] }
EOT
} >"$CFG"
vn_check "--check accepts a loopback device" "$VN_BUILD/vecnet" -c "$CFG" --check
vn_engine_start "$CFG"

out=$(ip netns exec pt-a ping -c 3 -i 0.2 -W 2 10.0.2.2 2>&1) || true
vn_check "ping A -> B" grep -q " [23] received" <<<"$out"
out=$(ip netns exec pt-a ping -c 2 -i 0.2 -W 2 192.0.2.100 2>&1) || true
vn_check "the YAML loopback's address answers A's ping" grep -q " 2 received" <<<"$out"

# A paced 40 MB transfer A -> B (8 s) runs while taps and loopbacks come and go.
head -c 40M /dev/urandom >"$VN_TMP/blob"
want=$(sha256sum <"$VN_TMP/blob" | cut -d' ' -f1)
ip netns exec pt-b timeout 120 nc -l 5001 </dev/null >"$VN_TMP/recv" &
VN_PIDS+=($!)
NC_B=$!
vn_wait_listen pt-b 5001
(for i in $(seq 0 39); do
	dd if="$VN_TMP/blob" bs=1M skip=$i count=1 status=none
	sleep 0.2
done | ip netns exec pt-a timeout 120 nc -N 10.0.2.2 5001) &
XFER=$!

# A tap whose Linux side is in pt-t, addressed and routed there by vecnet.
out=$(vnctl create tap id 0 host-if-name pt-tap0 host-ns pt-t host-ip4-addr 10.0.3.2/24 \
	host-ip4-gw 10.0.3.1 2>&1)
vn_check "create tap names tap0" test "$out" = "tap0"
vn_check "a new tap is down" \
	awk '$1 == "tap0" && $3 == "down" { f = 1 } END { exit !f }' <<<"$(vnctl show interface)"
vn_check "its Linux side is in pt-t with its address" \
	grep -q "inet 10.0.3.2/24" <<<"$(ip -n pt-t addr show pt-tap0)"
vn_check "its Linux side has the default route" \
	grep -q "default via 10.0.3.1 dev pt-tap0" <<<"$(ip -n pt-t route)"
vnctl set interface state tap0 up
vnctl set interface ip address tap0 10.0.3.1/24
out=$(ip netns exec pt-t ping -c 3 -i 0.2 -W 2 10.0.2.2 2>&1) || true
vn_check "ping tap host -> B through the router" grep -q " [23] received" <<<"$out"
vn_check "the tap's link is up" \
	awk '$1 == "tap0" && $4 == "up" { f = 1 } END { exit !f }' <<<"$(vnctl show interface)"
vn_check "show hardware reads the carrier in the tap's namespace" \
	grep -q "carrier up" <<<"$(vnctl show hardware-interfaces tap0)"
ip -n pt-t link set pt-tap0 down
for _ in $(seq 20); do
	awk '$1 == "tap0" && $4 == "down" { f = 1 } END { exit !f }' <<<"$(vnctl show interface)" && break
	sleep 0.1
done
vn_check "its Linux side set down in pt-t: the tap's link is down" \
	awk '$1 == "tap0" && $4 == "down" { f = 1 } END { exit !f }' <<<"$(vnctl show interface)"
ip -n pt-t link set pt-tap0 up
ip -n pt-t route replace default via 10.0.3.1 dev pt-tap0

out=$(vnctl create tap id 0 2>&1) || true
vn_check "an existing tap id is refused" grep -q "create tap: tap0 exists" <<<"$out"
out=$(vnctl create tap id 1 host-ns pt-nosuch 2>&1) || true
vn_check "a missing namespace is refused by name" \
	grep -q "no network namespace 'pt-nosuch'" <<<"$out"
ip -n pt-t link add pt-dup type veth peer name pt-dup2
out=$(vnctl create tap id 2 host-if-name pt-dup host-ns pt-t 2>&1) || true
vn_check "a Linux name the namespace has is refused" \
	grep -q "Linux already has an interface 'pt-dup' (here or in pt-t)" <<<"$out"
vn_check "a refused tap leaves no interface" \
	bash -c "! grep -qE '^tap[12] ' <<<\"\$1\"" _ "$(vnctl show interface)"

# Deleted while its host floods pings at B, then created again.
ip netns exec pt-t ping -q -i 0.01 -c 300 -W 1 10.0.2.2 >/dev/null 2>&1 &
FLOOD=$!
sleep 0.5
vn_check "the A -> B transfer still runs as the tap goes" kill -0 $XFER
vnctl delete tap tap0
vn_check "deleted: gone from show interface" \
	bash -c "! grep -q '^tap0 ' <<<\"\$1\"" _ "$(vnctl show interface)"
vn_check "deleted: its Linux side is gone" bash -c "! ip -n pt-t link show pt-tap0 2>/dev/null"
vn_check "deleted: its subnet is gone" \
	bash -c "! grep -q 10.0.3.0/24 <<<\"\$1\"" _ "$(vnctl show ip fib)"
wait $FLOOD || true
out=$(vnctl create tap id 0 host-if-name pt-tap0 host-ns pt-t host-ip4-addr 10.0.3.2/24 \
	host-ip4-gw 10.0.3.1 2>&1)
vn_check "the same tap id is created again" test "$out" = "tap0"
vnctl set interface state tap0 up
vnctl set interface ip address tap0 10.0.3.1/24
out=$(ip netns exec pt-t ping -c 3 -i 0.2 -W 2 10.0.2.2 2>&1) || true
vn_check "ping through the re-created tap" grep -q " [23] received" <<<"$out"

# A loopback from the CLI holds an address A reaches through the router.
out=$(vnctl create loopback interface 2>&1)
vn_check "create loopback interface names loop0" test "$out" = "loop0"
vnctl set interface state loop0 up
vnctl set interface ip address loop0 192.0.2.1/32
out=$(ip netns exec pt-a ping -c 3 -i 0.2 -W 2 192.0.2.1 2>&1) || true
vn_check "the loopback's address answers A's ping" grep -q " [23] received" <<<"$out"
out=$(vnctl delete loopback interface intfc lan0 2>&1) || true
vn_check "delete loopback refuses a host interface" grep -q "'lan0' is no loopback" <<<"$out"
vnctl delete loopback interface intfc loop0
out=$(ip netns exec pt-a ping -c 2 -i 0.2 -W 1 192.0.2.1 2>&1) || true
vn_check "deleted: the loopback's address no longer answers" grep -q " 0 received" <<<"$out"

out=$(vnctl create memif socket id 3 filename /pt-no-such-dir/m.sock 2>&1) || true
vn_check "a memif socket in a missing directory is refused" \
	grep -q "the directory of '/pt-no-such-dir/m.sock' does not exist" <<<"$out"

wait $XFER || true
wait $NC_B || true
got=$(sha256sum <"$VN_TMP/recv" | cut -d' ' -f1)
vn_check "40 MB A -> B transfer beside it all arrives intact" test "$want" = "$got"

# ---- engine 2, joined to engine 1 by memif ---------------------------------
MSOCK=$VN_TMP/memif.sock
SOCK2=$VN_TMP/cli2.sock
CFG2=$VN_TMP/engine2.yaml
{
	vn_config_base | sed "s|socket: $VN_SOCK|socket: $SOCK2|"
	cat <<EOT
interfaces:
  - name: wan0
    device: "memif:slave,id=0,socket=$MSOCK"
    addresses: [10.0.100.2/30]
  - name: lan0
    device: "tap:pt-ctap,host-ns=pt-c,host-ip4-addr=10.0.4.2/24,host-ip4-gw=10.0.4.1"
    addresses: [10.0.4.1/24]
routes:
  - { prefix: 10.0.1.0/24, via: 10.0.100.1 }
EOT
} >"$CFG2"
"$VN_BUILD/vecnet" -c "$CFG2" >"$VN_TMP/engine2.log" 2>&1 &
E2=$!
VN_PIDS+=($E2)
vnctl2() { "$VN_BUILD/vecnetctl" -s "$SOCK2" "$@"; }
for _ in $(seq 100); do vnctl2 show version >/dev/null 2>&1 && break; sleep 0.1; done
vn_check "engine 2 starts with its memif slave waiting for a master" \
	bash -c "\"$VN_BUILD/vecnetctl\" -s $SOCK2 show version >/dev/null"
vn_check "engine 2's YAML tap put pt-ctap into pt-c" \
	grep -q "inet 10.0.4.2/24" <<<"$(ip -n pt-c addr show pt-ctap 2>&1)"

vnctl create memif socket id 1 filename "$MSOCK"
out=$(vnctl create memif id 0 socket-id 1 master 2>&1)
vn_check "create memif names memif1/0" test "$out" = "memif1/0"
vnctl set interface state memif1/0 up
vnctl set interface ip address memif1/0 10.0.100.1/30
vnctl ip route add 10.0.4.0/24 via 10.0.100.2
for _ in $(seq 50); do
	awk '$1 == "memif1/0" && $4 == "up" { f = 1 } END { exit !f }' <<<"$(vnctl show interface)" && break
	sleep 0.1
done
vn_check "the slave connected: memif link up on both engines" bash -c \
	"awk '\$1 == \"memif1/0\" && \$4 == \"up\" {f=1} END {exit !f}' <<<\"\$1\" &&
	 awk '\$1 == \"wan0\" && \$4 == \"up\" {f=1} END {exit !f}' <<<\"\$2\"" \
	_ "$(vnctl show interface)" "$(vnctl2 show interface)"
out=$(ip netns exec pt-a ping -c 3 -i 0.2 -W 2 10.0.4.2 2>&1) || true
vn_check "ping A -> C across two engines joined by memif" grep -q " [23] received" <<<"$out"

head -c 20M /dev/urandom >"$VN_TMP/blob2"
want=$(sha256sum <"$VN_TMP/blob2" | cut -d' ' -f1)
ip netns exec pt-c timeout 60 nc -l 5002 </dev/null >"$VN_TMP/recv2" &
VN_PIDS+=($!)
NC_C=$!
vn_wait_listen pt-c 5002
ip netns exec pt-a timeout 60 nc -N 10.0.4.2 5002 <"$VN_TMP/blob2" || true
wait $NC_C || true
got=$(sha256sum <"$VN_TMP/recv2" | cut -d' ' -f1)
vn_check "20 MB TCP A -> C over memif arrives intact" test "$want" = "$got"

# The master goes and comes back: the slave reconnects by itself.
vnctl delete memif memif1/0
vn_check "deleted master: its socket file is gone" test ! -e "$MSOCK"
vnctl create memif id 0 socket-id 1 master >/dev/null
vnctl set interface state memif1/0 up
vnctl set interface ip address memif1/0 10.0.100.1/30
vnctl ip route add 10.0.4.0/24 via 10.0.100.2
out=""
for _ in $(seq 10); do
	out=$(ip netns exec pt-a ping -c 1 -W 1 10.0.4.2 2>&1) && break
	sleep 0.3
done
vn_check "the slave reconnected to the new master" grep -q " 1 received" <<<"$out"
out=$(vnctl create memif id 0 socket-id 1 master 2>&1) || true
vn_check "an existing memif id is refused" grep -q "memif1/0 exists" <<<"$out"

kill -TERM $E2
for _ in $(seq 100); do kill -0 $E2 2>/dev/null || break; sleep 0.1; done
wait $E2 && rc2=0 || rc2=$?
vn_check "engine 2 exits 0 on SIGTERM" test "$rc2" -eq 0
vn_check "engine 2 returned every mbuf" grep -q "all [0-9]* returned to the pool" "$VN_TMP/engine2.log"
vn_check "engine 2's tap went with it" bash -c "! ip -n pt-c link show pt-ctap 2>/dev/null"

vn_engine_stop
vn_check "engine exits 0 on SIGTERM" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_finish
