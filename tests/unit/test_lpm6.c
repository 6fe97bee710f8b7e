/*
 * The IPv6 LPM table (engine/net/lpm6.c, include/vecnet/net/lpm6.h) against
 * a reference that scans every prefix: random sets, replaces and clears of
 * prefixes clustered so they share groups, every length 0-128, each step
 * checked by single and bulk lookups of addresses at and around the
 * prefixes; then the group pool comes back whole. Also: a full pool refuses
 * a set and changes nothing; a reader thread during changes never sees a
 * next hop that no prefix gave.
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vecnet/net/fib6.h>
#include <vecnet/rcu.h>

#include "net/fib_priv.h"
#include "vn_test.h"

#define REF_MAX 4096
#define GROUPS 8192

struct ref {
	struct vn_ip6 addr;
	uint8_t len;
	uint32_t nh;
};

static struct ref ref[REF_MAX];
static uint32_t n_ref;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static bool
ref_holds(const struct ref *r, const struct vn_ip6 *a)
{
	struct vn_ip6 m = *a;

	vn_ip6_mask(&m, r->len);
	return vn_ip6_eq(&m, &r->addr);
}

/* The longest prefix holding a (shorter than max_len), or -1. */
static int
ref_match(const struct vn_ip6 *a, int max_len)
{
	int best = -1;

	for (uint32_t i = 0; i < n_ref; i++)
		if (ref[i].len < max_len && ref_holds(&ref[i], a) &&
		    (best < 0 || ref[i].len > ref[best].len))
			best = (int)i;
	return best;
}

static uint32_t
ref_lookup(const struct vn_ip6 *a)
{
	int i = ref_match(a, 129);

	return i < 0 ? VN_ADJ_INDEX_UNREACH : ref[i].nh;
}

static int
ref_find(const struct vn_ip6 *a, uint8_t len)
{
	for (uint32_t i = 0; i < n_ref; i++)
		if (ref[i].len == len && vn_ip6_eq(&ref[i].addr, a))
			return (int)i;
	return -1;
}

/* Prefixes in a few clusters (2001:db8:C::/48 with C < 4, and 2001:db9::/32),
 * so they nest and share groups; lengths weighted to the usual ones. */
static void
random_prefix(struct vn_ip6 *a, uint8_t *len)
{
	/* /0 and /1 rarely: each writes all 16M first-level entries. */
	static const uint8_t lens[] = {16, 23, 24, 25, 31, 32, 33,  40,  47,  48, 48,
				       48, 49, 56, 63, 64, 64, 65, 96, 120, 127, 128};

	memset(a, 0, sizeof(*a));
	a->b[0] = 0x20;
	a->b[1] = 0x01;
	a->b[2] = 0x0d;
	a->b[3] = rnd() & 1 ? 0xb8 : 0xb9;
	a->b[5] = rnd() & 3;
	for (int i = 6; i < 16; i++)
		a->b[i] = rnd() & 1 ? (uint8_t)rnd() : 0;
	*len = rnd() % 128 == 0 ? rnd() % 2 : lens[rnd() % sizeof(lens)];
	vn_ip6_mask(a, *len);
}

/* An address at, inside or just past a known prefix, or anywhere. */
static void
probe_addr(struct vn_ip6 *a)
{
	uint32_t k = rnd() % 4;

	if (n_ref == 0 || k == 0) {
		random_prefix(a, &(uint8_t){0});
		for (int i = 4; i < 16; i++)
			a->b[i] = (uint8_t)rnd();
		return;
	}
	const struct ref *r = &ref[rnd() % n_ref];

	*a = r->addr;
	if (k >= 2) /* random host bits */
		for (int bit = r->len; bit < 128; bit++)
			if (rnd() & 1)
				a->b[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
	if (k == 3 && r->len > 0) { /* the neighbouring prefix */
		int bit = r->len - 1;
		a->b[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
	}
}

static uint32_t n_checked, n_wrong;

static void
check_lookups(uint32_t n)
{
	struct vn_ip6 a[64];
	const uint8_t *ap[64];
	uint32_t nh[64];

	for (uint32_t done = 0; done < n; done += 64) {
		for (uint32_t i = 0; i < 64; i++) {
			probe_addr(&a[i]);
			ap[i] = a[i].b;
		}
		vn_lpm6_lookup_bulk(vn_fib6, ap, nh, 64);
		for (uint32_t i = 0; i < 64; i++) {
			uint32_t want = ref_lookup(&a[i]);

			n_checked++;
			if (nh[i] != want || vn_lpm6_lookup(vn_fib6, a[i].b) != want)
				n_wrong++;
		}
	}
}

static void
ref_set(const struct vn_ip6 *a, uint8_t len, uint32_t nh)
{
	int i = ref_find(a, len);

	CU_ASSERT_EQUAL_FATAL(vn_lpm6_set(a, len, nh), 0);
	if (i >= 0) {
		ref[i].nh = nh;
	} else {
		CU_ASSERT_FATAL(n_ref < REF_MAX);
		ref[n_ref++] = (struct ref){.addr = *a, .len = len, .nh = nh};
	}
}

static void
ref_clear(uint32_t i)
{
	struct ref r = ref[i];
	int c;

	ref[i] = ref[--n_ref];
	c = ref_match(&r.addr, r.len);
	vn_lpm6_clear(&r.addr, r.len, c < 0 ? -1 : ref[c].len, c < 0 ? 0 : ref[c].nh);
}

static void
clear_all(void)
{
	while (n_ref)
		ref_clear(rnd() % n_ref);
}

static void
test_boundaries(void)
{
	static const uint8_t lens[] = {0, 1, 23, 24, 25, 31, 32, 33, 47, 48, 64, 100, 127, 128};
	struct vn_ip6 a;

	n_checked = n_wrong = 0;
	/* Nested prefixes of one address, set short to long, then long to short. */
	memset(&a, 0xa5, sizeof(a));
	for (uint32_t i = 0; i < sizeof(lens); i++) {
		struct vn_ip6 p = a;

		vn_ip6_mask(&p, lens[i]);
		ref_set(&p, lens[i], 100 + i);
		check_lookups(256);
	}
	CU_ASSERT_EQUAL(vn_lpm6_lookup(vn_fib6, a.b), 100 + sizeof(lens) - 1);
	clear_all();
	CU_ASSERT_EQUAL(vn_lpm6_lookup(vn_fib6, a.b), VN_ADJ_INDEX_UNREACH);
	for (uint32_t i = sizeof(lens); i-- > 0;) {
		struct vn_ip6 p = a;

		vn_ip6_mask(&p, lens[i]);
		ref_set(&p, lens[i], 200 + i);
		check_lookups(256);
	}
	CU_ASSERT_EQUAL(vn_lpm6_lookup(vn_fib6, a.b), 200 + sizeof(lens) - 1);
	/* Clearing the middle gives its entries to the next shorter prefix. */
	ref_clear((uint32_t)ref_find(&(struct vn_ip6){0}, 0));
	check_lookups(512);
	clear_all();
	CU_ASSERT_EQUAL(n_wrong, 0);
	CU_ASSERT_EQUAL(vn_lpm6_groups_used(), 0);
}

/* Sibling prefixes with one next hop fill a group alike (here after a longer
 * prefix inside one of them left): it must not fold into its parent, or
 * clearing one sibling would take the other with it. */
static void
test_siblings_one_next_hop(void)
{
	static const uint8_t lens[] = {25, 33, 49, 65, 128};

	n_checked = n_wrong = 0;
	for (uint32_t i = 0; i < sizeof(lens); i++) {
		struct vn_ip6 a = {.b = {0x20, 0x01, 0x0d}}, b; /* 2001:d00::, bit 24 on clear */

		b = a;
		b.b[(lens[i] - 1) / 8] |= (uint8_t)(0x80 >> ((lens[i] - 1) % 8));
		ref_set(&a, lens[i], 42);
		ref_set(&b, lens[i], 42);
		if (lens[i] < 128) { /* a longer prefix inside a comes and goes first */
			ref_set(&a, lens[i] + 1, 7);
			ref_clear((uint32_t)ref_find(&a, lens[i] + 1));
		}
		ref_clear((uint32_t)ref_find(&a, lens[i]));
		CU_ASSERT_EQUAL(vn_lpm6_lookup(vn_fib6, b.b), 42);
		CU_ASSERT_EQUAL(vn_lpm6_lookup(vn_fib6, a.b), VN_ADJ_INDEX_UNREACH);
		check_lookups(256);
		clear_all();
	}
	CU_ASSERT_EQUAL(n_wrong, 0);
	CU_ASSERT_EQUAL(vn_lpm6_groups_used(), 0);
}

static void
test_random_vs_reference(void)
{
	n_checked = n_wrong = 0;
	for (uint32_t round = 0; round < 3; round++) {
		for (uint32_t op = 0; op < 3000; op++) {
			struct vn_ip6 a;
			uint8_t len;
			uint32_t k = rnd() % 10;

			if (k < 6 || n_ref < 16) {
				random_prefix(&a, &len);
				ref_set(&a, len, 16 + rnd() % (1u << 23));
			} else if (k < 8) {
				ref_clear(rnd() % n_ref);
			} else { /* a new next hop for an existing prefix */
				struct ref *r = &ref[rnd() % n_ref];
				ref_set(&r->addr, r->len, 16 + rnd() % (1u << 23));
			}
			if (op % 16 == 0)
				check_lookups(64);
		}
		check_lookups(4096);
		clear_all();
		check_lookups(256);
		CU_ASSERT_EQUAL(vn_lpm6_groups_used(), 0);
	}
	CU_ASSERT_EQUAL(n_wrong, 0);
	CU_ASSERT(n_checked > 30000);
}

/* A set that needs more groups than are free is refused and changes nothing;
 * one that needs none still goes in. */
static void
test_full_pool(void)
{
	struct vn_ip6 a, b;
	uint32_t used;

	n_checked = n_wrong = 0;
	memset(&a, 0x11, sizeof(a));
	memset(&b, 0x22, sizeof(b));
	ref_set(&a, 128, 7); /* 13 groups */
	/* Fill the pool with /128s that share nothing below tbl24. */
	for (uint32_t i = 0; vn_lpm6_groups_used() + 13 <= GROUPS; i++) {
		struct vn_ip6 c = b;

		c.b[0] = 0x30;
		c.b[1] = (uint8_t)(i >> 8);
		c.b[2] = (uint8_t)i;
		ref_set(&c, 128, 8 + i);
	}
	used = vn_lpm6_groups_used();
	CU_ASSERT(used > GROUPS - 13);
	CU_ASSERT_EQUAL(vn_lpm6_set(&b, 128, 9), -ENOSPC);
	CU_ASSERT_EQUAL(vn_lpm6_groups_used(), used);
	CU_ASSERT_EQUAL(vn_lpm6_lookup(vn_fib6, b.b), VN_ADJ_INDEX_UNREACH);
	/* Under a's groups a /127 needs none. */
	a.b[15] ^= 1;
	ref_set(&a, 127, 10);
	a.b[15] ^= 1;
	CU_ASSERT_EQUAL(vn_lpm6_lookup(vn_fib6, a.b), 7);
	a.b[15] ^= 1;
	CU_ASSERT_EQUAL(vn_lpm6_lookup(vn_fib6, a.b), 10);
	check_lookups(1024);
	clear_all();
	CU_ASSERT_EQUAL(n_wrong, 0);
	CU_ASSERT_EQUAL(vn_lpm6_groups_used(), 0);
}

static volatile bool reader_stop;
static uint64_t reader_lookups, reader_bad;

/* A worker: every address under 2001:db8::/32 resolves to the /32's next
 * hop (1000) or a /48's or /64's under it (2000 + x); quiescent between
 * rounds as the graph loop is. */
static void *
reader_thread(void *arg)
{
	struct vn_ip6 a[64];
	const uint8_t *ap[64];
	uint32_t nh[64], x = 1;

	(void)arg;
	vn_rcu_thread_online(1);
	while (!__atomic_load_n(&reader_stop, __ATOMIC_RELAXED)) {
		for (uint32_t i = 0; i < 64; i++) {
			x = x * 1103515245 + 12345;
			memset(&a[i], 0, sizeof(a[i]));
			memcpy(a[i].b, "\x20\x01\x0d\xb8", 4);
			a[i].b[5] = (uint8_t)(x >> 16);
			a[i].b[7] = (uint8_t)(x >> 24) & 3;
			a[i].b[15] = 1;
			ap[i] = a[i].b;
		}
		vn_lpm6_lookup_bulk(vn_fib6, ap, nh, 64);
		for (uint32_t i = 0; i < 64; i++, reader_lookups++)
			if (nh[i] != 1000 && (nh[i] < 2000 || nh[i] >= 2000 + 512))
				reader_bad++;
		/* Now and then a worker descheduled inside its walk: the folded
		 * groups wait, the pool runs short, and the writer must wait for
		 * the grace period rather than refuse an add. */
		if (reader_lookups % (64 * 512) == 0)
			usleep(30000);
		vn_rcu_quiescent(1);
	}
	vn_rcu_thread_offline(1);
	return NULL;
}

/* The i-th prefix the writer flips under 2001:db8::/32: a /48 or a /64. */
static uint8_t
flip_prefix(uint32_t i, struct vn_ip6 *p)
{
	*p = (struct vn_ip6){.b = {0x20, 0x01, 0x0d, 0xb8}};
	p->b[5] = (uint8_t)i;
	if (!(i & 1))
		return 48;
	p->b[7] = (uint8_t)(i >> 1) & 3;
	return 64;
}

static void
test_concurrent_reader(void)
{
	struct vn_ip6 p32 = {.b = {0x20, 0x01, 0x0d, 0xb8}};
	pthread_t th;

	reader_stop = false;
	reader_lookups = reader_bad = 0;
	CU_ASSERT_EQUAL_FATAL(vn_lpm6_set(&p32, 32, 1000), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, reader_thread, NULL), 0);
	for (uint32_t round = 0; round < 200; round++) {
		/* 256 /48s and /64s under the /32 come and go: groups are made,
		 * folded and reused while the reader walks them. */
		for (uint32_t i = 0; i < 256; i++) {
			struct vn_ip6 p;
			uint8_t len = flip_prefix(i, &p);

			if ((i + round) % 3 == 0)
				vn_lpm6_clear(&p, len, 32, 1000);
			else
				CU_ASSERT_EQUAL(vn_lpm6_set(&p, len, 2000 + i + (round & 1) * 256), 0);
		}
	}
	__atomic_store_n(&reader_stop, true, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	for (uint32_t i = 0; i < 256; i++) {
		struct vn_ip6 p;
		uint8_t len = flip_prefix(i, &p);

		vn_lpm6_clear(&p, len, 32, 1000);
	}
	vn_lpm6_clear(&p32, 32, -1, 0);
	CU_ASSERT(reader_lookups > 10000);
	CU_ASSERT_EQUAL(reader_bad, 0);
	CU_ASSERT_EQUAL(vn_lpm6_groups_used(), 0);
	CU_ASSERT_EQUAL(vn_lpm6_lookup(vn_fib6, p32.b), VN_ADJ_INDEX_UNREACH);
}

static int
suite_init(void)
{
	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0)
		return -1;
	vn_fib6 = vn_lpm6_create(GROUPS);
	return vn_fib6 ? 0 : -1;
}

static int
suite_fini(void)
{
	vn_lpm6_free();
	vn_fib6 = NULL;
	return 0;
}

int
main(void)
{
	CU_TestInfo tests[] = {
	    {"nested prefixes at every level boundary", test_boundaries},
	    {"sibling prefixes with one next hop", test_siblings_one_next_hop},
	    {"random sets and clears against a reference", test_random_vs_reference},
	    {"a full group pool refuses and changes nothing", test_full_pool},
	    {"reader thread during changes (RCU)", test_concurrent_reader},
	    CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
	    {"lpm6", suite_init, suite_fini, NULL, NULL, tests},
	    CU_SUITE_INFO_NULL,
	};

	return vn_test_run(suites);
}
