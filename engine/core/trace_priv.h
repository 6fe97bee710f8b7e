/* Trace control and readers, main thread (core-private). */
#ifndef VN_TRACE_PRIV_H
#define VN_TRACE_PRIV_H

#include <vecnet/trace.h>

/* --- control plane (main thread) ----------------------------------------- */
/* Arms every forwarding thread to mark the next count packets of the input
 * node node_name. -ENOENT unknown node, -EINVAL not an input node, -ENOMEM. */
int vn_trace_add(const char *node_name, uint32_t count);
/* Forgets every record and stops marking; safe with workers running. */
void vn_trace_clear(void);

/* Records of one thread, for `show trace` and tests. Copies at most max
 * records into out (in store order); *n_lost gets the records refused because
 * the store was full. Returns the number copied. */
uint32_t vn_trace_records(uint32_t thread_index, struct vn_trace_rec *out, uint32_t max,
			  uint64_t *n_lost);
/* Formats one record (the node's format_trace or the default), lines
 * indented by two spaces, without the time/node header line. */
int vn_trace_format_rec(char *buf, size_t len, const struct vn_trace_rec *rec);

#endif
