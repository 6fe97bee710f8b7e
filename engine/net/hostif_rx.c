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
 * kernel), so segmenting while copying costs no extra pass; DPDK's rte_gso
 * would need an mbuf chain first and yields two-segment indirect mbufs that
 * every node downstream would then see, and leaves checksums to hardware.
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
#include <vecnet/net/trace.h>

#include "net/hostif_priv.h"

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

/* Appends len bytes to the chain head (last segment *tail), allocating
 * segments as the data room fills; false when the pool runs dry. */
static inline bool
chain_append(struct rte_mbuf *head, struct rte_mbuf **tail, const uint8_t *src, uint32_t len)
{
	struct rte_mbuf *t = *tail;

	while (len) {
		uint32_t room = rte_pktmbuf_tailroom(t);
		if (room == 0) {
			struct rte_mbuf *s = rte_pktmbuf_alloc(head->pool);
			if (!s)
				return false;
			t->next = s;
			t = s;
			head->nb_segs++;
			room = rte_pktmbuf_tailroom(t);
		}
		uint32_t k = RTE_MIN(room, len);
		rte_memcpy(rte_pktmbuf_mtod_offset(t, uint8_t *, t->data_len), src, k);
		t->data_len += k;
		head->pkt_len += k;
		src += k;
		len -= k;
	}
	*tail = t;
	return true;
}

/* The frame's first `len` bytes (tag included) into the chain. */
static inline bool
frame_append(const struct hin_frame *f, struct rte_mbuf *m, struct rte_mbuf **tail, uint32_t len)
{
	if (likely(!f->vlan))
		return chain_append(m, tail, f->data, len);
	return chain_append(m, tail, f->data, 12) && chain_append(m, tail, f->tag, 4) &&
	       chain_append(m, tail, f->data + 12, len - 16);
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

/* L3 offset and EtherType after any tags; 0 if the headers run out. */
static inline uint32_t
l3_offset(const uint8_t *hdr, uint32_t len, uint16_t *type)
{
	uint32_t off = 12;

	while (off + 2 <= len) {
		uint16_t t = (uint16_t)(hdr[off] << 8 | hdr[off + 1]);
		if (t != RTE_ETHER_TYPE_VLAN && t != RTE_ETHER_TYPE_QINQ) {
			*type = t;
			return off + 2;
		}
		off += 4;
	}
	return 0;
}

/*
 * Cuts a GSO super-frame into segments of gso_size payload bytes at out[].
 * Returns how many, 0 if dropped (counted), or -1 if they do not fit in
 * room and the frame should wait for the next call.
 */
static int
gso_segment(struct vn_node *node, const struct hin_frame *f, const struct virtio_net_hdr *vh,
	    struct rte_mbuf **out, uint16_t room, bool vector_empty)
{
	uint8_t hdr[HIN_HDR_MAX];
	uint32_t l3, l4, l4_hlen, hlen, payload, mss = vh->gso_size, n;
	uint8_t gso = vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	uint16_t type, ip_id = 0;
	uint32_t seq = 0;
	uint8_t tcp_flags = 0;
	bool v4;

	if (gso != VIRTIO_NET_HDR_GSO_TCPV4 && gso != VIRTIO_NET_HDR_GSO_TCPV6 &&
	    gso != VIRTIO_NET_HDR_GSO_UDP_L4) {
		vn_node_count_error(node, HIN_ERR_GSO_TYPE, 1);
		return 0;
	}
	/* The headers, tag restored, in one place to copy into each segment. */
	uint32_t in_hdr = RTE_MIN(f->len, (uint32_t)HIN_HDR_MAX - 4);
	if (f->vlan) {
		memcpy(hdr, f->data, 12);
		memcpy(hdr + 12, f->tag, 4);
		memcpy(hdr + 16, f->data + 12, in_hdr - 12);
		in_hdr += 4;
	} else {
		memcpy(hdr, f->data, in_hdr);
	}
	l3 = l3_offset(hdr, in_hdr, &type);
	v4 = type == RTE_ETHER_TYPE_IPV4;
	if (l3 == 0 || mss == 0 || (!v4 && type != RTE_ETHER_TYPE_IPV6) ||
	    (gso == VIRTIO_NET_HDR_GSO_TCPV4 && !v4) || (gso == VIRTIO_NET_HDR_GSO_TCPV6 && v4))
		goto bad;
	/* csum_start is where L4 begins: the kernel sets it on every GSO frame. */
	if (!(vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		goto bad;
	l4 = vh->csum_start + (f->vlan ? 4 : 0);
	if (l4 < l3 + (v4 ? sizeof(struct rte_ipv4_hdr) : sizeof(struct rte_ipv6_hdr)) ||
	    l4 + sizeof(struct rte_udp_hdr) > in_hdr)
		goto bad;
	if (gso == VIRTIO_NET_HDR_GSO_UDP_L4) {
		l4_hlen = sizeof(struct rte_udp_hdr);
	} else {
		if (l4 + sizeof(struct rte_tcp_hdr) > in_hdr)
			goto bad;
		l4_hlen = (hdr[l4 + 12] >> 4) * 4u;
		if (l4_hlen < sizeof(struct rte_tcp_hdr))
			goto bad;
	}
	hlen = l4 + l4_hlen;
	if (hlen > in_hdr || hlen > f->len + (f->vlan ? 4 : 0))
		goto bad;
	payload = f->len + (f->vlan ? 4 : 0) - hlen;
	n = payload ? (payload + mss - 1) / mss : 1;
	if (n > room) {
		if (!vector_empty)
			return -1;
		vn_node_count_error(node, HIN_ERR_GSO_TOO_MANY, 1);
		return 0;
	}
	if (v4)
		ip_id = rte_be_to_cpu_16(((struct rte_ipv4_hdr *)(hdr + l3))->packet_id);
	if (gso != VIRTIO_NET_HDR_GSO_UDP_L4) {
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(hdr + l4);
		seq = rte_be_to_cpu_32(th->sent_seq);
		tcp_flags = th->tcp_flags;
	}
	const uint8_t *pay = f->data + hlen - (f->vlan ? 4 : 0);
	for (uint32_t k = 0; k < n; k++) {
		uint32_t off = k * mss, seg = RTE_MIN(mss, payload - off);
		struct rte_mbuf *m = rte_pktmbuf_alloc(vn_pktmbuf_pool), *tail = m;
		if (!m || !chain_append(m, &tail, hdr, hlen) ||
		    !chain_append(m, &tail, pay + off, seg)) {
			rte_pktmbuf_free(m);
			rte_pktmbuf_free_bulk(out, k);
			vn_node_count_error(node, HIN_ERR_NOBUF, 1);
			return 0;
		}
		uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
		uint32_t l4_len = l4_hlen + seg;
		if (v4) {
			struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + l3);
			ip->total_length = rte_cpu_to_be_16((uint16_t)(l4 - l3 + l4_len));
			ip->packet_id = rte_cpu_to_be_16((uint16_t)(ip_id + k));
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		} else {
			struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(p + l3);
			ip6->payload_len = rte_cpu_to_be_16(
			    (uint16_t)(l4 - l3 - sizeof(struct rte_ipv6_hdr) + l4_len));
		}
		uint16_t *ck;
		if (gso == VIRTIO_NET_HDR_GSO_UDP_L4) {
			struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(p + l4);
			uh->dgram_len = rte_cpu_to_be_16((uint16_t)l4_len);
			ck = &uh->dgram_cksum;
		} else {
			struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(p + l4);
			th->sent_seq = rte_cpu_to_be_32(seq + off);
			uint8_t fl = tcp_flags;
			if (k + 1 < n)
				fl &= (uint8_t) ~(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG);
			if (k > 0)
				fl &= (uint8_t)~RTE_TCP_CWR_FLAG;
			th->tcp_flags = fl;
			ck = &th->cksum;
		}
		*ck = 0;
		*ck = v4 ? rte_ipv4_udptcp_cksum_mbuf(m, (struct rte_ipv4_hdr *)(p + l3), l4)
			 : rte_ipv6_udptcp_cksum_mbuf(m, (struct rte_ipv6_hdr *)(p + l3), l4);
		out[k] = m;
	}
	return (int)n;
bad:
	vn_node_count_error(node, HIN_ERR_GSO_BAD, 1);
	return 0;
}

/*
 * One ring slot into out[]: how many packets it made (0 if it was dropped,
 * counted), or -1 if it must wait for room in the next call.
 */
static inline int
rx_frame(struct vn_node *node, struct hostif_rxq *q, const struct tpacket2_hdr *h, uint32_t status,
	 struct rte_mbuf **out, uint16_t room, bool vector_empty)
{
	const uint8_t *data = (const uint8_t *)h + h->tp_mac;
	const struct virtio_net_hdr *vh = (const struct virtio_net_hdr *)(data - sizeof(*vh));
	struct hin_frame f = {.data = data, .len = h->tp_snaplen};
	struct rte_mbuf *m, *tail;

	if (unlikely(h->tp_snaplen != h->tp_len || h->tp_len < RTE_ETHER_HDR_LEN)) {
		vn_node_count_error(node, HIN_ERR_TRUNCATED, 1);
		return 0;
	}
	q->frames++;
	if (unlikely(status & TP_STATUS_VLAN_VALID)) {
		uint16_t tpid = (status & TP_STATUS_VLAN_TPID_VALID) && h->tp_vlan_tpid
				    ? h->tp_vlan_tpid
				    : RTE_ETHER_TYPE_VLAN;
		f.vlan = true;
		f.tag[0] = tpid >> 8;
		f.tag[1] = tpid & 0xff;
		f.tag[2] = h->tp_vlan_tci >> 8;
		f.tag[3] = h->tp_vlan_tci & 0xff;
		q->vlan_restored++;
	}
	if (unlikely(vh->gso_type != VIRTIO_NET_HDR_GSO_NONE)) {
		int n = gso_segment(node, &f, vh, out, room, vector_empty);
		if (n > 0) {
			q->gso_frames++;
			q->segments += (uint64_t)n;
		}
		return n;
	}
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
rx_burst(struct vn_node *node, struct hostif_rxq *q)
{
	struct hostif_ring *r = &q->ring;
	uint16_t n = 0;

	while (n < VN_FRAME_SIZE) {
		struct tpacket2_hdr *h = hostif_slot(r, r->head);
		uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
		if (!(status & TP_STATUS_USER))
			break;
		int k = rx_frame(node, q, h, status, node->objs + n, VN_FRAME_SIZE - n, n == 0);
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
		uint16_t n = rx_burst(node, &h->rxq[rq->queue_id]);
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
