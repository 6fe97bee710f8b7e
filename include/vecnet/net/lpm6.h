/*
 * The IPv6 longest-prefix-match table workers read: a 24-bit first level
 * (tbl24, 16M entries) and then one 8-bit group (256 entries) per further
 * byte of the address, shared along common prefixes, as rte_lpm6 lays it
 * out. An entry is either a FIB next hop (adjacency index or
 * VN_FIB_NH_ECMP | group; a miss is VN_ADJ_INDEX_UNREACH) or, with
 * VN_LPM6_EXT, the index of the group for the next byte.
 *
 * Why our own and not rte_lpm6 (docs/ip6.md): its lookup spends ~92
 * instructions on a /48 (a flag test and a function call per level, results
 * converted from its 21-bit next hops), its tables are private so nothing can
 * be prefetched or interleaved, and it frees groups at once, so a route add
 * after a delete had to wait for an RCU grace period. Here a lookup is a
 * load per level, entries are the FIB's own next hops, and freed groups go
 * back only after a grace period (engine/net/lpm6.c, the writer).
 */
#ifndef VECNET_LPM6_H
#define VECNET_LPM6_H

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <vecnet/common.h>

#define VN_LPM6_EXT (1u << 31)	   /* entry points to a group */
#define VN_LPM6_GROUP_SHIFT 8	   /* 256 entries a group */

struct vn_lpm6 {
	uint32_t *tbl24; /* 1 << 24 entries */
	uint32_t *tbl8;	 /* n_groups << 8 entries */
	uint32_t n_groups;
};

static inline uint32_t
vn_lpm6_first(const struct vn_lpm6 *t, const uint8_t *addr)
{
	uint32_t w;

	memcpy(&w, addr, 4);
	return t->tbl24[rte_be_to_cpu_32(w) >> 8];
}

static inline uint32_t
vn_lpm6_next(const struct vn_lpm6 *t, uint32_t e, uint8_t byte)
{
	return t->tbl8[(size_t)(e & ~VN_LPM6_EXT) << VN_LPM6_GROUP_SHIFT | byte];
}

/* The next hop for a 16-byte address (network order). */
static inline uint32_t
vn_lpm6_lookup(const struct vn_lpm6 *t, const uint8_t *addr)
{
	uint32_t e = vn_lpm6_first(t, addr);

	for (unsigned int i = 3; unlikely(e & VN_LPM6_EXT); i++)
		e = vn_lpm6_next(t, e, addr[i]);
	return e;
}

/* n lookups walked level by level: each level's loads of all n addresses
 * are independent, so their cache misses overlap instead of queueing one
 * lookup's chain of dependent loads behind another's. */
static inline void
vn_lpm6_lookup_bulk(const struct vn_lpm6 *t, const uint8_t *const *addr, uint32_t *nh,
		    uint32_t n)
{
	uint32_t ext = 0;

	for (uint32_t i = 0; i < n; i++) {
		nh[i] = vn_lpm6_first(t, addr[i]);
		ext |= nh[i];
	}
	for (unsigned int byte = 3; unlikely(ext & VN_LPM6_EXT); byte++) {
		ext = 0;
		for (uint32_t i = 0; i < n; i++) {
			if (nh[i] & VN_LPM6_EXT)
				nh[i] = vn_lpm6_next(t, nh[i], addr[i][byte]);
			ext |= nh[i];
		}
	}
}

#endif
