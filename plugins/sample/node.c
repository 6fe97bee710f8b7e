/*
 * sample-filter: a feature on the ip4-unicast arc (between ip4-input and
 * ip4-lookup) that drops the packets of one configured IP protocol and
 * counts, per receiving interface, the packets it saw and dropped. It runs
 * only on the interfaces where it is enabled:
 *   set interface feature lan0 sample-filter arc ip4-unicast
 * It is the template of docs/nodes.md: a _one() per packet into nexts[],
 * the node's counter once per vector, one enqueue. No packet prefetch:
 * ip4-input has just read the same header.
 *
 * Reads: the IPv4 header at data offset 0 (ip4-input has validated it),
 * vn_meta.rx_if; sample_drop_protocol, once per vector.
 * Writes: vn_meta.feature_arc (vn_feature_next); this thread's
 * per-interface counters (node->ctx); drops: vn_buf.error (vn_drop_reason).
 * Nexts: error-drop (0), then the next enabled feature of the arc or
 * ip4-lookup: those arcs are added by the engine at graph build, and
 * vn_feature_next() picks the right one per packet.
 * Errors: drop reason "protocol dropped by configuration"; counter "packets
 * inspected", added once per vector.
 */
#include <rte_ip.h>
#include <rte_malloc.h>
#include <stdio.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/interface.h>
#include <vecnet/node.h>
#include <vecnet/net/trace.h>

#include "sample.h"

enum sample_error {
	SAMPLE_ERR_DROPPED,
	SAMPLE_ERR_INSPECTED,
	SAMPLE_N_ERR,
};

/* Shown by `show errors` under the node's name; a drop reason's count is
 * added by error-drop, a plain counter's by this node. */
static const char *const sample_error_names[] = {
	[SAMPLE_ERR_DROPPED] = "protocol dropped by configuration",
	[SAMPLE_ERR_INSPECTED] = "packets inspected",
};

static int
sample_filter_thread_init(struct vn_graph *g, struct vn_node *node)
{
	/* One per thread: workers never share a written cache line. */
	node->ctx = rte_zmalloc("sample_ctx", sizeof(struct sample_ctx), RTE_CACHE_LINE_SIZE);
	return node->ctx ? 0 : -1;
}

static void
sample_filter_thread_fini(struct vn_graph *g, struct vn_node *node)
{
	rte_free(node->ctx);
	node->ctx = NULL;
}

/* Writes a counter the main thread reads while we run: a relaxed atomic store
 * keeps the read untorn and costs a plain store on x86. */
static inline void
sample_count(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

static inline uint16_t
sample_filter_one(struct vn_node *node, struct sample_ctx *ctx, uint32_t proto,
		  struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint16_t rx_if = vn_meta(m)->rx_if;
	struct sample_if_counters *c = &ctx->ifs[rx_if < VN_IF_MAX ? rx_if : 0];

	sample_count(&c->seen, 1);
	if (ip->next_proto_id == proto) {
		sample_count(&c->dropped, 1);
		vn_drop_reason(node, m, SAMPLE_ERR_DROPPED);
		return VN_NEXT_DROP;
	}
	return vn_feature_next(node, m);
}

static uint16_t
sample_filter_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t proto = __atomic_load_n(&sample_drop_protocol, __ATOMIC_RELAXED);
	struct sample_ctx *ctx = node->ctx;
	uint16_t nexts[VN_FRAME_SIZE];

	for (uint16_t i = 0; i < n; i++)
		nexts[i] = sample_filter_one(node, ctx, proto, pkts[i]);
	vn_node_count_error(node, SAMPLE_ERR_INSPECTED, n);
	vn_enqueue_nexts(g, node, pkts, nexts, n);
	return n;
}

/* Formats one trace record. The node does no tracing work: with `trace add
 * port-rx N` the dispatcher records each marked packet as it enters the
 * node, r->data holding the packet from its IPv4 header and vn_trace_meta(r)
 * its metadata. This runs on the main thread at `show trace` time, so it may
 * look things up (the interface name). Lines are indented by two spaces;
 * returns the length written. A dropped packet's next record is error-drop's,
 * with the reason. */
static int
sample_filter_trace(char *buf, size_t len, const struct vn_trace_rec *r,
		    const struct vn_trace_rec *next)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)r->data;
	const struct vn_interface *ifp = vn_interface_get(vn_trace_meta(r)->meta.rx_if);
	char src[16], dst[16];
	int n;

	if (r->data_len < sizeof(*ip))
		return snprintf(buf, len, "  sample-filter: truncated record (%u bytes)\n",
				r->data_len);
	n = snprintf(buf, len, "  sample-filter: rx %s, IP protocol %u, %s -> %s\n",
		     ifp ? ifp->name : "?", ip->next_proto_id,
		     vn_fmt_ip4(rte_be_to_cpu_32(ip->src_addr), src),
		     vn_fmt_ip4(rte_be_to_cpu_32(ip->dst_addr), dst));
	return n < 0 ? 0 : (size_t)n < len ? n : (int)len - 1;
}

VN_NODE_REGISTER(sample_filter) = {
	.name = "sample-filter",
	.fn = sample_filter_fn,
	/* Only error-drop here: the arc's later features and its end are added
	 * at graph build (the feature arcs' build hook, net/feature.c). */
	.n_next = 1,
	.n_errors = SAMPLE_N_ERR,
	.error_names = sample_error_names,
	.format_trace = sample_filter_trace,
	.thread_init = sample_filter_thread_init,
	.thread_fini = sample_filter_thread_fini,
};

/* Splices the node into the arc. With no ordering constraint it runs in
 * registration order; .runs_before = {"other-feature"} would pin it. */
VN_FEATURE_REGISTER(sample_filter) = {
	.arc = "ip4-unicast",
	.node = "sample-filter",
};
