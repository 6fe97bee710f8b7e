#!/usr/bin/python3
"""Traffic and config generator for `make bench` (perf/bench.sh).

Writes classic pcap files (struct, no scapy: a 64k-packet file takes well under a
second) of 64-byte Ethernet/IPv4/UDP frames with valid IPv4 and UDP checksums and
TTL 64 (66-byte Ethernet/IPv6/UDP frames, hop limit 64, for the ip6 scenarios),
and the route lists the engine must hold for them.

  gen_pcap.py pcap   --scenario NAME --dst-mac MAC --out FILE
  gen_pcap.py routes [--ip6] --count N --via ADDR (--yaml | --cli) --out FILE
  gen_pcap.py check  FILE          # decode with scapy (if present) and verify checksums

Scenarios (the engine config in bench.sh routes these prefixes via 10.1.0.2):
  ip4-1flow     1024 copies of one frame 10.0.0.2:1024 -> 198.18.0.1:2000
  ip4-10kflows  10,000 frames, distinct source address (10.0.0.0/8) and source port,
                destinations spread over the one routed /24 198.18.0.0/24
  ip4-1Mroutes  65,536 frames whose destinations are drawn uniformly over the
                1,000,000 /24 routes 16.0.0.0/24, 16.0.1.0/24, ... (see README for
                why 64k frames rather than 1M)

  ip6-1flow     1024 copies of one frame 2001:db8::2:1024 -> 2001:db8:18::1:2000
  ip6-10kflows  10,000 frames, distinct source address (2001:db8::/64) and source
                port, destinations spread over 254 hosts of the one routed /48
                2001:db8:18::/48
  ip6-1Mroutes  65,536 frames whose destinations are drawn uniformly over the
                1,000,000 /48 routes of `routes --ip6` (random host part)

The 1M IPv6 routes are /48s spread like a real table's customer assignments:
512 /32 allocations drawn (seeded) from 2000::/3, 2001:db8::/32 excepted, and
under each about 1,953 distinct /48s drawn uniformly from its 65,536. A /40 of
an allocation thus holds ~8 routes (rte_lpm6 needs one tbl8 group per /40 used,
~132k in all), unlike consecutive prefixes, which share groups far more.

Frame size: 64 bytes on the wire = 60 bytes in the pcap (the 4-byte FCS is not
captured): 14 Ethernet + 20 IPv4 + 8 UDP + 18 payload. IPv6: 14 + 40 + 8 UDP, no
payload = 62 bytes in the pcap, 66 on the wire (the smallest IPv6/UDP frame).
"""
import argparse
import random
import struct
import sys

FRAME_LEN = 60  # 64 on the wire with the FCS
SRC_MAC = bytes.fromhex("020000000001")  # the "upstream router" that sends to us
ROUTES_BASE = 16 << 24  # 16.0.0.0: the first of the 1M consecutive /24 routes
N_ROUTES = 1_000_000
ONE_24 = (198 << 24) | (18 << 16)  # 198.18.0.0/24 (RFC 2544 benchmark range)
SEED = 2544  # fixed: the same files every run
FRAME6_LEN = 62  # 66 on the wire
NET6 = 0x20010DB8 << 96  # 2001:db8::/32: the bench's own addresses
SRC6 = NET6 | 2  # 2001:db8::2, a host on in0's 2001:db8::/64
ONE_48 = NET6 | (0x18 << 80)  # 2001:db8:18::/48, routed via 2001:db8:1::2
N_ALLOC6 = 512  # /32 allocations the 1M /48s sit under


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def frame(dst_mac, src_ip, dst_ip, sport, dport):
    payload_len = FRAME_LEN - 14 - 20 - 8
    payload = bytes(range(payload_len))
    udp_len = 8 + payload_len
    ip_len = 20 + udp_len
    ip = struct.pack("!BBHHHBBHII", 0x45, 0, ip_len, 0, 0x4000, 64, 17, 0, src_ip, dst_ip)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    pseudo = struct.pack("!IIBBH", src_ip, dst_ip, 0, 17, udp_len)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0) + payload
    uc = csum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", uc) + udp[8:]
    eth = dst_mac + SRC_MAC + struct.pack("!H", 0x0800)
    f = eth + ip + udp
    assert len(f) == FRAME_LEN
    return f


def frame6(dst_mac, src, dst, sport, dport):
    udp_len = 8
    ip = struct.pack("!IHBB", 6 << 28, udp_len, 17, 64) + src.to_bytes(16, "big") + dst.to_bytes(16, "big")
    pseudo = src.to_bytes(16, "big") + dst.to_bytes(16, "big") + struct.pack("!II", udp_len, 17)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0)
    uc = csum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", uc)
    f = dst_mac + SRC_MAC + struct.pack("!H", 0x86DD) + ip + udp
    assert len(f) == FRAME6_LEN
    return f


def routes6(count):
    """The /48 prefixes (as ints) of the 1M-route IPv6 table, in a fixed order."""
    rnd = random.Random(SEED)
    allocs = set()
    while len(allocs) < N_ALLOC6:
        a = (0x2000 << 16) | rnd.getrandbits(29)
        if a != 0x20010DB8:
            allocs.add(a)
    allocs = sorted(allocs)
    out = []
    for k, a in enumerate(allocs):
        n = count // N_ALLOC6 + (1 if k < count % N_ALLOC6 else 0)
        for sub in rnd.sample(range(65536), n):
            out.append(((a << 16) | sub) << 80)
    rnd.shuffle(out)  # neither sorted nor grouped, as a table arrives
    return out


def flows6(scenario):
    rnd = random.Random(SEED)
    if scenario == "ip6-1flow":
        for _ in range(1024):
            yield SRC6, ONE_48 | 1, 1024, 2000
    elif scenario == "ip6-10kflows":
        for i in range(10_000):
            yield NET6 | (i + 2), ONE_48 | (1 + i % 254), 1024 + i, 2000
    elif scenario == "ip6-1Mroutes":
        table = routes6(N_ROUTES)
        for i in range(65_536):
            dst = table[rnd.randrange(len(table))] | rnd.getrandbits(80) | 1
            yield NET6 | (2 + i % 60000), dst, 1024 + (i & 0x7FFF), 2000
    else:
        raise SystemExit("unknown scenario %s" % scenario)


def flows(scenario):
    """Yields (src_ip, dst_ip, sport, dport) per frame."""
    rnd = random.Random(SEED)
    if scenario == "ip4-1flow":
        for _ in range(1024):
            yield (10 << 24) | 2, ONE_24 | 1, 1024, 2000
    elif scenario == "ip4-10kflows":
        for i in range(10_000):
            # distinct source address and port per flow; 254 hosts of the /24
            yield (10 << 24) | (i + 2), ONE_24 | (1 + i % 254), 1024 + i, 2000
    elif scenario == "ip4-1Mroutes":
        for i in range(65_536):
            r = rnd.randrange(N_ROUTES)
            dst = ROUTES_BASE + (r << 8) + rnd.randrange(1, 255)
            yield (10 << 24) | (2 + i % 60000), dst, 1024 + (i & 0x7FFF), 2000
    else:
        raise SystemExit("unknown scenario %s" % scenario)


def write_pcap(path, frames):
    n = 0
    with open(path, "wb") as f:
        # magic, v2.4, thiszone, sigfigs, snaplen, linktype Ethernet
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for fr in frames:
            f.write(struct.pack("<IIII", n // 1000000, n % 1000000, len(fr), len(fr)))
            f.write(fr)
            n += 1
    return n


def cmd_pcap(a):
    mac = bytes.fromhex(a.dst_mac.replace(":", ""))
    if len(mac) != 6:
        raise SystemExit("bad --dst-mac %s" % a.dst_mac)
    if a.scenario.startswith("ip6-"):
        n = write_pcap(a.out, (frame6(mac, s, d, sp, dp) for s, d, sp, dp in flows6(a.scenario)))
        print("%s: %d frames of %d bytes (+FCS)" % (a.out, n, FRAME6_LEN))
        return
    n = write_pcap(a.out, (frame(mac, s, d, sp, dp) for s, d, sp, dp in flows(a.scenario)))
    print("%s: %d frames of %d bytes (+FCS)" % (a.out, n, FRAME_LEN))


def ip_str(v):
    return "%d.%d.%d.%d" % (v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255)


def ip6_str(v):
    import ipaddress

    return str(ipaddress.IPv6Address(v))


def cmd_routes(a):
    if a.ip6:
        with open(a.out, "w") as f:
            if a.yaml:
                f.write("routes:\n")
            for r in routes6(a.count):
                p = "%x:%x:%x::/48" % (r >> 112, (r >> 96) & 0xFFFF, (r >> 80) & 0xFFFF)
                if a.yaml:
                    f.write("  - { prefix: %s, via: %s }\n" % (p, a.via))
                else:
                    f.write("ip route add %s via %s\n" % (p, a.via))
        return
    with open(a.out, "w") as f:
        if a.yaml:
            f.write("routes:\n")
        for r in range(a.count):
            p = ip_str(ROUTES_BASE + (r << 8))
            if a.yaml:
                f.write("  - { prefix: %s/24, via: %s }\n" % (p, a.via))
            else:
                f.write("ip route add %s/24 via %s\n" % (p, a.via))


def cmd_check(a):
    """Decodes every frame and checks lengths, TTL and both checksums."""
    data = open(a.file, "rb").read()
    off, n, bad = 24, 0, 0
    while off < len(data):
        _, _, incl, _ = struct.unpack_from("<IIII", data, off)
        fr = data[off + 16 : off + 16 + incl]
        off += 16 + incl
        n += 1
        if fr[12:14] == b"\x86\xdd":
            ip, udp = fr[14:54], fr[54:]
            pseudo = ip[8:40] + struct.pack("!II", len(udp), 17)
            if len(fr) != FRAME6_LEN or ip[7] != 64 or csum(pseudo + udp) != 0:
                bad += 1
            continue
        ip, udp = fr[14:34], fr[34:]
        src, dst = struct.unpack_from("!II", ip, 12)
        pseudo = struct.pack("!IIBBH", src, dst, 0, 17, len(udp))
        if len(fr) != FRAME_LEN or ip[8] != 64 or csum(ip) != 0 or csum(pseudo + udp) != 0:
            bad += 1
    try:  # an independent decoder, when Debian's scapy is importable
        from scapy.all import rdpcap, IP, IPv6, UDP

        p = rdpcap(a.file, count=1)[0]
        if IPv6 in p:
            chk = p[UDP].chksum
            del p[UDP].chksum
            ok = chk == p.__class__(bytes(p))[UDP].chksum
            print("scapy: %s hlim=%d checksum %s" % (p.summary(), p[IPv6].hlim, "ok" if ok else "BAD"))
            bad += 0 if ok else 1
            raise ImportError  # done
        chk = (p[IP].chksum, p[UDP].chksum)
        del p[IP].chksum, p[UDP].chksum
        p2 = p.__class__(bytes(p))
        ok = chk == (p2[IP].chksum, p2[UDP].chksum)
        print("scapy: %s ttl=%d checksums %s" % (p.summary(), p[IP].ttl, "ok" if ok else "BAD"))
        bad += 0 if ok else 1
    except ImportError:
        pass
    print("%s: %d frames, %d bad" % (a.file, n, bad))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pcap")
    p.add_argument("--scenario", required=True)
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--out", required=True)
    r = sub.add_parser("routes")
    r.add_argument("--count", type=int, default=N_ROUTES)
    r.add_argument("--ip6", action="store_true")
    r.add_argument("--via", required=True)
    g = r.add_mutually_exclusive_group(required=True)
    g.add_argument("--yaml", action="store_true")
    g.add_argument("--cli", action="store_true")
    r.add_argument("--out", required=True)
    c = sub.add_parser("check")
    c.add_argument("file")
    a = ap.parse_args()
    return {"pcap": cmd_pcap, "routes": cmd_routes, "check": cmd_check}[a.cmd](a) or 0


if __name__ == "__main__":
    sys.exit(main())
