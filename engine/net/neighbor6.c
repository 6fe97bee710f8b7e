/*
 * IPv6 neighbour table (main thread), built as the IPv4 one: a dense array
 * indexed through a map of (interface, address), changes pushed to the FIB,
 * workers' learning through a multi-producer ring drained by the main thread
 * (vn_neighbor_process_learned drains this one too).
 *
 * The map key is a 64-bit hash of (interface, address); two bindings with
 * the same key (never seen: 2^-64 per pair) cannot both be kept, and the
 * second is refused with a log line rather than overwriting the first.
 */
#define VN_LOG_MOD "neighbor6"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_errno.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor6.h>

#include "net/fib_priv.h"
#include "net/hmap.h"

#define VN_NEIGHBOR6_RING_SIZE 4096
#define VN_NEIGHBOR6_DRAIN_BURST 64

/* What a worker posts; 28 bytes, a multiple of 4 as rte_ring_elem wants. */
struct vn_neighbor6_learn {
	uint32_t if_index;
	struct vn_ip6 addr;
	uint8_t mac[6];
	uint8_t is_router;
	uint8_t pad;
};

static struct vn_neighbor6_info *entries;
static uint32_t n_entries, cap_entries; /* dense: deletion moves the last entry */
static struct vn_hmap entry_map;	/* neighbor6_key() -> index in entries */
static struct rte_ring *learn_ring;

static uint64_t
neighbor6_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t
neighbor6_key(uint32_t if_index, const struct vn_ip6 *addr)
{
	uint64_t key = 14695981039346656037ull ^ if_index;

	for (uint32_t i = 0; i < 16; i++)
		key = (key ^ addr->b[i]) * 1099511628211ull;
	return key;
}

static bool
neighbor6_find(uint32_t if_index, const struct vn_ip6 *addr, uint32_t *i)
{
	return vn_hmap_get(&entry_map, neighbor6_key(if_index, addr), i) &&
	       entries[*i].if_index == if_index && vn_ip6_eq(&entries[*i].addr, addr);
}

int
vn_neighbor6_init(void)
{
	if (learn_ring)
		return -EEXIST;
	if (vn_hmap_init(&entry_map, 256) < 0)
		goto fail;
	learn_ring = rte_ring_create_elem("vn_nbr6_learn", sizeof(struct vn_neighbor6_learn),
					  VN_NEIGHBOR6_RING_SIZE, SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (!learn_ring) {
		VN_ERR("learn ring: %s", rte_strerror(rte_errno));
		goto fail;
	}
	return 0;
fail:
	vn_neighbor6_fini();
	return -ENOMEM;
}

void
vn_neighbor6_fini(void)
{
	rte_ring_free(learn_ring);
	learn_ring = NULL;
	vn_hmap_fini(&entry_map);
	free(entries);
	entries = NULL;
	n_entries = cap_entries = 0;
}

static int
neighbor6_insert(uint32_t if_index, const struct vn_ip6 *addr, uint32_t *out)
{
	uint64_t key = neighbor6_key(if_index, addr);
	uint32_t other;

	if (vn_hmap_get(&entry_map, key, &other)) {
		VN_WARN("hash collision with another neighbour: entry refused");
		return -ENOSPC;
	}
	if (n_entries == cap_entries) {
		uint32_t cap = cap_entries ? cap_entries * 2 : 64;
		struct vn_neighbor6_info *ne = realloc(entries, cap * sizeof(*ne));
		if (!ne)
			return -ENOMEM;
		entries = ne;
		cap_entries = cap;
	}
	if (vn_hmap_put(&entry_map, key, n_entries) < 0)
		return -ENOMEM;
	entries[n_entries] = (struct vn_neighbor6_info){.if_index = if_index, .addr = *addr};
	*out = n_entries++;
	return 0;
}

int
vn_neighbor6_set(uint32_t if_index, const struct vn_ip6 *addr, const uint8_t mac[6],
		 bool is_static)
{
	struct vn_neighbor6_info *n;
	uint32_t i;
	bool changed;
	int rc;

	if (!mac || !addr || if_index >= VN_IF_MAX || vn_ip6_is_unspecified(addr) ||
	    vn_ip6_is_multicast(addr) || (mac[0] & 1))
		return -EINVAL;
	if (!vn_interface_get(if_index))
		return -ENODEV;
	if (neighbor6_find(if_index, addr, &i)) {
		n = &entries[i];
		if (n->is_static && !is_static)
			return -EEXIST; /* learning never overrides configuration */
		changed = memcmp(n->mac, mac, 6) != 0;
	} else {
		rc = neighbor6_insert(if_index, addr, &i);
		if (rc < 0)
			return rc;
		n = &entries[i];
		changed = true;
	}
	memcpy(n->mac, mac, 6);
	n->is_static = is_static;
	n->updated_ms = neighbor6_now_ms();
	/* The entry is stored first: the FIB reads it when it creates the adjacency. */
	if (changed)
		vn_fib6_neighbor_update(if_index, addr, mac);
	return 0;
}

int
vn_neighbor6_del(uint32_t if_index, const struct vn_ip6 *addr)
{
	struct vn_ip6 gone = *addr; /* addr may point into entries */
	uint32_t i;

	if (!neighbor6_find(if_index, &gone, &i))
		return -ENOENT;
	vn_hmap_del(&entry_map, neighbor6_key(if_index, &gone));
	if (i != --n_entries) {
		entries[i] = entries[n_entries];
		vn_hmap_put(&entry_map, neighbor6_key(entries[i].if_index, &entries[i].addr), i);
	}
	vn_fib6_neighbor_update(if_index, &gone, NULL);
	return 0;
}

int
vn_neighbor6_get(uint32_t if_index, const struct vn_ip6 *addr, struct vn_neighbor6_info *out)
{
	uint32_t i;

	if (!learn_ring || !neighbor6_find(if_index, addr, &i))
		return -ENOENT;
	if (out)
		*out = entries[i];
	return 0;
}

static int
neighbor6_cmp(const void *a, const void *b)
{
	const struct vn_neighbor6_info *x = a, *y = b;

	if (x->if_index != y->if_index)
		return x->if_index < y->if_index ? -1 : 1;
	return memcmp(x->addr.b, y->addr.b, 16);
}

void
vn_neighbor6_walk(void (*cb)(const struct vn_neighbor6_info *n, void *ctx), void *ctx)
{
	struct vn_neighbor6_info *copy;
	uint32_t n = n_entries;

	if (!cb || n == 0)
		return;
	/* A copy: the callback may change the table. */
	copy = malloc(n * sizeof(*copy));
	if (!copy) {
		VN_ERR("out of memory");
		return;
	}
	memcpy(copy, entries, n * sizeof(*copy));
	qsort(copy, n, sizeof(*copy), neighbor6_cmp);
	for (uint32_t i = 0; i < n; i++)
		cb(&copy[i], ctx);
	free(copy);
}

uint32_t
vn_neighbor6_count(void)
{
	return n_entries;
}

void
vn_neighbor6_flush_interface(uint32_t if_index)
{
	for (uint32_t i = n_entries; i-- > 0;)
		if (i < n_entries && entries[i].if_index == if_index)
			vn_neighbor6_del(if_index, &entries[i].addr);
}

bool
vn_neighbor6_post_learn(uint32_t if_index, const struct vn_ip6 *addr, const uint8_t mac[6],
			bool is_router)
{
	struct vn_neighbor6_learn l = {.if_index = if_index, .addr = *addr, .is_router = is_router};

	if (unlikely(!learn_ring))
		return false;
	memcpy(l.mac, mac, 6);
	return rte_ring_mp_enqueue_elem(learn_ring, &l, sizeof(l)) == 0;
}

static void
neighbor6_learn(const struct vn_neighbor6_learn *l)
{
	uint32_t i;
	int rc;

	if (neighbor6_find(l->if_index, &l->addr, &i)) {
		struct vn_neighbor6_info *n = &entries[i];
		if (n->is_static)
			return;
		n->is_router = l->is_router;
		if (memcmp(n->mac, l->mac, 6) == 0) {
			n->updated_ms = neighbor6_now_ms(); /* refresh only */
			return;
		}
	}
	rc = vn_neighbor6_set(l->if_index, &l->addr, l->mac, false);
	if (rc < 0)
		VN_DEBUG("learn on if %u ignored: %s", l->if_index, strerror(-rc));
	else if (neighbor6_find(l->if_index, &l->addr, &i))
		entries[i].is_router = l->is_router;
}

uint32_t
vn_neighbor6_process_learned(void)
{
	struct vn_neighbor6_learn burst[VN_NEIGHBOR6_DRAIN_BURST];
	uint32_t total = 0, n;

	if (!learn_ring)
		return 0;
	do {
		n = rte_ring_sc_dequeue_burst_elem(learn_ring, burst, sizeof(burst[0]),
						   VN_NEIGHBOR6_DRAIN_BURST, NULL);
		for (uint32_t i = 0; i < n; i++)
			neighbor6_learn(&burst[i]);
		total += n;
	} while (n == VN_NEIGHBOR6_DRAIN_BURST);
	return total;
}
