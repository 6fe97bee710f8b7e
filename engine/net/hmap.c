/* Open-addressing u64 -> u32 map; see hmap.h. */
#include "net/hmap.h"

#include <errno.h>
#include <stdlib.h>

static int
hmap_alloc(struct vn_hmap *m, uint32_t capacity)
{
	m->slots = calloc(capacity, sizeof(*m->slots));
	if (!m->slots)
		return -ENOMEM;
	m->mask = capacity - 1;
	m->n = 0;
	return 0;
}

int
vn_hmap_init(struct vn_hmap *m, uint32_t expected)
{
	uint32_t capacity = 16;

	while (capacity < 2ull * expected && capacity < (1u << 31))
		capacity <<= 1;
	return hmap_alloc(m, capacity);
}

void
vn_hmap_fini(struct vn_hmap *m)
{
	free(m->slots);
	*m = (struct vn_hmap){0};
}

static void
hmap_insert_new(struct vn_hmap *m, uint64_t key, uint32_t val)
{
	uint32_t i = vn_hmap_hash(key) & m->mask;

	while (m->slots[i].used)
		i = (i + 1) & m->mask;
	m->slots[i] = (struct vn_hmap_slot){.key = key, .val = val, .used = 1};
	m->n++;
}

static int
hmap_grow(struct vn_hmap *m)
{
	struct vn_hmap old = *m;

	if (hmap_alloc(m, (old.mask + 1) * 2) < 0) {
		*m = old;
		return -ENOMEM;
	}
	for (uint32_t i = 0; i <= old.mask; i++)
		if (old.slots[i].used)
			hmap_insert_new(m, old.slots[i].key, old.slots[i].val);
	free(old.slots);
	return 0;
}

int
vn_hmap_put(struct vn_hmap *m, uint64_t key, uint32_t val)
{
	uint32_t i;

	if (!m->slots && vn_hmap_init(m, 8) < 0)
		return -ENOMEM;
	for (i = vn_hmap_hash(key) & m->mask; m->slots[i].used; i = (i + 1) & m->mask)
		if (m->slots[i].key == key) {
			m->slots[i].val = val;
			return 0;
		}
	if (2ull * (m->n + 1) > m->mask + 1 && hmap_grow(m) < 0)
		return -ENOMEM;
	hmap_insert_new(m, key, val);
	return 0;
}

bool
vn_hmap_get(const struct vn_hmap *m, uint64_t key, uint32_t *val)
{
	if (!m->slots)
		return false;
	for (uint32_t i = vn_hmap_hash(key) & m->mask; m->slots[i].used; i = (i + 1) & m->mask)
		if (m->slots[i].key == key) {
			if (val)
				*val = m->slots[i].val;
			return true;
		}
	return false;
}

bool
vn_hmap_del(struct vn_hmap *m, uint64_t key)
{
	uint32_t i, j;

	if (!m->slots)
		return false;
	for (i = vn_hmap_hash(key) & m->mask; m->slots[i].used; i = (i + 1) & m->mask)
		if (m->slots[i].key == key)
			break;
	if (!m->slots[i].used)
		return false;
	/* Backward shift: pull later entries of the run into the hole when their
	 * home slot is not between the hole and their position. */
	for (j = (i + 1) & m->mask; m->slots[j].used; j = (j + 1) & m->mask) {
		uint32_t home = vn_hmap_hash(m->slots[j].key) & m->mask;
		if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].used = 0;
	m->n--;
	return true;
}
