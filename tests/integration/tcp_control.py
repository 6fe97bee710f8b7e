#!/usr/bin/env python3
"""Linux peers for test_tcp_control.sh.

  tcp_control.py accept PORT N     accepts N connections (the engine opens
                                   them), sends a line on each and reads it
                                   back (the engine's echo-server app on an
                                   active open); prints "ok N" or what failed
  tcp_control.py maxconc PORT N    echo server for N connections; prints
                                   "max M": the most open at once
  tcp_control.py hold ADDR PORT N SECS
                                   opens N connections at once, holds them
                                   SECS seconds, prints how many opened
"""
import select
import socket
import sys
import time


def accept(port, n):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(64)
    srv.settimeout(20)
    ok = 0
    for i in range(n):
        try:
            c, _ = srv.accept()
        except socket.timeout:
            print("accepted %d of %d" % (i, n))
            return 1
        c.settimeout(5)
        msg = ("hello %d from linux\n" % i).encode()
        c.sendall(msg)
        got = b""
        while len(got) < len(msg):
            d = c.recv(4096)
            if not d:
                break
            got += d
        ok += got == msg
        c.close()
    print("ok %d" % ok if ok == n else "echoed %d of %d" % (ok, n))
    return 0 if ok == n else 1


def hold(addr, port, n, secs):
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((addr, port))
        socks.append(s)
    opened = set()
    end = time.monotonic() + secs
    while time.monotonic() < end:
        _, w, _ = select.select([], [s for s in socks if s not in opened], [], 0.2)
        for s in w:
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                opened.add(s)
    print(len(opened))
    for s in socks:
        s.close()
    return 0


def maxconc(port, n):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(256)
    open_, done, most = [], 0, 0
    end = time.monotonic() + 60
    while done < n and time.monotonic() < end:
        r, _, _ = select.select([srv] + open_, [], [], 0.5)
        for s in r:
            if s is srv:
                c, _ = srv.accept()
                open_.append(c)
                most = max(most, len(open_))
                continue
            d = s.recv(65536)
            if d:
                s.sendall(d)
            else:
                open_.remove(s)
                s.close()
                done += 1
    print("max %d done %d" % (most, done))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "maxconc":
        sys.exit(maxconc(int(sys.argv[2]), int(sys.argv[3])))
    if sys.argv[1] == "accept":
        sys.exit(accept(int(sys.argv[2]), int(sys.argv[3])))
    sys.exit(hold(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])))
