/*
 * Packets are rte_mbufs. The engine's per-packet state lives in the mbuf
 * private area, so a node reads it from the same cache lines as the mbuf
 * header. The core owns its first bytes (struct vn_buf); the layer above
 * defines what follows (the network layer's struct vn_meta, net/buffer.h).
 */
#ifndef VECNET_BUFFER_H
#define VECNET_BUFFER_H

#include <rte_mbuf.h>
#include <vecnet/common.h>

struct vn_buf {
	uint16_t error; /* any node sending to error-drop: global error code (vn_drop_reason) */
	uint16_t reserved;
	uint32_t trace_id; /* 0, or the packet's trace number; input nodes zero it (trace.h) */
};

/* Size of the whole private area: one cache line, so packet data starts
 * line-aligned (mbuf 128 + private 64 + headroom 128) and a 64-byte frame's
 * headers share one line instead of straddling two. */
#define VN_BUF_PRIV_SIZE RTE_CACHE_LINE_SIZE

static inline struct vn_buf *
vn_buf(struct rte_mbuf *m)
{
	return (struct vn_buf *)rte_mbuf_to_priv(m);
}

/* The packet pool, created by the engine; nodes allocate from it. */
extern struct rte_mempool *vn_pktmbuf_pool;

#endif
