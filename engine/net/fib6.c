/*
 * IPv6 route table and resolution. An rte_hash from prefix to our struct
 * vn_route6 is the control plane's route table, our LPM table (lpm6.c,
 * include/vecnet/net/lpm6.h) what workers look up. Adjacencies and ECMP
 * groups are the IPv4 FIB's (adj.c), shared by both families.
 *
 * Why a hash and not an rte_rib6 (the first version): each rte_rib6 exact
 * lookup and insert walks a binary trie of ~20 cache-missing nodes for a
 * table of 1M /48s, four walks per route added: 28 us a route, where the
 * hash costs one probe. Longest match (show ip6 fib ADDR, and the cover of a
 * deleted prefix) probes the prefix lengths in use, longest first; walks
 * sort (show ip6 fib lists in address order).
 *
 * Why our own LPM table and not rte_lpm6 or rte_fib6: docs/ip6.md.
 *
 * Paths resolve on the link: a via must lie in one of our connected prefixes,
 * or the path names its interface (link-local vias must). Recursive vias
 * through other routes are not resolved yet.
 */
#define VN_LOG_MOD "fib6"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor6.h>
#include <vecnet/rcu.h>

#include "net/fib_priv.h"

struct route6_slot {
	struct vn_route6_path path;
	uint32_t adj; /* the path's adjacency; one reference */
};

/* Sized for its paths (a million routes of one path: ~50 MB, not 400). */
struct vn_route6 {
	struct vn_prefix6 prefix; /* also the hash key: masked, 17 bytes, no padding */
	uint8_t source;		  /* enum vn_route_source */
	bool is_drop;
	uint8_t n_paths;
	uint32_t nh; /* programmed next hop; holds one reference */
	struct route6_slot slot[];
};

struct vn_lpm6 *vn_fib6;
static struct rte_hash *routes6; /* struct vn_prefix6 -> struct vn_route6 * */
static uint32_t n_routes;
static uint32_t len_count[129]; /* routes of each prefix length: longest match probes these */
static bool link_down6[VN_IF_MAX]; /* a route was resolved while this link was down */

/* The route of p's network (p masked first, as rte_rib6 did). */
static struct vn_route6 *
route_find(const struct vn_prefix6 *p)
{
	struct vn_prefix6 key = *p;
	void *r;

	if (key.len > 128)
		return NULL;
	vn_ip6_mask(&key.addr, key.len);
	return rte_hash_lookup_data(routes6, &key, &r) >= 0 ? r : NULL;
}

void
vn_fib6_prefetch(const struct vn_prefix6 *p, uint32_t n)
{
	struct vn_prefix6 keys[VN_FIB6_PREFETCH_MAX];
	const void *kp[VN_FIB6_PREFETCH_MAX];
	int32_t pos[VN_FIB6_PREFETCH_MAX];

	n = VN_MIN(n, VN_FIB6_PREFETCH_MAX);
	if (!routes6 || n == 0)
		return;
	for (uint32_t i = 0; i < n; i++) {
		keys[i] = p[i];
		if (keys[i].len <= 128)
			vn_ip6_mask(&keys[i].addr, keys[i].len);
		kp[i] = &keys[i];
	}
	/* Only for the buckets it brings in (all requested at once): the
	 * answers are found again, from the cache, by the adds that follow. */
	rte_hash_lookup_bulk(routes6, kp, n, pos);
}

static struct vn_route6 *
route_alloc(uint32_t n_slots)
{
	return malloc(sizeof(struct vn_route6) + n_slots * sizeof(struct route6_slot));
}

/* Every route, for walks: a malloc'ed array (NULL, 0 when empty or out of memory). */
static struct vn_route6 **
routes_all(uint32_t *n)
{
	struct vn_route6 **all = n_routes ? malloc(n_routes * sizeof(*all)) : NULL;
	const void *key;
	void *data;
	uint32_t iter = 0;

	*n = 0;
	while (all && *n < n_routes && rte_hash_iterate(routes6, &key, &data, &iter) >= 0)
		all[(*n)++] = data;
	return all;
}

/* rte_hash_crc over a 17-byte prefix, which sits unaligned in arrays and on
 * stacks (rte_hash_crc itself reads it as uint64_t, undefined there). */
static uint32_t
prefix6_hash(const void *key, uint32_t len, uint32_t init)
{
	const uint8_t *k = key;
	uint64_t a, b;

	RTE_SET_USED(len);
	memcpy(&a, k, 8);
	memcpy(&b, k + 8, 8);
	return rte_hash_crc_1byte(k[16], rte_hash_crc_8byte(b, rte_hash_crc_8byte(a, init)));
}

static int
route_cmp(const void *a, const void *b)
{
	const struct vn_route6 *x = *(struct vn_route6 *const *)a, *y = *(struct vn_route6 *const *)b;
	int c = memcmp(x->prefix.addr.b, y->prefix.addr.b, 16);

	return c ? c : (int)x->prefix.len - (int)y->prefix.len;
}

/* Programs r (new or replacing the route of its prefix) in both tables. */
static int
route_program(struct vn_route6 *r, uint32_t nh)
{
	struct vn_route6 *old = route_find(&r->prefix);
	int rc;

	/* The hash first: it replaces the data of an existing key in place,
	 * and a new key it refuses leaves the LPM table untouched. */
	if (rte_hash_add_key_data(routes6, &r->prefix, r) < 0)
		return -ENOSPC;
	rc = vn_lpm6_set(&r->prefix.addr, r->prefix.len, nh);
	if (rc < 0) {
		if (old)
			rte_hash_add_key_data(routes6, &r->prefix, old); /* in place: cannot fail */
		else
			rte_hash_del_key(routes6, &r->prefix);
		return rc;
	}
	if (!old)
		len_count[r->prefix.len]++;
	vn_fib_epoch_advance();
	return 0;
}

/* The longest route shorter than p that holds it, if any. */
static struct vn_route6 *
route_cover(const struct vn_prefix6 *p)
{
	for (int len = p->len - 1; len >= 0; len--) {
		struct vn_prefix6 c = {.addr = p->addr, .len = (uint8_t)len};
		struct vn_route6 *r;

		if (len_count[len] == 0)
			continue;
		vn_ip6_mask(&c.addr, c.len);
		r = route_find(&c);
		if (r)
			return r;
	}
	return NULL;
}

static void
route_unprogram(struct vn_route6 *r)
{
	struct vn_route6 *cover;

	rte_hash_del_key(routes6, &r->prefix);
	len_count[r->prefix.len]--;
	cover = route_cover(&r->prefix);
	vn_lpm6_clear(&r->prefix.addr, r->prefix.len, cover ? cover->prefix.len : -1,
		      cover ? cover->nh : VN_ADJ_INDEX_UNREACH);
	vn_fib_epoch_advance();
}

static int
path_resolve(const struct vn_route6_path *rp, uint32_t *adj)
{
	int ifi = rp->if_index;

	if (vn_ip6_is_unspecified(&rp->via) || vn_ip6_is_multicast(&rp->via))
		return -EINVAL;
	if (rp->if_index == VN_IF_ANY) {
		if (vn_ip6_is_link_local(&rp->via))
			return -EINVAL; /* a link-local via names its interface */
		ifi = vn_interface_for_addr6(&rp->via);
		if (ifi < 0)
			return -ENETUNREACH;
	} else if (!vn_interface_get(rp->if_index)) {
		return -ENODEV;
	}
	return vn_adj_nh6_lock((uint32_t)ifi, &rp->via, adj);
}

/* A path whose link is down is left out of its route, as for IPv4: ECMP
 * spreads over the links that work, a route with none left is unreachable. */
static bool
adj6_link_up(uint32_t index)
{
	const struct vn_adj *a = vn_adj_get(index);
	const struct vn_if_fp *fp = a->tx_if < VN_IF_MAX ? vn_if_fp(a->tx_if) : NULL;

	if (!fp || fp->link_up)
		return true;
	link_down6[a->tx_if] = true;
	return false;
}

/* The next hop for r's paths (one reference taken): a path's adjacency, or an
 * ECMP group of those whose link is up. */
static int
route_nh(const struct vn_route6 *r, uint32_t *nh)
{
	uint32_t up[VN_ECMP_MAX_PATHS], n = 0, g;
	int rc;

	if (r->is_drop) {
		*nh = VN_ADJ_INDEX_DROP;
		return 0;
	}
	for (uint32_t i = 0; i < r->n_paths; i++)
		if (adj6_link_up(r->slot[i].adj))
			up[n++] = r->slot[i].adj;
	if (n == 0) {
		*nh = VN_ADJ_INDEX_UNREACH; /* kept, shown unresolved */
		return 0;
	}
	if (n == 1) {
		*nh = up[0];
		vn_fib_nh_lock(*nh);
		return 0;
	}
	rc = vn_ecmp_lock(up, n, &g);
	if (rc < 0)
		return rc;
	*nh = VN_FIB_NH_ECMP | g;
	return 0;
}

/* Reprograms r after its paths changed; releases the old next hop. */
static int
route_update(struct vn_route6 *r)
{
	uint32_t nh, old = r->nh;
	int rc = route_nh(r, &nh);

	if (rc < 0)
		return rc;
	rc = route_program(r, nh);
	if (rc < 0) {
		vn_fib_nh_unlock(nh);
		return rc;
	}
	r->nh = nh;
	vn_fib_nh_unlock(old);
	return 0;
}

static void
route_free(struct vn_route6 *r)
{
	route_unprogram(r);
	vn_fib_nh_unlock(r->nh);
	if (!r->is_drop)
		for (uint32_t i = 0; i < r->n_paths; i++)
			vn_fib_nh_unlock(r->slot[i].adj);
	free(r);
	n_routes--;
}

/* A new route with a next hop already locked (connected, local, host, drop). */
static int
route_new_fixed(const struct vn_prefix6 *p, uint8_t source, uint32_t nh, bool is_drop)
{
	struct vn_route6 *r = calloc(1, sizeof(*r));
	int rc;

	if (!r) {
		vn_fib_nh_unlock(nh);
		return -ENOMEM;
	}
	*r = (struct vn_route6){.prefix = *p, .source = source, .nh = nh, .is_drop = is_drop};
	rc = route_program(r, nh);
	if (rc < 0) {
		vn_fib_nh_unlock(nh);
		free(r);
		return rc;
	}
	n_routes++;
	return 0;
}

static bool
prefix_ok(const struct vn_prefix6 *p)
{
	struct vn_ip6 m = p->addr;

	vn_ip6_mask(&m, p->len);
	return p->len <= 128 && vn_ip6_eq(&m, &p->addr);
}

static bool
path_eq(const struct vn_route6_path *a, const struct vn_route6_path *b)
{
	return vn_ip6_eq(&a->via, &b->via) && a->if_index == b->if_index;
}

int
vn_route6_add(const struct vn_prefix6 *p, const struct vn_route6_path *paths, uint32_t n_paths)
{
	struct vn_route6 *r, *cur;
	uint32_t n_new = 0;
	bool is_new;
	int rc = 0;

	if (!vn_fib6 || !prefix_ok(p) || n_paths == 0 || n_paths > VN_ECMP_MAX_PATHS)
		return -EINVAL;
	cur = route_find(p);
	if (cur && cur->source != VN_ROUTE_STATIC && cur->source != VN_ROUTE_HOST)
		return -EEXIST;
	is_new = cur == NULL || cur->source == VN_ROUTE_HOST || cur->is_drop;
	r = route_alloc(VN_MIN((is_new ? 0 : cur->n_paths) + n_paths, VN_ECMP_MAX_PATHS));
	if (!r)
		return -ENOMEM;
	*r = (struct vn_route6){.prefix = *p, .source = VN_ROUTE_STATIC, .nh = VN_ADJ_INDEX_DROP};
	if (!is_new) {
		r->n_paths = cur->n_paths;
		memcpy(r->slot, cur->slot, cur->n_paths * sizeof(cur->slot[0]));
	}
	for (uint32_t i = 0; i < n_paths; i++) {
		bool dup = false;
		for (uint32_t k = 0; k < r->n_paths; k++)
			dup |= path_eq(&r->slot[k].path, &paths[i]);
		if (dup)
			continue;
		if (r->n_paths == VN_ECMP_MAX_PATHS) {
			rc = -ENOSPC;
			break;
		}
		rc = path_resolve(&paths[i], &r->slot[r->n_paths].adj);
		if (rc < 0)
			break;
		r->slot[r->n_paths++].path = paths[i];
		n_new++;
	}
	if (rc == 0 && n_new == 0) {
		free(r);
		return 0; /* every path already there */
	}
	if (rc == 0) {
		/* The replaced route's next hop (and a host route's adjacency) stay
		 * referenced by cur until it goes; ours is fresh. */
		r->nh = is_new ? VN_ADJ_INDEX_DROP : cur->nh;
		vn_fib_nh_lock(r->nh);
		rc = route_update(r);
		if (rc < 0)
			vn_fib_nh_unlock(r->nh);
	}
	if (rc < 0) {
		for (uint32_t i = r->n_paths - n_new; i < r->n_paths; i++)
			vn_fib_nh_unlock(r->slot[i].adj);
		free(r);
		return rc;
	}
	if (cur) {
		/* Its paths live on in r (unless it was replaced outright). */
		vn_fib_nh_unlock(cur->nh);
		if (is_new)
			for (uint32_t i = 0; i < cur->n_paths && !cur->is_drop; i++)
				vn_fib_nh_unlock(cur->slot[i].adj);
		free(cur);
	} else {
		n_routes++;
	}
	return 0;
}

int
vn_route6_add_drop(const struct vn_prefix6 *p)
{
	struct vn_route6 *cur;

	if (!vn_fib6 || !prefix_ok(p))
		return -EINVAL;
	cur = route_find(p);
	if (cur && cur->source != VN_ROUTE_STATIC)
		return -EEXIST;
	if (cur)
		route_free(cur);
	return route_new_fixed(p, VN_ROUTE_STATIC, VN_ADJ_INDEX_DROP, true);
}

int
vn_route6_del(const struct vn_prefix6 *p, const struct vn_route6_path *path)
{
	struct vn_route6 *r = vn_fib6 ? route_find(p) : NULL;
	uint32_t k;

	if (!r)
		return -ENOENT;
	if (r->source == VN_ROUTE_CONNECTED || r->source == VN_ROUTE_LOCAL)
		return -EPERM;
	if (!path || r->n_paths <= 1) {
		if (path && (r->n_paths == 0 || !path_eq(&r->slot[0].path, path)))
			return -ENOENT;
		route_free(r);
		return 0;
	}
	for (k = 0; k < r->n_paths && !path_eq(&r->slot[k].path, path); k++)
		;
	if (k == r->n_paths)
		return -ENOENT;
	struct route6_slot gone = r->slot[k];
	r->slot[k] = r->slot[r->n_paths - 1];
	r->n_paths--;
	int rc = route_update(r);
	if (rc < 0) {
		/* Keep the path: the table still points at it. */
		r->slot[r->n_paths] = r->slot[k];
		r->slot[k] = gone;
		r->n_paths++;
		return rc;
	}
	vn_fib_nh_unlock(gone.adj);
	return 0;
}

/* --- connected, local and host routes ------------------------------------- */
struct host_scan {
	uint32_t if_index;
	struct vn_prefix6 net;
};

static void
host_route_of(const struct vn_neighbor6_info *n, void *arg)
{
	const struct host_scan *h = arg;

	if (n->if_index == h->if_index && vn_prefix6_contains(&h->net, &n->addr))
		vn_fib6_neighbor_update(n->if_index, &n->addr, n->mac);
}

int
vn_fib6_connected_add(uint32_t if_index, const struct vn_prefix6 *p)
{
	struct vn_prefix6 net = *p, host = {.addr = p->addr, .len = 128};
	struct vn_route6 *cur;
	uint32_t glean;
	int rc;

	if (!vn_fib6)
		return -ENODEV;
	vn_ip6_mask(&net.addr, net.len);
	cur = route_find(&host);
	if (cur && cur->source != VN_ROUTE_HOST)
		return -EEXIST;
	if (cur)
		route_free(cur);
	rc = route_new_fixed(&host, VN_ROUTE_LOCAL, VN_ADJ_INDEX_LOCAL, false);
	if (rc < 0 || net.len == 128)
		return rc;
	if (route_find(&net))
		return 0; /* another interface or a static route has it: keep the first */
	rc = vn_adj_glean6_lock(if_index, &glean);
	if (rc == 0)
		rc = route_new_fixed(&net, VN_ROUTE_CONNECTED, glean, false);
	if (rc < 0) {
		route_free(route_find(&host));
		return rc;
	}
	/* Neighbours known before the prefix (static ones from the file) get
	 * their host routes now: learning would never touch a static entry. */
	vn_neighbor6_walk(host_route_of, &(struct host_scan){.if_index = if_index, .net = net});
	return 0;
}

/* Host routes go with the connected prefix that made them. */
static void
host_routes_flush(uint32_t if_index, const struct vn_prefix6 *net)
{
	uint32_t n;
	struct vn_route6 **all = routes_all(&n);

	/* Each entry is a distinct route: freeing one leaves the others valid. */
	for (uint32_t i = 0; i < n; i++)
		if (all[i]->source == VN_ROUTE_HOST && vn_prefix6_contains(net, &all[i]->prefix.addr) &&
		    vn_adj_get(all[i]->nh)->tx_if == if_index)
			route_free(all[i]);
	free(all);
}

int
vn_fib6_connected_del(uint32_t if_index, const struct vn_prefix6 *p)
{
	struct vn_prefix6 net = *p, host = {.addr = p->addr, .len = 128};
	struct vn_route6 *r;

	if (!vn_fib6)
		return -ENODEV;
	vn_ip6_mask(&net.addr, net.len);
	r = route_find(&host);
	if (r && r->source == VN_ROUTE_LOCAL)
		route_free(r);
	r = net.len < 128 ? route_find(&net) : NULL;
	if (r && r->source == VN_ROUTE_CONNECTED &&
	    vn_adj_get(r->nh)->tx_if == (uint16_t)if_index) {
		host_routes_flush(if_index, &net);
		route_free(r);
	}
	return 0;
}

void
vn_fib6_neighbor_update(uint32_t if_index, const struct vn_ip6 *addr, const uint8_t *mac)
{
	struct vn_prefix6 host = {.addr = *addr, .len = 128};
	struct vn_route6 *cur;
	uint32_t adj;

	vn_adj_nh6_update(if_index, addr, mac);
	if (!vn_fib6 || vn_ip6_is_link_local(addr) || vn_interface_for_addr6(addr) != (int)if_index)
		return;
	cur = route_find(&host);
	if (!mac) {
		if (cur && cur->source == VN_ROUTE_HOST)
			route_free(cur);
		return;
	}
	if (cur)
		return; /* a host route exists (its adjacency was rebuilt), or a static/local one */
	if (vn_adj_nh6_lock(if_index, addr, &adj) == 0 &&
	    route_new_fixed(&host, VN_ROUTE_HOST, adj, false) < 0)
		VN_ERR("host route for a neighbour: not added");
}

/* An interface goes away: the paths through it leave their routes (a route
 * with other paths keeps them), its host routes go. Connected and local
 * routes go with its addresses. */
struct gone6 {
	struct vn_prefix6 prefix;
	struct vn_route6_path path;
	bool whole;
};

static void
fib6_interface_deleted(uint32_t if_index)
{
	struct gone6 *gone = NULL;
	uint32_t n_gone = 0, cap = 0, n;
	struct vn_route6 **all = routes_all(&n);

	for (uint32_t k = 0; k < n; k++) {
		const struct vn_route6 *r = all[k];
		bool host = r->source == VN_ROUTE_HOST && vn_adj_get(r->nh)->tx_if == if_index;

		for (uint32_t i = 0; i < (host ? 1u : r->n_paths); i++) {
			if (!host && (r->source != VN_ROUTE_STATIC ||
				      vn_adj_get(r->slot[i].adj)->tx_if != if_index))
				continue;
			if (n_gone == cap) {
				cap = cap ? cap * 2 : 64;
				struct gone6 *g = realloc(gone, cap * sizeof(*g));
				if (!g) {
					VN_ERR("out of memory: routes through if %u may stay", if_index);
					goto apply;
				}
				gone = g;
			}
			gone[n_gone] = (struct gone6){.prefix = r->prefix, .whole = host};
			if (!host)
				gone[n_gone].path = r->slot[i].path;
			n_gone++;
		}
	}
apply:
	for (uint32_t i = 0; i < n_gone; i++)
		vn_route6_del(&gone[i].prefix, gone[i].whole ? NULL : &gone[i].path);
	free(gone);
	free(all);
}

VN_INTERFACE_HOOKS(fib6_hooks) = {.deleted = fib6_interface_deleted};

/* Link down, or back after a route was resolved while it was down: static
 * routes with a path through it are resolved again. */
void
vn_fib6_interface_changed(uint32_t if_index)
{
	const struct vn_if_fp *fp;
	struct vn_route6 **todo;
	uint32_t n_todo = 0, n;
	bool down;

	if (!vn_fib6 || if_index >= VN_IF_MAX)
		return;
	fp = vn_if_fp((uint16_t)if_index);
	down = fp && !fp->link_up;
	if (!down && !link_down6[if_index])
		return;
	link_down6[if_index] = down;
	todo = routes_all(&n);
	for (uint32_t k = 0; k < n; k++) {
		struct vn_route6 *r = todo[k];
		bool uses = false;

		for (uint32_t i = 0; r->source == VN_ROUTE_STATIC && !r->is_drop && i < r->n_paths;
		     i++)
			uses |= vn_adj_get(r->slot[i].adj)->tx_if == if_index;
		if (uses)
			todo[n_todo++] = r;
	}
	/* route_update keeps r (only its next hop changes): the list stays valid. */
	for (uint32_t i = 0; i < n_todo; i++)
		if (route_update(todo[i]) < 0)
			VN_ERR("a route through if %u not re-resolved", if_index);
	free(todo);
}

/* --- queries --------------------------------------------------------------- */
static void
route_info(const struct vn_route6 *r, struct vn_route6_info *out)
{
	*out = (struct vn_route6_info){
		.prefix = r->prefix,
		.source = r->source,
		.is_drop = r->is_drop,
		.n_paths = r->n_paths,
		.fib_nh = r->nh,
	};
	for (uint32_t i = 0; i < r->n_paths; i++) {
		out->paths[i] = r->slot[i].path;
		out->adj[i] = r->slot[i].adj;
	}
	if (r->n_paths == 0) {
		/* Connected, local, host: the next hop is the path. */
		out->n_paths = 1;
		out->adj[0] = r->nh;
		out->paths[0].if_index = vn_adj_get(r->nh)->tx_if;
		if (r->source == VN_ROUTE_LOCAL || r->is_drop)
			out->paths[0].if_index = VN_IF_ANY;
		if (r->source == VN_ROUTE_HOST)
			out->paths[0].via = r->prefix.addr;
	}
}

int
vn_fib6_get(const struct vn_prefix6 *p, struct vn_route6_info *out)
{
	struct vn_route6 *r = vn_fib6 ? route_find(p) : NULL;

	if (!r)
		return -ENOENT;
	route_info(r, out);
	return 0;
}

int
vn_fib6_lookup(const struct vn_ip6 *addr, struct vn_route6_info *out)
{
	/* The lengths in use, longest first: a handful in a real table. */
	for (int len = 128; vn_fib6 && len >= 0; len--) {
		struct vn_prefix6 p = {.addr = *addr, .len = (uint8_t)len};
		struct vn_route6 *r;

		if (len_count[len] == 0)
			continue;
		vn_ip6_mask(&p.addr, p.len);
		r = route_find(&p);
		if (r) {
			route_info(r, out);
			return 0;
		}
	}
	return -ENOENT;
}

int
vn_fib6_walk(int (*cb)(const struct vn_route6_info *r, void *ctx), void *ctx)
{
	struct vn_route6_info info;
	uint32_t n;
	struct vn_route6 **all = vn_fib6 ? routes_all(&n) : NULL;
	int rc = 0;

	if (!all)
		return 0;
	/* Address order, a prefix before those inside it. The callback may not
	 * change the table (as with the trie walk before). */
	qsort(all, n, sizeof(all[0]), route_cmp);
	for (uint32_t i = 0; i < n && rc == 0; i++) {
		route_info(all[i], &info);
		rc = cb(&info, ctx);
	}
	free(all);
	return rc;
}

uint32_t
vn_fib6_route_count(void)
{
	return n_routes;
}

int
vn_fib6_init(uint32_t max)
{
	/* The hash and the LPM groups are allocated up front for max routes
	 * (engine.ip6-routes). Groups (1 KB each) are shared along common
	 * prefixes: /48s under a few hundred /32s take about one group per eight
	 * routes (bench's ip6-1Mroutes: 132k for 1M), so one per four leaves
	 * room; a table spread wider fills them first and the add is refused
	 * (-ENOSPC). */
	uint32_t cap = VN_MAX(max, 1024u), n_groups = VN_MAX(cap / 4, 1024u);
	/* Extendable buckets: every one of max keys fits, whatever they hash to. */
	struct rte_hash_parameters hp = {
		.name = "vn_fib6_routes",
		.entries = cap,
		.key_len = sizeof(struct vn_prefix6),
		.hash_func = prefix6_hash,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	RTE_BUILD_BUG_ON(sizeof(struct vn_prefix6) != 17);
	vn_fib6 = vn_lpm6_create(n_groups);
	routes6 = vn_fib6 ? rte_hash_create(&hp) : NULL;
	if (!vn_fib6 || !routes6) {
		VN_ERR("IPv6 FIB for %u routes: out of memory", cap);
		vn_lpm6_free();
		vn_fib6 = NULL;
		return -ENOMEM;
	}
	n_routes = 0;
	memset(len_count, 0, sizeof(len_count));
	VN_INFO("IPv6 FIB ready: %u routes max, %u LPM groups", cap, n_groups);
	return 0;
}

void
vn_fib6_fini(void)
{
	uint32_t n;
	struct vn_route6 **all;

	if (!vn_fib6)
		return;
	/* Workers are stopped: free our route objects, then the tables. */
	all = routes_all(&n);
	for (uint32_t i = 0; i < n; i++)
		free(all[i]);
	free(all);
	rte_hash_free(routes6);
	vn_lpm6_free();
	vn_fib6 = NULL;
	routes6 = NULL;
	n_routes = 0;
	memset(len_count, 0, sizeof(len_count));
	memset(link_down6, 0, sizeof(link_down6));
}
