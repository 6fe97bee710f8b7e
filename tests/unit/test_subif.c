/*
 * VLAN sub-interfaces through a real graph: ethernet-input dispatching
 * tagged frames (dot1q, dot1ad, QinQ) to their sub-interface, an unknown tag
 * dropped by name, untagged frames untouched; ip4-rewrite, arp-input and
 * ip4-arp writing the tags on transmit; the parent's state gating the
 * sub-interface's; port-tx sending through the parent's port while counting
 * on the sub-interface; create and delete through the CLI, delete refused
 * while something names the interface.
 *
 * The parent `lan` is a real DPDK port (net_null), so a sub-interface's
 * snapshot has a port to inherit. port-tx, ip4-local and ip4-icmp-error are
 * captured; error-drop is the real one.
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <rte_arp.h>
#include <rte_dev.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/port.h>
#include <vecnet/net/vlan.h>
#include <vecnet/rcu.h>

#include "app/engine_config.h"
#include "net/port_priv.h"
#include "vn_test.h"
#include "vn_test_cli.h"
#include "vn_test_graph.h"

VT_CAPTURE_NODE(tx_cap, "test-port-tx");
VT_CAPTURE_NODE(local_cap, "test-ip4-local");
VT_CAPTURE_NODE(icmp_cap, "test-ip4-icmp-error");

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define PFX(a, b, c, d, l) ((struct vn_prefix){.addr = IP(a, b, c, d), .len = (l)})
#define L3_LEN 50

static const uint8_t mac_peer[6] = {0x02, 0xaa, 0, 0, 0, 2};
static const uint8_t mac_peer100[6] = {0x02, 0xaa, 0, 0, 1, 2};
static const uint8_t mac_peer200[6] = {0x02, 0xaa, 0, 0, 2, 2};
static uint8_t mac_lan[6];
static uint32_t if_lan, if_100, if_qinq, if_ad;
static struct vn_graph *g;

struct tag {
	uint16_t tpid, vid;
};

static void
graph_up(void)
{
	g = vn_graph_create(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	vt_redirect(g, "interface-output", "port-tx", "test-port-tx");
	vt_redirect(g, "arp-input", "port-tx", "test-port-tx");
	vt_redirect(g, "ip4-arp", "port-tx", "test-port-tx");
	vt_redirect(g, "ip4-lookup", "ip4-local", "test-ip4-local");
	vt_redirect(g, "ip4-lookup", "ip4-icmp-error", "test-ip4-icmp-error");
	vt_redirect(g, "ip4-rewrite", "ip4-icmp-error", "test-ip4-icmp-error");
}

static void
graph_down(void)
{
	vt_capture_reset(&tx_cap);
	vt_capture_reset(&local_cap);
	vt_capture_reset(&icmp_cap);
	vn_graph_destroy(g);
	g = NULL;
}

static uint64_t
counter(const char *node, const char *name)
{
	return g->error_counts[vt_err(node, name)];
}

static uint64_t
n_dropped(void)
{
	return vn_graph_rt(g)->nodes[vt_node_index("error-drop")].vectors;
}

/* An IPv4/UDP packet (data at the IPv4 header), TTL 64. */
static struct rte_mbuf *
ip_pkt(uint32_t src, uint32_t dst)
{
	struct rte_mbuf *m = vt_pkt(L3_LEN, if_lan);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16(L3_LEN);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

/* A frame from the peer to our MAC on the port, with tags (outer first)
 * before ether_type, carrying l3's data (freed), as port-rx hands it over. */
static struct rte_mbuf *
tagged(const struct tag *tags, uint16_t n_tags, uint16_t ether_type, struct rte_mbuf *l3)
{
	uint16_t len = rte_pktmbuf_data_len(l3), l2 = RTE_ETHER_HDR_LEN + 4 * n_tags;
	struct rte_mbuf *m = vt_pkt(l2 + len, if_lan);
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);

	memcpy(d, mac_lan, 6);
	memcpy(d + 6, mac_peer, 6);
	for (uint16_t i = 0; i < n_tags; i++) {
		uint16_t w[2] = {rte_cpu_to_be_16(tags[i].tpid), rte_cpu_to_be_16(tags[i].vid)};
		memcpy(d + 12 + 4 * i, w, 4);
	}
	uint16_t type = rte_cpu_to_be_16(ether_type);
	memcpy(d + l2 - 2, &type, 2);
	memcpy(d + l2, rte_pktmbuf_mtod(l3, void *), len);
	rte_pktmbuf_free(l3);
	return m;
}

/* Injects into ethernet-input stating the port, as port-rx does. */
static void
rx(struct rte_mbuf *m)
{
	CU_ASSERT_EQUAL_FATAL(
		vn_graph_inject_if(g, vt_node_index("ethernet-input"), &m, 1, if_lan), 0);
}

static uint16_t
be16_at(const struct rte_mbuf *m, uint16_t off)
{
	uint16_t v;

	memcpy(&v, rte_pktmbuf_mtod_offset(m, const uint8_t *, off), 2);
	return rte_be_to_cpu_16(v);
}

static const struct tag t100[] = {{RTE_ETHER_TYPE_VLAN, 100}};
static const struct tag t_qinq[] = {{RTE_ETHER_TYPE_QINQ, 300}, {RTE_ETHER_TYPE_VLAN, 400}};

/* ---- suite -------------------------------------------------------------- */

static int
suite_init(void)
{
	out = vn_cli_out_new();
	if (!out || vn_test_eal_init() < 0 || vn_rcu_init(4) < 0 || vn_fib_init(1024) < 0 ||
	    vn_neighbor_init() < 0)
		return -1;
	if (rte_dev_probe("net_null_vl0") < 0)
		return -1;
	vn_port_set_tx_queues(1);
	if (vn_interface_create("lan", "net_null_vl0", 1, 1500, &if_lan) < 0)
		return -1;
	memcpy(mac_lan, vn_interface_get(if_lan)->mac, 6);
	vn_interface_set_admin(if_lan, true);
	if (vn_interface_addr_add(if_lan, &PFX(10, 0, 1, 1, 24)) < 0 ||
	    vn_neighbor_set(if_lan, IP(10, 0, 1, 2), mac_peer, true) < 0)
		return -1;
	return vn_graph_build() < 0 ? -1 : 0;
}

static int
suite_fini(void)
{
	vn_cli_out_free(out);
	return 0;
}

static void
test_create(void)
{
	CU_ASSERT_STRING_EQUAL(cmd_ok("create sub-interfaces lan 100"), "lan.100\n");
	CU_ASSERT_STRING_EQUAL(cmd_ok("create sub-interfaces lan 200 dot1ad 300 dot1q 400"),
			       "lan.200\n");
	CU_ASSERT_STRING_EQUAL(cmd_ok("create sub-interfaces lan 7 dot1ad 7"), "lan.7\n");
	if_100 = vn_interface_by_name("lan.100")->if_index;
	if_qinq = vn_interface_by_name("lan.200")->if_index;
	if_ad = vn_interface_by_name("lan.7")->if_index;

	/* Down as created, as in VPP; the parent's port, MAC and queues. */
	const struct vn_if_fp *fp = vn_if_fp(if_100);
	CU_ASSERT_FALSE(fp->admin_up);
	CU_ASSERT_EQUAL(fp->port_id, vn_interface_get(if_lan)->port_id);
	CU_ASSERT_NOT_EQUAL(fp->port_id, VN_PORT_NONE);
	CU_ASSERT_EQUAL(fp->sup_if_index, if_lan);
	CU_ASSERT_EQUAL(memcmp(fp->mac, mac_lan, 6), 0);
	CU_ASSERT_EQUAL(fp->mtu, 1500);
	CU_ASSERT_EQUAL(vn_if_fp(if_lan)->l2_tags_len, 0);
	CU_ASSERT_EQUAL(vn_if_fp(if_lan)->sup_if_index, if_lan);

	expect_err("create sub-interfaces lan 100",
		   "create sub-interfaces lan 100: lan.100 or dot1q 100 exists on lan");
	expect_err("create sub-interfaces lan 101 dot1q 100",
		   "create sub-interfaces lan 101: lan.101 or dot1q 100 exists on lan");
	expect_err("create sub-interfaces lan.100 5",
		   "create sub-interfaces lan.100: lan.100 is a sub-interface");
	expect_err("create sub-interfaces lan 5000",
		   "create sub-interfaces: 5000 is not a VLAN id (1-4094): give dot1q VLAN or "
		   "dot1ad VLAN");
	cmd_fail("create sub-interfaces lan 9 dot1q 4095");
	cmd_fail("create sub-interfaces lan 9 dot1q 0");
	CU_ASSERT_PTR_NULL(vn_interface_by_name("lan.9"));

	/* show interface lists them with their VLAN; `show interface IF.ID` works. */
	const char *s = cmd_ok("show interface");
	CU_ASSERT(has(s, "lan.100"));
	CU_ASSERT(has(s, "vlan dot1q 100 on lan"));
	CU_ASSERT(has(s, "vlan dot1ad 300 inner-dot1q 400 on lan"));
	s = cmd_ok("show interface lan.100");
	CU_ASSERT(has(s, "lan.100"));
	CU_ASSERT(lacks(s, "lan.200"));

	cmd_ok("set interface ip address lan.100 10.0.100.1/24");
	cmd_ok("set interface ip address lan.200 10.0.200.1/24");
	cmd_ok("set interface ip address lan.7 10.0.7.1/24");
	cmd_ok("set interface state lan.100 up");
	cmd_ok("set interface state lan.200 up");
	cmd_ok("set interface state lan.7 up");
	cmd_ok("set ip neighbor lan.100 10.0.100.2 02:aa:00:00:01:02 static");
	cmd_ok("set ip neighbor lan.200 10.0.200.2 02:aa:00:00:02:02 static");
	CU_ASSERT_TRUE(vn_if_fp(if_100)->admin_up);
}

/* Tagged frames reach ip4 as their sub-interface's, the tags stripped. */
static void
test_rx_dispatch(void)
{
	struct vn_if_counters before, after;

	vn_interface_counters(if_100, &before);
	rx(tagged(t100, 1, RTE_ETHER_TYPE_IPV4, ip_pkt(IP(10, 0, 100, 2), IP(10, 0, 100, 1))));
	rx(tagged(t_qinq, 2, RTE_ETHER_TYPE_IPV4, ip_pkt(IP(10, 0, 200, 2), IP(10, 0, 200, 1))));
	rx(tagged((struct tag[]){{RTE_ETHER_TYPE_QINQ, 7}}, 1, RTE_ETHER_TYPE_IPV4,
		  ip_pkt(IP(10, 0, 7, 2), IP(10, 0, 7, 1))));
	/* Untagged traffic on the same port stays the port's. */
	rx(tagged(NULL, 0, RTE_ETHER_TYPE_IPV4, ip_pkt(IP(10, 0, 1, 2), IP(10, 0, 1, 1))));
	CU_ASSERT_EQUAL(n_dropped(), 0);
	CU_ASSERT_EQUAL_FATAL(local_cap.n, 4);
	CU_ASSERT_EQUAL(vn_meta(local_cap.pkts[0])->rx_if, if_100);
	CU_ASSERT_EQUAL(vn_meta(local_cap.pkts[1])->rx_if, if_qinq);
	CU_ASSERT_EQUAL(vn_meta(local_cap.pkts[2])->rx_if, if_ad);
	CU_ASSERT_EQUAL(vn_meta(local_cap.pkts[3])->rx_if, if_lan);
	for (int i = 0; i < 4; i++) {
		/* The IPv4 header at data offset 0, whatever the tags were. */
		CU_ASSERT_EQUAL(rte_pktmbuf_data_len(local_cap.pkts[i]), L3_LEN);
		CU_ASSERT_EQUAL(*rte_pktmbuf_mtod(local_cap.pkts[i], uint8_t *), 0x45);
	}
	vn_interface_counters(if_100, &after);
	CU_ASSERT_EQUAL(after.rx_packets - before.rx_packets, 1);
	CU_ASSERT_EQUAL(after.rx_bytes - before.rx_bytes, RTE_ETHER_HDR_LEN + 4 + L3_LEN);
}

static void
assert_drop(const char *reason)
{
	CU_ASSERT_EQUAL(n_dropped(), 1);
	CU_ASSERT_EQUAL(counter("ethernet-input", reason), 1);
	CU_ASSERT_EQUAL(local_cap.n + tx_cap.n, 0);
	CU_ASSERT_EQUAL(g->error_counts[0], 0);
}

/* Tags no sub-interface has: dropped by name, counted on the port. */
static void
test_unknown_tags(void)
{
	static const struct tag unknown[][2] = {
		{{RTE_ETHER_TYPE_VLAN, 999}},
		{{RTE_ETHER_TYPE_QINQ, 100}}, /* dot1ad, not dot1q, 100 */
		{{RTE_ETHER_TYPE_VLAN, 300}, {RTE_ETHER_TYPE_VLAN, 400}}, /* outer dot1q */
		{{RTE_ETHER_TYPE_QINQ, 300}}, /* the QinQ outer tag alone */
		{{RTE_ETHER_TYPE_VLAN, 100}, {RTE_ETHER_TYPE_VLAN, 5}}, /* exact match */
		{{RTE_ETHER_TYPE_VLAN, 0}}, /* priority tag */
	};
	static const uint16_t n_tags[] = {1, 1, 2, 1, 2, 1};
	const char *reason = "unknown VLAN tag (no such sub-interface)";

	for (uint32_t i = 0; i < VN_ARRAY_LEN(unknown); i++) {
		struct vn_if_counters before, after;

		vn_interface_counters(if_lan, &before);
		rx(tagged(unknown[i], n_tags[i], RTE_ETHER_TYPE_IPV4,
			  ip_pkt(IP(10, 0, 100, 2), IP(10, 0, 100, 1))));
		assert_drop(reason);
		vn_interface_counters(if_lan, &after);
		CU_ASSERT_EQUAL(after.drops - before.drops, 1);
		graph_down();
		graph_up();
	}
	/* Cut inside the tags: too short, not unknown. */
	struct rte_mbuf *m = tagged(t_qinq, 2, RTE_ETHER_TYPE_IPV4,
				    ip_pkt(IP(10, 0, 200, 2), IP(10, 0, 200, 1)));
	rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) - 20);
	rx(m);
	assert_drop("frame shorter than an Ethernet header");
}

/* The sub-interface passes traffic only while it and its parent are up. */
static void
test_state_gating(void)
{
	struct rte_mbuf *m;

	cmd_ok("set interface state lan.100 down");
	rx(tagged(t100, 1, RTE_ETHER_TYPE_IPV4, ip_pkt(IP(10, 0, 100, 2), IP(10, 0, 100, 1))));
	assert_drop("interface is down");
	cmd_ok("set interface state lan.100 up");
	graph_down();
	graph_up();

	cmd_ok("set interface state lan down");
	CU_ASSERT_FALSE(vn_if_fp(if_100)->admin_up);
	CU_ASSERT_TRUE(vn_interface_get(if_100)->admin_up); /* its own state is kept */
	m = ip_pkt(IP(10, 0, 1, 2), IP(10, 0, 100, 2));
	vn_meta(m)->rx_if = if_lan;
	CU_ASSERT_EQUAL_FATAL(vn_graph_inject(g, vt_node_index("ip4-input"), &m, 1), 0);
	CU_ASSERT_EQUAL(tx_cap.n, 0);
	CU_ASSERT_EQUAL(counter("interface-output", "output interface is down"), 1);
	cmd_ok("set interface state lan up");
	CU_ASSERT_TRUE(vn_if_fp(if_100)->admin_up);
}

/* Forwarded to a neighbour on a sub-interface: the rewrite carries its tags. */
static void
test_tx_rewrite(void)
{
	const uint8_t tagged_hdr[] = {0x81, 0x00, 0x00, 100, 0x08, 0x00};
	const uint8_t qinq_hdr[] = {0x88, 0xa8, 0x01, 0x2c, 0x81, 0x00, 0x01, 0x90, 0x08, 0x00};
	struct rte_mbuf *m;

	rx(tagged(NULL, 0, RTE_ETHER_TYPE_IPV4, ip_pkt(IP(10, 0, 1, 2), IP(10, 0, 100, 2))));
	rx(tagged(NULL, 0, RTE_ETHER_TYPE_IPV4, ip_pkt(IP(10, 0, 1, 2), IP(10, 0, 200, 2))));
	/* And back: tagged in, untagged out on the port. */
	rx(tagged(t100, 1, RTE_ETHER_TYPE_IPV4, ip_pkt(IP(10, 0, 100, 2), IP(10, 0, 1, 2))));
	CU_ASSERT_EQUAL(n_dropped(), 0);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 3);

	m = tx_cap.pkts[0];
	CU_ASSERT_EQUAL(vn_meta(m)->tx_if, if_100);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), RTE_ETHER_HDR_LEN + 4 + L3_LEN);
	CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod(m, uint8_t *), mac_peer100, 6), 0);
	CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, 6), mac_lan, 6), 0);
	CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, 12), tagged_hdr, 6), 0);
	CU_ASSERT_EQUAL(*rte_pktmbuf_mtod_offset(m, uint8_t *, 18 + 8), 63); /* TTL */

	m = tx_cap.pkts[1];
	CU_ASSERT_EQUAL(vn_meta(m)->tx_if, if_qinq);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), RTE_ETHER_HDR_LEN + 8 + L3_LEN);
	CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod(m, uint8_t *), mac_peer200, 6), 0);
	CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, 12), qinq_hdr, 10), 0);

	m = tx_cap.pkts[2];
	CU_ASSERT_EQUAL(vn_meta(m)->tx_if, if_lan);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), RTE_ETHER_HDR_LEN + L3_LEN);
	CU_ASSERT_EQUAL(be16_at(m, 12), RTE_ETHER_TYPE_IPV4);
}

/* ARP on a sub-interface is tagged both ways: the reply to a tagged request,
 * and the request for an unresolved neighbour. */
static void
test_arp_tagged(void)
{
	struct rte_mbuf *l3 = vt_pkt(28, if_lan), *m;
	struct rte_arp_hdr *a = rte_pktmbuf_mtod(l3, struct rte_arp_hdr *);

	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	memcpy(a->arp_data.arp_sha.addr_bytes, mac_peer, 6);
	a->arp_data.arp_sip = rte_cpu_to_be_32(IP(10, 0, 100, 3));
	a->arp_data.arp_tip = rte_cpu_to_be_32(IP(10, 0, 100, 1));
	rx(tagged(t100, 1, RTE_ETHER_TYPE_ARP, l3));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	m = tx_cap.pkts[0];
	CU_ASSERT_EQUAL(vn_meta(m)->tx_if, if_100);
	CU_ASSERT_EQUAL(be16_at(m, 12), RTE_ETHER_TYPE_VLAN);
	CU_ASSERT_EQUAL(be16_at(m, 14), 100);
	CU_ASSERT_EQUAL(be16_at(m, 16), RTE_ETHER_TYPE_ARP);
	CU_ASSERT_EQUAL(be16_at(m, 18 + 6), RTE_ARP_OP_REPLY);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 18 + 28);
	CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod(m, uint8_t *), mac_peer, 6), 0);
	vt_capture_reset(&tx_cap);

	/* To 10.0.200.9, unresolved: ip4-arp asks on lan.200 with both tags. */
	rx(tagged(NULL, 0, RTE_ETHER_TYPE_IPV4, ip_pkt(IP(10, 0, 1, 2), IP(10, 0, 200, 9))));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	m = tx_cap.pkts[0];
	CU_ASSERT_EQUAL(vn_meta(m)->tx_if, if_qinq);
	CU_ASSERT_EQUAL(be16_at(m, 12), RTE_ETHER_TYPE_QINQ);
	CU_ASSERT_EQUAL(be16_at(m, 14), 300);
	CU_ASSERT_EQUAL(be16_at(m, 16), RTE_ETHER_TYPE_VLAN);
	CU_ASSERT_EQUAL(be16_at(m, 18), 400);
	CU_ASSERT_EQUAL(be16_at(m, 20), RTE_ETHER_TYPE_ARP);
	CU_ASSERT_EQUAL(be16_at(m, 22 + 6), RTE_ARP_OP_REQUEST);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 22 + 28);
}

/* The real port-tx: sent through the parent's port, counted on the
 * sub-interface. */
static void
test_port_tx_through_parent(void)
{
	struct vn_if_counters sub0, sub1, lan0, lan1;

	graph_down();
	g = vn_graph_create(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	vn_interface_counters(if_100, &sub0);
	vn_interface_counters(if_lan, &lan0);
	rx(tagged(NULL, 0, RTE_ETHER_TYPE_IPV4, ip_pkt(IP(10, 0, 1, 2), IP(10, 0, 100, 2))));
	vn_interface_counters(if_100, &sub1);
	vn_interface_counters(if_lan, &lan1);
	CU_ASSERT_EQUAL(counter("port-tx", "interface has no device"), 0);
	CU_ASSERT_EQUAL(sub1.tx_packets - sub0.tx_packets, 1);
	CU_ASSERT_EQUAL(sub1.tx_bytes - sub0.tx_bytes, RTE_ETHER_HDR_LEN + 4 + L3_LEN);
	CU_ASSERT_EQUAL(lan1.tx_packets - lan0.tx_packets, 0);
	CU_ASSERT_EQUAL(lan1.rx_packets - lan0.rx_packets, 0); /* injected, not polled */
	CU_ASSERT_EQUAL(sub1.tx_errors, sub0.tx_errors);
}

/* Delete is refused while something names the sub-interface, then works;
 * its index is reused with fresh counters. */
static void
test_delete(void)
{
	uint32_t idx;

	expect_err("delete sub-interface lan",
		   "delete sub-interface lan: not a sub-interface");
	expect_err("delete sub-interface lan.100",
		   "delete sub-interface lan.100: in use: address 10.0.100.1/24 is on it "
		   "(remove that first)");
	cmd_ok("set interface ip address del lan.100 10.0.100.1/24");
	expect_err("delete sub-interface lan.100",
		   "delete sub-interface lan.100: in use: static neighbor 10.0.100.2 is on it "
		   "(remove that first)");
	cmd_ok("set ip neighbor del lan.100 10.0.100.2 02:aa:00:00:01:02");
	cmd_ok("ip route add 10.50.0.0/16 via 10.0.100.9 lan.100");
	expect_err("delete sub-interface lan.100",
		   "delete sub-interface lan.100: in use: route 10.50.0.0/16 goes through it "
		   "(remove that first)");
	cmd_ok("ip route del 10.50.0.0/16");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vn_interface_by_name("lan.100"));
	cmd_ok("delete sub-interface lan.100");
	CU_ASSERT_PTR_NULL(vn_interface_by_name("lan.100"));
	CU_ASSERT_PTR_NULL(vn_interface_get(if_100));
	CU_ASSERT_PTR_NULL(vn_if_fp(if_100));
	CU_ASSERT(lacks(cmd_ok("show interface"), "lan.100"));
	/* The others still work; the name completes no more. */
	CU_ASSERT(has(cmd_ok("show interface lan.200"), "lan.200"));
	cmd_fail("show interface lan.100");

	/* Its tag is unknown now. */
	rx(tagged(t100, 1, RTE_ETHER_TYPE_IPV4, ip_pkt(IP(10, 0, 100, 2), IP(10, 0, 100, 1))));
	assert_drop("unknown VLAN tag (no such sub-interface)");

	/* Created again: the freed index, counters from zero, tag back. */
	CU_ASSERT_STRING_EQUAL(cmd_ok("create sub-interfaces lan 100"), "lan.100\n");
	idx = vn_interface_by_name("lan.100")->if_index;
	CU_ASSERT_EQUAL(idx, if_100);
	struct vn_if_counters c;
	vn_interface_counters(idx, &c);
	CU_ASSERT_EQUAL(c.rx_packets + c.tx_packets + c.drops, 0);
	CU_ASSERT_EQUAL(vn_vlan_map(if_lan)->dot1q[100], idx);
	cmd_ok("delete sub-interface lan.100");
	cmd_ok("set interface ip address del lan.7 10.0.7.1/24");
	cmd_ok("delete sub-interface lan.7");
	CU_ASSERT_EQUAL(vn_vlan_map(if_lan)->dot1q[100], VN_VLAN_NONE);
	CU_ASSERT_EQUAL(vn_vlan_map(if_lan)->dot1ad[7], VN_VLAN_NONE);
	CU_ASSERT_EQUAL(vn_vlan_map(if_lan)->n_double, 1);
}

/* Lua: the same control functions, the same refusals. */
static void
test_lua(void)
{
	struct vn_subif_tags t;
	uint32_t sup, id;

	CU_ASSERT(has(cmd_ok("lua eval print(vecnet.create_sub_interface('lan', 30, "
			     "{dot1ad = 31, inner_dot1q = 32}))"),
		      "lan.30"));
	const struct vn_interface *ifp = vn_interface_by_name("lan.30");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ifp);
	CU_ASSERT_TRUE(vn_subif_get(ifp->if_index, &sup, &id, &t));
	CU_ASSERT_EQUAL(sup, if_lan);
	CU_ASSERT_EQUAL(id, 30);
	CU_ASSERT_EQUAL(t.outer_tpid, VN_VLAN_TPID_DOT1AD);
	CU_ASSERT_EQUAL(t.outer_vid, 31);
	CU_ASSERT_EQUAL(t.inner_vid, 32);
	CU_ASSERT(has(cmd_fail("lua eval vecnet.create_sub_interface('lan', 5000)"),
		      "not a VLAN id"));
	CU_ASSERT(has(cmd_fail("lua eval vecnet.create_sub_interface('lan', 31, {dot1ad = 31, "
			       "inner_dot1q = 32})"),
		      "name or VLAN tags already used"));
	cmd_ok("lua eval vecnet.add_address('lan.30', '10.0.30.1/24')");
	CU_ASSERT(has(cmd_fail("lua eval vecnet.delete_sub_interface('lan.30')"),
		      "address 10.0.30.1/24 is on it"));
	cmd_ok("lua eval vecnet.del_address('lan.30', '10.0.30.1/24')");
	cmd_ok("lua eval vecnet.delete_sub_interface('lan.30')");
	CU_ASSERT_PTR_NULL(vn_interface_by_name("lan.30"));
	CU_ASSERT(has(cmd_fail("lua eval vecnet.delete_sub_interface('lan')"),
		      "not a sub-interface"));
}

/* YAML: sub-interfaces: with their tags, checked against interfaces:, and
 * routes and neighbours may name them. */
static void
test_yaml(void)
{
	static const char good[] =
		"interfaces:\n"
		"  - { name: lan0, device: net_null0 }\n"
		"sub-interfaces:\n"
		"  - { parent: lan0, id: 100, addresses: [10.0.100.1/24], up: true }\n"
		"  - { parent: lan0, id: 200, dot1ad: 300, dot1q: 400, mtu: 1496 }\n"
		"  - { parent: lan0, id: 7, dot1q: 70, inner-dot1q: 71 }\n"
		"routes:\n"
		"  - { prefix: 10.9.0.0/16, via: 10.0.100.2, interface: lan0.100 }\n";
	static const char bad[] = "interfaces:\n"
				  "  - { name: lan0, device: net_null0 }\n"
				  "sub-interfaces:\n"
				  "  - { parent: lan1, id: 100 }\n"
				  "  - { parent: lan0, id: 5000 }\n"
				  "routes:\n"
				  "  - { prefix: 10.9.0.0/16, via: 10.0.100.2, interface: lan0.101 }\n";
	struct vn_config cfg = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&text, &len);

	CU_ASSERT_EQUAL_FATAL(vn_config_load_string("t.yaml", good, &cfg, err), 0);
	CU_ASSERT_EQUAL_FATAL(cfg.n_subifs, 3);
	CU_ASSERT_STRING_EQUAL(cfg.subifs[0].parent, "lan0");
	CU_ASSERT_EQUAL(cfg.subifs[0].outer_tpid, 0x8100);
	CU_ASSERT_EQUAL(cfg.subifs[0].outer_vid, 100);
	CU_ASSERT_EQUAL(cfg.subifs[0].inner_vid, 0);
	CU_ASSERT_TRUE(cfg.subifs[0].up);
	CU_ASSERT_EQUAL(cfg.subifs[0].n_addresses, 1);
	CU_ASSERT_EQUAL(cfg.subifs[1].outer_tpid, 0x88a8);
	CU_ASSERT_EQUAL(cfg.subifs[1].outer_vid, 300);
	CU_ASSERT_EQUAL(cfg.subifs[1].inner_vid, 400);
	CU_ASSERT_EQUAL(cfg.subifs[1].mtu, 1496);
	CU_ASSERT_FALSE(cfg.subifs[1].up); /* down unless up: true, as VPP */
	CU_ASSERT_EQUAL(cfg.subifs[2].outer_tpid, 0x8100);
	CU_ASSERT_EQUAL(cfg.subifs[2].outer_vid, 70);
	CU_ASSERT_EQUAL(cfg.subifs[2].inner_vid, 71);
	vn_config_free(&cfg);

	CU_ASSERT_EQUAL(vn_config_load_string("t.yaml", bad, &cfg, err), -1);
	fflush(err);
	CU_ASSERT(has(text, "sub-interfaces[0].parent: no interface named 'lan1'"));
	CU_ASSERT(has(text, "sub-interfaces[1].id: 5000 is not a VLAN id"));
	CU_ASSERT(has(text, "routes[0].interface: no interface named 'lan0.101'"));
	fclose(err);
	free(text);
}

int
main(void)
{
	static CU_TestInfo tests[] = {
		{"create: names, state, errors, show interface", test_create},
		{"tagged frames to their sub-interface, untagged to the port", test_rx_dispatch},
		{"unknown tags dropped by name", test_unknown_tags},
		{"sub-interface and parent state gate it", test_state_gating},
		{"tx rewrite carries the tags", test_tx_rewrite},
		{"arp tagged both ways", test_arp_tagged},
		{"port-tx sends through the parent, counts on the sub", test_port_tx_through_parent},
		{"delete refused while in use, then index reused", test_delete},
		{"lua create and delete", test_lua},
		{"yaml sub-interfaces", test_yaml},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"sub-interfaces", suite_init, suite_fini, graph_up, graph_down, tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
