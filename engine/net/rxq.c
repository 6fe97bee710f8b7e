/*
 * Forwarding threads and the RX queues they own. Every RX queue of every
 * interface is owned by exactly one forwarding thread; each thread has its own
 * TX queue on every port. Placement is decided at start (vn_rxq_place, with
 * the interfaces' explicit worker lists) and may be changed at run time, one
 * queue at a time (vn_rxq_move, `set interface rx-placement`).
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
/* The forwarding threads placement was given: worker w is thread fwd[w]. */
static uint32_t n_fwd;
static uint32_t fwd[VN_THREAD_MAX];

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
vn_rxq_place(uint32_t n_fwd_threads, const uint32_t *fwd_thread)
{
	uint32_t rr = 0;

	if (n_fwd_threads == 0 || n_fwd_threads > VN_THREAD_MAX)
		return -EINVAL;
	n_fwd = n_fwd_threads;
	memcpy(fwd, fwd_thread, n_fwd * sizeof(fwd[0]));
	n_placed = 0;
	for (uint32_t i = 0; i < vn_interface_count(); i++) {
		struct vn_interface *ifp = vn_interface_get(i);
		for (uint16_t q = 0; ifp && q < ifp->n_rx_queues && ifp->port_id != VN_PORT_NONE; q++) {
			uint32_t t;
			if (n_placed >= VN_RXQ_MAX)
				return -ENOSPC;
			if (q < VN_ARRAY_LEN(ifp->rx_workers) && ifp->rx_workers[q] >= 0) {
				if ((uint32_t)ifp->rx_workers[q] >= n_fwd) {
					VN_ERR("%s: RX queue %u placed on worker %d, but there are %u",
					       ifp->name, q, ifp->rx_workers[q], n_fwd);
					return -EINVAL;
				}
				t = fwd[ifp->rx_workers[q]];
			} else {
				t = fwd[rr++ % n_fwd];
			}
			placement[n_placed].q = (struct vn_rxq){
				.port_id = ifp->port_id, .queue_id = q, .if_index = i};
			placement[n_placed++].thread = t;
		}
	}
	/* Once at start, before any thread forwards (a queue changing threads
	 * while they poll is vn_rxq_move's job, which keeps the order). */
	for (uint32_t t = 0; t < VN_THREAD_MAX; t++) {
		const struct vn_rxq_set *s = set_build(t);
		if (!s)
			return -ENOMEM;
		set_retire(set_publish(t, s));
	}
	return 0;
}

/*
 * Moving a queue from thread A to thread B. A DPDK RX queue has a single
 * consumer: two threads in rte_eth_rx_burst() on it at once corrupt its ring
 * (the same descriptor handed out twice, an mbuf freed twice, or the driver's
 * index and the device's out of step: an AF_PACKET queue then stops
 * delivering for good). So B must not poll the queue until A has polled it
 * for the last time, and the steps go in this order:
 *
 *  1. publish A's set without the queue. A's walk in progress may still hold
 *     the old set and poll the queue (port-rx polls in its call, but a set
 *     is valid until the walk ends); A's next walk will not.
 *  2. vn_rcu_synchronize(): a grace period. Workers report a quiescent state
 *     only between graph walks, and port-rx reads its set once per call,
 *     within a walk; once every worker has passed one, no walk that loaded
 *     A's old set is still running, so A is not polling the queue and never
 *     will again (a worker asleep is offline and polls nothing; on waking it
 *     loads the new set). The quiescent report is a release and the grace
 *     period's check an acquire, so A's last burst happens before what
 *     follows, and B's first burst sees the ring as A left it. A also runs
 *     the packets of that last burst through its graph before it reports
 *     quiescent, so they leave ahead of anything B receives from the queue.
 *  3. publish B's set with the queue: B polls it from its next call.
 *
 * Publishing B's set first, or before the grace period ends, lets B poll the
 * queue while A still does. Between 1 and 3 nobody polls it: the queue's ring
 * holds what arrives meanwhile (a grace period is about one walk when the
 * workers have cores of their own). The other sets are freed after a grace
 * period too (the one of step 2 serves A's old set). Both new sets are built
 * first, so that a queue that has left A never fails to reach B. With
 * `workers: []` there is one forwarding thread and nothing ever moves; the
 * main thread runs this between its walks.
 */
int
vn_rxq_move(uint32_t if_index, uint16_t queue, uint32_t worker)
{
	struct vn_interface *ifp = vn_interface_get(if_index);
	const struct vn_rxq_set *set_a, *set_b, *old_a, *old_b;
	uint32_t i, from, to;

	if (!ifp || ifp->port_id == VN_PORT_NONE)
		return -ENODEV;
	for (i = 0; i < n_placed; i++)
		if (placement[i].q.if_index == if_index && placement[i].q.queue_id == queue)
			break;
	if (queue >= ifp->n_rx_queues || i == n_placed)
		return -ERANGE;
	if (worker >= n_fwd)
		return -EINVAL;
	from = placement[i].thread;
	to = fwd[worker];
	if (from == to)
		return 0;
	placement[i].thread = to;
	set_a = set_build(from);
	set_b = set_build(to);
	if (!set_a || !set_b) {
		placement[i].thread = from;
		set_free((void *)set_a);
		set_free((void *)set_b);
		return -ENOMEM;
	}
	old_a = set_publish(from, set_a); /* 1 */
	vn_rcu_synchronize(); /* 2: A no longer polls the queue */
	set_free((void *)old_a);
	old_b = set_publish(to, set_b); /* 3 */
	set_retire(old_b);
	VN_INFO("%s: RX queue %u moved to worker %u (thread %u -> %u)", ifp->name, queue, worker,
		from, to);
	return 0;
}

uint32_t
vn_rxq_worker_count(void)
{
	return n_fwd;
}

uint32_t
vn_rxq_worker_thread(uint32_t worker)
{
	return worker < n_fwd ? fwd[worker] : UINT32_MAX;
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
