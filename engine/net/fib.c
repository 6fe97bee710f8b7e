/*
 * IPv4 route table and resolution. The control plane keeps one route per
 * prefix in a hash (masked address, length) and programs the LPM through
 * fib_lpm.c; adjacencies and ECMP groups live in adj.c.
 *
 * Recursive paths (via an address, no interface) resolve through the route
 * covering the via. They are tracked per distinct via address: when a route
 * covering a tracked via changes, only the routes depending on that via are
 * re-resolved, and their own changes propagate in turn. Loading a million
 * routes through one gateway therefore costs O(1) per route, not O(routes).
 */
#define VN_LOG_MOD "fib"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lpm.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/interface.h>
#include <vecnet/rcu.h>

#include "net/fib_priv.h"
#include "net/hmap.h"

#define VN_ROUTE_NH_NONE UINT32_MAX /* not programmed yet */
#define VN_ROUTE_NONE UINT32_MAX
#define VN_ROUTE_F_USED 0x1
#define VN_ROUTE_F_DROP 0x2
#define VN_FIB_PROPAGATE_MAX (1u << 22) /* bound on re-resolutions per change: loops */

struct vn_fib_path {
	uint32_t via;
	uint32_t if_index;
	uint32_t adj;	     /* first adjacency this path resolved to (for show) */
	uint32_t prev, next; /* links of a recursive path in its via's track list */
};

struct vn_route {
	uint32_t addr;
	uint8_t len;
	uint8_t source; /* enum vn_route_source */
	uint8_t n_paths;
	uint8_t flags;
	uint32_t nh;		   /* programmed LPM next hop; holds one reference */
	struct vn_fib_path *paths; /* &one, or malloc'ed when n_paths > 1 */
	struct vn_fib_path one;
};

/* Routes depending on one via address (recursive paths). */
struct vn_fib_track {
	uint32_t via;
	uint32_t head; /* path link */
	uint32_t n_paths;
};

struct rte_lpm *vn_fib_lpm;
uint32_t vn_fib_epoch;

static struct vn_route *routes;
/*
 * max_routes (engine.ip4-routes) bounds the routes an operator makes:
 * static, connected, local. Host routes, one per neighbour learned on a
 * connected subnet, have a room of the same size of their own: a table
 * full of static routes must not keep the next neighbour from being
 * reached. The array holds both.
 */
static uint32_t max_routes, routes_hw, n_routes, n_host;
static uint32_t *route_free, n_route_free;
static struct vn_hmap route_map; /* route_key() -> route index */

static struct vn_fib_track *tracks; /* dense */
static uint32_t n_tracks, cap_tracks;
static struct vn_hmap track_map; /* via -> index in tracks */

static uint64_t *work; /* changed prefixes waiting to propagate */
static uint32_t n_work, cap_work;
static bool propagating;

static bool link_down[VN_IF_MAX]; /* a route was resolved while this link was down */

static inline uint64_t
route_key(uint32_t addr, uint8_t len)
{
	return (uint64_t)addr << 8 | len;
}

/* A path link: route index and path slot, + 1 so that 0 means none. */
static inline uint32_t
path_link(uint32_t ri, uint32_t pi)
{
	return (ri << 4 | pi) + 1;
}

static inline struct vn_fib_path *
link_path(uint32_t link)
{
	return &routes[(link - 1) >> 4].paths[(link - 1) & 15];
}

static uint32_t
route_find(uint32_t addr, uint8_t len)
{
	uint32_t ri;

	return vn_hmap_get(&route_map, route_key(addr & vn_prefix_mask(len), len), &ri)
		   ? ri
		   : VN_ROUTE_NONE;
}

/* Longest route strictly shorter than len covering addr. */
static uint32_t
route_find_shorter(uint32_t addr, int len)
{
	for (int l = len - 1; l >= 0; l--) {
		uint32_t ri = route_find(addr, (uint8_t)l);
		if (ri != VN_ROUTE_NONE)
			return ri;
	}
	return VN_ROUTE_NONE;
}

/* Longest route covering addr other than `exclude`. The LPM gives the
 * matched length in one read; the hash then confirms the route. */
static uint32_t
route_cover(uint32_t addr, uint32_t exclude)
{
	uint32_t nh, ri;
	uint8_t len;

	if (!vn_lpm_match(addr, &nh, &len))
		return VN_ROUTE_NONE;
	ri = route_find(addr, len);
	if (ri != VN_ROUTE_NONE && ri != exclude)
		return ri;
	return route_find_shorter(addr, len);
}

/* --- tracks ---------------------------------------------------------------- */

static struct vn_fib_track *
track_get(uint32_t via, bool create)
{
	uint32_t t;

	if (vn_hmap_get(&track_map, via, &t))
		return &tracks[t];
	if (!create)
		return NULL;
	if (n_tracks == cap_tracks) {
		uint32_t cap = cap_tracks ? cap_tracks * 2 : 64;
		struct vn_fib_track *nt = realloc(tracks, cap * sizeof(*nt));
		if (!nt)
			return NULL;
		tracks = nt;
		cap_tracks = cap;
	}
	if (vn_hmap_put(&track_map, via, n_tracks) < 0)
		return NULL;
	tracks[n_tracks] = (struct vn_fib_track){.via = via};
	return &tracks[n_tracks++];
}

static void
track_put(struct vn_fib_track *t)
{
	uint32_t i = (uint32_t)(t - tracks);

	if (t->n_paths > 0)
		return;
	vn_hmap_del(&track_map, t->via);
	if (i != --n_tracks) {
		tracks[i] = tracks[n_tracks];
		vn_hmap_put(&track_map, tracks[i].via, i); /* replaces: no allocation */
	}
}

static int
route_tracks_attach(uint32_t ri)
{
	struct vn_route *r = &routes[ri];

	for (uint32_t pi = 0; pi < r->n_paths; pi++) {
		struct vn_fib_path *p = &r->paths[pi];
		struct vn_fib_track *t;

		p->prev = p->next = 0;
		if (p->if_index != VN_IF_ANY)
			continue;
		t = track_get(p->via, true);
		if (!t)
			return -ENOMEM;
		p->next = t->head;
		if (t->head)
			link_path(t->head)->prev = path_link(ri, pi);
		t->head = path_link(ri, pi);
		t->n_paths++;
	}
	return 0;
}

static void
route_tracks_detach(uint32_t ri)
{
	struct vn_route *r = &routes[ri];

	for (uint32_t pi = 0; pi < r->n_paths; pi++) {
		struct vn_fib_path *p = &r->paths[pi];
		struct vn_fib_track *t;

		if (p->if_index != VN_IF_ANY)
			continue;
		t = track_get(p->via, false);
		if (!t)
			continue; /* attach failed for this path */
		if (p->prev)
			link_path(p->prev)->next = p->next;
		else if (t->head == path_link(ri, pi))
			t->head = p->next;
		else
			continue; /* not linked */
		if (p->next)
			link_path(p->next)->prev = p->prev;
		p->prev = p->next = 0;
		t->n_paths--;
		track_put(t);
	}
}

/* --- resolution ------------------------------------------------------------- */

/* Adjacencies (locked) that a via without interface resolves to, through the
 * route covering it. A glean cover means the via is on a connected subnet. */
static uint32_t
path_resolve_recursive(uint32_t ri, uint32_t via, uint32_t *out)
{
	uint32_t c = route_cover(via, ri), nh, a, n = 0;
	int gif;

	if (c == VN_ROUTE_NONE || routes[c].nh == VN_ROUTE_NH_NONE)
		return 0;
	nh = routes[c].nh;
	if (nh & VN_FIB_NH_ECMP) {
		const struct vn_ecmp *e = vn_ecmp_table[nh & ~VN_FIB_NH_ECMP];
		for (uint32_t i = 0; i < e->n_paths; i++) {
			vn_fib_nh_lock(e->adj[i]);
			out[n++] = e->adj[i];
		}
		return n;
	}
	gif = vn_adj_glean_if(nh);
	if (gif >= 0)
		return vn_adj_nh_lock((uint32_t)gif, via, &a) == 0 ? (out[0] = a, 1) : 0;
	if (nh == VN_ADJ_INDEX_UNREACH || nh == VN_ADJ_INDEX_LOCAL)
		return 0;
	vn_fib_nh_lock(nh);
	out[0] = nh;
	return 1;
}

/* A path through an interface whose link is down is left out of its route,
 * as VPP leaves an unresolved path out of its load-balance: ECMP spreads over
 * the links that work, and a route with none left is unreachable. */
static bool
adj_link_up(uint32_t index)
{
	const struct vn_adj *a = vn_adj_get(index);
	const struct vn_if_fp *fp;

	if (a->type != VN_ADJ_GLEAN && a->type != VN_ADJ_INCOMPLETE && a->type != VN_ADJ_REWRITE)
		return true;
	fp = a->tx_if < VN_IF_MAX ? vn_if_fp(a->tx_if) : NULL;
	if (!fp || fp->link_up)
		return true;
	link_down[a->tx_if] = true;
	return false;
}

/* The LPM next hop the route should have now, with one reference taken. */
static uint32_t
route_resolve(uint32_t ri)
{
	struct vn_route *r = &routes[ri];
	uint32_t adjs[VN_ECMP_MAX_PATHS], n = 0, nh, g;
	int rc;

	if (r->flags & VN_ROUTE_F_DROP)
		return VN_ADJ_INDEX_DROP;
	if (r->source == VN_ROUTE_LOCAL) {
		r->paths[0].adj = VN_ADJ_INDEX_LOCAL;
		return VN_ADJ_INDEX_LOCAL;
	}
	if (r->source == VN_ROUTE_CONNECTED) {
		if (vn_adj_glean_lock(r->paths[0].if_index, &nh) < 0)
			nh = VN_ADJ_INDEX_UNREACH;
		r->paths[0].adj = nh;
		return nh;
	}
	for (uint32_t pi = 0; pi < r->n_paths; pi++) {
		struct vn_fib_path *p = &r->paths[pi];
		uint32_t got[VN_ECMP_MAX_PATHS], k = 0;

		if (p->if_index != VN_IF_ANY)
			k = vn_adj_nh_lock(p->if_index, p->via, &got[0]) == 0;
		else
			k = path_resolve_recursive(ri, p->via, got);
		p->adj = k ? got[0] : VN_ADJ_INDEX_UNREACH;
		for (uint32_t j = 0; j < k; j++) {
			bool skip = n == VN_ECMP_MAX_PATHS || !adj_link_up(got[j]);
			if (skip && j == 0 && n < VN_ECMP_MAX_PATHS)
				p->adj = VN_ADJ_INDEX_UNREACH; /* its link is down: not kept */
			for (uint32_t i = 0; i < n && !skip; i++)
				skip = adjs[i] == got[j];
			if (skip)
				vn_fib_nh_unlock(got[j]);
			else
				adjs[n++] = got[j];
		}
	}
	if (n == 0)
		return VN_ADJ_INDEX_UNREACH; /* kept, shown unresolved */
	if (n == 1)
		return adjs[0];
	rc = vn_ecmp_lock(adjs, n, &g);
	/* The group holds its own references on its members. */
	for (uint32_t i = rc < 0 ? 1 : 0; i < n; i++)
		vn_fib_nh_unlock(adjs[i]);
	if (rc < 0) {
		VN_ERR("no ECMP group for %u paths (%s): using one", n, strerror(-rc));
		return adjs[0];
	}
	return g | VN_FIB_NH_ECMP;
}

/* Re-resolves and reprograms a route: 1 if its next hop changed, 0 if not,
 * negative if the LPM could not take it (no tbl8 group left). */
static int
route_program(uint32_t ri)
{
	struct vn_route *r = &routes[ri];
	uint32_t nh = route_resolve(ri), old = r->nh;
	int rc;

	if (nh == old) {
		vn_fib_nh_unlock(nh);
		return 0;
	}
	rc = vn_lpm_set(r->addr, r->len, nh);
	if (rc < 0) {
		vn_fib_nh_unlock(nh);
		return rc;
	}
	r->nh = nh;
	vn_fib_epoch_advance();
	/* The LPM no longer points at old: its last unlock may free it after a grace period. */
	if (old != VN_ROUTE_NH_NONE)
		vn_fib_nh_unlock(old);
	return 1;
}

static void
work_push(uint32_t addr, uint8_t len)
{
	if (n_work == cap_work) {
		uint32_t cap = cap_work ? cap_work * 2 : 64;
		uint64_t *nw = realloc(work, cap * sizeof(*nw));
		if (!nw) {
			VN_ERR("out of memory: recursive routes not re-resolved");
			return;
		}
		work = nw;
		cap_work = cap;
	}
	work[n_work++] = route_key(addr, len);
}

/* A route for addr/len appeared, vanished or changed next hop: re-resolve the
 * recursive routes whose via it covers, and what depends on those in turn. */
static void
fib_propagate(uint32_t addr, uint8_t len)
{
	uint32_t budget = VN_FIB_PROPAGATE_MAX;

	work_push(addr, len);
	if (propagating)
		return;
	propagating = true;
	while (n_work > 0) {
		uint64_t k = work[--n_work];
		uint32_t waddr = (uint32_t)(k >> 8), mask = vn_prefix_mask((uint8_t)(k & 0xff));

		for (uint32_t t = 0; t < n_tracks; t++) {
			if ((tracks[t].via & mask) != waddr)
				continue;
			for (uint32_t l = tracks[t].head; l; l = link_path(l)->next) {
				uint32_t ri = (l - 1) >> 4;
				if (route_program(ri) > 0)
					work_push(routes[ri].addr, routes[ri].len);
				if (--budget == 0) {
					VN_ERR("recursive routes do not converge (loop?); stopped");
					n_work = 0;
					goto out;
				}
			}
		}
	}
out:
	propagating = false;
}

/* --- route life cycle ------------------------------------------------------- */

static int
route_set_paths(uint32_t ri, const struct vn_fib_path *src, uint32_t n)
{
	struct vn_route *r = &routes[ri];
	struct vn_fib_path *dst = &r->one;

	if (n > 1) {
		dst = malloc(n * sizeof(*dst));
		if (!dst)
			return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++)
		dst[i] = (struct vn_fib_path){
		    .via = src[i].via, .if_index = src[i].if_index, .adj = VN_ADJ_INDEX_UNREACH};
	if (r->paths != &r->one)
		free(r->paths);
	r->paths = dst;
	r->n_paths = (uint8_t)n;
	return 0;
}

static int
route_create(uint32_t addr, uint8_t len, uint8_t source, uint32_t *out)
{
	uint32_t ri;

	if (source == VN_ROUTE_HOST ? n_host >= max_routes : n_routes - n_host >= max_routes)
		return -ENOSPC;
	ri = n_route_free ? route_free[--n_route_free] : routes_hw++;
	if (vn_hmap_put(&route_map, route_key(addr, len), ri) < 0) {
		route_free[n_route_free++] = ri;
		return -ENOMEM;
	}
	routes[ri] = (struct vn_route){.addr = addr,
				       .len = len,
				       .source = source,
				       .flags = VN_ROUTE_F_USED,
				       .nh = VN_ROUTE_NH_NONE};
	routes[ri].paths = &routes[ri].one;
	n_routes++;
	n_host += source == VN_ROUTE_HOST;
	*out = ri;
	return 0;
}

static void
route_destroy(uint32_t ri)
{
	struct vn_route *r = &routes[ri];
	uint32_t addr = r->addr;
	uint8_t len = r->len;

	n_host -= r->source == VN_ROUTE_HOST;
	route_tracks_detach(ri);
	if (r->nh != VN_ROUTE_NH_NONE) {
		uint32_t c = route_find_shorter(addr, len);
		if (c != VN_ROUTE_NONE)
			vn_lpm_clear(addr, len, routes[c].len, routes[c].nh);
		else
			vn_lpm_clear(addr, len, -1, 0);
		vn_fib_epoch_advance();
		vn_fib_nh_unlock(r->nh);
	}
	if (r->paths != &r->one)
		free(r->paths);
	vn_hmap_del(&route_map, route_key(addr, len));
	*r = (struct vn_route){0};
	route_free[n_route_free++] = ri;
	n_routes--;
	fib_propagate(addr, len);
}

/* Sets a route's paths (or drop) and programs it; a new route that cannot
 * be programmed is removed again. */
static int
route_commit(uint32_t ri, const struct vn_fib_path *paths, uint32_t n, bool is_drop, bool is_new)
{
	struct vn_route *r = &routes[ri];
	int rc;

	route_tracks_detach(ri);
	rc = route_set_paths(ri, paths, n);
	if (rc == 0) {
		r->flags = VN_ROUTE_F_USED | (is_drop ? VN_ROUTE_F_DROP : 0);
		rc = route_tracks_attach(ri);
	} else {
		route_tracks_attach(ri); /* old paths kept */
	}
	if (rc == 0)
		rc = route_program(ri);
	if (rc < 0) {
		if (is_new)
			route_destroy(ri);
		return rc;
	}
	if (rc > 0)
		fib_propagate(r->addr, r->len);
	return 0;
}

/* A neighbour's host route made static moves to the operator's room. */
static int
route_make_static(uint32_t ri)
{
	if (routes[ri].source == VN_ROUTE_HOST) {
		if (n_routes - n_host >= max_routes)
			return -ENOSPC;
		n_host--;
	}
	routes[ri].source = VN_ROUTE_STATIC;
	return 0;
}

static bool
path_eq(const struct vn_fib_path *a, const struct vn_route_path *b)
{
	return a->via == b->via && a->if_index == b->if_index;
}

int
vn_route_add(const struct vn_prefix *p, const struct vn_route_path *paths, uint32_t n_paths)
{
	struct vn_fib_path merged[VN_ECMP_MAX_PATHS];
	uint32_t ri, n = 0, addr;
	bool is_new;
	int rc;

	if (!vn_fib_lpm || !p || p->len > 32 || !paths || n_paths == 0)
		return -EINVAL;
	for (uint32_t i = 0; i < n_paths; i++)
		if (paths[i].if_index != VN_IF_ANY && !vn_interface_get(paths[i].if_index))
			return -EINVAL;
	addr = p->addr & vn_prefix_mask(p->len);
	ri = route_find(addr, p->len);
	is_new = ri == VN_ROUTE_NONE;
	if (!is_new) {
		const struct vn_route *r = &routes[ri];
		if (r->source == VN_ROUTE_CONNECTED || r->source == VN_ROUTE_LOCAL)
			return -EEXIST;
		/* A static route replaces a neighbour's host route and a drop. */
		if (r->source == VN_ROUTE_STATIC && !(r->flags & VN_ROUTE_F_DROP))
			for (; n < r->n_paths; n++)
				merged[n] = r->paths[n];
	}
	uint32_t n_old = n;
	for (uint32_t i = 0; i < n_paths; i++) {
		bool dup = false;
		for (uint32_t j = 0; j < n && !dup; j++)
			dup = path_eq(&merged[j], &paths[i]);
		if (dup)
			continue;
		if (n == VN_ECMP_MAX_PATHS)
			return -ENOSPC;
		merged[n++] =
		    (struct vn_fib_path){.via = paths[i].via, .if_index = paths[i].if_index};
	}
	if (!is_new && n == n_old && routes[ri].source == VN_ROUTE_STATIC &&
	    !(routes[ri].flags & VN_ROUTE_F_DROP))
		return 0; /* every path already there */
	if (is_new) {
		rc = route_create(addr, p->len, VN_ROUTE_STATIC, &ri);
		if (rc < 0)
			return rc;
	}
	rc = route_make_static(ri);
	if (rc < 0)
		return rc;
	return route_commit(ri, merged, n, false, is_new);
}

int
vn_route_add_drop(const struct vn_prefix *p)
{
	uint32_t ri, addr;
	int rc;

	if (!vn_fib_lpm || !p || p->len > 32)
		return -EINVAL;
	addr = p->addr & vn_prefix_mask(p->len);
	ri = route_find(addr, p->len);
	if (ri == VN_ROUTE_NONE) {
		rc = route_create(addr, p->len, VN_ROUTE_STATIC, &ri);
		if (rc < 0)
			return rc;
		return route_commit(ri, NULL, 0, true, true);
	}
	if (routes[ri].source == VN_ROUTE_CONNECTED || routes[ri].source == VN_ROUTE_LOCAL)
		return -EEXIST;
	rc = route_make_static(ri);
	if (rc < 0)
		return rc;
	return route_commit(ri, NULL, 0, true, false);
}

int
vn_route_del(const struct vn_prefix *p, const struct vn_route_path *path)
{
	struct vn_fib_path rest[VN_ECMP_MAX_PATHS];
	uint32_t ri, n = 0;
	bool found = false;
	struct vn_route *r;

	if (!vn_fib_lpm || !p || p->len > 32)
		return -EINVAL;
	ri = route_find(p->addr, p->len);
	if (ri == VN_ROUTE_NONE)
		return -ENOENT;
	r = &routes[ri];
	if (r->source == VN_ROUTE_CONNECTED || r->source == VN_ROUTE_LOCAL)
		return -EPERM; /* removed with the interface address */
	if (!path) {
		route_destroy(ri);
		return 0;
	}
	/* VN_IF_ANY in a delete matches the via on any interface. */
	for (uint32_t i = 0; i < r->n_paths; i++) {
		bool match =
		    r->paths[i].via == path->via &&
		    (path->if_index == VN_IF_ANY || r->paths[i].if_index == path->if_index);
		if (match && !found)
			found = true;
		else
			rest[n++] = r->paths[i];
	}
	if (!found || (r->flags & VN_ROUTE_F_DROP))
		return -ENOENT;
	if (n == 0) {
		route_destroy(ri);
		return 0;
	}
	return route_commit(ri, rest, n, false, false);
}

/* --- connected, local and host routes --------------------------------------- */

/* Removes whatever route holds addr/len so a connected or local one can take it. */
static void
route_evict(uint32_t addr, uint8_t len)
{
	uint32_t ri = route_find(addr, len);

	if (ri == VN_ROUTE_NONE)
		return;
	VN_INFO("%s route replaced by an interface address",
		routes[ri].source == VN_ROUTE_HOST ? "host" : "static");
	route_destroy(ri);
}

static int
route_add_interface(uint32_t addr, uint8_t len, uint8_t source, uint32_t if_index, uint32_t via)
{
	struct vn_fib_path path = {.via = via, .if_index = if_index};
	uint32_t ri;
	int rc;

	route_evict(addr, len);
	rc = route_create(addr, len, source, &ri);
	if (rc < 0)
		return rc;
	return route_commit(ri, &path, 1, false, true);
}

static bool
route_is(uint32_t ri, uint8_t source, uint32_t if_index)
{
	return ri != VN_ROUTE_NONE && routes[ri].source == source && routes[ri].n_paths > 0 &&
	       routes[ri].paths[0].if_index == if_index;
}

/* Whether an interface route where ri is (none, or one it evicts) needs room
 * of its own. */
static bool
route_takes_room(uint32_t ri)
{
	return ri == VN_ROUTE_NONE || routes[ri].source == VN_ROUTE_HOST;
}

int
vn_fib_connected_add(uint32_t if_index, const struct vn_prefix *p)
{
	uint32_t net, ri, need;
	int rc;

	if (!vn_fib_lpm || !p || p->len > 32 || if_index >= VN_IF_MAX)
		return -EINVAL;
	net = p->addr & vn_prefix_mask(p->len);
	ri = route_find(p->addr, 32);
	if (ri != VN_ROUTE_NONE && routes[ri].source == VN_ROUTE_LOCAL)
		return -EEXIST;
	ri = route_find(net, p->len);
	if (p->len < 32 && ri != VN_ROUTE_NONE && routes[ri].source == VN_ROUTE_CONNECTED)
		return -EEXIST;
	/* Room for both routes first: the connected one takes the place of a
	 * static route at its prefix, which a failure of the local one could not
	 * give back. A host route there frees room of the other kind only. */
	need = (p->len < 32 && route_takes_room(ri)) + route_takes_room(route_find(p->addr, 32));
	if (n_routes - n_host + need > max_routes)
		return -ENOSPC;
	if (p->len < 32) {
		rc = route_add_interface(net, p->len, VN_ROUTE_CONNECTED, if_index, 0);
		if (rc < 0)
			return rc;
	}
	rc = route_add_interface(p->addr, 32, VN_ROUTE_LOCAL, if_index, 0);
	if (rc < 0 && p->len < 32)
		route_destroy(route_find(net, p->len));
	return rc;
}

int
vn_fib_connected_del(uint32_t if_index, const struct vn_prefix *p)
{
	uint32_t net, ri;
	bool found = false;

	if (!vn_fib_lpm || !p || p->len > 32)
		return -EINVAL;
	ri = route_find(p->addr, 32);
	if (route_is(ri, VN_ROUTE_LOCAL, if_index)) {
		route_destroy(ri);
		found = true;
	}
	if (p->len == 32)
		return found ? 0 : -ENOENT;
	net = p->addr & vn_prefix_mask(p->len);
	ri = route_find(net, p->len);
	if (route_is(ri, VN_ROUTE_CONNECTED, if_index)) {
		route_destroy(ri);
		found = true;
	}
	/* Neighbour host routes of the subnet go with it. */
	for (uint32_t i = 0; i < routes_hw; i++)
		if ((routes[i].flags & VN_ROUTE_F_USED) && route_is(i, VN_ROUTE_HOST, if_index) &&
		    (routes[i].addr & vn_prefix_mask(p->len)) == net)
			route_destroy(i);
	return found ? 0 : -ENOENT;
}

/* The link of if_index went down or came back: re-resolve the routes with a
 * path through it, and the recursive routes whose via is on one of its
 * subnets (their cover, the connected route, does not change itself). A scan
 * of the table, but only when a link changes. */
static void
fib_relink(uint32_t if_index)
{
	for (uint32_t ri = 0; ri < routes_hw; ri++) {
		const struct vn_route *r = &routes[ri];

		if (!(r->flags & VN_ROUTE_F_USED) || (r->flags & VN_ROUTE_F_DROP) ||
		    r->source == VN_ROUTE_LOCAL)
			continue;
		if (r->source == VN_ROUTE_CONNECTED) {
			if (r->paths[0].if_index == if_index)
				fib_propagate(r->addr, r->len);
			continue;
		}
		for (uint32_t pi = 0; pi < r->n_paths; pi++) {
			if (r->paths[pi].if_index != if_index)
				continue;
			if (route_program(ri) > 0)
				fib_propagate(r->addr, r->len);
			break;
		}
	}
}

void
vn_fib_interface_changed(uint32_t if_index)
{
	const struct vn_if_fp *fp;
	bool down;

	if (!vn_fib_lpm || if_index >= VN_IF_MAX)
		return;
	vn_adj_interface_rebuild(if_index);
	vn_fib6_interface_changed(if_index);
	fp = vn_if_fp((uint16_t)if_index);
	down = fp && !fp->link_up;
	/* Down now, or some route was resolved while it was: those come back. */
	if (down || link_down[if_index]) {
		link_down[if_index] = down;
		fib_relink(if_index);
	}
}

void
vn_fib_neighbor_update(uint32_t if_index, uint32_t addr, const uint8_t *mac)
{
	uint32_t ri, c;

	if (!vn_fib_lpm)
		return;
	ri = route_find(addr, 32);
	if (mac && ri == VN_ROUTE_NONE) {
		c = route_cover(addr, VN_ROUTE_NONE);
		if (route_is(c, VN_ROUTE_CONNECTED, if_index))
			route_add_interface(addr, 32, VN_ROUTE_HOST, if_index, addr);
	} else if (!mac && route_is(ri, VN_ROUTE_HOST, if_index)) {
		route_destroy(ri);
	}
	/* Stable index: routes through this next hop see the new rewrite at once. */
	vn_adj_nh_update(if_index, addr, mac);
}

/* --- queries ---------------------------------------------------------------- */

static void
route_info(uint32_t ri, struct vn_route_info *out)
{
	const struct vn_route *r = &routes[ri];

	*out = (struct vn_route_info){
	    .prefix = {.addr = r->addr, .len = r->len},
	    .source = r->source,
	    .is_drop = (r->flags & VN_ROUTE_F_DROP) != 0,
	    .n_paths = r->n_paths,
	    .lpm_nh = r->nh,
	};
	for (uint32_t i = 0; i < r->n_paths; i++) {
		out->paths[i] = (struct vn_route_path){.via = r->paths[i].via,
						       .if_index = r->paths[i].if_index};
		out->adj[i] = r->paths[i].adj;
	}
	if (out->is_drop)
		out->adj[0] = VN_ADJ_INDEX_DROP;
}

int
vn_fib_get(const struct vn_prefix *p, struct vn_route_info *out)
{
	uint32_t ri;

	if (!vn_fib_lpm || !p || p->len > 32 || !out)
		return -EINVAL;
	ri = route_find(p->addr, p->len);
	if (ri == VN_ROUTE_NONE)
		return -ENOENT;
	route_info(ri, out);
	return 0;
}

int
vn_fib_lookup(uint32_t addr, struct vn_route_info *out)
{
	uint32_t ri;

	if (!vn_fib_lpm || !out)
		return -EINVAL;
	ri = route_cover(addr, VN_ROUTE_NONE);
	if (ri == VN_ROUTE_NONE)
		return -ENOENT;
	route_info(ri, out);
	return 0;
}

static int
route_cmp(const void *a, const void *b)
{
	const struct vn_route *x = &routes[*(const uint32_t *)a],
			      *y = &routes[*(const uint32_t *)b];
	uint64_t kx = route_key(x->addr, x->len), ky = route_key(y->addr, y->len);

	return kx < ky ? -1 : kx > ky;
}

int
vn_fib_walk(int (*cb)(const struct vn_route_info *r, void *ctx), void *ctx)
{
	struct vn_route_info info;
	uint32_t *order, n = 0;

	if (!vn_fib_lpm || !cb)
		return -EINVAL;
	order = malloc((n_routes + 1) * sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (uint32_t i = 0; i < routes_hw; i++)
		if (routes[i].flags & VN_ROUTE_F_USED)
			order[n++] = i;
	qsort(order, n, sizeof(*order), route_cmp);
	for (uint32_t i = 0; i < n; i++) {
		route_info(order[i], &info);
		if (cb(&info, ctx) != 0)
			break;
	}
	free(order);
	return 0;
}

uint32_t
vn_fib_route_count(void)
{
	return n_routes;
}

uint32_t
vn_fib_route_max(void)
{
	return max_routes;
}

uint32_t
vn_fib_route_room(void)
{
	return max_routes - (n_routes - n_host);
}

/* --- init ------------------------------------------------------------------- */
static uint32_t fib6_max; /* engine.ip6-routes; 0: the default */

void
vn_fib6_set_max(uint32_t max_routes)
{
	fib6_max = max_routes;
}

int
vn_fib_init(uint32_t max)
{
	/* tbl8 groups serve prefixes longer than /24: 64k groups (64 MB) is what a
	 * full table with ~1M routes needs; small tables get fewer. */
	uint32_t n_tbl8 = VN_MAX(256u, VN_MIN(max, 1u << 16));
	struct rte_lpm_config cfg = {
	    .max_rules = 64, /* rte_lpm's rule table is unused: fib_lpm.c programs */
	    .number_tbl8s = n_tbl8,
	};
	int rc = -ENOMEM;

	if (vn_fib_lpm)
		return -EEXIST;
	if (max == 0 || max > (1u << 27))
		return -EINVAL;
	max_routes = max;
	/* Operators' routes and host routes; pages are touched only as routes arrive. */
	routes = calloc(2 * (size_t)max, sizeof(*routes));
	route_free = malloc(2 * (size_t)max * sizeof(*route_free));
	if (!routes || !route_free)
		goto fail;
	if (vn_hmap_init(&route_map, VN_MIN(max, 1u << 16)) < 0 || vn_hmap_init(&track_map, 64) < 0)
		goto fail;
	vn_fib_lpm = rte_lpm_create("vn_fib", SOCKET_ID_ANY, &cfg);
	if (!vn_fib_lpm) {
		VN_ERR("rte_lpm_create: %s", rte_strerror(rte_errno));
		goto fail;
	}
	rc = vn_adj_init();
	if (rc == 0)
		rc = vn_lpm_writer_init(vn_fib_lpm, n_tbl8);
	if (rc == 0)
		rc = vn_fib6_init(fib6_max ? fib6_max : VN_MIN(max, VN_FIB6_ROUTES_DEF)); /* shares the adjacencies */
	if (rc < 0)
		goto fail;
	VN_INFO("FIB ready: %u routes max, %u tbl8 groups%s", max, n_tbl8,
		vn_rcu ? "" : " (no RCU: single-threaded)");
	return 0;
fail:
	vn_fib_fini();
	return rc;
}

void
vn_fib_fini(void)
{
	for (uint32_t i = 0; routes && i < routes_hw; i++)
		if (routes[i].paths && routes[i].paths != &routes[i].one)
			free(routes[i].paths);
	free(routes);
	free(route_free);
	free(tracks);
	free(work);
	routes = NULL;
	route_free = NULL;
	tracks = NULL;
	work = NULL;
	max_routes = routes_hw = n_routes = n_host = n_route_free = 0;
	memset(link_down, 0, sizeof(link_down));
	n_tracks = cap_tracks = n_work = cap_work = 0;
	vn_hmap_fini(&route_map);
	vn_hmap_fini(&track_map);
	vn_fib6_fini();
	vn_adj_fini();
	vn_lpm_writer_fini();
	rte_lpm_free(vn_fib_lpm);
	vn_fib_lpm = NULL;
}
