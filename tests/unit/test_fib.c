/*
 * FIB, adjacencies and ECMP: every check goes through the control API and,
 * for forwarding, through the same path as ip4-lookup (rte_lpm_lookup on
 * vn_fib_lpm, then vn_fib_adj). Each test leaves the FIB empty; the fixture
 * then checks that nothing leaked (routes, adjacencies, ECMP groups, tbl8).
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_lpm.h>
#include <rte_malloc.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/rcu.h>

#include "net/fib_priv.h"
#include "net/link_priv.h"
#include "vn_test.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define PFX(a, b, c, d, l) ((struct vn_prefix){.addr = IP(a, b, c, d), .len = (l)})

static const uint8_t mac_lan0[6] = {0x02, 0, 0, 0, 0xaa, 0x00};
static const uint8_t mac_lan1[6] = {0x02, 0, 0, 0, 0xbb, 0x00};
static const uint8_t mac_h2[6] = {0x02, 0, 0, 0, 0x01, 0x02};
static const uint8_t mac_h9[6] = {0x02, 0, 0, 0, 0x01, 0x09};
static uint32_t lan0, lan1;

static int
suite_init(void)
{
	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0)
		return -1;
	if (vn_interface_create_virtual("lan0", mac_lan0, 1500, &lan0) < 0 ||
	    vn_interface_create_virtual("lan1", mac_lan1, 1500, &lan1) < 0)
		return -1;
	if (vn_fib_init(1u << 21) < 0 || vn_neighbor_init() < 0)
		return -1;
	return 0;
}

static int
suite_fini(void)
{
	vn_neighbor_fini();
	vn_fib_fini();
	return 0;
}

/* What ip4-lookup would use for a packet to addr. */
static const struct vn_adj *
fp_adj(uint32_t addr, uint32_t hash)
{
	uint32_t nh;

	if (rte_lpm_lookup(vn_fib_lpm, addr, &nh) != 0)
		return vn_adj_get(VN_ADJ_INDEX_UNREACH);
	return vn_fib_adj(nh, hash);
}

static int
fp_type(uint32_t addr)
{
	return fp_adj(addr, 0)->type;
}

static void
assert_empty(void)
{
	CU_ASSERT_EQUAL(vn_fib_route_count(), 0);
	CU_ASSERT_EQUAL(vn_adj_count(), 3);
	CU_ASSERT_EQUAL(vn_ecmp_count(), 0);
	CU_ASSERT_EQUAL(vn_lpm_tbl8_used(), 0);
	CU_ASSERT_EQUAL(vn_neighbor_count(), 0);
}

static void
lan0_up(void)
{
	struct vn_prefix a = PFX(10, 0, 1, 1, 24);
	CU_ASSERT_EQUAL_FATAL(vn_interface_addr_add(lan0, &a), 0);
}

static void
lan0_down(void)
{
	struct vn_prefix a = PFX(10, 0, 1, 1, 24);
	CU_ASSERT_EQUAL(vn_interface_addr_del(lan0, &a), 0);
}

static void
test_connected_local(void)
{
	struct vn_prefix host = PFX(192, 168, 9, 9, 32);
	struct vn_route_info r;
	const struct vn_adj *a;
	char buf[64];

	lan0_up();
	CU_ASSERT_EQUAL(vn_fib_route_count(), 2);
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(10, 0, 1, 0, 24), &r), 0);
	CU_ASSERT_EQUAL(r.source, VN_ROUTE_CONNECTED);
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(10, 0, 1, 1, 32), &r), 0);
	CU_ASSERT_EQUAL(r.source, VN_ROUTE_LOCAL);
	CU_ASSERT_EQUAL(r.lpm_nh, VN_ADJ_INDEX_LOCAL);

	a = fp_adj(IP(10, 0, 1, 77), 0);
	CU_ASSERT_EQUAL(a->type, VN_ADJ_GLEAN);
	CU_ASSERT_EQUAL(a->tx_if, lan0);
	CU_ASSERT_EQUAL(a->mtu, 1500);
	CU_ASSERT_STRING_EQUAL(vn_adj_format(a->index, buf, sizeof(buf)), "glean lan0");
	CU_ASSERT_EQUAL(fp_type(IP(10, 0, 1, 1)), VN_ADJ_LOCAL);
	CU_ASSERT_EQUAL(fp_type(IP(10, 0, 2, 1)), VN_ADJ_UNREACH); /* LPM miss */
	CU_ASSERT_EQUAL(vn_fib_lookup(IP(10, 0, 1, 200), &r), 0);
	CU_ASSERT_EQUAL(r.prefix.len, 24);
	CU_ASSERT_EQUAL(vn_fib_lookup(IP(10, 0, 2, 1), &r), -ENOENT);
	/* A static route cannot take a connected prefix. */
	CU_ASSERT_EQUAL(
	    vn_route_add(&PFX(10, 0, 1, 0, 24), &(struct vn_route_path){IP(10, 0, 1, 2), lan0}, 1),
	    -EEXIST);
	CU_ASSERT_EQUAL(vn_route_del(&PFX(10, 0, 1, 0, 24), NULL), -EPERM);

	/* A /32 address gives only the local route. */
	CU_ASSERT_EQUAL(vn_interface_addr_add(lan1, &host), 0);
	CU_ASSERT_EQUAL(vn_fib_route_count(), 3);
	CU_ASSERT_EQUAL(fp_type(IP(192, 168, 9, 9)), VN_ADJ_LOCAL);
	CU_ASSERT_EQUAL(fp_type(IP(192, 168, 9, 8)), VN_ADJ_UNREACH);
	CU_ASSERT_EQUAL(vn_interface_addr_del(lan1, &host), 0);

	lan0_down();
	CU_ASSERT_EQUAL(fp_type(IP(10, 0, 1, 77)), VN_ADJ_UNREACH);
	CU_ASSERT_EQUAL(fp_type(IP(10, 0, 1, 1)), VN_ADJ_UNREACH);
	assert_empty();
}

static void
assert_rewrite(const struct vn_adj *a, const uint8_t dst[6], const uint8_t src[6])
{
	CU_ASSERT_EQUAL(a->type, VN_ADJ_REWRITE);
	CU_ASSERT_EQUAL(memcmp(a->rewrite, dst, 6), 0);
	CU_ASSERT_EQUAL(memcmp(a->rewrite + 6, src, 6), 0);
	CU_ASSERT_EQUAL(a->rewrite[12], 0x08);
	CU_ASSERT_EQUAL(a->rewrite[13], 0x00);
}

static void
test_host_route_on_neighbor(void)
{
	struct vn_route_info r;

	lan0_up();
	CU_ASSERT_EQUAL(vn_neighbor_set(lan0, IP(10, 0, 1, 2), mac_h2, false), 0);
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(10, 0, 1, 2, 32), &r), 0);
	CU_ASSERT_EQUAL(r.source, VN_ROUTE_HOST);
	assert_rewrite(fp_adj(IP(10, 0, 1, 2), 0), mac_h2, mac_lan0);
	CU_ASSERT_EQUAL(fp_adj(IP(10, 0, 1, 2), 0)->tx_if, lan0);
	CU_ASSERT_EQUAL(fp_adj(IP(10, 0, 1, 2), 0)->nh, IP(10, 0, 1, 2));
	CU_ASSERT_EQUAL(fp_type(IP(10, 0, 1, 3)), VN_ADJ_GLEAN);
	/* Off-subnet and wrong-interface neighbours get no host route. */
	CU_ASSERT_EQUAL(vn_neighbor_set(lan0, IP(10, 9, 9, 9), mac_h9, false), 0);
	CU_ASSERT_EQUAL(vn_neighbor_set(lan1, IP(10, 0, 1, 9), mac_h9, false), 0);
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(10, 9, 9, 9, 32), &r), -ENOENT);
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(10, 0, 1, 9, 32), &r), -ENOENT);
	CU_ASSERT_EQUAL(vn_fib_route_count(), 3);
	/* A host route never overrides a static /32; a static one replaces it. */
	CU_ASSERT_EQUAL(
	    vn_route_add(&PFX(10, 0, 1, 2, 32), &(struct vn_route_path){IP(10, 0, 1, 3), lan0}, 1),
	    0);
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(10, 0, 1, 2, 32), &r), 0);
	CU_ASSERT_EQUAL(r.source, VN_ROUTE_STATIC);
	CU_ASSERT_EQUAL(fp_type(IP(10, 0, 1, 2)), VN_ADJ_INCOMPLETE);
	CU_ASSERT_EQUAL(vn_neighbor_set(lan0, IP(10, 0, 1, 2), mac_h9, false), 0);
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(10, 0, 1, 2, 32), &r), 0);
	CU_ASSERT_EQUAL(r.source, VN_ROUTE_STATIC);
	CU_ASSERT_EQUAL(vn_route_del(&PFX(10, 0, 1, 2, 32), NULL), 0);

	CU_ASSERT_EQUAL(vn_neighbor_del(lan0, IP(10, 0, 1, 2)), 0);
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(10, 0, 1, 2, 32), &r), -ENOENT);
	CU_ASSERT_EQUAL(fp_type(IP(10, 0, 1, 2)), VN_ADJ_GLEAN);
	CU_ASSERT_EQUAL(vn_neighbor_del(lan0, IP(10, 9, 9, 9)), 0);
	CU_ASSERT_EQUAL(vn_neighbor_del(lan1, IP(10, 0, 1, 9)), 0);

	/* Removing the address takes the subnet's host routes with it. */
	CU_ASSERT_EQUAL(vn_neighbor_set(lan0, IP(10, 0, 1, 5), mac_h2, true), 0);
	CU_ASSERT_EQUAL(vn_fib_route_count(), 3);
	lan0_down();
	CU_ASSERT_EQUAL(vn_fib_route_count(), 0);
	CU_ASSERT_EQUAL(vn_neighbor_del(lan0, IP(10, 0, 1, 5)), 0);
	assert_empty();
}

static uint32_t
adj_nh(uint32_t addr)
{
	return fp_adj(addr, 0)->nh;
}

static int
add_via(struct vn_prefix p, uint32_t via, uint32_t if_index)
{
	return vn_route_add(&p, &(struct vn_route_path){.via = via, .if_index = if_index}, 1);
}

static int
del(struct vn_prefix p)
{
	return vn_route_del(&p, NULL);
}

static void
test_longest_prefix(void)
{
	uint32_t tbl8_base;

	lan0_up();
	tbl8_base = vn_lpm_tbl8_used(); /* 10.0.1.1/32 has one */
	CU_ASSERT_EQUAL(add_via(PFX(20, 0, 0, 0, 8), IP(10, 0, 1, 10), lan0), 0);
	CU_ASSERT_EQUAL(add_via(PFX(20, 1, 0, 0, 16), IP(10, 0, 1, 11), lan0), 0);
	CU_ASSERT_EQUAL(add_via(PFX(20, 1, 2, 0, 24), IP(10, 0, 1, 12), lan0), 0);
	CU_ASSERT_EQUAL(add_via(PFX(20, 1, 2, 128, 25), IP(10, 0, 1, 13), lan0), 0);
	CU_ASSERT_EQUAL(add_via(PFX(20, 1, 2, 200, 30), IP(10, 0, 1, 14), lan0), 0);
	/* Host bits in the prefix are ignored. */
	CU_ASSERT_EQUAL(vn_route_add_drop(&PFX(20, 1, 2, 201, 32)), 0);

	CU_ASSERT_EQUAL(adj_nh(IP(20, 9, 9, 9)), IP(10, 0, 1, 10));
	CU_ASSERT_EQUAL(adj_nh(IP(20, 1, 9, 9)), IP(10, 0, 1, 11));
	CU_ASSERT_EQUAL(adj_nh(IP(20, 1, 2, 1)), IP(10, 0, 1, 12));
	CU_ASSERT_EQUAL(adj_nh(IP(20, 1, 2, 129)), IP(10, 0, 1, 13));
	CU_ASSERT_EQUAL(adj_nh(IP(20, 1, 2, 202)), IP(10, 0, 1, 14));
	CU_ASSERT_EQUAL(fp_type(IP(20, 1, 2, 201)), VN_ADJ_DROP);
	CU_ASSERT_EQUAL(fp_type(IP(21, 0, 0, 1)), VN_ADJ_UNREACH);
	CU_ASSERT_EQUAL(vn_lpm_tbl8_used(), tbl8_base + 1);

	/* Deleting a more specific route uncovers the next one, in every tbl. */
	CU_ASSERT_EQUAL(del(PFX(20, 1, 2, 200, 30)), 0);
	CU_ASSERT_EQUAL(adj_nh(IP(20, 1, 2, 202)), IP(10, 0, 1, 13));
	CU_ASSERT_EQUAL(fp_type(IP(20, 1, 2, 201)), VN_ADJ_DROP);
	CU_ASSERT_EQUAL(del(PFX(20, 1, 2, 0, 24)), 0);
	CU_ASSERT_EQUAL(adj_nh(IP(20, 1, 2, 1)), IP(10, 0, 1, 11));
	CU_ASSERT_EQUAL(adj_nh(IP(20, 1, 2, 129)), IP(10, 0, 1, 13));
	CU_ASSERT_EQUAL(del(PFX(20, 1, 2, 201, 32)), 0);
	CU_ASSERT_EQUAL(adj_nh(IP(20, 1, 2, 201)), IP(10, 0, 1, 13));
	CU_ASSERT_EQUAL(del(PFX(20, 1, 2, 128, 25)), 0);
	CU_ASSERT_EQUAL(vn_lpm_tbl8_used(), tbl8_base); /* the group folded back into tbl24 */
	CU_ASSERT_EQUAL(adj_nh(IP(20, 1, 2, 201)), IP(10, 0, 1, 11));
	CU_ASSERT_EQUAL(del(PFX(20, 1, 0, 0, 16)), 0);
	CU_ASSERT_EQUAL(adj_nh(IP(20, 1, 2, 201)), IP(10, 0, 1, 10));
	CU_ASSERT_EQUAL(del(PFX(20, 0, 0, 0, 8)), 0);
	CU_ASSERT_EQUAL(fp_type(IP(20, 1, 2, 201)), VN_ADJ_UNREACH);
	lan0_down();
	assert_empty();
}

static void
test_incomplete_then_rewrite(void)
{
	struct vn_route_info r;
	const struct vn_adj *a;
	uint32_t idx;
	char buf[96];

	lan0_up();
	CU_ASSERT_EQUAL(add_via(PFX(192, 168, 0, 0, 16), IP(10, 0, 1, 9), lan0), 0);
	/* The same next hop without an interface resolves to the same adjacency. */
	CU_ASSERT_EQUAL(add_via(PFX(172, 16, 0, 0, 16), IP(10, 0, 1, 9), VN_IF_ANY), 0);
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(192, 168, 0, 0, 16), &r), 0);
	idx = r.adj[0];
	CU_ASSERT_EQUAL(r.lpm_nh, idx);
	CU_ASSERT(idx > VN_ADJ_INDEX_LOCAL);
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(172, 16, 0, 0, 16), &r), 0);
	CU_ASSERT_EQUAL(r.adj[0], idx);
	CU_ASSERT_EQUAL(vn_adj_refcount(idx), 2);

	a = fp_adj(IP(192, 168, 3, 4), 0);
	CU_ASSERT_EQUAL(a->type, VN_ADJ_INCOMPLETE);
	CU_ASSERT_EQUAL(a->index, idx);
	CU_ASSERT_EQUAL(a->nh, IP(10, 0, 1, 9));
	CU_ASSERT_STRING_EQUAL(vn_adj_format(idx, buf, sizeof(buf)),
			       "incomplete lan0 nh 10.0.1.9 (arp pending)");

	CU_ASSERT_EQUAL(vn_neighbor_set(lan0, IP(10, 0, 1, 9), mac_h9, false), 0);
	a = fp_adj(IP(192, 168, 3, 4), 0);
	CU_ASSERT_EQUAL(a->index, idx);
	assert_rewrite(a, mac_h9, mac_lan0);
	CU_ASSERT_EQUAL(a->mtu, 1500);
	CU_ASSERT_EQUAL(fp_adj(IP(172, 16, 1, 1), 0), a);
	CU_ASSERT_STRING_EQUAL(vn_adj_format(idx, buf, sizeof(buf)),
			       "rewrite lan0 nh 10.0.1.9 02:00:00:00:01:09 mtu 1500");
	/* The host route shares the adjacency. */
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(10, 0, 1, 9, 32), &r), 0);
	CU_ASSERT_EQUAL(r.lpm_nh, idx);

	/* A changed MAC: same index, new rewrite. */
	CU_ASSERT_EQUAL(vn_neighbor_set(lan0, IP(10, 0, 1, 9), mac_h2, false), 0);
	a = fp_adj(IP(192, 168, 3, 4), 0);
	CU_ASSERT_EQUAL(a->index, idx);
	assert_rewrite(a, mac_h2, mac_lan0);

	CU_ASSERT_EQUAL(vn_neighbor_del(lan0, IP(10, 0, 1, 9)), 0);
	a = fp_adj(IP(192, 168, 3, 4), 0);
	CU_ASSERT_EQUAL(a->type, VN_ADJ_INCOMPLETE);
	CU_ASSERT_EQUAL(a->index, idx);
	CU_ASSERT_EQUAL(vn_adj_refcount(idx), 2);

	CU_ASSERT_EQUAL(del(PFX(192, 168, 0, 0, 16)), 0);
	CU_ASSERT_EQUAL(vn_adj_refcount(idx), 1);
	CU_ASSERT_EQUAL(del(PFX(172, 16, 0, 0, 16)), 0);
	CU_ASSERT_EQUAL(vn_adj_refcount(idx), 0);
	/* A stale index from an in-flight lookup now reads DROP, never NULL. */
	CU_ASSERT_EQUAL(vn_adj_get(idx)->type, VN_ADJ_DROP);
	lan0_down();
	assert_empty();
}

static void
test_recursive(void)
{
	struct vn_route_info r;

	/* Nothing covers the via yet: kept, unresolved. */
	CU_ASSERT_EQUAL(add_via(PFX(8, 8, 8, 0, 24), IP(192, 0, 2, 1), VN_IF_ANY), 0);
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(8, 8, 8, 0, 24), &r), 0);
	CU_ASSERT_EQUAL(r.lpm_nh, VN_ADJ_INDEX_UNREACH);
	CU_ASSERT_EQUAL(fp_type(IP(8, 8, 8, 8)), VN_ADJ_UNREACH);

	/* The connected subnet appears: via a default route on it. */
	lan0_up();
	CU_ASSERT_EQUAL(add_via(PFX(0, 0, 0, 0, 0), IP(10, 0, 1, 254), VN_IF_ANY), 0);
	CU_ASSERT_EQUAL(fp_type(IP(8, 8, 8, 8)), VN_ADJ_INCOMPLETE);
	CU_ASSERT_EQUAL(adj_nh(IP(8, 8, 8, 8)), IP(10, 0, 1, 254));
	CU_ASSERT_EQUAL(adj_nh(IP(99, 1, 1, 1)), IP(10, 0, 1, 254));

	/* A more specific cover for the via takes over, and goes again. */
	CU_ASSERT_EQUAL(add_via(PFX(192, 0, 2, 0, 24), IP(10, 0, 1, 7), lan0), 0);
	CU_ASSERT_EQUAL(adj_nh(IP(8, 8, 8, 8)), IP(10, 0, 1, 7));
	/* Two levels: a route via 8.8.8.8 follows 8.8.8.0/24. */
	CU_ASSERT_EQUAL(add_via(PFX(9, 9, 0, 0, 16), IP(8, 8, 8, 8), VN_IF_ANY), 0);
	CU_ASSERT_EQUAL(adj_nh(IP(9, 9, 1, 1)), IP(10, 0, 1, 7));
	CU_ASSERT_EQUAL(vn_neighbor_set(lan0, IP(10, 0, 1, 7), mac_h9, false), 0);
	assert_rewrite(fp_adj(IP(9, 9, 1, 1), 0), mac_h9, mac_lan0);
	CU_ASSERT_EQUAL(del(PFX(192, 0, 2, 0, 24)), 0);
	CU_ASSERT_EQUAL(adj_nh(IP(8, 8, 8, 8)), IP(10, 0, 1, 254));
	CU_ASSERT_EQUAL(adj_nh(IP(9, 9, 1, 1)), IP(10, 0, 1, 254));

	/* A drop cover: recursive routes drop too. */
	CU_ASSERT_EQUAL(vn_route_add_drop(&PFX(192, 0, 2, 0, 24)), 0);
	CU_ASSERT_EQUAL(fp_type(IP(9, 9, 1, 1)), VN_ADJ_DROP);
	CU_ASSERT_EQUAL(del(PFX(192, 0, 2, 0, 24)), 0);

	/* The default route goes: unresolved again (the route itself stays). */
	CU_ASSERT_EQUAL(del(PFX(0, 0, 0, 0, 0)), 0);
	CU_ASSERT_EQUAL(fp_type(IP(8, 8, 8, 8)), VN_ADJ_UNREACH);
	CU_ASSERT_EQUAL(fp_type(IP(9, 9, 1, 1)), VN_ADJ_UNREACH);
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(9, 9, 0, 0, 16), &r), 0);
	CU_ASSERT_EQUAL(r.adj[0], VN_ADJ_INDEX_UNREACH);

	/* A route that covers its own via does not resolve through itself. */
	CU_ASSERT_EQUAL(add_via(PFX(10, 0, 0, 0, 8), IP(10, 0, 9, 1), VN_IF_ANY), 0);
	CU_ASSERT_EQUAL(fp_type(IP(10, 0, 9, 1)), VN_ADJ_UNREACH);
	CU_ASSERT_EQUAL(del(PFX(10, 0, 0, 0, 8)), 0);

	CU_ASSERT_EQUAL(del(PFX(9, 9, 0, 0, 16)), 0);
	CU_ASSERT_EQUAL(del(PFX(8, 8, 8, 0, 24)), 0);
	CU_ASSERT_EQUAL(vn_neighbor_del(lan0, IP(10, 0, 1, 7)), 0);
	lan0_down();
	assert_empty();
}

static void
test_ecmp(void)
{
	struct vn_prefix p = PFX(172, 16, 0, 0, 12), q = PFX(172, 32, 0, 0, 12);
	struct vn_route_path two[2] = {{IP(10, 0, 1, 2), VN_IF_ANY}, {IP(10, 0, 2, 2), VN_IF_ANY}};
	struct vn_prefix a1 = PFX(10, 0, 2, 1, 24);
	struct vn_route_info r;
	uint32_t hits[2] = {0};

	lan0_up();
	CU_ASSERT_EQUAL_FATAL(vn_interface_addr_add(lan1, &a1), 0);
	CU_ASSERT_EQUAL(vn_route_add(&p, &two[0], 1), 0);
	CU_ASSERT_EQUAL(vn_route_add(&p, &two[1], 1), 0);
	CU_ASSERT_EQUAL(vn_route_add(&p, &two[1], 1), 0); /* no duplicate */
	CU_ASSERT_EQUAL(vn_fib_get(&p, &r), 0);
	CU_ASSERT_EQUAL(r.n_paths, 2);
	CU_ASSERT(r.lpm_nh & VN_FIB_NH_ECMP);
	CU_ASSERT_EQUAL(vn_ecmp_count(), 1);
	/* The same set of paths shares the group. */
	CU_ASSERT_EQUAL(vn_route_add(&q, two, 2), 0);
	CU_ASSERT_EQUAL(vn_ecmp_count(), 1);

	for (uint32_t h = 0; h < 1000; h++) {
		const struct vn_adj *a = fp_adj(IP(172, 16, 5, 5), h * 2654435761u);
		CU_ASSERT_EQUAL(a->type, VN_ADJ_INCOMPLETE);
		if (a->nh == IP(10, 0, 1, 2) && a->tx_if == lan0)
			hits[0]++;
		else if (a->nh == IP(10, 0, 2, 2) && a->tx_if == lan1)
			hits[1]++;
	}
	CU_ASSERT_EQUAL(hits[0] + hits[1], 1000);
	CU_ASSERT(hits[0] > 300 && hits[1] > 300);

	/* One path removed: a plain adjacency again. */
	CU_ASSERT_EQUAL(vn_route_del(&p, &two[0]), 0);
	CU_ASSERT_EQUAL(vn_route_del(&p, &two[0]), -ENOENT);
	CU_ASSERT_EQUAL(vn_fib_get(&p, &r), 0);
	CU_ASSERT_EQUAL(r.n_paths, 1);
	CU_ASSERT_FALSE(r.lpm_nh & VN_FIB_NH_ECMP);
	CU_ASSERT_EQUAL(adj_nh(IP(172, 16, 5, 5)), IP(10, 0, 2, 2));
	CU_ASSERT_EQUAL(vn_route_del(&p, &two[1]), 0);
	CU_ASSERT_EQUAL(vn_fib_get(&p, &r), -ENOENT);
	CU_ASSERT_EQUAL(vn_ecmp_count(), 1);
	CU_ASSERT_EQUAL(del(q), 0);
	CU_ASSERT_EQUAL(vn_ecmp_count(), 0);
	CU_ASSERT_EQUAL(vn_interface_addr_del(lan1, &a1), 0);
	lan0_down();
	assert_empty();
}

static void
test_drop_and_errors(void)
{
	struct vn_route_path paths[VN_ECMP_MAX_PATHS + 1];
	struct vn_prefix p = PFX(203, 0, 113, 0, 24);
	struct vn_route_path via = {IP(10, 0, 1, 2), VN_IF_ANY};
	char buf[32];

	CU_ASSERT_EQUAL(vn_route_add_drop(&p), 0);
	CU_ASSERT_EQUAL(fp_type(IP(203, 0, 113, 9)), VN_ADJ_DROP);
	CU_ASSERT_STRING_EQUAL(vn_adj_format(VN_ADJ_INDEX_DROP, buf, sizeof(buf)), "drop");
	CU_ASSERT_STRING_EQUAL(vn_adj_format(VN_ADJ_INDEX_LOCAL, buf, sizeof(buf)), "local");
	CU_ASSERT_STRING_EQUAL(vn_adj_format(VN_ADJ_INDEX_UNREACH, buf, sizeof(buf)),
			       "unreachable");
	CU_ASSERT_EQUAL(vn_route_del(&p, &via), -ENOENT);
	CU_ASSERT_EQUAL(del(p), 0);
	CU_ASSERT_EQUAL(del(p), -ENOENT);
	CU_ASSERT_EQUAL(fp_type(IP(203, 0, 113, 9)), VN_ADJ_UNREACH);

	CU_ASSERT_EQUAL(vn_route_add(NULL, &via, 1), -EINVAL);
	CU_ASSERT_EQUAL(vn_route_add(&p, &via, 0), -EINVAL);
	CU_ASSERT_EQUAL(vn_route_add(&PFX(1, 0, 0, 0, 33), &via, 1), -EINVAL);
	CU_ASSERT_EQUAL(add_via(p, IP(10, 0, 1, 2), 63), -EINVAL); /* no such interface */
	for (uint32_t i = 0; i < VN_ARRAY_LEN(paths); i++)
		paths[i] = (struct vn_route_path){IP(10, 0, 1, 10 + i), lan0};
	CU_ASSERT_EQUAL(vn_route_add(&p, paths, VN_ARRAY_LEN(paths)), -ENOSPC);
	CU_ASSERT_EQUAL(vn_fib_get(&p, &(struct vn_route_info){0}), -ENOENT);
	/* Sixteen paths are fine, and a drop replaces them. */
	CU_ASSERT_EQUAL(vn_route_add(&p, paths, VN_ECMP_MAX_PATHS), 0);
	CU_ASSERT(vn_adj_count() == 3 + VN_ECMP_MAX_PATHS);
	CU_ASSERT_EQUAL(vn_route_add_drop(&p), 0);
	CU_ASSERT_EQUAL(fp_type(IP(203, 0, 113, 9)), VN_ADJ_DROP);
	CU_ASSERT_EQUAL(del(p), 0);
	assert_empty();
}

static void
test_interface_change(void)
{
	static const uint8_t new_mac[6] = {0x02, 0, 0, 0, 0xcc, 0x01};
	struct vn_interface *ifp = vn_interface_get(lan0);
	const struct vn_adj *a;
	uint32_t idx;

	lan0_up();
	CU_ASSERT_EQUAL(vn_neighbor_set(lan0, IP(10, 0, 1, 2), mac_h2, true), 0);
	CU_ASSERT_EQUAL(add_via(PFX(30, 0, 0, 0, 8), IP(10, 0, 1, 2), lan0), 0);
	a = fp_adj(IP(30, 1, 1, 1), 0);
	idx = a->index;
	assert_rewrite(a, mac_h2, mac_lan0);

	memcpy(ifp->mac, new_mac, 6);
	vn_fib_interface_changed(lan0);
	a = fp_adj(IP(30, 1, 1, 1), 0);
	CU_ASSERT_EQUAL(a->index, idx);
	assert_rewrite(a, mac_h2, new_mac);
	CU_ASSERT_EQUAL(vn_interface_set_mtu(lan0, 1400), 0);
	CU_ASSERT_EQUAL(fp_adj(IP(30, 1, 1, 1), 0)->mtu, 1400);
	CU_ASSERT_EQUAL(fp_adj(IP(10, 0, 1, 99), 0)->mtu, 1400); /* glean too */

	memcpy(ifp->mac, mac_lan0, 6);
	CU_ASSERT_EQUAL(vn_interface_set_mtu(lan0, 1500), 0);
	assert_rewrite(fp_adj(IP(30, 1, 1, 1), 0), mac_h2, mac_lan0);
	CU_ASSERT_EQUAL(del(PFX(30, 0, 0, 0, 8)), 0);
	CU_ASSERT_EQUAL(vn_neighbor_del(lan0, IP(10, 0, 1, 2)), 0);
	lan0_down();
	assert_empty();
}

/* Carrier lost or back, as the link poll would publish it: a virtual
 * interface's link is always up, so the snapshot is swapped by hand. */
static void
set_link(uint32_t if_index, bool up)
{
	struct vn_if_fp *fp = rte_zmalloc("test_fp", sizeof(*fp), RTE_CACHE_LINE_SIZE), *old;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	old = vn_if_fp_table[if_index];
	*fp = *old;
	fp->link_up = up;
	__atomic_store_n(&vn_if_fp_table[if_index], fp, __ATOMIC_RELEASE);
	rte_free(old); /* no reader thread in this test */
	vn_fib_interface_changed(if_index);
}

/* The interfaces the first 16 flow hashes of addr leave on, as a bitmap. */
static uint32_t
out_ifs(uint32_t addr)
{
	uint32_t ifs = 0;

	for (uint32_t h = 0; h < 16; h++) {
		const struct vn_adj *a = fp_adj(addr, h);
		if (a->type == VN_ADJ_REWRITE)
			ifs |= 1u << a->tx_if;
	}
	return ifs;
}

/* ECMP over two links: a link that goes down leaves the group, all flows
 * take the other, and it comes back with its link; a route whose only
 * path is down is unreachable meanwhile; recursive routes through the
 * down link's subnet follow. The link poll undoes a stale snapshot. */
static void
test_link_down(void)
{
	struct vn_prefix a1 = PFX(10, 0, 2, 1, 24);
	struct vn_route_path two[2] = {{IP(10, 0, 1, 2), lan0}, {IP(10, 0, 2, 9), lan1}};

	lan0_up();
	CU_ASSERT_EQUAL_FATAL(vn_interface_addr_add(lan1, &a1), 0);
	CU_ASSERT_EQUAL(vn_neighbor_set(lan0, IP(10, 0, 1, 2), mac_h2, true), 0);
	CU_ASSERT_EQUAL(vn_neighbor_set(lan1, IP(10, 0, 2, 9), mac_h9, true), 0);
	CU_ASSERT_EQUAL(vn_route_add(&PFX(30, 0, 0, 0, 8), two, 2), 0);
	CU_ASSERT_EQUAL(add_via(PFX(40, 0, 0, 0, 8), IP(10, 0, 2, 9), lan1), 0);
	CU_ASSERT_EQUAL(add_via(PFX(50, 0, 0, 0, 8), IP(10, 0, 2, 9), VN_IF_ANY), 0);
	/* Recursive through the connected subnet itself (no host route yet). */
	CU_ASSERT_EQUAL(add_via(PFX(70, 0, 0, 0, 8), IP(10, 0, 2, 77), VN_IF_ANY), 0);
	CU_ASSERT_EQUAL(fp_type(IP(70, 1, 1, 1)), VN_ADJ_INCOMPLETE);
	CU_ASSERT_EQUAL(vn_ecmp_count(), 1);
	CU_ASSERT_EQUAL(out_ifs(IP(30, 1, 1, 1)), 1u << lan0 | 1u << lan1);

	set_link(lan1, false);
	CU_ASSERT_EQUAL(vn_ecmp_count(), 0);
	CU_ASSERT_EQUAL(out_ifs(IP(30, 1, 1, 1)), 1u << lan0);
	CU_ASSERT_EQUAL(fp_type(IP(40, 1, 1, 1)), VN_ADJ_UNREACH);
	CU_ASSERT_EQUAL(fp_type(IP(50, 1, 1, 1)), VN_ADJ_UNREACH);
	CU_ASSERT_EQUAL(fp_type(IP(70, 1, 1, 1)), VN_ADJ_UNREACH);
	CU_ASSERT_EQUAL(fp_type(IP(10, 0, 1, 2)), VN_ADJ_REWRITE); /* lan0 untouched */

	set_link(lan0, false);
	CU_ASSERT_EQUAL(fp_type(IP(30, 1, 1, 1)), VN_ADJ_UNREACH);

	set_link(lan0, true);
	set_link(lan1, true);
	CU_ASSERT_EQUAL(vn_ecmp_count(), 1);
	CU_ASSERT_EQUAL(out_ifs(IP(30, 1, 1, 1)), 1u << lan0 | 1u << lan1);
	CU_ASSERT_EQUAL(fp_adj(IP(40, 1, 1, 1), 0)->tx_if, lan1);
	CU_ASSERT_EQUAL(fp_adj(IP(50, 1, 1, 1), 0)->tx_if, lan1);
	CU_ASSERT_EQUAL(fp_type(IP(70, 1, 1, 1)), VN_ADJ_INCOMPLETE);

	/* The poll reads the link (up: virtual) and republishes a stale snapshot. */
	set_link(lan1, false);
	CU_ASSERT_EQUAL(vn_ecmp_count(), 0);
	CU_ASSERT_EQUAL(vn_link_poll_now(), 1);
	CU_ASSERT_TRUE(vn_if_fp(lan1)->link_up);
	CU_ASSERT_EQUAL(vn_ecmp_count(), 1);
	CU_ASSERT_EQUAL(vn_link_poll_now(), 0);

	/* A route added while the link is down comes up with it. */
	set_link(lan1, false);
	CU_ASSERT_EQUAL(add_via(PFX(60, 0, 0, 0, 8), IP(10, 0, 2, 9), lan1), 0);
	CU_ASSERT_EQUAL(fp_type(IP(60, 1, 1, 1)), VN_ADJ_UNREACH);
	set_link(lan1, true);
	CU_ASSERT_EQUAL(fp_type(IP(60, 1, 1, 1)), VN_ADJ_REWRITE);

	CU_ASSERT_EQUAL(del(PFX(30, 0, 0, 0, 8)), 0);
	CU_ASSERT_EQUAL(del(PFX(40, 0, 0, 0, 8)), 0);
	CU_ASSERT_EQUAL(del(PFX(50, 0, 0, 0, 8)), 0);
	CU_ASSERT_EQUAL(del(PFX(60, 0, 0, 0, 8)), 0);
	CU_ASSERT_EQUAL(del(PFX(70, 0, 0, 0, 8)), 0);
	CU_ASSERT_EQUAL(vn_neighbor_del(lan0, IP(10, 0, 1, 2)), 0);
	CU_ASSERT_EQUAL(vn_neighbor_del(lan1, IP(10, 0, 2, 9)), 0);
	CU_ASSERT_EQUAL(vn_interface_addr_del(lan1, &a1), 0);
	lan0_down();
	assert_empty();
}

/* Only AF_PACKET vdevs ask the kernel; a veth that is gone is down. */
static void
test_link_kernel_state(void)
{
	CU_ASSERT_EQUAL(vn_link_kernel_state("net_af_packet0,iface=lo"), 1);
	CU_ASSERT_EQUAL(vn_link_kernel_state("net_af_packet1,qpairs=1,iface=lo,x=y"), 1);
	CU_ASSERT_EQUAL(vn_link_kernel_state("net_af_packet0,iface=vn-no-such0"), 0);
	CU_ASSERT_EQUAL(vn_link_kernel_state("net_af_packet0"), -1);
	CU_ASSERT_EQUAL(vn_link_kernel_state("net_null0"), -1);
	CU_ASSERT_EQUAL(vn_link_kernel_state("0000:03:00.0"), -1);
}

struct walk_ctx {
	uint32_t n;
	uint64_t last;
	bool ordered;
	uint32_t stop_at;
};

static int
walk_cb(const struct vn_route_info *r, void *arg)
{
	struct walk_ctx *w = arg;
	uint64_t k = (uint64_t)r->prefix.addr << 8 | r->prefix.len;

	if (w->n > 0 && k <= w->last)
		w->ordered = false;
	w->last = k;
	return ++w->n == w->stop_at;
}

static void
test_walk_order(void)
{
	static const struct vn_prefix ps[] = {
	    {IP(50, 0, 0, 0), 8},  {IP(40, 1, 0, 0), 16}, {IP(40, 0, 0, 0), 8},
	    {IP(40, 1, 2, 3), 32}, {IP(0, 0, 0, 0), 0},	  {IP(40, 1, 0, 0), 24},
	    {IP(255, 0, 0, 0), 8}, {IP(40, 1, 0, 0), 20},
	};
	struct walk_ctx w = {.ordered = true};

	for (uint32_t i = 0; i < VN_ARRAY_LEN(ps); i++)
		CU_ASSERT_EQUAL(vn_route_add_drop(&ps[i]), 0);
	CU_ASSERT_EQUAL(vn_fib_walk(walk_cb, &w), 0);
	CU_ASSERT_EQUAL(w.n, VN_ARRAY_LEN(ps));
	CU_ASSERT(w.ordered);
	w = (struct walk_ctx){.ordered = true, .stop_at = 3};
	CU_ASSERT_EQUAL(vn_fib_walk(walk_cb, &w), 0);
	CU_ASSERT_EQUAL(w.n, 3);
	for (uint32_t i = 0; i < VN_ARRAY_LEN(ps); i++)
		CU_ASSERT_EQUAL(vn_route_del(&ps[i], NULL), 0);
	assert_empty();
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Prefix i of a table: mostly /24s, every 16th a /28 (tbl8), every 64th a /20. */
static struct vn_prefix
scale_prefix(uint32_t i)
{
	uint32_t base = IP(100, 0, 0, 0) + (i << 8);

	if (i % 16 == 5)
		return (struct vn_prefix){base | 0x40, 28};
	if (i % 64 == 9)
		return (struct vn_prefix){IP(60, 0, 0, 0) + ((i / 64) << 12), 20};
	return (struct vn_prefix){base, 24};
}

static void
scale_run(uint32_t n, bool report)
{
	struct vn_route_path gw[3] = {
	    {IP(10, 0, 1, 2), lan0}, {IP(10, 0, 1, 3), VN_IF_ANY}, {IP(10, 0, 1, 4), lan0}};
	uint32_t failed = 0, adj_before;
	double t0, t_add, t_del;

	lan0_up();
	adj_before = vn_adj_count();
	t0 = now_s();
	for (uint32_t i = 0; i < n; i++) {
		struct vn_prefix p = scale_prefix(i);
		/* One in 8 routes is ECMP over two gateways. */
		failed += vn_route_add(&p, &gw[i % 2], i % 8 == 0 ? 2 : 1) != 0;
	}
	t_add = now_s() - t0;
	CU_ASSERT_EQUAL(failed, 0);
	CU_ASSERT_EQUAL(vn_fib_route_count(), n + 2);
	CU_ASSERT_EQUAL(vn_ecmp_count(), 1);
	CU_ASSERT_EQUAL(vn_adj_count(), adj_before + 2);
	for (uint32_t i = 1; i < n; i += 997) {
		struct vn_prefix p = scale_prefix(i);
		const struct vn_adj *a = fp_adj(p.addr | 1, 0);
		CU_ASSERT_EQUAL(a->nh, i % 8 == 0 ? a->nh : gw[i % 2].via);
	}
	/* The recursive via follows its cover: a neighbour appears for it. */
	CU_ASSERT_EQUAL(vn_neighbor_set(lan0, IP(10, 0, 1, 3), mac_h2, false), 0);
	CU_ASSERT_EQUAL(fp_adj(scale_prefix(1).addr, 0)->type, VN_ADJ_REWRITE);
	CU_ASSERT_EQUAL(vn_neighbor_del(lan0, IP(10, 0, 1, 3)), 0);
	t0 = now_s();
	for (uint32_t i = 0; i < n; i++) {
		struct vn_prefix p = scale_prefix(i);
		failed += vn_route_del(&p, NULL) != 0;
	}
	t_del = now_s() - t0;
	CU_ASSERT_EQUAL(failed, 0);
	CU_ASSERT_EQUAL(vn_fib_route_count(), 2);
	CU_ASSERT_EQUAL(vn_adj_count(), adj_before);
	lan0_down();
	assert_empty();
	if (report)
		printf(
		    "\n    %u routes: add %.3f s (%.0f routes/s), delete %.3f s (%.0f routes/s) ",
		    n, t_add, n / t_add, t_del, n / t_del);
}

static void
test_100k_add_del(void)
{
	scale_run(100000, false);
}

static void
test_1m_load_rate(void)
{
	scale_run(1000000, true);
}

static volatile bool reader_stop;
static uint64_t reader_lookups, reader_bad;

/* A worker: looks up and reads adjacencies, reporting quiescence between
 * rounds like the graph loop does. ASan catches any early free. */
static void *
reader_thread(void *arg)
{
	uint32_t x = 1;

	vn_rcu_thread_online(1);
	while (!__atomic_load_n(&reader_stop, __ATOMIC_RELAXED)) {
		for (uint32_t i = 0; i < 64; i++) {
			x = x * 1103515245 + 12345;
			const struct vn_adj *a = fp_adj(IP(40, 0, 0, 0) | (x >> 16 & 0xffff), x);
			uint32_t nh = a->nh;
			if (a->type > VN_ADJ_REWRITE ||
			    (a->type == VN_ADJ_REWRITE && a->rewrite[12] != 0x08) ||
			    (a->type >= VN_ADJ_INCOMPLETE && (nh >> 8) != IP(10, 0, 1, 0) >> 8))
				reader_bad++;
			reader_lookups++;
		}
		vn_rcu_quiescent(1);
	}
	vn_rcu_thread_offline(1);
	return NULL;
}

static void
test_concurrent_reader(void)
{
	struct vn_route_path two[2] = {{IP(10, 0, 1, 2), lan0}, {IP(10, 0, 1, 3), lan0}};
	pthread_t th;

	lan0_up();
	reader_stop = false;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, reader_thread, NULL), 0);
	for (uint32_t round = 0; round < 200; round++) {
		for (uint32_t i = 0; i < 64; i++) {
			struct vn_prefix p = {IP(40, 0, i, (round % 4) * 64), 26};
			bool ecmp = i % 3 == 0;
			CU_ASSERT_EQUAL(vn_route_add(&p, ecmp ? two : &two[i % 2], ecmp ? 2 : 1),
					0);
		}
		CU_ASSERT_EQUAL(vn_neighbor_set(lan0, IP(10, 0, 1, 2 + round % 2),
						round % 4 < 2 ? mac_h2 : mac_h9, false),
				0);
		for (uint32_t i = 0; i < 64; i++) {
			struct vn_prefix p = {IP(40, 0, i, (round % 4) * 64), 26};
			CU_ASSERT_EQUAL(vn_route_del(&p, NULL), 0);
		}
	}
	__atomic_store_n(&reader_stop, true, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	CU_ASSERT(reader_lookups > 0);
	CU_ASSERT_EQUAL(reader_bad, 0);
	vn_neighbor_del(lan0, IP(10, 0, 1, 2));
	vn_neighbor_del(lan0, IP(10, 0, 1, 3));
	lan0_down();
	assert_empty();
}

/* --- a table at its configured maximum ----------------------------------------- */

#define FULL_MAX 64

static int
full_init(void)
{
	return vn_fib_init(FULL_MAX) < 0 || vn_neighbor_init() < 0 ? -1 : 0;
}

/* Static /32s 10.9.0.0, 10.9.0.1, ... until the table holds FULL_MAX - spare. */
static void
fill(uint32_t spare)
{
	struct vn_route_path via = {IP(10, 0, 1, 2), lan0};

	for (uint32_t i = 0; vn_fib_route_count() < FULL_MAX - spare; i++) {
		struct vn_prefix p = {.addr = IP(10, 9, 0, 0) + i, .len = 32};
		CU_ASSERT_EQUAL_FATAL(vn_route_add(&p, &via, 1), 0);
	}
}

static void
unfill(void)
{
	for (uint32_t i = 0; i < FULL_MAX; i++)
		vn_route_del(&(struct vn_prefix){.addr = IP(10, 9, 0, 0) + i, .len = 32}, NULL);
}

/*
 * At the maximum every way a route is made is refused whole (-ENOSPC, the
 * CLI then says "route table full"), and nothing of it is left: no route, no
 * LPM entry, no adjacency; what was there is untouched, changes that need no
 * new route still work, and one delete makes room again.
 */
static void
test_full_refused_whole(void)
{
	struct vn_route_path via = {IP(10, 0, 1, 2), lan0}, via2 = {IP(10, 0, 1, 3), lan0};
	struct vn_prefix over = PFX(172, 16, 5, 0, 24), addr = PFX(192, 168, 7, 1, 24);
	struct vn_route_info r;
	uint32_t adjs;

	CU_ASSERT_EQUAL(vn_fib_route_max(), FULL_MAX);
	lan0_up();
	fill(0);
	adjs = vn_adj_count();
	CU_ASSERT_EQUAL(vn_fib_route_count(), FULL_MAX);
	CU_ASSERT_EQUAL(vn_route_add(&over, &via, 1), -ENOSPC);
	CU_ASSERT_EQUAL(vn_route_add_drop(&over), -ENOSPC);
	CU_ASSERT_EQUAL(vn_fib_get(&over, &r), -ENOENT);
	CU_ASSERT_EQUAL(fp_type(IP(172, 16, 5, 1)), VN_ADJ_UNREACH);
	CU_ASSERT_EQUAL(vn_adj_count(), adjs);
	/* An interface address needs two routes: refused, the address not kept. */
	CU_ASSERT_EQUAL(vn_interface_addr_add(lan1, &addr), -ENOSPC);
	CU_ASSERT_EQUAL(vn_interface_get(lan1)->n_addrs, 0);
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(192, 168, 7, 0, 24), &r), -ENOENT);
	CU_ASSERT_EQUAL(fp_type(IP(192, 168, 7, 1)), VN_ADJ_UNREACH);
	CU_ASSERT_EQUAL(vn_fib_route_count(), FULL_MAX);
	/* A second path on an existing route needs no new route. */
	CU_ASSERT_EQUAL(vn_route_add(&PFX(10, 9, 0, 0, 32), &via2, 1), 0);
	CU_ASSERT_EQUAL(vn_fib_get(&PFX(10, 9, 0, 0, 32), &r), 0);
	CU_ASSERT_EQUAL(r.n_paths, 2);
	CU_ASSERT_EQUAL(vn_route_del(&PFX(10, 9, 0, 0, 32), &via2), 0);
	/* One delete makes room for one route. */
	CU_ASSERT_EQUAL(vn_route_del(&PFX(10, 9, 0, 1, 32), NULL), 0);
	CU_ASSERT_EQUAL(vn_route_add(&over, &via, 1), 0);
	CU_ASSERT_EQUAL(fp_type(IP(172, 16, 5, 1)), fp_type(IP(10, 9, 0, 2)));
	CU_ASSERT_EQUAL(vn_route_add(&PFX(172, 16, 6, 0, 24), &via, 1), -ENOSPC);
	CU_ASSERT_EQUAL(vn_route_del(&over, NULL), 0);
	unfill();
	lan0_down();
	assert_empty();
}

/*
 * An interface address whose connected prefix a static route holds, in a
 * full table: the connected route would take the static one's place and
 * the local route then find no room, and the static route could not be
 * given back. Refused before anything changes: the static route is still
 * there and still forwards.
 */
static void
test_full_address_keeps_static(void)
{
	struct vn_route_path via = {IP(10, 0, 1, 2), lan0};
	struct vn_prefix net = PFX(192, 168, 8, 0, 24), addr = PFX(192, 168, 8, 1, 24);
	struct vn_route_info r;

	lan0_up();
	CU_ASSERT_EQUAL(vn_route_add(&net, &via, 1), 0);
	fill(0);
	CU_ASSERT_EQUAL(vn_interface_addr_add(lan1, &addr), -ENOSPC);
	CU_ASSERT_EQUAL(vn_fib_get(&net, &r), 0);
	CU_ASSERT_EQUAL(r.source, VN_ROUTE_STATIC);
	CU_ASSERT_EQUAL(r.paths[0].via, IP(10, 0, 1, 2));
	CU_ASSERT_EQUAL(fp_adj(IP(192, 168, 8, 9), 0)->tx_if, lan0);
	CU_ASSERT_EQUAL(vn_interface_get(lan1)->n_addrs, 0);
	CU_ASSERT_EQUAL(vn_fib_route_count(), FULL_MAX);
	/* With room for the local route, the address takes the prefix. */
	CU_ASSERT_EQUAL(vn_route_del(&PFX(10, 9, 0, 1, 32), NULL), 0);
	CU_ASSERT_EQUAL(vn_interface_addr_add(lan1, &addr), 0);
	CU_ASSERT_EQUAL(vn_fib_get(&net, &r), 0);
	CU_ASSERT_EQUAL(r.source, VN_ROUTE_CONNECTED);
	CU_ASSERT_EQUAL(vn_interface_addr_del(lan1, &addr), 0);
	unfill();
	lan0_down();
	assert_empty();
}

/*
 * Neighbours' host routes have room of their own: a table full of static
 * routes still reaches the next neighbour learned, and a static route that
 * would take a host route's place needs room of the operator's kind.
 */
static void
test_full_neighbor_reached(void)
{
	struct vn_route_path via = {IP(10, 0, 1, 2), lan0};
	const struct vn_adj *a;

	lan0_up();
	fill(0);
	CU_ASSERT_EQUAL(vn_fib_route_room(), 0);
	CU_ASSERT_EQUAL(vn_neighbor_set(lan0, IP(10, 0, 1, 7), mac_h9, false), 0);
	a = fp_adj(IP(10, 0, 1, 7), 0);
	CU_ASSERT_EQUAL(a->type, VN_ADJ_REWRITE);
	CU_ASSERT_EQUAL(memcmp(a->rewrite, mac_h9, 6), 0);
	CU_ASSERT_EQUAL(vn_fib_route_count(), FULL_MAX + 1);
	CU_ASSERT_EQUAL(vn_route_add(&PFX(10, 0, 1, 7, 32), &via, 1), -ENOSPC);
	CU_ASSERT_EQUAL(fp_adj(IP(10, 0, 1, 7), 0)->type, VN_ADJ_REWRITE);
	CU_ASSERT_EQUAL(vn_neighbor_del(lan0, IP(10, 0, 1, 7)), 0);
	CU_ASSERT_EQUAL(vn_fib_route_count(), FULL_MAX);
	unfill();
	lan0_down();
	assert_empty();
}

int
main(void)
{
	CU_TestInfo tests[] = {
	    {"connected and local routes", test_connected_local},
	    {"host route on neighbour", test_host_route_on_neighbor},
	    {"longest prefix wins", test_longest_prefix},
	    {"incomplete, rewrite, same index", test_incomplete_then_rewrite},
	    {"recursive routes follow their cover", test_recursive},
	    {"ECMP", test_ecmp},
	    {"drop route and errors", test_drop_and_errors},
	    {"interface MAC/MTU change", test_interface_change},
	    {"link down: paths leave routes and ECMP", test_link_down},
	    {"link state of AF_PACKET devices", test_link_kernel_state},
	    {"walk in prefix order", test_walk_order},
	    {"reader thread during changes (RCU)", test_concurrent_reader},
	    {"100k routes add/del, no leaks", test_100k_add_del},
	    {"1M routes load rate", test_1m_load_rate},
	    CU_TEST_INFO_NULL,
	};
	CU_TestInfo full_tests[] = {
	    {"at the maximum: every add refused whole", test_full_refused_whole},
	    {"at the maximum: an address does not evict a static route", test_full_address_keeps_static},
	    {"at the maximum: a new neighbour is still reached", test_full_neighbor_reached},
	    CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
	    {"fib", suite_init, suite_fini, NULL, NULL, tests},
	    /* After "fib": its interfaces, a table of FULL_MAX routes of its own. */
	    {"fib at its maximum", full_init, suite_fini, NULL, NULL, full_tests},
	    CU_SUITE_INFO_NULL,
	};

	return vn_test_run(suites);
}
