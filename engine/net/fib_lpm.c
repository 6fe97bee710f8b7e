/*
 * LPM writer: programs the DIR-24-8 tables of an rte_lpm directly (see
 * fib_priv.h for why). Same entry encoding and publication order as rte_lpm:
 * a new tbl8 group is filled before the tbl24 entry that points to it is
 * stored with release semantics; a group that is no longer referenced returns
 * to the free list only after an RCU grace period (tbl8_pool.c), so a worker
 * that read the old tbl24 entry never sees a group reused for another /24.
 * Single writer: the main thread.
 */
#define VN_LOG_MOD "fib"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/fib_priv.h"

#define VN_TBL8_N RTE_LPM_TBL8_GROUP_NUM_ENTRIES

static struct rte_lpm *lpm;
static struct vn_tbl8_pool pool;

static inline struct rte_lpm_tbl_entry
lpm_entry(uint32_t nh, uint32_t depth, bool group)
{
	return (struct rte_lpm_tbl_entry){
	    .next_hop = nh, .valid = 1, .valid_group = group, .depth = depth};
}

/* An unused entry inside a live group (valid_group marks the group in use). */
static inline struct rte_lpm_tbl_entry
lpm_entry_hole(void)
{
	return (struct rte_lpm_tbl_entry){.valid_group = 1};
}

static inline void
lpm_store(struct rte_lpm_tbl_entry *e, struct rte_lpm_tbl_entry v)
{
	__atomic_store(e, &v, __ATOMIC_RELEASE);
}

static inline bool
lpm_is_ext(struct rte_lpm_tbl_entry e)
{
	return e.valid && e.valid_group;
}

static void
tbl8_clear(uint32_t g)
{
	memset(&lpm->tbl8[(size_t)g * VN_TBL8_N], 0, VN_TBL8_N * sizeof(lpm->tbl8[0]));
}

int
vn_lpm_writer_init(struct rte_lpm *l, uint32_t n_groups)
{
	lpm = l;
	return vn_tbl8_pool_init(&pool, "vn_fib_tbl8", n_groups, tbl8_clear);
}

void
vn_lpm_writer_fini(void)
{
	vn_tbl8_pool_fini(&pool);
	lpm = NULL;
}

uint32_t
vn_lpm_tbl8_used(void)
{
	return vn_tbl8_pool_used(&pool);
}

/* Writes (nh, len) into the entries of a group that no longer prefix owns. */
static void
tbl8_set_range(uint32_t g, uint32_t first, uint32_t n, uint32_t nh, uint8_t len)
{
	struct rte_lpm_tbl_entry *t = &lpm->tbl8[(size_t)g * VN_TBL8_N];

	for (uint32_t j = first; j < first + n; j++)
		if (!t[j].valid || t[j].depth <= len)
			lpm_store(&t[j], lpm_entry(nh, len, true));
}

int
vn_lpm_set(uint32_t addr, uint8_t len, uint32_t nh)
{
	addr &= vn_prefix_mask(len);
	if (len <= 24) {
		uint32_t first = addr >> 8, n = 1u << (24 - len);

		for (uint32_t i = first; i < first + n; i++) {
			struct rte_lpm_tbl_entry e = lpm->tbl24[i];

			if (lpm_is_ext(e))
				tbl8_set_range(e.next_hop, 0, VN_TBL8_N, nh, len);
			else if (!e.valid || e.depth <= len)
				lpm_store(&lpm->tbl24[i], lpm_entry(nh, len, false));
		}
		return 0;
	}

	uint32_t i24 = addr >> 8, first = addr & 0xff, n = 1u << (32 - len), g;
	struct rte_lpm_tbl_entry e = lpm->tbl24[i24];

	if (lpm_is_ext(e)) {
		tbl8_set_range(e.next_hop, first, n, nh, len);
		return 0;
	}
	int rc = vn_tbl8_pool_get(&pool, &g);
	if (rc < 0) {
		VN_ERR("no free tbl8 group for a /%u route", len);
		return rc;
	}
	/* Fill the whole group (inheriting the /24 entry), then publish it. */
	struct rte_lpm_tbl_entry *t = &lpm->tbl8[(size_t)g * VN_TBL8_N];
	for (uint32_t j = 0; j < VN_TBL8_N; j++)
		t[j] = e.valid ? lpm_entry(e.next_hop, e.depth, true) : lpm_entry_hole();
	for (uint32_t j = first; j < first + n; j++)
		t[j] = lpm_entry(nh, len, true);
	lpm_store(&lpm->tbl24[i24], lpm_entry(g, 0, true));
	return 0;
}

/* Folds a group back into its tbl24 entry when all 256 entries agree. */
static void
tbl8_try_collapse(uint32_t i24, uint32_t g)
{
	const struct rte_lpm_tbl_entry *t = &lpm->tbl8[(size_t)g * VN_TBL8_N];
	struct rte_lpm_tbl_entry e0 = t[0];

	if (e0.valid && e0.depth > 24)
		return;
	for (uint32_t j = 1; j < VN_TBL8_N; j++)
		if (t[j].valid != e0.valid || (e0.valid && t[j].depth != e0.depth))
			return;
	lpm_store(&lpm->tbl24[i24], e0.valid ? lpm_entry(e0.next_hop, e0.depth, false)
					     : (struct rte_lpm_tbl_entry){0});
	vn_tbl8_pool_release(&pool, g);
}

static void
tbl8_clear_range(uint32_t g, uint32_t first, uint32_t n, uint8_t len, int cover_len,
		 uint32_t cover_nh)
{
	struct rte_lpm_tbl_entry *t = &lpm->tbl8[(size_t)g * VN_TBL8_N];
	struct rte_lpm_tbl_entry repl =
	    cover_len >= 0 ? lpm_entry(cover_nh, cover_len, true) : lpm_entry_hole();

	for (uint32_t j = first; j < first + n; j++)
		if (t[j].valid && t[j].depth == len)
			lpm_store(&t[j], repl);
}

void
vn_lpm_clear(uint32_t addr, uint8_t len, int cover_len, uint32_t cover_nh)
{
	addr &= vn_prefix_mask(len);
	if (len <= 24) {
		uint32_t first = addr >> 8, n = 1u << (24 - len);
		struct rte_lpm_tbl_entry repl = cover_len >= 0
						    ? lpm_entry(cover_nh, cover_len, false)
						    : (struct rte_lpm_tbl_entry){0};

		for (uint32_t i = first; i < first + n; i++) {
			struct rte_lpm_tbl_entry e = lpm->tbl24[i];

			if (lpm_is_ext(e)) {
				tbl8_clear_range(e.next_hop, 0, VN_TBL8_N, len, cover_len,
						 cover_nh);
				tbl8_try_collapse(i, e.next_hop);
			} else if (e.valid && e.depth == len) {
				lpm_store(&lpm->tbl24[i], repl);
			}
		}
		return;
	}

	uint32_t i24 = addr >> 8;
	struct rte_lpm_tbl_entry e = lpm->tbl24[i24];

	if (!lpm_is_ext(e))
		return;
	tbl8_clear_range(e.next_hop, addr & 0xff, 1u << (32 - len), len, cover_len, cover_nh);
	tbl8_try_collapse(i24, e.next_hop);
}

bool
vn_lpm_match(uint32_t addr, uint32_t *nh, uint8_t *len)
{
	struct rte_lpm_tbl_entry e = lpm->tbl24[addr >> 8];

	if (lpm_is_ext(e))
		e = lpm->tbl8[(size_t)e.next_hop * VN_TBL8_N + (addr & 0xff)];
	if (!e.valid)
		return false;
	*nh = e.next_hop;
	*len = e.depth;
	return true;
}
