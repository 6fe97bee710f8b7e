/*
 * A small open-addressing map from 64-bit keys to 32-bit values for the
 * control-plane tables (routes, adjacencies, neighbours). Linear probing with
 * backward-shift deletion (no tombstones), so a table that sees a million
 * adds and deletes keeps its probe lengths short. Grows at half load.
 */
#ifndef VN_HMAP_H
#define VN_HMAP_H

#include <stdbool.h>
#include <stdint.h>

struct vn_hmap_slot {
	uint64_t key;
	uint32_t val;
	uint32_t used;
};

struct vn_hmap {
	struct vn_hmap_slot *slots;
	uint32_t mask; /* capacity - 1 */
	uint32_t n;
};

int vn_hmap_init(struct vn_hmap *m, uint32_t expected);
void vn_hmap_fini(struct vn_hmap *m);
/* Inserts or replaces. 0 or -ENOMEM. */
int vn_hmap_put(struct vn_hmap *m, uint64_t key, uint32_t val);
bool vn_hmap_get(const struct vn_hmap *m, uint64_t key, uint32_t *val);
bool vn_hmap_del(struct vn_hmap *m, uint64_t key);

/* A key for (interface, 16-byte address): FNV-1a. IPv6 adjacencies and
 * neighbours key their maps with it. */
static inline uint64_t
vn_hmap_key_if16(uint32_t if_index, const uint8_t addr[16])
{
	uint64_t key = 14695981039346656037ull ^ if_index;

	for (uint32_t i = 0; i < 16; i++)
		key = (key ^ addr[i]) * 1099511628211ull;
	return key;
}

static inline uint32_t
vn_hmap_hash(uint64_t key)
{
	key ^= key >> 29;
	key *= 0x9E3779B97F4A7C15ull;
	return (uint32_t)(key >> 32);
}

#endif
