/*
 * Per-thread state: the reflexive session table and the per-interface
 * decision counters. A permit+reflect match on interface I makes a session
 * keyed on the canonical 5-tuple and I, so the reverse flow (and the forward
 * one) passes on both input and output of I without classification.
 *
 * One rte_hash per forwarding thread, written and read by that thread only
 * (no locks, no atomics beyond relaxed stores of counters the CLI reads);
 * positions index a parallel array of struct acl_session that `show
 * acl-plugin sessions` reads. Sessions expire after an idle timeout (TCP and
 * the rest apart); the owner deletes expired ones a few per vector
 * (acl_session_sweep), and a lookup hit on an expired one counts as a miss,
 * so an idle table drains even while no packet touches it.
 *
 * Known limit: a session is seen only by the thread that made it. Both
 * directions of a flow must be processed by one thread: true with workers: []
 * or one worker, or when the interfaces' RX queues are placed on one worker.
 */
#define VN_LOG_MOD "acl"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <rte_cycles.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "acl.h"

struct acl_worker *acl_workers[ACL_MAX_THREADS];
uint32_t acl_timeout_tcp_s = 86400; /* VPP's defaults */
uint32_t acl_timeout_udp_s = 600;
uint32_t acl_sessions_max = ACL_SESSIONS_DEFAULT;

uint64_t
acl_session_timeout_tsc(uint8_t proto)
{
	uint32_t s = __atomic_load_n(proto == 6 ? &acl_timeout_tcp_s : &acl_timeout_udp_s,
				     __ATOMIC_RELAXED);

	return (uint64_t)s * rte_get_tsc_hz();
}

struct acl_worker *
acl_worker_get(uint32_t thread_index)
{
	struct acl_worker *w;
	char name[RTE_HASH_NAMESIZE];
	static uint32_t serial;

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
	w->capacity = acl_sessions_max;
	snprintf(name, sizeof(name), "acl_s%u_%u", thread_index, serial++);
	w->hash = rte_hash_create(&(struct rte_hash_parameters){
		.name = name,
		.entries = w->capacity,
		.key_len = sizeof(struct acl_sess_key),
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
	});
	/* Positions run below entries; a margin costs nothing. */
	w->sessions = rte_zmalloc("acl_sessions", (w->capacity + 64) * sizeof(struct acl_session),
				  RTE_CACHE_LINE_SIZE);
	if (!w->hash || !w->sessions) {
		VN_ERR("thread %u: cannot create a session table of %u entries", thread_index,
		       w->capacity);
		rte_hash_free(w->hash);
		rte_free(w->sessions);
		rte_free(w);
		return NULL;
	}
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
	rte_hash_free(w->hash);
	rte_free(w->sessions);
	rte_free(w);
}

int
acl_session_add(struct acl_worker *w, const struct acl_sess_key *key, uint64_t now,
		uint32_t acl_index, uint32_t rule_index, uint8_t dir)
{
	struct acl_session *s;
	int32_t pos = rte_hash_add_key(w->hash, key);

	if (pos < 0 || (uint32_t)pos >= w->capacity + 64) {
		w->n_full++;
		return -ENOSPC;
	}
	s = &w->sessions[pos];
	if (!s->in_use) {
		__atomic_store_n(&w->n_sessions, w->n_sessions + 1, __ATOMIC_RELAXED);
		__atomic_store_n(&w->n_created, w->n_created + 1, __ATOMIC_RELAXED);
	}
	s->key = *key;
	s->created_tsc = now;
	s->last_tsc = now;
	s->packets = 1;
	s->acl_index = acl_index;
	s->rule_index = rule_index;
	s->dir = dir;
	__atomic_store_n(&s->in_use, 1, __ATOMIC_RELEASE);
	return 0;
}

void
acl_session_sweep(struct acl_worker *w, uint64_t now, uint32_t max)
{
	const void *key;
	void *data;
	int32_t pos;

	for (uint32_t i = 0; i < max && w->n_sessions; i++) {
		pos = rte_hash_iterate(w->hash, &key, &data, &w->sweep_next);
		if (pos < 0) {
			w->sweep_next = 0;
			return;
		}
		struct acl_session *s = &w->sessions[pos];
		if (now - s->last_tsc <= acl_session_timeout_tsc(s->key.proto))
			continue;
		__atomic_store_n(&s->in_use, 0, __ATOMIC_RELEASE);
		rte_hash_del_key(w->hash, &s->key);
		__atomic_store_n(&w->n_sessions, w->n_sessions - 1, __ATOMIC_RELAXED);
		__atomic_store_n(&w->n_expired, w->n_expired + 1, __ATOMIC_RELAXED);
	}
}

void
acl_if_counters_sum(uint32_t if_index, enum acl_dir dir, struct acl_if_counters *sum)
{
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
	}
}
