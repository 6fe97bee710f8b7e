#!/usr/bin/python3
"""Writes the seed corpora of tests/fuzz/corpus/ (run from the repository root
with Debian's python3, which has scapy). Frames are those the unit tests send,
addressed to the set-up of fuzz_engine.c; configs come from configs/; CLI
lines are one per registered command in the syntax of its help."""
import glob, os, shutil, struct
from scapy.all import Ether, IP, TCP, UDP, ICMP, ARP, Dot1Q, IPv6, Raw, IPOption_RR

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
LAN_MAC, WAN_MAC = "02:00:00:00:f0:00", "02:00:00:00:f1:00"  # overwritten (ctl bit 1)
HOST, SERVER, POOL = "10.0.1.2", "192.168.100.2", "192.168.100.100"

def rec(frame, wan=False, fix_mac=True):
    b = bytes(frame)
    ctl = (1 if wan else 0) | (2 if fix_mac else 0)
    if len(b) > 255:
        ctl |= 4
        n = (len(b) + 7) // 8
        b = b + bytes(n * 8 - len(b))
        return bytes([ctl, n]) + b
    return bytes([ctl, len(b)]) + b

def lan(p): return Ether(dst=LAN_MAC, src="02:00:00:00:01:02") / p
def wan(p): return Ether(dst=WAN_MAC, src="02:00:00:00:02:02") / p

frames = {
    "tcp-syn-out": [rec(lan(IP(src=HOST, dst="8.8.8.8") / TCP(sport=12345, dport=80, flags="S")))],
    "tcp-flow": [rec(lan(IP(src=HOST, dst="8.8.8.8") / TCP(sport=4000, dport=443, flags="S"))),
                 rec(wan(IP(src="8.8.8.8", dst=POOL) / TCP(sport=443, dport=4000, flags="SA")), True),
                 rec(lan(IP(src=HOST, dst="8.8.8.8") / TCP(sport=4000, dport=443, flags="A"))),
                 rec(lan(IP(src=HOST, dst="8.8.8.8") / TCP(sport=4000, dport=443, flags="F"))),
                 rec(lan(IP(src=HOST, dst="8.8.8.8") / TCP(sport=4000, dport=443, flags="R")))],
    "udp-out": [rec(lan(IP(src=HOST, dst="9.9.9.9") / UDP(sport=5353, dport=53) / Raw(b"q" * 20)))],
    "udp-in": [rec(wan(IP(src="9.9.9.9", dst=POOL) / UDP(sport=53, dport=1025) / Raw(b"a" * 8)), True)],
    "udp-acl-deny": [rec(lan(IP(src=HOST, dst="9.9.9.9") / UDP(sport=7, dport=7)))],
    "tcp-telnet-out-deny": [rec(lan(IP(src=HOST, dst="9.9.9.9") / TCP(dport=23, flags="S")))],
    "static-map-in": [rec(wan(IP(src="8.8.4.4", dst=POOL) / TCP(sport=999, dport=8080, flags="S")), True)],
    "icmp-echo-local": [rec(lan(IP(src=HOST, dst="10.0.1.1") / ICMP(id=7, seq=1) / Raw(b"x" * 56)))],
    "icmp-echo-pool": [rec(wan(IP(src=SERVER, dst=POOL) / ICMP(id=7)), True)],
    "icmp-echo-out": [rec(lan(IP(src=HOST, dst="8.8.8.8") / ICMP(id=9)))],
    "icmp-error-in": [rec(wan(IP(src="8.8.8.8", dst=POOL) / ICMP(type=3, code=3) /
                          IP(src=POOL, dst="8.8.8.8") / UDP(sport=1025, dport=53)), True)],
    "ttl-expired": [rec(lan(IP(src=HOST, dst="8.8.8.8", ttl=1) / UDP(dport=33434)))],
    "arp-glean": [rec(lan(IP(src=HOST, dst="10.0.1.77") / UDP(dport=9)))],
    "arp-incomplete": [rec(lan(IP(src=HOST, dst="198.51.100.5") / UDP(dport=9)))],
    "route-drop": [rec(lan(IP(src=HOST, dst="203.0.113.9") / UDP(dport=9)))],
    "ecmp": [rec(lan(IP(src=HOST, dst="172.16.3.4") / UDP(sport=s, dport=9))) for s in (1, 2, 3)],
    "sample-drop": [rec(lan(IP(src=HOST, dst="8.8.8.8", proto=132) / Raw(b"s" * 12)))],
    "arp-request": [rec(Ether(dst="ff:ff:ff:ff:ff:ff", src="02:00:00:00:01:02") /
                        ARP(op=1, psrc=HOST, pdst="10.0.1.1", hwsrc="02:00:00:00:01:02"), False, False)],
    "arp-reply": [rec(lan(ARP(op=2, psrc="10.0.1.9", pdst="10.0.1.1", hwsrc="02:00:00:00:01:09")))],
    "arp-proxy-pool": [rec(Ether(dst="ff:ff:ff:ff:ff:ff", src="02:00:00:00:02:02") /
                           ARP(op=1, psrc=SERVER, pdst=POOL), True, False)],
    "ip-options": [rec(lan(IP(src=HOST, dst="8.8.8.8", options=[IPOption_RR()]) / UDP(dport=9)))],
    "fragment": [rec(lan(IP(src=HOST, dst="8.8.8.8", flags="MF", frag=0) / UDP(dport=9) / Raw(b"f" * 40))),
                 rec(lan(IP(src=HOST, dst="8.8.8.8", frag=6) / Raw(b"g" * 16)))],
    "bad-checksum": [rec(lan(IP(src=HOST, dst="8.8.8.8", chksum=0x1234) / UDP(dport=9)))],
    "vlan": [rec(lan(Dot1Q(vlan=5) / IP(src=HOST, dst="8.8.8.8") / UDP(dport=9)))],
    "ipv6": [rec(lan(IPv6() / UDP()))],
    "big": [rec(lan(IP(src=HOST, dst="8.8.8.8") / UDP(dport=9) / Raw(b"B" * 1400)))],
    "truncated": [rec(lan(IP(src=HOST, dst="8.8.8.8") / TCP()))[:30]],
    "martian": [rec(lan(IP(src="127.0.0.1", dst="255.255.255.255") / UDP(dport=9)))],
}

def write(sub, name, data):
    d = os.path.join(ROOT, sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

for sub in ("graph", "trace"):
    shutil.rmtree(os.path.join(ROOT, sub), ignore_errors=True)
    for name, recs in frames.items():
        write(sub, name, b"".join(recs))
    write(sub, "all", b"".join(r for recs in frames.values() for r in recs)[:4096])

shutil.rmtree(os.path.join(ROOT, "config"), ignore_errors=True)
top = os.path.dirname(os.path.dirname(ROOT))
for path in glob.glob(os.path.join(top, "..", "configs", "**", "*.yaml"), recursive=True):
    write("config", os.path.basename(path), open(path, "rb").read())
write("config", "plugins.yaml", b"""engine: { workers: [], buffers: 4096, hugepages: off }
interfaces:
  - { name: lan0, device: net_null0, addresses: [10.0.1.1/24], mtu: 9000 }
  - { name: wan0, device: net_null1, rx-queues: 2, addresses: [192.168.100.1/24] }
routes:
  - { prefix: 0.0.0.0/0, via: [192.168.100.2, 192.168.100.3] }
  - { prefix: 203.0.113.0/24, drop: true }
neighbors:
  - { interface: lan0, address: 10.0.1.2, mac: "02:00:00:00:01:02" }
nat44: { sessions: 1024, addresses: [192.168.100.100], inside: [lan0], outside: [wan0] }
acl:
  acls:
    - { tag: t, rules: ["permit+reflect src 10.0.1.0/24", "deny"] }
  interfaces:
    - { name: wan0, output: [0] }
sample: { drop-protocol: 1 }
exec: [a.cli]
""")

cli = """show version
show plugins
show threads
show graph ip4-lookup
show runtime
clear runtime
show errors
clear errors
show interface lan0
show hardware-interfaces
clear interfaces
set interface state lan0 down
set interface state lan0 up
set interface ip address lan0 10.0.5.1/24
set interface ip address del lan0 10.0.5.1/24
set interface mtu 1400 wan0
ip route add 10.20.0.0/16 via 192.168.100.2 wan0
ip route add 10.30.0.0/16 via drop
ip route del 10.20.0.0/16
show ip fib
show ip fib 8.8.8.8
show ip fib summary
set ip neighbor lan0 10.0.1.50 02:00:00:00:01:50
set ip neighbor del lan0 10.0.1.50 02:00:00:00:01:50
show ip neighbors
trace add port-rx 10
show trace
clear trace
pcap trace rx tx drop max 10 file x.pcapng
show pcap
pcap trace off
ping 10.0.1.1
exec a.cli
lua run a.lua
lua eval 1+2
lua eval vecnet.routes()
show buffers
show memory
show log
show clock
help ip
show interface rx-placement
set interface rx-placement lan0 queue 0 worker 0
set interface feature lan0 sample-filter arc ip4-unicast disable
show interface features lan0
nat44 add address 192.168.100.101 - 192.168.100.103
set interface nat44 in lan0 out wan0 del
nat44 add static mapping udp local 10.0.1.2 53 external 192.168.100.100 5353
nat44 add identity mapping 192.168.100.1 tcp 22
set nat timeout udp 30 tcp-established 600
show nat timeouts
show nat44 sessions detail
show nat44 summary
show nat44 addresses
show nat44 interfaces
show nat44 static mappings
sample set protocol none
show sample
set acl-plugin acl index 0 permit src 10.0.0.0/8 dst 0.0.0.0/0 proto 6 sport 0-65535 dport 80-80 tcp-flags 2 2, deny tag x
delete acl-plugin acl index 1
set acl-plugin interface wan0 output acl 1 del
set acl-plugin session timeout tcp idle 100
clear acl-plugin sessions
clear acl-plugin counters
show acl-plugin acl
show acl-plugin interface
show acl-plugin sessions limit 5
""".splitlines()
shutil.rmtree(os.path.join(ROOT, "cli"), ignore_errors=True)
for i, line in enumerate(cli):
    write("cli", "%02d" % i, line.encode() + b"\n")
write("cli", "all", "\n".join(cli).encode())

# Lua: [function index][n args][args]; indexes are into the sorted function
# list, so these seeds only need to be varied, not exact.
shutil.rmtree(os.path.join(ROOT, "lua"), ignore_errors=True)
def s(x): return bytes([5, len(x)]) + x
def tbl(*kv): return bytes([7, len(kv)]) + b"".join(kv)
KEYS = ["prefix", "via", "interface", "drop", "paths", "address", "mac", "static", "del",
        "name", "up", "mtu", "protocol", "local", "local_ip", "local_port", "external_ip",
        "external_port", "in", "out", "input", "output", "index", "sessions", "max_sessions",
        "tcp", "udp", "icmp", "tcp_established", "tcp_transitory", "source", "addresses", "1"]
def k(name, v): return bytes([KEYS.index(name)]) + v
for f in range(40):
    write("lua", "f%02d-str" % f, bytes([f, 2]) + s(b"lan0") + s(b"10.0.9.0/24"))
    write("lua", "f%02d-tbl" % f, bytes([f, 1]) + tbl(k("prefix", s(b"10.0.9.0/24")),
          k("via", s(b"192.168.100.2")), k("interface", s(b"wan0"))))
    write("lua", "f%02d-num" % f, bytes([f, 3]) + s(b"lan0") + bytes([2]) + struct.pack(">q", 1400) + bytes([1 | 0x10]))
