/*
 * arp-input: answers ARP requests for our addresses and learns neighbours.
 * A request whose target is one of the rx interface's addresses (or a
 * proxied one, include/vecnet/net/arp_proxy.h) is turned into the reply in
 * place, gets a fresh Ethernet header and goes back out of the interface it
 * came in on. Replies addressed to us, and gratuitous ARP, teach the
 * neighbour table (vn_neighbor_post_learn: a ring the main thread drains)
 * and are then dropped under a counted reason, as VPP does. Only a sender on
 * one of the rx interface's subnets is learned: a binding for any other
 * address is useless to the FIB and invites table poisoning.
 *
 * Reads: vn_meta.rx_if, flags; the ARP header at data offset 0 (the old
 * Ethernet header is in the headroom), first segment only.
 * Writes: replies: the packet (ARP reply, fresh Ethernet header with the
 * interface's VLAN tags on a sub-interface, padding and
 * later segments cut), vn_meta.tx_if (= rx_if), flags (LOCAL_ORIGIN set,
 * L2_BCAST cleared); drops: vn_buf.error.
 * Nexts: error-drop (0), port-tx.
 * Errors: drop reasons for every malformed or refused packet (truncated, bad
 * hardware/protocol type or length, unknown opcode, group sender MAC or IP,
 * address conflict, interface down, request not for us, reply not for us, no
 * headroom) and for what was consumed (replies to us, gratuitous ARP);
 * counters: replies sent, neighbours learned, learn ring full, sender not on
 * a connected subnet.
 */
#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <string.h>
#include <vecnet/net/arp_proxy.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/node.h>
#include <vecnet/net/trace.h>
#include <vecnet/net/vlan.h>

enum arp_input_next {
	ARP_INPUT_NEXT_DROP = VN_NEXT_DROP,
	ARP_INPUT_NEXT_PORT_TX,
	ARP_INPUT_N_NEXT,
};

enum arp_input_error {
	ARP_INPUT_ERR_TRUNCATED,
	ARP_INPUT_ERR_HTYPE,
	ARP_INPUT_ERR_PTYPE,
	ARP_INPUT_ERR_HLEN,
	ARP_INPUT_ERR_PLEN,
	ARP_INPUT_ERR_OPCODE,
	ARP_INPUT_ERR_SENDER_MAC,
	ARP_INPUT_ERR_SENDER_IP,
	ARP_INPUT_ERR_DUPLICATE,
	ARP_INPUT_ERR_IF_DOWN,
	ARP_INPUT_ERR_NOT_FOR_US,
	ARP_INPUT_ERR_REPLY_CONSUMED,
	ARP_INPUT_ERR_REPLY_NOT_FOR_US,
	ARP_INPUT_ERR_GRATUITOUS,
	ARP_INPUT_ERR_NO_HEADROOM,
	/* counters, not drop reasons */
	ARP_INPUT_ERR_REPLIES_SENT,
	ARP_INPUT_ERR_LEARNED,
	ARP_INPUT_ERR_LEARN_RING_FULL,
	ARP_INPUT_ERR_OFF_SUBNET,
	ARP_INPUT_N_ERROR,
};

static const char *const arp_input_error_names[ARP_INPUT_N_ERROR] = {
	[ARP_INPUT_ERR_TRUNCATED] = "truncated arp packet",
	[ARP_INPUT_ERR_HTYPE] = "bad hardware type (not ethernet)",
	[ARP_INPUT_ERR_PTYPE] = "bad protocol type (not ipv4)",
	[ARP_INPUT_ERR_HLEN] = "bad hardware address length",
	[ARP_INPUT_ERR_PLEN] = "bad protocol address length",
	[ARP_INPUT_ERR_OPCODE] = "unknown arp opcode",
	[ARP_INPUT_ERR_SENDER_MAC] = "sender mac is broadcast or multicast",
	[ARP_INPUT_ERR_SENDER_IP] = "sender ip is broadcast or multicast",
	[ARP_INPUT_ERR_DUPLICATE] = "sender ip is ours (address conflict)",
	[ARP_INPUT_ERR_IF_DOWN] = "interface down",
	[ARP_INPUT_ERR_NOT_FOR_US] = "arp request not for us",
	[ARP_INPUT_ERR_REPLY_CONSUMED] = "arp replies received",
	[ARP_INPUT_ERR_REPLY_NOT_FOR_US] = "arp reply not for us",
	[ARP_INPUT_ERR_GRATUITOUS] = "gratuitous arp received",
	[ARP_INPUT_ERR_NO_HEADROOM] = "no headroom for ethernet header",
	[ARP_INPUT_ERR_REPLIES_SENT] = "arp replies sent",
	[ARP_INPUT_ERR_LEARNED] = "neighbours learned",
	[ARP_INPUT_ERR_LEARN_RING_FULL] = "learn ring full",
	[ARP_INPUT_ERR_OFF_SUBNET] = "sender not on a connected subnet (not learned)",
};

static inline bool
arp_ip_on_subnet(const struct vn_if_fp *fp, uint32_t addr)
{
	for (uint32_t i = 0; i < fp->n_addrs; i++) {
		uint32_t mask = vn_prefix_mask(fp->addrs[i].len);
		if ((addr & mask) == (fp->addrs[i].addr & mask))
			return true;
	}
	return false;
}

static inline bool
arp_ip_is_group(uint32_t addr)
{
	return addr == UINT32_MAX || (addr & 0xf0000000u) == 0xe0000000u;
}

static inline void
arp_learn(const struct vn_if_fp *fp, uint32_t spa, const struct rte_ether_addr *sha,
	  uint32_t *counts)
{
	if (!arp_ip_on_subnet(fp, spa)) {
		counts[ARP_INPUT_ERR_OFF_SUBNET]++;
		return;
	}
	if (vn_neighbor_post_learn(fp->if_index, spa, sha->addr_bytes))
		counts[ARP_INPUT_ERR_LEARNED]++;
	else
		counts[ARP_INPUT_ERR_LEARN_RING_FULL]++;
}

/* Turns the request into our reply and prepends the Ethernet header. Returns
 * the next arc; on failure the drop reason is set. */
static inline uint16_t
arp_input_reply(struct vn_node *node, struct rte_mbuf *m, struct rte_arp_hdr *arp,
		const struct vn_if_fp *fp)
{
	struct rte_arp_ipv4 *d = &arp->arp_data;
	struct vn_meta *meta = vn_meta(m);
	uint8_t *eth;
	uint32_t our_ip = d->arp_tip;

	/* Drop Ethernet padding and any chained tail: the reply is exactly one ARP
	 * header. Segments past the first are never read. */
	if (m->nb_segs > 1) {
		rte_pktmbuf_free(m->next);
		m->next = NULL;
		m->nb_segs = 1;
	}
	m->data_len = sizeof(*arp);
	m->pkt_len = sizeof(*arp);

	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	d->arp_tha = d->arp_sha;
	d->arp_tip = d->arp_sip;
	memcpy(d->arp_sha.addr_bytes, fp->mac, RTE_ETHER_ADDR_LEN);
	d->arp_sip = our_ip;

	/* A sub-interface's reply carries its tags, as the request did. */
	eth = (uint8_t *)rte_pktmbuf_prepend(m, vn_if_l2_len(fp));
	if (unlikely(!eth)) {
		vn_drop_reason(node, m, ARP_INPUT_ERR_NO_HEADROOM);
		return ARP_INPUT_NEXT_DROP;
	}
	vn_if_l2_write(fp, eth, d->arp_tha.addr_bytes, RTE_ETHER_TYPE_ARP);

	meta->tx_if = meta->rx_if;
	meta->flags = (meta->flags & ~VN_META_F_L2_BCAST) | VN_META_F_LOCAL_ORIGIN;
	return ARP_INPUT_NEXT_PORT_TX;
}

static inline uint16_t
arp_input_one(struct vn_node *node, struct rte_mbuf *m, uint32_t *counts)
{
	struct vn_meta *meta = vn_meta(m);
	const struct vn_if_fp *fp = meta->rx_if < VN_IF_MAX ? vn_if_fp(meta->rx_if) : NULL;
	struct rte_arp_hdr *arp;
	struct rte_arp_ipv4 *d;
	uint32_t spa, tpa;
	uint16_t op, err;

	if (unlikely(!fp || !fp->admin_up)) {
		err = ARP_INPUT_ERR_IF_DOWN;
		goto drop;
	}
	/* Only the first segment is read: the header must be in it. */
	if (unlikely(rte_pktmbuf_data_len(m) < sizeof(*arp))) {
		err = ARP_INPUT_ERR_TRUNCATED;
		goto drop;
	}
	arp = rte_pktmbuf_mtod(m, struct rte_arp_hdr *);
	d = &arp->arp_data;
	if (unlikely(arp->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER))) {
		err = ARP_INPUT_ERR_HTYPE;
		goto drop;
	}
	if (unlikely(arp->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))) {
		err = ARP_INPUT_ERR_PTYPE;
		goto drop;
	}
	if (unlikely(arp->arp_hlen != RTE_ETHER_ADDR_LEN)) {
		err = ARP_INPUT_ERR_HLEN;
		goto drop;
	}
	if (unlikely(arp->arp_plen != sizeof(uint32_t))) {
		err = ARP_INPUT_ERR_PLEN;
		goto drop;
	}
	op = rte_be_to_cpu_16(arp->arp_opcode);
	if (unlikely(op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY)) {
		err = ARP_INPUT_ERR_OPCODE;
		goto drop;
	}
	/* A group MAC as sender would make every reply and rewrite a broadcast. */
	if (unlikely(!rte_is_unicast_ether_addr(&d->arp_sha))) {
		err = ARP_INPUT_ERR_SENDER_MAC;
		goto drop;
	}
	spa = rte_be_to_cpu_32(d->arp_sip);
	tpa = rte_be_to_cpu_32(d->arp_tip);
	if (unlikely(arp_ip_is_group(spa))) {
		err = ARP_INPUT_ERR_SENDER_IP;
		goto drop;
	}
	/* Someone else claims our address, or our own gratuitous ARP came back. */
	if (unlikely(vn_if_has_addr(fp, spa))) {
		err = ARP_INPUT_ERR_DUPLICATE;
		goto drop;
	}

	/* Our own addresses, or proxied ones (NAT pool addresses, arp_proxy.h). */
	if (op == RTE_ARP_OP_REQUEST &&
	    (vn_if_has_addr(fp, tpa) || vn_arp_proxy_match(fp->if_index, tpa))) {
		/* spa 0.0.0.0 is an RFC 5227 probe: answer, but there is nothing to learn. */
		if (spa != 0)
			arp_learn(fp, spa, &d->arp_sha, counts);
		uint16_t next = arp_input_reply(node, m, arp, fp);
		if (next == ARP_INPUT_NEXT_PORT_TX)
			counts[ARP_INPUT_ERR_REPLIES_SENT]++;
		return next;
	}
	if (spa != 0 && spa == tpa) {
		/* Gratuitous (request or reply): a host announcing or moving its address. */
		arp_learn(fp, spa, &d->arp_sha, counts);
		err = ARP_INPUT_ERR_GRATUITOUS;
		goto drop;
	}
	if (op == RTE_ARP_OP_REQUEST) {
		/* Not learned: every host on the LAN would otherwise fill the table. */
		err = ARP_INPUT_ERR_NOT_FOR_US;
		goto drop;
	}
	if (!vn_if_has_addr(fp, tpa)) {
		err = ARP_INPUT_ERR_REPLY_NOT_FOR_US;
		goto drop;
	}
	if (spa != 0)
		arp_learn(fp, spa, &d->arp_sha, counts);
	err = ARP_INPUT_ERR_REPLY_CONSUMED;
drop:
	vn_drop_reason(node, m, err);
	return ARP_INPUT_NEXT_DROP;
}

static uint16_t
arp_input_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	/* Zeroed: GCC -O3 warns vn_enqueue_nexts() may read it uninitialised. */
	uint16_t nexts[VN_FRAME_SIZE] = {0};
	uint32_t counts[ARP_INPUT_N_ERROR] = {0};

	for (uint16_t i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		nexts[i] = arp_input_one(node, pkts[i], counts);
	}
	vn_enqueue_nexts(g, node, pkts, nexts, n);
	vn_node_count_errors(node, counts, ARP_INPUT_ERR_REPLIES_SENT,
			     ARP_INPUT_N_ERROR - ARP_INPUT_ERR_REPLIES_SENT);
	return n;
}

VN_NODE_REGISTER(arp_input) = {
	.name = "arp-input",
	.format_trace = vn_trace_format_arp,
	.type = VN_NODE_INTERNAL,
	.fn = arp_input_fn,
	.n_next = ARP_INPUT_N_NEXT,
	.next_names =
		{
			[ARP_INPUT_NEXT_DROP] = "error-drop",
			[ARP_INPUT_NEXT_PORT_TX] = "port-tx",
		},
	.n_errors = ARP_INPUT_N_ERROR,
	.error_names = arp_input_error_names,
};
