/*
 * Neighbour table: static/dynamic precedence, the learn ring from workers,
 * walk order, flushes, and what each change does to the FIB adjacency; one
 * table for both families, where only IPv6 entries age.
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <rte_lpm.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/neighbor6.h>
#include <vecnet/rcu.h>

#include "vn_test.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const uint8_t mac_if[6] = {0x02, 0, 0, 0, 0xaa, 0x00};
static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0x01, 0x0a};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0x01, 0x0b};
static const uint8_t mac_c[6] = {0x02, 0, 0, 0, 0x01, 0x0c};
static uint32_t nif0, nif1;

static int
suite_init(void)
{
	struct vn_prefix a = {IP(10, 0, 1, 1), 24};

	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0)
		return -1;
	if (vn_interface_create_virtual("nb0", mac_if, 1500, &nif0) < 0 ||
	    vn_interface_create_virtual("nb1", mac_if, 1500, &nif1) < 0)
		return -1;
	if (vn_fib_init(1024) < 0 || vn_neighbor_init() < 0)
		return -1;
	return vn_interface_addr_add(nif0, &a) < 0 ? -1 : 0;
}

static int
suite_fini(void)
{
	vn_neighbor_fini();
	vn_fib_fini();
	return 0;
}

/* The adjacency a packet to addr would use. */
static const struct vn_adj *
fp_adj(uint32_t addr)
{
	uint32_t nh;

	if (rte_lpm_lookup(vn_fib_lpm, addr, &nh) != 0)
		return vn_adj_get(VN_ADJ_INDEX_UNREACH);
	return vn_fib_adj(nh, 0);
}

static void
test_set_get_del(void)
{
	struct vn_neighbor_info n;
	uint8_t bad_if_mac[6] = {0};

	CU_ASSERT_EQUAL(vn_neighbor_get(nif0, IP(10, 0, 1, 2), &n), -ENOENT);
	CU_ASSERT_EQUAL(vn_neighbor_set(nif0, IP(10, 0, 1, 2), mac_a, false), 0);
	CU_ASSERT_EQUAL(vn_neighbor_get(nif0, IP(10, 0, 1, 2), &n), 0);
	CU_ASSERT_EQUAL(n.if_index, nif0);
	CU_ASSERT_EQUAL(n.addr, IP(10, 0, 1, 2));
	CU_ASSERT_EQUAL(memcmp(n.mac, mac_a, 6), 0);
	CU_ASSERT_FALSE(n.is_static);
	CU_ASSERT(n.updated_ms > 0);
	CU_ASSERT_EQUAL(vn_neighbor_count(), 1);
	CU_ASSERT_EQUAL(fp_adj(IP(10, 0, 1, 2))->type, VN_ADJ_REWRITE);
	CU_ASSERT_EQUAL(memcmp(fp_adj(IP(10, 0, 1, 2))->rewrite, mac_a, 6), 0);

	CU_ASSERT_EQUAL(vn_neighbor_set(nif0, IP(10, 0, 1, 2), NULL, false), -EINVAL);
	CU_ASSERT_EQUAL(vn_neighbor_set(63, IP(10, 0, 1, 2), bad_if_mac, false), -ENODEV);
	CU_ASSERT_EQUAL(vn_neighbor_del(nif0, IP(10, 0, 1, 2)), 0);
	CU_ASSERT_EQUAL(vn_neighbor_del(nif0, IP(10, 0, 1, 2)), -ENOENT);
	CU_ASSERT_EQUAL(fp_adj(IP(10, 0, 1, 2))->type, VN_ADJ_GLEAN);
	CU_ASSERT_EQUAL(vn_neighbor_count(), 0);
}

static void
test_static_precedence(void)
{
	struct vn_neighbor_info n;

	/* Static replaces dynamic. */
	CU_ASSERT_EQUAL(vn_neighbor_set(nif0, IP(10, 0, 1, 3), mac_a, false), 0);
	CU_ASSERT_EQUAL(vn_neighbor_set(nif0, IP(10, 0, 1, 3), mac_b, true), 0);
	CU_ASSERT_EQUAL(vn_neighbor_get(nif0, IP(10, 0, 1, 3), &n), 0);
	CU_ASSERT(n.is_static);
	CU_ASSERT_EQUAL(memcmp(n.mac, mac_b, 6), 0);
	CU_ASSERT_EQUAL(memcmp(fp_adj(IP(10, 0, 1, 3))->rewrite, mac_b, 6), 0);
	/* Dynamic never replaces static: neither set nor learning. */
	CU_ASSERT_EQUAL(vn_neighbor_set(nif0, IP(10, 0, 1, 3), mac_c, false), -EEXIST);
	CU_ASSERT(vn_neighbor_post_learn(nif0, IP(10, 0, 1, 3), mac_c));
	CU_ASSERT_EQUAL(vn_neighbor_process_learned(), 1);
	CU_ASSERT_EQUAL(vn_neighbor_get(nif0, IP(10, 0, 1, 3), &n), 0);
	CU_ASSERT(n.is_static);
	CU_ASSERT_EQUAL(memcmp(n.mac, mac_b, 6), 0);
	CU_ASSERT_EQUAL(memcmp(fp_adj(IP(10, 0, 1, 3))->rewrite, mac_b, 6), 0);
	/* Static replaces static. */
	CU_ASSERT_EQUAL(vn_neighbor_set(nif0, IP(10, 0, 1, 3), mac_c, true), 0);
	CU_ASSERT_EQUAL(memcmp(fp_adj(IP(10, 0, 1, 3))->rewrite, mac_c, 6), 0);
	CU_ASSERT_EQUAL(vn_neighbor_del(nif0, IP(10, 0, 1, 3)), 0);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = ms * 1000000};
	nanosleep(&ts, NULL);
}

#define LEARN_THREADS 4
#define LEARN_PER_THREAD 500

static void *
learn_thread(void *arg)
{
	uint32_t t = (uint32_t)(uintptr_t)arg;

	for (uint32_t i = 0; i < LEARN_PER_THREAD; i++) {
		uint8_t mac[6] = {0x02, 0, 0, (uint8_t)t, (uint8_t)(i >> 8), (uint8_t)i};
		while (!vn_neighbor_post_learn(nif1, IP(172, 16 + t, i >> 8, i & 0xff), mac))
			;
	}
	return NULL;
}

static void
test_learn_ring(void)
{
	struct vn_neighbor_info n;
	pthread_t th[LEARN_THREADS];
	uint64_t t0;

	/* New binding, then the same MAC again: only a refresh. */
	CU_ASSERT(vn_neighbor_post_learn(nif0, IP(10, 0, 1, 4), mac_a));
	CU_ASSERT_EQUAL(vn_neighbor_count(), 0); /* nothing until the main thread drains */
	CU_ASSERT_EQUAL(vn_neighbor_process_learned(), 1);
	CU_ASSERT_EQUAL(vn_neighbor_get(nif0, IP(10, 0, 1, 4), &n), 0);
	CU_ASSERT_FALSE(n.is_static);
	CU_ASSERT_EQUAL(memcmp(fp_adj(IP(10, 0, 1, 4))->rewrite, mac_a, 6), 0);
	t0 = n.updated_ms;
	sleep_ms(5);
	CU_ASSERT(vn_neighbor_post_learn(nif0, IP(10, 0, 1, 4), mac_a));
	CU_ASSERT_EQUAL(vn_neighbor_process_learned(), 1);
	CU_ASSERT_EQUAL(vn_neighbor_get(nif0, IP(10, 0, 1, 4), &n), 0);
	CU_ASSERT(n.updated_ms >= t0 + 4);
	/* A moved host: the learned MAC replaces the dynamic one. */
	CU_ASSERT(vn_neighbor_post_learn(nif0, IP(10, 0, 1, 4), mac_b));
	CU_ASSERT_EQUAL(vn_neighbor_process_learned(), 1);
	CU_ASSERT_EQUAL(memcmp(fp_adj(IP(10, 0, 1, 4))->rewrite, mac_b, 6), 0);
	CU_ASSERT_EQUAL(vn_neighbor_del(nif0, IP(10, 0, 1, 4)), 0);
	CU_ASSERT_EQUAL(vn_neighbor_process_learned(), 0);

	/* Several producers at once: nothing lost, nothing duplicated. */
	for (uint32_t t = 0; t < LEARN_THREADS; t++)
		pthread_create(&th[t], NULL, learn_thread, (void *)(uintptr_t)t);
	uint32_t got = 0;
	for (uint32_t spins = 0; got < LEARN_THREADS * LEARN_PER_THREAD && spins < 100000; spins++)
		got += vn_neighbor_process_learned();
	for (uint32_t t = 0; t < LEARN_THREADS; t++)
		pthread_join(th[t], NULL);
	got += vn_neighbor_process_learned();
	CU_ASSERT_EQUAL(got, LEARN_THREADS * LEARN_PER_THREAD);
	CU_ASSERT_EQUAL(vn_neighbor_count(), LEARN_THREADS * LEARN_PER_THREAD);
	CU_ASSERT_EQUAL(vn_neighbor_get(nif1, IP(172, 18, 1, 7), &n), 0);
	CU_ASSERT_EQUAL(n.mac[3], 2);
	CU_ASSERT_EQUAL(n.mac[5], 7);
	vn_neighbor_flush_interface(nif1);
	CU_ASSERT_EQUAL(vn_neighbor_count(), 0);
}

struct walk_ctx {
	uint32_t n;
	uint64_t last;
	bool ordered;
};

static void
walk_cb(const struct vn_neighbor_info *n, void *arg)
{
	struct walk_ctx *w = arg;
	uint64_t k = (uint64_t)n->if_index << 32 | n->addr;

	if (w->n++ > 0 && k <= w->last)
		w->ordered = false;
	w->last = k;
}

static void
test_walk_and_flush(void)
{
	static const uint32_t addrs[] = {IP(10, 0, 1, 9), IP(10, 0, 1, 2), IP(192, 168, 1, 1),
					 IP(10, 0, 1, 200), IP(1, 1, 1, 1)};
	struct walk_ctx w = {.ordered = true};

	for (uint32_t i = 0; i < VN_ARRAY_LEN(addrs); i++) {
		CU_ASSERT_EQUAL(vn_neighbor_set(nif1, addrs[i], mac_a, i % 2), 0);
		CU_ASSERT_EQUAL(vn_neighbor_set(nif0, addrs[i], mac_b, false), 0);
	}
	CU_ASSERT_EQUAL(vn_neighbor_count(), 2 * VN_ARRAY_LEN(addrs));
	vn_neighbor_walk(walk_cb, &w);
	CU_ASSERT_EQUAL(w.n, 2 * VN_ARRAY_LEN(addrs));
	CU_ASSERT(w.ordered);
	/* Host routes exist for nif0's subnet only. */
	CU_ASSERT_EQUAL(fp_adj(IP(10, 0, 1, 200))->type, VN_ADJ_REWRITE);
	vn_neighbor_flush_interface(nif0);
	CU_ASSERT_EQUAL(vn_neighbor_count(), VN_ARRAY_LEN(addrs));
	CU_ASSERT_EQUAL(fp_adj(IP(10, 0, 1, 200))->type, VN_ADJ_GLEAN);
	CU_ASSERT_EQUAL(vn_neighbor_get(nif1, IP(10, 0, 1, 200), NULL), 0);
	vn_neighbor_flush_interface(nif1);
	CU_ASSERT_EQUAL(vn_neighbor_count(), 0);
	/* Only the connected and local routes remain, and their adjacencies. */
	CU_ASSERT_EQUAL(vn_fib_route_count(), 2);
	CU_ASSERT_EQUAL(vn_adj_count(), 4);
}

static uint64_t fake_ms;

static uint64_t
fake_clock(void)
{
	return fake_ms;
}

struct af_walk {
	uint32_t n;
	uint8_t af[4];
	uint8_t mac5[4];
};

static void
af_walk_cb(const struct vn_nbr *n, void *arg)
{
	struct af_walk *w = arg;

	if (w->n < 4) {
		w->af[w->n] = n->af;
		w->mac5[w->n] = n->mac[5];
	}
	w->n++;
}

/* ARP and ND entries share one table: the family is part of the key, one
 * ring carries both learnings, one state machine ages only the family that
 * probes (IPv6), one flush empties an interface of both. */
static void
test_both_families(void)
{
	union vn_nbr_addr a4 = {.ip4 = IP(10, 0, 1, 20)}, a6 = {0}, same = a4, mcast = {0};
	struct vn_nd6_config nd;
	struct af_walk w = {0};
	struct vn_nbr n;

	CU_ASSERT_EQUAL_FATAL(vn_parse_ip6("2001:db8::20", &a6.ip6), 0);
	CU_ASSERT_EQUAL_FATAL(vn_parse_ip6("ff02::1", &mcast.ip6), 0);
	/* `same` as IPv6 has the IPv4 entry's 16 bytes: another entry all the same. */
	CU_ASSERT_EQUAL(vn_nbr_set(VN_NBR_IP4, nif0, &a4, mac_a, false), 0);
	CU_ASSERT_EQUAL(vn_nbr_set(VN_NBR_IP6, nif0, &same, mac_b, false), 0);
	CU_ASSERT_EQUAL(vn_nbr_set(VN_NBR_IP6, nif0, &a6, mac_c, true), 0);
	CU_ASSERT_EQUAL(vn_nbr_count(VN_NBR_IP4), 1);
	CU_ASSERT_EQUAL(vn_nbr_count(VN_NBR_IP6), 2);
	CU_ASSERT_EQUAL(vn_nbr_count(VN_NBR_AF_ANY), 3);
	CU_ASSERT_EQUAL(vn_neighbor_count(), 1);
	CU_ASSERT_EQUAL(vn_neighbor6_count(), 2);
	CU_ASSERT_EQUAL(vn_nbr_get(VN_NBR_IP4, nif0, &a4, &n), 0);
	CU_ASSERT_EQUAL(n.mac[5], mac_a[5]);
	CU_ASSERT_EQUAL(vn_nbr_get(VN_NBR_IP6, nif0, &same, &n), 0);
	CU_ASSERT_EQUAL(n.mac[5], mac_b[5]);
	CU_ASSERT_EQUAL(vn_neighbor6_get(nif0, &a6.ip6, NULL), 0);
	CU_ASSERT_EQUAL(vn_nbr_get(VN_NBR_IP4, nif1, &a4, NULL), -ENOENT);
	CU_ASSERT_EQUAL(vn_nbr_set(VN_NBR_AF_N, nif0, &a4, mac_a, false), -EINVAL);
	CU_ASSERT_EQUAL(vn_nbr_set(VN_NBR_IP6, nif0, &mcast, mac_a, false), -EINVAL);
	CU_ASSERT_EQUAL(vn_nbr_del(VN_NBR_IP6, nif0, &mcast), -ENOENT);

	/* IPv4 first, then IPv6 in address order. */
	vn_nbr_walk(VN_NBR_AF_ANY, af_walk_cb, &w);
	CU_ASSERT_EQUAL(w.n, 3);
	CU_ASSERT(w.af[0] == VN_NBR_IP4 && w.af[1] == VN_NBR_IP6 && w.af[2] == VN_NBR_IP6);
	CU_ASSERT(w.mac5[0] == mac_a[5] && w.mac5[1] == mac_b[5] && w.mac5[2] == mac_c[5]);

	/* One ring: an ARP binding replaces, an NA without override does not. */
	CU_ASSERT(vn_nbr_post_learn(VN_NBR_IP4, nif0, &a4, mac_c, 0));
	CU_ASSERT(vn_nbr_post_learn(VN_NBR_IP6, nif0, &same, mac_c, VN_ND_LEARN_NA));
	CU_ASSERT_EQUAL(vn_neighbor_process_learned(), 2);
	CU_ASSERT_EQUAL(vn_nbr_get(VN_NBR_IP4, nif0, &a4, &n), 0);
	CU_ASSERT_EQUAL(n.mac[5], mac_c[5]);
	CU_ASSERT_EQUAL(vn_nbr_get(VN_NBR_IP6, nif0, &same, &n), 0);
	CU_ASSERT_EQUAL(n.mac[5], mac_b[5]);

	/* A confirmed IPv6 entry goes STALE after ReachableTime; ARP's stays. */
	vn_nd6_config_get(&nd);
	fake_ms = 1000000;
	vn_neighbor6_set_clock(fake_clock);
	CU_ASSERT(vn_nbr_post_learn(VN_NBR_IP6, nif0, &same, mac_b,
				    VN_ND_LEARN_NA | VN_ND_LEARN_CONFIRMED));
	CU_ASSERT(vn_nbr_post_learn(VN_NBR_IP4, nif0, &a4, mac_c, 0));
	CU_ASSERT_EQUAL(vn_neighbor_process_learned(), 2);
	CU_ASSERT_EQUAL(vn_nbr_get(VN_NBR_IP6, nif0, &same, &n), 0);
	CU_ASSERT_EQUAL(n.state, VN_ND_REACHABLE);
	fake_ms += nd.reachable_ms + 1000;
	vn_neighbor_process_learned();
	CU_ASSERT_EQUAL(vn_nbr_get(VN_NBR_IP6, nif0, &same, &n), 0);
	CU_ASSERT_EQUAL(n.state, VN_ND_STALE);
	CU_ASSERT_EQUAL(vn_nbr_get(VN_NBR_IP4, nif0, &a4, &n), 0);
	CU_ASSERT_EQUAL(n.state, VN_ND_REACHABLE);
	fake_ms += 10 * (uint64_t)nd.reachable_ms;
	vn_neighbor_process_learned();
	CU_ASSERT_EQUAL(vn_nbr_get(VN_NBR_IP4, nif0, &a4, &n), 0);
	CU_ASSERT_EQUAL(n.state, VN_ND_REACHABLE);
	vn_neighbor6_set_clock(NULL);

	vn_neighbor_flush_interface(nif0);
	CU_ASSERT_EQUAL(vn_nbr_count(VN_NBR_AF_ANY), 0);
}

int
main(void)
{
	CU_TestInfo tests[] = {
	    {"set, get, delete", test_set_get_del},
	    {"static beats dynamic", test_static_precedence},
	    {"learn ring round trip", test_learn_ring},
	    {"walk order and flush", test_walk_and_flush},
	    {"both families in one table", test_both_families},
	    CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
	    {"neighbor", suite_init, suite_fini, NULL, NULL, tests},
	    CU_SUITE_INFO_NULL,
	};

	return vn_test_run(suites);
}
