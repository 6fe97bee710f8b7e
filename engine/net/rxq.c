/*
 * Forwarding threads and the RX queues they own. Every RX queue of every
 * interface is owned by exactly one forwarding thread; each thread has its own
 * TX queue on every port. Placement is decided at start (vn_rxq_place, with
 * the interfaces' explicit worker lists).
 *
 * The control plane keeps the placement table below; what a thread polls is
 * an immutable set per thread (struct vn_rxq_set, net/port.h) derived from
 * it, published by pointer and freed after an RCU grace period. port-rx loads
 * its thread's set once per call.
 */
#define VN_LOG_MOD "rxq"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/port.h>
#include <vecnet/rcu.h>

#include "net/port_priv.h"

#define VN_RXQ_MAX 1024

/* The control plane's record, in interface and queue order (so each thread's
 * set is in that order too). Only the main thread reads or writes it. */
static struct {
	struct vn_rxq q;
	uint32_t thread;
} placement[VN_RXQ_MAX];
static uint32_t n_placed;

static const struct vn_rxq_set vn_rxq_none; /* no queues: never freed */

/* Every thread starts with no queues, so a set is never NULL. The array is
 * read by every forwarding thread at each port-rx call and written only when
 * the placement changes: aligned, it shares no line with data written more
 * often. */
const struct vn_rxq_set *vn_rxq_sets[VN_THREAD_MAX] __rte_cache_aligned = {
	[0 ... VN_THREAD_MAX - 1] = &vn_rxq_none,
};

static void
set_free(void *p)
{
	if (p != &vn_rxq_none)
		free(p);
}

/* A new set of what the table places on thread; NULL if out of memory. Its
 * own cache lines: workers read it while the main thread writes its heap. */
static const struct vn_rxq_set *
set_build(uint32_t thread)
{
	struct vn_rxq_set *s;
	uint16_t n = 0;
	size_t sz;

	for (uint32_t i = 0; i < n_placed; i++)
		n += placement[i].thread == thread;
	if (n == 0)
		return &vn_rxq_none;
	sz = RTE_ALIGN_CEIL(sizeof(*s) + n * sizeof(s->q[0]), RTE_CACHE_LINE_SIZE);
	s = aligned_alloc(RTE_CACHE_LINE_SIZE, sz);
	if (!s)
		return NULL;
	s->n = 0;
	for (uint32_t i = 0; i < n_placed; i++)
		if (placement[i].thread == thread)
			s->q[s->n++] = placement[i].q;
	return s;
}

/* Publishes s as thread's set; returns the set it replaces, which readers may
 * still hold until the next grace period. */
static const struct vn_rxq_set *
set_publish(uint32_t thread, const struct vn_rxq_set *s)
{
	return __atomic_exchange_n(&vn_rxq_sets[thread], s, __ATOMIC_ACQ_REL);
}

/* Frees a set that was replaced, after a grace period (no reader holds it). */
static void
set_retire(const struct vn_rxq_set *old)
{
	if (old != &vn_rxq_none)
		vn_rcu_free((void *)old, set_free);
}

int
vn_rxq_place(uint32_t n_fwd, const uint32_t *fwd_thread)
{
	uint32_t rr = 0;

	n_placed = 0;
	for (uint32_t i = 0; i < vn_interface_count(); i++) {
		struct vn_interface *ifp = vn_interface_get(i);
		for (uint16_t q = 0; q < ifp->n_rx_queues && ifp->port_id != VN_PORT_NONE; q++) {
			uint32_t t;
			if (n_placed >= VN_RXQ_MAX)
				return -ENOSPC;
			if (q < VN_ARRAY_LEN(ifp->rx_workers) && ifp->rx_workers[q] >= 0) {
				if ((uint32_t)ifp->rx_workers[q] >= n_fwd) {
					VN_ERR("%s: RX queue %u placed on worker %d, but there are %u",
					       ifp->name, q, ifp->rx_workers[q], n_fwd);
					return -EINVAL;
				}
				t = fwd_thread[ifp->rx_workers[q]];
			} else {
				t = fwd_thread[rr++ % n_fwd];
			}
			placement[n_placed].q = (struct vn_rxq){
				.port_id = ifp->port_id, .queue_id = q, .if_index = i};
			placement[n_placed++].thread = t;
		}
	}
	/* Once at start, before any thread forwards. */
	for (uint32_t t = 0; t < VN_THREAD_MAX; t++) {
		const struct vn_rxq_set *s = set_build(t);
		if (!s)
			return -ENOMEM;
		set_retire(set_publish(t, s));
	}
	return 0;
}

uint16_t
vn_rxq_count_for_thread(uint32_t thread)
{
	return thread < VN_THREAD_MAX ? vn_rxq_set_of(thread)->n : 0;
}

uint16_t
vn_rxq_for_thread(uint32_t thread, struct vn_rxq *out, uint16_t max)
{
	const struct vn_rxq_set *s;
	uint16_t n;

	if (thread >= VN_THREAD_MAX)
		return 0;
	s = vn_rxq_set_of(thread);
	n = RTE_MIN(s->n, max);
	memcpy(out, s->q, n * sizeof(out[0]));
	return n;
}

uint16_t vn_port_thread_txq[VN_THREAD_MAX];
