#!/usr/bin/env python3
"""Writes a pcap of 64-byte Ethernet/IPv4/UDP frames with valid checksums.

usage: gen_udp_pcap.py OUT N_FRAMES DST_BASE N_DST [SRC_BASE] [DST_MAC]
Destinations cycle over N_DST addresses from DST_BASE; sources over 251
addresses from SRC_BASE (source port varies too, so there are many flows).
No scapy needed: the frames are simple enough to pack by hand.
"""
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(s):
    return struct.unpack("!I", socket.inet_aton(s))[0]


def frame(src, dst, sport, dport, dst_mac):
    payload = b"\0" * 18  # 14 + 20 + 8 + 18 = 60 bytes, 64 with the FCS
    udp_len = 8 + len(payload)
    iph = struct.pack("!BBHHHBBHII", 0x45, 0, 20 + udp_len, 0, 0, 64, 17, 0, src, dst)
    iph = iph[:10] + struct.pack("!H", csum(iph)) + iph[12:]
    pseudo = struct.pack("!IIBBH", src, dst, 0, 17, udp_len)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0) + payload
    uc = csum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", uc) + udp[8:]
    eth = dst_mac + bytes.fromhex("020000000001") + b"\x08\x00"
    return eth + iph + udp


def main():
    out, n, dst_base, n_dst = sys.argv[1], int(sys.argv[2]), ip4(sys.argv[3]), int(sys.argv[4])
    src_base = ip4(sys.argv[5]) if len(sys.argv) > 5 else ip4("10.0.1.2")
    mac = bytes.fromhex(sys.argv[6].replace(":", "")) if len(sys.argv) > 6 else b"\xff" * 6
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            fr = frame(src_base + i % 251, dst_base + i % n_dst, 1024 + i % 4096, 9, mac)
            f.write(struct.pack("<IIII", 0, i, len(fr), len(fr)) + fr)


if __name__ == "__main__":
    main()
