/*
 * GSO super-frames: a TCP stream's frames of up to 64 KiB that a Linux
 * sender left for "hardware" to cut into MSS-sized segments. A host
 * interface may pass one through the graph whole (the kernel behind another
 * host interface cuts it); such an mbuf is one segment from vn_gso_pool with
 * RTE_MBUF_F_TX_TCP_SEG set, tso_segsz its segment payload size, and a
 * partial TCP checksum (the pseudo-header sum, as Linux's CHECKSUM_PARTIAL).
 * A port that cannot take it has it cut here (port-tx).
 */
#ifndef VECNET_NET_GSO_H
#define VECNET_NET_GSO_H

#include <rte_mbuf.h>
#include <stdbool.h>

/* How a super-frame is cut: offsets from the start of the frame (its
 * Ethernet header). */
struct vn_gso {
	uint8_t type; /* VN_GSO_TCP4, VN_GSO_TCP6, VN_GSO_UDP */
	uint16_t size; /* payload bytes per segment */
	uint16_t l3, l4; /* where the IP and the TCP/UDP headers start */
	uint16_t hlen; /* all headers: l4 + the TCP/UDP header */
};

enum { VN_GSO_TCP4 = 1, VN_GSO_TCP6, VN_GSO_UDP };

/* The pool of super-frame buffers (64 KiB of data room), made on first use;
 * NULL if it could not be made. */
struct rte_mempool *vn_gso_pool(void);

/* Fills g from a frame's first hdr_len bytes (at least its headers), its
 * length and what its sender said (type, segment size, where L4 starts).
 * -1 if the headers do not agree with that. */
int vn_gso_parse(const uint8_t *hdr, uint32_t hdr_len, uint32_t frame_len, uint8_t type,
		 uint16_t size, uint16_t l4, struct vn_gso *g);

/*
 * Cuts a super-frame into out[] as mbufs from mp: each segment gets hdr's
 * g->hlen header bytes (with its own IP length and ID, TCP sequence number
 * and flags or UDP length) and the next g->size bytes of payload, and full
 * checksums. Returns how many, -1 if more than room, 0 if mp ran dry (none
 * is left allocated).
 */
int vn_gso_segment(const struct vn_gso *g, const uint8_t *hdr, const uint8_t *payload,
		   uint32_t payload_len, struct rte_mempool *mp, struct rte_mbuf **out,
		   uint16_t room);

/* The same for a passed-through super-frame m (RTE_MBUF_F_TX_TCP_SEG, a
 * frame with its Ethernet header): cut into out[] and m freed; -1 or 0 as
 * above, and 0 too for headers that do not parse (m stays the caller's). */
int vn_gso_segment_mbuf(struct rte_mbuf *m, struct rte_mempool *mp, struct rte_mbuf **out,
			uint16_t room);

static inline bool
vn_gso_is_super(const struct rte_mbuf *m)
{
	return m->ol_flags & RTE_MBUF_F_TX_TCP_SEG;
}

#endif
