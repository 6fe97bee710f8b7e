/*
 * Packet trace: marking at the input node and per-node records.
 *
 * Each forwarding thread has an append-only store of records that only it
 * writes: a record is filled, then the count is published with a release
 * store, so the main thread reads records [0, n) without a lock. `clear trace`
 * never touches a worker's store: it bumps a request generation; the worker
 * empties its store when it next marks a packet, and readers ignore a store
 * whose generation lags the request (it is cleared as far as they can tell).
 *
 * The dispatcher costs one load per vector when tracing is off: the graph's trace is
 * set by marking and reset at the end of the walk, so it is non-NULL only
 * while the walk carries marked packets (engine/graph.c).
 */
#define VN_LOG_MOD "trace"
#include <errno.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <string.h>
#include <vecnet/buffer.h>
#include <vecnet/trace.h>

#include "core/graph_priv.h"

struct vn_trace_store {
	/* written by the owning thread */
	uint32_t n; /* records published (release) */
	uint32_t gen; /* last clear request applied */
	uint32_t next_id;
	uint64_t n_lost; /* records refused: store full */
	/* written by the main thread */
	uint32_t gen_req __rte_cache_aligned;
	struct vn_trace_rec recs[VN_TRACE_STORE_RECS] __rte_cache_aligned;
};

static struct vn_trace_store *vn_trace_stores[VN_THREAD_MAX];
static const struct vn_trace_ops *trace_ops;

void
vn_trace_set_ops(const struct vn_trace_ops *ops)
{
	trace_ops = ops;
}

const struct vn_trace_ops *
vn_trace_get_ops(void)
{
	return trace_ops;
}

void
vn_trace_capture(struct vn_graph_rt *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	const struct vn_trace_ops *ops = trace_ops;
	struct vn_trace_store *s = g->trace;
	uint64_t tsc = rte_rdtsc();
	uint32_t w = s->n;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct vn_buf *b = vn_buf(m);
		struct vn_trace_rec *r;

		if (!b->trace_id)
			continue;
		if (unlikely(w >= VN_TRACE_STORE_RECS)) {
			s->n_lost++;
			continue;
		}
		r = &s->recs[w++];
		r->trace_id = b->trace_id;
		r->error = b->error;
		r->node_index = node->index;
		r->pkt_len = rte_pktmbuf_pkt_len(m);
		r->data_len = RTE_MIN(rte_pktmbuf_data_len(m), VN_TRACE_DATA);
		r->tsc = tsc;
		if (ops && ops->capture)
			ops->capture(r->opaque, m);
		memcpy(r->data, rte_pktmbuf_mtod(m, const void *), r->data_len);
	}
	__atomic_store_n(&s->n, w, __ATOMIC_RELEASE);
}

void
vn_trace_again(struct vn_graph *g, struct vn_node *node, struct rte_mbuf *m)
{
	struct vn_graph_rt *rt = vn_graph_rt(g);

	/* trace is set only while this walk carries marked packets. */
	if (vn_buf(m)->trace_id && rt->trace)
		vn_trace_capture(rt, node, &m, 1);
}

void
vn_trace_mark(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	struct vn_trace_store *s;
	uint32_t budget, k;

	if (node->index != __atomic_load_n(&vn_graph_rt(g)->trace_node, __ATOMIC_RELAXED))
		return;
	s = __atomic_load_n(&vn_trace_stores[g->thread_index], __ATOMIC_ACQUIRE);
	if (!s)
		return;
	/* Take k marks; the control thread may add to or zero the budget meanwhile. */
	budget = __atomic_load_n(&g->trace_budget, __ATOMIC_RELAXED);
	do {
		k = RTE_MIN(budget, n);
		if (k == 0)
			return;
	} while (!__atomic_compare_exchange_n(&g->trace_budget, &budget, budget - k, false,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	{
		uint32_t req = __atomic_load_n(&s->gen_req, __ATOMIC_ACQUIRE);
		if (s->gen != req) {
			/* A `clear trace` since our last walk: start over. */
			s->n_lost = 0;
			__atomic_store_n(&s->n, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&s->gen, req, __ATOMIC_RELEASE);
		}
	}
	for (uint32_t i = 0; i < k; i++) {
		if (++s->next_id == 0)
			s->next_id = 1;
		vn_buf(pkts[i])->trace_id = s->next_id;
		if (trace_ops && trace_ops->on_mark)
			trace_ops->on_mark(pkts[i]);
	}
	vn_graph_rt(g)->trace = s; /* this walk carries marked packets; graph.c resets it */
	vn_trace_capture(vn_graph_rt(g), node, pkts, n);
}

int
vn_trace_add(const char *node_name, uint32_t count)
{
	struct vn_node_reg *reg = vn_node_reg_by_name_or_alias(node_name);

	if (!reg)
		return -ENOENT;
	if (reg->type != VN_NODE_INPUT)
		return -EINVAL;
	for (uint32_t t = 0; t < vn_graph_count() && t < VN_THREAD_MAX; t++) {
		struct vn_graph *g = vn_graph_at(t);
		if (!g)
			continue;
		if (!vn_trace_stores[t]) {
			struct vn_trace_store *s = rte_zmalloc("vn_trace", sizeof(*s),
							       RTE_CACHE_LINE_SIZE);
			if (!s)
				return -ENOMEM;
			__atomic_store_n(&vn_trace_stores[t], s, __ATOMIC_RELEASE);
		}
		__atomic_store_n(&vn_graph_rt(g)->trace_node, reg->index, __ATOMIC_RELAXED);
		__atomic_add_fetch(&g->trace_budget, count, __ATOMIC_RELEASE);
	}
	return 0;
}

void
vn_trace_clear(void)
{
	for (uint32_t t = 0; t < VN_THREAD_MAX; t++) {
		struct vn_graph *g = vn_graph_at(t);
		if (g)
			__atomic_store_n(&g->trace_budget, 0, __ATOMIC_RELAXED);
		if (vn_trace_stores[t])
			__atomic_add_fetch(&vn_trace_stores[t]->gen_req, 1, __ATOMIC_RELEASE);
	}
}

uint32_t
vn_trace_records(uint32_t t, struct vn_trace_rec *out, uint32_t max, uint64_t *n_lost)
{
	struct vn_trace_store *s = t < VN_THREAD_MAX ? vn_trace_stores[t] : NULL;
	uint32_t n;

	if (n_lost)
		*n_lost = 0;
	if (!s || __atomic_load_n(&s->gen, __ATOMIC_ACQUIRE) != s->gen_req)
		return 0; /* never traced, or cleared and not yet restarted */
	n = RTE_MIN(__atomic_load_n(&s->n, __ATOMIC_ACQUIRE), max);
	memcpy(out, s->recs, n * sizeof(*out));
	if (n_lost)
		*n_lost = __atomic_load_n(&s->n_lost, __ATOMIC_RELAXED);
	return n;
}
