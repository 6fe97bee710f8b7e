/*
 * System commands: show version, show clock, show threads, show plugins,
 * show graph, show log. Read-only views of engine state; nothing here runs on a
 * forwarding thread, and worker fields are only read (heartbeats are written
 * by the workers).
 */
#define _GNU_SOURCE
#define VN_LOG_MOD "cli"
#include <dlfcn.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_version.h>
#include <vecnet/cli.h>
#include "core/plugin_priv.h"
#include <vecnet/graph.h>
#include <vecnet/plugin.h>

#include "core/graph_priv.h"
#include "core/log_priv.h"
#include "core/worker_priv.h"

/* A thread whose loop has not come round for this long is reported stalled. */
#define VN_STALL_MS 1000

/* --- show version ------------------------------------------------------------ */

/* "3d 04:05:06" or "04:05:06". */
static void
vn_cli_fmt_duration(uint64_t secs, char *buf, size_t len)
{
	uint64_t d = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60, s = secs % 60;

	if (d != 0)
		snprintf(buf, len, "%" PRIu64 "d %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64, d, h, m,
			 s);
	else
		snprintf(buf, len, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64, h, m, s);
}

/* The build, from CMakeLists.txt (defined for this file only). */
#ifndef VN_BUILD_TYPE
#define VN_BUILD_TYPE "unknown"
#endif
#ifndef VN_BUILD_FLAGS
#define VN_BUILD_FLAGS "unknown"
#endif
#if defined(__clang__)
#define VN_COMPILER __VERSION__ /* "Debian Clang 14.0.6" */
#elif defined(__GNUC__)
#define VN_COMPILER "GCC " __VERSION__ /* "12.2.0" */
#else
#define VN_COMPILER __VERSION__
#endif

/*
 * How DPDK is linked into this process, found where rte_version() lives:
 * in the executable with this code (VN_DPDK_STATIC=ON, the engine's default)
 * or in a shared library (VN_DPDK_STATIC=OFF, and the unit tests, which
 * link the same core objects to the shared libraries). Asked of the
 * process rather than of the CMake option, which only the engine follows.
 */
static void
vn_cli_dpdk_linking(char *buf, size_t len)
{
	Dl_info dpdk, self;

	if (dladdr((void *)rte_version, &dpdk) == 0 ||
	    dladdr((void *)vn_cli_dpdk_linking, &self) == 0)
		snprintf(buf, len, "unknown");
	else if (dpdk.dli_fbase == self.dli_fbase)
		snprintf(buf, len, "static, in the executable");
	else
		snprintf(buf, len, "shared, %s", dpdk.dli_fname);
}

static int
vn_cli_show_version(struct vn_cli_out *out, struct vn_cli_args *args)
{
	bool verbose = vn_cli_arg_keyword(args, "verbose");
	char up[32], linking[256];

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_cli_printf(out, "vecnet %s (%s)\n", VN_VERSION, rte_version());
	/* start_tsc is set once EAL is up; before that (unit tests) there is no uptime. */
	if (vn_engine.start_tsc != 0) {
		vn_cli_fmt_duration((rte_rdtsc() - vn_engine.start_tsc) / rte_get_tsc_hz(), up,
				    sizeof(up));
		vn_cli_printf(out, "uptime %s\n", up);
	} else {
		vn_cli_printf(out, "uptime -\n");
	}
	if (!verbose)
		return 0;
	/* VPP's verbose layout: one "Name:" per line, values in one column. */
	vn_cli_dpdk_linking(linking, sizeof(linking));
	vn_cli_printf(out, "%-26s%s\n", "Version:", VN_VERSION);
	vn_cli_printf(out, "%-26s%s\n", "Build type:", VN_BUILD_TYPE);
	vn_cli_printf(out, "%-26s%s\n", "Compiler:", VN_COMPILER);
	vn_cli_printf(out, "%-26s%s\n", "C flags:", VN_BUILD_FLAGS);
	vn_cli_printf(out, "%-26s%s\n", "DPDK version:", rte_version());
	vn_cli_printf(out, "%-26s%s\n", "DPDK linking:", linking);
	vn_cli_printf(out, "%-26s%d\n", "Plugin ABI:", VN_PLUGIN_ABI_VERSION);
	vn_cli_printf(out, "%-26s%d\n", "Current PID:", (int)getpid());
	return 0;
}

VN_CLI_COMMAND(show_version) = {
	.path = "show version",
	.syntax = "[verbose]",
	.help = "vecnet and DPDK versions, uptime; verbose: the build, DPDK linking, plugin ABI",
	.fn = vn_cli_show_version,
};

/* --- show clock --------------------------------------------------------------- */

/*
 * VPP's first line: the engine's time (seconds since start, from the TSC),
 * the TSC's clocks per second and the wall date; then the wall clock in Unix
 * seconds (as log lines are stamped) and the uptime as show version has it.
 */
static int
vn_cli_show_clock(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint64_t hz = rte_get_tsc_hz(), now = rte_rdtsc();
	struct timespec ts;
	struct tm tm;
	char date[64], up[32];

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (vn_engine.start_tsc != 0) {
		vn_cli_printf(out, "Time now %.6f, clocks/sec %" PRIu64 ", %s\n",
			      (double)(now - vn_engine.start_tsc) / (double)hz, hz, date);
		vn_cli_fmt_duration((now - vn_engine.start_tsc) / hz, up, sizeof(up));
	} else {
		vn_cli_printf(out, "Time now -, clocks/sec %" PRIu64 ", %s\n", hz, date);
		snprintf(up, sizeof(up), "-");
	}
	vn_cli_printf(out, "Unix time %ld.%06ld\n", (long)ts.tv_sec, ts.tv_nsec / 1000);
	vn_cli_printf(out, "uptime %s\n", up);
	return 0;
}

VN_CLI_COMMAND(show_clock) = {
	.path = "show clock",
	.help = "engine time and TSC clocks per second, wall clock, uptime",
	.fn = vn_cli_show_clock,
};

/* --- show threads -------------------------------------------------------------- */

/*
 * EAL is started with --lcores T@CPU, so a thread's lcore id is its thread
 * index; the CPU is the first one in that lcore's affinity set.
 */
static int
vn_cli_lcore_cpu(unsigned lcore)
{
	rte_cpuset_t set;

	if (lcore >= RTE_MAX_LCORE || !rte_lcore_is_enabled(lcore))
		return -1;
	set = rte_lcore_cpuset(lcore);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			return cpu;
	return -1;
}

static int
vn_cli_show_threads(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t n = VN_MAX(vn_graph_count(), vn_engine.n_workers + 1);
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_cli_printf(out, "%-4s %-12s %-6s %-5s %-9s %s\n", "ID", "Name", "Lcore", "CPU", "State",
		      "Heartbeat");
	for (uint32_t t = 0; t < n; t++) {
		const struct vn_graph *g = vn_graph_at(t);
		unsigned lcore = t == 0 ? rte_get_main_lcore() : t;
		const char *state;
		char name[24], age[32], cpu[16];
		int c = vn_cli_lcore_cpu(lcore);
		uint64_t hb;

		/* A worker thread that has no graph was never started. */
		if (t > 0 && g == NULL)
			continue;
		if (t == 0)
			snprintf(name, sizeof(name), "main");
		else
			snprintf(name, sizeof(name), "worker %u", t - 1);
		hb = g != NULL ? __atomic_load_n(&vn_graph_rt(g)->heartbeat_tsc, __ATOMIC_RELAXED) : 0;
		if (hb != 0 && now >= hb)
			snprintf(age, sizeof(age), "%.3f s ago", (double)(now - hb) / (double)hz);
		else
			snprintf(age, sizeof(age), "-");
		if (!vn_engine.running)
			state = "stopped";
		else if (t == 0)
			state = "running"; /* it is running this command */
		else if (hb == 0 || now - hb > hz / 1000 * VN_STALL_MS)
			state = "stalled";
		else
			state = "running";
		if (c >= 0)
			snprintf(cpu, sizeof(cpu), "%d", c);
		else
			snprintf(cpu, sizeof(cpu), "-");
		vn_cli_printf(out, "%-4u %-12s %-6u %-5s %-9s %s\n", t, name, lcore, cpu, state,
			      age);
	}
	return 0;
}

VN_CLI_COMMAND(show_threads) = {
	.path = "show threads",
	.help = "main and worker threads: lcore, CPU, state and heartbeat age",
	.fn = vn_cli_show_threads,
};

/* --- show plugins ---------------------------------------------------------------- */

static int
vn_cli_show_plugins(struct vn_cli_out *out, struct vn_cli_args *args)
{
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_plugin_show(out);
	return 0;
}

VN_CLI_COMMAND(show_plugins) = {
	.path = "show plugins",
	.help = "loaded plugins",
	.fn = vn_cli_show_plugins,
};

/* --- show graph ------------------------------------------------------------------ */

static const char *
vn_cli_node_type(const struct vn_node_reg *r)
{
	return r->type == VN_NODE_INPUT ? "input" : "internal";
}

/* Name, type and next arcs of one node, one arc per line ("[1] NODE"). */
static void
vn_cli_graph_node(struct vn_cli_out *out, const struct vn_node_reg *r)
{
	vn_cli_printf(out, "%-28s %-9s", r->name, vn_cli_node_type(r));
	for (uint16_t a = 0; a < r->n_next; a++) {
		if (a > 0)
			vn_cli_printf(out, "%-28s %-9s", "", "");
		vn_cli_printf(out, " [%u] %s\n", a, r->next_names[a] ? r->next_names[a] : "?");
	}
	if (r->n_next == 0)
		vn_cli_printf(out, "\n");
}

static int
vn_cli_show_graph(struct vn_cli_out *out, struct vn_cli_args *args)
{
	const struct vn_node_reg *only = NULL;
	char name[64];

	if (vn_cli_arg_word(args, "node name", name, sizeof(name))) {
		for (uint32_t i = 0; i < vn_node_count() && only == NULL; i++)
			if (strcmp(vn_node_reg_at(i)->name, name) == 0)
				only = vn_node_reg_at(i);
		if (only == NULL)
			return vn_cli_error(out, "show graph: no node '%s'", name);
	}
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	if (vn_node_count() == 0)
		return vn_cli_error(out, "show graph: the graph is not built");
	vn_cli_printf(out, "%-28s %-9s %s\n", "Name", "Type", "Next");
	if (only != NULL) {
		bool any = false;

		vn_cli_graph_node(out, only);
		/* The arcs into it, which the per-node listing can't show. */
		vn_cli_printf(out, "previous:");
		for (uint32_t i = 0; i < vn_node_count(); i++) {
			const struct vn_node_reg *r = vn_node_reg_at(i);

			for (uint16_t a = 0; a < r->n_next; a++) {
				if (r->next_names[a] == NULL || strcmp(r->next_names[a], only->name))
					continue;
				vn_cli_printf(out, " %s", r->name);
				any = true;
				break;
			}
		}
		vn_cli_printf(out, "%s\n", any ? "" : " none");
		return 0;
	}
	for (uint32_t i = 0; i < vn_node_count(); i++)
		vn_cli_graph_node(out, vn_node_reg_at(i));
	return 0;
}

VN_CLI_COMMAND(show_graph) = {
	.path = "show graph",
	.syntax = "[NODE]",
	.help = "graph nodes with their type and next arcs",
	.fn = vn_cli_show_graph,
};

/* --- show log -------------------------------------------------------------------- */

#define VN_CLI_LOG_DEFAULT 20

/* The last N lines of the log ring, oldest first, as they went to stderr. */
static int
vn_cli_show_log(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t want = VN_CLI_LOG_DEFAULT, n;
	char(*lines)[VN_LOG_LINE_MAX];

	vn_cli_arg_u32_range(args, 1, VN_LOG_RING_LINES, &want);
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	lines = malloc(sizeof(*lines) * want);
	if (lines == NULL)
		return vn_cli_error(out, "show log: out of memory");
	n = vn_log_ring_last(lines, want);
	if (n == 0)
		vn_cli_printf(out, "no log lines\n");
	for (uint32_t i = 0; i < n; i++)
		vn_cli_printf(out, "%s\n", lines[i]);
	free(lines);
	return 0;
}

VN_CLI_COMMAND(show_log) = {
	.path = "show log",
	.syntax = "[N]",
	.help = "the last N log lines (20; at most 512), with time, level and module",
	.fn = vn_cli_show_log,
};
