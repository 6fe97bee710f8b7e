/*
 * host-input: input node of host interfaces (VPP's af-packet-input). Polls
 * the RX rings of the host-interface queues this thread owns and copies
 * each frame into mbufs, turning what Linux's offloads hand over into what
 * the wire would carry:
 *  - a partial checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM: the sender left it to
 *    "hardware") is completed;
 *  - a GSO super-frame (TSO/USO, up to 64 KiB) is cut into gso_size
 *    segments, each with its own IP length, ID and checksum, TCP sequence
 *    and flags, and L4 checksum;
 *  - a VLAN tag the kernel took out (TP_STATUS_VLAN_VALID) is put back.
 * The copy out of the ring is needed anyway (the slot goes back to the
 * kernel), so segmenting while copying costs no extra pass (net/gso.c).
 * A TCP/IPv4 super-frame may instead cross the graph whole (rx_gso_pass).
 *
 * Reads: this thread's RX queue set (vn_rxq_set_of, its own-port range).
 * Writes: what vn_port_rx_deliver writes.
 * Nexts: error-drop (0), ethernet-input, or the first device-input feature.
 * Errors: frames dropped in the driver, each counted under its reason.
 */
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_tcp.h>
#include <rte_udp.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/gso.h>
#include <vecnet/net/trace.h>

#include "net/hostif_priv.h"
#include "net/mbuf_append.h"

enum { HIN_NEXT_DROP, HIN_NEXT_ETHERNET };
enum {
	HIN_ERR_TRUNCATED,
	HIN_ERR_NOBUF,
	HIN_ERR_GSO_TYPE,
	HIN_ERR_GSO_BAD,
	HIN_ERR_GSO_TOO_MANY,
	HIN_ERR_CSUM_BAD,
	HIN_N_ERR
};

static const char *const hin_errors[] = {
	[HIN_ERR_TRUNCATED] = "frame larger than its ring slot",
	[HIN_ERR_NOBUF] = "no packet buffers",
	[HIN_ERR_GSO_TYPE] = "GSO type not supported",
	[HIN_ERR_GSO_BAD] = "GSO frame with malformed headers",
	[HIN_ERR_GSO_TOO_MANY] = "GSO frame with more segments than a vector",
	[HIN_ERR_CSUM_BAD] = "partial checksum offsets outside the frame",
};

#define HIN_MAX_PER_CALL (VN_NODE_QUEUE - VN_FRAME_SIZE)
#define HIN_HDR_MAX 256 /* Ethernet, two tags, IP with options or extensions, TCP */

/* What one frame turns into: its bytes, with a tag put back if needed. */
struct hin_frame {
	const uint8_t *data; /* the frame in the ring */
	uint32_t len;
	bool vlan; /* insert tag after the MAC addresses */
	uint8_t tag[4];
};

/* The frame's first `len` bytes (tag included) into the chain. */
static inline bool
frame_append(const struct hin_frame *f, struct rte_mbuf *m, struct rte_mbuf **tail, uint32_t len)
{
	if (likely(!f->vlan))
		return vn_mbuf_append(m, tail, f->data, len);
	return vn_mbuf_append(m, tail, f->data, 12) && vn_mbuf_append(m, tail, f->tag, 4) &&
	       vn_mbuf_append(m, tail, f->data + 12, len - 16);
}

/* Completes a partial checksum: the field holds the pseudo-header sum, so the
 * sum from csum_start to the end, complemented, is the checksum. */
static inline int
csum_complete(struct rte_mbuf *m, uint32_t start, uint32_t offset)
{
	uint16_t sum, ck;

	if (start + offset + 2 > m->pkt_len || m->data_len < start + offset + 2)
		return -1;
	if (rte_raw_cksum_mbuf(m, start, m->pkt_len - start, &sum) != 0)
		return -1;
	ck = (uint16_t)~sum;
	if (ck == 0 && offset == offsetof(struct rte_udp_hdr, dgram_cksum))
		ck = 0xffff; /* UDP sends zero as all ones */
	*rte_pktmbuf_mtod_offset(m, uint16_t *, start + offset) = ck;
	return 0;
}

/*
 * Cuts a GSO super-frame into out[]. Returns how many segments, 0 if it was
 * dropped (counted), or -1 if they do not fit in room and the frame should
 * wait for the next call.
 */
static int
rx_gso_cut(struct vn_node *node, const struct hin_frame *f, const struct vn_gso *g,
	   const uint8_t *hdr, struct rte_mbuf **out, uint16_t room, bool vector_empty)
{
	uint32_t tag = f->vlan ? 4 : 0;
	int n = vn_gso_segment(g, hdr, f->data + g->hlen - tag, f->len + tag - g->hlen,
			       vn_pktmbuf_pool, out, room);

	if (n < 0 && vector_empty) {
		vn_node_count_error(node, HIN_ERR_GSO_TOO_MANY, 1);
		return 0;
	}
	if (n == 0)
		vn_node_count_error(node, HIN_ERR_NOBUF, 1);
	return n;
}

/*
 * A TCP/IPv4 super-frame goes through the graph whole when nothing on its
 * way could rewrite its ports or addresses (no features on the interface's
 * input arcs, IPv6 ones included, no output features anywhere, of either
 * family: NAT44 on a partial checksum would break it) and it fits a
 * super-frame buffer; the host interface it leaves by hands it to the
 * kernel as GSO, any other port cuts it (port-tx).
 * Returns the mbuf, or NULL to cut it here.
 */
static struct rte_mbuf *
rx_gso_pass(const struct hostif *h, const struct hin_frame *f, const struct vn_gso *g)
{
	const struct vn_if_fp *fp = vn_if_fp(h->if_index);
	struct rte_mempool *pool = vn_gso_pool();
	struct rte_mbuf *m;

	if (!h->gso || g->type != VN_GSO_TCP4 || f->vlan || !fp || !pool ||
	    fp->features[VN_ARC_DEVICE_INPUT] || fp->features[VN_ARC_IP4_UNICAST] ||
	    fp->features[VN_ARC_IP6_UNICAST] || vn_feature_arc_active(VN_ARC_IP4_OUTPUT) ||
	    vn_feature_arc_active(VN_ARC_IP6_OUTPUT) ||
	    f->len + RTE_PKTMBUF_HEADROOM > rte_pktmbuf_data_room_size(pool))
		return NULL;
	m = rte_pktmbuf_alloc(pool);
	if (!m)
		return NULL;
	rte_memcpy(rte_pktmbuf_mtod(m, void *), f->data, f->len);
	m->data_len = m->pkt_len = f->len;
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
	m->tso_segsz = g->size;
	m->l2_len = g->l3;
	m->l3_len = g->l4 - g->l3;
	m->l4_len = g->hlen - g->l4;
	return m;
}

/* What a GSO frame becomes: the frame whole, or its segments. */
static int
rx_gso(struct vn_node *node, struct hostif_rxq *q, const struct hostif *h,
       const struct hin_frame *f, const struct virtio_net_hdr *vh, struct rte_mbuf **out,
       uint16_t room, bool vector_empty)
{
	static const uint8_t types[] = {
		[VIRTIO_NET_HDR_GSO_TCPV4] = VN_GSO_TCP4,
		[VIRTIO_NET_HDR_GSO_TCPV6] = VN_GSO_TCP6,
		[VIRTIO_NET_HDR_GSO_UDP_L4] = VN_GSO_UDP,
	};
	uint8_t hdr[HIN_HDR_MAX], t = vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	uint32_t tag = f->vlan ? 4 : 0, in_hdr = RTE_MIN(f->len, (uint32_t)HIN_HDR_MAX - 4);
	struct vn_gso g;
	int n;

	if (t >= RTE_DIM(types) || types[t] == 0) {
		vn_node_count_error(node, HIN_ERR_GSO_TYPE, 1);
		return 0;
	}
	/* The headers, tag restored, in one place to copy into each segment. */
	if (f->vlan) {
		memcpy(hdr, f->data, 12);
		memcpy(hdr + 12, f->tag, 4);
		memcpy(hdr + 16, f->data + 12, in_hdr - 12);
	} else {
		memcpy(hdr, f->data, in_hdr);
	}
	/* csum_start is where L4 begins: the kernel sets it on every GSO frame. */
	if (!(vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) ||
	    vn_gso_parse(hdr, in_hdr + tag, f->len + tag, types[t], vh->gso_size,
			 (uint16_t)(vh->csum_start + tag), &g) < 0) {
		vn_node_count_error(node, HIN_ERR_GSO_BAD, 1);
		return 0;
	}
	out[0] = rx_gso_pass(h, f, &g);
	if (out[0]) {
		q->gso_passed++;
		return 1;
	}
	n = rx_gso_cut(node, f, &g, hdr, out, room, vector_empty);
	if (n > 0) {
		q->gso_frames++;
		q->segments += (uint64_t)n;
	}
	return n;
}

/*
 * One ring slot into out[]: how many packets it made (0 if it was dropped,
 * counted), or -1 if it must wait for room in the next call.
 */
static inline int
rx_frame(struct vn_node *node, const struct hostif *hif, struct hostif_rxq *q,
	 const struct tpacket2_hdr *h, uint32_t status, struct rte_mbuf **out, uint16_t room,
	 bool vector_empty)
{
	const uint8_t *data = (const uint8_t *)h + h->tp_mac;
	const struct virtio_net_hdr *vh = (const struct virtio_net_hdr *)(data - sizeof(*vh));
	struct hin_frame f = {.data = data, .len = h->tp_snaplen};
	struct rte_mbuf *m, *tail;

	if (unlikely(h->tp_snaplen != h->tp_len || h->tp_len < RTE_ETHER_HDR_LEN)) {
		vn_node_count_error(node, HIN_ERR_TRUNCATED, 1);
		return 0;
	}
	if (unlikely(status & TP_STATUS_VLAN_VALID)) {
		uint16_t tpid = (status & TP_STATUS_VLAN_TPID_VALID) && h->tp_vlan_tpid
				    ? h->tp_vlan_tpid
				    : RTE_ETHER_TYPE_VLAN;
		f.vlan = true;
		f.tag[0] = tpid >> 8;
		f.tag[1] = tpid & 0xff;
		f.tag[2] = h->tp_vlan_tci >> 8;
		f.tag[3] = h->tp_vlan_tci & 0xff;
	}
	if (unlikely(vh->gso_type != VIRTIO_NET_HDR_GSO_NONE)) {
		int n = rx_gso(node, q, hif, &f, vh, out, room, vector_empty);
		/* A frame that waits for the next vector is counted then. */
		if (n >= 0) {
			q->frames++;
			q->vlan_restored += f.vlan;
		}
		return n;
	}
	q->frames++;
	q->vlan_restored += f.vlan;
	m = rte_pktmbuf_alloc(vn_pktmbuf_pool);
	tail = m;
	if (unlikely(!m || !frame_append(&f, m, &tail, f.len + (f.vlan ? 4 : 0)))) {
		rte_pktmbuf_free(m);
		vn_node_count_error(node, HIN_ERR_NOBUF, 1);
		return 0;
	}
	if (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		if (unlikely(csum_complete(m, vh->csum_start + (f.vlan ? 4u : 0u),
					   vh->csum_offset) < 0)) {
			rte_pktmbuf_free(m);
			vn_node_count_error(node, HIN_ERR_CSUM_BAD, 1);
			return 0;
		}
		q->csum_completed++;
	}
	out[0] = m;
	return 1;
}

/* Up to a vector from one queue's ring into node->objs. */
static uint16_t
rx_burst(struct vn_node *node, const struct hostif *hif, struct hostif_rxq *q)
{
	struct hostif_ring *r = &q->ring;
	uint16_t n = 0;

	while (n < VN_FRAME_SIZE) {
		struct tpacket2_hdr *h = hostif_slot(r, r->head);
		uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
		if (!(status & TP_STATUS_USER))
			break;
		int k = rx_frame(node, hif, q, h, status, node->objs + n, VN_FRAME_SIZE - n, n == 0);
		if (k < 0)
			break; /* its segments go into the next vector */
		n += (uint16_t)k;
		/* The slot goes back to the kernel once its bytes are copied. */
		__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		hostif_ring_advance(r);
	}
	return n;
}

struct hin_ctx {
	uint16_t start; /* rotates so no queue is always polled last */
};

static int
hin_init(struct vn_graph *g, struct vn_node *node)
{
	node->ctx = rte_zmalloc("host_input", sizeof(struct hin_ctx), RTE_CACHE_LINE_SIZE);
	return node->ctx ? 0 : -1;
}

static void
hin_fini(struct vn_graph *g, struct vn_node *node)
{
	rte_free(node->ctx);
	node->ctx = NULL;
}

static uint16_t
hin_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **unused, uint16_t zero)
{
	struct hin_ctx *c = node->ctx;
	/* Valid until this walk ends (port-rx says why). */
	const struct vn_rxq_set *s = vn_rxq_set_of(g->thread_index);
	uint16_t n_own = s->n - s->n_dpdk;
	uint32_t total = 0;

	for (uint16_t k = 0; k < n_own && total < HIN_MAX_PER_CALL; k++) {
		const struct vn_rxq *rq = &s->q[s->n_dpdk + (c->start + k) % n_own];
		const struct vn_port_own *p = vn_port_own(rq->port_id);
		if (!p || p->cls != &vn_hostif_class)
			continue;
		struct hostif *h = p->dev;
		uint16_t n = rx_burst(node, h, &h->rxq[rq->queue_id]);
		if (n == 0)
			continue;
		vn_port_rx_deliver(g, node, n, rq->if_index, HIN_NEXT_ETHERNET);
		total += n;
	}
	if (n_own)
		c->start = (c->start + 1) % n_own;
	return total;
}

VN_NODE_REGISTER(host_input) = {
	.name = "host-input",
	.format_trace = vn_trace_format_rx,
	.type = VN_NODE_INPUT,
	.fn = hin_fn,
	.thread_init = hin_init,
	.thread_fini = hin_fini,
	.n_next = 2,
	.next_names = {[HIN_NEXT_ETHERNET] = "ethernet-input"},
	.n_errors = HIN_N_ERR,
	.error_names = hin_errors,
};

/* VPP's name for the input node of its host interfaces. */
VN_NODE_ALIAS(af_packet_input) = {.alias = "af-packet-input", .node = "host-input"};
