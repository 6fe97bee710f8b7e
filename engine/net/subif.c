/*
 * VLAN sub-interfaces (net/vlan.h). A sub-interface is an interface of the
 * table without a port of its own; this file keeps what makes it one (its
 * parent and tags), fills its fast-path snapshot from the parent's state,
 * and publishes each parent's VLAN map for ethernet-input, under RCU as the
 * snapshots are.
 *
 * Tags match exactly, as VPP's `create sub-interfaces IF ID` (exact-match)
 * does for L3 sub-interfaces: dot1q 100 takes frames with one 802.1Q tag 100
 * and nothing more; a frame with more or other tags is dropped by name.
 *
 * Delete is refused while something still names the sub-interface (an
 * address, a route path, a static neighbour, a feature): removing those
 * silently would hide a configuration mistake, and each has its own command.
 * Learned neighbours are the engine's own and go with it.
 */
#define VN_LOG_MOD "subif"
#include <errno.h>
#include <rte_malloc.h>
#include <stdio.h>
#include <string.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/neighbor6.h>
#include <vecnet/net/port.h>
#include <vecnet/rcu.h>

#include "net/subif_priv.h"

struct subif {
	bool used;
	uint16_t parent;
	uint32_t id;
	struct vn_subif_tags tags;
};

static struct subif subs[VN_IF_MAX]; /* by the sub-interface's index */
struct vn_vlan_map *vn_vlan_maps[VN_IF_MAX]; /* by the parent's index */

bool
vn_subif_get(uint32_t if_index, uint32_t *parent, uint32_t *id, struct vn_subif_tags *tags)
{
	if (if_index >= VN_IF_MAX || !subs[if_index].used)
		return false;
	if (parent)
		*parent = subs[if_index].parent;
	if (id)
		*id = subs[if_index].id;
	if (tags)
		*tags = subs[if_index].tags;
	return true;
}

bool
vn_subif_has_children(uint32_t parent)
{
	for (uint32_t i = 0; i < VN_IF_MAX; i++)
		if (subs[i].used && subs[i].parent == parent)
			return true;
	return false;
}

char *
vn_subif_format_tags(const struct vn_subif_tags *t, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s %u", t->outer_tpid == VN_VLAN_TPID_DOT1AD ? "dot1ad" : "dot1q",
			 t->outer_vid);

	if (t->inner_vid && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " inner-dot1q %u", t->inner_vid);
	return buf;
}

static bool
tags_valid(const struct vn_subif_tags *t)
{
	return (t->outer_tpid == VN_VLAN_TPID_DOT1Q || t->outer_tpid == VN_VLAN_TPID_DOT1AD) &&
	       t->outer_vid >= 1 && t->outer_vid <= VN_VLAN_VID_MAX &&
	       t->inner_vid <= VN_VLAN_VID_MAX;
}

static bool
tags_equal(const struct vn_subif_tags *a, const struct vn_subif_tags *b)
{
	return a->outer_tpid == b->outer_tpid && a->outer_vid == b->outer_vid &&
	       a->inner_vid == b->inner_vid;
}

/* TPID and TCI (priority 0, the VID) of each tag, outer first, wire order. */
static uint8_t
tags_encode(const struct vn_subif_tags *t, uint8_t *out)
{
	uint16_t w[4] = {
		rte_cpu_to_be_16(t->outer_tpid),
		rte_cpu_to_be_16(t->outer_vid),
		rte_cpu_to_be_16(VN_VLAN_TPID_DOT1Q),
		rte_cpu_to_be_16(t->inner_vid),
	};
	uint8_t len = t->inner_vid ? 8 : 4;

	memcpy(out, w, len);
	return len;
}

void
vn_subif_fp_fill(struct vn_if_fp *fp)
{
	const struct subif *s = fp->if_index < VN_IF_MAX ? &subs[fp->if_index] : NULL;
	const struct vn_interface *sup;

	if (!s || !s->used || !(sup = vn_interface_get(s->parent)))
		return;
	fp->sup_if_index = s->parent;
	fp->port_id = sup->port_id;
	fp->n_tx_queues = sup->n_tx_queues;
	memcpy(fp->mac, sup->mac, sizeof(fp->mac));
	/* A sub-interface passes traffic only while its parent does (VPP). */
	fp->admin_up = fp->admin_up && sup->admin_up;
	fp->link_up = vn_interface_link_up(s->parent);
	fp->l2_tags_len = tags_encode(&s->tags, fp->l2_tags);
}

void
vn_subif_publish_children(uint32_t parent)
{
	for (uint32_t i = 0; i < VN_IF_MAX; i++)
		if (subs[i].used && subs[i].parent == parent)
			vn_interface_publish(i);
}

/* Builds and publishes parent's VLAN map from the table (NULL when it has
 * no sub-interfaces left); the old map is freed after a grace period. */
static int
map_publish(uint32_t parent)
{
	struct vn_vlan_map *map = NULL, *old;

	if (vn_subif_has_children(parent)) {
		map = rte_malloc("vn_vlan_map", sizeof(*map), RTE_CACHE_LINE_SIZE);
		if (!map)
			return -ENOMEM;
		memset(map->dot1q, 0xff, sizeof(map->dot1q));
		memset(map->dot1ad, 0xff, sizeof(map->dot1ad));
		map->n_double = 0;
		for (uint32_t i = 0; i < VN_IF_MAX; i++) {
			const struct subif *s = &subs[i];
			if (!s->used || s->parent != parent)
				continue;
			if (s->tags.inner_vid)
				map->dbl[map->n_double++] = (struct vn_vlan_double){
					.outer_tpid = rte_cpu_to_be_16(s->tags.outer_tpid),
					.outer_vid = s->tags.outer_vid,
					.inner_vid = s->tags.inner_vid,
					.if_index = (uint16_t)i,
				};
			else if (s->tags.outer_tpid == VN_VLAN_TPID_DOT1AD)
				map->dot1ad[s->tags.outer_vid] = (uint16_t)i;
			else
				map->dot1q[s->tags.outer_vid] = (uint16_t)i;
		}
	}
	old = __atomic_exchange_n(&vn_vlan_maps[parent], map, __ATOMIC_ACQ_REL);
	vn_rcu_free(old, rte_free);
	return 0;
}

int
vn_subif_create(uint32_t parent, uint32_t id, const struct vn_subif_tags *tags,
		uint32_t *if_index)
{
	const struct vn_interface *sup = vn_interface_get(parent);
	struct vn_interface *ifp;
	char name[VN_IFNAME_MAX];
	uint32_t idx;
	int rc;

	if (!sup)
		return -ENODEV;
	/* VPP stacks tags in one sub-interface, not sub-interfaces on sub-interfaces. */
	if (vn_subif_get(parent, NULL, NULL, NULL) || !tags_valid(tags))
		return -EINVAL;
	for (uint32_t i = 0; i < VN_IF_MAX; i++)
		if (subs[i].used && subs[i].parent == parent && tags_equal(&subs[i].tags, tags))
			return -EEXIST;
	if ((size_t)snprintf(name, sizeof(name), "%s.%u", sup->name, id) >= sizeof(name))
		return -ENAMETOOLONG;
	rc = vn_interface_create_virtual(name, sup->mac, sup->mtu, &idx);
	if (rc < 0)
		return rc;
	ifp = vn_interface_get(idx);
	snprintf(ifp->driver, sizeof(ifp->driver), "vlan");
	/* Created down, as in VPP: nothing is received before it is published
	 * with its parent and tags and entered in the map. */
	ifp->admin_up = false;
	subs[idx] = (struct subif){.used = true, .parent = parent, .id = id, .tags = *tags};
	vn_interface_publish(idx);
	rc = map_publish(parent);
	if (rc < 0) {
		subs[idx] = (struct subif){0};
		vn_interface_remove(idx);
		return rc;
	}
	if (if_index)
		*if_index = idx;
	return 0;
}

struct busy_walk {
	uint32_t if_index;
	char *why;
	size_t len;
	bool busy;
};

static int
route_names_if(const struct vn_route_info *r, void *ctx)
{
	struct busy_walk *w = ctx;
	char pfx[24];

	for (uint32_t p = 0; p < r->n_paths; p++)
		if (r->paths[p].if_index == w->if_index && r->source == VN_ROUTE_STATIC) {
			snprintf(w->why, w->len, "route %s goes through it",
				 vn_fmt_prefix(&r->prefix, pfx));
			w->busy = true;
			return 1;
		}
	return 0;
}

static void
static_neighbor_on_if(const struct vn_neighbor_info *n, void *ctx)
{
	struct busy_walk *w = ctx;
	char ip[16];

	if (!w->busy && n->if_index == w->if_index && n->is_static) {
		snprintf(w->why, w->len, "static neighbor %s is on it", vn_fmt_ip4(n->addr, ip));
		w->busy = true;
	}
}

static int
route6_names_if(const struct vn_route6_info *r, void *ctx)
{
	struct busy_walk *w = ctx;
	char pfx[VN_PREFIX6_STRLEN];

	for (uint32_t p = 0; p < r->n_paths; p++)
		if (r->paths[p].if_index == w->if_index && r->source == VN_ROUTE_STATIC) {
			snprintf(w->why, w->len, "route %s goes through it",
				 vn_fmt_prefix6(&r->prefix, pfx));
			w->busy = true;
			return 1;
		}
	return 0;
}

static void
static_neighbor6_on_if(const struct vn_neighbor6_info *n, void *ctx)
{
	struct busy_walk *w = ctx;
	char ip[VN_IP6_STRLEN];

	if (!w->busy && n->if_index == w->if_index && n->is_static) {
		snprintf(w->why, w->len, "static neighbor %s is on it", vn_fmt_ip6(&n->addr, ip));
		w->busy = true;
	}
}

/* Something the user configured still names the interface: why says what. */
static bool
subif_busy(const struct vn_interface *ifp, char *why, size_t len)
{
	struct busy_walk w = {.if_index = ifp->if_index, .why = why, .len = len};
	char pfx[24];

	if (ifp->n_addrs) {
		snprintf(why, len, "address %s is on it", vn_fmt_prefix(&ifp->addrs[0], pfx));
		return true;
	}
	if (ifp->n_addrs6) {
		char pfx6[VN_PREFIX6_STRLEN];
		snprintf(why, len, "address %s is on it", vn_fmt_prefix6(&ifp->addrs6[0], pfx6));
		return true;
	}
	for (uint32_t a = 0; a < VN_ARRAY_LEN(ifp->features); a++)
		if (ifp->features[a]) {
			snprintf(why, len, "features are enabled on it (show interface features)");
			return true;
		}
	vn_fib_walk(route_names_if, &w);
	if (!w.busy)
		vn_fib6_walk(route6_names_if, &w);
	if (!w.busy)
		vn_neighbor_walk(static_neighbor_on_if, &w);
	if (!w.busy)
		vn_neighbor6_walk(static_neighbor6_on_if, &w);
	return w.busy;
}

int
vn_subif_delete(uint32_t if_index, char *why, size_t why_len)
{
	struct vn_interface *ifp = vn_interface_get(if_index);
	char scratch[128];
	uint32_t parent;

	if (!why) {
		why = scratch;
		why_len = sizeof(scratch);
	}
	*why = '\0';
	if (!ifp || !vn_subif_get(if_index, &parent, NULL, NULL))
		return -ENODEV;
	if (subif_busy(ifp, why, why_len))
		return -EBUSY;
	vn_neighbor_flush_interface(if_index);
	vn_interface_set_admin(if_index, false);
	/* Out of the map first (a grace period passes in map_publish), then out
	 * of the table: no packet is steered to the index once it is gone. */
	subs[if_index].used = false;
	if (map_publish(parent) < 0) {
		subs[if_index].used = true;
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	subs[if_index] = (struct subif){0};
	return vn_interface_remove(if_index);
}

void
vn_subif_forget_all(void)
{
	for (uint32_t i = 0; i < VN_IF_MAX; i++) {
		rte_free(vn_vlan_maps[i]);
		vn_vlan_maps[i] = NULL;
	}
	memset(subs, 0, sizeof(subs));
}
