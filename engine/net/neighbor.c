/*
 * The neighbour table of both families (main thread). Entries live in one
 * dense array indexed through a map of (family, interface, address); every
 * change goes to the family's FIB, which rebuilds the adjacency of that next
 * hop and keeps its host route. Workers learn (ARP, NS, NA) through one
 * multi-producer ring drained here, so the table itself needs no lock.
 *
 * Learning follows RFC 4861 7.2.3 and 7.2.5 for both families: a static
 * entry is never replaced; the same MAC refreshes; a new MAC replaces the
 * entry unless it came in an advertisement without the override flag. ARP
 * posts plain bindings (no flags), which is what it always did.
 *
 * Reachability (net/neighbor.h) is one state machine for every family that
 * ages its entries (IPv6 today): REACHABLE ages to STALE, a STALE entry the
 * fast path used goes to DELAY, then PROBE with the family's unicast probes,
 * and is deleted after VN_ND_MAX_UNICAST_SOLICIT unanswered: its adjacency
 * falls back to INCOMPLETE and its host route goes, through the FIB's RCU
 * rules.
 *
 * The map key is a 64-bit hash of (family, interface, address); two bindings
 * with the same key (never seen: 2^-64 per pair) cannot both be kept, and the
 * second is refused with a log line rather than overwriting the first.
 */
#define VN_LOG_MOD "neighbor"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_errno.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/neighbor6.h>

#include "net/hmap.h"
#include "net/neighbor_priv.h"

#define VN_NBR_RING_SIZE 8192 /* what the two rings of each family held */
#define VN_NBR_DRAIN_BURST 64

/* What a worker posts; 28 bytes, a multiple of 4 as rte_ring_elem wants. */
struct vn_nbr_learn {
	uint32_t if_index;
	union vn_nbr_addr addr;
	uint8_t mac[6];
	uint8_t af;
	uint8_t flags; /* VN_ND_LEARN_* */
};

static const struct vn_nbr_family *const families[VN_NBR_AF_N] = {
	[VN_NBR_IP4] = &vn_nbr_ip4_family,
	[VN_NBR_IP6] = &vn_nbr_ip6_family,
};

static struct vn_nbr *entries;
static uint32_t n_entries, cap_entries; /* dense: deletion moves the last entry */
static uint32_t n_of_af[VN_NBR_AF_N];
static struct vn_hmap entry_map; /* nbr_key() -> index in entries */
static struct rte_ring *learn_ring;
static uint64_t (*clock_fn)(void);
static uint64_t next_tick_ms;

struct vn_neighbor_config vn_neighbor_cfg = {
	.queue_len = VN_NEIGHBOR_QUEUE_DEFAULT,
	.timeout_ms = VN_NEIGHBOR_TIMEOUT_DEFAULT_MS,
};

uint64_t
vn_nbr_now_ms(void)
{
	struct timespec ts;

	if (clock_fn)
		return clock_fn();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
vn_nbr_set_clock(uint64_t (*now_ms)(void))
{
	clock_fn = now_ms;
	next_tick_ms = 0;
}

static uint64_t
nbr_key(uint8_t af, uint32_t if_index, const union vn_nbr_addr *addr)
{
	return vn_hmap_key_if16(if_index | (uint32_t)af << 24, addr->ip6.b);
}

/* Unused bytes of an IPv4 address are zero: they are hashed and compared. */
static union vn_nbr_addr
nbr_addr_of(uint8_t af, const union vn_nbr_addr *addr)
{
	union vn_nbr_addr a = {0};

	if (af == VN_NBR_IP4)
		a.ip4 = addr->ip4;
	else
		a.ip6 = addr->ip6;
	return a;
}

static bool
nbr_find(uint8_t af, uint32_t if_index, const union vn_nbr_addr *addr, uint32_t *i)
{
	const struct vn_nbr *n;

	if (!vn_hmap_get(&entry_map, nbr_key(af, if_index, addr), i))
		return false;
	n = &entries[*i];
	return n->af == af && n->if_index == if_index && memcmp(&n->addr, addr, sizeof(*addr)) == 0;
}

int
vn_neighbor_init(void)
{
	if (learn_ring)
		return -EEXIST;
	if (vn_hmap_init(&entry_map, 256) < 0)
		goto fail;
	learn_ring = rte_ring_create_elem("vn_nbr_learn", sizeof(struct vn_nbr_learn),
					  VN_NBR_RING_SIZE, SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (!learn_ring) {
		VN_ERR("learn ring: %s", rte_strerror(rte_errno));
		goto fail;
	}
	return 0;
fail:
	vn_neighbor_fini();
	return -ENOMEM;
}

void
vn_neighbor_fini(void)
{
	rte_ring_free(learn_ring);
	learn_ring = NULL;
	vn_hmap_fini(&entry_map);
	free(entries);
	entries = NULL;
	n_entries = cap_entries = 0;
	memset(n_of_af, 0, sizeof(n_of_af));
}

static int
nbr_insert(uint8_t af, uint32_t if_index, const union vn_nbr_addr *addr, uint32_t *out)
{
	uint64_t key = nbr_key(af, if_index, addr);
	uint32_t other;

	if (vn_hmap_get(&entry_map, key, &other)) {
		VN_WARN("hash collision with another neighbour: entry refused");
		return -ENOSPC;
	}
	if (n_entries == cap_entries) {
		uint32_t cap = cap_entries ? cap_entries * 2 : 64;
		struct vn_nbr *ne = realloc(entries, cap * sizeof(*ne));
		if (!ne)
			return -ENOMEM;
		entries = ne;
		cap_entries = cap;
	}
	if (vn_hmap_put(&entry_map, key, n_entries) < 0)
		return -ENOMEM;
	entries[n_entries] = (struct vn_nbr){.if_index = if_index, .af = af, .addr = *addr};
	n_of_af[af]++;
	*out = n_entries++;
	return 0;
}

/* Entries of a family that does not age stay REACHABLE. */
static void
nbr_enter(struct vn_nbr *n, uint8_t state)
{
	const struct vn_nbr_family *fam = families[n->af];

	n->state = fam->probe ? state : VN_ND_REACHABLE;
	n->probes = 0;
	n->state_ms = vn_nbr_now_ms();
	if (n->state == VN_ND_STALE)
		fam->used(n); /* only use from now on moves it to DELAY */
}

int
vn_nbr_set(uint8_t af, uint32_t if_index, const union vn_nbr_addr *addr, const uint8_t mac[6],
	   bool is_static)
{
	union vn_nbr_addr a;
	struct vn_nbr *n;
	uint32_t i;
	bool changed;
	int rc;

	if (af >= VN_NBR_AF_N || !addr || !mac || if_index >= VN_IF_MAX)
		return -EINVAL;
	a = nbr_addr_of(af, addr);
	if (!families[af]->valid(&a, mac))
		return -EINVAL;
	if (!vn_interface_get(if_index))
		return -ENODEV;
	if (!learn_ring)
		return -ENOMEM;
	if (nbr_find(af, if_index, &a, &i)) {
		n = &entries[i];
		if (n->is_static && !is_static)
			return -EEXIST; /* learning never overrides configuration */
		changed = memcmp(n->mac, mac, 6) != 0;
	} else {
		rc = nbr_insert(af, if_index, &a, &i);
		if (rc < 0)
			return rc;
		n = &entries[i];
		changed = true;
	}
	memcpy(n->mac, mac, 6);
	n->is_static = is_static;
	n->updated_ms = vn_nbr_now_ms();
	/* Configured, or a binding nobody confirmed yet (RFC 4861 7.2.3). */
	if (is_static || changed)
		nbr_enter(n, is_static ? VN_ND_REACHABLE : VN_ND_STALE);
	/* The entry is stored first: the FIB reads it when it creates the adjacency. */
	if (changed)
		families[af]->fib_update(if_index, &a, mac);
	return 0;
}

int
vn_nbr_del(uint8_t af, uint32_t if_index, const union vn_nbr_addr *addr)
{
	union vn_nbr_addr gone; /* addr may point into entries */
	uint32_t i;

	if (af >= VN_NBR_AF_N || !addr || !learn_ring)
		return -ENOENT;
	gone = nbr_addr_of(af, addr);
	if (!nbr_find(af, if_index, &gone, &i))
		return -ENOENT;
	vn_hmap_del(&entry_map, nbr_key(af, if_index, &gone));
	n_of_af[af]--;
	if (i != --n_entries) {
		struct vn_nbr *m = &entries[i];
		*m = entries[n_entries];
		vn_hmap_put(&entry_map, nbr_key(m->af, m->if_index, &m->addr), i);
	}
	families[af]->fib_update(if_index, &gone, NULL);
	return 0;
}

int
vn_nbr_get(uint8_t af, uint32_t if_index, const union vn_nbr_addr *addr, struct vn_nbr *out)
{
	union vn_nbr_addr a;
	uint32_t i;

	if (af >= VN_NBR_AF_N || !addr || !learn_ring)
		return -ENOENT;
	a = nbr_addr_of(af, addr);
	if (!nbr_find(af, if_index, &a, &i))
		return -ENOENT;
	if (out)
		*out = entries[i];
	return 0;
}

static int
nbr_cmp(const void *pa, const void *pb)
{
	const struct vn_nbr *x = pa, *y = pb;

	if (x->af != y->af)
		return x->af < y->af ? -1 : 1;
	if (x->if_index != y->if_index)
		return x->if_index < y->if_index ? -1 : 1;
	return families[x->af]->cmp(&x->addr, &y->addr);
}

void
vn_nbr_walk(uint8_t af, void (*cb)(const struct vn_nbr *n, void *ctx), void *ctx)
{
	struct vn_nbr *copy;
	uint32_t n = 0;

	if (!cb || vn_nbr_count(af) == 0)
		return;
	/* A copy: the callback may change the table. */
	copy = malloc(vn_nbr_count(af) * sizeof(*copy));
	if (!copy) {
		VN_ERR("out of memory");
		return;
	}
	for (uint32_t i = 0; i < n_entries; i++)
		if (af == VN_NBR_AF_ANY || entries[i].af == af)
			copy[n++] = entries[i];
	qsort(copy, n, sizeof(*copy), nbr_cmp);
	for (uint32_t i = 0; i < n; i++)
		cb(&copy[i], ctx);
	free(copy);
}

uint32_t
vn_nbr_count(uint8_t af)
{
	return af < VN_NBR_AF_N ? n_of_af[af] : n_entries;
}

void
vn_neighbor_flush_interface(uint32_t if_index)
{
	for (uint32_t i = n_entries; i-- > 0;)
		if (i < n_entries && entries[i].if_index == if_index)
			vn_nbr_del(entries[i].af, if_index, &entries[i].addr);
}

bool
vn_nbr_post_learn(uint8_t af, uint32_t if_index, const union vn_nbr_addr *addr,
		  const uint8_t mac[6], uint8_t flags)
{
	struct vn_nbr_learn l = {.if_index = if_index, .af = af, .flags = flags};

	if (unlikely(!learn_ring))
		return false;
	if (af == VN_NBR_IP4)
		l.addr.ip4 = addr->ip4;
	else
		l.addr.ip6 = addr->ip6;
	memcpy(l.mac, mac, 6);
	return rte_ring_mp_enqueue_elem(learn_ring, &l, sizeof(l)) == 0;
}

/* RFC 4861 7.2.3 (NS) and 7.2.5 (NA), for what we keep: a new binding is
 * STALE unless a solicited NA confirms it; an NA without the override flag
 * does not change a known address (a REACHABLE entry becomes STALE). */
static void
nbr_learn(const struct vn_nbr_learn *l)
{
	const struct vn_nbr_family *fam = families[l->af];
	bool confirmed = l->flags & VN_ND_LEARN_CONFIRMED;
	bool is_na = l->flags & VN_ND_LEARN_NA;
	struct vn_nbr *n;
	uint32_t i;
	int rc;

	if (l->flags & VN_ND_LEARN_DAD) {
		if (fam->conflict)
			fam->conflict(l->if_index, &l->addr);
		return;
	}
	if (l->flags & VN_ND_LEARN_NO_LLADDR) {
		/* Confirms a known entry, teaches nothing new. */
		if (confirmed && nbr_find(l->af, l->if_index, &l->addr, &i) &&
		    !entries[i].is_static)
			nbr_enter(&entries[i], VN_ND_REACHABLE);
		return;
	}
	if (nbr_find(l->af, l->if_index, &l->addr, &i)) {
		n = &entries[i];
		if (n->is_static)
			return;
		if (is_na)
			n->is_router = l->flags & VN_ND_LEARN_ROUTER;
		if (memcmp(n->mac, l->mac, 6) == 0) {
			n->updated_ms = vn_nbr_now_ms(); /* refresh only */
			if (confirmed)
				nbr_enter(n, VN_ND_REACHABLE);
			return;
		}
		if (is_na && !(l->flags & VN_ND_LEARN_OVERRIDE)) {
			if (n->state == VN_ND_REACHABLE)
				nbr_enter(n, VN_ND_STALE);
			return;
		}
	}
	rc = vn_nbr_set(l->af, l->if_index, &l->addr, l->mac, false);
	if (rc < 0) {
		VN_DEBUG("learn on if %u ignored: %s", l->if_index, strerror(-rc));
		return;
	}
	if (!nbr_find(l->af, l->if_index, &l->addr, &i))
		return;
	if (is_na)
		entries[i].is_router = l->flags & VN_ND_LEARN_ROUTER;
	if (confirmed)
		nbr_enter(&entries[i], VN_ND_REACHABLE);
}

/* The state machine of net/neighbor.h, on every entry of a family that ages. */
static void
nbr_tick(void)
{
	uint64_t now = vn_nbr_now_ms();
	uint32_t reachable[VN_NBR_AF_N];

	if (now < next_tick_ms)
		return;
	next_tick_ms = now + VN_NBR_TICK_MS;
	for (uint32_t af = 0; af < VN_NBR_AF_N; af++) {
		if (families[af]->tick)
			families[af]->tick(now);
		reachable[af] = families[af]->probe ? families[af]->reachable_ms() : 0;
	}
	/* Backwards: a deleted entry takes the last one's place, already seen. */
	for (uint32_t i = n_entries; i-- > 0;) {
		struct vn_nbr *n = &entries[i];
		const struct vn_nbr_family *fam = families[n->af];
		uint64_t in_state = now - n->state_ms;

		if (n->is_static || !fam->probe)
			continue;
		switch (n->state) {
		case VN_ND_REACHABLE:
			if (in_state >= reachable[n->af])
				nbr_enter(n, VN_ND_STALE);
			break;
		case VN_ND_STALE:
			if (fam->used(n))
				nbr_enter(n, VN_ND_DELAY);
			break;
		case VN_ND_DELAY:
			if (in_state < VN_ND_DELAY_FIRST_PROBE_MS)
				break;
			nbr_enter(n, VN_ND_PROBE);
			n->probes = 1;
			fam->probe(n);
			break;
		case VN_ND_PROBE:
			if (in_state < VN_ND_RETRANS_TIMER_MS)
				break;
			if (n->probes >= VN_ND_MAX_UNICAST_SOLICIT) {
				char a[VN_IP6_STRLEN];
				VN_DEBUG("%s on if %u unreachable: removed",
					 vn_fmt_nbr_addr(n->af, &n->addr, a), n->if_index);
				vn_nbr_del(n->af, n->if_index, &n->addr);
				break;
			}
			n->probes++;
			n->state_ms = now;
			fam->probe(n);
			break;
		}
	}
}

uint32_t
vn_neighbor_process_learned(void)
{
	struct vn_nbr_learn burst[VN_NBR_DRAIN_BURST];
	uint32_t total = 0, n;

	if (!learn_ring)
		return 0;
	do {
		n = rte_ring_sc_dequeue_burst_elem(learn_ring, burst, sizeof(burst[0]),
						   VN_NBR_DRAIN_BURST, NULL);
		for (uint32_t i = 0; i < n; i++)
			if (burst[i].af < VN_NBR_AF_N)
				nbr_learn(&burst[i]);
		total += n;
	} while (n == VN_NBR_DRAIN_BURST);
	nbr_tick();
	return total;
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

uint8_t
vn_parse_nbr_addr(const char *s, union vn_nbr_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (vn_parse_ip4(s, &addr->ip4) == 0)
		return VN_NBR_IP4;
	if (vn_parse_ip6(s, &addr->ip6) == 0)
		return VN_NBR_IP6;
	return VN_NBR_AF_N;
}

char *
vn_fmt_nbr_addr(uint8_t af, const union vn_nbr_addr *addr, char *buf)
{
	return af == VN_NBR_IP4 ? vn_fmt_ip4(addr->ip4, buf) : vn_fmt_ip6(&addr->ip6, buf);
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
