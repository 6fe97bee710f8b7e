/*
 * The IPv6 longest-prefix-match table workers read: a 24-bit first level
 * (tbl24, 16M entries) and then one 8-bit group (256 entries) per further
 * byte of the address, shared along common prefixes, as rte_lpm6 lays it
 * out. An entry is either a FIB next hop (adjacency index or
 * VN_FIB_NH_ECMP | group; a miss is VN_ADJ_INDEX_UNREACH) or where the
 * group for the next byte starts.
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

/* An entry with the top bit set is a next hop (VN_LPM6_NH | nh); one without
 * it is the index of the first entry of the group for the next byte (group
 * << 8), so a level of the walk is an add and a load. */
#define VN_LPM6_NH (1u << 31)
#define VN_LPM6_GROUP_SHIFT 8 /* 256 entries a group */

struct vn_lpm6 {
	uint32_t *tbl24; /* 1 << 24 entries */
	uint32_t *tbl8;	 /* n_groups << 8 entries */
	uint32_t n_groups;
};

static inline bool
vn_lpm6_is_group(uint32_t e)
{
	return !(e & VN_LPM6_NH);
}

static inline uint32_t
vn_lpm6_first(const struct vn_lpm6 *t, const uint8_t *addr)
{
	uint32_t w;

	memcpy(&w, addr, 4);
	return t->tbl24[rte_be_to_cpu_32(w) >> 8];
}

/* The next hop for a 16-byte address (network order). *n_bytes: how many
 * leading bytes of the address the walk read; every address that shares
 * them has the same next hop. */
static inline uint32_t
vn_lpm6_lookup_n(const struct vn_lpm6 *t, const uint8_t *addr, unsigned int *n_bytes)
{
	uint32_t e = vn_lpm6_first(t, addr);
	unsigned int i = 3;

	while (vn_lpm6_is_group(e))
		e = t->tbl8[e + addr[i++]];
	*n_bytes = i;
	return e & ~VN_LPM6_NH;
}

static inline uint32_t
vn_lpm6_lookup(const struct vn_lpm6 *t, const uint8_t *addr)
{
	unsigned int n_bytes;

	return vn_lpm6_lookup_n(t, addr, &n_bytes);
}

/* n lookups. Each is a chain of dependent loads; the chains of successive
 * addresses are independent, so the CPU runs several at once. */
static inline void
vn_lpm6_lookup_bulk(const struct vn_lpm6 *t, const uint8_t *const *addr, uint32_t *nh,
		    uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		nh[i] = vn_lpm6_lookup(t, addr[i]);
}

#endif
