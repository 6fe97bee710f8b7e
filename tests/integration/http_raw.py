#!/usr/bin/env python3
"""Raw-socket HTTP clients for test_http_static.sh: what curl will not send.

  http_raw.py ADDR PORT badline     a malformed request line: 400, then closed
  http_raw.py ADDR PORT endless     headers without end: 431, then closed
  http_raw.py ADDR PORT slow SECS   one byte a second: closed by the server
                                    within SECS, before the request is whole
  http_raw.py ADDR PORT pipeline    three requests in one send: three
                                    answers, in order, on one connection
  http_raw.py ADDR PORT version     an HTTP/2.0 request line: 505
  http_raw.py ADDR PORT idle SECS   one request, then idle until the server
                                    closes (within SECS)
  http_raw.py ADDR PORT stall SECS FILE  asks for FILE, reads nothing for
                                    SECS: the server resets it meanwhile
Prints "ok ..." or "bad ..."; every wait is bounded."""
import socket
import sys
import time


def connect(addr, port):
    s = socket.create_connection((addr, port), timeout=10)
    s.settimeout(10)
    return s


def read_all(s, limit=10.0):
    """Reads until the server closes (or resets); returns (bytes, closed)."""
    data = b""
    end = time.time() + limit
    while time.time() < end:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            return data, True
        except socket.timeout:
            return data, False
        if not chunk:
            return data, True
        data += chunk
    return data, False


def status(data):
    try:
        return int(data.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def main():
    addr, port, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if what == "stall":
        # Asks for a big file and reads nothing: the server must give up
        # (reset) after its send timeout instead of holding the session.
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        s.settimeout(10)
        s.connect((addr, port))
        s.sendall(b"GET /%s HTTP/1.1\r\nHost: x\r\n\r\n" % sys.argv[5].encode())
        time.sleep(float(sys.argv[4]))
        data, closed = read_all(s, 10)
        ok = closed and status(data) == 200 and len(data) < 50 * 1024 * 1024
        print(("ok " if ok else "bad ") + "stall: %s after %d bytes" %
              ("closed" if closed else "still open", len(data)))
        return 0 if ok else 1
    s = connect(addr, port)
    if what == "badline":
        s.sendall(b"GET/index.html HTTP/1.1\r\nHost: x\r\n\r\n")
        data, closed = read_all(s)
        ok = status(data) == 400 and closed
    elif what == "version":
        s.sendall(b"GET / HTTP/2.0\r\nHost: x\r\n\r\n")
        data, closed = read_all(s)
        ok = status(data) == 505 and closed
    elif what == "endless":
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        data = b""
        closed = False
        # Keeps sending header lines until the server answers and closes;
        # bounded to 1 MB and 10 s.
        end = time.time() + 10
        s.settimeout(0.05)
        for i in range(2000):
            if time.time() > end:
                break
            try:
                s.sendall(b"".join(b"X-Filler-%d-%d: %s\r\n" % (i, k, b"y" * 40)
                                   for k in range(10)))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            try:
                chunk = s.recv(65536)
                if not chunk:
                    closed = True
                    break
                data += chunk
            except socket.timeout:
                pass
            except ConnectionResetError:
                closed = True
                break
        if not closed:
            s.settimeout(5)
            more, closed = read_all(s, 5)
            data += more
        ok = status(data) == 431 and closed
    elif what == "slow":
        limit = float(sys.argv[4])
        req = b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"
        start = time.time()
        closed = False
        data = b""
        s.settimeout(1.0)
        for i in range(len(req) - 1):  # never the whole request
            try:
                s.sendall(req[i:i + 1])
                chunk = s.recv(4096)
                if not chunk:
                    closed = True
                    break
                data += chunk
            except socket.timeout:
                continue
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
        took = time.time() - start
        ok = closed and took <= limit and status(data) != 200
        data = b"closed after %.1f s" % took if closed else b"not closed"
    elif what == "idle":
        # One answer, then the connection is kept idle until the server
        # closes it (its server stopped, or keepalive-timeout).
        s.sendall(b"GET /one.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(float(sys.argv[4]))
        data = b""
        start = time.time()
        closed = False
        try:
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    closed = True
                    break
                data += chunk
        except socket.timeout:
            pass
        except ConnectionResetError:
            closed = True
        ok = closed and status(data) == 200
        data = b"closed after %.1f s" % (time.time() - start) if closed else b"still open"
    elif what == "pipeline":
        reqs = b"".join(b"GET /%s HTTP/1.1\r\nHost: x\r\n\r\n" % p
                        for p in (b"one.txt", b"two.txt", b"nope"))
        s.sendall(reqs + b"GET /one.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data, closed = read_all(s)
        parts = [b"200 OK", b"one\n", b"200 OK", b"two\n", b"404 Not Found", b"200 OK",
                 b"one\n"]
        pos, ok = 0, closed
        for p in parts:
            pos = data.find(p, pos)
            if pos < 0:
                ok = False
                break
            pos += len(p)
        ok = ok and data.count(b"HTTP/1.1 ") == 4
    else:
        print("usage: http_raw.py ADDR PORT badline|endless|slow SECS|pipeline|version")
        return 2
    print(("ok " if ok else "bad ") + what + " " + repr(data[:80]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
