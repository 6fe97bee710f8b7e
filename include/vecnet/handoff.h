/*
 * Handoff: moves packets to the forwarding thread that owns their state (NAT
 * sessions, reassembly) through one single-producer/single-consumer rte_ring
 * per (queue, source thread, destination thread), so order within a flow is
 * kept and nothing is locked. The receiving side is the input node
 * `handoff-input`, which hands each packet to the queue's target node.
 *
 *   at load:  id = vn_handoff_register("nat44-in2out-worker", "nat44-in2out");
 *   per frame: vn_handoff_send(g, node, id, pkts, dst_fwd, n);
 *
 * Threads are named by forwarding index (0 .. vn_handoff_n_threads() - 1).
 */
#ifndef VECNET_HANDOFF_H
#define VECNET_HANDOFF_H

#include <vecnet/node.h>

#define VN_HANDOFF_MAX 8
#define VN_HANDOFF_RING_SIZE 4096

/* Declares a handoff queue delivering to node `target`; before the graph is
 * built. Returns the queue id or a negative errno. */
int vn_handoff_register(const char *name, const char *target);
/* Creates the rings for n_fwd forwarding threads; after the graph is built. */
int vn_handoff_init(uint32_t n_fwd, const uint32_t *fwd_thread_index);
void vn_handoff_fini(void);
uint32_t vn_handoff_n_threads(void);
/* This thread's forwarding index. */
uint32_t vn_handoff_self(const struct vn_graph *g);

/* Sends pkts[i] to forwarding thread dst_fwd[i]. Packets for the calling
 * thread go straight to the target node; a full ring drops the excess and
 * counts it (`show errors`: handoff-input, "handoff ring full"). */
void vn_handoff_send(struct vn_graph *g, uint16_t id, struct rte_mbuf **pkts,
		     const uint16_t *dst_fwd, uint16_t n);

#endif
