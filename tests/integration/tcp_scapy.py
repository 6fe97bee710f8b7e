#!/usr/bin/python3
"""Live TCP connections against the engine, driven segment by segment with
scapy, for test_tcp_scapy.sh.

  tcp_scapy.py IFACE SRC DST PORT CASE [ARG]

SRC is an address the namespace's kernel does not have: the kernel ignores
frames to it (no forwarding), so it neither answers nor resets these
connections; the engine has a static neighbour entry for SRC with IFACE's
MAC. Frames go and come through an AF_PACKET socket on IFACE; scapy builds
and parses them. Every wait is bounded. Exit 0 when the engine behaved as
the CASE expects, 1 with the reason on stderr otherwise.

Cases (PORT: the engine's echo server, unless said):
  rst-blind   an RST in the window but not at RCV.NXT: challenge ACK, still echoes
  rst-exact   an RST at RCV.NXT: the connection is gone (a reset answers data)
  syn         a SYN in the window on the connection: challenge ACK, still echoes
  paws        a segment with an old timestamp: dropped with an ACK, then echoes
  overlap     overlapping out-of-order segments, some disagreeing in the
              overlap: echoed exactly once, in order, the first copy of each byte
  zero-window we advertise 0: probes come with backoff; the window opens: the echo
  sack        the echo loses its 2nd and 5th segments; we SACK around them:
              only they come again, both before the cumulative ACK moves;
              the final ACK carries a D-SACK
  tw-serve    PORT is ours: serve one connection of the engine's echo client
              (echo, then its FIN, ours); print "LOCALPORT ISN NEXTSEQ" when done
  tw-reuse    ARG "LOCALPORT NEXTSEQ": a SYN from PORT to LOCALPORT (in TIME_WAIT,
              a listener there now) with a higher ISN opens a connection that echoes
"""
import os
import random
import socket
import sys
import time

from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import ARP, Ether

ETH_P_ALL = 3
PACKET_OUTGOING = 4
F = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10}


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def payload(p):
    ip, t = p[IP], p[TCP]
    n = ip.len - ip.ihl * 4 - t.dataofs * 4
    return bytes(t.payload)[:n]


def opt(t, name):
    for o in t.options:
        if o[0] == name:
            return o[1]
    return None


class Seg:
    """What a segment from the engine says."""

    def __init__(self, p):
        t = p[TCP]
        self.seq, self.ack, self.flags, self.window = t.seq, t.ack, int(t.flags), t.window
        self.options = t.options
        self.data = payload(p)


class Link:
    def __init__(self, iface, src, dst):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.s.bind((iface, 0))
        with open("/sys/class/net/%s/address" % iface) as f:
            self.mac = f.read().strip()
        self.src, self.dst = src, dst
        self.dmac = None
        for _ in range(5):
            self.send_raw(Ether(dst="ff:ff:ff:ff:ff:ff", src=self.mac) /
                          ARP(op=1, hwsrc=self.mac, psrc=src, pdst=dst))
            p = self.recv(1, lambda p: ARP in p and p[ARP].op == 2 and p[ARP].psrc == dst)
            if p:
                self.dmac = p[ARP].hwsrc
                return
        fail("no ARP answer from %s" % dst)

    def send_raw(self, frame):
        self.s.send(bytes(frame))

    def send(self, pkt):
        self.send_raw(Ether(dst=self.dmac, src=self.mac) / pkt)

    def recv(self, timeout, match):
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                data, addr = self.s.recvfrom(65535)
            except socket.timeout:
                return None
            if addr[2] == PACKET_OUTGOING:
                continue
            p = Ether(data)
            if match(p):
                return p


class Conn:
    """One TCP connection, our end kept by hand: sequence numbers,
    timestamps, what we acknowledge."""

    def __init__(self, link, dport, sport=None, ts=True, sack=True, mss=1460, isn=None):
        self.l, self.dport = link, dport
        self.sport = sport or random.randint(20000, 30000)
        self.ts, self.sack, self.mss = ts, sack, mss
        self.iss = random.getrandbits(31) if isn is None else isn
        self.snd_nxt = self.iss
        self.rcv_nxt = None
        self.tsval = random.getrandbits(30)
        self.ts_recent = 0
        self.win = 65535

    def opts(self, tsval=None):
        if not self.ts:
            return []
        self.tsval += 1
        return [("NOP", None), ("NOP", None),
                ("Timestamp", (self.tsval if tsval is None else tsval, self.ts_recent))]

    def send(self, flags, seq=None, ack=None, data=b"", win=None, options=None, tsval=None):
        fl = sum(F[c] for c in flags)
        if ack is None and fl & F["A"]:
            ack = self.rcv_nxt
        t = TCP(sport=self.sport, dport=self.dport, flags=fl,
                seq=self.snd_nxt if seq is None else seq, ack=ack or 0,
                window=self.win if win is None else win,
                options=self.opts(tsval) if options is None else options)
        self.l.send(IP(src=self.l.src, dst=self.l.dst) / t / data)

    def match(self, p):
        return (IP in p and TCP in p and p[IP].src == self.l.dst and p[IP].dst == self.l.src and
                p[TCP].sport == self.dport and p[TCP].dport == self.sport)

    def recv(self, timeout=2.0):
        """The next segment of this connection from the engine, or None."""
        p = self.l.recv(timeout, self.match)
        if p is None:
            return None
        t = Seg(p)
        ts = opt(t, "Timestamp")
        if ts:
            self.ts_recent = ts[0]
        return t

    def drain(self, quiet=0.3):
        """Reads what the engine still sends until it is quiet."""
        while self.recv(quiet) is not None:
            pass

    def expect(self, what, pred, timeout=2.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            t = self.recv(end - time.monotonic())
            if t is not None and pred(t):
                return t
        fail("%s: nothing within %.1f s" % (what, timeout))

    def connect(self, ack_win=None):
        o = [("MSS", self.mss)]
        if self.sack:
            o.append(("SAckOK", b""))
        o += self.opts()
        self.send("S", options=o)
        t = self.expect("SYN-ACK", lambda t: t.flags & 0x12 == 0x12 and t.ack == self.iss + 1)
        self.snd_nxt = self.iss + 1
        self.rcv_nxt = (t.seq + 1) & 0xFFFFFFFF
        self.send("A", win=ack_win)
        return t

    def write(self, data, win=None):
        self.send("PA", data=data, win=win)
        self.snd_nxt = (self.snd_nxt + len(data)) & 0xFFFFFFFF

    def read(self, n, timeout=3.0):
        """Up to n bytes in order, each segment acknowledged."""
        got = b""
        end = time.monotonic() + timeout
        while len(got) < n and time.monotonic() < end:
            t = self.recv(end - time.monotonic())
            if t is None:
                break
            if t.data and t.seq == self.rcv_nxt:
                got += t.data
                self.rcv_nxt = (self.rcv_nxt + len(t.data)) & 0xFFFFFFFF
            if t.data:
                self.send("A")
        return got

    def echo_ok(self, msg, what):
        self.write(msg)
        got = self.read(len(msg))
        if got != msg:
            fail("%s: echo %r, not %r" % (what, got, msg))

    def close(self):
        """An RST at the engine's RCV.NXT: nothing left behind."""
        self.send("R", options=[])


def is_ack_of(c, ack):
    return lambda t: t.flags & F["A"] and not t.flags & F["R"] and t.ack == ack and not t.data


def case_rst_blind(link, port):
    c = Conn(link, port)
    c.connect()
    c.echo_ok(b"before", "first echo")
    c.drain()
    c.send("R", seq=c.snd_nxt + 1000, options=[])
    c.expect("challenge ACK to an in-window RST", is_ack_of(c, c.snd_nxt))
    c.echo_ok(b"still here", "after the blind RST")
    c.close()


def case_rst_exact(link, port):
    c = Conn(link, port)
    c.connect()
    c.echo_ok(b"before", "first echo")
    c.send("R", options=[])
    time.sleep(0.2)
    c.write(b"anyone?")
    c.expect("a reset for data on the reset connection", lambda t: t.flags & F["R"])


def case_syn(link, port):
    c = Conn(link, port)
    c.connect()
    c.echo_ok(b"before", "first echo")
    c.drain()
    c.send("S", seq=c.snd_nxt + 500, ack=0, options=[("MSS", 1460)])
    c.expect("challenge ACK to an in-window SYN", is_ack_of(c, c.snd_nxt))
    c.echo_ok(b"still here", "after the SYN")
    c.close()


def case_paws(link, port):
    c = Conn(link, port)
    c.connect()
    c.echo_ok(b"fresh", "first echo")
    c.drain()
    seq = c.snd_nxt
    c.send("PA", data=b"stale", tsval=c.tsval - 100000)
    c.expect("ACK to a segment with an old timestamp", is_ack_of(c, seq))
    if c.read(5, timeout=0.5):
        fail("the stale segment was delivered")
    c.echo_ok(b"fresh again", "after the stale segment")
    c.close()


def case_overlap(link, port):
    c = Conn(link, port, ts=False)
    c.connect()
    base = c.snd_nxt
    msg = bytes(random.getrandbits(8) for _ in range(60))
    x = b"X" * 60

    def at(off, data):
        c.send("A", seq=(base + off) & 0xFFFFFFFF, data=data)

    at(20, msg[20:40])                   # out of order
    at(30, x[30:40] + msg[40:50])        # overlaps it, disagrees in [30,40)
    at(45, msg[45:60])                   # overlaps the tail, agrees
    at(10, msg[10:20] + x[20:25])        # before it and over it, disagreeing
    at(0, msg[0:10] + x[10:12])          # fills the hole, disagrees in [10,12)
    c.snd_nxt = (base + 60) & 0xFFFFFFFF
    got = c.read(60)
    if got != msg:
        fail("overlapping segments echoed %r, not %r" % (got, msg))
    at(0, x)                             # all of it again, other bytes
    extra = c.read(1, timeout=0.5)
    if extra:
        fail("a duplicate was delivered again: %r" % extra)
    c.echo_ok(b"end", "after the overlaps")
    c.close()


def case_zero_window(link, port):
    c = Conn(link, port, ts=False)
    c.connect(ack_win=0)
    msg = bytes(random.getrandbits(8) for _ in range(3000))
    c.win = 0
    c.write(msg[:1000])
    c.write(msg[1000:2000])
    c.write(msg[2000:])
    probes, seen = [], []
    end = time.monotonic() + 8
    while len(probes) < 4 and time.monotonic() < end:
        t = c.recv(end - time.monotonic())
        if t is None:
            break
        seen.append(((t.seq - c.rcv_nxt) & 0xFFFFFFFF, len(t.data), t.flags, t.window))
        if t.data:
            if t.seq != c.rcv_nxt or len(t.data) != 1:
                fail("into a zero window: %d bytes at %d (expected 1-byte probes at %d)" %
                     (len(t.data), t.seq, c.rcv_nxt))
            probes.append(time.monotonic())
            c.send("A")  # the window is still shut: not taken
    if len(probes) < 4:
        fail("%d zero-window probes in 8 s; seen (seq, len, flags, window) %s" %
             (len(probes), seen))
    gaps = [b - a for a, b in zip(probes, probes[1:])]
    # Doubling (0.4, 0.8, 1.6 s): growing, the last three times the first
    # at least, with room for a late wake-up of this script.
    if not (all(g2 > g1 for g1, g2 in zip(gaps, gaps[1:])) and gaps[-1] >= 3 * gaps[0]):
        fail("probe intervals do not back off: %s" % gaps)
    c.win = 65535
    c.send("A")
    got = c.read(len(msg), timeout=5)
    if got != msg:
        fail("after the window opened %d bytes came back, %s" %
             (len(got), "not the ones sent" if len(got) == len(msg) else "not 3000"))
    print("probe intervals %s s" % " ".join("%.2f" % g for g in gaps))
    c.close()


def case_sack(link, port):
    mss, n = 1000, 8
    c = Conn(link, port, ts=False, mss=mss)
    c.connect()
    msg = bytes(random.getrandbits(8) for _ in range(mss * n))
    for i in range(n):
        c.write(msg[i * mss:(i + 1) * mss])
    base = c.rcv_nxt
    segs = {}
    end = time.monotonic() + 3
    while len(segs) < n and time.monotonic() < end:  # nothing ACKed yet
        t = c.recv(end - time.monotonic())
        if t is not None and t.data:
            segs[(t.seq - base) & 0xFFFFFFFF] = t.data
    if sorted(segs) != [i * mss for i in range(n)]:
        fail("the echo came as segments at %s, not %d of %d" % (sorted(segs), n, mss))

    def sack(*blocks):
        b = tuple(x for s, e in blocks for x in ((base + s * mss) & 0xFFFFFFFF,
                                                 (base + e * mss) & 0xFFFFFFFF))
        c.send("A", options=[("NOP", None), ("NOP", None), ("SAck", b)])

    # Segments 1 and 4 "lost"; a receiver that ACKs every other segment
    # (as with delayed ACKs), the latest block first (RFC 2018). The second
    # ACK makes 1 lost (IsLost), the third 4: both go again before any
    # cumulative ACK moves, which NewReno could not do.
    c.rcv_nxt = (base + mss) & 0xFFFFFFFF
    c.send("A")
    sack((2, 4))
    sack((5, 7), (2, 4))
    sack((5, 8), (2, 4))
    holes = {mss: msg[mss:2 * mss], 4 * mss: msg[4 * mss:5 * mss]}
    # What comes until both holes did, and for a while after (less than
    # the RTO, 3 s here): each hole once, and nothing else.
    rtx, data = [], {}
    end = time.monotonic() + 2
    while len(data) < 2 and time.monotonic() < end:
        t = c.recv(end - time.monotonic())
        if t is not None and t.data:
            off = (t.seq - base) & 0xFFFFFFFF
            rtx.append((off, len(t.data)))
            data[off] = t.data
    for t in iter(lambda: c.recv(0.3), None):
        if t.data:
            rtx.append(((t.seq - base) & 0xFFFFFFFF, len(t.data)))
    if rtx != [(mss, mss), (4 * mss, mss)]:
        fail("retransmitted %s (offset, length), not only the holes %s" %
             (rtx, [(mss, mss), (4 * mss, mss)]))
    if data != holes:
        fail("the retransmitted bytes differ from the ones sent")
    # The holes filled: everything acknowledged, with a D-SACK (RFC 2883)
    # saying the first hole came twice, as if the original were late.
    c.rcv_nxt = (base + n * mss) & 0xFFFFFFFF
    sack((1, 2))
    late = [t for t in iter(lambda: c.recv(0.5), None) if t.data]
    if late:
        fail("more data after the holes were filled: %s" % [(x.seq - base, len(x.data)) for x in late])
    print("retransmitted (offset, length): %s" % rtx)
    c.close()


def case_tw_serve(link, port):
    """We listen on PORT; the engine's echo client connects, sends, closes."""
    print("listening", flush=True)
    syn = link.recv(10, lambda p: TCP in p and p[IP].src == link.dst and p[IP].dst == link.src and
                    p[TCP].dport == port and p[TCP].flags & 0x12 == 0x02)
    if syn is None:
        fail("no SYN from the engine's client")
    c = Conn(link, syn[TCP].sport, sport=port, ts=False)
    c.ts_recent = 0
    c.rcv_nxt = (syn[TCP].seq + 1) & 0xFFFFFFFF
    c.send("SA", options=[("MSS", 1460)])
    c.snd_nxt = (c.iss + 1) & 0xFFFFFFFF
    got, fin = b"", False
    end = time.monotonic() + 10
    while not fin and time.monotonic() < end:
        t = c.recv(end - time.monotonic())
        if t is None:
            break
        if t.data and t.seq == c.rcv_nxt:
            got += t.data
            c.rcv_nxt = (c.rcv_nxt + len(t.data)) & 0xFFFFFFFF
            c.write(t.data)  # echo, with the ACK
        if t.flags & F["F"] and (t.seq + len(t.data)) & 0xFFFFFFFF == c.rcv_nxt:
            fin = True
    if not fin:
        fail("the engine's client did not close (%d bytes echoed)" % len(got))
    c.rcv_nxt = (c.rcv_nxt + 1) & 0xFFFFFFFF
    c.send("FA")
    c.snd_nxt = (c.snd_nxt + 1) & 0xFFFFFFFF
    c.expect("the ACK of our FIN", is_ack_of(c, c.snd_nxt))
    print("%d %d %d" % (syn[TCP].sport, c.iss, c.snd_nxt))


def case_tw_reuse(link, port, arg):
    lport, nxt = (int(x) for x in arg.split())
    c = Conn(link, lport, sport=port, ts=False, isn=(nxt + 100000) & 0xFFFFFFFF)
    c.connect()
    c.echo_ok(b"new incarnation", "the connection that took over TIME_WAIT")
    c.close()


def main():
    iface, src, dst, port, case = sys.argv[1:6]
    arg = sys.argv[6] if len(sys.argv) > 6 else ""
    port = int(port)
    link = Link(iface, src, dst)
    cases = {
        "rst-blind": case_rst_blind, "rst-exact": case_rst_exact, "syn": case_syn,
        "paws": case_paws, "overlap": case_overlap, "zero-window": case_zero_window,
        "sack": case_sack, "tw-serve": case_tw_serve,
    }
    if case == "tw-reuse":
        case_tw_reuse(link, port, arg)
    elif case in cases:
        cases[case](link, port)
    else:
        fail("no case %s" % case)


if __name__ == "__main__":
    main()
