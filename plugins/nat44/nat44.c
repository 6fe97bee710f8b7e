/*
 * nat44 plugin: descriptor, hooks, global state and the control functions
 * that the CLI (cli.c), the `nat44:` config section (config.c) and Lua
 * (lua.c) all call. Main thread only.
 *
 * What workers read is published, never edited in place: the pool and the
 * static mapping table are rebuilt and swapped by pointer (freed after an
 * RCU grace period), interface roles and timeouts are single words written
 * with relaxed atomics. Sessions that lose their address or mapping are
 * removed by their own worker's sweep (session.c), so the control plane never
 * touches a worker's table.
 */
#define VN_LOG_MOD "nat44"
#include <errno.h>
#include <rte_cycles.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/net/arp_proxy.h>
#include <vecnet/net/feature.h>
#include <vecnet/handoff.h>
#include <vecnet/net/interface.h>
#include <vecnet/plugin.h>
#include <vecnet/rcu.h>

#include "nat44.h"

VN_PLUGIN(.name = "nat44", .version = "1.0",
	  .description = "NAT44 endpoint-dependent (dynamic, static, hairpinning)");

struct nat44_main nat44_main = {
	.max_sessions = NAT44_DEFAULT_SESSIONS,
	.timeouts = {.udp = 300, .tcp_est = 7440, .tcp_trans = 240, .icmp = 60},
	.q_in2out = -1,
	.q_out2in = -1,
};

const char *
nat44_strerror(int rc)
{
	switch (rc) {
	case -EEXIST:
		return "already exists";
	case -ENOENT:
		return "no such entry";
	case -EINVAL:
		return "invalid argument";
	case -ENOSPC:
		return "table full";
	case -ENOMEM:
		return "out of memory";
	case -EALREADY:
		return "nat44 is already enabled (the session table is sized once)";
	case -ENODEV:
		return "no such interface";
	default:
		return strerror(-rc);
	}
}

/* --- enabling: the per-worker tables --------------------------------------- */

int
nat44_enable(uint32_t max_sessions)
{
	uint32_t n_fwd = vn_handoff_n_threads() ? vn_handoff_n_threads() : 1;
	struct nat44_worker *w[NAT44_MAX_WORKERS] = {0};
	uint32_t per;
	int rc = 0;

	if (nat44_main.enabled)
		return max_sessions == nat44_main.max_sessions ? 0 : -EALREADY;
	if (max_sessions < NAT44_MIN_SESSIONS || max_sessions > NAT44_MAX_SESSIONS ||
	    n_fwd > NAT44_MAX_WORKERS)
		return -EINVAL;
	per = (max_sessions + n_fwd - 1) / n_fwd;
	if (per < NAT44_MIN_SESSIONS)
		per = NAT44_MIN_SESSIONS;
	for (uint32_t i = 0; i < n_fwd; i++) {
		rc = nat44_worker_alloc(&w[i], i, per, n_fwd);
		if (rc < 0) {
			VN_ERR("cannot allocate %u sessions for worker %u: %s", per, i, strerror(-rc));
			for (uint32_t j = 0; j < i; j++)
				nat44_worker_free(w[j]);
			return rc;
		}
	}
	for (uint32_t i = 0; i < n_fwd; i++)
		__atomic_store_n(&nat44_main.workers[i], w[i], __ATOMIC_RELEASE);
	nat44_main.n_workers = n_fwd;
	nat44_main.max_sessions = max_sessions;
	nat44_main.enabled = true;
	VN_INFO("nat44 enabled: %u sessions (%u per worker, %u worker(s))", max_sessions, per, n_fwd);
	return 0;
}

static int
ensure_enabled(void)
{
	return nat44_main.enabled ? 0 : nat44_enable(nat44_main.max_sessions);
}

/* --- proxy ARP for our outside addresses ------------------------------------ */

struct arp_range {
	uint32_t if_index, lo, hi;
};

static struct arp_range arp_applied[VN_ARP_PROXY_MAX];
static uint32_t n_arp_applied;

static bool
arp_has(const struct arp_range *v, uint32_t n, const struct arp_range *r)
{
	for (uint32_t i = 0; i < n; i++)
		if (v[i].if_index == r->if_index && v[i].lo == r->lo && v[i].hi == r->hi)
			return true;
	return false;
}

/* Outside interfaces answer ARP for the pool (as runs of consecutive
 * addresses) and for the external addresses of static mappings. Computes the
 * wanted set and applies the difference. */
static void
arp_sync(void)
{
	static struct arp_range want[VN_ARP_PROXY_MAX];
	const struct nat44_pool *pool = nat44_main.pool;
	uint32_t n = 0;

	for (uint32_t i = 0; i < VN_IF_MAX; i++) {
		if (!(nat44_main.if_role[i] & NAT44_IF_OUT))
			continue;
		for (uint32_t a = 0; pool && a < pool->n && n < VN_ARP_PROXY_MAX; a++) {
			if (n && want[n - 1].if_index == i && want[n - 1].hi + 1 == pool->addr_h[a])
				want[n - 1].hi = pool->addr_h[a];
			else
				want[n++] = (struct arp_range){i, pool->addr_h[a], pool->addr_h[a]};
		}
		for (uint32_t s = 0; s < nat44_main.n_static && n < VN_ARP_PROXY_MAX; s++) {
			const struct nat44_static *m = &nat44_main.static_list[s];
			uint32_t a = rte_be_to_cpu_32(m->ext_addr);
			struct arp_range r = {i, a, a};
			if (m->is_identity || nat44_pool_has(pool, m->ext_addr) ||
			    arp_has(want, n, &r))
				continue;
			want[n++] = r;
		}
	}
	if (n == VN_ARP_PROXY_MAX)
		VN_WARN("proxy ARP: more than %u ranges, some outside addresses unanswered",
			VN_ARP_PROXY_MAX);
	for (uint32_t i = 0; i < n_arp_applied; i++)
		if (!arp_has(want, n, &arp_applied[i]))
			vn_arp_proxy_del(arp_applied[i].if_index, arp_applied[i].lo, arp_applied[i].hi);
	for (uint32_t i = 0; i < n; i++)
		if (!arp_has(arp_applied, n_arp_applied, &want[i]) &&
		    vn_arp_proxy_add(want[i].if_index, want[i].lo, want[i].hi) < 0)
			VN_WARN("proxy ARP: cannot add a range");
	memcpy(arp_applied, want, n * sizeof(want[0]));
	n_arp_applied = n;
}

/* --- the pool ------------------------------------------------------------ */

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
nat44_addr_range(uint32_t lo, uint32_t hi, bool is_add)
{
	const struct nat44_pool *old = nat44_main.pool;
	struct nat44_pool *p;
	uint32_t n = 0;
	int rc;

	if (lo > hi || hi - lo >= NAT44_MAX_POOL || lo == 0)
		return -EINVAL;
	if ((rc = ensure_enabled()) < 0)
		return rc;
	for (uint64_t a = lo; a <= hi; a++) {
		bool present = nat44_pool_has(old, rte_cpu_to_be_32((uint32_t)a));
		if (is_add && present)
			return -EEXIST;
		if (!is_add && !present)
			return -ENOENT;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (uint32_t i = 0; old && i < old->n; i++)
		if (is_add || old->addr_h[i] < lo || old->addr_h[i] > hi)
			p->addr_h[n++] = old->addr_h[i];
	if (is_add) {
		if (n + (hi - lo + 1) > NAT44_MAX_POOL) {
			free(p);
			return -ENOSPC;
		}
		for (uint64_t a = lo; a <= hi; a++)
			p->addr_h[n++] = (uint32_t)a;
	}
	qsort(p->addr_h, n, sizeof(uint32_t), cmp_u32);
	for (uint32_t i = 0; i < n; i++)
		p->addr[i] = rte_cpu_to_be_32(p->addr_h[i]);
	p->n = n;
	__atomic_store_n(&nat44_main.pool, p, __ATOMIC_RELEASE);
	vn_rcu_free((void *)old, free);
	arp_sync();
	return 0;
}

/* --- interfaces ------------------------------------------------------------ */

int
nat44_interface_set(uint32_t if_index, bool inside, bool is_add)
{
	uint8_t role = inside ? NAT44_IF_IN : NAT44_IF_OUT;
	uint8_t cur;
	const char *node;
	int rc;

	if (if_index >= VN_IF_MAX || !vn_interface_get(if_index))
		return -ENODEV;
	cur = nat44_main.if_role[if_index];
	if (is_add && (cur & role))
		return -EEXIST;
	if (!is_add && !(cur & role))
		return -ENOENT;
	/* One interface is inside or outside, not both (VPP allows it; we keep
	 * the feature order simple). */
	if (is_add && cur)
		return -EINVAL;
	if ((rc = ensure_enabled()) < 0)
		return rc;
	if (vn_handoff_n_threads() > 1)
		node = inside ? "nat44-in2out-handoff" : "nat44-out2in-handoff";
	else
		node = inside ? "nat44-in2out" : "nat44-out2in";
	/* Role first on add (the translation node reads it), last on delete. */
	if (is_add)
		__atomic_store_n(&nat44_main.if_role[if_index], cur | role, __ATOMIC_RELEASE);
	rc = vn_feature_enable(if_index, "ip4-unicast", node, is_add);
	if (rc < 0) {
		__atomic_store_n(&nat44_main.if_role[if_index], cur, __ATOMIC_RELEASE);
		return rc;
	}
	if (!is_add)
		__atomic_store_n(&nat44_main.if_role[if_index], cur & ~role, __ATOMIC_RELEASE);
	arp_sync();
	return 0;
}

/* An interface going away stops being inside or outside: the next interface
 * given its index starts with no role. */
static void
nat44_interface_deleted(uint32_t if_index)
{
	uint8_t role = if_index < VN_IF_MAX ? nat44_main.if_role[if_index] : 0;

	if (role & NAT44_IF_IN)
		nat44_interface_set(if_index, true, false);
	if (role & NAT44_IF_OUT)
		nat44_interface_set(if_index, false, false);
}

VN_INTERFACE_HOOKS(nat44) = {
	.deleted = nat44_interface_deleted,
};

/* --- static mappings ------------------------------------------------------- */

static bool
static_same(const struct nat44_static *a, const struct nat44_static *b)
{
	return a->local_addr == b->local_addr && a->ext_addr == b->ext_addr &&
	       a->local_port == b->local_port && a->ext_port == b->ext_port &&
	       a->proto == b->proto && a->is_identity == b->is_identity;
}

int
nat44_static_mapping(uint32_t local, uint16_t lport, uint32_t ext, uint16_t eport, uint8_t proto,
		     bool is_identity, bool is_add)
{
	struct nat44_static m = {
		.local_addr = rte_cpu_to_be_32(local),
		.ext_addr = rte_cpu_to_be_32(ext),
		.local_port = rte_cpu_to_be_16(lport),
		.ext_port = rte_cpu_to_be_16(eport),
		.proto = proto,
		.is_identity = is_identity,
	};
	struct nat44_static_table *t, *old = nat44_main.statics;
	uint32_t n = nat44_main.n_static;
	int rc, found = -1;

	if (proto != 0 && proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return -EINVAL;
	if ((proto == 0) != (lport == 0 && eport == 0) || (proto && (!lport || !eport)))
		return -EINVAL;
	if (local == 0 || ext == 0 || (is_identity && (local != ext || lport != eport)))
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		const struct nat44_static *e = &nat44_main.static_list[i];
		if (static_same(e, &m))
			found = (int)i;
		else if (is_add && ((e->ext_addr == m.ext_addr && e->ext_port == m.ext_port &&
				     e->proto == m.proto) ||
				    (e->local_addr == m.local_addr && e->local_port == m.local_port &&
				     e->proto == m.proto)))
			return -EEXIST; /* one side already mapped elsewhere */
	}
	if (is_add && found >= 0)
		return -EEXIST;
	if (!is_add && found < 0)
		return -ENOENT;
	if (is_add && n >= NAT44_MAX_STATIC)
		return -ENOSPC;
	if ((rc = ensure_enabled()) < 0)
		return rc;
	if (is_add)
		nat44_main.static_list[n++] = m;
	else
		nat44_main.static_list[found] = nat44_main.static_list[--n];
	t = nat44_static_build(nat44_main.static_list, n);
	if (!t) {
		if (is_add)
			n--;
		return -ENOMEM;
	}
	nat44_main.n_static = n;
	__atomic_store_n(&nat44_main.statics, t, __ATOMIC_RELEASE);
	vn_rcu_free(old, nat44_static_free);
	arp_sync();
	return 0;
}

/* --- timeouts ------------------------------------------------------------ */

int
nat44_set_timeouts(const struct nat44_timeouts *t)
{
	struct nat44_timeouts *cur = &nat44_main.timeouts;

	if (t->udp > 86400 * 7 || t->tcp_est > 86400 * 7 || t->tcp_trans > 86400 * 7 ||
	    t->icmp > 86400 * 7)
		return -EINVAL;
	if (t->udp)
		__atomic_store_n(&cur->udp, t->udp, __ATOMIC_RELAXED);
	if (t->tcp_est)
		__atomic_store_n(&cur->tcp_est, t->tcp_est, __ATOMIC_RELAXED);
	if (t->tcp_trans)
		__atomic_store_n(&cur->tcp_trans, t->tcp_trans, __ATOMIC_RELAXED);
	if (t->icmp)
		__atomic_store_n(&cur->icmp, t->icmp, __ATOMIC_RELAXED);
	return 0;
}

/* --- hooks -------------------------------------------------------------- */

/* After EAL, before the graph is built: the handoff queues add next arcs to
 * handoff-input, which is only possible now. */
int
vn_plugin_init(void)
{
	nat44_main.tsc_hz = rte_get_tsc_hz();
	nat44_main.tsc_base = rte_rdtsc();
	if (nat44_main.q_in2out < 0)
		nat44_main.q_in2out = vn_handoff_register("nat44-in2out", "nat44-in2out");
	if (nat44_main.q_out2in < 0)
		nat44_main.q_out2in = vn_handoff_register("nat44-out2in", "nat44-out2in");
	if (nat44_main.q_in2out < 0 || nat44_main.q_out2in < 0) {
		VN_ERR("cannot register the handoff queues");
		return -ENOSPC;
	}
	return 0;
}

void
vn_plugin_exit(void)
{
	/* The graphs are gone: nothing reads the tables any more. */
	for (uint32_t i = 0; i < NAT44_MAX_WORKERS; i++) {
		nat44_worker_free(nat44_main.workers[i]);
		nat44_main.workers[i] = NULL;
	}
	free(nat44_main.pool);
	nat44_main.pool = NULL;
	nat44_static_free(nat44_main.statics);
	nat44_main.statics = NULL;
	nat44_main.enabled = false;
}
