#!/usr/bin/python3
"""802.1Q sub-interfaces in user space, for kernels without 8021q.

vlan_tap.py LOWER VID:TAP [VID:TAP...] makes each TAP a Linux interface on
VLAN VID of LOWER: frames the stack sends on TAP leave LOWER with the tag,
frames on LOWER tagged VID reach TAP untagged. The kernel strips a received
tag into the packet's metadata before AF_PACKET sees it, so the tag is read
from PACKET_AUXDATA. Runs until killed; prints "ready" once the taps exist.
"""
import fcntl
import os
import select
import socket
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000
SOL_PACKET, PACKET_AUXDATA = 263, 8
TP_STATUS_VLAN_VALID = 0x10
PACKET_OUTGOING = 4
ETH_P_ALL = 0x0003

lower = sys.argv[1]
taps = {}  # vid -> fd
for arg in sys.argv[2:]:
    vid, name = arg.split(":")
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    taps[int(vid)] = fd
by_fd = {fd: vid for vid, fd in taps.items()}

raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
raw.bind((lower, 0))
raw.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
print("ready", flush=True)

while True:
    ready, _, _ = select.select([raw] + list(by_fd), [], [])
    for r in ready:
        if r is raw:
            data, anc, _, addr = raw.recvmsg(65535, socket.CMSG_LEN(32))
            if addr[2] == PACKET_OUTGOING:
                continue
            vid = None
            for level, kind, aux in anc:
                if level == SOL_PACKET and kind == PACKET_AUXDATA:
                    status, _, _, _, _, tci = struct.unpack("IIIHHH", aux[:18])
                    if status & TP_STATUS_VLAN_VALID:
                        vid = tci & 0xFFF
            if vid is None and data[12:14] == b"\x81\x00":  # tag left in the data
                vid = struct.unpack("!H", data[14:16])[0] & 0xFFF
                data = data[:12] + data[16:]
            if vid in taps:
                os.write(taps[vid], data)
        else:
            frame = os.read(r, 65535)
            tag = struct.pack("!HH", 0x8100, by_fd[r])
            raw.send(frame[:12] + tag + frame[12:])
