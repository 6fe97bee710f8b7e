/*
 * trace add NODE COUNT | show trace | clear trace, and the default decoders.
 *
 * Records are decoded here, on the main thread, never on a worker: a record
 * holds a copy of the metadata and the first bytes of the packet as the node
 * saw them. What those bytes are depends on the node: whole frames at port-rx,
 * ethernet-input, interface-output and port-tx; ARP at arp-input; IPv4 at the
 * ip4-* nodes; error-drop (and unknown plugin nodes) gets a guess from the
 * bytes themselves. ip4-lookup's result is what the next node of the same
 * packet found in vn_meta.adj, so its record is formatted with that one.
 */
#define VN_LOG_MOD "trace"
#include <errno.h>
#include <inttypes.h>
#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/fib.h>
#include <vecnet/interface.h>
#include <vecnet/trace.h>

#include "engine_priv.h"

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
		  type == RTE_ETHER_TYPE_IPV4  ? "IP4"
		  : type == RTE_ETHER_TYPE_ARP ? "ARP"
					       : "ethertype",
		  vn_fmt_mac(e->src_addr.addr_bytes, s), vn_fmt_mac(e->dst_addr.addr_bytes, t));
	if (type == RTE_ETHER_TYPE_IPV4)
		fmt_ip4(b, d + sizeof(*e), len - sizeof(*e));
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

static bool
is_node(const struct vn_node_reg *reg, const char *name)
{
	return reg && strcmp(reg->name, name) == 0;
}

/* next: the same packet's record at the following node, or NULL. */
static void
fmt_default(struct vn_tbuf *b, const struct vn_trace_rec *r, const struct vn_trace_rec *next)
{
	const struct vn_node_reg *reg = vn_node_reg_at(r->node_index);
	const uint8_t *d = r->data;
	uint32_t len = r->data_len;

	if (is_node(reg, "port-rx")) {
		tb_printf(b, "  rx %s, %u bytes\n", if_name(r->meta.rx_if), r->pkt_len);
		fmt_eth(b, d, len);
	} else if (is_node(reg, "ethernet-input")) {
		fmt_eth(b, d, len);
	} else if (is_node(reg, "arp-input")) {
		fmt_arp(b, d, len);
	} else if (is_node(reg, "interface-output") || is_node(reg, "port-tx")) {
		tb_printf(b, "  tx %s, %u bytes\n", if_name(r->meta.tx_if), r->pkt_len);
		fmt_eth(b, d, len);
	} else if (is_node(reg, "error-drop")) {
		const char *reason = NULL;
		const struct vn_node_reg *by = vn_error_node(r->meta.error, &reason);
		tb_printf(b, "  drop: %s: %s (rx %s)\n", by ? by->name : "?",
			  reason ? reason : "no reason given", if_name(r->meta.rx_if));
		fmt_guess(b, d, len);
	} else if (is_node(reg, "ip4-lookup")) {
		fmt_ip4(b, d, len);
		if (next && next->adj_index != VN_TRACE_ADJ_NONE)
			fmt_adj(b, "lookup", next->adj_index);
		else if (next)
			tb_printf(b, "  lookup: -> %s\n", vn_node_reg_at(next->node_index)->name);
	} else if (strncmp(reg ? reg->name : "", "ip4-", 4) == 0) {
		fmt_ip4(b, d, len);
		fmt_adj(b, "adjacency", r->adj_index);
	} else {
		fmt_guess(b, d, len);
	}
}

static int
fmt_rec(char *buf, size_t len, const struct vn_trace_rec *r, const struct vn_trace_rec *next)
{
	const struct vn_node_reg *reg = vn_node_reg_at(r->node_index);
	struct vn_tbuf b = {.p = buf, .len = len};

	buf[0] = 0;
	if (reg && reg->format_trace)
		return reg->format_trace(buf, len, r);
	fmt_default(&b, r, next);
	return (int)b.off;
}

int
vn_trace_format_rec(char *buf, size_t len, const struct vn_trace_rec *rec)
{
	return fmt_rec(buf, len, rec, NULL);
}

/* Stable order: by trace id, then by position in the store. */
static const struct vn_trace_rec *sort_base;

static int
cmp_rec(const void *a, const void *b)
{
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	uint32_t ta = sort_base[ia].trace_id, tb = sort_base[ib].trace_id;

	if (ta != tb)
		return ta < tb ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

static void
fmt_time(char *buf, size_t len, uint64_t tsc)
{
	uint64_t hz = rte_get_tsc_hz();
	uint64_t d = tsc > vn_engine.start_tsc ? tsc - vn_engine.start_tsc : 0;
	uint64_t sec = d / hz, usec = (d % hz) * 1000000 / hz;

	snprintf(buf, len, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ":%06" PRIu64, sec / 3600,
		 sec / 60 % 60, sec % 60, usec);
}

static uint32_t
show_thread(struct vn_cli_out *out, uint32_t t, struct vn_trace_rec *recs, uint32_t *order,
	    uint32_t n_pkt)
{
	uint64_t lost;
	uint32_t n = vn_trace_records(t, recs, VN_TRACE_STORE_RECS, &lost);
	char tm[32], text[2048];

	if (n == 0)
		return n_pkt;
	vn_cli_printf(out, "------------------- Start of thread %u %s -------------------\n", t,
		      t == 0 ? "main" : "worker");
	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	sort_base = recs;
	qsort(order, n, sizeof(order[0]), cmp_rec);
	for (uint32_t i = 0; i < n; i++) {
		const struct vn_trace_rec *r = &recs[order[i]];
		const struct vn_trace_rec *next = NULL;
		const struct vn_node_reg *reg = vn_node_reg_at(r->node_index);

		if (i + 1 < n && recs[order[i + 1]].trace_id == r->trace_id)
			next = &recs[order[i + 1]];
		if (i == 0 || recs[order[i - 1]].trace_id != r->trace_id) {
			vn_cli_printf(out, "%sPacket %u\n\n", n_pkt ? "\n" : "", n_pkt + 1);
			n_pkt++;
		}
		fmt_time(tm, sizeof(tm), r->tsc);
		fmt_rec(text, sizeof(text), r, next);
		vn_cli_printf(out, "%s: %s\n%s", tm, reg ? reg->name : "?", text);
		if (text[0] && text[strlen(text) - 1] != '\n')
			vn_cli_printf(out, "\n");
	}
	if (lost)
		vn_cli_printf(out, "\n(%" PRIu64 " records lost: trace store full)\n", lost);
	return n_pkt;
}

static int
show_trace_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_trace_rec *recs;
	uint32_t *order, n_pkt = 0;

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	recs = malloc(VN_TRACE_STORE_RECS * sizeof(*recs));
	order = malloc(VN_TRACE_STORE_RECS * sizeof(*order));
	if (!recs || !order) {
		free(recs);
		free(order);
		return vn_cli_error(out, "out of memory");
	}
	for (uint32_t t = 0; t < vn_graph_count(); t++)
		if (vn_graph_at(t))
			n_pkt = show_thread(out, t, recs, order, n_pkt);
	if (n_pkt == 0)
		vn_cli_printf(out, "No packets in trace buffer\n");
	free(recs);
	free(order);
	return 0;
}

static int
trace_add_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char name[64];
	uint32_t count;
	int rc;

	if (!vn_cli_arg_word(args, "NODE", name, sizeof(name)) ||
	    !vn_cli_arg_u32_range(args, 1, 100000, &count) || !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_trace_add(name, count);
	if (rc == -ENOENT)
		return vn_cli_error(out, "unknown node '%s'", name);
	if (rc == -EINVAL)
		return vn_cli_error(out, "'%s' is not an input node; trace starts at an input node "
					 "such as port-rx",
				    name);
	if (rc < 0)
		return vn_cli_error(out, "trace add: %s", strerror(-rc));
	return 0;
}

static int
clear_trace_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_trace_clear();
	return 0;
}

VN_CLI_COMMAND(trace_add) = {
	.path = "trace add",
	.syntax = "NODE COUNT",
	.help = "trace the next COUNT packets of input node NODE on every thread",
	.fn = trace_add_fn,
};

VN_CLI_COMMAND(show_trace) = {
	.path = "show trace",
	.syntax = "",
	.help = "per packet, each node it crossed and what that node saw",
	.fn = show_trace_fn,
};

VN_CLI_COMMAND(clear_trace) = {
	.path = "clear trace",
	.syntax = "",
	.help = "forget trace records and stop marking packets",
	.fn = clear_trace_fn,
};
