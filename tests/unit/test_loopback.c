/*
 * Loopbacks: what one sends comes back in through loop-input on the thread
 * that owns its queue, stamped with the loopback as receive interface; a full
 * ring refuses the rest (counted), deleting one frees what it still holds;
 * the CLI's and Lua's create and delete, with their errors.
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/port.h>
#include <vecnet/rcu.h>

#include "net/loopback_priv.h"
#include "net/port_priv.h"
#include "vn_test.h"
#include "vn_test_cli.h"
#include "vn_test_graph.h"

VT_CAPTURE_NODE(eth_cap, "test-ethernet-input");

static struct vn_graph *g;

static void
graph_up(void)
{
	g = vn_graph_create(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	vt_redirect(g, "loop-input", "ethernet-input", "test-ethernet-input");
}

static void
graph_down(void)
{
	vt_capture_reset(&eth_cap);
	vn_graph_destroy(g);
	g = NULL;
}

static int
suite_init(void)
{
	static const uint32_t main_only[] = {0};

	out = vn_cli_out_new();
	if (!out || vn_test_eal_init() < 0 || vn_rcu_init(4) < 0 || vn_fib_init(1024) < 0 ||
	    vn_neighbor_init() < 0)
		return -1;
	vn_port_set_tx_queues(1);
	/* Started: interfaces created from here are placed on thread 0 at once. */
	if (vn_rxq_place(1, main_only) < 0)
		return -1;
	return vn_graph_build() < 0 ? -1 : 0;
}

static int
suite_fini(void)
{
	vn_cli_out_free(out);
	return 0;
}

static struct loopback *
dev_of(const char *name)
{
	const struct vn_interface *ifp = vn_interface_by_name(name);
	const struct vn_port_own *p = ifp ? vn_port_own(ifp->port_id) : NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_EQUAL_FATAL(p->cls, &vn_loopback_class);
	return p->dev;
}

static void
test_create(void)
{
	static const uint8_t vpp_mac[6] = {0xde, 0xad, 0, 0, 0, 0};
	static const uint8_t mac5[6] = {0x02, 0, 0, 0, 0, 5};

	CU_ASSERT_STRING_EQUAL(cmd_ok("create loopback interface"), "loop0\n");
	CU_ASSERT_STRING_EQUAL(cmd_ok("create loopback interface"), "loop1\n");
	CU_ASSERT_STRING_EQUAL(cmd_ok("create loopback interface mac 02:00:00:00:00:05 instance 5"),
			       "loop5\n");
	const struct vn_interface *l0 = vn_interface_by_name("loop0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l0);
	CU_ASSERT_EQUAL(memcmp(l0->mac, vpp_mac, 6), 0);
	CU_ASSERT_EQUAL(memcmp(vn_interface_by_name("loop5")->mac, mac5, 6), 0);
	/* Down as created, as in VPP; its link is always up. */
	CU_ASSERT_FALSE(vn_if_fp(l0->if_index)->admin_up);
	CU_ASSERT_TRUE(vn_if_fp(l0->if_index)->link_up);
	CU_ASSERT(has(cmd_ok("show hardware-interfaces loop0"), "loopback ring: 1023 slots"));

	expect_err("create loopback interface instance 0",
		   "create loopback interface: loop0 exists");
	expect_err("create loopback interface mac 01:00:5e:00:00:01",
		   "create loopback interface: mac must be a unicast address");
	CU_ASSERT(has(cmd_fail("create loopback interface instance 99999"), "unexpected"));
	CU_ASSERT(has(cmd_fail("create loopback interface colour blue"), "unexpected"));
}

/* Frames sent on loop0 come back in on loop0, through loop-input. */
static void
test_loop(void)
{
	const struct vn_interface *l0 = vn_interface_by_name("loop0");
	struct rte_mbuf *pkts[8];
	uint16_t n;

	for (int i = 0; i < 8; i++) {
		pkts[i] = vt_pkt(60, 0);
		*rte_pktmbuf_mtod(pkts[i], uint8_t *) = (uint8_t)i;
	}
	n = vn_port_tx_burst(l0->port_id, 0, pkts, 8);
	CU_ASSERT_EQUAL(n, 8);
	vn_graph_run_once(g);
	CU_ASSERT_EQUAL_FATAL(eth_cap.n, 8);
	for (int i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(*rte_pktmbuf_mtod(eth_cap.pkts[i], uint8_t *), i);
		CU_ASSERT_EQUAL(vn_meta(eth_cap.pkts[i])->rx_if, l0->if_index);
		CU_ASSERT_EQUAL(eth_cap.frame_if[i], l0->if_index);
	}
	struct vn_if_counters c;
	vn_interface_counters(l0->if_index, &c);
	CU_ASSERT_EQUAL(c.rx_packets, 8);
	/* Nothing left: the next walk delivers nothing. */
	vn_graph_run_once(g);
	CU_ASSERT_EQUAL(eth_cap.n, 8);
}

/* A full ring refuses the rest, which stay the sender's, counted. */
static void
test_ring_full(void)
{
	const struct vn_interface *l1 = vn_interface_by_name("loop1");
	struct loopback *l = dev_of("loop1");
	unsigned int avail = rte_mempool_avail_count(vn_pktmbuf_pool);
	struct rte_mbuf *pkts[256];
	uint32_t sent = 0;

	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < 256; i++)
			pkts[i] = vt_pkt(60, 0);
		uint16_t k = vn_port_tx_burst(l1->port_id, 0, pkts, 256);
		sent += k;
		rte_pktmbuf_free_bulk(pkts + k, 256 - k);
	}
	CU_ASSERT_EQUAL(sent, VN_LOOPBACK_RING_SIZE - 1);
	CU_ASSERT_EQUAL(l->refused, 5 * 256 - (VN_LOOPBACK_RING_SIZE - 1));
	CU_ASSERT(has(cmd_ok("show hardware-interfaces loop1"), "refused (ring full) 257"));
	/* Deleting it frees what the ring still holds. */
	cmd_ok("delete loopback interface intfc loop1");
	CU_ASSERT_PTR_NULL(vn_interface_by_name("loop1"));
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail);
}

/* A loopback holds addresses (a router ID); delete takes them and their routes. */
static void
test_address_and_delete(void)
{
	const struct vn_interface *l5 = vn_interface_by_name("loop5");
	uint32_t idx = l5->if_index;

	cmd_ok("set interface state loop5 up");
	cmd_ok("set interface ip address loop5 192.0.2.1/32");
	CU_ASSERT(has(cmd_ok("show ip fib"), "192.0.2.1/32"));
	cmd_ok("delete loopback interface intfc loop5");
	CU_ASSERT_PTR_NULL(vn_interface_by_name("loop5"));
	CU_ASSERT_PTR_NULL(vn_if_fp(idx));
	CU_ASSERT(lacks(cmd_ok("show ip fib"), "192.0.2.1/32"));

	expect_err("delete loopback interface intfc loop5",
		   "delete loopback interface: 'loop5' is no loopback");
	CU_ASSERT(has(cmd_fail("delete loopback interface loop0"), "unexpected"));
	/* A name freed is taken again by the lowest free instance. */
	CU_ASSERT_STRING_EQUAL(cmd_ok("create loopback interface"), "loop1\n");
	cmd_ok("delete loopback interface intfc loop1");
}

static void
test_lua(void)
{
	CU_ASSERT(has(cmd_ok("lua eval print(vecnet.create_loopback({instance = 7, "
			     "mac = '02:00:00:00:00:07'}))"),
		      "loop7"));
	CU_ASSERT_PTR_NOT_NULL(vn_interface_by_name("loop7"));
	CU_ASSERT(has(cmd_fail("lua eval vecnet.create_loopback({instance = 7})"), "loop7 exists"));
	CU_ASSERT(has(cmd_fail("lua eval vecnet.create_loopback({mac = 'ff:ff:ff:ff:ff:ff'})"),
		      "not a unicast MAC"));
	cmd_ok("lua eval vecnet.delete_loopback('loop7')");
	CU_ASSERT_PTR_NULL(vn_interface_by_name("loop7"));
	CU_ASSERT(has(cmd_fail("lua eval vecnet.delete_loopback('loop7')"), "no such loopback"));
}

int
main(void)
{
	static CU_TestInfo tests[] = {
		{"create: names, MACs, state, errors", test_create},
		{"sent frames come back through loop-input", test_loop},
		{"a full ring refuses, counted; delete frees the ring", test_ring_full},
		{"addresses, delete and its errors", test_address_and_delete},
		{"lua create and delete", test_lua},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"loopback", suite_init, suite_fini, graph_up, graph_down, tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
