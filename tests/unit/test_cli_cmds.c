/*
 * The engine's built-in commands, driven through vn_cli_execute() as vecnetctl
 * would: show/clear runtime and errors, threads, graph, version, plugins,
 * interfaces, ip route / fib, neighbours, exec and quit. Every command's
 * success and error paths, with the real interface-name ops the engine
 * installs. Two virtual interfaces, the real node graph on thread 0, and a
 * test input node (vt-source) that produces packets when asked.
 */
#include <CUnit/CUnit.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_version.h>
#include <vecnet/net/port.h>
#include <vecnet/cli.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/rcu.h>

#include "app/app.h"
#include "vn_test.h"
#include "vn_test_cli.h"
#include "vn_test_graph.h"

static const uint8_t mac_lan0[6] = {0x02, 0, 0, 0, 0xaa, 0x00};
static const uint8_t mac_lan1[6] = {0x02, 0, 0, 0, 0xbb, 0x00};
static struct vn_graph *g;

/* --- an input node that produces vt_src_budget packets on its next poll --- */

static uint16_t vt_src_budget;

static uint16_t
vt_src_fn(struct vn_graph *gr, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *m[VN_FRAME_SIZE];
	uint16_t k = VN_MIN(vt_src_budget, (uint16_t)VN_FRAME_SIZE);

	for (uint16_t i = 0; i < k; i++)
		m[i] = vt_pkt(64, VN_IF_MAX);
	vt_src_budget -= k;
	vn_enqueue(gr, node, VN_NEXT_DROP, m, k);
	return k;
}

VN_NODE_REGISTER(vt_source) = {
	.name = "vt-source",
	.type = VN_NODE_INPUT,
	.fn = vt_src_fn,
};

/* --- helpers ------------------------------------------------------------------ */

/* Calls and vectors of node in `show runtime`; false if the node isn't listed. */
static bool
runtime_of(const char *node, char *state, uint64_t *calls, uint64_t *vectors)
{
	const char *l = line_of(cmd_ok("show runtime"), node);

	if (l == NULL)
		return false;
	return sscanf(l, "%*s %15s %" SCNu64 " %" SCNu64, state, calls, vectors) == 3;
}

/* The count of `reason` in `show errors`, 0 if absent. */
static uint64_t
errors_of(const char *reason)
{
	const char *text = cmd_ok("show errors");
	const char *p = strstr(text, reason);
	uint64_t n = 0;

	if (p == NULL)
		return 0;
	while (p > text && p[-1] != '\n')
		p--;
	CU_ASSERT_EQUAL(sscanf(p, "%" SCNu64, &n), 1);
	return n;
}

/* The value of counter row `name` in `show interface IF`. */
static uint64_t
if_counter(const char *ifname, const char *name)
{
	char line[64];
	const char *p;
	uint64_t v = UINT64_MAX;

	snprintf(line, sizeof(line), "show interface %s", ifname);
	p = strstr(cmd_ok(line), name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(sscanf(p + strlen(name), "%" SCNu64, &v), 1);
	return v;
}

/* Sends n packets to error-drop with reason code, charged to rx_if. */
static void
drop_pkts(uint16_t n, uint16_t code, uint16_t rx_if)
{
	struct rte_mbuf **m = calloc(n, sizeof(*m));

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	for (uint16_t i = 0; i < n; i++) {
		m[i] = vt_pkt(64, rx_if);
		vn_buf(m[i])->error = code;
	}
	vt_inject(g, "error-drop", m, n);
	free(m);
}

/* --- fixture --------------------------------------------------------------------- */

static int
suite_init(void)
{
	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0)
		return -1;
	if (vn_interface_create_virtual("lan0", mac_lan0, 1500, NULL) < 0 ||
	    vn_interface_create_virtual("lan1", mac_lan1, 1500, NULL) < 0)
		return -1;
	if (vn_fib_init(1u << 16) < 0 || vn_neighbor_init() < 0 || vn_graph_build() < 0)
		return -1;
	g = vn_graph_create(0);
	out = vn_cli_out_new();
	return g != NULL && out != NULL ? 0 : -1;
}

static int
suite_fini(void)
{
	vn_cli_out_free(out);
	vn_graph_destroy(g);
	vn_neighbor_fini();
	vn_fib_fini();
	vn_interface_close_all();
	return 0;
}

/* --- system ------------------------------------------------------------------------- */

static void
test_version_plugins_quit(void)
{
	char want[128];
	const char *t = cmd_ok("show version");

	snprintf(want, sizeof(want), "vecnet %s (%s)\n", VN_VERSION, rte_version());
	CU_ASSERT(has(t, want));
	CU_ASSERT(has(t, "uptime "));
	expect_err("show version x",
		   "unexpected 'x' (word 3): expected one of: keyword 'verbose', end of line");
	CU_ASSERT_STRING_EQUAL(cmd_ok("show plugins"), "no plugins loaded\n");
	expect_err("show plugins all", "unexpected 'all' (word 3): expected one of: end of line");
	CU_ASSERT_STRING_EQUAL(cmd_ok("quit"), "");
	expect_err("quit now", "unexpected 'now' (word 2): expected one of: end of line");
}

static void
test_threads(void)
{
	uint64_t hz = rte_get_tsc_hz();
	struct vn_graph *w = vn_graph_create(1);
	const char *t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	t = cmd_ok("show threads");
	CU_ASSERT(has(t, "Lcore"));
	CU_ASSERT(has(t, "main"));
	CU_ASSERT(has(t, "worker 0"));
	CU_ASSERT(has(t, "stopped")); /* the engine is not running in a unit test */

	/* Running: a worker whose loop last came round 2 s ago is stalled. */
	vn_engine.running = true;
	vn_graph_rt(w)->heartbeat_tsc = rte_rdtsc() - 2 * hz;
	t = cmd_ok("show threads");
	CU_ASSERT(has(line_of(t, "1") ?: "", "stalled"));
	CU_ASSERT(has(line_of(t, "0") ?: "", "running"));
	vn_graph_rt(w)->heartbeat_tsc = rte_rdtsc();
	t = cmd_ok("show threads");
	CU_ASSERT(has(line_of(t, "1") ?: "", "running"));
	CU_ASSERT(lacks(t, "stalled"));
	vn_engine.running = false;
	expect_err("show threads 1", "unexpected '1' (word 3): expected one of: end of line");
	vn_graph_destroy(w);
	CU_ASSERT(lacks(cmd_ok("show threads"), "worker 0"));
}

static void
test_graph(void)
{
	const char *t = cmd_ok("show graph");
	char buf[64];

	CU_ASSERT(has(t, "Name"));
	CU_ASSERT(has(t, "error-drop"));
	CU_ASSERT(has(t, "vt-source"));
	CU_ASSERT(has(line_of(t, "vt-source") ?: "", "input"));
	CU_ASSERT(has(line_of(t, "ip4-input") ?: "", "internal"));

	t = cmd_ok("show graph ip4-input");
	CU_ASSERT(has(t, "[0] error-drop"));
	snprintf(buf, sizeof(buf), "[%u] ip4-lookup", 1);
	CU_ASSERT(has(t, buf));
	CU_ASSERT(has(t, "previous: "));
	CU_ASSERT(has(t, "ethernet-input"));
	CU_ASSERT(lacks(t, "port-rx"));
	expect_err("show graph no-such-node", "show graph: no node 'no-such-node'");
	expect_err("show graph ip4-input extra",
		   "unexpected 'extra' (word 4): expected one of: end of line");
}

/* --- runtime and errors ------------------------------------------------------------------ */

static void
test_runtime(void)
{
	uint16_t drop = vt_node_index("error-drop"), src = vt_node_index("vt-source");
	uint64_t calls, vectors, raw_calls;
	char state[16];

	cmd_ok("clear runtime");
	CU_ASSERT_FALSE(runtime_of("error-drop", state, &calls, &vectors));
	CU_ASSERT(has(cmd_ok("show runtime"), "Thread 0 main"));
	CU_ASSERT(has(cmd_ok("show runtime"), "Clocks/Packet"));

	drop_pkts(5, 0, VN_IF_MAX);
	CU_ASSERT_TRUE(runtime_of("error-drop", state, &calls, &vectors));
	CU_ASSERT_STRING_EQUAL(state, "active");
	CU_ASSERT_EQUAL(calls, 1);
	CU_ASSERT_EQUAL(vectors, 5);

	/* An input node is "polling"; what it produced reaches error-drop too. */
	vt_src_budget = 7;
	CU_ASSERT_EQUAL(vn_graph_run_once(g), 7);
	CU_ASSERT_TRUE(runtime_of("vt-source", state, &calls, &vectors));
	CU_ASSERT_STRING_EQUAL(state, "polling");
	CU_ASSERT_EQUAL(calls, 1);
	CU_ASSERT_EQUAL(vectors, 7);
	CU_ASSERT_TRUE(runtime_of("error-drop", state, &calls, &vectors));
	CU_ASSERT_EQUAL(calls, 2);
	CU_ASSERT_EQUAL(vectors, 12);
	CU_ASSERT(has(cmd_ok("show runtime"), "total"));

	/* clear zeroes the view, never the thread's own counters. */
	raw_calls = vn_graph_rt(g)->nodes[drop].calls;
	cmd_ok("clear runtime");
	CU_ASSERT_EQUAL(vn_graph_rt(g)->nodes[drop].calls, raw_calls);
	CU_ASSERT_EQUAL(vn_graph_rt(g)->nodes[src].vectors >= 7, true);
	CU_ASSERT_FALSE(runtime_of("error-drop", state, &calls, &vectors));
	CU_ASSERT_FALSE(runtime_of("vt-source", state, &calls, &vectors));
	drop_pkts(3, 0, VN_IF_MAX);
	CU_ASSERT_TRUE(runtime_of("error-drop", state, &calls, &vectors));
	CU_ASSERT_EQUAL(calls, 1);
	CU_ASSERT_EQUAL(vectors, 3);

	expect_err("show runtime verbose",
		   "unexpected 'verbose' (word 3): expected one of: end of line");
	expect_err("clear runtime now", "unexpected 'now' (word 3): expected one of: end of line");
}

static void
test_errors(void)
{
	const char *csum = "bad IPv4 header checksum";
	uint16_t code = vt_err("ip4-input", csum);
	uint64_t raw;
	const char *t;

	cmd_ok("clear errors");
	t = cmd_ok("show errors");
	CU_ASSERT(has(t, "Count"));
	CU_ASSERT(has(t, "Reason"));
	CU_ASSERT(lacks(t, csum));

	drop_pkts(4, code, VN_IF_MAX);
	CU_ASSERT_EQUAL(errors_of(csum), 4);
	CU_ASSERT(has(cmd_ok("show errors"), "ip4-input"));
	drop_pkts(2, code, VN_IF_MAX);
	CU_ASSERT_EQUAL(errors_of(csum), 6);

	/* More than a node's queue in one go: the excess is a frame overflow. */
	drop_pkts(VN_NODE_QUEUE + 6, code, VN_IF_MAX);
	CU_ASSERT_EQUAL(errors_of(csum), 6 + VN_NODE_QUEUE);
	CU_ASSERT_EQUAL(errors_of("frame overflow"), 6);

	raw = g->error_counts[code];
	cmd_ok("clear errors");
	CU_ASSERT_EQUAL(g->error_counts[code], raw);
	CU_ASSERT_EQUAL(errors_of(csum), 0);
	CU_ASSERT_EQUAL(errors_of("frame overflow"), 0);
	drop_pkts(1, code, VN_IF_MAX);
	CU_ASSERT_EQUAL(errors_of(csum), 1);

	expect_err("show errors all", "unexpected 'all' (word 3): expected one of: end of line");
	expect_err("clear errors x", "unexpected 'x' (word 3): expected one of: end of line");
}

/* --- interfaces --------------------------------------------------------------------------- */

static void
test_show_interface(void)
{
	const char *t = cmd_ok("show interface");

	CU_ASSERT(has(t, "Counter"));
	CU_ASSERT(has(line_of(t, "lan0") ?: "", "up"));
	CU_ASSERT(has(line_of(t, "lan0") ?: "", "1500"));
	CU_ASSERT(has(line_of(t, "lan0") ?: "", "rx packets"));
	CU_ASSERT(has(t, "tx-error"));
	CU_ASSERT(has(t, "lan1"));
	t = cmd_ok("show interface lan0");
	CU_ASSERT(has(t, "lan0"));
	CU_ASSERT(lacks(t, "lan1"));
	expect_err("show interface bogus",
		   "unexpected 'bogus' (word 3): expected one of: interface name, end of line");

	/* Counters: drops charged to lan0, then `clear interfaces` restarts the view. */
	cmd_ok("clear interfaces");
	CU_ASSERT_EQUAL(if_counter("lan0", "drops"), 0);
	drop_pkts(3, 0, 0);
	CU_ASSERT_EQUAL(if_counter("lan0", "drops"), 3);
	CU_ASSERT_EQUAL(if_counter("lan1", "drops"), 0);
	cmd_ok("clear interfaces");
	CU_ASSERT_EQUAL(if_counter("lan0", "drops"), 0);
	CU_ASSERT_EQUAL(vn_if_counters_of(g, 0)->drops >= 3, true);
	expect_err("clear interfaces lan0",
		   "unexpected 'lan0' (word 3): expected one of: end of line");

	/* VPP's layout; a DPDK port's own lines are test_cli_net's. */
	t = cmd_ok("show hardware-interfaces");
	CU_ASSERT(has(t, "Name"));
	CU_ASSERT(has(t, "Hardware\n"));
	CU_ASSERT(has(line_of(t, "lan0") ?: "", "0      up   virtual\n"));
	CU_ASSERT(has(line_of(t, "lan1") ?: "", "1      up   virtual\n"));
	CU_ASSERT(has(t, "  driver virtual, no DPDK port\n"));
	CU_ASSERT(has(t, "  Ethernet address 02:00:00:00:aa:00\n"));
	CU_ASSERT(lacks(cmd_ok("show hardware-interfaces lan1"), "lan0"));
	expect_err("show hardware-interfaces x", "unexpected 'x' (word 3): expected one of: "
						 "keyword 'verbose', interface name, end of line");
}

static void
test_set_interface(void)
{
	char **c;
	size_t n;

	/* The engine's interface-name ops are installed without any init call. */
	CU_ASSERT_EQUAL_FATAL(vn_cli_complete("set interface state l", &c, &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	if (n == 2) {
		CU_ASSERT_STRING_EQUAL(c[0], "lan0");
		CU_ASSERT_STRING_EQUAL(c[1], "lan1");
	}
	vn_cli_complete_free(c, n);

	cmd_ok("set interface state lan1 down");
	CU_ASSERT(has(line_of(cmd_ok("show interface lan1"), "lan1") ?: "", "down"));
	CU_ASSERT_FALSE(vn_interface_get(1)->admin_up);
	cmd_ok("set interface state lan1 up");
	CU_ASSERT_TRUE(vn_interface_get(1)->admin_up);
	expect_err("set interface state lan1 sideways", "unexpected 'sideways' (word 5): expected "
							"one of: keyword 'up', keyword 'down'");
	expect_err("set interface state lan9 up",
		   "unexpected 'lan9' (word 4): expected one of: interface name");
	expect_err("set interface state lan1",
		   "missing argument: expected one of: keyword 'up', keyword 'down'");
	expect_err("set interface state lan1 up now",
		   "unexpected 'now' (word 6): expected one of: end of line");

	cmd_ok("set interface mtu 9000 lan1");
	CU_ASSERT_EQUAL(vn_interface_get(1)->mtu, 9000);
	CU_ASSERT(has(line_of(cmd_ok("show interface lan1"), "lan1") ?: "", "9000"));
	cmd_ok("set interface mtu 1500 lan1");
	expect_err("set interface mtu 10 lan1",
		   "unexpected '10' (word 4): expected one of: keyword 'packet', number 68-9000");
	expect_err("set interface mtu lan1 1500",
		   "unexpected 'lan1' (word 4): expected one of: keyword 'packet', number 68-9000");
	expect_err("set interface mtu 1500", "missing argument: expected one of: interface name");

	cmd_ok("set interface ip address lan0 10.0.1.1/24");
	CU_ASSERT(has(cmd_ok("show interface lan0"), "address 10.0.1.1/24"));
	CU_ASSERT(has(cmd_ok("show ip fib"), "10.0.1.0/24 (connected)"));
	CU_ASSERT(has(cmd_ok("show ip fib"), "10.0.1.1/32 (local)"));
	expect_err("set interface ip address lan1 10.0.1.1/24",
		   "set interface ip address lan1 10.0.1.1/24: address already in use");
	expect_err("set interface ip address lan1 10.0.2.0/24",
		   "set interface ip address lan1 10.0.2.0/24: not a host address (zero, network "
		   "or broadcast)");
	expect_err("set interface ip address del lan0 10.9.9.9/24",
		   "set interface ip address del lan0 10.9.9.9/24: no such address on the "
		   "interface");
	expect_err("set interface ip address lan0 10.0.1.1",
		   "unexpected '10.0.1.1' (word 6): expected one of: prefix A.B.C.D/LEN, "
		   "prefix X:X::X/LEN");
	expect_err("set interface ip address foo 1.2.3.4/24",
		   "unexpected 'foo' (word 5): expected one of: keyword 'del', interface name");
	cmd_ok("set interface ip address del lan0 10.0.1.1/24");
	CU_ASSERT(lacks(cmd_ok("show interface lan0"), "address"));
	CU_ASSERT(lacks(cmd_ok("show ip fib"), "10.0.1.0/24"));
}

/* --- ip ------------------------------------------------------------------------------------- */

static void
test_ip_route(void)
{
	const char *t;

	cmd_ok("set interface ip address lan0 10.0.1.1/24");
	cmd_ok("set interface ip address lan1 10.0.2.1/24");

	cmd_ok("ip route add 10.5.0.0/16 via 10.0.1.9");
	t = cmd_ok("show ip fib 10.5.0.0/16");
	CU_ASSERT(has(t, "10.5.0.0/16 (static)\n  via 10.0.1.9 -> "));
	CU_ASSERT(has(t, "lan0"));
	/* An address gives the longest match; host bits in a prefix are masked as in VPP. */
	CU_ASSERT(has(cmd_ok("show ip fib 10.5.7.7"), "10.5.0.0/16 (static)"));
	CU_ASSERT(has(cmd_ok("show ip fib 10.0.2.7"), "10.0.2.0/24 (connected)"));
	CU_ASSERT(has(cmd_ok("show ip fib 10.5.1.1/16"), "10.5.0.0/16 (static)"));
	t = cmd_ok("show ip fib");
	CU_ASSERT(has(t, "ipv4 fib: 5 routes"));
	CU_ASSERT(has(t, "10.0.2.0/24 (connected)\n  via lan1 -> glean lan1\n"));
	CU_ASSERT(has(t, "10.5.0.0/16 (static)"));

	cmd_ok("ip route del 10.5.0.0/16");
	expect_err("show ip fib 10.5.0.0/16", "show ip fib 10.5.0.0/16: no such route");
	expect_err("show ip fib 10.5.7.7", "show ip fib 10.5.7.7: no route");
	expect_err("ip route del 10.5.0.0/16", "ip route del 10.5.0.0/16: no such route");

	/* Several vias are ECMP; one path can be deleted on its own. */
	cmd_ok("ip route add 10.6.0.0/16 via 10.0.1.9 lan0 via 10.0.2.9 lan1");
	t = cmd_ok("show ip fib 10.6.0.0/16");
	CU_ASSERT(has(t, "  via 10.0.1.9 lan0 -> "));
	CU_ASSERT(has(t, "  via 10.0.2.9 lan1 -> "));
	cmd_ok("ip route del 10.6.0.0/16 via 10.0.2.9 lan1");
	t = cmd_ok("show ip fib 10.6.0.0/16");
	CU_ASSERT(has(t, "via 10.0.1.9 lan0"));
	CU_ASSERT(lacks(t, "10.0.2.9"));
	expect_err("ip route del 10.6.0.0/16 via 10.0.3.3",
		   "ip route del 10.6.0.0/16 via 10.0.3.3: no such path");
	cmd_ok("ip route del 10.6.0.0/16 via 10.0.1.9");
	expect_err("show ip fib 10.6.0.0/16", "show ip fib 10.6.0.0/16: no such route");

	cmd_ok("ip route add 203.0.113.0/24 via drop");
	CU_ASSERT(has(cmd_ok("show ip fib 203.0.113.0/24"), "203.0.113.0/24 (static)\n  -> drop\n"));
	cmd_ok("ip route del 203.0.113.0/24");

	/* Parse errors name the word and what would have fitted. */
	expect_err("ip route add 10.7.0.0/16 via",
		   "missing argument: expected one of: keyword 'drop', IPv4 address");
	expect_err("ip route add 10.7.0.0/16 via 10.0.1.9 foo",
		   "unexpected 'foo' (word 7): expected one of: interface name, keyword 'via', end "
		   "of line");
	expect_err("ip route add 10.7.0.0/16 gateway 1.2.3.4",
		   "unexpected 'gateway' (word 5): expected one of: keyword 'via'");
	expect_err("ip route add 10.7.0.0 via 1.2.3.4",
		   "unexpected '10.7.0.0' (word 4): expected one of: prefix A.B.C.D/LEN, "
		   "prefix X:X::X/LEN");
	expect_err("ip route add 10.7.0.0/16 via drop now",
		   "unexpected 'now' (word 7): expected one of: end of line");
	expect_err("ip route del 10.7.0.0/16 via",
		   "missing argument: expected one of: IPv4 address");
	expect_err("show ip fib 10.7",
		   "unexpected '10.7' (word 4): expected one of: prefix A.B.C.D/LEN, IPv4 "
		   "address, end of line");
	/* Control errors. */
	expect_err("ip route add 10.0.1.0/24 via 10.0.2.9",
		   "ip route add 10.0.1.0/24 via 10.0.2.9: a connected or local route holds this "
		   "prefix");
	expect_err("ip route del 10.0.1.0/24", "ip route del 10.0.1.0/24: a connected or local "
					       "route: delete the interface address instead");
	CU_ASSERT(has(cmd_ok("show ip fib"), "ipv4 fib: 4 routes"));

	cmd_ok("set interface ip address del lan0 10.0.1.1/24");
	cmd_ok("set interface ip address del lan1 10.0.2.1/24");
	CU_ASSERT_EQUAL(vn_fib_route_count(), 0);
}

static void
test_neighbor(void)
{
	const char *t;

	cmd_ok("set interface ip address lan0 10.0.1.1/24");
	cmd_ok("set ip neighbor lan0 10.0.1.2 02:00:00:00:01:02 static");
	cmd_ok("set ip neighbor lan0 10.0.1.3 02:00:00:00:01:03");
	t = cmd_ok("show ip neighbors");
	CU_ASSERT(has(t, "Flags"));
	CU_ASSERT(has(t, "10.0.1.2         S      02:00:00:00:01:02  lan0\n"));
	CU_ASSERT(has(t, "10.0.1.3         D      02:00:00:00:01:03  lan0\n"));
	CU_ASSERT(lacks(cmd_ok("show ip neighbors lan1"), "10.0.1."));

	/* A route via a resolved neighbour rewrites towards its MAC. */
	cmd_ok("ip route add 10.8.0.0/16 via 10.0.1.2 lan0");
	CU_ASSERT(has(cmd_ok("show ip fib 10.8.0.0/16"), "rewrite lan0"));
	CU_ASSERT(has(cmd_ok("show ip fib 10.8.0.0/16"), "02:00:00:00:01:02"));
	cmd_ok("ip route del 10.8.0.0/16");

	expect_err("set ip neighbor lan0 10.0.1.2 02:00:00:00:01:09",
		   "set ip neighbor lan0 10.0.1.2: a static entry exists (add with static to "
		   "replace it)");
	cmd_ok("set ip neighbor del lan0 10.0.1.3");
	CU_ASSERT(lacks(cmd_ok("show ip neighbors"), "10.0.1.3"));
	expect_err("set ip neighbor del lan0 10.0.1.3",
		   "set ip neighbor del lan0 10.0.1.3: no such neighbor");
	cmd_ok("set ip neighbor del lan0 10.0.1.2 02:00:00:00:01:02");
	CU_ASSERT(lacks(cmd_ok("show ip neighbors"), "10.0.1.2"));

	expect_err("set ip neighbor lan0 10.0.1.4 zz",
		   "unexpected 'zz' (word 6): expected one of: MAC address");
	expect_err("set ip neighbor lan0 10.0.1.4 02:00:00:00:01:04 permanent",
		   "unexpected 'permanent' (word 7): expected one of: keyword 'static', end of "
		   "line");
	expect_err("set ip neighbor eth7 10.0.1.4 02:00:00:00:01:04",
		   "unexpected 'eth7' (word 4): expected one of: keyword 'del', interface name");
	expect_err("show ip neighbors x",
		   "unexpected 'x' (word 4): expected one of: interface name, end of line");
	cmd_ok("set interface ip address del lan0 10.0.1.1/24");
}

/* The same commands take IPv6: one parser for both families, the family's
 * table behind it; show ip neighbors lists both, show ip6 neighbors adds ND's
 * state. */
static void
test_dual_stack(void)
{
	const char *t;

	cmd_ok("set interface ip address lan0 10.0.1.1/24");
	cmd_ok("set interface ip address lan0 2001:db8:1::1/64");
	cmd_ok("set ip neighbor lan0 10.0.1.2 02:00:00:00:01:02 static");
	cmd_ok("set ip neighbor lan0 2001:db8:1::2 02:00:00:00:01:22 static");
	cmd_ok("set ip neighbor lan0 2001:db8:1::3 02:00:00:00:01:23");
	CU_ASSERT_EQUAL(vn_nbr_count(VN_NBR_IP4), 1);
	CU_ASSERT_EQUAL(vn_nbr_count(VN_NBR_IP6), 2);
	t = cmd_ok("show ip neighbors");
	CU_ASSERT(has(t, "10.0.1.2         S      02:00:00:00:01:02  lan0\n"));
	CU_ASSERT(has(t, "2001:db8:1::2    S      02:00:00:00:01:22  lan0\n"));
	CU_ASSERT(has(t, "2001:db8:1::3    D      02:00:00:00:01:23  lan0\n"));
	CU_ASSERT(strstr(t, "10.0.1.2") < strstr(t, "2001:db8:1::2")); /* IPv4 first, as VPP */
	t = cmd_ok("show ip6 neighbors");
	CU_ASSERT(has(t, "Ethernet           State      Interface\n"));
	CU_ASSERT(has(t, "2001:db8:1::2    S      02:00:00:00:01:22  PERMANENT  lan0\n"));
	CU_ASSERT(has(t, "2001:db8:1::3    D      02:00:00:00:01:23  STALE      lan0\n"));
	CU_ASSERT(lacks(t, "10.0.1.2"));
	CU_ASSERT(lacks(cmd_ok("show ip6 neighbors lan1"), "2001:db8"));
	CU_ASSERT(lacks(cmd_ok("show ip neighbors lan1"), "2001:db8"));
	expect_err("set ip neighbor lan0 2001:db8:1::2 02:00:00:00:01:09",
		   "set ip neighbor lan0 2001:db8:1::2: a static entry exists (add with static to "
		   "replace it)");
	expect_err("set ip neighbor lan0 ff02::1 02:00:00:00:01:09",
		   "set ip neighbor lan0 ff02::1: invalid address or MAC");
	expect_err("set ip neighbor lan0 zz 02:00:00:00:01:09",
		   "unexpected 'zz' (word 5): expected one of: IPv4 address, IPv6 address");
	expect_err("set interface ip address lan0 fe80::1/64",
		   "set interface ip address lan0 fe80::1/64: not a unicast global address "
		   "(link-local ones follow the MAC)");
	expect_err("set interface ip address del lan0 2001:db8:9::1/64",
		   "set interface ip address del lan0 2001:db8:9::1/64: no such address on the "
		   "interface");
	expect_err("set interface ip address lan0 2001:db8:1::1/64",
		   "set interface ip address lan0 2001:db8:1::1/64: address already in use");
	expect_err("set interface ip address lan0 2001:db8:1::1/64 now",
		   "unexpected 'now' (word 7): expected one of: end of line");

	/* Routes: a path of the prefix's family, its errors in its words. */
	cmd_ok("ip route add 2001:db8:100::5/48 via 2001:db8:1::2 lan0");
	t = cmd_ok("show ip6 fib 2001:db8:100::/48");
	CU_ASSERT(has(t, "2001:db8:100::/48 (static)\n  via 2001:db8:1::2 lan0 -> "));
	CU_ASSERT(has(t, "02:00:00:00:01:22"));
	expect_err("ip route add 2001:db8:200::/48 via 10.0.1.2",
		   "unexpected '10.0.1.2' (word 6): expected one of: keyword 'drop', IPv6 address");
	expect_err("ip route add 2001:db8:200::/48 via fe80::1",
		   "ip route add 2001:db8:200::/48 via fe80::1: invalid route (a link-local via "
		   "needs its interface)");
	expect_err("ip route del 2001:db8:100::/48 via 2001:db8:1::9",
		   "ip route del 2001:db8:100::/48 via 2001:db8:1::9: no such path");
	cmd_ok("ip route del 2001:db8:100::/48");
	expect_err("ip route del 2001:db8:100::/48", "ip route del 2001:db8:100::/48: no such route");
	expect_err("ip route del 2001:db8:100::/48 via 2001:db8:1::2",
		   "ip route del 2001:db8:100::/48: no such route");
	cmd_ok("ip route add 2001:db8:300::/48 via drop");
	CU_ASSERT(has(cmd_ok("show ip6 fib 2001:db8:300::/48"), "(static)\n  -> drop"));
	cmd_ok("ip route del 2001:db8:300::/48");

	cmd_ok("set ip neighbor del lan0 2001:db8:1::2");
	cmd_ok("set ip neighbor del lan0 2001:db8:1::3 02:00:00:00:01:23");
	expect_err("set ip neighbor del lan0 2001:db8:1::3",
		   "set ip neighbor del lan0 2001:db8:1::3: no such neighbor");
	cmd_ok("set ip neighbor del lan0 10.0.1.2");
	CU_ASSERT_EQUAL(vn_nbr_count(VN_NBR_AF_ANY), 0);
	cmd_ok("set interface ip address del lan0 2001:db8:1::1/64");
	cmd_ok("set interface ip address del lan0 10.0.1.1/24");
}

/* --- exec ------------------------------------------------------------------------------------ */

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void
test_exec(void)
{
	char path[64], bad[64], self[64], line[256];
	const char *t;

	snprintf(path, sizeof(path), "/tmp/vn_cli_cmds_%d.cli", (int)getpid());
	snprintf(bad, sizeof(bad), "/tmp/vn_cli_cmds_bad_%d.cli", (int)getpid());
	snprintf(self, sizeof(self), "/tmp/vn_cli_cmds_self_%d.cli", (int)getpid());
	write_file(path, "# comment\nset interface mtu 1400 lan1\n\nshow interface lan1\n");
	write_file(bad, "set interface mtu 1400 lan1\nset interface mtu x lan1\n");
	snprintf(line, sizeof(line), "exec %s\n", self);
	write_file(self, line);

	snprintf(line, sizeof(line), "exec %s", path);
	t = cmd_ok(line);
	CU_ASSERT(has(line_of(t, "lan1") ?: "", "1400"));
	CU_ASSERT_EQUAL(vn_interface_get(1)->mtu, 1400);

	snprintf(line, sizeof(line), "exec %s", bad);
	t = cmd_fail(line);
	CU_ASSERT(has(t, ":2: unexpected 'x' (word 4)"));

	snprintf(line, sizeof(line), "exec %s", self);
	CU_ASSERT(has(cmd_fail(line), "nested more than 8 deep"));

	CU_ASSERT(has(cmd_fail("exec /nonexistent/file.cli"), "/nonexistent/file.cli: "));
	expect_err("exec", "missing argument: expected one of: file name");
	snprintf(line, sizeof(line), "exec %s more", path);
	expect_err(line, "unexpected 'more' (word 3): expected one of: end of line");

	cmd_ok("set interface mtu 1500 lan1");
	unlink(path);
	unlink(bad);
	unlink(self);
}

int
main(void)
{
	CU_TestInfo tests[] = {
		{"version, plugins, quit", test_version_plugins_quit},
		{"show threads", test_threads},
		{"show graph", test_graph},
		{"show/clear runtime", test_runtime},
		{"show/clear errors", test_errors},
		{"show interface, hardware, clear", test_show_interface},
		{"set interface state/mtu/ip address", test_set_interface},
		{"ip route, show ip fib", test_ip_route},
		{"set ip neighbor, show ip neighbors", test_neighbor},
		{"both families: ip route, neighbours", test_dual_stack},
		{"exec", test_exec},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"cli commands", suite_init, suite_fini, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return vn_test_run(suites);
}
