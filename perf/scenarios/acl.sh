# ACL plugin bench scenarios (sourced by perf/bench.sh; see README.md here).
#   acl-1k       ip4-1flow's traffic through 1,000 stateless rules on in0 input,
#                the traffic matching only the last one (a permit). Goal: at most
#                2x the cycles/packet of ip4-1flow (the ACL-free path).
#   acl-reflect  ip4-10kflows' traffic (10,000 UDP flows) through a permit+reflect
#                rule on in0 input: after the first pass every packet is a session
#                hit (10k sessions in the shared session table).
scenario_add acl-1k acl
scenario_add acl-reflect acl

scn_acl_1k_frames() { echo 1024; }
scn_acl_1k_gen() {
	$PY "$ROOT/perf/gen_pcap.py" pcap --scenario ip4-1flow --dst-mac "$1" --out "$2"
}
scn_acl_1k_config() {
	local i
	echo "acl:"
	echo "  acls:"
	echo "    - tag: bench-1k"
	echo "      rules:"
	# 999 rules that never match 10.0.0.2:1024 -> 198.18.0.1:2000/udp, with varied
	# prefixes, protocols and port ranges so the trie is not trivial.
	for i in $(seq 0 998); do
		case $((i % 3)) in
		0) echo "        - deny src 172.$((16 + i / 256)).$((i % 256)).0/24 proto 17 dport $((i + 1))-$((i + 100))" ;;
		1) echo "        - deny src 10.0.0.0/24 dst 203.0.$((i % 256)).0/24 proto 6 sport $i" ;;
		2) echo "        - deny dst 198.18.$((1 + i % 250)).0/24 proto 17 sport 0-1023" ;;
		esac
	done
	echo "        - permit src 10.0.0.0/24 dst 198.18.0.0/24 proto 17 sport 1024 dport 2000"
	echo "  interfaces:"
	echo "    - { name: in0, input: [0] }"
}

scn_acl_reflect_frames() { echo 10000; }
scn_acl_reflect_gen() {
	$PY "$ROOT/perf/gen_pcap.py" pcap --scenario ip4-10kflows --dst-mac "$1" --out "$2"
}
scn_acl_reflect_config() {
	cat <<EOT
acl:
  acls:
    - tag: bench-reflect
      rules: ["permit+reflect src 10.0.0.0/8 proto udp"]
  interfaces:
    - { name: in0, input: [0] }
EOT
}
