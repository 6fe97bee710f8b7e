/*
 * Graph harness for node suites: capture nodes that keep what reaches them,
 * arc redirection onto them, and lookups of error codes and arcs by name, so
 * a test depends on a node's names (its contract), not on its enums.
 *
 * Include from exactly one .c per test executable: it registers nodes.
 */
#ifndef VN_TEST_GRAPH_H
#define VN_TEST_GRAPH_H

#include <CUnit/CUnit.h>
#include <rte_ether.h>
#include <string.h>
#include <vecnet/graph.h>
#include <vecnet/net/interface.h>

#include "core/graph_priv.h"

#define VT_CAPTURE_MAX 1024

struct vt_capture {
	struct rte_mbuf *pkts[VT_CAPTURE_MAX];
	uint32_t frame_if[VT_CAPTURE_MAX]; /* the interface the packet's frame stated */
	uint16_t n;
};

/* Keeps pkts, each with frame_if: what its frame said (VN_FRAME_IF_MIXED: nothing). */
static inline void
vt_capture_store_frame(struct vt_capture *c, uint32_t frame_if, struct rte_mbuf **pkts,
		       uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		if (c->n < VT_CAPTURE_MAX) {
			c->frame_if[c->n] = frame_if;
			c->pkts[c->n++] = pkts[i];
		} else {
			rte_pktmbuf_free(pkts[i]);
		}
	}
}

static inline void
vt_capture_store(struct vt_capture *c, struct rte_mbuf **pkts, uint16_t n)
{
	vt_capture_store_frame(c, VN_FRAME_IF_MIXED, pkts, n);
}

static inline void
vt_capture_reset(struct vt_capture *c)
{
	for (uint16_t i = 0; i < c->n; i++)
		rte_pktmbuf_free(c->pkts[i]);
	c->n = 0;
}

/* Defines a node `name` whose packets land in the capture `var`. */
#define VT_CAPTURE_NODE(id, node_name)                                                             \
	static struct vt_capture id;                                                               \
	static uint16_t vt_fn_##id(struct vn_graph *g, struct vn_node *node,                       \
				   struct rte_mbuf **pkts, uint16_t n)                             \
	{                                                                                          \
		vt_capture_store_frame(&id, vn_frame_if(node), pkts, n);                              \
		return n;                                                                          \
	}                                                                                          \
	VN_NODE_REGISTER(id) = {.name = node_name, .fn = vt_fn_##id}

/* Engine nodes that have not landed yet: a node whose arc
 * names them must still resolve: stand-ins that free what they get. */
static inline uint16_t
vt_stub_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

static inline void
vt_stub_missing(const char *const *names, uint32_t n)
{
	static struct vn_node_reg stubs[32];
	static uint32_t n_stubs;

	for (uint32_t i = 0; i < n && n_stubs < VN_ARRAY_LEN(stubs); i++) {
		if (vn_node_reg_by_name(names[i]))
			continue;
		stubs[n_stubs] = (struct vn_node_reg){.name = names[i], .fn = vt_stub_fn};
		vn_node_register(&stubs[n_stubs++]);
	}
}

static inline uint16_t
vt_node_index(const char *name)
{
	struct vn_node_reg *r = vn_node_reg_by_name(name);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	return r->index;
}

/* Global error code of the counter `err` of node `node`. */
static inline uint16_t
vt_err(const char *node, const char *err)
{
	struct vn_node_reg *r = vn_node_reg_by_name(node);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (uint16_t i = 0; i < r->n_errors; i++)
		if (strcmp(r->error_names[i], err) == 0)
			return r->error_base + i;
	fprintf(stderr, "node '%s' has no error '%s'\n", node, err);
	CU_FAIL_FATAL("unknown error name");
	return 0;
}

static inline bool
vt_err_of_node(const char *node, uint16_t code)
{
	struct vn_node_reg *r = vn_node_reg_by_name(node);

	return r && code >= r->error_base && code < r->error_base + r->n_errors;
}

/* Points node's arc `next` at node `to` in graph g. */
static inline void
vt_redirect(struct vn_graph *g, const char *node, const char *next, const char *to)
{
	struct vn_node_reg *r = vn_node_reg_by_name(node);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (uint16_t a = 0; a < r->n_next; a++)
		if (r->next_names[a] && strcmp(r->next_names[a], next) == 0) {
			vn_graph_rt(g)->nodes[r->index].nexts[a] = &vn_graph_rt(g)->nodes[vt_node_index(to)];
			return;
		}
	fprintf(stderr, "node '%s' has no arc to '%s'\n", node, next);
	CU_FAIL_FATAL("unknown arc");
}

static inline void
vt_inject(struct vn_graph *g, const char *node, struct rte_mbuf **pkts, uint16_t n)
{
	CU_ASSERT_EQUAL_FATAL(vn_graph_inject(g, vt_node_index(node), pkts, n), 0);
}

/* A fresh packet from the pool with len bytes of data (zeroed) after the
 * default headroom, and zeroed metadata arriving on rx_if. */
static inline struct rte_mbuf *
vt_pkt(uint16_t len, uint16_t rx_if)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(vn_pktmbuf_pool);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rte_pktmbuf_append(m, len));
	memset(rte_pktmbuf_mtod(m, void *), 0, len);
	vn_meta_reset(m);
	vn_meta(m)->rx_if = rx_if;
	return m;
}

/* A whole frame as port-rx hands it over (Ethernet header at the default
 * headroom, so as aligned as a NIC delivers it), carrying l3's data, which is
 * freed. */
static inline struct rte_mbuf *
vt_ether_frame(const uint8_t dst[6], const uint8_t src[6], uint16_t ether_type,
	       struct rte_mbuf *l3)
{
	uint16_t len = rte_pktmbuf_data_len(l3);
	struct rte_mbuf *m = vt_pkt(RTE_ETHER_HDR_LEN + len, vn_meta(l3)->rx_if);
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	memcpy(eth->dst_addr.addr_bytes, dst, RTE_ETHER_ADDR_LEN);
	memcpy(eth->src_addr.addr_bytes, src, RTE_ETHER_ADDR_LEN);
	eth->ether_type = rte_cpu_to_be_16(ether_type);
	memcpy(eth + 1, rte_pktmbuf_mtod(l3, void *), len);
	rte_pktmbuf_free(l3);
	return m;
}

#endif
