#!/usr/bin/env python3
"""Sends one router solicitation or advertisement from this namespace's
IFACE, through a raw ICMPv6 socket (the kernel fills in our link-local
source and the checksum), hop limit 255.

  nd_send.py rs IFACE              RS to ff02::2 with a source link-layer option
  nd_send.py ra IFACE PREFIX/LEN   RA to ff02::1, router lifetime 1800, with a
                                   prefix information option (on-link, autonomous)
"""
import ipaddress
import socket
import struct
import sys


def mac_of(iface):
    with open(f"/sys/class/net/{iface}/address") as f:
        return bytes.fromhex(f.read().strip().replace(":", ""))


def main():
    kind, iface = sys.argv[1], sys.argv[2]
    sllao = struct.pack("!BB", 1, 1) + mac_of(iface)
    if kind == "rs":
        msg = struct.pack("!BBHI", 133, 0, 0, 0) + sllao
        dst = "ff02::2"
    else:
        net = ipaddress.IPv6Network(sys.argv[3])
        pio = struct.pack("!BBBBIII", 3, 4, net.prefixlen, 0xC0, 86400, 14400, 0)
        pio += net.network_address.packed
        msg = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0) + sllao + pio
        dst = "ff02::1"
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
    s.sendto(msg, (dst, 0, 0, socket.if_nametoindex(iface)))


if __name__ == "__main__":
    main()
