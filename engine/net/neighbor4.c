/*
 * IPv4 in the neighbour table (ARP): which bindings are valid, their order,
 * the IPv4 FIB that follows them, and the typed calls of net/neighbor.h.
 * ARP entries do not age (no probe): they stay until deleted or replaced,
 * as VPP's by default.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <vecnet/net/neighbor.h>

#include "net/fib_priv.h"
#include "net/neighbor_priv.h"

static bool
ip4_valid(const union vn_nbr_addr *a, const uint8_t mac[6])
{
	(void)mac;
	return a->ip4 != 0;
}

static int
ip4_cmp(const union vn_nbr_addr *a, const union vn_nbr_addr *b)
{
	return a->ip4 < b->ip4 ? -1 : a->ip4 > b->ip4;
}

static void
ip4_fib_update(uint32_t if_index, const union vn_nbr_addr *a, const uint8_t *mac)
{
	vn_fib_neighbor_update(if_index, a->ip4, mac);
}

const struct vn_nbr_family vn_nbr_ip4_family = {
	.valid = ip4_valid,
	.cmp = ip4_cmp,
	.fib_update = ip4_fib_update,
};

/* The table's address of a host-order IPv4 address, for the call it is in. */
#define IP4_ADDR(a) (&(union vn_nbr_addr){.ip4 = (a)})

static void
ip4_info_of(const struct vn_nbr *n, struct vn_neighbor_info *out)
{
	*out = (struct vn_neighbor_info){
		.if_index = n->if_index,
		.addr = n->addr.ip4,
		.is_static = n->is_static,
		.updated_ms = n->updated_ms,
	};
	memcpy(out->mac, n->mac, 6);
}

int
vn_neighbor_set(uint32_t if_index, uint32_t addr, const uint8_t mac[6], bool is_static)
{
	return vn_nbr_set(VN_NBR_IP4, if_index, IP4_ADDR(addr), mac, is_static);
}

int
vn_neighbor_del(uint32_t if_index, uint32_t addr)
{
	return vn_nbr_del(VN_NBR_IP4, if_index, IP4_ADDR(addr));
}

int
vn_neighbor_get(uint32_t if_index, uint32_t addr, struct vn_neighbor_info *out)
{
	struct vn_nbr n;
	int rc = vn_nbr_get(VN_NBR_IP4, if_index, IP4_ADDR(addr), &n);

	if (rc == 0 && out)
		ip4_info_of(&n, out);
	return rc;
}

struct ip4_walk {
	void (*cb)(const struct vn_neighbor_info *n, void *ctx);
	void *ctx;
};

static void
ip4_walk_one(const struct vn_nbr *n, void *arg)
{
	struct ip4_walk *w = arg;
	struct vn_neighbor_info info;

	ip4_info_of(n, &info);
	w->cb(&info, w->ctx);
}

void
vn_neighbor_walk(void (*cb)(const struct vn_neighbor_info *n, void *ctx), void *ctx)
{
	if (cb)
		vn_nbr_walk(VN_NBR_IP4, ip4_walk_one, &(struct ip4_walk){cb, ctx});
}

uint32_t
vn_neighbor_count(void)
{
	return vn_nbr_count(VN_NBR_IP4);
}

bool
vn_neighbor_post_learn(uint32_t if_index, uint32_t addr, const uint8_t mac[6])
{
	return vn_nbr_post_learn(VN_NBR_IP4, if_index, IP4_ADDR(addr), mac, 0);
}
