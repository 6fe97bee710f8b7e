#!/usr/bin/env python3
"""Malformed and out-of-place TCP segments, for test_tcp_hostile.sh.

  tcp_hostile.py SRC DST PORT CASE COUNT

Sends COUNT segments of one CASE from SRC to DST:PORT through a raw socket:
  badsum    a SYN with a wrong TCP checksum
  offset    a data offset pointing past the segment
  optrun    an option whose length runs past the header
  optzero   an option of length 0
  synfin    SYN and FIN together
  synrst    SYN and RST together
  rst       an RST for no connection
  ack       an ACK to the listener (no connection, no cookie)
  syn       a plain SYN (with SRC or DST chosen to be hostile: LAND, broadcast)
"""
import random
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def segment(src, dst, sport, dport, flags, opts=b"", doff=None, payload=b"", good_sum=True):
    hlen = 20 + len(opts)
    doff = hlen // 4 if doff is None else doff
    seq, ack = random.getrandbits(32), random.getrandbits(32) if flags & 0x10 else 0
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, 65535, 0, 0) + opts + payload
    pseudo = struct.pack("!4s4sBBH", src, dst, 0, 6, len(tcp))
    s = csum(pseudo + tcp)
    if not good_sum:
        s ^= 0x5555
    tcp = tcp[:16] + struct.pack("!H", s) + tcp[18:]
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.getrandbits(16), 0, 64, 6, 0,
                       src, dst) + tcp


CASES = {
    "badsum": dict(flags=0x02, good_sum=False),
    "offset": dict(flags=0x02, doff=15),
    "optrun": dict(flags=0x02, opts=bytes([2, 4, 5, 0xB4, 8, 30, 0, 0])),
    "optzero": dict(flags=0x02, opts=bytes([1, 1, 8, 0])),
    "synfin": dict(flags=0x03),
    "synrst": dict(flags=0x06),
    "rst": dict(flags=0x04),
    "ack": dict(flags=0x10),
    "syn": dict(flags=0x02),
}


def main():
    src, dst, port, case, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    a, b = socket.inet_aton(src), socket.inet_aton(dst)
    for _ in range(count):
        s.sendto(segment(a, b, random.randint(20000, 30000), port, **CASES[case]), (dst, 0))


if __name__ == "__main__":
    main()
