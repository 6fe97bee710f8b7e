/* Linear-hashing index of one direction's sessions (session_hash.h). */
#include <errno.h>
#include <rte_malloc.h>
#include <string.h>

#include "session_hash.h"

int
nat44_sh_init(struct nat44_shash *t, uint32_t cap, const char *name)
{
	uint32_t max = rte_align32pow2(cap / NAT44_SH_LOAD > 0 ? cap / NAT44_SH_LOAD : 1);

	memset(t, 0, sizeof(*t));
	t->max_buckets = max;
	t->low_mask = RTE_MIN(max, (uint32_t)NAT44_SH_MIN_BUCKETS) - 1;
	t->n_ovf = cap / NAT44_SH_WAYS + 1;
	t->b = rte_zmalloc(name, (size_t)max * sizeof(*t->b), RTE_CACHE_LINE_SIZE);
	t->ovf = rte_zmalloc(name, (size_t)t->n_ovf * sizeof(*t->ovf), RTE_CACHE_LINE_SIZE);
	t->ovf_free = rte_malloc(name, (size_t)t->n_ovf * sizeof(*t->ovf_free), 0);
	if (!t->b || !t->ovf || !t->ovf_free) {
		nat44_sh_fini(t);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < t->n_ovf; i++)
		t->ovf_free[i] = t->n_ovf - i; /* index + 1, lowest on top */
	t->n_ovf_free = t->n_ovf;
	return 0;
}

void
nat44_sh_fini(struct nat44_shash *t)
{
	rte_free(t->b);
	rte_free(t->ovf);
	rte_free(t->ovf_free);
	memset(t, 0, sizeof(*t));
}

/* Appends to the chain of bucket x: into the last bucket, or a new one. */
static int
chain_append(struct nat44_shash *t, struct nat44_sh_bucket *x, uint32_t sig, uint32_t slot)
{
	uint32_t empty, i;

	while (x->next)
		x = &t->ovf[x->next - 1];
	empty = nat44_sh_match(x, 0);
	if (!empty) {
		if (!t->n_ovf_free)
			return -ENOSPC;
		x->next = t->ovf_free[--t->n_ovf_free];
		x = &t->ovf[x->next - 1];
		memset(x, 0, sizeof(*x));
		empty = 1;
	}
	i = (uint32_t)__builtin_ctz(empty);
	x->slot[i] = slot;
	x->sig[i] = sig;
	return 0;
}

/* Splits bucket `split` of this level in two: each entry stays or moves to
 * split + 2^level, by one more bit of its sig. The chain is read a bucket at
 * a time into a copy before being rebuilt, so appends may reuse its buckets. */
static void
split_one(struct nat44_shash *t)
{
	uint32_t s = t->split, hi_bit = t->low_mask + 1;
	struct nat44_sh_bucket *home = &t->b[s], *dst = &t->b[s + hi_bit];
	struct nat44_sh_bucket cur = *home;

	memset(home, 0, sizeof(*home));
	for (;;) {
		for (uint32_t m = nat44_sh_used(&cur); m; m &= m - 1) {
			uint32_t i = (uint32_t)__builtin_ctz(m);
			/* cannot fail: the entries fit before, each bucket keeps
			 * the dense-prefix rule, so no more overflow buckets than
			 * before are needed */
			chain_append(t, (cur.sig[i] & hi_bit) ? dst : home, cur.sig[i], cur.slot[i]);
		}
		if (!cur.next)
			break;
		t->ovf_free[t->n_ovf_free++] = cur.next;
		cur = t->ovf[cur.next - 1];
	}
	if (++t->split == hi_bit) { /* level done */
		t->low_mask = t->low_mask * 2 + 1;
		t->split = 0;
	}
}

int
nat44_sh_add(struct nat44_shash *t, uint32_t hash, uint32_t slot)
{
	uint32_t sig = nat44_sh_sig(hash);
	int rc = chain_append(t, nat44_sh_home(t, sig), sig, slot);

	if (rc < 0)
		return rc;
	t->n++;
	if (t->n > NAT44_SH_LOAD * nat44_sh_buckets(t) && nat44_sh_buckets(t) < t->max_buckets)
		split_one(t);
	return 0;
}

int
nat44_sh_del(struct nat44_shash *t, uint32_t hash, uint32_t slot)
{
	uint32_t sig = nat44_sh_sig(hash);
	struct nat44_sh_bucket *x, *xprev = NULL, *z, *zprev;
	uint32_t lane = NAT44_SH_WAYS, k;

	for (x = nat44_sh_home(t, sig); x; xprev = x, x = nat44_sh_next(t, x)) {
		for (uint32_t m = nat44_sh_match(x, sig); m; m &= m - 1)
			if (x->slot[__builtin_ctz(m)] == slot) {
				lane = (uint32_t)__builtin_ctz(m);
				break;
			}
		if (lane < NAT44_SH_WAYS)
			break;
	}
	if (!x)
		return -ENOENT;
	/* the chain's last entry fills the hole, so only the last bucket has room */
	for (z = x, zprev = xprev; z->next; z = nat44_sh_next(t, z))
		zprev = z;
	k = 31 - (uint32_t)__builtin_clz(nat44_sh_used(z));
	x->sig[lane] = z->sig[k];
	x->slot[lane] = z->slot[k];
	z->sig[k] = 0;
	if (zprev && !nat44_sh_used(z)) { /* an overflow bucket emptied */
		t->ovf_free[t->n_ovf_free++] = zprev->next;
		zprev->next = 0;
	}
	t->n--;
	return 0;
}
