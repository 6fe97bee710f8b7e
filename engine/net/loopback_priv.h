/*
 * Loopbacks (VPP's loopN): an own port class (net/port.h) whose TX hands
 * every frame back to its own RX through an rte_ring, polled by loop-input.
 * They hold addresses that are always up (router IDs, a BGP source), and a
 * frame routed out of one comes back in as if a peer had sent it.
 */
#ifndef VN_LOOPBACK_PRIV_H
#define VN_LOOPBACK_PRIV_H

#include <rte_ring.h>
#include <vecnet/net/port.h>

/* A config device "loopback" is a loopback. */
#define VN_LOOPBACK_DEVICE "loopback"
#define VN_LOOPBACK_RING_SIZE 1024
#define VN_LOOPBACK_INSTANCE_MAX 1023

struct loopback {
	struct rte_ring *ring; /* multi-producer (any TX thread), single consumer */
	uint16_t if_index;
	uint16_t port_id;
	uint64_t refused; /* frames the full ring refused (atomic: any TX thread) */
	uint64_t looped; /* frames enqueued (atomic) */
};

extern const struct vn_port_class vn_loopback_class;

/* Makes ifp's device a loopback: its ring and own port; fills port_id,
 * driver, and mac (de:ad:00:00:NN:NN from the instance, unless set). */
int vn_loopback_open(struct vn_interface *ifp);

/* `create loopback interface [mac MAC] [instance N]`: loopN, created down (as
 * in VPP). instance < 0 takes the lowest free; mac may be NULL. -EEXIST when
 * loopN exists. */
int vn_loopback_create(const uint8_t *mac, int instance, uint32_t *if_index);
/* -ENOENT when name is no loopback. */
int vn_loopback_delete(const char *name);

#endif
