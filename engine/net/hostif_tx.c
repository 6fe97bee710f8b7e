/*
 * Host interfaces, the transmit half: frames into this thread's TX ring,
 * then one send() to have the kernel take them (PACKET_QDISC_BYPASS: it
 * hands them straight to the device).
 */
#include <errno.h>
#include <rte_tcp.h>
#include <sys/socket.h>
#include <vecnet/net/gso.h>

#include "net/hostif_priv.h"

/* Where a TX slot's frame starts: after the slot header, unless told
 * otherwise (PACKET_TX_HAS_OFF, unused). */
#define HOSTIF_TX_DATA_OFF (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))

/*
 * A frame that leaves complete asks nothing of the kernel; a passed-through
 * super-frame asks it to cut (gso_size) and to finish its partial TCP
 * checksum, as for a local sender's.
 */
static inline void
tx_vnet_hdr(const struct rte_mbuf *m, struct virtio_net_hdr *vh)
{
	memset(vh, 0, sizeof(*vh));
	if (likely(!vn_gso_is_super(m)))
		return;
	/* ip4-rewrite put the adjacency's L2 header (tags and all) in front. */
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t l2 = RTE_ETHER_HDR_LEN;
	while (l2 + 4 <= m->data_len &&
	       (uint16_t)(p[l2 - 2] << 8 | p[l2 - 1]) != RTE_ETHER_TYPE_IPV4)
		l2 += 4;
	vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	vh->gso_size = m->tso_segsz;
	vh->csum_start = l2 + m->l3_len;
	vh->csum_offset = offsetof(struct rte_tcp_hdr, cksum);
	vh->hdr_len = l2 + m->l3_len + m->l4_len;
}

uint16_t
vn_hostif_tx_burst(void *dev, uint16_t queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct hostif *h = dev;
	struct hostif_txq *q = &h->txq[queue];
	struct hostif_ring *r = &q->ring;
	const uint32_t room = r->frame_size - HOSTIF_TX_DATA_OFF - sizeof(struct virtio_net_hdr);
	uint16_t i, queued = 0;

	for (i = 0; i < n; i++) {
		struct tpacket2_hdr *s = hostif_slot(r, r->head);
		uint32_t status = __atomic_load_n(&s->tp_status, __ATOMIC_ACQUIRE);
		struct rte_mbuf *m = pkts[i];

		if (status != TP_STATUS_AVAILABLE && !(status & TP_STATUS_WRONG_FORMAT)) {
			q->ring_full++;
			break; /* the kernel has not sent this slot yet: the ring is full */
		}
		if (unlikely(m->pkt_len > room)) {
			q->too_large++; /* the IP MTU keeps this from happening */
			rte_pktmbuf_free(m);
			continue;
		}
		uint8_t *data = (uint8_t *)s + HOSTIF_TX_DATA_OFF;
		tx_vnet_hdr(m, (struct virtio_net_hdr *)data);
		q->gso_frames += vn_gso_is_super(m);
		data += sizeof(struct virtio_net_hdr);
		for (const struct rte_mbuf *seg = m; seg; seg = seg->next) {
			rte_memcpy(data, rte_pktmbuf_mtod(seg, const void *), seg->data_len);
			data += seg->data_len;
		}
		s->tp_len = m->pkt_len + sizeof(struct virtio_net_hdr);
		__atomic_store_n(&s->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
		hostif_ring_advance(r);
		rte_pktmbuf_free(m);
		queued++;
	}
	if (queued) {
		q->frames += queued;
		/* Frames a failed kick leaves queued go with the next one. */
		if (send(q->fd, NULL, 0, MSG_DONTWAIT) < 0 && errno != EAGAIN && errno != ENOBUFS)
			q->kick_errors++;
	}
	return i;
}
