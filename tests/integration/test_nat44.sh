#!/usr/bin/env bash
# NAT44 end to end: Linux hosts behind vecnet reach an outside server that has
# no route back to them (only its connected subnet, which holds the pool
# address: the engine must answer ARP for it).
#
#   vt-nin   10.0.1.2/24  (lan0, inside)   client
#   vt-nsrv  10.0.3.2/24  (lan1, inside)   server behind a port forward
#   vt-nout  192.168.100.2/24 (wan0, outside), no default route
#   pool     192.168.100.100  (not an interface address)
#
# Checked: curl fetches a file intact and the server logs the pool address;
# UDP request/response (the server sees the pool address); ping; an ICMP port
# unreachable finds its way back to the inside socket (inner packet
# translated); port forwarding outside -> inside; hairpinning inside ->
# outside address -> inside; sessions expire and the table drains; a full
# table drops new flows (counted) while an existing flow keeps working; the
# YAML section and the CLI agree; bad commands fail cleanly; then the same
# traffic with two workers (handoff); no mbuf leaked.
source "$(dirname "$0")/lib.sh"
vn_init nat44

PY=/usr/bin/python3
for t in curl nc $PY; do command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }; done
[ -f "$VN_BUILD/plugins/nat44_plugin.so" ] || { echo "no $VN_BUILD/plugins/nat44_plugin.so" >&2; exit 1; }

POOL=192.168.100.100
vn_host vt-nin 10.0.1.2/24 10.0.1.1
vn_host vt-nsrv 10.0.3.2/24 10.0.3.1
vn_host vt-nout 192.168.100.2/24 192.168.100.1
ip -n vt-nout route del default
vn_check "the outside server has no route to the inside" \
	test -z "$(ip -n vt-nout route show 10.0.1.2 2>/dev/null; ip -n vt-nout route show default)"

# --- servers ------------------------------------------------------------------------------------
mkdir -p "$VN_TMP/www" "$VN_TMP/www2"
head -c 2M /dev/urandom >"$VN_TMP/www/blob"
echo "inside server" >"$VN_TMP/www2/index.html"
WANT=$(sha256sum <"$VN_TMP/www/blob" | cut -d' ' -f1)
ip netns exec vt-nout timeout 600 $PY -u -m http.server 8080 --bind 192.168.100.2 \
	--directory "$VN_TMP/www" >"$VN_TMP/http-out.log" 2>&1 &
VN_PIDS+=($!)
ip netns exec vt-nsrv timeout 600 $PY -u -m http.server 8000 --bind 10.0.3.2 \
	--directory "$VN_TMP/www2" >"$VN_TMP/http-in.log" 2>&1 &
VN_PIDS+=($!)
# UDP echo: answers "SRC_ADDR:SRC_PORT DATA", so the client learns what the server saw.
cat >"$VN_TMP/udp_echo.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    data, addr = s.recvfrom(2048)
    s.sendto(("%s:%d " % addr).encode() + data, addr)
EOF
ip netns exec vt-nout timeout 600 $PY "$VN_TMP/udp_echo.py" 192.168.100.2 5353 &
VN_PIDS+=($!)
# udp_client.py MODE ...: request/response, ICMP port unreachable, table filling.
cat >"$VN_TMP/udp_client.py" <<'EOF'
import socket, sys, time
mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])

def ask(s, msg):
    s.send(msg)
    return s.recv(2048).decode()

def sock():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.connect((host, port))
    return s

if mode == "echo":
    print(ask(sock(), b"hello"))
elif mode == "refused":
    # ICMP port unreachable reaches a connected UDP socket only if the quoted
    # packet was translated back to this socket's own addresses and ports.
    s = sock()
    for _ in range(3):
        try:
            s.send(b"x"); s.recv(100)
        except ConnectionRefusedError:
            print("refused"); break
        except socket.timeout:
            pass
    else:
        print("no icmp")
elif mode == "fill":
    n = int(sys.argv[4])
    s1 = sock()
    print("first", ask(s1, b"before"))
    others = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect((host, port))
        s.send(b"fill")
        others.append(s)
    time.sleep(0.3)
    print("again", ask(s1, b"after"))
EOF

CFG=$VN_TMP/nat.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:vt-nin-r", addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:vt-nsrv-r", addresses: [10.0.3.1/24] }
  - { name: wan0, device: "host:vt-nout-r", addresses: [192.168.100.1/24] }
nat44:
  sessions: 64
  addresses: [$POOL]
  inside: [lan0, lan1]
  outside: [wan0]
  static-mappings:
    - { protocol: tcp, local: 10.0.3.2, local-port: 8000, external: $POOL, external-port: 8080 }
EOT
} >"$CFG"

# --- config checks --------------------------------------------------------------------------------
sed "s/addresses: \[$POOL\]/addresses: [$POOL-192.168.1.1]/" "$CFG" >"$VN_TMP/bad1.yaml"
out=$("$VN_BUILD/vecnet" -c "$VN_TMP/bad1.yaml" --check 2>&1) && rc=0 || rc=$?
vn_check "--check rejects a reversed address range with its line" \
	test "$rc" -eq 1 -a -n "$(grep -E 'bad1.yaml:[0-9]+:[0-9]+: nat44.addresses' <<<"$out")"
sed "s/local-port: 8000, //" "$CFG" >"$VN_TMP/bad2.yaml"
out=$("$VN_BUILD/vecnet" -c "$VN_TMP/bad2.yaml" --check 2>&1) && rc=0 || rc=$?
vn_check "--check rejects a port forward without its local port" \
	test "$rc" -eq 1 -a -n "$(grep -E 'bad2.yaml:[0-9]+:[0-9]+: nat44.static-mappings' <<<"$out")"
sed "s/sessions: 64/sessions: 10/" "$CFG" >"$VN_TMP/bad3.yaml"
out=$("$VN_BUILD/vecnet" -c "$VN_TMP/bad3.yaml" --check 2>&1) && rc=0 || rc=$?
vn_check "--check rejects sessions: 10" test "$rc" -eq 1

# --check looks for the Linux interfaces too: this test's hosts stand in for the demo's.
sed -e "s|vn-host-a-r|vt-nin-r|" -e "s|vn-host-b-r|vt-nout-r|" "$VN_SRC/configs/nat-gateway.yaml" >"$VN_TMP/gw.yaml"
vn_check "configs/nat-gateway.yaml is valid" "$VN_BUILD/vecnet" -c "$VN_TMP/gw.yaml" --check

vn_engine_start "$CFG"

vn_check "show nat44 addresses lists the pool" grep -q "$POOL" <<<"$(vnctl show nat44 addresses)"
ifs=$(vnctl show nat44 interfaces)
vn_check "show nat44 interfaces: lan0 in, wan0 out" \
	test -n "$(grep -E '^ +lan0 in$' <<<"$ifs")" -a -n "$(grep -E '^ +wan0 out$' <<<"$ifs")"
vn_check "show nat44 static mappings lists the port forward" \
	grep -q "tcp local 10.0.3.2:8000 external $POOL:8080" <<<"$(vnctl show nat44 static mappings)"

# --- dynamic translation ------------------------------------------------------------------------
# TCP: a file over HTTP, intact, and the server saw the pool address.
ok=0
for _ in 1 2 3; do
	if ip netns exec vt-nin curl -s --max-time 10 -o "$VN_TMP/got" http://192.168.100.2:8080/blob; then
		ok=1; break
	fi
	sleep 0.5
done
got=$(sha256sum <"$VN_TMP/got" 2>/dev/null | cut -d' ' -f1)
vn_check "curl from inside fetches a 2 MB file from the outside server intact" \
	test "$ok" -eq 1 -a "$got" = "$WANT"
vn_check "the outside HTTP server saw the pool address $POOL" \
	grep -q "^$POOL .*GET /blob" "$VN_TMP/http-out.log"
vn_check "the outside HTTP server never saw an inside address" \
	test -z "$(grep '^10\.' "$VN_TMP/http-out.log")"
vn_check "the engine answered ARP for the pool address" \
	test -n "$(ip -n vt-nout neigh show $POOL | grep -i "$(cat /sys/class/net/vt-nout-r/address)")"

out=$(ip netns exec vt-nin timeout 10 $PY "$VN_TMP/udp_client.py" echo 192.168.100.2 5353 2>&1) || true
vn_check "UDP request/response through NAT, server saw $POOL ($out)" grep -q "^$POOL:[0-9]* hello$" <<<"$out"

out=$(ip netns exec vt-nin ping -c 3 -i 0.2 -W 2 192.168.100.2 2>&1) || true
vn_check "ping inside -> outside through NAT" grep -q " 0% packet loss" <<<"$out"

out=$(ip netns exec vt-nin timeout 10 $PY "$VN_TMP/udp_client.py" refused 192.168.100.2 5999 2>&1) || true
vn_check "ICMP port unreachable from outside reaches the inside socket ($out)" test "$out" = refused

sess=$(vnctl show nat44 sessions)
vn_check "sessions listed: tcp, udp and icmp from 10.0.1.2 via $POOL" \
	test -n "$(grep -E "tcp +10.0.1.2:[0-9]+ -> $POOL:[0-9]+ remote 192.168.100.2:8080" <<<"$sess")" \
	-a -n "$(grep -E "udp +10.0.1.2:[0-9]+ -> $POOL:[0-9]+ remote 192.168.100.2:5353" <<<"$sess")" \
	-a -n "$(grep -E "icmp 10.0.1.2:[0-9]+ -> $POOL:[0-9]+ remote 192.168.100.2:0" <<<"$sess")"
vn_check "the closed HTTP connection is tracked (closed/reset state)" \
	grep -Eq "tcp .*remote 192.168.100.2:8080 (closed|reset|closing)" <<<"$sess"
vn_check "show nat44 sessions detail has counters" grep -q "i2o [1-9][0-9]* pkts" <<<"$(vnctl show nat44 sessions detail)"
vn_check "the router itself still answers from inside (not translated)" \
	bash -c "ip netns exec vt-nin ping -c 1 -W 2 10.0.1.1 | grep -q ' 0% packet loss'"
vn_check "the router's outside address answers the outside host" \
	bash -c "ip netns exec vt-nout ping -c 1 -W 2 192.168.100.1 | grep -q ' 0% packet loss'"
out=$(ip netns exec vt-nout timeout 5 nc -u -w 1 $POOL 4444 <<<"x" 2>&1; vnctl show errors)
vn_check "unsolicited UDP to the pool is dropped with a reason" \
	grep -q "nat44-out2in .*no session for an outside address" <<<"$out"

# --- port forwarding and hairpinning ---------------------------------------------------------------
out=$(ip netns exec vt-nout curl -s --max-time 10 http://$POOL:8080/ 2>&1) || true
vn_check "port forward: outside curl $POOL:8080 reaches the inside server" test "$out" = "inside server"
vn_check "the inside server saw the real outside client 192.168.100.2" \
	grep -q "^192.168.100.2 .*GET / " "$VN_TMP/http-in.log"
out=$(ip netns exec vt-nin curl -s --max-time 10 http://$POOL:8080/ 2>&1) || true
vn_check "hairpinning: inside client reaches the inside server via $POOL:8080" test "$out" = "inside server"
vn_check "the inside server saw the hairpinned client as $POOL" grep -q "^$POOL .*GET / " "$VN_TMP/http-in.log"
vn_check "hairpin counted" grep -Eq "[1-9][0-9]* +nat44-in2out +packets hairpinned" <<<"$(vnctl show errors)"

# --- CLI: bad input fails cleanly, good input works --------------------------------------------
bad() { ! vnctl "$@" >/dev/null 2>"$VN_TMP/err" && test -s "$VN_TMP/err"; }
vn_check "bad: address range reversed" bad nat44 add address 10.9.0.9 - 10.9.0.1
vn_check "bad: delete an address not in the pool" bad nat44 add address 10.9.9.9 del
vn_check "bad: static mapping without ports" bad nat44 add static mapping tcp local 10.0.1.2 external $POOL
vn_check "bad: unknown interface" bad set interface nat44 in nosuch0
vn_check "bad: interface both inside and outside" bad set interface nat44 out lan0
vn_check "bad: timeout out of range" bad set nat timeout udp 0
vn_check "bad: sessions resized after enable" bad nat44 enable sessions 128
vn_check "add and delete an address range" \
	bash -c "'$VN_BUILD/vecnetctl' -s '$VN_SOCK' nat44 add address 192.168.100.110 - 192.168.100.112 &&
		 '$VN_BUILD/vecnetctl' -s '$VN_SOCK' show nat44 addresses | grep -q 192.168.100.111 &&
		 '$VN_BUILD/vecnetctl' -s '$VN_SOCK' nat44 add address 192.168.100.110 - 192.168.100.112 del &&
		 ! '$VN_BUILD/vecnetctl' -s '$VN_SOCK' show nat44 addresses | grep -q 192.168.100.111"
vnctl lua eval 'vecnet.nat44_static_mapping{protocol="udp", local_ip="10.0.3.2", local_port=53, external_ip="192.168.100.100", external_port=5300}'
vn_check "Lua adds a static mapping" grep -q "udp local 10.0.3.2:53" <<<"$(vnctl show nat44 static mappings)"
out="$(vnctl lua eval 'vecnet.nat44_summary().max_sessions') $(vnctl lua eval 'vecnet.nat44_summary().sessions > 0')"
vn_check "Lua summary: max 64, sessions > 0 ($out)" test "$out" = "64 true"

# --- table full --------------------------------------------------------------------------------
# 64 sessions: an existing UDP flow keeps working while 80 new flows overflow the table.
out=$(ip netns exec vt-nin timeout 20 $PY "$VN_TMP/udp_client.py" fill 192.168.100.2 5353 80 2>&1) || true
vn_check "table full: the existing flow still answered ($(tr '\n' ' ' <<<"$out"))" \
	test -n "$(grep '^first .* before' <<<"$out")" -a -n "$(grep '^again .* after' <<<"$out")"
sum=$(vnctl show nat44 summary)
full=$(awk '$1 == "0" { print $9 }' <<<"$sum")
vn_check "table full: new flows dropped and counted ($full)" test "${full:-0}" -gt 0
vn_check "table full: counted in show errors" \
	grep -q "nat44-in2out .*session table full" <<<"$(vnctl show errors)"
vn_check "table use reported" grep -Eq "^sessions: 64 of 64 \(table use 100.0%\)" <<<"$sum"

# --- expiry ------------------------------------------------------------------------------------
vnctl set nat timeout udp 2 tcp-transitory 2 tcp-established 3 icmp 2
vn_check "show nat timeouts" grep -q "udp 2s tcp-established 3s tcp-transitory 2s icmp 2s" <<<"$(vnctl show nat timeouts)"
drained=0
for _ in $(seq 40); do
	if grep -q "^sessions: 0 of" <<<"$(vnctl show nat44 summary)"; then drained=1; break; fi
	sleep 0.25
done
vn_check "every session expires and the table drains to 0" test "$drained" -eq 1
vn_check "expiry counted" grep -Eq "[1-9][0-9]* +nat44-expire +sessions expired or purged" <<<"$(vnctl show errors)"
out=$(ip netns exec vt-nin timeout 10 $PY "$VN_TMP/udp_client.py" echo 192.168.100.2 5353 2>&1) || true
vn_check "new flows work again after expiry" grep -q "^$POOL:[0-9]* hello$" <<<"$out"

vn_engine_stop
vn_check "engine exits 0 on SIGTERM" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"

# --- two workers: both directions of a session handed to its owner --------------------------------
VN_WORKERS="[0, 1]"
# Two RX queues per port (AF_PACKET fanout), spread over the workers: packets
# of one session arrive on either worker and must be handed to its owner.
sed -e "s/workers: \[\]/workers: $VN_WORKERS/" -e "s/sessions: 64/sessions: 100000/" \
	-e 's/\(iface=vt-n[a-z]*-r\)"/\1,qpairs=2", rx-queues: 2/' "$CFG" >"$VN_TMP/nat2.yaml"
vn_engine_start "$VN_TMP/nat2.yaml"
ok=0
for _ in 1 2 3; do
	if ip netns exec vt-nin curl -s --max-time 10 -o "$VN_TMP/got2" http://192.168.100.2:8080/blob; then
		ok=1; break
	fi
	sleep 0.5
done
got=$(sha256sum <"$VN_TMP/got2" 2>/dev/null | cut -d' ' -f1)
vn_check "2 workers: curl through NAT intact" test "$ok" -eq 1 -a "$got" = "$WANT"
# 10.0.1.2 and the port-forwarded server are owned by worker 0 (CRC of the
# inside address); 10.0.1.3 by worker 1, so both workers hold sessions.
ip -n vt-nin addr add 10.0.1.3/24 dev eth0
out=$(ip netns exec vt-nin curl -s --max-time 10 --interface 10.0.1.3 -o /dev/null \
	-w '%{http_code}' http://192.168.100.2:8080/blob 2>&1) || true
vn_check "2 workers: curl from a host owned by the other worker ($out)" test "$out" = "200"
n_ok=0
for i in $(seq 8); do
	out=$(ip netns exec vt-nin timeout 10 $PY "$VN_TMP/udp_client.py" echo 192.168.100.2 5353 2>&1) || true
	grep -q "^$POOL:[0-9]* hello$" <<<"$out" && n_ok=$((n_ok + 1))
done
vn_check "2 workers: 8 UDP flows answered ($n_ok)" test "$n_ok" -eq 8
out=$(ip netns exec vt-nout curl -s --max-time 10 http://$POOL:8080/ 2>&1) || true
vn_check "2 workers: port forward" test "$out" = "inside server"
out=$(ip netns exec vt-nin curl -s --max-time 10 http://$POOL:8080/ 2>&1) || true
vn_check "2 workers: hairpinning" test "$out" = "inside server"
out=$(ip netns exec vt-nin ping -c 3 -i 0.2 -W 2 192.168.100.2 2>&1) || true
vn_check "2 workers: ping" grep -q " 0% packet loss" <<<"$out"
rt=$(vnctl show runtime)
echo "$rt" | grep -E "^Thread|nat44"
vn_check "2 workers: packets arrived on both workers and were handed off" \
	awk '/^Thread/ {t = $2} $1 == "nat44-in2out-handoff" && $4 > 0 {seen[t] = 1}
	     END {exit !(length(seen) >= 2)}' <<<"$rt"
# Ownership: a worker translates (runs nat44-in2out) exactly when it holds sessions.
ran=$(awk '/^Thread/ {w = $4} $1 == "nat44-in2out" && $4 > 0 {print w}' <<<"$rt" | sort -u | tr '\n' ' ')
held=$(vnctl show nat44 sessions | awk '/^worker/ && $3 > 0 {sub(":", "", $2); print $2}' | sort -u | tr '\n' ' ')
vn_check "2 workers: only the owning workers translate (ran: $ran, hold sessions: $held)" \
	test "$held" = "0 1 " -a "$ran" = "$held"
sum=$(vnctl show nat44 summary)
echo "$sum"
vn_check "2 workers: two session tables" grep -q "per worker, 2 worker(s)" <<<"$sum"
vn_check "2 workers: nothing dropped for want of a session" \
	test -z "$(vnctl show errors | grep -E 'no session|without a session|ring full')"
vn_engine_stop
vn_check "2 workers: engine exits 0" test "$VN_ENGINE_RC" -eq 0
vn_check "2 workers: every mbuf returned" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_finish
