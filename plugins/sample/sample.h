/*
 * sample plugin: what its two files share. node.c holds the packet loop,
 * sample.c everything else (descriptor, hooks, control function, config
 * section, CLI): the packet loop never shares a file with CLI code.
 */
#ifndef VN_SAMPLE_H
#define VN_SAMPLE_H

#include <vecnet/graph.h>
#include <vecnet/net/interface.h>

#define SAMPLE_PROTO_NONE 256 /* outside 0..255: nothing is dropped */

/* The IP protocol sample-filter drops, or SAMPLE_PROTO_NONE. Written by the
 * main thread (CLI, config), read by workers once per vector: a relaxed
 * atomic is enough, as a vector filtered with the previous value is fine. */
extern uint32_t sample_drop_protocol;

/* Per-thread, per-interface counters, in node->ctx of sample-filter. Only the
 * owning thread writes them; `show sample` sums over threads. */
struct sample_if_counters {
	uint64_t seen;
	uint64_t dropped;
};

struct sample_ctx {
	struct sample_if_counters ifs[VN_IF_MAX];
};

#endif
