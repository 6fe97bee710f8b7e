/*
 * Trace formatters of the network layer. Records of the built-in nodes are
 * decoded as what the node saw: whole frames at port-rx, ethernet-input,
 * interface-output and port-tx; ARP at arp-input; IPv4 at the ip4-* nodes,
 * IPv6 (its extension headers walked, ICMPv6 and ND named) at the ip6-* nodes;
 * a guess from the bytes at error-drop and at nodes without a formatter.
 * Each record also keeps the packet's vn_meta (struct vn_trace_meta).
 */
#define VN_LOG_MOD "trace"
#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/trace.h>

struct vn_tbuf {
	char *p;
	size_t len, off;
};

static void __attribute__((format(printf, 2, 3)))
tb_printf(struct vn_tbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->off >= b->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->off, b->len - b->off, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->off = RTE_MIN(b->off + (size_t)n, b->len - 1);
}

static const char *
if_name(uint16_t if_index)
{
	const struct vn_interface *ifp = if_index < VN_IF_MAX ? vn_interface_get(if_index) : NULL;

	return ifp ? ifp->name : "-";
}

static const char *
ip_proto_name(uint8_t p)
{
	switch (p) {
	case IPPROTO_ICMP:
		return "ICMP";
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	default:
		return "IP4";
	}
}

static void
fmt_ip4(struct vn_tbuf *b, const uint8_t *d, uint32_t len)
{
	const struct rte_ipv4_hdr *ip = (const void *)d;
	char s[16], t[16];
	uint16_t hl, frag;

	if (len < sizeof(*ip) || (d[0] >> 4) != 4) {
		tb_printf(b, "  not an ip4 header (%u bytes)\n", len);
		return;
	}
	hl = (d[0] & 0xf) * 4;
	frag = rte_be_to_cpu_16(ip->fragment_offset);
	tb_printf(b, "  %s: %s -> %s\n", ip_proto_name(ip->next_proto_id),
		  vn_fmt_ip4(rte_be_to_cpu_32(ip->src_addr), s),
		  vn_fmt_ip4(rte_be_to_cpu_32(ip->dst_addr), t));
	tb_printf(b, "    tos 0x%02x, ttl %u, length %u, checksum 0x%04x, id %u%s%s\n",
		  ip->type_of_service, ip->time_to_live, rte_be_to_cpu_16(ip->total_length),
		  rte_be_to_cpu_16(ip->hdr_checksum), rte_be_to_cpu_16(ip->packet_id),
		  frag & RTE_IPV4_HDR_DF_FLAG ? ", dont-fragment" : "",
		  frag & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK) ? ", fragment" : "");
	if (hl < sizeof(*ip) || len < hl + 4u)
		return;
	d += hl;
	len -= hl;
	if (ip->next_proto_id == IPPROTO_ICMP && len >= sizeof(struct rte_icmp_hdr)) {
		const struct rte_icmp_hdr *ic = (const void *)d;
		const char *what = ic->icmp_type == 8 ? "echo_request"
				   : ic->icmp_type == 0 ? "echo_reply"
				   : ic->icmp_type == 3 ? "destination_unreachable"
				   : ic->icmp_type == 11 ? "time_exceeded"
							 : "type";
		if (ic->icmp_type == 8 || ic->icmp_type == 0)
			tb_printf(b, "    icmp %s id %u seq %u\n", what,
				  rte_be_to_cpu_16(ic->icmp_ident),
				  rte_be_to_cpu_16(ic->icmp_seq_nb));
		else
			tb_printf(b, "    icmp %s %u code %u\n", what, ic->icmp_type,
				  ic->icmp_code);
	} else if (ip->next_proto_id == IPPROTO_UDP || ip->next_proto_id == IPPROTO_TCP) {
		const struct rte_udp_hdr *u = (const void *)d;
		tb_printf(b, "    %s %u -> %u\n", ip->next_proto_id == IPPROTO_UDP ? "udp" : "tcp",
			  rte_be_to_cpu_16(u->src_port), rte_be_to_cpu_16(u->dst_port));
	}
}

static const char *
icmp6_name(uint8_t type)
{
	switch (type) {
	case VN_ICMP6_DEST_UNREACH:
		return "destination_unreachable";
	case VN_ICMP6_PACKET_TOO_BIG:
		return "packet_too_big";
	case VN_ICMP6_TIME_EXCEEDED:
		return "time_exceeded";
	case VN_ICMP6_PARAM_PROBLEM:
		return "parameter_problem";
	case VN_ICMP6_ECHO_REQUEST:
		return "echo_request";
	case VN_ICMP6_ECHO_REPLY:
		return "echo_reply";
	case VN_ICMP6_ROUTER_SOLICIT:
		return "router_solicitation";
	case VN_ICMP6_ROUTER_ADVERT:
		return "router_advertisement";
	case VN_ICMP6_NEIGHBOR_SOLICIT:
		return "neighbor_solicitation";
	case VN_ICMP6_NEIGHBOR_ADVERT:
		return "neighbor_advertisement";
	case VN_ICMP6_REDIRECT:
		return "redirect";
	default:
		return "type";
	}
}

/* "ICMP6: src -> dst", hop limit, length, flow label; then what the walk of
 * its extension headers finds: ICMPv6 (ND with its target), UDP/TCP ports. */
static void
fmt_ip6(struct vn_tbuf *b, const uint8_t *d, uint32_t len)
{
	const struct rte_ipv6_hdr *ip = (const void *)d;
	char s[VN_IP6_STRLEN], t[VN_IP6_STRLEN];
	struct vn_ip6_walk w;
	uint32_t plen;

	if (len < sizeof(*ip) || (d[0] >> 4) != 6) {
		tb_printf(b, "  not an ip6 header (%u bytes)\n", len);
		return;
	}
	plen = rte_be_to_cpu_16(ip->payload_len);
	/* The walk reads only what was captured (and what the packet holds). */
	if (vn_ip6_walk(d, RTE_MIN(len, plen + (uint32_t)sizeof(*ip)), &w) != VN_IP6_WALK_OK)
		w = (struct vn_ip6_walk){.proto = 255};
	tb_printf(b, "  %s: %s -> %s\n",
		  w.proto == VN_IP6_NH_ICMP6 ? "ICMP6"
		  : w.proto == IPPROTO_UDP   ? "UDP"
		  : w.proto == IPPROTO_TCP   ? "TCP"
					     : "IP6",
		  vn_fmt_ip6((const struct vn_ip6 *)ip->src_addr, s),
		  vn_fmt_ip6((const struct vn_ip6 *)ip->dst_addr, t));
	tb_printf(b, "    hop limit %u, payload length %u, flow label 0x%05x%s%s\n", ip->hop_limits,
		  plen, rte_be_to_cpu_32(ip->vtc_flow) & 0xfffff,
		  w.l4_off > sizeof(*ip) ? ", extension headers" : "",
		  w.is_fragment ? ", fragment" : "");
	if (w.is_later_fragment || w.l4_off + 4u > len)
		return;
	d += w.l4_off;
	len -= w.l4_off;
	if (w.proto == VN_IP6_NH_ICMP6) {
		const struct vn_icmp6_hdr *ic = (const void *)d;
		if ((ic->type == VN_ICMP6_ECHO_REQUEST || ic->type == VN_ICMP6_ECHO_REPLY) &&
		    len >= sizeof(*ic))
			tb_printf(b, "    icmp6 %s id %u seq %u\n", icmp6_name(ic->type),
				  rte_be_to_cpu_32(ic->data) >> 16,
				  rte_be_to_cpu_32(ic->data) & 0xffff);
		else if ((ic->type == VN_ICMP6_NEIGHBOR_SOLICIT ||
			  ic->type == VN_ICMP6_NEIGHBOR_ADVERT) &&
			 len >= sizeof(struct vn_nd_msg))
			tb_printf(b, "    icmp6 %s target %s\n", icmp6_name(ic->type),
				  vn_fmt_ip6(&((const struct vn_nd_msg *)d)->target, t));
		else
			tb_printf(b, "    icmp6 %s %u code %u\n", icmp6_name(ic->type), ic->type,
				  ic->code);
	} else if (w.proto == IPPROTO_UDP || w.proto == IPPROTO_TCP) {
		const struct rte_udp_hdr *u = (const void *)d;
		tb_printf(b, "    %s %u -> %u\n", w.proto == IPPROTO_UDP ? "udp" : "tcp",
			  rte_be_to_cpu_16(u->src_port), rte_be_to_cpu_16(u->dst_port));
	}
}

static void
fmt_arp(struct vn_tbuf *b, const uint8_t *d, uint32_t len)
{
	const struct rte_arp_hdr *a = (const void *)d;
	char s[16], t[16], m[20];

	if (len < sizeof(*a)) {
		tb_printf(b, "  ARP: truncated (%u bytes)\n", len);
		return;
	}
	if (rte_be_to_cpu_16(a->arp_opcode) == RTE_ARP_OP_REQUEST)
		tb_printf(b, "  ARP: request who-has %s tell %s (%s)\n",
			  vn_fmt_ip4(rte_be_to_cpu_32(a->arp_data.arp_tip), t),
			  vn_fmt_ip4(rte_be_to_cpu_32(a->arp_data.arp_sip), s),
			  vn_fmt_mac(a->arp_data.arp_sha.addr_bytes, m));
	else
		tb_printf(b, "  ARP: reply %s is-at %s\n",
			  vn_fmt_ip4(rte_be_to_cpu_32(a->arp_data.arp_sip), s),
			  vn_fmt_mac(a->arp_data.arp_sha.addr_bytes, m));
}

static void
fmt_eth(struct vn_tbuf *b, const uint8_t *d, uint32_t len)
{
	const struct rte_ether_hdr *e = (const void *)d;
	char s[20], t[20];
	uint16_t type;

	if (len < sizeof(*e)) {
		tb_printf(b, "  ethernet: truncated (%u bytes)\n", len);
		return;
	}
	type = rte_be_to_cpu_16(e->ether_type);
	tb_printf(b, "  %s: %s -> %s\n",
		  type == RTE_ETHER_TYPE_IPV4	? "IP4"
		  : type == RTE_ETHER_TYPE_IPV6 ? "IP6"
		  : type == RTE_ETHER_TYPE_ARP	? "ARP"
						: "ethertype",
		  vn_fmt_mac(e->src_addr.addr_bytes, s), vn_fmt_mac(e->dst_addr.addr_bytes, t));
	if (type == RTE_ETHER_TYPE_IPV4)
		fmt_ip4(b, d + sizeof(*e), len - sizeof(*e));
	else if (type == RTE_ETHER_TYPE_IPV6)
		fmt_ip6(b, d + sizeof(*e), len - sizeof(*e));
	else if (type == RTE_ETHER_TYPE_ARP)
		fmt_arp(b, d + sizeof(*e), len - sizeof(*e));
	else
		tb_printf(b, "    type 0x%04x\n", type);
}

/* Data of unknown kind (error-drop, plugin nodes): IPv4, ARP or a frame. */
static void
fmt_guess(struct vn_tbuf *b, const uint8_t *d, uint32_t len)
{
	static const uint8_t arp_start[] = {0, 1, 8, 0, 6, 4};

	uint32_t hl = (d[0] & 0xf) * 4;

	/* An IPv4 header checksums to 0xffff; a MAC address almost never does. */
	if (len >= 20 && (d[0] >> 4) == 4 && hl >= 20 && hl <= len &&
	    rte_raw_cksum(d, hl) == 0xffff)
		fmt_ip4(b, d, len);
	else if (len >= sizeof(arp_start) && memcmp(d, arp_start, sizeof(arp_start)) == 0)
		fmt_arp(b, d, len);
	/* An IPv6 header whose payload length accounts for the bytes exactly. */
	else if (len >= 40 && (d[0] >> 4) == 6 && 40u + ((uint32_t)d[4] << 8 | d[5]) == len)
		fmt_ip6(b, d, len);
	else
		fmt_eth(b, d, len);
}

static void
fmt_adj(struct vn_tbuf *b, const char *what, uint32_t adj_index)
{
	char a[160];

	if (adj_index == VN_TRACE_ADJ_NONE)
		return;
	tb_printf(b, "  %s: adj %u %s\n", what, adj_index, vn_adj_format(adj_index, a, sizeof(a)));
}

static int
tb_done(struct vn_tbuf *b)
{
	return (int)b->off;
}

int
vn_trace_format_rx(char *buf, size_t len, const struct vn_trace_rec *r,
		   const struct vn_trace_rec *next)
{
	struct vn_tbuf b = {.p = buf, .len = len};

	tb_printf(&b, "  rx %s, %u bytes\n", if_name(vn_trace_meta(r)->meta.rx_if), r->pkt_len);
	fmt_eth(&b, r->data, r->data_len);
	return tb_done(&b);
}

int
vn_trace_format_tx(char *buf, size_t len, const struct vn_trace_rec *r,
		   const struct vn_trace_rec *next)
{
	struct vn_tbuf b = {.p = buf, .len = len};

	tb_printf(&b, "  tx %s, %u bytes\n", if_name(vn_trace_meta(r)->meta.tx_if), r->pkt_len);
	fmt_eth(&b, r->data, r->data_len);
	return tb_done(&b);
}

int
vn_trace_format_frame(char *buf, size_t len, const struct vn_trace_rec *r,
		      const struct vn_trace_rec *next)
{
	struct vn_tbuf b = {.p = buf, .len = len};

	fmt_eth(&b, r->data, r->data_len);
	return tb_done(&b);
}

int
vn_trace_format_arp(char *buf, size_t len, const struct vn_trace_rec *r,
		    const struct vn_trace_rec *next)
{
	struct vn_tbuf b = {.p = buf, .len = len};

	fmt_arp(&b, r->data, r->data_len);
	return tb_done(&b);
}

int
vn_trace_format_drop(char *buf, size_t len, const struct vn_trace_rec *r,
		     const struct vn_trace_rec *next)
{
	struct vn_tbuf b = {.p = buf, .len = len};
	const char *reason = NULL;
	const struct vn_node_reg *by = vn_error_node(r->error, &reason);

	tb_printf(&b, "  drop: %s: %s (rx %s)\n", by ? by->name : "?",
		  reason ? reason : "no reason given", if_name(vn_trace_meta(r)->meta.rx_if));
	fmt_guess(&b, r->data, r->data_len);
	return tb_done(&b);
}

/* A lookup's result is what the same packet's next node found in
 * vn_meta.adj, so a lookup record is formatted with that one. */
static void
fmt_lookup_result(struct vn_tbuf *b, const struct vn_trace_rec *next)
{
	if (next && vn_trace_meta(next)->adj_index != VN_TRACE_ADJ_NONE) {
		fmt_adj(b, "lookup", vn_trace_meta(next)->adj_index);
	} else if (next) {
		/* A record torn by a `clear trace` during the copy may name no node. */
		const struct vn_node_reg *nr = vn_node_reg_at(next->node_index);
		tb_printf(b, "  lookup: -> %s\n", nr ? nr->name : "?");
	}
}

int
vn_trace_format_ip4_lookup(char *buf, size_t len, const struct vn_trace_rec *r,
			   const struct vn_trace_rec *next)
{
	struct vn_tbuf b = {.p = buf, .len = len};

	fmt_ip4(&b, r->data, r->data_len);
	fmt_lookup_result(&b, next);
	return tb_done(&b);
}

int
vn_trace_format_ip4(char *buf, size_t len, const struct vn_trace_rec *r,
		    const struct vn_trace_rec *next)
{
	struct vn_tbuf b = {.p = buf, .len = len};

	fmt_ip4(&b, r->data, r->data_len);
	fmt_adj(&b, "adjacency", vn_trace_meta(r)->adj_index);
	return tb_done(&b);
}

int
vn_trace_format_ip6(char *buf, size_t len, const struct vn_trace_rec *r,
		    const struct vn_trace_rec *next)
{
	struct vn_tbuf b = {.p = buf, .len = len};

	fmt_ip6(&b, r->data, r->data_len);
	fmt_adj(&b, "adjacency", vn_trace_meta(r)->adj_index);
	return tb_done(&b);
}

int
vn_trace_format_ip6_lookup(char *buf, size_t len, const struct vn_trace_rec *r,
			   const struct vn_trace_rec *next)
{
	struct vn_tbuf b = {.p = buf, .len = len};

	fmt_ip6(&b, r->data, r->data_len);
	fmt_lookup_result(&b, next);
	return tb_done(&b);
}

/* Nodes without a format of their own (plugins, control-inject): a guess
 * from the bytes. */
static int
format_guess(char *buf, size_t len, const struct vn_trace_rec *r, const struct vn_trace_rec *next)
{
	struct vn_tbuf b = {.p = buf, .len = len};

	fmt_guess(&b, r->data, r->data_len);
	return tb_done(&b);
}

/* A recycled mbuf keeps an old adjacency pointer: never read it. */
static void
trace_on_mark(struct rte_mbuf *m)
{
	vn_meta(m)->adj = NULL;
}

/* The adjacency is safe to read now (RCU), perhaps not at show time: keep
 * its index, not the pointer. */
static void
trace_capture(void *opaque, struct rte_mbuf *m)
{
	struct vn_trace_meta *tm = opaque;
	const struct vn_meta *md = vn_meta(m);

	tm->meta = *md;
	tm->adj_index = md->adj ? md->adj->index : VN_TRACE_ADJ_NONE;
	tm->meta.adj = NULL;
}

static const struct vn_trace_ops net_trace_ops = {
	.on_mark = trace_on_mark,
	.capture = trace_capture,
	.format_default = format_guess,
};

static void __attribute__((constructor))
net_trace_install(void)
{
	vn_trace_set_ops(&net_trace_ops);
}
