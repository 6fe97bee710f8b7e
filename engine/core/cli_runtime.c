/*
 * show runtime / clear runtime, show errors / clear errors.
 *
 * Workers own their counters and nobody else writes them: `clear` stores a
 * snapshot of every counter here and `show` prints the difference, as VPP
 * does. A counter below its snapshot means the graph was destroyed and
 * created again (tests), so that snapshot no longer applies and counts as 0.
 */
#define VN_LOG_MOD "cli"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <vecnet/cli.h>
#include <vecnet/graph.h>

#include "core/graph_priv.h"
#include "core/worker_priv.h"

struct vn_rt_counts {
	uint64_t calls, vectors, clocks;
};

/* Counters at the last `clear runtime`, per thread and node. */
static struct vn_rt_counts vn_rt_snap[VN_THREAD_MAX][VN_NODE_MAX];
static uint64_t vn_rt_clear_tsc[VN_THREAD_MAX];
static uint64_t vn_rt_loops_snap[VN_THREAD_MAX];

/* Error totals (over threads) at the last `clear errors`, by global code. */
static uint64_t *vn_err_snap;
static uint32_t vn_err_snap_n;
static uint64_t vn_overflow_snap[VN_THREAD_MAX];

static uint64_t
vn_rt_since(uint64_t now, uint64_t snap)
{
	return now >= snap ? now - snap : now;
}

static uint64_t
vn_rt_load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* A node's counters on graph g since the last clear. */
static struct vn_rt_counts
vn_rt_read(const struct vn_graph *g, uint32_t i)
{
	const struct vn_node *node = &vn_graph_rt(g)->nodes[i];
	struct vn_rt_counts c = {
		.calls = vn_rt_load(&node->calls),
		.vectors = vn_rt_load(&node->vectors),
		.clocks = vn_rt_load(&node->clocks),
	};

	if (g->thread_index < VN_THREAD_MAX && i < VN_NODE_MAX) {
		const struct vn_rt_counts *s = &vn_rt_snap[g->thread_index][i];

		/* All three move together: if calls went back, the graph is new. */
		if (c.calls >= s->calls) {
			c.calls -= s->calls;
			c.vectors = vn_rt_since(c.vectors, s->vectors);
			c.clocks = vn_rt_since(c.clocks, s->clocks);
		}
	}
	return c;
}

static const char *
vn_rt_thread_name(uint32_t t, char *buf, size_t len)
{
	if (t == 0)
		snprintf(buf, len, "main");
	else
		snprintf(buf, len, "worker %u", t - 1);
	return buf;
}

static double
vn_rt_ratio(uint64_t a, uint64_t b)
{
	return b != 0 ? (double)a / (double)b : 0.0;
}

static void
vn_rt_row(struct vn_cli_out *out, const char *name, const char *state,
	  const struct vn_rt_counts *c)
{
	vn_cli_printf(out, "%-28s %-8s %12" PRIu64 " %12" PRIu64 " %12.2f %14.2f\n", name, state,
		      c->calls, c->vectors, vn_rt_ratio(c->vectors, c->calls),
		      vn_rt_ratio(c->clocks, c->vectors));
}

static int
vn_cli_show_runtime(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	bool any = false;

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	for (uint32_t t = 0; t < vn_graph_count(); t++) {
		const struct vn_graph *g = vn_graph_at(t);
		struct vn_rt_counts total = {0};
		uint64_t since = t < VN_THREAD_MAX && vn_rt_clear_tsc[t] ? vn_rt_clear_tsc[t]
									: vn_engine.start_tsc;
		char name[24];

		if (g == NULL)
			continue;
		vn_cli_printf(out, "%sThread %u %s (lcore %u)\n", any ? "\n" : "", t,
			      vn_rt_thread_name(t, name, sizeof(name)),
			      t == 0 ? rte_get_main_lcore() : t);
		any = true;
		if (since != 0 && now >= since)
			vn_cli_printf(out, "Time %.1f s, %" PRIu64 " main loops\n",
				      (double)(now - since) / (double)hz,
				      vn_rt_since(vn_rt_load(&vn_graph_rt(g)->loops),
						  t < VN_THREAD_MAX ? vn_rt_loops_snap[t] : 0));
		vn_cli_printf(out, "%-28s %-8s %12s %12s %12s %14s\n", "Name", "State", "Calls",
			      "Vectors", "Vectors/Call", "Clocks/Packet");
		for (uint32_t i = 0; i < vn_graph_rt(g)->n_nodes; i++) {
			const struct vn_node_reg *r = vn_graph_rt(g)->nodes[i].reg;
			struct vn_rt_counts c = vn_rt_read(g, i);

			if (c.calls == 0)
				continue;
			vn_rt_row(out, r->name, r->type == VN_NODE_INPUT ? "polling" : "active", &c);
			total.calls += c.calls;
			total.vectors += c.vectors;
			total.clocks += c.clocks;
		}
		vn_rt_row(out, "total", "", &total);
	}
	if (!any)
		vn_cli_printf(out, "no forwarding threads\n");
	return 0;
}

VN_CLI_COMMAND(show_runtime) = {
	.path = "show runtime",
	.help = "per thread and node: calls, vectors, vectors/call, clocks/packet",
	.fn = vn_cli_show_runtime,
};

static int
vn_cli_clear_runtime(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint64_t now = rte_rdtsc();

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	for (uint32_t t = 0; t < vn_graph_count() && t < VN_THREAD_MAX; t++) {
		const struct vn_graph *g = vn_graph_at(t);

		if (g == NULL)
			continue;
		for (uint32_t i = 0; i < vn_graph_rt(g)->n_nodes && i < VN_NODE_MAX; i++) {
			const struct vn_node *node = &vn_graph_rt(g)->nodes[i];

			vn_rt_snap[t][i] = (struct vn_rt_counts){
				.calls = vn_rt_load(&node->calls),
				.vectors = vn_rt_load(&node->vectors),
				.clocks = vn_rt_load(&node->clocks),
			};
		}
		vn_rt_clear_tsc[t] = now;
		vn_rt_loops_snap[t] = vn_rt_load(&vn_graph_rt(g)->loops);
	}
	return 0;
}

VN_CLI_COMMAND(clear_runtime) = {
	.path = "clear runtime",
	.help = "restart the runtime statistics (a snapshot; workers' counters are untouched)",
	.fn = vn_cli_clear_runtime,
};

/* --- errors ------------------------------------------------------------------------ */

static uint64_t
vn_err_snap_of(uint32_t code)
{
	return code < vn_err_snap_n ? vn_err_snap[code] : 0;
}

static uint64_t
vn_overflow_since(const struct vn_graph *g)
{
	uint64_t v = vn_rt_load(&vn_graph_rt(g)->overflow_drops);

	return g->thread_index < VN_THREAD_MAX ? vn_rt_since(v, vn_overflow_snap[g->thread_index])
					       : v;
}

static int
vn_cli_show_errors(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint64_t overflow = 0;

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_cli_printf(out, "%12s  %-28s %s\n", "Count", "Node", "Reason");
	for (uint32_t code = 0; code < vn_error_count(); code++) {
		uint64_t n = vn_rt_since(vn_error_total((uint16_t)code), vn_err_snap_of(code));
		const struct vn_node_reg *r;
		const char *reason;

		if (n == 0)
			continue;
		r = vn_error_node((uint16_t)code, &reason);
		vn_cli_printf(out, "%12" PRIu64 "  %-28s %s\n", n, r != NULL ? r->name : "?",
			      reason != NULL ? reason : "?");
	}
	for (uint32_t t = 0; t < vn_graph_count(); t++)
		if (vn_graph_at(t) != NULL)
			overflow += vn_overflow_since(vn_graph_at(t));
	/* Not a node's error: the dispatcher refused packets to a full queue. */
	if (overflow != 0)
		vn_cli_printf(out, "%12" PRIu64 "  %-28s %s\n", overflow, "graph", "frame overflow");
	return 0;
}

VN_CLI_COMMAND(show_errors) = {
	.path = "show errors",
	.help = "error counters by node and reason, summed over threads",
	.fn = vn_cli_show_errors,
};

static int
vn_cli_clear_errors(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t n = vn_error_count();

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	if (n > vn_err_snap_n) {
		uint64_t *s = realloc(vn_err_snap, n * sizeof(*s));

		if (s == NULL)
			return vn_cli_error(out, "clear errors: out of memory");
		vn_err_snap = s;
		vn_err_snap_n = n;
	}
	for (uint32_t code = 0; code < vn_err_snap_n; code++)
		vn_err_snap[code] = code < n ? vn_error_total((uint16_t)code) : 0;
	for (uint32_t t = 0; t < vn_graph_count() && t < VN_THREAD_MAX; t++)
		if (vn_graph_at(t) != NULL)
			vn_overflow_snap[t] = vn_rt_load(&vn_graph_rt(vn_graph_at(t))->overflow_drops);
	return 0;
}

VN_CLI_COMMAND(clear_errors) = {
	.path = "clear errors",
	.help = "restart the error counters (a snapshot; workers' counters are untouched)",
	.fn = vn_cli_clear_errors,
};
