/*
 * IPv6 in the neighbour table (neighbour discovery, RFC 4861): which
 * bindings are valid, their order and FIB, and what only ND has: entries
 * age through the table's state machine (neighbor.c), so this file says how
 * long a confirmation lasts (ReachableTime), whether ip6-rewrite used a STALE
 * neighbour (vn_nd6_adj_used) and how to probe one (a unicast solicitation
 * through the control injection); DAD conflicts and timers ride on the
 * table's learning and tick. The typed calls of net/neighbor6.h wrap the
 * table's.
 */
#define VN_LOG_MOD "neighbor6"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <vecnet/graph.h>
#include <vecnet/net/buffer.h>
#include <vecnet/net/dad6.h>
#include <vecnet/net/inject.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/neighbor6.h>
#include <vecnet/net/ra6.h>

#include "net/fib_priv.h"
#include "net/neighbor_priv.h"

uint8_t vn_nd6_adj_used[VN_THREAD_MAX][VN_ADJ_MAX];

static struct vn_nd6_config nd6_cfg = {
	.reachable_ms = VN_ND_REACHABLE_DEFAULT_MS,
	.dad_transmits = VN_ND_DAD_TRANSMITS_DEFAULT,
};
static void (*probe_sink)(struct rte_mbuf *m);

static bool
ip6_valid(const union vn_nbr_addr *a, const uint8_t mac[6])
{
	return !vn_ip6_is_unspecified(&a->ip6) && !vn_ip6_is_multicast(&a->ip6) && !(mac[0] & 1);
}

static int
ip6_cmp(const union vn_nbr_addr *a, const union vn_nbr_addr *b)
{
	return memcmp(a->ip6.b, b->ip6.b, 16);
}

static void
ip6_fib_update(uint32_t if_index, const union vn_nbr_addr *a, const uint8_t *mac)
{
	vn_fib6_neighbor_update(if_index, &a->ip6, mac);
}

static uint32_t
ip6_reachable_ms(void)
{
	return __atomic_load_n(&nd6_cfg.reachable_ms, __ATOMIC_RELAXED);
}

/* The adjacency's use bits, read and cleared: true if any thread used it. */
static bool
ip6_used(const struct vn_nbr *n)
{
	uint32_t adj;
	bool used = false;

	if (!vn_adj_nh6_find(n->if_index, &n->addr.ip6, &adj))
		return false;
	for (uint32_t t = 0; t < VN_THREAD_MAX; t++) {
		if (__atomic_load_n(&vn_nd6_adj_used[t][adj], __ATOMIC_RELAXED)) {
			__atomic_store_n(&vn_nd6_adj_used[t][adj], 0, __ATOMIC_RELAXED);
			used = true;
		}
	}
	return used;
}

/* A unicast solicitation to n (RFC 4861 7.3.3). */
static void
ip6_probe(const struct vn_nbr *n)
{
	const struct vn_if_fp *fp = vn_if_fp(n->if_index);
	struct rte_mbuf *m;

	if (!fp || !fp->admin_up)
		return;
	m = vn_nd6_ns_build(fp, &n->addr.ip6, vn_if_src6(fp, &n->addr.ip6), n->mac);
	if (!m)
		return;
	vn_meta(m)->flags |= VN_META_F_L2_READY;
	vn_nd6_send(m);
}

void
vn_nd6_send(struct rte_mbuf *m)
{
	struct vn_graph *g = vn_graph_self();

	if (probe_sink) {
		probe_sink(m);
		return;
	}
	if (vn_control_inject(g ? g->thread_index : vn_fwd_thread_index(0), &m, 1) != 1)
		rte_pktmbuf_free(m);
}

static void
ip6_conflict(uint32_t if_index, const union vn_nbr_addr *a)
{
	vn_dad6_conflict(if_index, &a->ip6);
}

/* ND's own timers ride on the table's clock: DAD, router advertisements. */
static void
ip6_tick(uint64_t now)
{
	vn_dad6_tick(now);
	vn_ra6_tick(now);
}

const struct vn_nbr_family vn_nbr_ip6_family = {
	.valid = ip6_valid,
	.cmp = ip6_cmp,
	.fib_update = ip6_fib_update,
	.reachable_ms = ip6_reachable_ms,
	.used = ip6_used,
	.probe = ip6_probe,
	.conflict = ip6_conflict,
	.tick = ip6_tick,
};

/* --- the typed calls of net/neighbor6.h ------------------------------------ */

/* The table's address of an IPv6 one, for the call it is in (a copy: aligned). */
#define IP6_ADDR(a) (&(union vn_nbr_addr){.ip6 = *(a)})

static void
ip6_info_of(const struct vn_nbr *n, struct vn_neighbor6_info *out)
{
	*out = (struct vn_neighbor6_info){
		.if_index = n->if_index,
		.addr = n->addr.ip6,
		.is_static = n->is_static,
		.is_router = n->is_router,
		.state = n->state,
		.probes = n->probes,
		.updated_ms = n->updated_ms,
		.state_ms = n->state_ms,
	};
	memcpy(out->mac, n->mac, 6);
}

int
vn_neighbor6_set(uint32_t if_index, const struct vn_ip6 *addr, const uint8_t mac[6],
		 bool is_static)
{
	return addr ? vn_nbr_set(VN_NBR_IP6, if_index, IP6_ADDR(addr), mac, is_static) : -EINVAL;
}

int
vn_neighbor6_del(uint32_t if_index, const struct vn_ip6 *addr)
{
	return addr ? vn_nbr_del(VN_NBR_IP6, if_index, IP6_ADDR(addr)) : -ENOENT;
}

int
vn_neighbor6_get(uint32_t if_index, const struct vn_ip6 *addr, struct vn_neighbor6_info *out)
{
	struct vn_nbr n;
	int rc;

	if (!addr)
		return -ENOENT;
	rc = vn_nbr_get(VN_NBR_IP6, if_index, IP6_ADDR(addr), &n);
	if (rc == 0 && out)
		ip6_info_of(&n, out);
	return rc;
}

struct ip6_walk {
	void (*cb)(const struct vn_neighbor6_info *n, void *ctx);
	void *ctx;
};

static void
ip6_walk_one(const struct vn_nbr *n, void *arg)
{
	struct ip6_walk *w = arg;
	struct vn_neighbor6_info info;

	ip6_info_of(n, &info);
	w->cb(&info, w->ctx);
}

void
vn_neighbor6_walk(void (*cb)(const struct vn_neighbor6_info *n, void *ctx), void *ctx)
{
	if (cb)
		vn_nbr_walk(VN_NBR_IP6, ip6_walk_one, &(struct ip6_walk){cb, ctx});
}

uint32_t
vn_neighbor6_count(void)
{
	return vn_nbr_count(VN_NBR_IP6);
}

bool
vn_neighbor6_post_learn(uint32_t if_index, const struct vn_ip6 *addr, const uint8_t mac[6],
			uint8_t flags)
{
	return vn_nbr_post_learn(VN_NBR_IP6, if_index, IP6_ADDR(addr), mac, flags);
}

void
vn_neighbor6_set_clock(uint64_t (*now_ms)(void))
{
	vn_nbr_set_clock(now_ms);
}

void
vn_neighbor6_set_probe_sink(void (*sink)(struct rte_mbuf *m))
{
	probe_sink = sink;
}

int
vn_nd6_config_set(const struct vn_nd6_config *c)
{
	if (!c || c->reachable_ms == 0 || c->reachable_ms > VN_ND_REACHABLE_MAX_MS ||
	    c->dad_transmits > VN_ND_DAD_TRANSMITS_MAX)
		return -EINVAL;
	__atomic_store_n(&nd6_cfg.reachable_ms, c->reachable_ms, __ATOMIC_RELAXED);
	__atomic_store_n(&nd6_cfg.dad_transmits, c->dad_transmits, __ATOMIC_RELAXED);
	return 0;
}

void
vn_nd6_config_get(struct vn_nd6_config *out)
{
	*out = nd6_cfg;
}
