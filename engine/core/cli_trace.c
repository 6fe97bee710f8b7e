/*
 * trace add NODE COUNT | show trace | clear trace.
 *
 * Records are formatted here, on the main thread, never on a worker: each by
 * its node's format_trace (which also sees the same packet's record at the
 * next node), or by the default the layer above installed, or as bytes.
 */
#define VN_LOG_MOD "trace"
#include <errno.h>
#include <inttypes.h>
#include <rte_cycles.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/trace.h>

#include "core/trace_priv.h"
#include "core/graph_priv.h"
#include "core/worker_priv.h"

/* Nodes nobody formats: the first bytes, in hex. */
static int
fmt_bytes(char *buf, size_t len, const struct vn_trace_rec *r)
{
	size_t off = (size_t)snprintf(buf, len, "  %u bytes:", r->pkt_len);

	for (uint32_t i = 0; i < r->data_len && i < 32 && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, " %02x", r->data[i]);
	if (off < len)
		off += (size_t)snprintf(buf + off, len - off, "\n");
	return (int)RTE_MIN(off, len - 1);
}

static int
fmt_rec(char *buf, size_t len, const struct vn_trace_rec *r, const struct vn_trace_rec *next)
{
	const struct vn_node_reg *reg = vn_node_reg_at(r->node_index);
	const struct vn_trace_ops *ops = vn_trace_get_ops();

	buf[0] = 0;
	if (reg && reg->format_trace)
		return reg->format_trace(buf, len, r, next);
	if (ops && ops->format_default)
		return ops->format_default(buf, len, r, next);
	return fmt_bytes(buf, len, r);
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

/* The input nodes' names, comma-separated, into list. */
static const char *
input_nodes(char *list, size_t len)
{
	size_t off = 0;

	list[0] = '\0';
	for (uint32_t i = 0; i < vn_node_count() && off < len; i++) {
		const struct vn_node_reg *r = vn_node_reg_at(i);
		if (r->type == VN_NODE_INPUT)
			off += (size_t)snprintf(list + off, len - off, "%s%s", off ? ", " : "",
						r->name);
	}
	return list;
}

static int
trace_add_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	const struct vn_node_reg *reg;
	char name[64];
	uint32_t count;
	int rc;

	if (!vn_cli_arg_word(args, "NODE", name, sizeof(name)) ||
	    !vn_cli_arg_u32_range(args, 1, 100000, &count) || !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_trace_add(name, count);
	if (rc == -ENOENT || rc == -EINVAL) {
		char list[512];
		return vn_cli_error(out, "%s '%s'; trace starts at an input node: %s",
				    rc == -ENOENT ? "unknown node" : "not an input node", name,
				    input_nodes(list, sizeof(list)));
	}
	if (rc < 0)
		return vn_cli_error(out, "trace add: %s", strerror(-rc));
	reg = vn_node_reg_by_name_or_alias(name);
	if (reg != NULL && strcmp(reg->name, name) != 0)
		vn_cli_printf(out, "tracing %s (vecnet's node for %s)\n", reg->name, name);
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
