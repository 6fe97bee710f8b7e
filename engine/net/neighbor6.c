/*
 * IPv6 neighbour table (main thread), built as the IPv4 one: a dense array
 * indexed through a map of (interface, address), changes pushed to the FIB,
 * workers' learning through a multi-producer ring drained by the main thread
 * (vn_neighbor_process_learned drains this one too).
 *
 * Reachability (RFC 4861 7.3, net/neighbor6.h): the state of each dynamic
 * entry moves on learning (a solicited NA confirms, an NS or a changed
 * address makes it STALE) and on vn_neighbor6_tick, a walk on the main
 * thread: REACHABLE ages to STALE, a STALE entry that ip6-rewrite used
 * (vn_nd6_adj_used, looked at only for STALE entries) goes to DELAY, then
 * PROBE with unicast solicitations through the control injection, and is
 * deleted after VN_ND_MAX_UNICAST_SOLICIT unanswered: its adjacency falls
 * back to INCOMPLETE and its host route goes, through the FIB's RCU rules.
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
#include <vecnet/graph.h>
#include <vecnet/net/buffer.h>
#include <vecnet/net/dad6.h>
#include <vecnet/net/inject.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/neighbor6.h>
#include <vecnet/net/ra6.h>

#include "net/fib_priv.h"
#include "net/hmap.h"

#define VN_NEIGHBOR6_RING_SIZE 4096
#define VN_NEIGHBOR6_DRAIN_BURST 64
#define VN_NEIGHBOR6_TICK_MS 100

/* What a worker posts; 28 bytes, a multiple of 4 as rte_ring_elem wants. */
struct vn_neighbor6_learn {
	uint32_t if_index;
	struct vn_ip6 addr;
	uint8_t mac[6];
	uint8_t flags; /* VN_ND_LEARN_* */
	uint8_t pad;
};

uint8_t vn_nd6_adj_used[VN_THREAD_MAX][VN_ADJ_MAX];

static struct vn_nd6_config nd6_cfg = {
	.reachable_ms = VN_ND_REACHABLE_DEFAULT_MS,
	.dad_transmits = VN_ND_DAD_TRANSMITS_DEFAULT,
};
static uint64_t (*clock_fn)(void);
static void (*probe_sink)(struct rte_mbuf *m);
static uint64_t next_tick_ms;

static struct vn_neighbor6_info *entries;
static uint32_t n_entries, cap_entries; /* dense: deletion moves the last entry */
static struct vn_hmap entry_map;	/* neighbor6_key() -> index in entries */
static struct rte_ring *learn_ring;

static uint64_t
neighbor6_now_ms(void)
{
	struct timespec ts;

	if (clock_fn)
		return clock_fn();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t
neighbor6_key(uint32_t if_index, const struct vn_ip6 *addr)
{
	return vn_hmap_key_if16(if_index, addr->b);
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

const char *
vn_nd_state_name(uint8_t state)
{
	static const char *const names[] = {
		[VN_ND_REACHABLE] = "REACHABLE",
		[VN_ND_STALE] = "STALE",
		[VN_ND_DELAY] = "DELAY",
		[VN_ND_PROBE] = "PROBE",
	};

	return state < RTE_DIM(names) ? names[state] : "?";
}

/* The adjacency's use bits, read and cleared: true if any thread used it. */
static bool
neighbor6_used(const struct vn_neighbor6_info *n)
{
	uint32_t adj;
	bool used = false;

	if (!vn_adj_nh6_find(n->if_index, &n->addr, &adj))
		return false;
	for (uint32_t t = 0; t < VN_THREAD_MAX; t++) {
		if (__atomic_load_n(&vn_nd6_adj_used[t][adj], __ATOMIC_RELAXED)) {
			__atomic_store_n(&vn_nd6_adj_used[t][adj], 0, __ATOMIC_RELAXED);
			used = true;
		}
	}
	return used;
}

static void
neighbor6_enter(struct vn_neighbor6_info *n, uint8_t state)
{
	n->state = state;
	n->probes = 0;
	n->state_ms = neighbor6_now_ms();
	if (state == VN_ND_STALE)
		neighbor6_used(n); /* only use from now on moves it to DELAY */
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
	/* Configured, or a binding nobody confirmed yet (RFC 4861 7.2.3). */
	if (is_static || changed)
		neighbor6_enter(n, is_static ? VN_ND_REACHABLE : VN_ND_STALE);
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
			uint8_t flags)
{
	struct vn_neighbor6_learn l = {.if_index = if_index, .addr = *addr, .flags = flags};

	if (unlikely(!learn_ring))
		return false;
	memcpy(l.mac, mac, 6);
	return rte_ring_mp_enqueue_elem(learn_ring, &l, sizeof(l)) == 0;
}

/* RFC 4861 7.2.3 (NS) and 7.2.5 (NA), for what we keep: a new binding is
 * STALE unless a solicited NA confirms it; an NA without the override flag
 * does not change a known address (a REACHABLE entry becomes STALE). */
static void
neighbor6_learn(const struct vn_neighbor6_learn *l)
{
	bool confirmed = l->flags & VN_ND_LEARN_CONFIRMED;
	bool is_na = l->flags & VN_ND_LEARN_NA;
	struct vn_neighbor6_info *n;
	uint32_t i;
	int rc;

	if (l->flags & VN_ND_LEARN_DAD) {
		vn_dad6_conflict(l->if_index, &l->addr);
		return;
	}
	if (l->flags & VN_ND_LEARN_NO_LLADDR) {
		/* Confirms a known entry, teaches nothing new. */
		if (neighbor6_find(l->if_index, &l->addr, &i) && !entries[i].is_static && confirmed)
			neighbor6_enter(&entries[i], VN_ND_REACHABLE);
		return;
	}
	if (neighbor6_find(l->if_index, &l->addr, &i)) {
		n = &entries[i];
		if (n->is_static)
			return;
		if (is_na)
			n->is_router = l->flags & VN_ND_LEARN_ROUTER;
		if (memcmp(n->mac, l->mac, 6) == 0) {
			n->updated_ms = neighbor6_now_ms(); /* refresh only */
			if (confirmed)
				neighbor6_enter(n, VN_ND_REACHABLE);
			return;
		}
		if (is_na && !(l->flags & VN_ND_LEARN_OVERRIDE)) {
			if (n->state == VN_ND_REACHABLE)
				neighbor6_enter(n, VN_ND_STALE);
			return;
		}
	}
	rc = vn_neighbor6_set(l->if_index, &l->addr, l->mac, false);
	if (rc < 0) {
		VN_DEBUG("learn on if %u ignored: %s", l->if_index, strerror(-rc));
		return;
	}
	if (!neighbor6_find(l->if_index, &l->addr, &i))
		return;
	if (is_na)
		entries[i].is_router = l->flags & VN_ND_LEARN_ROUTER;
	if (confirmed)
		neighbor6_enter(&entries[i], VN_ND_REACHABLE);
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

/* A unicast solicitation to n (RFC 4861 7.3.3). */
static void
neighbor6_probe(const struct vn_neighbor6_info *n)
{
	const struct vn_if_fp *fp = vn_if_fp(n->if_index);
	struct rte_mbuf *m;

	if (!fp || !fp->admin_up)
		return;
	m = vn_nd6_ns_build(fp, &n->addr, vn_if_src6(fp, &n->addr), n->mac);
	if (!m)
		return;
	vn_meta(m)->flags |= VN_META_F_L2_READY;
	vn_nd6_send(m);
}

void
vn_nd6_send(struct rte_mbuf *m)
{
	struct vn_graph *g = vn_graph_self();

	if (probe_sink) {
		probe_sink(m);
		return;
	}
	if (vn_control_inject(g ? g->thread_index : vn_fwd_thread_index(0), &m, 1) != 1)
		rte_pktmbuf_free(m);
}

void
vn_neighbor6_tick(void)
{
	uint64_t now = neighbor6_now_ms();
	uint32_t reachable = __atomic_load_n(&nd6_cfg.reachable_ms, __ATOMIC_RELAXED);

	if (now < next_tick_ms)
		return;
	next_tick_ms = now + VN_NEIGHBOR6_TICK_MS;
	vn_dad6_tick(now);
	vn_ra6_tick(now);
	/* Backwards: a deleted entry takes the last one's place, already seen. */
	for (uint32_t i = n_entries; i-- > 0;) {
		struct vn_neighbor6_info *n = &entries[i];
		uint64_t in_state = now - n->state_ms;

		if (n->is_static)
			continue;
		switch (n->state) {
		case VN_ND_REACHABLE:
			if (in_state >= reachable)
				neighbor6_enter(n, VN_ND_STALE);
			break;
		case VN_ND_STALE:
			if (neighbor6_used(n))
				neighbor6_enter(n, VN_ND_DELAY);
			break;
		case VN_ND_DELAY:
			if (in_state < VN_ND_DELAY_FIRST_PROBE_MS)
				break;
			neighbor6_enter(n, VN_ND_PROBE);
			n->probes = 1;
			neighbor6_probe(n);
			break;
		case VN_ND_PROBE:
			if (in_state < VN_ND_RETRANS_TIMER_MS)
				break;
			if (n->probes >= VN_ND_MAX_UNICAST_SOLICIT) {
				char a[VN_IP6_STRLEN];
				VN_DEBUG("%s on if %u unreachable: removed", vn_fmt_ip6(&n->addr, a),
					 n->if_index);
				vn_neighbor6_del(n->if_index, &n->addr);
				break;
			}
			n->probes++;
			n->state_ms = now;
			neighbor6_probe(n);
			break;
		}
	}
}

void
vn_neighbor6_set_clock(uint64_t (*now_ms)(void))
{
	clock_fn = now_ms;
	next_tick_ms = 0;
}

void
vn_neighbor6_set_probe_sink(void (*sink)(struct rte_mbuf *m))
{
	probe_sink = sink;
}

int
vn_nd6_config_set(const struct vn_nd6_config *c)
{
	if (!c || c->reachable_ms == 0 || c->reachable_ms > VN_ND_REACHABLE_MAX_MS ||
	    c->dad_transmits > VN_ND_DAD_TRANSMITS_MAX)
		return -EINVAL;
	__atomic_store_n(&nd6_cfg.reachable_ms, c->reachable_ms, __ATOMIC_RELAXED);
	__atomic_store_n(&nd6_cfg.dad_transmits, c->dad_transmits, __ATOMIC_RELAXED);
	return 0;
}

void
vn_nd6_config_get(struct vn_nd6_config *out)
{
	*out = nd6_cfg;
}
