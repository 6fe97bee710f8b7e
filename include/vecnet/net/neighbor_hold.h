/*
 * The hold queue of address resolution, for both families: packets whose
 * next hop has no MAC yet wait here (Linux's arp_queue / ndisc queue) instead
 * of being dropped, so the first ping or SYN to a new neighbour leaves once
 * it answers. ip4-arp and ip6-glean each keep one table per thread (nothing
 * shared, nothing locked) and differ only in the vn_hold_family they pass:
 * how to tell that a next hop resolved, and how to ask for it again.
 *
 * Each thread holds up to vn_neighbor_cfg.queue_len packets per (interface,
 * target) and VN_HOLD_PKTS in all. While it holds packets, vn_hold_poll
 * looks at them whenever the FIB moves (vn_fib_epoch) and every
 * VN_HOLD_SCAN_MS: a next hop that resolved, or whose interface went down or
 * away, hands its packets back in arrival order (the lookup finds their
 * adjacency afresh: the one they met may be freed by now); packets still
 * unresolved after vn_neighbor_cfg.timeout_ms come back as expired (the
 * family drops them or answers unreachable); the request is repeated every
 * VN_HOLD_RETRY_MS meanwhile.
 */
#ifndef VECNET_NEIGHBOR_HOLD_H
#define VECNET_NEIGHBOR_HOLD_H

#include <rte_mbuf.h>
#include <vecnet/common.h>
#include <vecnet/net/addr.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/node.h>

#define VN_HOLD_NEXT_HOPS 256 /* next hops one thread holds packets for */
#define VN_HOLD_PKTS 1024 /* packets one thread holds in all */
#define VN_HOLD_SCAN_MS 10
#define VN_HOLD_RETRY_MS 250

/* A next hop, either family: IPv4 in ip4 (host order), the rest zero. */
union vn_hold_addr {
	uint32_t ip4;
	struct vn_ip6 ip6;
};

/* Packets waiting for one next hop, in arrival order. */
struct vn_hold {
	union vn_hold_addr target;
	uint32_t adj_index; /* the GLEAN or INCOMPLETE adjacency they met */
	uint16_t if_index;
	uint16_t rx_if; /* the first packet's, for the repeated request */
	uint8_t adj_type;
	uint8_t n;
	uint64_t since_tsc; /* first packet held: the timeout runs from here */
	uint64_t asked_tsc; /* last request sent */
	struct rte_mbuf *pkts[VN_NEIGHBOR_QUEUE_MAX];
};

struct vn_hold_family {
	/* Whether h's packets go back to the lookup: resolved, route changed. */
	bool (*done)(const struct vn_hold *h);
	/* A new request for h's target (NULL: none this time). */
	struct rte_mbuf *(*request)(const struct vn_hold *h);
};

struct vn_hold_table {
	const struct vn_hold_family *family;
	uint64_t ms_tsc, retry_tsc, scan_tsc;
	uint32_t n_holds, n_held; /* next hops, packets */
	uint32_t epoch; /* vn_fib_epoch when held packets were last looked at */
	uint64_t next_scan_tsc;
	struct vn_hold holds[VN_HOLD_NEXT_HOPS]; /* dense */
};

enum vn_hold_result {
	VN_HOLD_HELD,
	VN_HOLD_QUEUE_FULL, /* this next hop's queue is full */
	VN_HOLD_TABLE_FULL, /* the thread holds as much as it may */
};

/* What one poll hands back, at most a vector each way. */
struct vn_hold_out {
	uint16_t n_released, n_expired, n_requests;
	struct rte_mbuf *released[VN_FRAME_SIZE]; /* to the lookup, in order */
	struct rte_mbuf *expired[VN_FRAME_SIZE]; /* resolution timed out */
	struct rte_mbuf *requests[VN_FRAME_SIZE]; /* repeated requests */
};

struct vn_hold_table *vn_hold_table_create(const struct vn_hold_family *family);
/* Frees the table and every packet it holds. */
void vn_hold_table_free(struct vn_hold_table *t);
/* Keeps m for (adj->tx_if, target), arrived at now (TSC). */
enum vn_hold_result vn_hold_add(struct vn_hold_table *t, struct rte_mbuf *m,
				const struct vn_adj *adj, const union vn_hold_addr *target,
				uint64_t now, uint32_t queue_len);
/* Looks at held packets if the FIB moved or a scan is due; false when it had
 * nothing to do. The rest waits for the next poll. */
bool vn_hold_poll(struct vn_hold_table *t, uint64_t now, struct vn_hold_out *out);

static inline bool
vn_hold_is_empty(const struct vn_hold_table *t)
{
	return t->n_holds == 0;
}

#endif
