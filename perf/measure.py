#!/usr/bin/python3
"""Measurement helpers for perf/bench.sh. Each subcommand prints one JSON object.

  measure.py engine  --ctl VECNETCTL --sock SOCK --tx-if IF --warmup S --window S
      Waits until IF's "tx packets" moves (bounded), warms up, then `clear runtime`
      and `clear errors`,
      samples IF's tx packets (`show interface IF`) at the start and end of the
      window and reads `show runtime` at the end. Packets/s = delta / elapsed, where
      each sample's time is the midpoint of the vecnetctl call that read it.
  measure.py testpmd --prefix P --port N --warmup S --window S
      The same for dpdk-testpmd, through its telemetry socket
      (/var/run/dpdk/P/dpdk_telemetry.v2, /ethdev/stats,N -> opackets).
  measure.py idle    --pid PID --window S
      CPU use of PID over the window: utime+stime from /proc/PID/stat.
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time

CALL_TIMEOUT_S = 10  # any single vecnetctl call


def ctl(a, *words):
    t0 = time.monotonic()
    r = subprocess.run([a.ctl, "-s", a.sock] + list(words), capture_output=True, text=True,
                       timeout=CALL_TIMEOUT_S)
    t1 = time.monotonic()
    if r.returncode != 0:
        raise SystemExit("vecnetctl %s: rc=%d %s" % (" ".join(words), r.returncode,
                                                       r.stderr.strip()))
    return r.stdout, (t0 + t1) / 2


def if_tx_packets(text, ifname):
    """`show interface IF`: the row 'tx packets N' after the interface's line.
    Falls back to `show hardware-interfaces` style 'tx frames ok N'."""
    m = re.search(r"^\s*(?:%s\b.*?)?tx packets\s+(\d+)" % re.escape(ifname), text, re.M)
    if m:
        return int(m.group(1))
    m = re.search(r"tx frames ok\s+(\d+)", text)
    if m:
        return int(m.group(1))
    raise SystemExit("no tx packets counter for %s in:\n%s" % (ifname, text))


def engine_tx(a):
    out, t = ctl(a, "show", "interface", a.tx_if)
    return if_tx_packets(out, a.tx_if), t


def parse_runtime(text):
    """VPP-like `show runtime`: Name State Calls Vectors Vectors/Call Clocks/Packet.
    State may be empty (the total row). Returns {node: {...}} for the worker threads
    (the main thread's nodes when there are no workers)."""
    nodes, thread = {}, None
    row = re.compile(r"^(\S+)\s+(?:(\S+)\s+)?(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s*$")
    for line in text.splitlines():
        if line.startswith("Thread "):
            thread = line
            continue
        m = row.match(line)
        if not m or m.group(1) == "Name":
            continue
        name = m.group(1)
        n = nodes.setdefault(name, {"calls": 0, "vectors": 0, "clocks": 0.0})
        n["calls"] += int(m.group(3))
        n["vectors"] += int(m.group(4))
        n["clocks"] += int(m.group(4)) * float(m.group(6))
    res = {}
    for name, n in nodes.items():
        res[name] = {
            "calls": n["calls"],
            "vectors": n["vectors"],
            "vectors_per_call": n["vectors"] / n["calls"] if n["calls"] else 0.0,
            "clocks_per_packet": n["clocks"] / n["vectors"] if n["vectors"] else 0.0,
        }
    return res


def wait_moving(read, limit_s):
    """Until the counter moves, at most limit_s."""
    first, _ = read()
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        time.sleep(0.2)
        v, _ = read()
        if v != first:
            return True
    return False


def window(read, a):
    if not wait_moving(read, 15):
        raise SystemExit("no packets forwarded within 15 s")
    time.sleep(a.warmup)
    if a.pre:
        a.pre()
    c0, t0 = read()
    time.sleep(a.window)
    c1, t1 = read()
    return (c1 - c0) / (t1 - t0), c1 - c0, t1 - t0


def cmd_engine(a):
    # errors too: drops before the window (e.g. while 1M routes load) are not the window's
    a.pre = lambda: (ctl(a, "clear", "runtime"), ctl(a, "clear", "errors"))
    pps, pkts, secs = window(lambda: engine_tx(a), a)
    rt, _ = ctl(a, "show", "runtime")
    errs, _ = ctl(a, "show", "errors")
    nodes = parse_runtime(rt)
    drops = sum(int(m.group(1)) for m in re.finditer(r"^\s*(\d+)\s+\S+", errs, re.M))
    print(json.dumps({"pps": pps, "packets": pkts, "seconds": secs, "nodes": nodes,
                      "errors_total": drops, "runtime_text": rt, "errors_text": errs}))


def telemetry(path, cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(5)
    s.connect(path)
    s.recv(4096)  # greeting
    s.send(cmd.encode())
    r = json.loads(s.recv(1 << 16))
    s.close()
    return r


def cmd_testpmd(a):
    path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % a.prefix
    end = time.monotonic() + 20
    while not os.path.exists(path):
        if time.monotonic() > end:
            raise SystemExit("no telemetry socket %s" % path)
        time.sleep(0.1)

    def read():
        t0 = time.monotonic()
        r = telemetry(path, "/ethdev/stats,%d" % a.port)
        t1 = time.monotonic()
        return r["/ethdev/stats"]["opackets"], (t0 + t1) / 2

    a.pre = None
    pps, pkts, secs = window(read, a)
    print(json.dumps({"pps": pps, "packets": pkts, "seconds": secs}))


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)


def cmd_idle(a):
    hz = os.sysconf("SC_CLK_TCK")
    time.sleep(a.settle)
    c0, t0 = cpu_ticks(a.pid), time.monotonic()
    time.sleep(a.window)
    c1, t1 = cpu_ticks(a.pid), time.monotonic()
    print(json.dumps({"cpu_percent": 100.0 * (c1 - c0) / hz / (t1 - t0), "seconds": t1 - t0}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("engine")
    e.add_argument("--ctl", required=True)
    e.add_argument("--sock", required=True)
    e.add_argument("--tx-if", required=True)
    t = sub.add_parser("testpmd")
    t.add_argument("--prefix", required=True)
    t.add_argument("--port", type=int, default=1)
    for p in (e, t):
        p.add_argument("--warmup", type=float, default=2)
        p.add_argument("--window", type=float, default=5)
    i = sub.add_parser("idle")
    i.add_argument("--pid", type=int, required=True)
    i.add_argument("--window", type=float, default=5)
    i.add_argument("--settle", type=float, default=1)
    a = ap.parse_args()
    {"engine": cmd_engine, "testpmd": cmd_testpmd, "idle": cmd_idle}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
