/*
 * session-queue: the host stack's per-worker input node (VPP's
 * session-queue), polled every loop. It runs the connect requests of the
 * main thread, the timer wheel (retransmission, zero-window probes,
 * TIME_WAIT and FIN_WAIT_2), and then the output of every connection that
 * has something to send: data the application wrote, windows that opened,
 * and the one ACK per connection that this loop's segments asked for.
 *
 * Reads: the worker's request ring, wheel and pending list.
 * Writes: segments built by the stack.
 * Nexts: error-drop (0), tcp4-output, tcp6-output.
 * Errors: counters: connect requests run, timers expired, segments built.
 */
#include <rte_cycles.h>
#include <rte_ring.h>
#include <vecnet/graph.h>
#include <vecnet/node.h>

#include "tcp/session_priv.h"
#include "tcp/tcp_priv.h"

enum session_queue_next {
	SESSION_QUEUE_NEXT_DROP = VN_NEXT_DROP,
	SESSION_QUEUE_NEXT_OUTPUT,
	SESSION_QUEUE_NEXT_OUTPUT6,
	SESSION_QUEUE_N_NEXT,
};

enum session_queue_error {
	SESSION_QUEUE_ERR_REQUESTS,
	SESSION_QUEUE_ERR_TIMERS,
	SESSION_QUEUE_ERR_SEGMENTS,
	SESSION_QUEUE_N_ERROR,
};

static const char *const session_queue_error_names[SESSION_QUEUE_N_ERROR] = {
	[SESSION_QUEUE_ERR_REQUESTS] = "connect requests run",
	[SESSION_QUEUE_ERR_TIMERS] = "timers expired",
	[SESSION_QUEUE_ERR_SEGMENTS] = "segments built",
};

#define SESSION_QUEUE_REQUESTS 32 /* per loop: opening is not all a loop does */

static uint16_t
session_queue_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	struct tcp_worker *w = node->ctx;
	void *reqs[SESSION_QUEUE_REQUESTS];
	uint32_t n_req, n_timers, n_segs, n_emitted;
	uint64_t segs_out;

	if (!w)
		return 0;
	tcp_worker_bind(w, g, node, SESSION_QUEUE_NEXT_OUTPUT, SESSION_QUEUE_NEXT_OUTPUT6);
	w->now_ms = rte_rdtsc() / w->tsc_per_ms;
	segs_out = w->stats[TCP_STAT_SEGS_OUT];
	n_req = rte_ring_sc_dequeue_burst(w->requests, reqs, SESSION_QUEUE_REQUESTS, NULL);
	for (uint32_t i = 0; i < n_req; i++)
		session_request_run(w, reqs[i]);
	n_timers = tcp_wheel_advance(&w->wheel, w->now_ms, tcp_timer_expired, w);
	n_segs = w->n_pending ? tcp_output_pending(w, VN_FRAME_SIZE) : 0;
	tcp_worker_flush(w);
	tcp_reap(w);
	/* Timers send too (probes, keepalives, resets), not only pending output. */
	n_emitted = (uint32_t)(w->stats[TCP_STAT_SEGS_OUT] - segs_out);
	if (n_req)
		vn_node_count_error(node, SESSION_QUEUE_ERR_REQUESTS, n_req);
	if (n_timers)
		vn_node_count_error(node, SESSION_QUEUE_ERR_TIMERS, n_timers);
	if (n_segs)
		vn_node_count_error(node, SESSION_QUEUE_ERR_SEGMENTS, n_segs);
	/* Work pending (or done) keeps the thread from idling, and makes the
	 * graph dispatch what it enqueued (and end a trace it marked). */
	return (uint16_t)VN_MIN(n_emitted + n_req + n_timers + w->n_pending, (uint32_t)UINT16_MAX);
}

static int
session_queue_thread_init(struct vn_graph *g, struct vn_node *node)
{
	node->ctx = tcp_worker_attach(g->thread_index);
	return node->ctx ? 0 : -1;
}

static void
session_queue_thread_fini(struct vn_graph *g, struct vn_node *node)
{
	tcp_worker_detach(g->thread_index);
	node->ctx = NULL;
}

VN_NODE_REGISTER(session_queue) = {
	.name = "session-queue",
	.format_trace = tcp_trace_format,
	.type = VN_NODE_INPUT,
	.fn = session_queue_fn,
	.n_next = SESSION_QUEUE_N_NEXT,
	.next_names =
		{
			[SESSION_QUEUE_NEXT_DROP] = "error-drop",
			[SESSION_QUEUE_NEXT_OUTPUT] = "tcp4-output",
			[SESSION_QUEUE_NEXT_OUTPUT6] = "tcp6-output",
		},
	.n_errors = SESSION_QUEUE_N_ERROR,
	.error_names = session_queue_error_names,
	.thread_init = session_queue_thread_init,
	.thread_fini = session_queue_thread_fini,
};
