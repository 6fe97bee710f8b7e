/*
 * Adjacencies and ECMP groups. Both are immutable once published: a change
 * (neighbour resolved, MAC or MTU changed) builds a new object for the same
 * index, swaps the table pointer with release semantics and frees the old
 * object after an RCU grace period. Indices stay stable while referenced, so
 * routes never need reprogramming when only the rewrite changes.
 *
 * Slots no longer referenced point at the DROP adjacency (ECMP: a one-path
 * DROP group) rather than NULL: a worker holding a stale LPM result from just
 * before the route change then drops instead of faulting.
 */
#define VN_LOG_MOD "fib"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/neighbor6.h>
#include <vecnet/rcu.h>

#include "net/fib_priv.h"
#include "net/hmap.h"

struct vn_adj *vn_adj_table[VN_ADJ_MAX];
struct vn_ecmp *vn_ecmp_table[VN_ECMP_MAX_GROUPS];

enum vn_adj_kind {
	VN_ADJ_KIND_FREE,
	VN_ADJ_KIND_FIXED,
	VN_ADJ_KIND_GLEAN,
	VN_ADJ_KIND_NH,
	VN_ADJ_KIND_GLEAN6,
	VN_ADJ_KIND_NH6,
};

/* Control-plane side of an adjacency; never read by workers. */
struct vn_adj_ctl {
	uint32_t refs;
	uint32_t if_index;
	uint32_t nh;
	uint8_t kind; /* enum vn_adj_kind */
	bool has_mac;
	uint8_t mac[6];
	struct vn_ip6 nh6; /* NH6 */
	uint64_t key6; /* NH6: its key in adj6_map */
};

struct vn_ecmp_ctl {
	uint32_t refs;
	uint64_t key; /* hash of the sorted members, key in ecmp_map */
};

static struct vn_adj_ctl adj_ctl[VN_ADJ_MAX];
static struct vn_adj *adj_fixed[3];
static uint32_t adj_hw; /* slots below this have been used */
static uint32_t adj_free[VN_ADJ_MAX], n_adj_free;
static uint32_t n_adj_used;
static uint32_t glean_adj[VN_IF_MAX]; /* 0: none */
static struct vn_hmap adj_map;	      /* (if << 32 | nh) -> index */
static uint32_t glean6_adj[VN_IF_MAX]; /* 0: none */
static struct vn_hmap adj6_map; /* hash of (if, nh6) -> index; a collision probes key + 1 */

static struct vn_ecmp_ctl ecmp_ctl[VN_ECMP_MAX_GROUPS];
static struct vn_ecmp ecmp_dead = {.n_paths = 1, .adj = {VN_ADJ_INDEX_DROP}};
static uint32_t ecmp_free[VN_ECMP_MAX_GROUPS], n_ecmp_free;
static uint32_t n_ecmp_used;
static struct vn_hmap ecmp_map; /* member hash -> group; collisions chain by probing key+1 */
static bool adj_ready;

static void
adj_defer_free(void *p)
{
	if (vn_rcu)
		vn_rcu_free(p, free);
	else
		free(p); /* no RCU yet: no reader threads either */
}

static bool
adj_is_fixed_ptr(const struct vn_adj *a)
{
	return a == adj_fixed[0] || a == adj_fixed[1] || a == adj_fixed[2];
}

static struct vn_adj *
adj_alloc(uint32_t index, uint8_t type)
{
	struct vn_adj *a = aligned_alloc(RTE_CACHE_LINE_SIZE, sizeof(*a));

	if (a)
		*a = (struct vn_adj){.type = type, .index = index};
	return a;
}

/* Builds the published object from the control state. */
static struct vn_adj *
adj_build(uint32_t index)
{
	const struct vn_adj_ctl *c = &adj_ctl[index];
	const struct vn_interface *ifp = vn_interface_get(c->if_index);
	struct vn_adj *a;
	bool is_ip6 = c->kind == VN_ADJ_KIND_NH6 || c->kind == VN_ADJ_KIND_GLEAN6;
	uint16_t ethertype = rte_cpu_to_be_16(is_ip6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);

	if (c->kind == VN_ADJ_KIND_GLEAN || c->kind == VN_ADJ_KIND_GLEAN6)
		a = adj_alloc(index, VN_ADJ_GLEAN);
	else
		a = adj_alloc(index, c->has_mac ? VN_ADJ_REWRITE : VN_ADJ_INCOMPLETE);
	if (!a)
		return NULL;
	a->tx_if = (uint16_t)c->if_index;
	a->mtu = ifp ? ifp->mtu : 0;
	a->is_ip6 = is_ip6;
	if (c->kind != VN_ADJ_KIND_NH && c->kind != VN_ADJ_KIND_NH6)
		return a;
	a->nh = c->nh;
	a->nh6 = c->nh6;
	if (c->has_mac) {
		/* A sub-interface's tags follow the MACs, as in VPP's rewrite string. */
		const struct vn_if_fp *fp = vn_if_fp(c->if_index);
		uint8_t tags_len = fp ? fp->l2_tags_len : 0;

		memcpy(&a->rewrite[0], c->mac, 6);
		if (ifp)
			memcpy(&a->rewrite[6], ifp->mac, 6);
		if (tags_len)
			memcpy(&a->rewrite[12], fp->l2_tags, tags_len);
		memcpy(&a->rewrite[12 + tags_len], &ethertype, 2);
		a->rewrite_len = RTE_ETHER_HDR_LEN + tags_len;
	}
	return a;
}

static int
adj_publish(uint32_t index)
{
	struct vn_adj *a = adj_build(index), *old;

	if (!a)
		return -ENOMEM;
	old = __atomic_exchange_n(&vn_adj_table[index], a, __ATOMIC_ACQ_REL);
	vn_fib_epoch_advance();
	if (old && !adj_is_fixed_ptr(old))
		adj_defer_free(old);
	return 0;
}

int
vn_adj_init(void)
{
	static const uint8_t fixed_types[] = {
	    [VN_ADJ_INDEX_UNREACH] = VN_ADJ_UNREACH,
	    [VN_ADJ_INDEX_DROP] = VN_ADJ_DROP,
	    [VN_ADJ_INDEX_LOCAL] = VN_ADJ_LOCAL,
	};

	if (vn_hmap_init(&adj_map, 1024) < 0 || vn_hmap_init(&ecmp_map, 1024) < 0 ||
	    vn_hmap_init(&adj6_map, 1024) < 0)
		goto fail;
	for (uint32_t i = 0; i < 3; i++) {
		adj_fixed[i] = adj_alloc(i, fixed_types[i]);
		if (!adj_fixed[i])
			goto fail;
		adj_ctl[i] = (struct vn_adj_ctl){.kind = VN_ADJ_KIND_FIXED, .refs = 1};
		vn_adj_table[i] = adj_fixed[i];
	}
	adj_hw = 3;
	n_adj_used = 3;
	n_adj_free = 0;
	n_ecmp_free = 0;
	for (uint32_t g = VN_ECMP_MAX_GROUPS; g-- > 0;)
		ecmp_free[n_ecmp_free++] = g;
	adj_ready = true;
	return 0;
fail:
	vn_adj_fini();
	return -ENOMEM;
}

/* Shutdown: workers are stopped, so objects are freed directly. */
void
vn_adj_fini(void)
{
	for (uint32_t i = 0; i < VN_ADJ_MAX; i++) {
		if (vn_adj_table[i] && !adj_is_fixed_ptr(vn_adj_table[i]))
			free(vn_adj_table[i]);
		vn_adj_table[i] = NULL;
	}
	for (uint32_t i = 0; i < 3; i++) {
		free(adj_fixed[i]);
		adj_fixed[i] = NULL;
	}
	for (uint32_t g = 0; g < VN_ECMP_MAX_GROUPS; g++) {
		if (vn_ecmp_table[g] && vn_ecmp_table[g] != &ecmp_dead)
			free(vn_ecmp_table[g]);
		vn_ecmp_table[g] = NULL;
	}
	memset(adj_ctl, 0, sizeof(adj_ctl));
	memset(ecmp_ctl, 0, sizeof(ecmp_ctl));
	memset(glean_adj, 0, sizeof(glean_adj));
	memset(glean6_adj, 0, sizeof(glean6_adj));
	vn_hmap_fini(&adj_map);
	vn_hmap_fini(&adj6_map);
	vn_hmap_fini(&ecmp_map);
	adj_hw = n_adj_free = n_adj_used = 0;
	n_ecmp_free = n_ecmp_used = 0;
	adj_ready = false;
}

static int
adj_new(uint8_t kind, uint32_t if_index, uint32_t nh, const struct vn_ip6 *nh6, uint32_t *index)
{
	uint32_t i;

	if (n_adj_free)
		i = adj_free[--n_adj_free];
	else if (adj_hw < VN_ADJ_MAX)
		i = adj_hw++;
	else
		return -ENOSPC;
	adj_ctl[i] = (struct vn_adj_ctl){.kind = kind, .if_index = if_index, .nh = nh, .refs = 1};
	if (kind == VN_ADJ_KIND_NH) {
		struct vn_neighbor_info n;
		if (vn_neighbor_get(if_index, nh, &n) == 0) {
			adj_ctl[i].has_mac = true;
			memcpy(adj_ctl[i].mac, n.mac, 6);
		}
	} else if (kind == VN_ADJ_KIND_NH6) {
		struct vn_neighbor6_info n;
		adj_ctl[i].nh6 = *nh6;
		if (vn_neighbor6_get(if_index, nh6, &n) == 0) {
			adj_ctl[i].has_mac = true;
			memcpy(adj_ctl[i].mac, n.mac, 6);
		}
	}
	if (adj_publish(i) < 0) {
		adj_ctl[i].kind = VN_ADJ_KIND_FREE;
		adj_free[n_adj_free++] = i;
		return -ENOMEM;
	}
	n_adj_used++;
	*index = i;
	return 0;
}

static uint64_t
adj_key(uint32_t if_index, uint32_t nh)
{
	return (uint64_t)if_index << 32 | nh;
}

int
vn_adj_nh_lock(uint32_t if_index, uint32_t nh, uint32_t *index)
{
	int rc;

	if (if_index >= VN_IF_MAX)
		return -EINVAL;
	if (vn_hmap_get(&adj_map, adj_key(if_index, nh), index)) {
		adj_ctl[*index].refs++;
		return 0;
	}
	rc = adj_new(VN_ADJ_KIND_NH, if_index, nh, NULL, index);
	if (rc == 0 && vn_hmap_put(&adj_map, adj_key(if_index, nh), *index) < 0) {
		vn_fib_nh_unlock(*index);
		rc = -ENOMEM;
	}
	return rc;
}

int
vn_adj_glean_lock(uint32_t if_index, uint32_t *index)
{
	int rc;

	if (if_index >= VN_IF_MAX)
		return -EINVAL;
	if (glean_adj[if_index]) {
		*index = glean_adj[if_index];
		adj_ctl[*index].refs++;
		return 0;
	}
	rc = adj_new(VN_ADJ_KIND_GLEAN, if_index, 0, NULL, index);
	if (rc == 0)
		glean_adj[if_index] = *index;
	return rc;
}

/* Equal keys of different next hops probe key + 1. */
static uint64_t
adj6_key(uint32_t if_index, const struct vn_ip6 *nh)
{
	return vn_hmap_key_if16(if_index, nh->b);
}

/* The adjacency of (if, nh6), or the free key where it would go. */
static bool
adj6_find(uint32_t if_index, const struct vn_ip6 *nh, uint32_t *index, uint64_t *free_key)
{
	for (uint64_t key = adj6_key(if_index, nh);; key++) {
		if (!vn_hmap_get(&adj6_map, key, index)) {
			*free_key = key;
			return false;
		}
		if (adj_ctl[*index].if_index == if_index && vn_ip6_eq(&adj_ctl[*index].nh6, nh))
			return true;
	}
}

bool
vn_adj_nh6_find(uint32_t if_index, const struct vn_ip6 *nh, uint32_t *index)
{
	uint64_t free_key;

	return adj6_find(if_index, nh, index, &free_key);
}

int
vn_adj_nh6_lock(uint32_t if_index, const struct vn_ip6 *nh, uint32_t *index)
{
	uint64_t key;
	int rc;

	if (if_index >= VN_IF_MAX)
		return -EINVAL;
	if (adj6_find(if_index, nh, index, &key)) {
		adj_ctl[*index].refs++;
		return 0;
	}
	rc = adj_new(VN_ADJ_KIND_NH6, if_index, 0, nh, index);
	if (rc < 0)
		return rc;
	adj_ctl[*index].key6 = key;
	if (vn_hmap_put(&adj6_map, key, *index) < 0) {
		vn_fib_nh_unlock(*index); /* not in adj6_map: adj6_forget finds nothing */
		return -ENOMEM;
	}
	return 0;
}

int
vn_adj_glean6_lock(uint32_t if_index, uint32_t *index)
{
	int rc;

	if (if_index >= VN_IF_MAX)
		return -EINVAL;
	if (glean6_adj[if_index]) {
		*index = glean6_adj[if_index];
		adj_ctl[*index].refs++;
		return 0;
	}
	rc = adj_new(VN_ADJ_KIND_GLEAN6, if_index, 0, NULL, index);
	if (rc == 0)
		glean6_adj[if_index] = *index;
	return rc;
}

/* Removes an NH6 adjacency's key. Colliding next hops probe on (key + 1,
 * ...): one displaced past the hole moves into it, so every probe chain stays
 * unbroken (backward shift, as vn_hmap does for its own slots). */
static void
adj6_forget(uint32_t i)
{
	uint64_t hole = adj_ctl[i].key6, key;
	uint32_t v;

	if (!vn_hmap_get(&adj6_map, hole, &v) || v != i)
		return;
	vn_hmap_del(&adj6_map, hole);
	for (key = hole + 1; vn_hmap_get(&adj6_map, key, &v); key++) {
		if (adj6_key(adj_ctl[v].if_index, &adj_ctl[v].nh6) > hole)
			continue;
		vn_hmap_del(&adj6_map, key);
		vn_hmap_put(&adj6_map, hole, v);
		adj_ctl[v].key6 = hole;
		hole = key;
	}
}

static void
adj_unlock(uint32_t i)
{
	struct vn_adj_ctl *c = &adj_ctl[i];
	struct vn_adj *old;

	if (c->kind == VN_ADJ_KIND_FIXED || c->kind == VN_ADJ_KIND_FREE || --c->refs > 0)
		return;
	if (c->kind == VN_ADJ_KIND_GLEAN)
		glean_adj[c->if_index] = 0;
	else if (c->kind == VN_ADJ_KIND_GLEAN6)
		glean6_adj[c->if_index] = 0;
	else if (c->kind == VN_ADJ_KIND_NH6)
		adj6_forget(i);
	else
		vn_hmap_del(&adj_map, adj_key(c->if_index, c->nh));
	old = __atomic_exchange_n(&vn_adj_table[i], adj_fixed[VN_ADJ_INDEX_DROP], __ATOMIC_ACQ_REL);
	vn_fib_epoch_advance();
	/* Waits a grace period, after which no worker still holds index i. */
	adj_defer_free(old);
	c->kind = VN_ADJ_KIND_FREE;
	adj_free[n_adj_free++] = i;
	n_adj_used--;
}

static void
ecmp_unlock(uint32_t g)
{
	uint32_t members[VN_ECMP_MAX_PATHS], n;
	struct vn_ecmp *old;

	if (--ecmp_ctl[g].refs > 0)
		return;
	vn_hmap_del(&ecmp_map, ecmp_ctl[g].key);
	old = __atomic_exchange_n(&vn_ecmp_table[g], &ecmp_dead, __ATOMIC_ACQ_REL);
	vn_fib_epoch_advance();
	n = old->n_paths;
	memcpy(members, old->adj, n * sizeof(members[0]));
	/* Members go only after no worker can still read the old group. */
	adj_defer_free(old);
	for (uint32_t i = 0; i < n; i++)
		adj_unlock(members[i]);
	ecmp_free[n_ecmp_free++] = g;
	n_ecmp_used--;
}

void
vn_fib_nh_lock(uint32_t nh)
{
	if (nh & VN_FIB_NH_ECMP)
		ecmp_ctl[nh & ~VN_FIB_NH_ECMP].refs++;
	else if (adj_ctl[nh].kind != VN_ADJ_KIND_FIXED)
		adj_ctl[nh].refs++;
}

void
vn_fib_nh_unlock(uint32_t nh)
{
	if (nh & VN_FIB_NH_ECMP)
		ecmp_unlock(nh & ~VN_FIB_NH_ECMP);
	else
		adj_unlock(nh);
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
vn_ecmp_lock(const uint32_t *adj, uint32_t n, uint32_t *group)
{
	uint32_t sorted[VN_ECMP_MAX_PATHS], g;
	uint64_t key = 14695981039346656037ull;
	struct vn_ecmp *e;

	if (n < 2 || n > VN_ECMP_MAX_PATHS)
		return -EINVAL;
	memcpy(sorted, adj, n * sizeof(*adj));
	qsort(sorted, n, sizeof(*sorted), u32_cmp);
	for (uint32_t i = 0; i < n; i++)
		key = (key ^ sorted[i]) * 1099511628211ull;
	/* Equal member sets share a group; a hash collision probes key + 1. */
	for (;; key++) {
		if (!vn_hmap_get(&ecmp_map, key, &g))
			break;
		e = vn_ecmp_table[g];
		if (e->n_paths == n && memcmp(e->adj, sorted, n * sizeof(*sorted)) == 0) {
			ecmp_ctl[g].refs++;
			*group = g;
			return 0;
		}
	}
	if (n_ecmp_free == 0)
		return -ENOSPC;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	g = ecmp_free[n_ecmp_free - 1];
	if (vn_hmap_put(&ecmp_map, key, g) < 0) {
		free(e);
		return -ENOMEM;
	}
	n_ecmp_free--;
	e->n_paths = (uint16_t)n;
	memcpy(e->adj, sorted, n * sizeof(*sorted));
	for (uint32_t i = 0; i < n; i++)
		vn_fib_nh_lock(sorted[i]);
	ecmp_ctl[g] = (struct vn_ecmp_ctl){.refs = 1, .key = key};
	/* The slot holds ecmp_dead or NULL: nothing to free. */
	__atomic_store_n(&vn_ecmp_table[g], e, __ATOMIC_RELEASE);
	vn_fib_epoch_advance();
	n_ecmp_used++;
	*group = g;
	return 0;
}

void
vn_adj_nh_update(uint32_t if_index, uint32_t nh, const uint8_t *mac)
{
	struct vn_adj_ctl *c;
	uint32_t i;

	if (!adj_ready || !vn_hmap_get(&adj_map, adj_key(if_index, nh), &i))
		return;
	c = &adj_ctl[i];
	if (c->has_mac == (mac != NULL) && (!mac || memcmp(c->mac, mac, 6) == 0))
		return;
	c->has_mac = mac != NULL;
	if (mac)
		memcpy(c->mac, mac, 6);
	if (adj_publish(i) < 0)
		VN_ERR("adjacency %u: out of memory, rewrite not updated", i);
}

void
vn_adj_nh6_update(uint32_t if_index, const struct vn_ip6 *nh, const uint8_t *mac)
{
	struct vn_adj_ctl *c;
	uint64_t key;
	uint32_t i;

	if (!adj_ready || !adj6_find(if_index, nh, &i, &key))
		return;
	c = &adj_ctl[i];
	if (c->has_mac == (mac != NULL) && (!mac || memcmp(c->mac, mac, 6) == 0))
		return;
	c->has_mac = mac != NULL;
	if (mac)
		memcpy(c->mac, mac, 6);
	if (adj_publish(i) < 0)
		VN_ERR("adjacency %u: out of memory, rewrite not updated", i);
}

void
vn_adj_interface_rebuild(uint32_t if_index)
{
	for (uint32_t i = 3; adj_ready && i < adj_hw; i++) {
		const struct vn_adj_ctl *c = &adj_ctl[i];

		if ((c->kind == VN_ADJ_KIND_NH || c->kind == VN_ADJ_KIND_GLEAN ||
		     c->kind == VN_ADJ_KIND_NH6 || c->kind == VN_ADJ_KIND_GLEAN6) &&
		    c->if_index == if_index && adj_publish(i) < 0)
			VN_ERR("adjacency %u: out of memory, not rebuilt", i);
	}
}

uint32_t
vn_adj_refcount(uint32_t index)
{
	return index < VN_ADJ_MAX && adj_ctl[index].kind != VN_ADJ_KIND_FREE ? adj_ctl[index].refs
									     : 0;
}

int
vn_adj_glean_if(uint32_t index)
{
	if (index & VN_FIB_NH_ECMP || adj_ctl[index].kind != VN_ADJ_KIND_GLEAN)
		return -1;
	return (int)adj_ctl[index].if_index;
}

uint32_t
vn_adj_count(void)
{
	return n_adj_used;
}

uint32_t
vn_ecmp_count(void)
{
	return n_ecmp_used;
}

char *
vn_adj_format(uint32_t index, char *buf, size_t len)
{
	const struct vn_adj *a = index < VN_ADJ_MAX ? vn_adj_get(index) : NULL;
	const struct vn_interface *ifp;
	char ifname[VN_IFNAME_MAX + 8], ip[VN_IP6_STRLEN], mac[18];

	if (!a) {
		snprintf(buf, len, "invalid");
		return buf;
	}
	ifp = vn_interface_get(a->tx_if);
	if (ifp)
		snprintf(ifname, sizeof(ifname), "%s", ifp->name);
	else
		snprintf(ifname, sizeof(ifname), "if%u", a->tx_if);
	switch (a->type) {
	case VN_ADJ_REWRITE:
		snprintf(buf, len, "rewrite %s nh %s %s mtu %u", ifname,
			 a->is_ip6 ? vn_fmt_ip6(&a->nh6, ip) : vn_fmt_ip4(a->nh, ip),
			 vn_fmt_mac(a->rewrite, mac), a->mtu);
		break;
	case VN_ADJ_INCOMPLETE:
		if (a->is_ip6)
			snprintf(buf, len, "incomplete %s nh %s (nd pending)", ifname,
				 vn_fmt_ip6(&a->nh6, ip));
		else
			snprintf(buf, len, "incomplete %s nh %s (arp pending)", ifname,
				 vn_fmt_ip4(a->nh, ip));
		break;
	case VN_ADJ_GLEAN:
		snprintf(buf, len, "%sglean %s", a->is_ip6 ? "ip6 " : "", ifname);
		break;
	case VN_ADJ_LOCAL:
		snprintf(buf, len, "local");
		break;
	case VN_ADJ_DROP:
		snprintf(buf, len, "drop");
		break;
	default:
		snprintf(buf, len, "unreachable");
		break;
	}
	return buf;
}
