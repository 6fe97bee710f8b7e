#!/usr/bin/env bash
# Builds DPDK's own graph router, examples/l3fwd-graph (Debian package dpdk-doc),
# as `make bench`'s reference: the same traffic, vdevs and core as the engine, so
# "faster than DPDK's graph" is a measurement, not a quote.
#   ref_l3fwd_graph.sh OUTDIR   -> OUTDIR/l3fwd-graph (rebuilt when this script changes)
#
# Two edits, both to fit the bench's ports and files, none to the forwarding path:
#  - one TX queue per port: net_pcap and net_null have one (the example asks one per
#    lcore; its single graph, on the worker lcore, uses queue 0);
#  - the pool size from $REF_NB_MBUF (at least 8192, its own minimum), so it gets the
#    pool the engine and testpmd get: net_pcap keeps every replayed frame of the file
#    in it (10,000 for ip4-10kflows), and the pool's size changes the cache footprint.
set -euo pipefail
OUT=$(realpath -m "$1")
SRC=/usr/share/dpdk/examples/l3fwd-graph
if [ ! -f "$SRC/main.c" ] && [ "$(id -u)" -eq 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q dpdk-doc >/dev/null 2>&1 || true
fi
[ -f "$SRC/main.c" ] || { echo "ref: $SRC missing (apt-get install dpdk-doc)" >&2; exit 1; }
stamp=$(cat "$SRC/main.c" "${BASH_SOURCE[0]}" | md5sum | cut -d' ' -f1)
if [ -x "$OUT/l3fwd-graph" ] && [ "$(cat "$OUT/.stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi
rm -rf "$OUT"
mkdir -p "$OUT"
cp -r "$SRC" "$OUT/src"
cd "$OUT/src"
sed -i 's/n_tx_queue = nb_lcores;/n_tx_queue = 1;/' main.c
sed -i '/txconf = &dev_info.default_txconf;/i\			if (queueid >= (int)n_tx_queue)\n\t\t\t\tbreak;' main.c
sed -i 's/nb_lcores \* MEMPOOL_CACHE_SIZE), 8192u)/nb_lcores * MEMPOOL_CACHE_SIZE), \\\n\t\tRTE_MAX(8192u, (unsigned)atoi(getenv("REF_NB_MBUF") ? getenv("REF_NB_MBUF") : "0")))/' main.c
grep -q "n_tx_queue = 1;" main.c && grep -q "queueid >= (int)n_tx_queue" main.c &&
	grep -q 'getenv("REF_NB_MBUF")' main.c || { echo "ref: the example's source changed; edits did not apply" >&2; exit 1; }
# Linked statically, as the engine is (docs/architecture.md, "DPDK is linked into
# the engine"), so the two differ in their code, not their linking. pkg-config
# --static also lists private dependencies of other static libraries (libpcap's
# -lsystemd); only the ones the compiler finds are kept.
flags=""
for f in $(pkg-config --static --libs libdpdk); do
	case $f in
	-l:*) ;;
	-l*) [[ $(cc -print-file-name="lib${f#-l}.so") == /* ]] || continue ;;
	esac
	flags="$flags $f"
done
make -s static LDFLAGS_STATIC="$flags" >"$OUT/build.log" 2>&1 || { tail -5 "$OUT/build.log" >&2; exit 1; }
cp build/l3fwd-graph-static "$OUT/l3fwd-graph"
echo "$stamp" >"$OUT/.stamp"
