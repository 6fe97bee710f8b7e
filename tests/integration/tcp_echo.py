#!/usr/bin/env python3
"""Linux peers for test_tcp.sh.

  tcp_echo.py server PORT [HOST]   echo server (asyncio, many connections)
                                   on HOST (default 0.0.0.0; :: for IPv6)
  tcp_echo.py clients ADDR PORT N BYTES
                                   N concurrent connections, each sends BYTES
                                   of a per-connection pattern, reads them
                                   back and compares; prints "ok N" or errors
"""
import asyncio
import sys


async def serve(port, host):
    async def handle(reader, writer):
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()

    server = await asyncio.start_server(handle, host, port, backlog=4096)
    async with server:
        await server.serve_forever()


def pattern(i, n):
    block = bytes((i * 7 + k) & 0xFF for k in range(256))
    return (block * (n // 256 + 1))[:n]


async def one(addr, port, i, nbytes):
    reader, writer = await asyncio.open_connection(addr, port)
    want = pattern(i, nbytes)

    async def send():
        writer.write(want)
        await writer.drain()
        writer.write_eof()

    sender = asyncio.ensure_future(send())
    got = await reader.readexactly(nbytes)
    await sender
    rest = await reader.read()  # the server closes after echoing
    writer.close()
    return got == want and rest == b""


async def clients(addr, port, n, nbytes):
    res = await asyncio.wait_for(
        asyncio.gather(*(one(addr, port, i, nbytes) for i in range(n)), return_exceptions=True),
        timeout=120,
    )
    bad = [r for r in res if r is not True]
    if bad:
        print("failed", len(bad), repr(bad[:3]))
        return 1
    print("ok", n)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "server":
        asyncio.run(serve(int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "0.0.0.0"))
    else:
        sys.exit(asyncio.run(clients(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))))
