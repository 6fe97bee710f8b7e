/*
 * Graph instances and the dispatcher. Each forwarding thread owns one graph:
 * it polls the input nodes, then runs pending nodes in FIFO order until none
 * has packets. A node's queue holds up to VN_NODE_QUEUE packets and is handed
 * to its process function in vectors of at most VN_FRAME_SIZE.
 */
#define VN_LOG_MOD "graph"
#include <errno.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <string.h>
#include <vecnet/graph.h>
#include <vecnet/trace.h>

#include "core/graph_priv.h"
#include "core/worker_priv.h"

static struct vn_graph_rt *graphs[VN_THREAD_MAX];
static uint32_t n_graphs;
static __thread struct vn_graph *graph_self;

struct vn_graph *
vn_graph_self(void)
{
	return graph_self;
}

void
vn_graph_set_self(struct vn_graph *g)
{
	graph_self = g;
}

uint32_t
vn_graph_count(void)
{
	return n_graphs;
}

struct vn_graph *
vn_graph_at(uint32_t i)
{
	return i < n_graphs && graphs[i] ? &graphs[i]->pub : NULL;
}

struct vn_node *
vn_graph_node(struct vn_graph *pub, uint32_t node_index)
{
	struct vn_graph_rt *g = vn_graph_rt(pub);

	return pub && node_index < g->n_nodes ? &g->nodes[node_index] : NULL;
}

static struct vn_graph_hooks *hooks_head;

void
vn_graph_hooks_register(struct vn_graph_hooks *h)
{
	struct vn_graph_hooks **p = &hooks_head;

	while (*p && *p != h)
		p = &(*p)->next;
	if (*p)
		return;
	h->next = NULL;
	*p = h;
}

void
vn_graph_hooks_unregister(struct vn_graph_hooks *h)
{
	for (struct vn_graph_hooks **p = &hooks_head; *p; p = &(*p)->next)
		if (*p == h) {
			*p = h->next;
			return;
		}
}

int
vn_graph_hooks_build_begin(void)
{
	for (struct vn_graph_hooks *h = hooks_head; h; h = h->next) {
		int rc = h->build_begin ? h->build_begin() : 0;
		if (rc < 0)
			return rc;
	}
	return 0;
}

void
vn_graph_hooks_build_end(void)
{
	for (struct vn_graph_hooks *h = hooks_head; h; h = h->next)
		if (h->build_end)
			h->build_end();
}

struct vn_graph *
vn_graph_create(uint32_t thread_index)
{
	uint32_t n = vn_node_count();
	struct vn_graph_rt *g;

	if (n == 0 || thread_index >= VN_THREAD_MAX || graphs[thread_index])
		return NULL;
	g = rte_zmalloc("vn_graph", sizeof(*g), RTE_CACHE_LINE_SIZE);
	if (!g)
		return NULL;
	g->pub.thread_index = thread_index;
	g->n_nodes = n;
	g->nodes = rte_zmalloc("vn_nodes", n * sizeof(struct vn_node), RTE_CACHE_LINE_SIZE);
	g->inputs = rte_zmalloc("vn_inputs", n * sizeof(struct vn_node *), 0);
	g->pending = rte_zmalloc("vn_pending", (n + 1) * sizeof(struct vn_node *), 0);
	g->pub.error_counts = rte_zmalloc("vn_errors", (vn_error_count() + 1) * sizeof(uint64_t),
					  RTE_CACHE_LINE_SIZE);
	if (!g->nodes || !g->inputs || !g->pending || !g->pub.error_counts)
		goto fail;
	for (uint32_t i = 0; i < n; i++) {
		struct vn_node *node = &g->nodes[i];
		const struct vn_node_reg *r = vn_node_reg_at(i);
		node->reg = r;
		node->index = i;
		node->objs = rte_malloc("vn_objs", VN_NODE_QUEUE * sizeof(struct rte_mbuf *),
					RTE_CACHE_LINE_SIZE);
		if (!node->objs)
			goto fail;
		node->errors = &g->pub.error_counts[r->error_base];
		for (uint16_t a = 0; a < VN_NEXT_MAX; a++)
			node->nexts[a] = &g->nodes[a < r->n_next ? vn_next_index[i][a] : 0];
		if (r->type == VN_NODE_INPUT)
			g->inputs[g->n_inputs++] = node;
	}
	graphs[thread_index] = g;
	if (thread_index >= n_graphs)
		n_graphs = thread_index + 1;
	for (struct vn_graph_hooks *h = hooks_head; h; h = h->next)
		if (h->instance_init)
			h->instance_init(&g->pub);
	for (uint32_t i = 0; i < n; i++) {
		struct vn_node *node = &g->nodes[i];
		if (node->reg->thread_init && node->reg->thread_init(&g->pub, node) < 0) {
			VN_ERR("node '%s': per-thread init failed on thread %u", node->reg->name,
			       thread_index);
			vn_graph_destroy(&g->pub);
			return NULL;
		}
	}
	return &g->pub;
fail:
	VN_ERR("out of memory creating graph for thread %u", thread_index);
	vn_graph_destroy(&g->pub);
	return NULL;
}

void
vn_graph_flush(struct vn_graph *pub)
{
	struct vn_graph_rt *g = vn_graph_rt(pub);

	for (uint32_t i = 0; i < g->n_nodes; i++) {
		struct vn_node *node = &g->nodes[i];
		if (node->n_objs)
			rte_pktmbuf_free_bulk(node->objs, node->n_objs);
		node->n_objs = 0;
		node->is_pending = false;
	}
	g->pending_head = g->pending_tail = 0;
}

void
vn_graph_destroy(struct vn_graph *pub)
{
	struct vn_graph_rt *g = vn_graph_rt(pub);

	if (!pub)
		return;
	if (g->nodes) {
		vn_graph_flush(pub);
		for (uint32_t i = 0; i < g->n_nodes; i++) {
			struct vn_node *node = &g->nodes[i];
			if (node->reg && node->reg->thread_fini && node->objs)
				node->reg->thread_fini(pub, node);
			rte_free(node->objs);
		}
	}
	if (pub->thread_index < VN_THREAD_MAX && graphs[pub->thread_index] == g)
		graphs[pub->thread_index] = NULL;
	rte_free(g->nodes);
	rte_free(g->inputs);
	rte_free(g->pending);
	rte_free(pub->error_counts);
	rte_free(g);
}

void
vn_node_set_pending(struct vn_graph *pub, struct vn_node *t)
{
	struct vn_graph_rt *g = vn_graph_rt(pub);

	if (t->is_pending)
		return;
	t->is_pending = true;
	g->pending[g->pending_tail] = t;
	g->pending_tail = g->pending_tail == g->n_nodes ? 0 : g->pending_tail + 1;
}

void
vn_enqueue_copy(struct vn_graph *g, struct vn_node *t, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t room = VN_NODE_QUEUE - t->n_objs;

	if (unlikely(n > room)) {
		/* Fan-in beyond four vectors in one walk: refuse the excess, by name. */
		rte_pktmbuf_free_bulk(pkts + room, n - room);
		vn_graph_rt(g)->overflow_drops += n - room;
		n = room;
	}
	memcpy(t->objs + t->n_objs, pkts, n * sizeof(pkts[0]));
	t->n_objs += n;
	t->scalar = VN_SCALAR_MIXED;
	vn_node_set_pending(g, t);
}

void
vn_enqueue_nexts(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts,
		 const uint16_t *nexts, uint16_t n)
{
	uint16_t i = 0;

	while (i < n) {
		uint16_t next = nexts[i], j = i + 1;
		while (j < n && nexts[j] == next)
			j++;
		vn_enqueue(g, node, next, pkts + i, j - i);
		i = j;
	}
}

/* Runs one node's queue. t0 is when it started (the previous node's end): one
 * clock read per node instead of two, as each node's end starts the next. */
static inline uint64_t
dispatch_node(struct vn_graph_rt *g, struct vn_node *node, uint64_t t0)
{
	struct rte_mbuf **objs = node->objs;
	uint16_t n = node->n_objs;
	uint64_t t1;

	/* Non-NULL only while this walk carries packets marked for tracing. */
	if (unlikely(g->trace != NULL))
		vn_trace_capture(g, node, objs, n);
	for (uint16_t off = 0; off < n;) {
		uint16_t c = RTE_MIN(n - off, VN_FRAME_SIZE);
		node->reg->fn(&g->pub, node, objs + off, c);
		node->calls++;
		off += c;
	}
	/* The node moved its vector (swap) or consumed it: either way it's empty. */
	node->n_objs = 0;
	node->vectors += n;
	t1 = rte_rdtsc();
	node->clocks += t1 - t0;
	return t1;
}

static inline uint64_t
dispatch_pending(struct vn_graph_rt *g, uint64_t t)
{
	while (g->pending_head != g->pending_tail) {
		struct vn_node *node = g->pending[g->pending_head];
		g->pending_head = g->pending_head == g->n_nodes ? 0 : g->pending_head + 1;
		node->is_pending = false;
		if (node->n_objs)
			t = dispatch_node(g, node, t);
	}
	return t;
}

uint32_t
vn_graph_run_once(struct vn_graph *pub)
{
	struct vn_graph_rt *g = vn_graph_rt(pub);
	uint32_t total = 0;
	uint64_t t = rte_rdtsc();

	/* t is always "now": a poll that found nothing leaves it as it was, which
	 * costs that poll's few cycles in the next input's clocks. */
	for (uint32_t i = 0; i < g->n_inputs; i++) {
		struct vn_node *node = g->inputs[i];
		uint16_t n = node->reg->fn(pub, node, NULL, 0);
		if (n) {
			uint64_t t1 = rte_rdtsc();
			node->calls++;
			node->vectors += n;
			node->clocks += t1 - t;
			total += n;
			t = dispatch_pending(g, t1);
			g->trace = NULL; /* every marked packet has left the graph */
		}
	}
	g->loops++;
	g->walk_end_tsc = t;
	return total;
}

int
vn_graph_inject(struct vn_graph *g, uint16_t node_index, struct rte_mbuf **pkts, uint16_t n)
{
	return vn_graph_inject_scalar(g, node_index, pkts, n, VN_SCALAR_MIXED);
}

int
vn_graph_inject_scalar(struct vn_graph *pub, uint16_t node_index, struct rte_mbuf **pkts, uint16_t n,
		       uint32_t scalar)
{
	struct vn_graph_rt *g = vn_graph_rt(pub);
	struct vn_node *t;

	if (node_index >= g->n_nodes)
		return -EINVAL;
	t = &g->nodes[node_index];
	if (t->n_objs && t->scalar != scalar)
		scalar = VN_SCALAR_MIXED;
	vn_enqueue_copy(pub, t, pkts, n);
	t->scalar = scalar;
	dispatch_pending(g, rte_rdtsc());
	g->trace = NULL;
	return 0;
}

uint64_t
vn_error_total(uint16_t code)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < n_graphs; i++)
		if (graphs[i])
			sum += __atomic_load_n(&graphs[i]->pub.error_counts[code], __ATOMIC_RELAXED);
	return sum;
}
