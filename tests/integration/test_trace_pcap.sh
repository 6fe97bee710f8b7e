#!/usr/bin/env bash
# Packet trace, pcapng capture and the engine's own ping, between two Linux
# hosts routed by vecnet: a traced echo request crosses the whole IPv4 path;
# the capture holds both directions with interface names and a drop with its
# reason in the packet comment; `ping` from the engine gets its replies.
source "$(dirname "$0")/lib.sh"
vn_init trace-pcap
command -v tshark >/dev/null || { echo "missing tool: tshark" >&2; exit 1; }

# has TEXT PATTERN...: every pattern occurs in TEXT.
has() {
	local text=$1
	shift
	for p in "$@"; do grep -q -- "$p" <<<"$text" || return 1; done
}

vn_host vt-ta 10.0.1.2/24 10.0.1.1
vn_host vt-tb 10.0.2.2/24 10.0.2.1

CFG=$VN_TMP/trace.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:vt-ta-r", addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:vt-tb-r", addresses: [10.0.2.1/24] }
EOT
} >"$CFG"
vn_engine_start "$CFG"

# Resolve both hosts first, so the traced request goes straight through.
ip netns exec vt-ta ping -c 2 -i 0.2 -W 1 10.0.2.2 >/dev/null 2>&1 || true

# --- trace -------------------------------------------------------------------
out=$(vnctl trace add ip4-lookup 5 2>&1) && rc=0 || rc=$?
vn_check "trace add refuses a node that is not an input node" test "$rc" -ne 0
vn_check "... and says why" has "$out" "not an input node"
vnctl trace add host-input 10
ip netns exec vt-ta ping -c 1 -W 2 10.0.2.2 >/dev/null 2>&1 || true
trace=$(vnctl show trace)
echo "$trace" >"$VN_TMP/trace.txt"
# The first packet whose host-input record shows an ICMP echo request from A.
req=$(awk '/^Packet /{p=$0; buf=""} {buf=buf"\n"$0} /echo_request/ && p!="" {print p; exit}' \
	<<<"$trace")
nodes=$(awk -v p="$req" '$0==p{on=1; next} /^Packet /{on=0} on && /^[0-9][0-9]:[0-9][0-9]:/{print $2}' \
	<<<"$trace" | paste -sd' ')
vn_check "traced echo request crosses host-input .. port-tx ($nodes)" \
	test "$nodes" = "host-input ethernet-input ip4-input ip4-lookup ip4-rewrite interface-output port-tx"
vn_check "trace decodes addresses and TTL" grep -q "ICMP: 10.0.1.2 -> 10.0.2.2" <<<"$trace"
vn_check "trace shows the lookup result and tx interface" has "$trace" "lookup: adj" "tx lan1"
vnctl clear trace
vn_check "clear trace empties the buffer" has "$(vnctl show trace)" "No packets"

# --- pcap ----------------------------------------------------------------------
CAP=$VN_TMP/cap.pcapng
vnctl pcap trace rx tx drop max 100 file "$CAP"
ip netns exec vt-ta ping -c 2 -i 0.2 -W 2 10.0.2.2 >/dev/null 2>&1 || true
# A frame for another host's MAC: ethernet-input drops it with a reason.
ip -n vt-ta neigh replace 10.0.1.1 lladdr 02:00:00:00:99:99 dev eth0 nud permanent
ip netns exec vt-ta ping -c 1 -W 1 10.0.2.2 >/dev/null 2>&1 || true
ip -n vt-ta neigh del 10.0.1.1 dev eth0
sleep 0.2
vnctl show pcap || true
vnctl pcap trace off
tsh=$(tshark -r "$CAP" -V 2>&1) || true
echo "$tsh" >"$VN_TMP/tshark.txt"
vn_check "tshark reads the capture" bash -c "tshark -r '$CAP' >/dev/null 2>&1"
vn_check "capture holds echo requests" grep -q "Echo (ping) request" <<<"$tsh"
vn_check "capture holds echo replies" grep -q "Echo (ping) reply" <<<"$tsh"
vn_check "interface names in the capture" has "$tsh" "Interface name: lan0" "Interface name: lan1"
vn_check "rx and tx comments" has "$tsh" "Comment): rx lan0]" "Comment): tx lan1]" \
	"Comment): rx lan1]" "Comment): tx lan0]"
vn_check "drop comment names node and reason" has "$tsh" \
	"Comment): drop lan0: ethernet-input: destination MAC is another host]"

# --- ping from the engine ----------------------------------------------------------
out=$(vnctl ping 10.0.2.2 repeat 3 interval 0.2 2>&1) || true
echo "$out"
vn_check "engine ping: 3 sent, 3 received" grep -q "3 sent, 3 received, 0% packet loss" <<<"$out"
vn_check "engine ping reply lines" grep -Eq "bytes from 10.0.2.2: icmp_seq=3 ttl=64 time=" <<<"$out"
out=$(vnctl ping 10.0.1.1 repeat 1 2>&1) || true
vn_check "engine ping of its own address" grep -q "1 received" <<<"$out"
vnctl trace add control-inject 1
vnctl ping 10.0.2.2 repeat 1 >/dev/null
trace=$(vnctl show trace)
vn_check "a traced engine ping starts at control-inject" has "$trace" ": control-inject" \
	": ip4-lookup" ": port-tx"

vn_engine_stop
vn_check "engine exits 0 on SIGTERM" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_finish
