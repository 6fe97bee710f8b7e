/*
 * The index of one direction of a worker's sessions: key hash -> session
 * slot, in buckets of one cache line.
 *
 * Why not rte_hash (which this replaced): a hit in rte_hash reads the
 * primary bucket line, often the secondary one (its bulk lookup prefetches
 * both), and the key-store line, and only then our session line. Here the
 * session holds its keys, so a hit reads one bucket line and the session
 * line it needed anyway. Session creation got cheaper too (docs/nat44.md).
 *
 * Why it grows (linear hashing): buckets in use are a prefix of the array,
 * about 4 sessions per bucket, so 16,384 sessions use 256 KB of buckets
 * whatever the configured maximum. Spread over the 16 MB a 1M-session table
 * needs, the same lookups measured slower: as many lines, more pages.
 * Growing splits one bucket at a time (Litwin's linear hashing), never
 * rehashing the table, so no insert stalls a worker.
 *
 * A bucket holds 7 entries: the key's hash ("sig", 0 = empty; hash 0 is
 * stored as 1, and the bucket is chosen from the sig) and the slot. A full
 * bucket chains to overflow buckets from a pool; every bucket of a chain but
 * the last is full (a delete moves the chain's last entry into the hole), so
 * a chain of e entries has at most e / 7 overflow buckets and a pool of
 * cap / 7 always suffices: the index holds exactly the sessions it is sized
 * for. Equal sigs do not mean equal keys: callers compare the session's key.
 */
#ifndef VN_NAT44_SESSION_HASH_H
#define VN_NAT44_SESSION_HASH_H

#include <stdint.h>
#include <rte_common.h>
#ifdef __AVX2__
#include <immintrin.h>
#endif

#define NAT44_SH_WAYS 7
#define NAT44_SH_LOAD 4 /* sessions per bucket before a split */
#define NAT44_SH_MIN_BUCKETS 64

struct nat44_sh_bucket {
	uint32_t sig[NAT44_SH_WAYS]; /* hash of the entry's key, 0 = empty */
	uint32_t next; /* overflow bucket index + 1, 0 = end of chain */
	uint32_t slot[NAT44_SH_WAYS];
	uint32_t pad;
} __rte_cache_aligned;
_Static_assert(sizeof(struct nat44_sh_bucket) == 64, "one bucket, one cache line");

struct nat44_shash {
	struct nat44_sh_bucket *b; /* max_buckets; [0, low_mask + 1 + split) in use */
	uint32_t low_mask; /* 2^level - 1 */
	uint32_t split; /* buckets below it are split at this level */
	uint32_t max_buckets;
	uint32_t n; /* entries */
	struct nat44_sh_bucket *ovf; /* overflow pool */
	uint32_t *ovf_free; /* free overflow bucket indexes (a stack) */
	uint32_t n_ovf, n_ovf_free;
};

static inline uint32_t
nat44_sh_sig(uint32_t hash)
{
	return hash ? hash : 1;
}

/* The home bucket of sig: hash mod 2^level, or mod 2^(level+1) once split. */
static inline struct nat44_sh_bucket *
nat44_sh_home(const struct nat44_shash *t, uint32_t sig)
{
	uint32_t i = sig & t->low_mask;

	if (i < t->split)
		i = sig & (t->low_mask * 2 + 1);
	return &t->b[i];
}

static inline struct nat44_sh_bucket *
nat44_sh_next(const struct nat44_shash *t, const struct nat44_sh_bucket *b)
{
	return b->next ? &t->ovf[b->next - 1] : NULL;
}

/* Bit i: entry i of bucket b has sig. */
static inline uint32_t
nat44_sh_match(const struct nat44_sh_bucket *b, uint32_t sig)
{
#ifdef __AVX2__
	/* sig[0..6] and next in one load; next's lane is masked off */
	__m256i v = _mm256_load_si256((const __m256i *)(const void *)b->sig);
	__m256i eq = _mm256_cmpeq_epi32(v, _mm256_set1_epi32((int)sig));

	return (uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(eq)) & 0x7f;
#else
	uint32_t m = 0;

	for (uint32_t i = 0; i < NAT44_SH_WAYS; i++)
		m |= (uint32_t)(b->sig[i] == sig) << i;
	return m;
#endif
}

/* Bit i: entry i of bucket b is in use. */
static inline uint32_t
nat44_sh_used(const struct nat44_sh_bucket *b)
{
	return ~nat44_sh_match(b, 0) & ((1u << NAT44_SH_WAYS) - 1);
}

/* For up to cap entries: grows to cap / 4 buckets (a power of two). */
int nat44_sh_init(struct nat44_shash *t, uint32_t cap, const char *name);
void nat44_sh_fini(struct nat44_shash *t);
/* Adds (hash, slot); the caller knows the key is not in. -ENOSPC when full. */
int nat44_sh_add(struct nat44_shash *t, uint32_t hash, uint32_t slot);
/* Removes (hash, slot); -ENOENT if it is not there. */
int nat44_sh_del(struct nat44_shash *t, uint32_t hash, uint32_t slot);
/* Buckets in use (the array's prefix). */
static inline uint32_t
nat44_sh_buckets(const struct nat44_shash *t)
{
	return t->low_mask + 1 + t->split;
}

#endif
