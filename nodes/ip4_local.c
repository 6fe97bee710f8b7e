/*
 * ip4-local: packets addressed to one of our addresses (LOCAL adjacency).
 * ICMP echo requests are answered in place: addresses swapped, type 0, ICMP
 * checksum patched incrementally (RFC 1624), options stripped, TTL 64, fresh
 * ID, and the reply goes back through ip4-lookup, which routes it like any
 * packet. Echo replies go to the hook of the engine's `ping`. Other
 * protocols go to the node that claimed them (vn_ip4_local_register_protocol);
 * UDP that nobody claimed gets ICMP port unreachable through ip4-icmp-error,
 * as a Linux host answers (traceroute stops on it); the rest is dropped.
 * Fragments are dropped: there is no reassembly, and no handler could use a
 * fragment. A GSO super-frame (net/gso.h) is cut into segments first.
 *
 * Reads: vn_meta.rx_if, flags; the IPv4 header at data offset 0 and the
 * ICMP or UDP header behind it.
 * Writes: echo replies: the packet, vn_meta.flags (LOCAL_ORIGIN set, L2_BCAST
 * cleared), adj (NULL); unclaimed UDP: vn_meta.icmp_type/icmp_code for
 * ip4-icmp-error; drops: vn_buf.error.
 * Nexts: error-drop (0), ip4-lookup, ip4-icmp-error, then one arc per
 * registered protocol handler. An echo reply handed to ping's hook leaves
 * the vector and goes to no arc.
 * Errors: drop reasons (truncated or bad header, fragment, multi-segment,
 * truncated or bad-checksum ICMP, echo from a bad source or to a broadcast,
 * echo reply with no ping listening, ICMP type not handled, truncated UDP,
 * TCP with no listener, unknown protocol, GSO frame not cut); counters: echo
 * replies sent, echo replies to ping, UDP with no listener (answered port
 * unreachable).
 */
#include <errno.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_udp.h>
#include <string.h>
#include <vecnet/net/gso.h>
#include <vecnet/net/icmp.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip4_local.h>
#include <vecnet/node.h>
#include <vecnet/net/trace.h>

enum ip4_local_next {
	IP4_LOCAL_NEXT_DROP = VN_NEXT_DROP,
	IP4_LOCAL_NEXT_LOOKUP,
	IP4_LOCAL_NEXT_ICMP_ERROR,
	IP4_LOCAL_N_NEXT, /* protocol handlers are added after these */
};

enum ip4_local_error {
	IP4_LOCAL_ERR_TRUNCATED,
	IP4_LOCAL_ERR_BAD_HEADER,
	IP4_LOCAL_ERR_FRAGMENT,
	IP4_LOCAL_ERR_MULTISEG,
	IP4_LOCAL_ERR_ICMP_TRUNCATED,
	IP4_LOCAL_ERR_ICMP_CHECKSUM,
	IP4_LOCAL_ERR_ECHO_BAD_SRC,
	IP4_LOCAL_ERR_ECHO_BCAST,
	IP4_LOCAL_ERR_ECHO_REPLY_NO_HOOK,
	IP4_LOCAL_ERR_ICMP_UNHANDLED,
	IP4_LOCAL_ERR_UDP_TRUNCATED,
	IP4_LOCAL_ERR_TCP_NO_LISTENER,
	IP4_LOCAL_ERR_UNKNOWN_PROTO,
	IP4_LOCAL_ERR_GSO_CUT,
	/* counters, not drop reasons */
	IP4_LOCAL_ERR_ECHO_REPLIES_SENT,
	IP4_LOCAL_ERR_ECHO_REPLIES_RECEIVED,
	IP4_LOCAL_ERR_UDP_NO_LISTENER,
	IP4_LOCAL_N_ERROR,
};

static const char *const ip4_local_error_names[IP4_LOCAL_N_ERROR] = {
	[IP4_LOCAL_ERR_TRUNCATED] = "truncated ip4 packet",
	[IP4_LOCAL_ERR_BAD_HEADER] = "bad ip4 header",
	[IP4_LOCAL_ERR_FRAGMENT] = "fragment to us (no reassembly)",
	[IP4_LOCAL_ERR_MULTISEG] = "multi-segment icmp not supported",
	[IP4_LOCAL_ERR_ICMP_TRUNCATED] = "icmp message truncated",
	[IP4_LOCAL_ERR_ICMP_CHECKSUM] = "icmp bad checksum",
	[IP4_LOCAL_ERR_ECHO_BAD_SRC] = "echo request from invalid source",
	[IP4_LOCAL_ERR_ECHO_BCAST] = "echo request to broadcast ignored",
	[IP4_LOCAL_ERR_ECHO_REPLY_NO_HOOK] = "echo reply with no ping listening",
	[IP4_LOCAL_ERR_ICMP_UNHANDLED] = "icmp type not handled",
	[IP4_LOCAL_ERR_UDP_TRUNCATED] = "udp header truncated",
	[IP4_LOCAL_ERR_TCP_NO_LISTENER] = "tcp no listener",
	[IP4_LOCAL_ERR_GSO_CUT] = "GSO frame to us not cut (no buffers or bad headers)",
	[IP4_LOCAL_ERR_UNKNOWN_PROTO] = "unknown ip protocol",
	[IP4_LOCAL_ERR_ECHO_REPLIES_SENT] = "echo replies sent",
	[IP4_LOCAL_ERR_ECHO_REPLIES_RECEIVED] = "echo replies to ping",
	[IP4_LOCAL_ERR_UDP_NO_LISTENER] = "udp no listener (port unreachable)",
};

static vn_ip4_local_icmp_hook ip4_local_echo_reply_hook;
/* Next arc per IP protocol; 0 = not claimed. Written before the graph is built. */
static uint16_t ip4_local_proto_next[256];
static const char *ip4_local_proto_node[256];

void
vn_ip4_local_set_echo_reply_hook(vn_ip4_local_icmp_hook fn)
{
	__atomic_store_n(&ip4_local_echo_reply_hook, fn, __ATOMIC_RELEASE);
}

static inline bool
ip4_local_is_group(uint32_t addr)
{
	return addr == UINT32_MAX || (addr & 0xf0000000u) == 0xe0000000u;
}

/* Broadcast in any sense: limited, multicast, directed to an rx subnet, or
 * arrived as an Ethernet broadcast. Echo to these is ignored, as Linux does
 * by default (icmp_echo_ignore_broadcasts), so we are no smurf amplifier. */
static inline bool
ip4_local_is_bcast(const struct vn_meta *meta, uint32_t dst)
{
	const struct vn_if_fp *fp;

	if (ip4_local_is_group(dst) || (meta->flags & VN_META_F_L2_BCAST))
		return true;
	fp = meta->rx_if < VN_IF_MAX ? vn_if_fp(meta->rx_if) : NULL;
	for (uint32_t i = 0; fp && i < fp->n_addrs; i++) {
		uint32_t mask = vn_prefix_mask(fp->addrs[i].len);
		if (fp->addrs[i].len < 31 && (dst & mask) == (fp->addrs[i].addr & mask) &&
		    (dst | mask) == UINT32_MAX)
			return true;
	}
	return false;
}

/* RFC 1624 eqn. 3: checksum after one 16-bit word changed from old to new.
 * All three in the same (wire) byte order. */
static inline uint16_t
ip4_local_csum_update(uint16_t csum, uint16_t old, uint16_t new)
{
	uint32_t s = (uint16_t)~csum + (uint32_t)(uint16_t)~old + new;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Turns a verified echo request into the reply; returns the next arc. */
static inline uint16_t
ip4_local_echo(struct vn_node *node, struct rte_mbuf *m, struct rte_ipv4_hdr *ip, uint16_t hl,
	       uint16_t tot_len, uint32_t *counts)
{
	struct vn_meta *meta = vn_meta(m);
	uint32_t src = rte_be_to_cpu_32(ip->src_addr);
	uint32_t dst = rte_be_to_cpu_32(ip->dst_addr);
	struct rte_icmp_hdr *icmp;
	uint16_t old_word, new_word;

	if (unlikely(src == 0 || ip4_local_is_group(src) || (src >> 24) == 127)) {
		vn_drop_reason(node, m, IP4_LOCAL_ERR_ECHO_BAD_SRC);
		return IP4_LOCAL_NEXT_DROP;
	}
	if (unlikely(ip4_local_is_bcast(meta, dst))) {
		vn_drop_reason(node, m, IP4_LOCAL_ERR_ECHO_BCAST);
		return IP4_LOCAL_NEXT_DROP;
	}
	/* Ethernet padding past the IP datagram must not be echoed; the caller
	 * checked the datagram lies in the first segment, so any others go too. */
	if (m->nb_segs > 1) {
		rte_pktmbuf_free(m->next);
		m->next = NULL;
		m->nb_segs = 1;
	}
	m->data_len = tot_len;
	m->pkt_len = tot_len;
	/* Options (record route, timestamps) are not reflected: strip them by
	 * sliding the fixed header up to the ICMP message. */
	if (hl > sizeof(*ip)) {
		uint16_t opt_len = hl - sizeof(*ip);
		memmove((uint8_t *)ip + opt_len, ip, sizeof(*ip));
		ip = (struct rte_ipv4_hdr *)rte_pktmbuf_adj(m, opt_len);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		tot_len -= opt_len;
		ip->total_length = rte_cpu_to_be_16(tot_len);
	}
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	memcpy(&old_word, &icmp->icmp_type, sizeof(old_word));
	icmp->icmp_type = VN_ICMP_ECHO_REPLY;
	memcpy(&new_word, &icmp->icmp_type, sizeof(new_word));
	icmp->icmp_cksum = ip4_local_csum_update(icmp->icmp_cksum, old_word, new_word);

	ip->src_addr = rte_cpu_to_be_32(dst);
	ip->dst_addr = rte_cpu_to_be_32(src);
	ip->time_to_live = 64;
	ip->packet_id = rte_cpu_to_be_16((uint16_t)rte_rand());
	ip->fragment_offset = 0;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);

	meta->flags = (meta->flags & ~VN_META_F_L2_BCAST) | VN_META_F_LOCAL_ORIGIN;
	meta->adj = NULL;
	counts[IP4_LOCAL_ERR_ECHO_REPLIES_SENT]++;
	return IP4_LOCAL_NEXT_LOOKUP;
}

/* ICMP to us. Returns the next arc, or UINT16_MAX when the hook consumed m. */
static inline uint16_t
ip4_local_icmp(struct vn_node *node, struct rte_mbuf *m, struct rte_ipv4_hdr *ip, uint16_t hl,
	       uint16_t tot_len, uint32_t *counts)
{
	struct rte_icmp_hdr *icmp;
	vn_ip4_local_icmp_hook hook;
	uint16_t icmp_len = tot_len - hl;

	/* The checksum covers the whole message, so it must sit in this segment. */
	if (unlikely(tot_len > rte_pktmbuf_data_len(m))) {
		vn_drop_reason(node, m, IP4_LOCAL_ERR_MULTISEG);
		return IP4_LOCAL_NEXT_DROP;
	}
	if (unlikely(icmp_len < sizeof(*icmp))) {
		vn_drop_reason(node, m, IP4_LOCAL_ERR_ICMP_TRUNCATED);
		return IP4_LOCAL_NEXT_DROP;
	}
	icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + hl);
	if (unlikely(rte_raw_cksum(icmp, icmp_len) != 0xffff)) {
		vn_drop_reason(node, m, IP4_LOCAL_ERR_ICMP_CHECKSUM);
		return IP4_LOCAL_NEXT_DROP;
	}
	switch (icmp->icmp_type) {
	case VN_ICMP_ECHO_REQUEST:
		return ip4_local_echo(node, m, ip, hl, tot_len, counts);
	case VN_ICMP_ECHO_REPLY:
		hook = __atomic_load_n(&ip4_local_echo_reply_hook, __ATOMIC_ACQUIRE);
		if (!hook) {
			vn_drop_reason(node, m, IP4_LOCAL_ERR_ECHO_REPLY_NO_HOOK);
			return IP4_LOCAL_NEXT_DROP;
		}
		counts[IP4_LOCAL_ERR_ECHO_REPLIES_RECEIVED]++;
		hook(m);
		return UINT16_MAX;
	default:
		vn_drop_reason(node, m, IP4_LOCAL_ERR_ICMP_UNHANDLED);
		return IP4_LOCAL_NEXT_DROP;
	}
}

/* Returns the next arc for m, or UINT16_MAX when m was consumed. */
static inline uint16_t
ip4_local_one(struct vn_node *node, struct rte_mbuf *m, uint32_t *counts)
{
	struct rte_ipv4_hdr *ip;
	uint16_t hl, tot_len, next;
	uint16_t err;

	if (unlikely(rte_pktmbuf_data_len(m) < sizeof(*ip))) {
		err = IP4_LOCAL_ERR_TRUNCATED;
		goto drop;
	}
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	hl = rte_ipv4_hdr_len(ip);
	tot_len = rte_be_to_cpu_16(ip->total_length);
	if (unlikely((ip->version_ihl >> 4) != 4 || hl < sizeof(*ip) || tot_len < hl)) {
		err = IP4_LOCAL_ERR_BAD_HEADER;
		goto drop;
	}
	if (unlikely(hl > rte_pktmbuf_data_len(m) || tot_len > rte_pktmbuf_pkt_len(m))) {
		err = IP4_LOCAL_ERR_TRUNCATED;
		goto drop;
	}
	if (unlikely(ip->fragment_offset &
		     rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))) {
		err = IP4_LOCAL_ERR_FRAGMENT;
		goto drop;
	}

	next = ip4_local_proto_next[ip->next_proto_id];
	if (next)
		return next;
	switch (ip->next_proto_id) {
	case IPPROTO_ICMP:
		return ip4_local_icmp(node, m, ip, hl, tot_len, counts);
	case IPPROTO_UDP:
		if (unlikely(tot_len - hl < (int)sizeof(struct rte_udp_hdr))) {
			err = IP4_LOCAL_ERR_UDP_TRUNCATED;
			goto drop;
		}
		vn_meta(m)->icmp_type = VN_ICMP_DEST_UNREACH;
		vn_meta(m)->icmp_code = VN_ICMP_CODE_PORT_UNREACH;
		counts[IP4_LOCAL_ERR_UDP_NO_LISTENER]++;
		return IP4_LOCAL_NEXT_ICMP_ERROR;
	case IPPROTO_TCP:
		err = IP4_LOCAL_ERR_TCP_NO_LISTENER;
		goto drop;
	default:
		err = IP4_LOCAL_ERR_UNKNOWN_PROTO;
		goto drop;
	}
drop:
	vn_drop_reason(node, m, err);
	return IP4_LOCAL_NEXT_DROP;
}

/*
 * A GSO super-frame for this host (a host interface passed it whole, net/gso.h):
 * the protocol that claims it gets ordinary segments with full checksums,
 * cut here and sent one by one (a rare packet: the path for bulk data to an
 * application on the engine).
 */
static __rte_noinline void
ip4_local_cut(struct vn_graph *g, struct vn_node *node, struct rte_mbuf *m, uint32_t *counts)
{
	struct rte_mbuf *segs[VN_FRAME_SIZE];
	uint8_t meta[sizeof(struct vn_buf) + sizeof(struct vn_meta)];
	int n;

	memcpy(meta, vn_buf(m), sizeof(meta));
	/* The cutter wants the frame: ethernet-input left its header in the
	 * headroom (with tags, its last 14 bytes still end in the EtherType). */
	if (!rte_pktmbuf_prepend(m, RTE_ETHER_HDR_LEN) ||
	    (n = vn_gso_segment_mbuf(m, vn_pktmbuf_pool, segs, VN_FRAME_SIZE)) <= 0) {
		vn_drop_reason(node, m, IP4_LOCAL_ERR_GSO_CUT);
		vn_enqueue_one(g, node, IP4_LOCAL_NEXT_DROP, m);
		return;
	}
	for (int k = 0; k < n; k++) {
		struct rte_mbuf *seg = segs[k];
		memcpy(vn_buf(seg), meta, sizeof(meta));
		rte_pktmbuf_adj(seg, RTE_ETHER_HDR_LEN);
		uint16_t next = ip4_local_one(node, seg, counts);
		if (next != UINT16_MAX)
			vn_enqueue_one(g, node, next, seg);
	}
}

static uint16_t
ip4_local_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	/* Zeroed: GCC -O3 warns vn_enqueue_nexts() may read it uninitialised. */
	uint16_t nexts[VN_FRAME_SIZE] = {0};
	uint32_t counts[IP4_LOCAL_N_ERROR] = {0};
	uint16_t n_out = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint16_t next;

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		if (unlikely(vn_gso_is_super(m))) {
			ip4_local_cut(g, node, m, counts);
			continue;
		}
		next = ip4_local_one(node, m, counts);
		/* A consumed packet leaves the vector; the rest close up behind it. */
		if (next == UINT16_MAX)
			continue;
		pkts[n_out] = m;
		nexts[n_out++] = next;
	}
	vn_enqueue_nexts(g, node, pkts, nexts, n_out);
	vn_node_count_errors(node, counts, IP4_LOCAL_ERR_ECHO_REPLIES_SENT,
			     IP4_LOCAL_N_ERROR - IP4_LOCAL_ERR_ECHO_REPLIES_SENT);
	return n;
}

VN_NODE_REGISTER(ip4_local) = {
	.name = "ip4-local",
	.format_trace = vn_trace_format_ip4,
	.type = VN_NODE_INTERNAL,
	.fn = ip4_local_fn,
	.n_next = IP4_LOCAL_N_NEXT,
	.next_names =
		{
			[IP4_LOCAL_NEXT_DROP] = "error-drop",
			[IP4_LOCAL_NEXT_LOOKUP] = "ip4-lookup",
			[IP4_LOCAL_NEXT_ICMP_ERROR] = "ip4-icmp-error",
		},
	.n_errors = IP4_LOCAL_N_ERROR,
	.error_names = ip4_local_error_names,
};

int
vn_ip4_local_register_protocol(uint8_t proto, const char *node_name)
{
	int arc;

	if (!node_name)
		return -EINVAL;
	if (proto == IPPROTO_ICMP)
		return -EBUSY;
	if (ip4_local_proto_node[proto])
		return strcmp(ip4_local_proto_node[proto], node_name) == 0 ? 0 : -EEXIST;
	arc = vn_node_add_next("ip4-local", node_name);
	if (arc < 0)
		return arc;
	if (arc == VN_NEXT_DROP) /* "error-drop": arc 0 means unclaimed */
		return -EINVAL;
	ip4_local_proto_next[proto] = (uint16_t)arc;
	ip4_local_proto_node[proto] = node_name;
	return 0;
}
