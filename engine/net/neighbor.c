/*
 * IPv4 neighbour table (main thread). Entries live in an array indexed
 * through a hash of (interface, address); every change is pushed to the FIB,
 * which rebuilds the adjacency of that next hop and keeps a /32 host route.
 * Workers learn from ARP through a multi-producer ring drained here, so the
 * table itself needs no lock.
 */
#define VN_LOG_MOD "neighbor"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_errno.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <vecnet/net/fib.h>
#include <vecnet/graph.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/neighbor6.h>

#include "net/fib_priv.h"
#include "net/hmap.h"

#define VN_NEIGHBOR_RING_SIZE 4096
#define VN_NEIGHBOR_DRAIN_BURST 64

/* What a worker posts; 16 bytes, a multiple of 4 as rte_ring_elem wants. */
struct vn_neighbor_learn {
	uint32_t if_index;
	uint32_t addr;
	uint8_t mac[6];
	uint8_t pad[2];
};

static struct vn_neighbor_info *entries;
static uint32_t n_entries, cap_entries; /* dense: deletion moves the last entry */
static struct vn_hmap entry_map;	/* (if << 32 | addr) -> index in entries */
static struct rte_ring *learn_ring;

struct vn_neighbor_config vn_neighbor_cfg = {
	.queue_len = VN_NEIGHBOR_QUEUE_DEFAULT,
	.timeout_ms = VN_NEIGHBOR_TIMEOUT_DEFAULT_MS,
};

static uint64_t
neighbor_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static inline uint64_t
neighbor_key(uint32_t if_index, uint32_t addr)
{
	return (uint64_t)if_index << 32 | addr;
}

int
vn_neighbor_init(void)
{
	int rc = -ENOMEM;

	if (learn_ring)
		return -EEXIST;
	if (vn_hmap_init(&entry_map, 256) < 0)
		goto fail;
	learn_ring = rte_ring_create_elem("vn_nbr_learn", sizeof(struct vn_neighbor_learn),
					  VN_NEIGHBOR_RING_SIZE, SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (!learn_ring) {
		VN_ERR("learn ring: %s", rte_strerror(rte_errno));
		goto fail;
	}
	if (vn_neighbor6_init() < 0) /* one call sets up both families */
		goto fail;
	return 0;
fail:
	vn_neighbor_fini();
	return rc;
}

void
vn_neighbor_fini(void)
{
	vn_neighbor6_fini();
	rte_ring_free(learn_ring);
	learn_ring = NULL;
	vn_hmap_fini(&entry_map);
	free(entries);
	entries = NULL;
	n_entries = cap_entries = 0;
}

static int
neighbor_insert(uint32_t if_index, uint32_t addr, uint32_t *out)
{
	if (n_entries == cap_entries) {
		uint32_t cap = cap_entries ? cap_entries * 2 : 64;
		struct vn_neighbor_info *ne = realloc(entries, cap * sizeof(*ne));
		if (!ne)
			return -ENOMEM;
		entries = ne;
		cap_entries = cap;
	}
	if (vn_hmap_put(&entry_map, neighbor_key(if_index, addr), n_entries) < 0)
		return -ENOMEM;
	entries[n_entries] = (struct vn_neighbor_info){.if_index = if_index, .addr = addr};
	*out = n_entries++;
	return 0;
}

int
vn_neighbor_set(uint32_t if_index, uint32_t addr, const uint8_t mac[6], bool is_static)
{
	struct vn_neighbor_info *n;
	uint32_t i;
	bool changed;
	int rc;

	if (!mac || if_index >= VN_IF_MAX || addr == 0)
		return -EINVAL;
	if (!vn_interface_get(if_index))
		return -ENODEV;
	if (vn_hmap_get(&entry_map, neighbor_key(if_index, addr), &i)) {
		n = &entries[i];
		if (n->is_static && !is_static)
			return -EEXIST; /* learning never overrides configuration */
		changed = memcmp(n->mac, mac, 6) != 0;
	} else {
		rc = neighbor_insert(if_index, addr, &i);
		if (rc < 0)
			return rc;
		n = &entries[i];
		changed = true;
	}
	memcpy(n->mac, mac, 6);
	n->is_static = is_static;
	n->updated_ms = neighbor_now_ms();
	/* The entry is stored first: the FIB reads it when it creates the adjacency. */
	if (changed)
		vn_fib_neighbor_update(if_index, addr, mac);
	return 0;
}

int
vn_neighbor_del(uint32_t if_index, uint32_t addr)
{
	uint64_t key = neighbor_key(if_index, addr);
	uint32_t i;

	if (!vn_hmap_get(&entry_map, key, &i))
		return -ENOENT;
	vn_hmap_del(&entry_map, key);
	if (i != --n_entries) {
		entries[i] = entries[n_entries];
		vn_hmap_put(&entry_map, neighbor_key(entries[i].if_index, entries[i].addr), i);
	}
	vn_fib_neighbor_update(if_index, addr, NULL);
	return 0;
}

int
vn_neighbor_get(uint32_t if_index, uint32_t addr, struct vn_neighbor_info *out)
{
	uint32_t i;

	if (!vn_hmap_get(&entry_map, neighbor_key(if_index, addr), &i))
		return -ENOENT;
	if (out)
		*out = entries[i];
	return 0;
}

static int
neighbor_cmp(const void *a, const void *b)
{
	const struct vn_neighbor_info *x = a, *y = b;
	uint64_t kx = neighbor_key(x->if_index, x->addr), ky = neighbor_key(y->if_index, y->addr);

	return kx < ky ? -1 : kx > ky;
}

void
vn_neighbor_walk(void (*cb)(const struct vn_neighbor_info *n, void *ctx), void *ctx)
{
	struct vn_neighbor_info *copy;

	if (!cb || n_entries == 0)
		return;
	/* A copy: the callback may change the table. */
	copy = malloc(n_entries * sizeof(*copy));
	if (!copy) {
		VN_ERR("out of memory");
		return;
	}
	uint32_t n = n_entries;
	memcpy(copy, entries, n * sizeof(*copy));
	qsort(copy, n, sizeof(*copy), neighbor_cmp);
	for (uint32_t i = 0; i < n; i++)
		cb(&copy[i], ctx);
	free(copy);
}

uint32_t
vn_neighbor_count(void)
{
	return n_entries;
}

void
vn_neighbor_flush_interface(uint32_t if_index)
{
	for (uint32_t i = n_entries; i-- > 0;)
		if (i < n_entries && entries[i].if_index == if_index)
			vn_neighbor_del(if_index, entries[i].addr);
	vn_neighbor6_flush_interface(if_index);
}

bool
vn_neighbor_post_learn(uint32_t if_index, uint32_t addr, const uint8_t mac[6])
{
	struct vn_neighbor_learn l = {.if_index = if_index, .addr = addr};

	if (unlikely(!learn_ring))
		return false;
	memcpy(l.mac, mac, 6);
	return rte_ring_mp_enqueue_elem(learn_ring, &l, sizeof(l)) == 0;
}

static void
neighbor_learn(const struct vn_neighbor_learn *l)
{
	uint32_t i;
	int rc;

	if (vn_hmap_get(&entry_map, neighbor_key(l->if_index, l->addr), &i)) {
		struct vn_neighbor_info *n = &entries[i];
		if (n->is_static)
			return;
		if (memcmp(n->mac, l->mac, 6) == 0) {
			n->updated_ms = neighbor_now_ms(); /* refresh only */
			return;
		}
	}
	rc = vn_neighbor_set(l->if_index, l->addr, l->mac, false);
	if (rc < 0)
		VN_DEBUG("learn on if %u ignored: %s", l->if_index, strerror(-rc));
}

uint32_t
vn_neighbor_process_learned(void)
{
	struct vn_neighbor_learn burst[VN_NEIGHBOR_DRAIN_BURST];
	uint32_t total = 0, n;

	if (!learn_ring)
		return 0;
	do {
		n = rte_ring_sc_dequeue_burst_elem(learn_ring, burst, sizeof(burst[0]),
						   VN_NEIGHBOR_DRAIN_BURST, NULL);
		for (uint32_t i = 0; i < n; i++)
			neighbor_learn(&burst[i]);
		total += n;
	} while (n == VN_NEIGHBOR_DRAIN_BURST);
	total += vn_neighbor6_process_learned();
	vn_neighbor6_tick();
	return total;
}

int
vn_neighbor_config_set(const struct vn_neighbor_config *c)
{
	if (!c || c->queue_len > VN_NEIGHBOR_QUEUE_MAX || c->timeout_ms == 0 ||
	    c->timeout_ms > VN_NEIGHBOR_TIMEOUT_MAX_MS)
		return -EINVAL;
	/* Workers read each field on its own: a reader between the two stores
	 * sees one old and one new value, each of them valid. */
	__atomic_store_n(&vn_neighbor_cfg.queue_len, c->queue_len, __ATOMIC_RELAXED);
	__atomic_store_n(&vn_neighbor_cfg.timeout_ms, c->timeout_ms, __ATOMIC_RELAXED);
	return 0;
}

void
vn_neighbor_config_get(struct vn_neighbor_config *out)
{
	*out = vn_neighbor_cfg;
}
