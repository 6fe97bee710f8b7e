/*
 * Trace records of tcp4-input, tcp6-input, tcp4-output, tcp6-output and
 * session-queue: the IPv4 or IPv6 line, then the TCP header from the
 * record's bytes: ports, flags, sequence and acknowledgment numbers,
 * window, payload length, options' length.
 * tcp4-input records a segment a connection took a second time, after
 * processing (vn_trace_again): that record prints the connection's state.
 */
#include <rte_byteorder.h>
#include <stdio.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/trace.h>
#include <vecnet/trace.h>

#include "tcp/tcp_priv.h"

int
tcp_trace_format(char *buf, size_t len, const struct vn_trace_rec *r,
		 const struct vn_trace_rec *next)
{
	int n, k;
	const uint8_t *d = r->data;
	uint32_t hl, off, doff, seq, ack, tot;
	char flags[32] = "";
	static const char *const names[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG"};
	const struct vn_meta *meta = &vn_trace_meta(r)->meta;

	if (meta->user[0] == TCP_TRACE_STATE_MAGIC)
		return snprintf(buf, len, "  tcp: connection now %s\n",
				meta->user[1] < TCP_N_STATE ? tcp_state_names[meta->user[1]] : "?");
	if (r->data_len >= 40 && (d[0] >> 4) == 6) {
		struct vn_ip6_walk wk;
		n = vn_trace_format_ip6(buf, len, r, next);
		if (n < 0 || (size_t)n >= len)
			return n;
		tot = 40 + ((uint32_t)d[4] << 8 | d[5]);
		if (vn_ip6_walk(d, VN_MIN(tot, (uint32_t)r->data_len), &wk) != VN_IP6_WALK_OK ||
		    wk.proto != 6)
			return n + snprintf(buf + n, len - n,
					    "  tcp: header not in the trace record\n");
		hl = wk.l4_off;
	} else {
		n = vn_trace_format_ip4(buf, len, r, next);
		if (n < 0 || (size_t)n >= len || r->data_len < 20)
			return n;
		hl = (d[0] & 0xf) * 4u;
		tot = (uint32_t)d[2] << 8 | d[3];
	}
	off = hl;
	if (r->data_len < off + 20)
		return n + snprintf(buf + n, len - n, "  tcp: header not in the trace record\n");
	doff = (d[off + 12] >> 4) * 4u;
	seq = (uint32_t)d[off + 4] << 24 | d[off + 5] << 16 | d[off + 6] << 8 | d[off + 7];
	ack = (uint32_t)d[off + 8] << 24 | d[off + 9] << 16 | d[off + 10] << 8 | d[off + 11];
	for (int f = 0, used = 0; f < 6; f++)
		if (d[off + 13] & (1u << f))
			used += snprintf(flags + used, sizeof(flags) - used, "%s%s", used ? " " : "",
					 names[f]);
	k = snprintf(buf + n, len - n,
		     "  tcp: %u -> %u %s seq %u ack %u win %u len %d options %d\n",
		     (uint32_t)d[off] << 8 | d[off + 1], (uint32_t)d[off + 2] << 8 | d[off + 3],
		     flags[0] ? flags : "-", seq, ack, (uint32_t)d[off + 14] << 8 | d[off + 15],
		     (int)tot - (int)hl - (int)doff, (int)doff - 20);
	return k < 0 ? n : n + k;
}
