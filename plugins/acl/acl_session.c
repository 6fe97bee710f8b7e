/*
 * Reflexive sessions and per-thread state. A permit+reflect match on
 * interface I makes a session keyed on the canonical 5-tuple and I, so the
 * reverse flow (and the forward one) passes on both input and output of I
 * without classification.
 *
 * One table shared by every forwarding thread, as VPP shares its session
 * hash: a reply is found whichever worker its RX queue is on. It is an
 * rte_hash created with RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF (lookups take
 * no lock and never wait) and RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD (every
 * thread may add; adds and deletes take rte_hash's short writer lock, which
 * happens once per new flow, never per packet). With LF a deleted key's slot
 * is not reused until every reader has passed a quiescent state: the table
 * is attached to the engine's rte_rcu_qsbr (rte_hash_rcu_qsbr_add, defer
 * queue mode), whose reclaim never blocks, so no worker waits on another.
 * rte_hash's per-lcore slot caches need rte_lcore_id(): only EAL threads
 * (workers, the main thread) write the table.
 *
 * Positions index a parallel array of struct acl_session. Who writes what:
 *  - the creator claims a free record (owner 0 -> thread + 1, one CAS per new
 *    session), fills it, then release-stores in_use;
 *  - any thread that hits it stores last_tsc and ORs TCP flags in (an atomic
 *    OR only when a flag is new); the owner counts packets, others count
 *    theirs with an atomic add (cross-thread hits only);
 *  - only the owner expires it (acl_session_sweep, a few entries per
 *    vector); the control plane deletes (detach, clear) by claiming it the
 *    same way (owner -> DEAD), so a record is deleted exactly once.
 * A lookup hit on an expired session is a miss at once.
 */
#define VN_LOG_MOD "acl"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <rte_cycles.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <vecnet/rcu.h>

#include "acl.h"

struct acl_worker *acl_workers[ACL_MAX_THREADS];
uint32_t acl_timeout_tcp_s = 86400; /* VPP's defaults */
uint32_t acl_timeout_tcp_transient_s = 120;
uint32_t acl_timeout_udp_s = 600;
uint32_t acl_sessions_max = ACL_SESSIONS_DEFAULT;
uint8_t acl_nd_filter;
struct acl_sess_table *acl_sess;
uint8_t acl_if_reflect[VN_IF_MAX];
uint64_t acl_ctl_deleted[ACL_MAX_THREADS];
static struct acl_if_counters if_base[VN_IF_MAX][ACL_N_DIR];

/* rte_hash's per-lcore free-slot caches (LCORE_CACHE_SIZE, 64, in its private
 * header) let positions run past the entries asked for. */
#define ACL_HASH_LCORE_CACHE 64

void
acl_timeouts_get(struct acl_timeouts *t)
{
	uint64_t hz = rte_get_tsc_hz();

	t->tcp_idle = (uint64_t)__atomic_load_n(&acl_timeout_tcp_s, __ATOMIC_RELAXED) * hz;
	t->tcp_transient =
		(uint64_t)__atomic_load_n(&acl_timeout_tcp_transient_s, __ATOMIC_RELAXED) * hz;
	t->udp = (uint64_t)__atomic_load_n(&acl_timeout_udp_s, __ATOMIC_RELAXED) * hz;
}

static int
sess_err(char *err, size_t len, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static void
table_destroy(struct acl_sess_table *st)
{
	if (!st)
		return;
	rte_hash_free(st->hash);
	rte_free(st->sessions);
	rte_free(st);
}

int
acl_sess_table_ensure(char *err, size_t len)
{
	struct acl_sess_table *st;
	char name[RTE_HASH_NAMESIZE];
	static uint32_t serial;

	if (acl_sess)
		return 0;
	st = rte_zmalloc("acl_sess_table", sizeof(*st), RTE_CACHE_LINE_SIZE);
	if (!st)
		return sess_err(err, len, -ENOMEM, "out of memory for the session table");
	st->capacity = acl_sessions_max;
	st->n_slots = st->capacity + RTE_MAX_LCORE * ACL_HASH_LCORE_CACHE;
	snprintf(name, sizeof(name), "acl_sessions_%u", serial++);
	st->hash = rte_hash_create(&(struct rte_hash_parameters){
		.name = name,
		.entries = st->capacity,
		.key_len = sizeof(struct acl_sess_key),
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD,
	});
	st->sessions = rte_zmalloc("acl_sessions", (size_t)st->n_slots * sizeof(struct acl_session),
				   RTE_CACHE_LINE_SIZE);
	if (!st->hash || !st->sessions)
		goto fail;
	/* Deleted slots come back after a grace period of the engine's RCU;
	 * defer-queue mode: reclaiming checks, never waits. */
	if (vn_rcu && rte_hash_rcu_qsbr_add(st->hash, &(struct rte_hash_rcu_config){
							      .v = vn_rcu,
							      .mode = RTE_HASH_QSBR_MODE_DQ,
						      }) != 0)
		goto fail;
	__atomic_store_n(&acl_sess, st, __ATOMIC_RELEASE);
	VN_INFO("session table: %u sessions, shared by every thread", st->capacity);
	return 0;
fail:
	table_destroy(st);
	return sess_err(err, len, -ENOMEM, "cannot create a session table of %u entries",
			acl_sessions_max);
}

void
acl_sess_table_free(void)
{
	table_destroy(acl_sess);
	acl_sess = NULL;
}

uint64_t
acl_sessions_live(void)
{
	int64_t n = 0;

	/* Counters read one by one while threads run: never below 0. */
	for (uint32_t t = 0; t < ACL_MAX_THREADS; t++)
		if (acl_workers[t])
			n += (int64_t)(__atomic_load_n(&acl_workers[t]->n_created, __ATOMIC_RELAXED) -
				       __atomic_load_n(&acl_workers[t]->n_expired, __ATOMIC_RELAXED) -
				       acl_ctl_deleted[t]);
	return n > 0 ? (uint64_t)n : 0;
}

int
acl_sess_table_set_size(uint32_t n, char *err, size_t len)
{
	struct acl_sess_table *old = acl_sess;

	if (n < ACL_SESSIONS_MIN || n > ACL_SESSIONS_MAX)
		return sess_err(err, len, -EINVAL, "session table size %u: %u to %u", n,
				ACL_SESSIONS_MIN, ACL_SESSIONS_MAX);
	if (old && acl_sessions_live())
		return sess_err(err, len, -EBUSY,
				"%" PRIu64 " sessions exist: clear them first (clear acl-plugin "
				"sessions)",
				acl_sessions_live());
	acl_sessions_max = n;
	if (!old)
		return 0;
	/* Empty: swap in a new one of the new size. */
	__atomic_store_n(&acl_sess, NULL, __ATOMIC_RELEASE);
	vn_rcu_synchronize();
	table_destroy(old);
	return acl_sess_table_ensure(err, len);
}

struct acl_worker *
acl_worker_get(uint32_t thread_index)
{
	struct acl_worker *w;

	if (thread_index >= ACL_MAX_THREADS)
		return NULL;
	w = acl_workers[thread_index];
	if (w) {
		w->refs++;
		return w;
	}
	w = rte_zmalloc("acl_worker", sizeof(*w), RTE_CACHE_LINE_SIZE);
	if (!w)
		return NULL;
	w->thread_index = thread_index;
	w->refs = 1;
	acl_workers[thread_index] = w;
	return w;
}

void
acl_worker_put(uint32_t thread_index)
{
	struct acl_worker *w = thread_index < ACL_MAX_THREADS ? acl_workers[thread_index] : NULL;

	if (!w || --w->refs)
		return;
	acl_workers[thread_index] = NULL;
	rte_free(w);
}

static inline void
bump(uint64_t *c)
{
	__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
}

int
acl_session_add(struct acl_worker *w, struct acl_sess_table *st, const struct acl_sess_key *key,
		uint8_t side, uint8_t tcp_flags, uint64_t now, const struct acl_timeouts *t,
		uint32_t acl_index, uint32_t rule_index, uint8_t dir)
{
	uint32_t me = w->thread_index + 1;

	/* Twice at most: a record claimed just after its owner deleted it is let go. */
	for (int attempt = 0; attempt < 2; attempt++) {
		int32_t pos = rte_hash_add_key(st->hash, key);
		struct acl_session *s;
		uint32_t expect = ACL_OWNER_FREE;

		if (pos < 0 || (uint32_t)pos >= st->n_slots) {
			bump(&w->n_full);
			return -ENOSPC;
		}
		s = &st->sessions[pos];
		if (!__atomic_compare_exchange_n(&s->owner, &expect, me, false, __ATOMIC_ACQUIRE,
						 __ATOMIC_RELAXED)) {
			/* The flow has a session (ours or another thread's): two
			 * packets of a new flow in one vector, or an expired session not
			 * yet swept, which starts again when it is ours. */
			if (expect == me && __atomic_load_n(&s->in_use, __ATOMIC_ACQUIRE) &&
			    acl_session_expired(s, now, t)) {
				s->fwd_side = side;
				s->tcp_track = key->proto == IPPROTO_TCP && (tcp_flags & ACL_TCP_SYN);
				__atomic_store_n(&s->tcp_seen[0], 0, __ATOMIC_RELAXED);
				__atomic_store_n(&s->tcp_seen[1], 0, __ATOMIC_RELAXED);
				s->created_tsc = now;
			}
			if (key->proto == IPPROTO_TCP)
				acl_session_tcp_seen(s, side, tcp_flags);
			__atomic_store_n(&s->last_tsc, now, __ATOMIC_RELAXED);
			return 1;
		}
		/* Claimed. Our add may have found the key just before its owner
		 * deleted it: then the position is on its way back to the free
		 * list (not reusable before our next quiescent state), so a
		 * lookup tells. */
		if (rte_hash_lookup(st->hash, key) != pos) {
			__atomic_store_n(&s->owner, ACL_OWNER_FREE, __ATOMIC_RELEASE);
			continue;
		}
		s->key = *key;
		s->dir = dir;
		s->fwd_side = side;
		s->tcp_track = key->proto == IPPROTO_TCP && (tcp_flags & ACL_TCP_SYN);
		s->tcp_seen[0] = key->proto == IPPROTO_TCP ? tcp_flags : 0;
		s->tcp_seen[1] = 0;
		s->acl_index = acl_index;
		s->rule_index = rule_index;
		s->created_tsc = now;
		__atomic_store_n(&s->last_tsc, now, __ATOMIC_RELAXED);
		__atomic_store_n(&s->packets, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&s->packets_other, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&s->in_use, 1, __ATOMIC_RELEASE);
		bump(&w->n_created);
		return 0;
	}
	bump(&w->n_full);
	return -ENOSPC;
}

/* Deletes a record claimed (owner == DEAD) by the caller. */
static void
session_delete(struct acl_sess_table *st, struct acl_session *s)
{
	__atomic_store_n(&s->in_use, 0, __ATOMIC_RELEASE);
	rte_hash_del_key(st->hash, &s->key);
	__atomic_store_n(&s->owner, ACL_OWNER_FREE, __ATOMIC_RELEASE);
}

void
acl_session_sweep(struct acl_worker *w, struct acl_sess_table *st, uint64_t now,
		  const struct acl_timeouts *t, uint32_t max)
{
	uint32_t me = w->thread_index + 1;
	const void *key;
	void *data;
	int32_t pos;

	for (uint32_t i = 0; i < max; i++) {
		pos = rte_hash_iterate(st->hash, &key, &data, &w->sweep_next);
		if (pos < 0) {
			w->sweep_next = 0;
			return;
		}
		if ((uint32_t)pos >= st->n_slots)
			continue;
		struct acl_session *s = &st->sessions[pos];
		uint32_t expect = me;
		if (__atomic_load_n(&s->owner, __ATOMIC_RELAXED) != me ||
		    !__atomic_load_n(&s->in_use, __ATOMIC_ACQUIRE) || !acl_session_expired(s, now, t))
			continue;
		/* The control plane may be claiming it too: one of us deletes. */
		if (!__atomic_compare_exchange_n(&s->owner, &expect, ACL_OWNER_DEAD, false,
						 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			continue;
		session_delete(st, s);
		bump(&w->n_expired);
	}
}

uint32_t
acl_sessions_purge(uint32_t if_index, uint32_t dir, uint32_t acl_index)
{
	struct acl_sess_table *st = acl_sess;
	uint32_t n = 0;

	if (!st)
		return 0;
	for (uint32_t p = 0; p < st->n_slots; p++) {
		struct acl_session *s = &st->sessions[p];
		uint32_t owner = __atomic_load_n(&s->owner, __ATOMIC_ACQUIRE);

		if (owner == ACL_OWNER_FREE || owner == ACL_OWNER_DEAD ||
		    !__atomic_load_n(&s->in_use, __ATOMIC_ACQUIRE))
			continue;
		if ((if_index != UINT32_MAX && s->key.if_index != if_index) ||
		    (dir != UINT32_MAX && s->dir != dir) ||
		    (acl_index != UINT32_MAX && s->acl_index != acl_index))
			continue;
		/* Claim it from its owner; a failure means the owner expired it. */
		if (!__atomic_compare_exchange_n(&s->owner, &owner, ACL_OWNER_DEAD, false,
						 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			continue;
		session_delete(st, s);
		if (owner - 1 < ACL_MAX_THREADS)
			__atomic_store_n(&acl_ctl_deleted[owner - 1], acl_ctl_deleted[owner - 1] + 1,
					 __ATOMIC_RELAXED);
		n++;
	}
	return n;
}

void
acl_if_counters_sum(uint32_t if_index, enum acl_dir dir, struct acl_if_counters *sum)
{
	const struct acl_if_counters *b;

	*sum = (struct acl_if_counters){0};
	if (if_index >= VN_IF_MAX)
		return;
	for (uint32_t t = 0; t < ACL_MAX_THREADS; t++) {
		const struct acl_worker *w = acl_workers[t];
		if (!w)
			continue;
		const struct acl_if_counters *c = &w->ifc[if_index][dir];
		sum->permit += __atomic_load_n(&c->permit, __ATOMIC_RELAXED);
		sum->deny += __atomic_load_n(&c->deny, __ATOMIC_RELAXED);
		sum->implicit_deny += __atomic_load_n(&c->implicit_deny, __ATOMIC_RELAXED);
		sum->session_hit += __atomic_load_n(&c->session_hit, __ATOMIC_RELAXED);
		sum->nd += __atomic_load_n(&c->nd, __ATOMIC_RELAXED);
	}
	b = &if_base[if_index][dir];
	sum->permit -= b->permit;
	sum->deny -= b->deny;
	sum->implicit_deny -= b->implicit_deny;
	sum->session_hit -= b->session_hit;
	sum->nd -= b->nd;
}

void
acl_if_counters_clear(void)
{
	for (uint32_t i = 0; i < VN_IF_MAX; i++)
		for (int d = 0; d < ACL_N_DIR; d++) {
			struct acl_if_counters now;
			if_base[i][d] = (struct acl_if_counters){0};
			acl_if_counters_sum(i, d, &now);
			if_base[i][d] = now;
		}
}
