/*
 * Tracing in the network layer: each trace record keeps the packet's
 * vn_meta, with the adjacency as an index (the pointer may be freed by the
 * time `show trace` runs), and the built-in nodes' formatters.
 */
#ifndef VECNET_NET_TRACE_H
#define VECNET_NET_TRACE_H

#include <vecnet/net/buffer.h>
#include <vecnet/trace.h>

#define VN_TRACE_ADJ_NONE UINT32_MAX

struct vn_trace_meta {
	struct vn_meta meta; /* copy; meta.adj is cleared */
	uint32_t adj_index; /* of meta.adj when captured, or VN_TRACE_ADJ_NONE */
};
_Static_assert(sizeof(struct vn_trace_meta) <= VN_TRACE_OPAQUE, "trace record too small");

static inline const struct vn_trace_meta *
vn_trace_meta(const struct vn_trace_rec *r)
{
	return (const struct vn_trace_meta *)r->opaque;
}

/* The built-in nodes' .format_trace (vn_trace_fmt). */
int vn_trace_format_rx(char *buf, size_t len, const struct vn_trace_rec *r,
		       const struct vn_trace_rec *next); /* rx interface, then the frame */
int vn_trace_format_tx(char *buf, size_t len, const struct vn_trace_rec *r,
		       const struct vn_trace_rec *next); /* tx interface, then the frame */
int vn_trace_format_frame(char *buf, size_t len, const struct vn_trace_rec *r,
			  const struct vn_trace_rec *next); /* Ethernet and what it carries */
int vn_trace_format_arp(char *buf, size_t len, const struct vn_trace_rec *r,
			const struct vn_trace_rec *next);
int vn_trace_format_drop(char *buf, size_t len, const struct vn_trace_rec *r,
			 const struct vn_trace_rec *next); /* the reason, then a guess */
int vn_trace_format_ip4(char *buf, size_t len, const struct vn_trace_rec *r,
			const struct vn_trace_rec *next); /* header, adjacency if any */
int vn_trace_format_ip4_lookup(char *buf, size_t len, const struct vn_trace_rec *r,
			       const struct vn_trace_rec *next); /* header, the result */
int vn_trace_format_ip6(char *buf, size_t len, const struct vn_trace_rec *r,
			const struct vn_trace_rec *next); /* header, upper layer, adjacency */
int vn_trace_format_ip6_lookup(char *buf, size_t len, const struct vn_trace_rec *r,
			       const struct vn_trace_rec *next); /* header, the result */

#endif
