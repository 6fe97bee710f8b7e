/*
 * The network layer's vppctl commands against a real engine state: interface
 * names by unique prefix in every command that takes one, show interface
 * address, show ip fib summary, show ip neighbor, set interface mtu [packet],
 * and show hardware-interfaces on a DPDK port (net_null) whose two RX queues
 * are placed on two forwarding threads.
 *
 * Interfaces: lan0, lan1, lan10, wan0 (virtual), null0 (net_null0, 2 RX queues).
 */
#include <CUnit/CUnit.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_ethdev.h>
#include <vecnet/cli.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/port.h>
#include <vecnet/rcu.h>

#include "core/worker_priv.h"
#include "net/port_priv.h"
#include "vn_test.h"
#include "vn_test_cli.h"

enum { LAN0, LAN1, LAN10, WAN0, NULL0 };

static uint16_t null_port; /* null0's DPDK port */

/* --- helpers ---------------------------------------------------------------------- */

/* --- interface names: unique prefixes ------------------------------------------------ */

/* A command that only parses an interface name and prints its index, so the
 * argument type is seen on its own (with the engine's names or a test's). */
static int
vt_ifname_fn(struct vn_cli_out *o, struct vn_cli_args *args)
{
	uint32_t ifi;

	if (!vn_cli_arg_ifname(args, &ifi) || !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_cli_printf(o, "if %u\n", ifi);
	return 0;
}

VN_CLI_COMMAND(vt_ifname) = {
	.path = "vt-ifname",
	.syntax = "IF",
	.fn = vt_ifname_fn,
	.complete = &vn_cli_ifname,
};

static const char *const vt_names[] = {"ge0/8/0", "ge0/9/0", "ge0/10/0", "ge0/11/0", "a0", "a1"};

static int
vt_lookup(const char *name, uint32_t *if_index)
{
	for (uint32_t i = 0; i < VN_ARRAY_LEN(vt_names); i++) {
		if (strcmp(name, vt_names[i]) == 0) {
			*if_index = 100 + i;
			return 0;
		}
	}
	return -1;
}

static const char *
vt_name_at(uint32_t i)
{
	return i < VN_ARRAY_LEN(vt_names) ? vt_names[i] : NULL;
}

static const struct vn_cli_ifname_ops vt_ops = {.lookup = vt_lookup, .name_at = vt_name_at};

static void
test_ifname_prefix(void)
{
	const char *t;

	/* Exact names, unique prefixes, and an exact name that starts a longer one. */
	CU_ASSERT_STRING_EQUAL(cmd_ok("vt-ifname lan0"), "if 0\n");
	CU_ASSERT_STRING_EQUAL(cmd_ok("vt-ifname wa"), "if 3\n");
	CU_ASSERT_STRING_EQUAL(cmd_ok("vt-ifname w"), "if 3\n");
	CU_ASSERT_STRING_EQUAL(cmd_ok("vt-ifname nu"), "if 4\n");
	CU_ASSERT_STRING_EQUAL(cmd_ok("vt-ifname lan1"), "if 1\n");
	CU_ASSERT_STRING_EQUAL(cmd_ok("vt-ifname lan10"), "if 2\n");
	CU_ASSERT_STRING_EQUAL(cmd_ok("vt-ifname lan0"), "if 0\n");

	/* Ambiguous: refused, with every candidate named. */
	expect_err("vt-ifname lan", "unexpected 'lan' (word 2): expected one of: interface name "
				    "(ambiguous: lan0, lan1, lan10)");
	expect_err("vt-ifname l", "unexpected 'l' (word 2): expected one of: interface name "
				  "(ambiguous: lan0, lan1, lan10)");
	/* The next failure is a plain one again: nothing left over. */
	expect_err("vt-ifname lan2", "unexpected 'lan2' (word 2): expected one of: interface name");
	expect_err("vt-ifname wan00",
		   "unexpected 'wan00' (word 2): expected one of: interface name");
	expect_err("vt-ifname \"\"", "unexpected '' (word 2): expected one of: interface name");
	expect_err("vt-ifname", "missing argument: expected one of: interface name");

	/* Every command that takes an interface gets it. */
	t = cmd_ok("show interface wa");
	CU_ASSERT_PTR_NOT_NULL(line_of(t, "wan0"));
	CU_ASSERT_PTR_NULL(line_of(t, "lan0"));
	t = cmd_ok("show interface lan1");
	CU_ASSERT_PTR_NOT_NULL(line_of(t, "lan1"));
	CU_ASSERT_PTR_NULL(line_of(t, "lan10"));
	expect_err("show interface lan", "unexpected 'lan' (word 3): expected one of: interface "
					 "name (ambiguous: lan0, lan1, lan10), end of line");
	cmd_ok("set interface state wa down");
	CU_ASSERT_FALSE(vn_interface_get(WAN0)->admin_up);
	cmd_ok("set interface state wan up");
	CU_ASSERT_TRUE(vn_interface_get(WAN0)->admin_up);
	expect_err("set interface state la up", "unexpected 'la' (word 4): expected one of: "
						"interface name (ambiguous: lan0, lan1, lan10)");
	CU_ASSERT_TRUE(vn_interface_get(LAN0)->admin_up);
	CU_ASSERT_TRUE(vn_interface_get(LAN1)->admin_up);
	cmd_ok("set interface ip address lan1 10.0.1.1/24");
	expect_err("ip route add 10.7.0.0/16 via 10.0.1.9 lan",
		   "unexpected 'lan' (word 7): expected one of: interface name (ambiguous: lan0, "
		   "lan1, lan10), keyword 'via', end of line");
	cmd_ok("ip route add 10.7.0.0/16 via 10.0.1.9 lan1");
	CU_ASSERT(has(cmd_ok("show ip fib 10.7.0.0/16"), "via 10.0.1.9 lan1"));
	cmd_ok("ip route del 10.7.0.0/16");
	cmd_ok("set interface ip address del lan1 10.0.1.1/24");

	/* A test's own names (vn_cli_set_ifname_ops) get the same rules; a message
	 * too long for the parser names what fits and ends in "...". */
	vn_cli_set_ifname_ops(&vt_ops);
	CU_ASSERT_STRING_EQUAL(cmd_ok("vt-ifname ge0/10"), "if 102\n");
	CU_ASSERT_STRING_EQUAL(cmd_ok("vt-ifname a1"), "if 105\n");
	expect_err("vt-ifname a", "unexpected 'a' (word 2): expected one of: interface name "
				  "(ambiguous: a0, a1)");
	expect_err("vt-ifname ge0/1", "unexpected 'ge0/1' (word 2): expected one of: interface "
				      "name (ambiguous: ge0/10/0, ge0/11/0)");
	expect_err("vt-ifname ge", "unexpected 'ge' (word 2): expected one of: interface name "
				   "(ambiguous: ge0/8/0, ...)");
	expect_err("vt-ifname lan0", "unexpected 'lan0' (word 2): expected one of: interface name");
	vn_cli_set_ifname_ops(NULL);
	CU_ASSERT_STRING_EQUAL(cmd_ok("vt-ifname lan0"), "if 0\n");
	expect_err("vt-ifname ge", "unexpected 'ge' (word 2): expected one of: interface name");
}

/* --- show interface address ------------------------------------------------------- */

static void
test_if_address(void)
{
	const char *t;

	/* VPP's layout: "NAME (up|dn):", then "  L3 ADDR/LEN" per address. */
	CU_ASSERT_STRING_EQUAL(cmd_ok("show interface address lan0"), "lan0 (up):\n");
	cmd_ok("set interface ip address lan0 10.0.1.1/24");
	cmd_ok("set interface ip address wan0 192.0.2.1/24");
	cmd_ok("set interface ip address wan0 198.51.100.1/30");
	CU_ASSERT_STRING_EQUAL(cmd_ok("show interface address lan0"), "lan0 (up):\n"
								      "  L3 10.0.1.1/24\n");
	CU_ASSERT_STRING_EQUAL(cmd_ok("show interface address wa"), "wan0 (up):\n"
								    "  L3 192.0.2.1/24\n"
								    "  L3 198.51.100.1/30\n");
	CU_ASSERT_STRING_EQUAL(cmd_ok("show interface address"), "lan0 (up):\n"
								 "  L3 10.0.1.1/24\n"
								 "lan1 (up):\n"
								 "lan10 (up):\n"
								 "wan0 (up):\n"
								 "  L3 192.0.2.1/24\n"
								 "  L3 198.51.100.1/30\n"
								 "null0 (up):\n");
	cmd_ok("set interface state lan0 down");
	CU_ASSERT(has(cmd_ok("show interface address lan0"), "lan0 (dn):\n  L3 10.0.1.1/24\n"));
	cmd_ok("set interface state lan0 up");

	cmd_ok("set interface ip address del wan0 192.0.2.1/24");
	t = cmd_ok("show interface address wan0");
	CU_ASSERT_STRING_EQUAL(t, "wan0 (up):\n  L3 198.51.100.1/30\n");
	cmd_ok("set interface ip address del wan0 198.51.100.1/30");
	cmd_ok("set interface ip address del lan0 10.0.1.1/24");
	CU_ASSERT(lacks(cmd_ok("show interface address"), "L3"));

	expect_err("show interface address bogus",
		   "unexpected 'bogus' (word 4): expected one of: interface name, end of line");
	expect_err("show interface address lan0 lan1",
		   "unexpected 'lan1' (word 5): expected one of: end of line");
}

/* --- show ip fib summary ----------------------------------------------------------------- */

/* The Count of prefix length len in `show ip fib summary`; 0 if not listed. */
static uint32_t
fib_count(uint32_t len)
{
	const char *t = cmd_ok("show ip fib summary");
	uint32_t l, n;

	for (const char *p = t; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (sscanf(p, "%u %u", &l, &n) == 2 && l == len)
			return n;
	return 0;
}

static void
test_fib_summary(void)
{
	static const char head[] = "ipv4-VRF:0, fib_index:0\n"
				   "   Prefix length         Count      \n";
	char want[256];

	CU_ASSERT_STRING_EQUAL(cmd_ok("show ip fib summary"), head);

	/* An address: its connected /24 and local /32. */
	cmd_ok("set interface ip address lan0 10.0.1.1/24");
	snprintf(want, sizeof(want), "%s%20u%16u\n%20u%16u\n", head, 24, 1, 32, 1);
	CU_ASSERT_STRING_EQUAL(cmd_ok("show ip fib summary"), want);

	/* Three /24 and one /32 more, a /16 and a default route. */
	cmd_ok("ip route add 10.10.0.0/24 via 10.0.1.9");
	cmd_ok("ip route add 10.10.1.0/24 via 10.0.1.9");
	cmd_ok("ip route add 10.10.2.0/24 via drop");
	cmd_ok("ip route add 10.20.0.7/32 via 10.0.1.9");
	CU_ASSERT_EQUAL(fib_count(24), 4);
	CU_ASSERT_EQUAL(fib_count(32), 2);
	CU_ASSERT_EQUAL(fib_count(16), 0);
	cmd_ok("ip route add 10.30.0.0/16 via 10.0.1.9");
	cmd_ok("ip route add 0.0.0.0/0 via 10.0.1.9");
	/* Shortest prefix first, as VPP lists them. */
	snprintf(want, sizeof(want), "%s%20u%16u\n%20u%16u\n%20u%16u\n%20u%16u\n", head, 0, 1, 16,
		 1, 24, 4, 32, 2);
	CU_ASSERT_STRING_EQUAL(cmd_ok("show ip fib summary"), want);
	CU_ASSERT_EQUAL(vn_fib_route_count(), 8);

	/* Deleting moves the counts back. */
	cmd_ok("ip route del 10.10.0.0/24");
	cmd_ok("ip route del 10.10.2.0/24");
	cmd_ok("ip route del 10.20.0.7/32");
	CU_ASSERT_EQUAL(fib_count(24), 2);
	CU_ASSERT_EQUAL(fib_count(32), 1);
	cmd_ok("ip route del 10.10.1.0/24");
	cmd_ok("ip route del 10.30.0.0/16");
	cmd_ok("ip route del 0.0.0.0/0");
	cmd_ok("set interface ip address del lan0 10.0.1.1/24");
	CU_ASSERT_STRING_EQUAL(cmd_ok("show ip fib summary"), head);

	/* `show ip fib` itself is unchanged beside it. */
	CU_ASSERT(has(cmd_ok("show ip fib"), "ipv4 fib: 0 routes"));
	expect_err("show ip fib summary 24",
		   "unexpected '24' (word 5): expected one of: end of line");
}

/* --- show ip neighbor -------------------------------------------------------------------- */

/* text without each line's first column (the neighbour's age, which moves). */
static char *
without_age(const char *text)
{
	char *s = malloc(strlen(text) + 1), *d = s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (const char *p = text; *p != '\0';) {
		size_t len;

		p += strspn(p, " ");
		p += strcspn(p, " \n");
		len = strcspn(p, "\n");
		len += p[len] == '\n';
		memcpy(d, p, len);
		d += len;
		p += len;
	}
	*d = '\0';
	return s;
}

static void
neighbor_same(const char *a, const char *b)
{
	char *ta = cmd_copy(a), *tb = cmd_copy(b);
	char *wa = without_age(ta), *wb = without_age(tb);

	if (strcmp(wa, wb) != 0)
		fprintf(stderr, "\n  '%s':\n%s\n  '%s':\n%s\n", a, ta, b, tb);
	CU_ASSERT_STRING_EQUAL(wa, wb);
	free(ta);
	free(tb);
	free(wa);
	free(wb);
}

static void
test_neighbor_alias(void)
{
	const char *err, *t;
	char *e;

	cmd_ok("set interface ip address lan0 10.0.1.1/24");
	cmd_ok("set interface ip address wan0 192.0.2.1/24");
	cmd_ok("set ip neighbor lan0 10.0.1.2 02:00:00:00:01:02 static");
	cmd_ok("set ip neighbor lan0 10.0.1.3 02:00:00:00:01:03");
	cmd_ok("set ip neighbor wan0 192.0.2.9 02:00:00:00:02:09");

	CU_ASSERT(has(cmd_ok("show ip neighbor"), "10.0.1.2         S      02:00:00:00:01:02  lan0\n"));
	CU_ASSERT(has(cmd_ok("show ip neighbor"), "192.0.2.9        D      02:00:00:00:02:09  wan0\n"));
	neighbor_same("show ip neighbor", "show ip neighbors");
	neighbor_same("show ip neighbor lan0", "show ip neighbors lan0");
	neighbor_same("show ip neighbor wa", "show ip neighbors wan0");
	CU_ASSERT(lacks(cmd_ok("show ip neighbor wan0"), "10.0.1."));

	err = cmd_fail("show ip neighbors x");
	e = strdup(err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(cmd_fail("show ip neighbor x"), e);
	free(e);
	CU_ASSERT(has(cmd_ok("help show ip"), "show ip neighbor [IF]"));
	CU_ASSERT(has(cmd_ok("help show ip"), "show ip neighbors [IF]"));

	cmd_ok("set ip neighbor del lan0 10.0.1.2");
	cmd_ok("set ip neighbor del lan0 10.0.1.3");
	cmd_ok("set ip neighbor del wan0 192.0.2.9");
	cmd_ok("set interface ip address del lan0 10.0.1.1/24");
	cmd_ok("set interface ip address del wan0 192.0.2.1/24");
	t = cmd_ok("show ip neighbor");
	CU_ASSERT(has(t, "Interface\n"));
	CU_ASSERT(lacks(t, "02:00:00:00:0"));
}

/* --- set interface mtu [packet] ------------------------------------------------------- */

static void
test_mtu_packet(void)
{
	cmd_ok("set interface mtu packet 1400 lan1");
	CU_ASSERT_EQUAL(vn_interface_get(LAN1)->mtu, 1400);
	CU_ASSERT(has(line_of(cmd_ok("show interface lan1"), "lan1") ?: "", " 1400 "));
	/* The older spelling, and a prefix of the name. */
	cmd_ok("set interface mtu 9000 lan1");
	CU_ASSERT_EQUAL(vn_interface_get(LAN1)->mtu, 9000);
	cmd_ok("set interface mtu packet 1280 lan10");
	CU_ASSERT_EQUAL(vn_interface_get(LAN10)->mtu, 1280);
	CU_ASSERT_EQUAL(vn_interface_get(LAN1)->mtu, 9000);
	cmd_ok("set interface mtu packet 1500 lan1");
	cmd_ok("set interface mtu packet 1500 lan10");
	CU_ASSERT(has(line_of(cmd_ok("show interface lan1"), "lan1") ?: "", " 1500 "));

	expect_err("set interface mtu packet 67 lan1",
		   "unexpected '67' (word 5): expected one of: number 68-9000");
	expect_err("set interface mtu packet lan1 1400",
		   "unexpected 'lan1' (word 5): expected one of: number 68-9000");
	expect_err("set interface mtu packet packet 1400 lan1",
		   "unexpected 'packet' (word 5): expected one of: number 68-9000");
	expect_err("set interface mtu packet 1400",
		   "missing argument: expected one of: interface name");
	expect_err("set interface mtu packet", "missing argument: expected one of: number 68-9000");
	expect_err("set interface mtu ip4 1400 lan1",
		   "unexpected 'ip4' (word 4): expected one of: keyword 'packet', number 68-9000");
	expect_err("set interface mtu packet 1400 lan1 now",
		   "unexpected 'now' (word 7): expected one of: end of line");
	CU_ASSERT_EQUAL(vn_interface_get(LAN1)->mtu, 1500);
}

/* --- show hardware-interfaces ------------------------------------------------------------ */

/* The value of counter name in text ("    name    N"); UINT64_MAX if absent. */
static uint64_t
counter_of(const char *text, const char *name)
{
	const char *p = strstr(text, name);
	uint64_t v = UINT64_MAX;

	if (p == NULL || sscanf(p + strlen(name), "%" SCNu64, &v) != 1)
		return UINT64_MAX;
	return v;
}

static void
test_show_hardware(void)
{
	static const uint32_t fwd[2] = {1, 2};
	struct rte_mbuf *m[8];
	uint16_t n;
	const char *t;
	char *v;

	/* A virtual interface: no port, no queues. */
	t = cmd_ok("show hardware-interfaces lan0");
	CU_ASSERT(has(t, "              Name               Idx    Link  Hardware\n"
			 "lan0                              0      up   virtual\n"
			 "  Link speed: unknown\n"
			 "  Ethernet address 02:00:00:00:a0:00\n"
			 "  driver virtual, no DPDK port\n"
			 "    mtu 1500, flags: admin-up\n"));
	CU_ASSERT(lacks(t, "RX Queues"));

	/* The port before any placement: its queues are polled by no thread. */
	t = cmd_ok("show hardware-interfaces null0");
	CU_ASSERT(has(t, "null0                             4      up   net_null0\n"));
	CU_ASSERT(has(t, "  RX Queues:\n    queue thread         mode\n"
			 "    0     -              unplaced\n"
			 "    1     -              unplaced\n"));

	/* Two forwarding threads, one RX queue each, and a TX queue each. */
	vn_engine.n_fwd = 2;
	vn_engine.fwd_thread[0] = fwd[0];
	vn_engine.fwd_thread[1] = fwd[1];
	vn_port_thread_txq[1] = 0;
	vn_port_thread_txq[2] = 1;
	CU_ASSERT_EQUAL_FATAL(vn_rxq_place(2, fwd), 0);
	t = cmd_ok("show hardware-interfaces null0");
	CU_ASSERT(has(t, "  RX Queues:\n    queue thread         mode\n"
			 "    0     worker 0 (1)   polling\n"
			 "    1     worker 1 (2)   polling\n"));
	CU_ASSERT(has(t, "  TX Queues:\n    queue  shared thread(s)\n"
			 "    0      no     1\n"
			 "    1      no     2\n"));
	CU_ASSERT(has(t, "  Ethernet address "));
	CU_ASSERT(has(t, "  driver net_null, port "));
	CU_ASSERT(has(t, "    carrier up full duplex mtu 1500 (device "));
	CU_ASSERT(has(t, "    rx: queues 2 (max "));
	CU_ASSERT(has(t, "    tx: queues 2 (max "));
	CU_ASSERT(has(t, "    rx offload avail:  none\n"));
	CU_ASSERT(has(t, "    tx offload active: none\n"));
	CU_ASSERT(lacks(t, "lan0"));
	/* Nothing received yet: no counter is shown unless verbose. */
	CU_ASSERT(lacks(t, "rx frames ok"));
	CU_ASSERT(lacks(t, "extended stats:"));
	v = cmd_copy("show hardware-interfaces verbose null0");
	CU_ASSERT_EQUAL(counter_of(v, "rx frames ok"), 0);
	CU_ASSERT(has(v, "    extended stats:\n"));
	CU_ASSERT_EQUAL(counter_of(v, "      rx_good_packets"), 0);
	CU_ASSERT_STRING_EQUAL(cmd_ok("show hardware-interfaces null0 verbose"), v);
	free(v);

	/* net_null receives as many packets as asked for: the counters see them. */
	n = rte_eth_rx_burst(null_port, 0, m, 8);
	CU_ASSERT_EQUAL(n, 8);
	rte_pktmbuf_free_bulk(m, n);
	t = cmd_ok("show hardware-interfaces nu");
	CU_ASSERT_EQUAL(counter_of(t, "    rx frames ok"), 8);
	CU_ASSERT_EQUAL(counter_of(t, "      rx_good_packets"), 8);
	CU_ASSERT_EQUAL(counter_of(t, "      rx_q0_packets"), 8);
	CU_ASSERT(lacks(t, "rx_q1_packets"));
	CU_ASSERT(lacks(t, "tx frames ok"));
	CU_ASSERT_EQUAL(counter_of(cmd_ok("show hardware-interfaces verbose null0"),
				   "      rx_q1_packets"), 0);

	/* All interfaces: each once, in index order. */
	t = cmd_ok("show hardware-interfaces");
	CU_ASSERT(has(t, "\nlan0 "));
	CU_ASSERT(has(t, "\nwan0 "));
	CU_ASSERT(strstr(t, "\nlan10 ") < strstr(t, "\nnull0 "));

	expect_err("show hardware-interfaces x", "unexpected 'x' (word 3): expected one of: "
						 "keyword 'verbose', interface name, end of line");
	expect_err("show hardware-interfaces verbose verbose",
		   "unexpected 'verbose' (word 4): expected one of: interface name, end of line");
	expect_err("show hardware-interfaces lan0 lan1",
		   "unexpected 'lan1' (word 4): expected one of: keyword 'verbose', end of line");
	expect_err("show hardware-interfaces lan", "unexpected 'lan' (word 3): expected one of: "
						   "keyword 'verbose', interface name (ambiguous: "
						   "lan0, lan1, lan10), end of line");

	vn_engine.n_fwd = 0;
}

/* --- fixture ------------------------------------------------------------------------ */

static int
suite_init(void)
{
	static const uint8_t mac[4][6] = {{2, 0, 0, 0, 0xa0, 0},
					  {2, 0, 0, 0, 0xa1, 0},
					  {2, 0, 0, 0, 0xa2, 0},
					  {2, 0, 0, 0, 0xb0, 0}};
	static const char *const names[4] = {"lan0", "lan1", "lan10", "wan0"};
	uint32_t ifi;

	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0)
		return -1;
	for (uint32_t i = 0; i < 4; i++)
		if (vn_interface_create_virtual(names[i], mac[i], 1500, &ifi) < 0 || ifi != i)
			return -1;
	/* Two forwarding threads (workers 0 and 1): each has its TX queue on the port. */
	vn_port_set_tx_queues(2);
	if (rte_dev_probe("net_null0") < 0 ||
	    vn_interface_create("null0", "net_null0", 2, 1500, &ifi) < 0 || ifi != NULL0)
		return -1;
	null_port = vn_interface_get(NULL0)->port_id;
	if (vn_fib_init(1u << 16) < 0 || vn_neighbor_init() < 0)
		return -1;
	out = vn_cli_out_new();
	return out != NULL ? 0 : -1;
}

static int
suite_fini(void)
{
	vn_cli_out_free(out);
	vn_neighbor_fini();
	vn_fib_fini();
	vn_interface_close_all();
	rte_eal_hotplug_remove("vdev", "net_null0");
	return 0;
}

int
main(void)
{
	CU_TestInfo tests[] = {
		{"interface names by unique prefix", test_ifname_prefix},
		{"show interface address", test_if_address},
		{"show ip fib summary", test_fib_summary},
		{"show ip neighbor", test_neighbor_alias},
		{"set interface mtu [packet]", test_mtu_packet},
		{"show hardware-interfaces", test_show_hardware},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"network commands", suite_init, suite_fini, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return vn_test_run(suites);
}
