/*
 * Per-worker session table. Sessions live in a flat array of cache lines;
 * two indexes (session_hash.h) map each direction's 5-tuple to the slot, so a
 * packet from either side finds its session with one bucket line. Only the
 * owning worker reads or writes them (no locks); `show` reads the array,
 * never the indexes. Free slots are a stack; slots never move, so the expiry
 * sweep walks [0, hwm) in order.
 */
#define VN_LOG_MOD "nat44"
#include <errno.h>
#include <rte_malloc.h>
#include <stdio.h>

#include "nat44.h"
#include "tcp_state.h"

int
nat44_worker_alloc(struct nat44_worker **out, uint32_t index, uint32_t cap, uint32_t n_fwd)
{
	struct nat44_worker *w;
	uint32_t per;
	int rc;

	if (cap < NAT44_MIN_SESSIONS || n_fwd == 0 || index >= n_fwd)
		return -EINVAL;
	w = rte_zmalloc("nat44_worker", sizeof(*w), RTE_CACHE_LINE_SIZE);
	if (!w)
		return -ENOMEM;
	w->cap = cap;
	w->index = index;
	w->rnd = 0x2545f491u ^ (index * 0x9e3779b9u);
	per = (65536 - NAT44_PORT_MIN) / n_fwd;
	w->port_lo = (uint16_t)(NAT44_PORT_MIN + index * per);
	w->port_hi = index == n_fwd - 1 ? 65535 : (uint16_t)(w->port_lo + per - 1);
	w->sess = rte_zmalloc("nat44_sessions", (size_t)cap * sizeof(*w->sess), RTE_CACHE_LINE_SIZE);
	w->free_stack = rte_malloc("nat44_free", (size_t)cap * sizeof(uint32_t), 0);
	rc = nat44_sh_init(&w->i2o, cap, "nat44_i2o");
	if (rc == 0)
		rc = nat44_sh_init(&w->o2i, cap, "nat44_o2i");
	if (!w->sess || !w->free_stack || rc < 0) {
		nat44_worker_free(w);
		return -ENOMEM;
	}
	*out = w;
	return 0;
}

void
nat44_worker_free(struct nat44_worker *w)
{
	if (!w)
		return;
	nat44_sh_fini(&w->i2o);
	nat44_sh_fini(&w->o2i);
	rte_free(w->sess);
	rte_free(w->free_stack);
	rte_free(w);
}

int32_t
nat44_session_find(const struct nat44_worker *w, bool o2i, const struct nat44_key *k,
		   uint32_t hash)
{
	const struct nat44_shash *t = o2i ? &w->o2i : &w->i2o;
	uint32_t sig = nat44_sh_sig(hash);

	for (const struct nat44_sh_bucket *b = nat44_sh_home(t, sig); b; b = nat44_sh_next(t, b))
		for (uint32_t m = nat44_sh_match(b, sig); m; m &= m - 1) {
			uint32_t slot = b->slot[__builtin_ctz(m)];
			if (nat44_session_has_key(&w->sess[slot], o2i, k))
				return (int32_t)slot;
		}
	return -1;
}

int32_t
nat44_session_lookup(const struct nat44_worker *w, bool o2i, const struct nat44_key *k)
{
	return nat44_session_find(w, o2i, k, nat44_key_hash(k, 0));
}

static inline void
count_store(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

/* The caller has looked up the in2out key (missing) and, for a port it did
 * not allocate itself, the out2in key: the indexes do not check for
 * duplicates. */
int32_t
nat44_session_create(struct nat44_worker *w, const struct nat44_session *s)
{
	struct nat44_key ki, ko;
	uint32_t slot;

	if (w->hwm - w->n_free >= w->cap)
		return -ENOSPC;
	slot = w->n_free ? w->free_stack[--w->n_free] : w->hwm++;
	nat44_session_i2o_key(s, &ki);
	nat44_session_o2i_key(s, &ko);
	if (nat44_sh_add(&w->i2o, nat44_key_hash(&ki, 0), slot) < 0)
		goto fail;
	if (nat44_sh_add(&w->o2i, nat44_key_hash(&ko, 0), slot) < 0) {
		nat44_sh_del(&w->i2o, nat44_key_hash(&ki, 0), slot);
		goto fail;
	}
	w->sess[slot] = *s;
	w->sess[slot].flags |= NAT44_S_USED;
	count_store(&w->n_sessions[nat44_proto_idx(s->proto)],
		    w->n_sessions[nat44_proto_idx(s->proto)] + 1);
	count_store(&w->created, w->created + 1);
	return (int32_t)slot;
fail:
	w->free_stack[w->n_free++] = slot;
	return -ENOSPC;
}

void
nat44_session_delete(struct nat44_worker *w, uint32_t idx)
{
	struct nat44_session *s = &w->sess[idx];
	struct nat44_key k;

	if (!(s->flags & NAT44_S_USED))
		return;
	nat44_session_i2o_key(s, &k);
	nat44_sh_del(&w->i2o, nat44_key_hash(&k, 0), idx);
	nat44_session_o2i_key(s, &k);
	nat44_sh_del(&w->o2i, nat44_key_hash(&k, 0), idx);
	count_store(&w->n_sessions[nat44_proto_idx(s->proto)],
		    w->n_sessions[nat44_proto_idx(s->proto)] - 1);
	s->flags = 0;
	w->free_stack[w->n_free++] = idx;
}

uint32_t
nat44_session_timeout(const struct nat44_session *s, const struct nat44_timeouts *t)
{
	switch (s->proto) {
	case IPPROTO_TCP:
		return nat44_tcp_established(s->tcp) ? __atomic_load_n(&t->tcp_est, __ATOMIC_RELAXED)
						     : __atomic_load_n(&t->tcp_trans, __ATOMIC_RELAXED);
	case IPPROTO_UDP:
		return __atomic_load_n(&t->udp, __ATOMIC_RELAXED);
	default:
		return __atomic_load_n(&t->icmp, __ATOMIC_RELAXED);
	}
}

/* A session whose address left the pool, or whose static mapping is gone. */
static bool
orphaned(const struct nat44_session *s, const struct nat44_pool *pool,
	 const struct nat44_static_table *st)
{
	const struct nat44_static *m;

	if (!(s->flags & NAT44_S_STATIC))
		return !nat44_pool_has(pool, s->out_addr);
	m = nat44_static_by_local(st, s->in_addr, s->in_port, s->proto);
	return !m || m->ext_addr != s->out_addr;
}

uint32_t
nat44_expire_step(struct nat44_worker *w, uint32_t now, uint32_t max_scan, uint32_t max_del)
{
	const struct nat44_pool *pool = nat44_pool_get();
	const struct nat44_static_table *st = nat44_statics_get();
	const struct nat44_timeouts *mt = &nat44_main.timeouts;
	/* Once per step, not per slot. */
	const struct nat44_timeouts to = {
		.udp = __atomic_load_n(&mt->udp, __ATOMIC_RELAXED),
		.tcp_est = __atomic_load_n(&mt->tcp_est, __ATOMIC_RELAXED),
		.tcp_trans = __atomic_load_n(&mt->tcp_trans, __ATOMIC_RELAXED),
		.icmp = __atomic_load_n(&mt->icmp, __ATOMIC_RELAXED),
	};
	uint32_t i = w->scan_pos, end, n_exp = 0, n_purge = 0;

	if (i >= w->hwm)
		i = 0;
	end = i + max_scan < w->hwm ? i + max_scan : w->hwm;
	for (; i < end && n_exp + n_purge < max_del; i++) {
		struct nat44_session *s = &w->sess[i];
		if (!(s->flags & NAT44_S_USED))
			continue;
		if (now - s->last_seen >= nat44_session_timeout(s, &to)) {
			nat44_session_delete(w, i);
			n_exp++;
		} else if (orphaned(s, pool, st)) {
			nat44_session_delete(w, i);
			n_purge++;
		}
	}
	w->scan_pos = i >= w->hwm ? 0 : i;
	if (n_exp)
		count_store(&w->expired, w->expired + n_exp);
	if (n_purge)
		count_store(&w->purged, w->purged + n_purge);
	return n_exp + n_purge;
}
