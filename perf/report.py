#!/usr/bin/python3
"""Turns perf/bench.sh's results.jsonl into the table and the BENCH lines
(shared/DESIGN.md, "Bench output"). --raw prints the per-round figures and the
last round's `show runtime` per scenario instead (appended to perf/results/)."""
import argparse
import json
import statistics
import sys

# The forwarding path in packet order; other nodes that ran are listed after.
PATH = ["port-rx", "ethernet-input", "ip4-input", "ip4-lookup", "ip4-rewrite",
        "ip6-input", "ip6-lookup", "ip6-rewrite", "interface-output", "port-tx"]


def spread(v):
    return "%.2f-%.2f" % (min(v), max(v)) if len(v) > 1 else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tsc-hz", type=float, required=True)
    ap.add_argument("--raw", action="store_true")
    ap.add_argument("results")
    a = ap.parse_args()
    rows = [json.loads(line) for line in open(a.results) if line.strip()]
    scen = []
    for r in rows:
        if r["kind"] in ("engine", "floor") and r["scenario"] not in scen:
            scen.append(r["scenario"])
    eng = {s: [r["m"] for r in rows if r["kind"] == "engine" and r["scenario"] == s] for s in scen}
    flo = {s: [r["m"] for r in rows if r["kind"] == "floor" and r["scenario"] == s] for s in scen}

    if a.raw:
        print("\n--- per round ---")
        for r in rows:
            if r["kind"] in ("engine", "floor"):
                m = r["m"]
                print("round %d %-14s %-6s %8.3f Mpps  (%d packets in %.3f s)" % (
                    r["round"], r["scenario"], r["kind"], m["pps"] / 1e6, m["packets"],
                    m["seconds"]))
        for s in scen:
            if eng[s]:
                print("\n--- %s, last round: show runtime ---\n%s" % (s, eng[s][-1]["runtime_text"]))
                print("--- %s, last round: show errors ---\n%s" % (s, eng[s][-1]["errors_text"]))
        return 0

    hdr = "%-14s %7s %13s %8s %8s %7s %13s %6s %13s" % (
        "scenario", "Mpps", "(min-max)", "cyc/pkt", "vec/call", "floor", "(min-max)",
        "ratio", "(min-max)")
    print(hdr)
    print("-" * len(hdr))
    bench, med = [], {}
    for s in scen:
        mpps = [m["pps"] / 1e6 for m in eng[s]]
        fl = [m["pps"] / 1e6 for m in flo[s]]
        # ratio per round (floor and engine of one round ran back to back)
        ratios = [e / f for e, f in zip(mpps, fl) if f > 0]
        lk = "ip6-lookup" if s.startswith("ip6-") else "ip4-lookup"
        vpc = [m["nodes"].get(lk, {}).get("vectors_per_call", 0) for m in eng[s]]
        me, mf = statistics.median(mpps), statistics.median(fl)
        mr = statistics.median(ratios) if ratios else 0.0
        cpp = a.tsc_hz / (me * 1e6) if me > 0 else 0.0
        med[s] = me
        print("%-14s %7.2f %13s %8.1f %8.1f %7.2f %13s %6.3f %13s" % (
            s, me, spread(mpps), cpp, statistics.median(vpc), mf, spread(fl), mr,
            "%.3f-%.3f" % (min(ratios), max(ratios)) if len(ratios) > 1 else "-"))
        bench.append("BENCH scenario=%s mpps=%.2f cycles_per_packet=%.1f floor_mpps=%.2f ratio=%.3f"
                     % (s, me, cpp, mf, mr))
    print("  Mpps = engine, floor = dpdk-testpmd io: medians over rounds, (min-max) spread;")
    print("  ratio = median of per-round engine/floor; cyc/pkt = TSC Hz / engine pps (one core)")

    # the reference: DPDK's graph router on the same vdevs, file and core, each round
    # run right after that round's floor
    ref = {s: [r["m"]["pps"] / 1e6 for r in rows if r["kind"] == "ref" and r["scenario"] == s]
           for s in scen}
    if any(ref.values()):
        print("\nreference: DPDK examples/l3fwd-graph (same vdevs, file, core; medians over rounds)")
        rh = "%-14s %7s %13s %8s %6s %13s %14s" % (
            "scenario", "Mpps", "(min-max)", "cyc/pkt", "ratio", "(min-max)", "engine/l3fwd-g")
        print(rh)
        print("-" * len(rh))
        for s in scen:
            if not ref[s]:
                continue
            fl = [m["pps"] / 1e6 for m in flo[s]]
            rr = [x / f for x, f in zip(ref[s], fl) if f > 0]
            mref = statistics.median(ref[s])
            print("%-14s %7.2f %13s %8.1f %6.3f %13s %14.3f" % (
                s, mref, spread(ref[s]), a.tsc_hz / (mref * 1e6), statistics.median(rr),
                "%.3f-%.3f" % (min(rr), max(rr)) if len(rr) > 1 else "-",
                med[s] / mref))

    # per-node clocks/packet (median over rounds), nodes in path order
    names = [n for n in PATH if any(n in m["nodes"] for s in scen for m in eng[s])]
    names += sorted({n for s in scen for m in eng[s] for n in m["nodes"]} - set(names) - {"total"})
    if names:
        print("\nper-node clocks/packet (show runtime, worker thread, median over rounds)")
        print("%-20s" % "node" + "".join("%15s" % s for s in scen))
        tot = {s: 0.0 for s in scen}
        for n in names:
            cells = []
            for s in scen:
                v = [m["nodes"][n]["clocks_per_packet"] for m in eng[s] if n in m["nodes"]]
                # weight: a node may see fewer packets than port-rx (drops, ARP)
                w = [m["nodes"][n]["vectors"] / max(1, m["nodes"].get("port-rx", {}).get("vectors", 1))
                     for m in eng[s] if n in m["nodes"]]
                if v:
                    tot[s] += statistics.median(v) * statistics.median(w)
                    cells.append("%15.1f" % statistics.median(v))
                else:
                    cells.append("%15s" % "-")
            print("%-20s" % n + "".join(cells))
        print("%-20s" % "sum (per rx packet)" + "".join("%15.1f" % tot[s] for s in scen))
        print("%-20s" % "TSC Hz / pps" + "".join(
            "%15.1f" % (a.tsc_hz / (med[s] * 1e6) if med[s] else 0) for s in scen))
        drops = {s: max(m["errors_total"] for m in eng[s]) for s in scen}
        if any(drops.values()):
            print("  drops counted in show errors during a window: " +
                  ", ".join("%s %d" % (s, d) for s, d in drops.items()))

    extra = []
    for r in rows:
        if r["kind"] == "route-load":
            name = "route-load6" if r.get("family") == "ip6" else "route-load"
            if r["status"] == "ok":
                extra.append("BENCH scenario=%s source=%s routes=%d seconds=%.2f routes_per_s=%.0f"
                             % (name, r["source"], r["routes"], r["seconds"], r["routes"] / r["seconds"]))
            else:
                extra.append("BENCH scenario=%s source=%s routes=%d seconds=>%.0f status=%s"
                             % (name, r["source"], r["routes"], r["seconds"], r["status"]))
        elif r["kind"] == "idle":
            extra.append("BENCH scenario=idle cpu_percent=%.1f" % r["m"]["cpu_percent"])
    checks = [r for r in rows if r["kind"] == "yaml-check"]
    if checks:
        print("\nYAML route load did not finish in time; `vecnet --check` (validation only) takes:")
        for r in checks:
            print("  %7d routes: %6.2f s" % (r["routes"], r["seconds"]))
    print()
    for line in bench + extra:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
