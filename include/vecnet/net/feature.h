/*
 * Feature arcs: ordered, per-interface optional nodes spliced between two
 * fixed nodes. A feature names its arc and ordering constraints; at graph
 * build the features of an arc are sorted and every node of the arc gets next
 * arcs to every later feature and to the arc's end. Which features run is a
 * per-interface bitmap in the fast-path interface snapshot, so enabling one
 * at run time is an RCU publish, and an interface with none pays one load
 * and one test per run of packets.
 *
 *   arc           from          to                keyed on
 *   device-input  port-rx       ethernet-input    rx interface
 *   ip4-unicast   ip4-input     ip4-lookup        rx interface
 *   ip4-output    ip4-rewrite   interface-output  tx interface
 *   ip6-unicast   ip6-input     ip6-lookup        rx interface
 *   ip6-output    ip6-rewrite   interface-output  tx interface
 *
 * ip6-unicast sees what ip6-input sends to ip6-lookup: packets to link-local
 * addresses and joined multicast groups (neighbour discovery among them) go
 * to ip6-local without it, as VPP's ip6-multicast arc is apart from its
 * ip6-unicast one.
 */
#ifndef VECNET_FEATURE_H
#define VECNET_FEATURE_H

#include <vecnet/net/interface.h>
#include <vecnet/node.h>

enum vn_feature_arc_id {
	VN_ARC_DEVICE_INPUT,
	VN_ARC_IP4_UNICAST,
	VN_ARC_IP4_OUTPUT,
	VN_ARC_IP6_UNICAST,
	VN_ARC_IP6_OUTPUT,
	VN_ARC_COUNT,
};
_Static_assert(VN_ARC_COUNT <= VN_IF_FEATURE_ARCS, "struct vn_interface holds every arc");
#define VN_FEATURES_PER_ARC 32

struct vn_feature_reg {
	const char *arc; /* "ip4-unicast", ... */
	const char *node; /* the feature's node */
	const char *runs_before[4]; /* feature node names, NULL-terminated */
	const char *runs_after[4];
	/* Filled at graph build. */
	uint8_t arc_id;
	uint8_t position;
	struct vn_feature_reg *next_reg;
};

void vn_feature_register(struct vn_feature_reg *f);
void vn_feature_unregister(struct vn_feature_reg *f);

#define VN_FEATURE_REGISTER(id)                                                                    \
	VN_REGISTRATION(vn_feature_reg, id, vn_feature_register, vn_feature_unregister)

/* Control plane. */
int vn_feature_enable(uint32_t if_index, const char *arc, const char *feature, bool enable);
const char *vn_feature_arc_name(enum vn_feature_arc_id arc);
/* Walks the features of an arc in order. */
const struct vn_feature_reg *vn_feature_at(enum vn_feature_arc_id arc, uint32_t position);

/* Fast path tables, filled at build. */
struct vn_feature_node_info {
	uint8_t arc_id; /* of the arc this node starts or belongs to */
	uint8_t position; /* a feature's own position; start nodes: unused */
	bool is_feature;
	bool by_tx; /* keyed on tx interface (output arcs) */
};
extern struct vn_feature_node_info vn_feature_node_info[VN_NODE_MAX];
/* next arc from node n to feature k of its arc; [n][arc length] = arc end */
extern uint8_t vn_feature_next_arc[VN_NODE_MAX][VN_FEATURES_PER_ARC + 1];
extern uint8_t vn_feature_arc_len[VN_ARC_COUNT];

/* Interfaces with at least one feature enabled, per arc: nodes skip the arc
 * with one load per vector while this is zero. */
extern uint32_t vn_feature_arc_users[VN_ARC_COUNT];

static inline bool
vn_feature_arc_active(enum vn_feature_arc_id arc)
{
	return __atomic_load_n(&vn_feature_arc_users[arc], __ATOMIC_RELAXED) != 0;
}

/* Start node: the first enabled feature for a non-empty bitmap. */
static inline uint16_t
vn_feature_first(const struct vn_node *node, uint32_t bitmap, struct rte_mbuf *m)
{
	uint8_t pos = (uint8_t)__builtin_ctz(bitmap);

	vn_meta(m)->feature_arc = pos;
	return vn_feature_next_arc[node->index][pos];
}

/* Feature node: the next arc after this feature for packet m. */
static inline uint16_t
vn_feature_next(const struct vn_node *node, struct rte_mbuf *m)
{
	const struct vn_feature_node_info *fi = &vn_feature_node_info[node->index];
	struct vn_meta *md = vn_meta(m);
	const struct vn_if_fp *fp = vn_if_fp(fi->by_tx ? md->tx_if : md->rx_if);
	uint32_t rest = fp ? fp->features[fi->arc_id] & ~((2u << fi->position) - 1) : 0;
	uint8_t pos = rest ? (uint8_t)__builtin_ctz(rest) : vn_feature_arc_len[fi->arc_id];

	md->feature_arc = pos;
	return vn_feature_next_arc[node->index][pos];
}

/* Start node, after its own per-packet work: packets headed to the arc's end
 * (nexts[i] == end_next) on an interface with features enabled are sent to
 * the first feature instead. Call only when vn_feature_arc_active(arc).
 * Returns true when every nexts[i] is then the same, so the caller can move
 * the whole vector with vn_enqueue(..., nexts[0], ...). */
static inline bool
vn_feature_divert(const struct vn_node *node, enum vn_feature_arc_id arc, bool by_tx,
		  struct rte_mbuf **pkts, uint16_t *nexts, uint16_t n, uint16_t end_next)
{
	uint16_t cur_if = UINT16_MAX, diff = 0;
	uint32_t bitmap = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (nexts[i] != end_next) {
			diff |= nexts[i] ^ nexts[0];
			continue;
		}
		const struct vn_meta *md = vn_meta(pkts[i]);
		uint16_t if_index = by_tx ? md->tx_if : md->rx_if;
		if (if_index != cur_if) {
			const struct vn_if_fp *fp = vn_if_fp(if_index);
			cur_if = if_index;
			bitmap = fp ? fp->features[arc] : 0;
		}
		if (bitmap)
			nexts[i] = vn_feature_first(node, bitmap, pkts[i]);
		diff |= nexts[i] ^ nexts[0];
	}
	return diff == 0;
}

/* The end of a start node's call. Packets went to end_next unless nexts[] says
 * otherwise: when fast == n all of them did and nexts[] was not written; else
 * nexts[] holds every packet's next. Diverts to the arc's first features if any
 * are enabled, then hands the packets on, the vector whole when all go one way;
 * frame_if (or VN_FRAME_IF_MIXED) is stated when all go to end_next. */
static inline void
vn_feature_arc_end(struct vn_graph *g, struct vn_node *node, enum vn_feature_arc_id arc,
		   bool by_tx, struct rte_mbuf **pkts, uint16_t *nexts, uint16_t n, uint16_t fast,
		   uint16_t end_next, uint32_t frame_if)
{
	if (unlikely(vn_feature_arc_active(arc))) {
		if (fast == n)
			for (uint16_t k = 0; k < n; k++)
				nexts[k] = end_next;
		if (vn_feature_divert(node, arc, by_tx, pkts, nexts, n, end_next))
			vn_enqueue(g, node, nexts[0], pkts, n);
		else
			vn_enqueue_nexts(g, node, pkts, nexts, n);
	} else if (likely(fast == n)) {
		vn_enqueue_if(g, node, end_next, pkts, n, frame_if);
	} else {
		vn_enqueue_nexts(g, node, pkts, nexts, n);
	}
}

#endif
