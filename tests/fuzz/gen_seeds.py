#!/usr/bin/python3
"""Writes the seed corpora of tests/fuzz/corpus/ (run from the repository root
with Debian's python3, which has scapy). Frames are those the unit tests send,
addressed to the set-up of fuzz_engine.c; configs come from configs/; CLI
lines are one per registered command in the syntax of its help."""
import glob, os, shutil, struct
from scapy.all import Ether, IP, TCP, UDP, ICMP, ARP, Dot1Q, IPv6, Raw, IPOption_RR
from scapy.layers.inet6 import (IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting,
                                IPv6ExtHdrFragment, HBHOptUnknown, PadN, ICMPv6EchoRequest,
                                ICMPv6EchoReply, ICMPv6ND_NS, ICMPv6ND_NA, ICMPv6ND_RS,
                                ICMPv6ND_RA, ICMPv6NDOptSrcLLAddr, ICMPv6NDOptDstLLAddr,
                                ICMPv6DestUnreach, ICMPv6PacketTooBig, ICMPv6TimeExceeded,
                                ICMPv6ParamProblem)
from scapy.layers.ipsec import AH

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
LAN_MAC, WAN_MAC = "02:00:00:00:f0:00", "02:00:00:00:f1:00"  # overwritten (ctl bit 1)
HOST, SERVER, POOL = "10.0.1.2", "192.168.100.2", "192.168.100.100"

def rec(frame, wan=False, fix_mac=True, to_ll=False):
    b = bytes(frame)
    ctl = (1 if wan else 0) | (2 if fix_mac else 0) | (8 if to_ll else 0)
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

# IPv6 (fuzz_engine.c): lan0 2001:db8:1::1/64 with host 2001:db8:1::2, wan0
# 2001:db8:100::1/64 with server ::2, default route out of wan0, a glean
# route (2001:db8:5100::/48), a drop route (2001:db8:dead::/48), ECMP
# (2001:db8:ec::/48), wan0.100 (VLAN 100) 2001:db8:64::1/64 with its route
# 2001:db8:6400::/40; ACLs: UDP port 7 denied in on lan0, telnet out on wan0,
# echo requests out on wan0.100. Hostile input of issue #19 item 6.
H6, R6, S6, W6, OUT6 = "2001:db8:1::2", "2001:db8:1::1", "2001:db8:100::2", "2001:db8:100::1", "2001:db8:ffff::9"
ALLNODES, ALLROUTERS = "ff02::1", "ff02::2"
def h6(**kw): return IPv6(src=kw.pop("src", H6), dst=kw.pop("dst", OUT6), **kw)
def snm(a):  # the solicited-node group of a
    import ipaddress
    low = ipaddress.IPv6Address(a).packed[13:]
    return str(ipaddress.IPv6Address(bytes.fromhex("ff0200000000000000000001ff") + low))
def lan6(p): return Ether(dst=LAN_MAC, src="02:00:00:00:01:02", type=0x86DD) / p
def wan6(p): return Ether(dst=WAN_MAC, src="02:00:00:00:02:02", type=0x86DD) / p
def vlan6(p): return Ether(dst=WAN_MAC, src="02:00:00:00:03:02") / Dot1Q(vlan=100) / p
# An extension-header chain of n destination-options headers (8 bytes each)
# ending in UDP: 1000 do not fit an mbuf (2 KB of data), so as many as do.
def chain(n, last=None):
    p = IPv6ExtHdrDestOpt(nh=60, options=[PadN(optdata=b"\0" * 4)])
    b = bytes(p) * (n - 1) + bytes(IPv6ExtHdrDestOpt(nh=17, options=[PadN(optdata=b"\0" * 4)]))
    return b + bytes(last if last is not None else UDP(sport=1, dport=9))
def layers_chain(n, ip):  # the same as scapy layers: the ICMPv6 checksum is right
    for _ in range(n):
        ip = ip / IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 4)])
    return ip
def raw6(nh, payload, **kw):
    return h6(nh=nh, plen=kw.pop("plen", len(payload)), **kw) / Raw(payload)
MAXCHAIN = (255 * 8 - 14 - 40 - 8) // 8
frames6 = {
    "ip6-udp-out": [rec(lan6(h6() / UDP(sport=5353, dport=53) / Raw(b"q" * 20)))],
    "ip6-tcp-flow": [rec(lan6(h6() / TCP(sport=4000, dport=443, flags="S"))),
                     rec(wan6(h6(src=OUT6, dst=H6) / TCP(sport=443, dport=4000, flags="SA")), True),
                     rec(lan6(h6() / TCP(sport=4000, dport=443, flags="A")))],
    "ip6-acl-deny-udp7": [rec(lan6(h6() / UDP(sport=7, dport=7)))],
    "ip6-acl-deny-telnet": [rec(lan6(h6() / TCP(dport=23, flags="S")))],
    "ip6-unsolicited-in": [rec(wan6(h6(src=OUT6, dst=H6) / UDP(sport=53, dport=1025)), True)],
    "ip6-echo-local": [rec(lan6(h6(dst=R6) / ICMPv6EchoRequest(id=7, seq=1, data=b"x" * 56)))],
    "ip6-echo-ll": [rec(lan6(h6(src="fe80::2", dst="fe80::1") / ICMPv6EchoRequest(id=8)), to_ll=True),
                    rec(wan6(h6(src="fe80::9", dst="fe80::1") / ICMPv6EchoRequest(id=9)), True, to_ll=True)],
    # Port unreachable about a packet to our link-local address: ip6-input
    # hands it to ip6-local unlooked-up (vn_meta.adj once stale, test_ip6).
    "ip6-udp-ll-port-unreach": [rec(lan6(h6(dst=R6) / UDP(dport=9)), to_ll=True),
                                rec(lan6(h6(src="fe80::2", dst="fe80::1") / UDP(dport=9)), to_ll=True)],
    "ip6-echo-wan-addr-from-lan": [rec(lan6(h6(dst=W6) / ICMPv6EchoRequest(id=10)))],
    "ip6-echo-out": [rec(lan6(h6() / ICMPv6EchoRequest(id=11)))],
    "ip6-echo-reply-in": [rec(wan6(h6(src=S6, dst=R6) / ICMPv6EchoReply(id=1)), True)],
    "ip6-udp-local-port-unreach": [rec(lan6(h6(dst=R6) / UDP(sport=9, dport=33434)))],
    "ip6-unknown-proto-local": [rec(lan6(raw6(253, b"z" * 8, dst=R6)))],
    "ip6-hlim1": [rec(lan6(h6(hlim=1) / UDP(dport=33434)))],
    "ip6-hlim0": [rec(lan6(h6(hlim=0) / UDP(dport=33434)))],
    "ip6-too-big": [rec(lan6(h6() / UDP(dport=9) / Raw(b"B" * 1500)))],
    "ip6-glean": [rec(lan6(h6(dst="2001:db8:1::77") / UDP(dport=9))),
                  rec(lan6(h6(dst="2001:db8:5100::5") / UDP(dport=9)))],
    "ip6-route-drop": [rec(lan6(h6(dst="2001:db8:dead::1") / UDP(dport=9)))],
    "ip6-ecmp": [rec(lan6(h6(dst="2001:db8:ec::1", fl=f) / UDP(sport=f, dport=9))) for f in (1, 2, 3)],
    "ip6-vlan-out": [rec(lan6(h6(dst="2001:db8:6400::1") / ICMPv6EchoRequest(id=3))),
                     rec(lan6(h6(dst="2001:db8:6400::1") / UDP(sport=3, dport=9))),
                     rec(lan(IP(src=HOST, dst="10.100.0.1") / ICMP(id=3))),
                     rec(lan(IP(src=HOST, dst="10.100.0.1") / TCP(dport=80, flags="S")))],
    "ip6-vlan-in": [rec(vlan6(IPv6(src="2001:db8:64::2", dst="2001:db8:1::2") / UDP(dport=9)), True),
                    rec(vlan6(IPv6(src="2001:db8:64::2", dst="2001:db8:64::1") / ICMPv6EchoRequest()), True),
                    rec(vlan6(IPv6(src="fe80::3", dst=snm("2001:db8:64::1"), hlim=255) /
                              ICMPv6ND_NS(tgt="2001:db8:64::1") /
                              ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:03:02")), True)],
    # Source checks: multicast, unspecified, loopback, link-local to global.
    "ip6-src-multicast": [rec(lan6(h6(src="ff02::1") / UDP(dport=9)))],
    "ip6-src-unspecified": [rec(lan6(h6(src="::") / UDP(dport=9)))],
    "ip6-src-loopback": [rec(lan6(h6(src="::1", dst=R6) / UDP(dport=9)))],
    "ip6-dst-loopback": [rec(lan6(h6(dst="::1") / UDP(dport=9)))],
    "ip6-src-ours": [rec(lan6(h6(src=R6, dst=OUT6) / UDP(dport=9)))],
    "ip6-spoofed-ll-src": [rec(lan6(h6(src="fe80::1", dst=OUT6) / UDP(dport=9))),
                           rec(wan6(h6(src="fe80::1", dst=R6) / ICMPv6EchoRequest()), True)],
    "ip6-dst-ll-other": [rec(lan6(h6(src="fe80::2", dst="fe80::99") / UDP(dport=9)))],
    "ip6-dst-multicast-other": [rec(lan6(h6(dst="ff05::1:3") / UDP(dport=547)))],
    "ip6-dst-allnodes-echo": [rec(lan6(h6(src="fe80::2", dst=ALLNODES) / ICMPv6EchoRequest()))],
    # Lengths: every kind of bad payload length and version.
    "ip6-plen-long": [rec(lan6(h6(plen=200) / UDP(dport=9)))],
    "ip6-plen-short": [rec(lan6(h6(plen=4) / UDP(dport=9) / Raw(b"p" * 20)))],
    "ip6-plen-zero": [rec(lan6(h6(plen=0) / UDP(dport=9)))],
    "ip6-plen-zero-jumbo": [rec(lan6(h6(plen=0, nh=0) / IPv6ExtHdrHopByHop(
        options=[HBHOptUnknown(otype=0xC2, optdata=struct.pack(">I", 70000))]) / UDP(dport=9)))],
    "ip6-version4": [rec(lan6(IPv6(version=4, src=H6, dst=OUT6) / UDP(dport=9)))],
    "ip6-header-only": [rec(lan6(IPv6(src=H6, dst=OUT6, nh=59)))],
    "ip6-short-header": [rec(lan6(h6() / UDP(dport=9)))[:2 + 14 + 39]],
    "ip6-truncations": [rec(lan6(h6() / IPv6ExtHdrHopByHop() / IPv6ExtHdrFragment(m=1) /
                                 TCP(dport=80, flags="S")))[:2 + n] for n in range(14, 100, 7)],
    "ip6-udp-bad-len": [rec(lan6(h6(dst=R6) / UDP(dport=9, len=400)))],
    # Extension headers.
    "ip6-hbh-router-alert": [rec(lan6(h6() / IPv6ExtHdrHopByHop(options=[HBHOptUnknown(otype=5, optdata=b"\0\0")]) / UDP(dport=9)))],
    "ip6-hbh-unknown-skip": [rec(lan6(h6() / IPv6ExtHdrHopByHop(options=[HBHOptUnknown(otype=0x1e, optdata=b"ab")]) / UDP(dport=9)))],
    "ip6-hbh-unknown-discard": [rec(lan6(h6() / IPv6ExtHdrHopByHop(options=[HBHOptUnknown(otype=0x5e, optdata=b"ab")]) / UDP(dport=9)))],
    "ip6-hbh-unknown-icmp": [rec(lan6(h6() / IPv6ExtHdrHopByHop(options=[HBHOptUnknown(otype=0x9e, optdata=b"ab")]) / UDP(dport=9)))],
    "ip6-hbh-unknown-icmp-nonmc": [rec(lan6(h6(dst=ALLNODES) / IPv6ExtHdrHopByHop(options=[HBHOptUnknown(otype=0xde, optdata=b"ab")]) / UDP(dport=9))),
                                   rec(lan6(h6() / IPv6ExtHdrHopByHop(options=[HBHOptUnknown(otype=0xde, optdata=b"ab")]) / UDP(dport=9)))],
    "ip6-hbh-option-overrun": [rec(lan6(raw6(0, bytes([17, 0, 0x1e, 40, 0, 0, 0, 0]) + bytes(UDP(dport=9)))))],
    "ip6-hbh-pad-overrun": [rec(lan6(raw6(0, bytes([17, 0, 1, 9, 0, 0, 0, 0]) + bytes(UDP(dport=9)))))],
    "ip6-hbh-not-first": [rec(lan6(h6() / IPv6ExtHdrDestOpt() / IPv6ExtHdrHopByHop() / UDP(dport=9)))],
    "ip6-hbh-twice": [rec(lan6(h6() / IPv6ExtHdrHopByHop() / IPv6ExtHdrHopByHop() / UDP(dport=9)))],
    "ip6-hbh-local": [rec(lan6(h6(dst=R6) / IPv6ExtHdrHopByHop() / ICMPv6EchoRequest()))],
    "ip6-rh0": [rec(lan6(h6() / IPv6ExtHdrRouting(type=0, addresses=["2001:db8::5"], segleft=1) / UDP(dport=9))),
                rec(lan6(h6(dst=R6) / IPv6ExtHdrRouting(type=0, addresses=["2001:db8::5"], segleft=1) / UDP(dport=9)))],
    "ip6-rh0-segleft0": [rec(lan6(h6() / IPv6ExtHdrRouting(type=0, addresses=["2001:db8::5"], segleft=0) / UDP(dport=9)))],
    "ip6-rh2-rh4": [rec(lan6(h6(dst=R6) / IPv6ExtHdrRouting(type=2, addresses=["2001:db8::5"], segleft=1) / UDP(dport=9))),
                    rec(lan6(h6(dst=R6) / IPv6ExtHdrRouting(type=4, addresses=["2001:db8::5"], segleft=1) / UDP(dport=9)))],
    "ip6-ext-overrun": [rec(lan6(raw6(60, bytes([17, 30, 1, 2, 0, 0, 0, 0]))))],
    "ip6-ext-overrun-plen": [rec(lan6(h6(plen=16) / IPv6ExtHdrDestOpt(len=3) / UDP(dport=9) / Raw(b"o" * 40)))],
    "ip6-ext-none": [rec(lan6(h6() / IPv6ExtHdrDestOpt(nh=59)))],
    "ip6-ah": [rec(lan6(h6() / AH(nh=17, payloadlen=4, icv=b"\0" * 12) / UDP(dport=9)))],
    "ip6-chain-10": [rec(lan6(raw6(60, chain(10))))],
    "ip6-chain-max": [rec(lan6(raw6(60, chain(MAXCHAIN))))],
    "ip6-chain-max-local": [rec(lan6(layers_chain(MAXCHAIN, h6(dst=R6)) / ICMPv6EchoRequest()))],
    "ip6-chain-truncated": [rec(lan6(raw6(60, chain(100), plen=100 * 8 - 3)))],
    "ip6-frag-first": [rec(lan6(h6() / IPv6ExtHdrFragment(m=1, id=7) / UDP(dport=9) / Raw(b"f" * 40)))],
    "ip6-frag-later": [rec(lan6(h6() / IPv6ExtHdrFragment(offset=6, id=7) / Raw(b"g" * 16)))],
    "ip6-frag-atomic": [rec(lan6(h6() / IPv6ExtHdrFragment(id=8) / UDP(dport=9)))],
    "ip6-frag-local": [rec(lan6(h6(dst=R6) / IPv6ExtHdrFragment(m=1, id=9) / ICMPv6EchoRequest() / Raw(b"h" * 32))),
                       rec(lan6(h6(dst=R6) / IPv6ExtHdrFragment(offset=6, id=9) / Raw(b"i" * 8)))],
    "ip6-frag-then-frag": [rec(lan6(h6() / IPv6ExtHdrFragment(m=1, id=1) / IPv6ExtHdrFragment(id=2) / UDP(dport=9)))],
    "ip6-frag-acl-udp7": [rec(lan6(h6() / IPv6ExtHdrFragment(m=1, id=3) / UDP(sport=7, dport=7) / Raw(b"j" * 16))),
                          rec(lan6(h6() / IPv6ExtHdrFragment(offset=3, id=3) / Raw(b"k" * 8)))],
    # Neighbour discovery: good, bad hop limit, bad checksum, odd sources.
    "ip6-ns": [rec(Ether(dst="33:33:ff:00:00:01", src="02:00:00:00:01:02") /
                   IPv6(src=H6, dst=snm(R6), hlim=255) / ICMPv6ND_NS(tgt=R6) /
                   ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:01:02"), False, False)],
    "ip6-ns-unicast": [rec(lan6(IPv6(src=H6, dst=R6, hlim=255) / ICMPv6ND_NS(tgt=R6) /
                                ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:01:03")))],
    "ip6-ns-bad-hlim": [rec(lan6(IPv6(src=H6, dst=R6, hlim=64) / ICMPv6ND_NS(tgt=R6)))],
    "ip6-ns-bad-csum": [rec(lan6(IPv6(src=H6, dst=R6, hlim=255) / ICMPv6ND_NS(tgt=R6, cksum=0x1234)))],
    "ip6-ns-dad": [rec(lan6(IPv6(src="::", dst=snm(R6), hlim=255) / ICMPv6ND_NS(tgt=R6)))],
    "ip6-ns-dad-with-sllao": [rec(lan6(IPv6(src="::", dst=snm(R6), hlim=255) / ICMPv6ND_NS(tgt=R6) /
                                       ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:01:04")))],
    "ip6-ns-multicast-target": [rec(lan6(IPv6(src=H6, dst=R6, hlim=255) / ICMPv6ND_NS(tgt="ff02::1")))],
    "ip6-ns-not-ours": [rec(lan6(IPv6(src=H6, dst=snm("2001:db8:1::77"), hlim=255) / ICMPv6ND_NS(tgt="2001:db8:1::77")))],
    "ip6-ns-ll": [rec(lan6(IPv6(src="fe80::2", dst="fe80::1", hlim=255) / ICMPv6ND_NS(tgt="fe80::1") /
                           ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:01:02")), to_ll=True)],
    "ip6-ns-short": [rec(lan6(IPv6(src=H6, dst=R6, hlim=255) / ICMPv6ND_NS(tgt=R6)))[:2 + 14 + 40 + 12]],
    "ip6-ns-bad-option-len0": [rec(lan6(IPv6(src=H6, dst=R6, hlim=255) / ICMPv6ND_NS(tgt=R6) / Raw(b"\x01\x00" + b"\0" * 6)))],
    "ip6-ns-option-overrun": [rec(lan6(IPv6(src=H6, dst=R6, hlim=255) / ICMPv6ND_NS(tgt=R6) / Raw(b"\x01\x09" + b"\0" * 6)))],
    "ip6-na": [rec(lan6(IPv6(src="2001:db8:1::9", dst=R6, hlim=255) / ICMPv6ND_NA(tgt="2001:db8:1::9", S=1, O=1) /
                        ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:01:09")))],
    "ip6-na-unsolicited-allnodes": [rec(lan6(IPv6(src="2001:db8:1::9", dst=ALLNODES, hlim=255) /
                                             ICMPv6ND_NA(tgt="2001:db8:1::9", S=0, O=1) /
                                             ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:01:0a")))],
    "ip6-na-solicited-to-multicast": [rec(lan6(IPv6(src="2001:db8:1::9", dst=ALLNODES, hlim=255) /
                                               ICMPv6ND_NA(tgt="2001:db8:1::9", S=1)))],
    "ip6-na-bad-hlim": [rec(lan6(IPv6(src="2001:db8:1::9", dst=R6, hlim=254) / ICMPv6ND_NA(tgt="2001:db8:1::9") /
                                 ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:01:09")))],
    "ip6-na-bad-csum": [rec(lan6(IPv6(src="2001:db8:1::9", dst=R6, hlim=255) / ICMPv6ND_NA(tgt="2001:db8:1::9", cksum=1)))],
    "ip6-na-ours": [rec(lan6(IPv6(src=H6, dst=ALLNODES, hlim=255) / ICMPv6ND_NA(tgt=R6, O=1) /
                             ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:01:02")))],
    "ip6-na-ours-ll": [rec(lan6(IPv6(src="fe80::2", dst="fe80::1", hlim=255) / ICMPv6ND_NA(tgt="fe80::1") /
                                ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:01:02")), to_ll=True)],
    "ip6-na-static-override": [rec(lan6(IPv6(src=H6, dst=R6, hlim=255) / ICMPv6ND_NA(tgt=H6, O=1, S=1) /
                                        ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:0b:0b")))],
    "ip6-na-multicast-target": [rec(lan6(IPv6(src=H6, dst=R6, hlim=255) / ICMPv6ND_NA(tgt="ff02::1")))],
    "ip6-rs": [rec(lan6(IPv6(src="fe80::2", dst=ALLROUTERS, hlim=255) / ICMPv6ND_RS()))],
    "ip6-rs-bad-hlim": [rec(lan6(IPv6(src="fe80::2", dst=ALLROUTERS, hlim=1) / ICMPv6ND_RS()))],
    "ip6-ra": [rec(wan6(IPv6(src="fe80::9", dst=ALLNODES, hlim=255) / ICMPv6ND_RA()), True)],
    "ip6-ra-bad-hlim": [rec(wan6(IPv6(src="fe80::9", dst=ALLNODES, hlim=64) / ICMPv6ND_RA()), True)],
    "ip6-ra-global-src": [rec(wan6(IPv6(src=S6, dst=ALLNODES, hlim=255) / ICMPv6ND_RA()), True)],
    "ip6-redirect": [rec(lan6(IPv6(src="fe80::2", dst=R6, hlim=255) / Raw(bytes([137, 0, 0, 0, 0, 0, 0, 0]) + bytes(32))))],
    # ICMPv6: checksums, errors quoting garbage or ourselves, short messages.
    "ip6-echo-bad-csum": [rec(lan6(h6(dst=R6) / ICMPv6EchoRequest(cksum=0xbeef)))],
    "ip6-echo-short": [rec(lan6(raw6(58, bytes([128, 0, 0x7f, 0xff]), dst=R6)))],
    "ip6-icmp-unknown-type": [rec(lan6(h6(dst=R6) / Raw(bytes([200, 0, 0, 0, 0, 0, 0, 0]))))],
    "ip6-icmp-error-garbage": [rec(wan6(h6(src=S6, dst=R6) / ICMPv6DestUnreach(code=4) / Raw(b"\xff" * 24)), True),
                               rec(wan6(h6(src=S6, dst=R6) / ICMPv6PacketTooBig(mtu=1280) / Raw(b"\x60" + b"\0" * 3)), True),
                               rec(wan6(h6(src=S6, dst=R6) / ICMPv6TimeExceeded() / Raw(b"")), True),
                               rec(wan6(h6(src=S6, dst=R6) / ICMPv6ParamProblem(ptr=0xffffffff) / Raw(b"\x60" * 48)), True)],
    "ip6-icmp-error-quoting-us": [rec(wan6(h6(src=S6, dst=R6) / ICMPv6DestUnreach(code=1) /
                                          IPv6(src=R6, dst=S6) / UDP(sport=1, dport=2)), True)],
    "ip6-icmp-error-forwarded": [rec(wan6(h6(src=OUT6, dst=H6) / ICMPv6DestUnreach(code=1) /
                                         IPv6(src=H6, dst=OUT6) / UDP(sport=5353, dport=53)), True)],
    "ip6-icmp-error-to-error": [rec(lan6(h6(hlim=1) / ICMPv6DestUnreach() / IPv6(src=OUT6, dst=H6) / UDP()))],
    "ip6-icmp-error-from-multicast-dst": [rec(lan6(h6(dst=ALLNODES, hlim=1) / UDP(dport=9)))],
    "ip6-too-big-tiny-mtu": [rec(wan6(h6(src=S6, dst=R6) / ICMPv6PacketTooBig(mtu=68) /
                                     IPv6(src=R6, dst=S6) / ICMPv6EchoRequest()), True)],
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
    for name, recs in frames6.items():
        write(sub, name, b"".join(recs))
    write(sub, "all", b"".join(r for recs in frames.values() for r in recs)[:4096])
    write(sub, "all6", b"".join(r for recs in frames6.values() for r in recs if len(r) < 400)[:4096])

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
