/*
 * Writer of the IPv6 LPM table (include/vecnet/net/lpm6.h says how workers
 * read it and why it is ours). The route table (fib6.c) knows every prefix,
 * so the writer keeps no rules: only the prefix length behind each entry, in
 * shadow arrays beside the tables (d24, d8) that workers never touch, which
 * keeps an entry at 4 bytes. A set writes the entries its prefix covers
 * whose length is not longer; a clear gives the entries of exactly its length
 * to the covering prefix the caller names.
 *
 * Publication (as fib_lpm.c for IPv4): a new group is filled with what its
 * parent entry said before the parent is pointed at it with a release store,
 * so a worker sees the old answer or the new one, never a half-built group.
 * A group whose 256 entries all come from prefixes that cover the whole group
 * is folded back into its parent entry and released through the RCU pool.
 * Single writer: the main thread.
 */
#define VN_LOG_MOD "fib6"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "net/fib_priv.h"

#define GROUP_N (1u << VN_LPM6_GROUP_SHIFT)
#define TBL24_N (1u << 24)
#define LEVELS_MAX 13 /* groups below tbl24: bytes 3..15 */
#define GROUPS_MAX (VN_LPM6_NH >> VN_LPM6_GROUP_SHIFT) /* group << 8 below the flag */

static struct vn_lpm6 tab;
static uint8_t *d24, *d8; /* prefix length behind each entry; 0: none */
static struct vn_tbl8_pool pool;

static inline void
entry_store(uint32_t *e, uint32_t v)
{
	__atomic_store_n(e, v, __ATOMIC_RELEASE);
}

static inline uint32_t
group_of(uint32_t e)
{
	return e >> VN_LPM6_GROUP_SHIFT;
}

static inline size_t
group_at(uint32_t g, uint32_t j)
{
	return (size_t)g << VN_LPM6_GROUP_SHIFT | j;
}

/* Entries [first, first + n) of group g, and of every group below them, that
 * hold a prefix no longer than len now hold nh for len. */
static void
group_set(uint32_t g, uint32_t first, uint32_t n, uint32_t nh, uint8_t len)
{
	for (uint32_t j = first; j < first + n; j++) {
		size_t i = group_at(g, j);
		uint32_t e = tab.tbl8[i];

		if (vn_lpm6_is_group(e)) {
			group_set(group_of(e), 0, GROUP_N, nh, len);
		} else if (d8[i] <= len) {
			d8[i] = len;
			entry_store(&tab.tbl8[i], VN_LPM6_NH | nh);
		}
	}
}

/* A new group inheriting entry e (of prefix length d), published in *parent. */
static uint32_t
group_push(uint32_t *parent, uint32_t e, uint8_t d)
{
	uint32_t g;

	/* vn_lpm6_set counted the groups it needs before writing anything. */
	if (vn_tbl8_pool_get(&pool, &g) < 0)
		rte_panic("lpm6: group pool ran dry after it was counted\n");
	for (uint32_t j = 0; j < GROUP_N; j++) {
		tab.tbl8[group_at(g, j)] = e;
		d8[group_at(g, j)] = d;
	}
	entry_store(parent, g << VN_LPM6_GROUP_SHIFT);
	return g;
}

int
vn_lpm6_set(const struct vn_ip6 *addr, uint8_t len, uint32_t nh)
{
	struct vn_ip6 a = *addr;
	uint32_t i24, e, need = 0;
	uint32_t *ent;
	uint8_t *dep;

	if (len > 128 || (nh & VN_LPM6_NH))
		return -EINVAL;
	vn_ip6_mask(&a, len);
	i24 = (uint32_t)a.b[0] << 16 | (uint32_t)a.b[1] << 8 | a.b[2];
	if (len <= 24) {
		for (uint32_t i = i24; i < i24 + (1u << (24 - len)); i++) {
			e = tab.tbl24[i];
			if (vn_lpm6_is_group(e)) {
				group_set(group_of(e), 0, GROUP_N, nh, len);
			} else if (d24[i] <= len) {
				d24[i] = len;
				entry_store(&tab.tbl24[i], VN_LPM6_NH | nh);
			}
		}
		return 0;
	}
	/* Groups on the way down: one per byte after the third up to the one
	 * the prefix ends in; those that exist are walked, the rest created. */
	uint32_t levels = (len - 25) / 8 + 1, base = 24, k = 3;

	e = tab.tbl24[i24];
	for (uint32_t l = 0; l < levels; l++) {
		if (!vn_lpm6_is_group(e)) {
			need = levels - l;
			break;
		}
		if (l + 1 < levels)
			e = tab.tbl8[group_at(group_of(e), a.b[3 + l])];
	}
	/* Reclaiming (a look at the RCU defer queue) only when short. */
	if (need > pool.n_free && need > vn_tbl8_pool_free(&pool, need))
		return -ENOSPC;
	ent = &tab.tbl24[i24];
	dep = &d24[i24];
	for (;;) {
		uint32_t g = vn_lpm6_is_group(*ent) ? group_of(*ent) : group_push(ent, *ent, *dep);

		if (len <= base + 8) {
			uint32_t span = base + 8 - len;

			group_set(g, a.b[k], 1u << span, nh, len);
			return 0;
		}
		ent = &tab.tbl8[group_at(g, a.b[k])];
		dep = &d8[group_at(g, a.b[k])];
		base += 8;
		k++;
	}
}

/* Folds group g (below *parent, its entries refining a /base) into *parent
 * when every entry holds the same prefix of length at most base. */
static bool
group_fold(uint32_t *parent, uint8_t *parent_d, uint32_t g, uint32_t base)
{
	size_t i0 = group_at(g, 0);
	uint32_t e0 = tab.tbl8[i0];
	uint8_t d0 = d8[i0];

	if (vn_lpm6_is_group(e0) || d0 > base)
		return false;
	for (uint32_t j = 1; j < GROUP_N; j++)
		if (tab.tbl8[i0 + j] != e0 || d8[i0 + j] != d0)
			return false;
	*parent_d = d0;
	entry_store(parent, e0);
	vn_tbl8_pool_release(&pool, g);
	return true;
}

/* Entries [first, first + n) of group g (refining a /base), and of groups
 * below them, that hold exactly a /len take the cover; groups left uniform
 * fold into their entry. */
static void
group_clear(uint32_t g, uint32_t base, uint32_t first, uint32_t n, uint8_t len, uint8_t cover_len,
	    uint32_t cover_nh)
{
	for (uint32_t j = first; j < first + n; j++) {
		size_t i = group_at(g, j);
		uint32_t e = tab.tbl8[i];

		if (vn_lpm6_is_group(e)) {
			group_clear(group_of(e), base + 8, 0, GROUP_N, len, cover_len, cover_nh);
			group_fold(&tab.tbl8[i], &d8[i], group_of(e), base + 8);
		} else if (d8[i] == len) {
			d8[i] = cover_len;
			entry_store(&tab.tbl8[i], VN_LPM6_NH | cover_nh);
		}
	}
}

void
vn_lpm6_clear(const struct vn_ip6 *addr, uint8_t len, int cover_len, uint32_t cover_nh)
{
	struct vn_ip6 a = *addr;
	uint32_t *path_ent[LEVELS_MAX];
	uint8_t *path_d[LEVELS_MAX];
	uint32_t path_g[LEVELS_MAX];
	uint32_t i24, n_path = 0, base = 24, k = 3;
	uint8_t clen = 0;

	if (len > 128)
		return;
	if (cover_len < 0)
		cover_nh = VN_ADJ_INDEX_UNREACH;
	else
		clen = (uint8_t)cover_len;
	vn_ip6_mask(&a, len);
	i24 = (uint32_t)a.b[0] << 16 | (uint32_t)a.b[1] << 8 | a.b[2];
	if (len <= 24) {
		for (uint32_t i = i24; i < i24 + (1u << (24 - len)); i++) {
			uint32_t e = tab.tbl24[i];

			if (vn_lpm6_is_group(e)) {
				group_clear(group_of(e), 24, 0, GROUP_N, len, clen, cover_nh);
				group_fold(&tab.tbl24[i], &d24[i], group_of(e), 24);
			} else if (d24[i] == len) {
				d24[i] = clen;
				entry_store(&tab.tbl24[i], VN_LPM6_NH | cover_nh);
			}
		}
		return;
	}
	uint32_t *ent = &tab.tbl24[i24];
	uint8_t *dep = &d24[i24];

	for (;;) {
		if (!vn_lpm6_is_group(*ent))
			return; /* never set: nothing of it below */
		path_ent[n_path] = ent;
		path_d[n_path] = dep;
		path_g[n_path++] = group_of(*ent);
		if (len <= base + 8)
			break;
		size_t next = group_at(group_of(*ent), a.b[k]);

		ent = &tab.tbl8[next];
		dep = &d8[next];
		base += 8;
		k++;
	}
	group_clear(path_g[n_path - 1], base, a.b[k], 1u << (base + 8 - len), len, clen, cover_nh);
	/* Fold upwards while groups come out uniform. */
	for (uint32_t l = n_path; l-- > 0; base -= 8)
		if (!group_fold(path_ent[l], path_d[l], path_g[l], base))
			break;
}

uint32_t
vn_lpm6_groups_used(void)
{
	return vn_tbl8_pool_used(&pool);
}

struct vn_lpm6 *
vn_lpm6_create(uint32_t n_groups)
{
	if (n_groups > GROUPS_MAX)
		return NULL;
	tab = (struct vn_lpm6){.n_groups = n_groups};
	tab.tbl24 = rte_malloc("vn_fib6_tbl24", TBL24_N * sizeof(uint32_t), RTE_CACHE_LINE_SIZE);
	tab.tbl8 = rte_zmalloc("vn_fib6_tbl8", (size_t)n_groups * GROUP_N * sizeof(uint32_t),
			       RTE_CACHE_LINE_SIZE);
	d24 = calloc(TBL24_N, 1);
	d8 = calloc((size_t)n_groups * GROUP_N, 1);
	if (!tab.tbl24 || !tab.tbl8 || !d24 || !d8 ||
	    vn_tbl8_pool_init(&pool, "vn_fib6_groups", n_groups, NULL) < 0) {
		vn_lpm6_free();
		return NULL;
	}
	/* Misses: VN_ADJ_INDEX_UNREACH behind no prefix (length 0). */
	for (uint32_t i = 0; i < TBL24_N; i++)
		tab.tbl24[i] = VN_LPM6_NH | VN_ADJ_INDEX_UNREACH;
	return &tab;
}

void
vn_lpm6_free(void)
{
	vn_tbl8_pool_fini(&pool);
	rte_free(tab.tbl24);
	rte_free(tab.tbl8);
	free(d24);
	free(d8);
	d24 = d8 = NULL;
	tab = (struct vn_lpm6){0};
}
