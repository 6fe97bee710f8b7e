# nat44-16k: 16,384 inside UDP flows translated in2out on one worker.
# Sourced by perf/bench.sh (see README.md here). Frames come from 64 inside
# hosts (10.0.0.2-10.0.0.65, on in0's subnet) x 256 source ports each, to
# 198.18.0.1-254:2000 (routed out of out0); in0 is inside, out0 outside, the
# pool four addresses on out0's subnet. The pcap replays forever: the first
# pass creates the 16,384 sessions (`show nat44 summary` reports their cost in
# cycles per new session; scn_nat44_16k_report prints it as a BENCH line), every
# later packet hits its session.
scenario_add nat44-16k nat44

scn_nat44_16k_frames() { echo 16384; }

scn_nat44_16k_gen() {
	local mac=$1 out=$2
	$PY - "$ROOT/perf" "$mac" "$out" <<'PYEOF'
import sys
sys.path.insert(0, sys.argv[1])
import gen_pcap as gp
mac = bytes.fromhex(sys.argv[2].replace(":", ""))
frames = (gp.frame(mac, (10 << 24) | (2 + i // 256), gp.ONE_24 | (1 + i % 254), 10000 + (i % 256) * 7, 2000)
          for i in range(16384))
n = gp.write_pcap(sys.argv[3], frames)
print("%s: %d frames (nat44-16k)" % (sys.argv[3], n))
PYEOF
}

scn_nat44_16k_config() {
	cat <<'YEOF'
nat44:
  sessions: 1048576
  addresses: [10.1.0.100-10.1.0.103]
  inside: [in0]
  outside: [out0]
YEOF
}

# Session creation cost, measured by the engine itself (TSC around port choice
# and both hash inserts, for every session the first pass created):
#   "session creation: N sessions, C cycles per new session"
scn_nat44_16k_report() {
	local ctl=$1 sock=$2 line
	line=$("$ctl" -s "$sock" show nat44 summary | grep '^session creation:') || return 1
	set -- $line
	echo "BENCH scenario=nat44-session-create cycles_per_session=$5 sessions=$3"
}
