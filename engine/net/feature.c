/*
 * Feature arcs: registry, ordering at graph build, and per-interface enable.
 * See include/vecnet/net/feature.h for the model.
 */
#define VN_LOG_MOD "feature"
#include <errno.h>
#include <string.h>
#include <vecnet/net/feature.h>
#include <vecnet/plugin.h>

#define ARC_STARTS 2

struct arc_def {
	const char *name;
	const char *start[ARC_STARTS]; /* the nodes that enter it (NULL past the last) */
	const char *end;
	bool by_tx;
};

/* device-input starts at every input node: DPDK's and each own port class's. */
static const struct arc_def arcs[VN_ARC_COUNT] = {
	[VN_ARC_DEVICE_INPUT] = {"device-input", {"port-rx", "host-input"}, "ethernet-input", false},
	[VN_ARC_IP4_UNICAST] = {"ip4-unicast", {"ip4-input"}, "ip4-lookup", false},
	[VN_ARC_IP4_OUTPUT] = {"ip4-output", {"ip4-rewrite"}, "interface-output", true},
	[VN_ARC_IP6_UNICAST] = {"ip6-unicast", {"ip6-input"}, "ip6-lookup", false},
	[VN_ARC_IP6_OUTPUT] = {"ip6-output", {"ip6-rewrite"}, "interface-output", true},
};

struct vn_feature_node_info vn_feature_node_info[VN_NODE_MAX];
uint8_t vn_feature_next_arc[VN_NODE_MAX][VN_FEATURES_PER_ARC + 1];
uint8_t vn_feature_arc_len[VN_ARC_COUNT];
uint32_t vn_feature_arc_users[VN_ARC_COUNT];

static struct vn_feature_reg *head;
static struct vn_feature_reg *ordered[VN_ARC_COUNT][VN_FEATURES_PER_ARC];

/* The node at position k of an arc (k < 0: its start node number s), or NULL. */
static const char *
arc_node(int arc, int k, int s)
{
	if (k >= 0)
		return s == 0 ? ordered[arc][k]->node : NULL;
	return s < ARC_STARTS ? arcs[arc].start[s] : NULL;
}

void
vn_feature_register(struct vn_feature_reg *f)
{
	struct vn_feature_reg **p = &head;

	while (*p)
		p = &(*p)->next_reg;
	f->next_reg = NULL;
	*p = f;
}

void
vn_feature_unregister(struct vn_feature_reg *f)
{
	for (struct vn_feature_reg **p = &head; *p; p = &(*p)->next_reg)
		if (*p == f) {
			*p = f->next_reg;
			return;
		}
}

const char *
vn_feature_arc_name(enum vn_feature_arc_id arc)
{
	return arc < VN_ARC_COUNT ? arcs[arc].name : "?";
}

const struct vn_feature_reg *
vn_feature_at(enum vn_feature_arc_id arc, uint32_t position)
{
	return arc < VN_ARC_COUNT && position < vn_feature_arc_len[arc] ? ordered[arc][position]
									  : NULL;
}

static int
arc_by_name(const char *name)
{
	for (int i = 0; i < VN_ARC_COUNT; i++)
		if (strcmp(arcs[i].name, name) == 0)
			return i;
	return -1;
}

static bool
listed(const char *const *names, const char *node)
{
	for (int i = 0; i < 4 && names[i]; i++)
		if (strcmp(names[i], node) == 0)
			return true;
	return false;
}

/* a must run before b, by either one's constraints */
static bool
must_precede(const struct vn_feature_reg *a, const struct vn_feature_reg *b)
{
	return listed(a->runs_before, b->node) || listed(b->runs_after, a->node);
}

/* Orders one arc: repeatedly take the first registered feature that no
 * remaining feature must precede (a stable topological sort). */
static int
order_arc(int arc, struct vn_feature_reg **in, uint32_t n)
{
	for (uint32_t placed = 0; placed < n; placed++) {
		uint32_t pick = n;
		for (uint32_t i = 0; i < n && pick == n; i++) {
			bool blocked = false;
			if (!in[i])
				continue;
			for (uint32_t j = 0; j < n && !blocked; j++)
				blocked = j != i && in[j] && must_precede(in[j], in[i]);
			if (!blocked)
				pick = i;
		}
		if (pick == n) {
			VN_ERR("arc %s: feature ordering constraints form a cycle", arcs[arc].name);
			return -ELOOP;
		}
		ordered[arc][placed] = in[pick];
		in[pick]->position = placed;
		in[pick] = NULL;
	}
	vn_feature_arc_len[arc] = n;
	return 0;
}

static int
feature_build_begin(void)
{
	struct vn_feature_reg *in[VN_ARC_COUNT][VN_FEATURES_PER_ARC];
	uint32_t n[VN_ARC_COUNT] = {0};
	int rc;

	for (struct vn_feature_reg *f = head; f; f = f->next_reg) {
		int arc = arc_by_name(f->arc ? f->arc : "");
		if (arc < 0) {
			VN_ERR("feature '%s': unknown arc '%s'", f->node, f->arc ? f->arc : "(null)");
			return -ENOENT;
		}
		if (!vn_node_reg_by_name(f->node)) {
			VN_ERR("feature on arc %s names unknown node '%s'", f->arc, f->node);
			return -ENOENT;
		}
		if (n[arc] >= VN_FEATURES_PER_ARC) {
			VN_ERR("arc %s: more than %d features", f->arc, VN_FEATURES_PER_ARC);
			return -ENOSPC;
		}
		f->arc_id = arc;
		in[arc][n[arc]++] = f;
	}
	for (int arc = 0; arc < VN_ARC_COUNT; arc++) {
		if ((rc = order_arc(arc, in[arc], n[arc])) < 0)
			return rc;
		/* Every node of the arc can reach every later feature and the end. */
		for (int k = -1; k < (int)n[arc]; k++) {
			const char *from;
			for (int st = 0; (from = arc_node(arc, k, st)); st++) {
				for (uint32_t t = k + 1; t < n[arc]; t++) {
					rc = vn_node_add_next(from, ordered[arc][t]->node);
					if (rc < 0 && rc != -EEXIST)
						goto fail;
				}
				if ((rc = vn_node_add_next(from, arcs[arc].end)) < 0)
					goto fail;
			}
		}
	}
	return 0;
fail:
	VN_ERR("feature arcs: cannot add next arcs (%s)", strerror(-rc));
	return rc;
}

static uint8_t
arc_index(const struct vn_node_reg *from, const char *to)
{
	for (uint16_t a = 0; a < from->n_next; a++)
		if (from->next_names[a] && strcmp(from->next_names[a], to) == 0)
			return a;
	return VN_NEXT_DROP;
}

/* Tells node `name`, at position k of arc (k < 0: one of its start nodes),
 * which of its next arcs leads to each later feature and to the end. */
static void
arc_learn(int arc, int k, const char *name)
{
	const struct vn_node_reg *from = vn_node_reg_by_name(name);
	uint32_t n = vn_feature_arc_len[arc];

	if (!from)
		return;
	vn_feature_node_info[from->index] = (struct vn_feature_node_info){
		.arc_id = arc,
		.position = k < 0 ? 0 : k,
		.is_feature = k >= 0,
		.by_tx = arcs[arc].by_tx,
	};
	for (uint32_t t = k + 1; t < n; t++)
		vn_feature_next_arc[from->index][t] = arc_index(from, ordered[arc][t]->node);
	vn_feature_next_arc[from->index][n] = arc_index(from, arcs[arc].end);
}

static void
feature_build_end(void)
{
	const char *name;

	for (int arc = 0; arc < VN_ARC_COUNT; arc++)
		for (int k = -1; k < (int)vn_feature_arc_len[arc]; k++)
			for (int st = 0; (name = arc_node(arc, k, st)); st++)
				arc_learn(arc, k, name);
}

/* Features add next arcs to the nodes of their arc before the core resolves
 * arcs by name, and learn the node indexes after. */
VN_GRAPH_HOOKS(feature) = {
	.build_begin = feature_build_begin,
	.build_end = feature_build_end,
};

int
vn_feature_enable(uint32_t if_index, const char *arc_name, const char *feature, bool enable)
{
	struct vn_interface *ifp = vn_interface_get(if_index);
	int arc = arc_by_name(arc_name);

	if (!ifp)
		return -ENODEV;
	if (arc < 0)
		return -EINVAL;
	for (uint32_t k = 0; k < vn_feature_arc_len[arc]; k++) {
		if (strcmp(ordered[arc][k]->node, feature) != 0)
			continue;
		if (enable)
			ifp->features[arc] |= 1u << k;
		else
			ifp->features[arc] &= ~(1u << k);
		vn_interface_publish(if_index);
		uint32_t users = 0;
		for (uint32_t i = 0; i < vn_interface_count(); i++)
			users += vn_interface_get(i) && vn_interface_get(i)->features[arc] != 0;
		__atomic_store_n(&vn_feature_arc_users[arc], users, __ATOMIC_RELEASE);
		return 0;
	}
	return -ENOENT;
}

/* An interface going away takes its features with it (each arc's count of
 * interfaces using it drops too). */
static void
feature_interface_deleted(uint32_t if_index)
{
	struct vn_interface *ifp = vn_interface_get(if_index);

	for (uint32_t arc = 0; ifp && arc < VN_ARC_COUNT; arc++)
		for (uint32_t k = 0; k < vn_feature_arc_len[arc]; k++)
			if (ifp->features[arc] & (1u << k))
				vn_feature_enable(if_index, arcs[arc].name, ordered[arc][k]->node,
						  false);
}

VN_INTERFACE_HOOKS(feature) = {
	.deleted = feature_interface_deleted,
};
