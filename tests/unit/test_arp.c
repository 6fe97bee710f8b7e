/*
 * arp-input and ip4-arp through a real graph: packets are injected at the
 * node, its port-tx and error-drop arcs are pointed at capture nodes, and the
 * suite asserts the frames sent, the drop reason of every dropped packet, the
 * counters and the neighbours learned.
 */
#include <CUnit/CUnit.h>
#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lpm.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vecnet/net/arp_proxy.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/rcu.h>

#include "vn_test.h"
#include "vn_test_graph.h"

VT_CAPTURE_NODE(tx_cap, "test-port-tx");
VT_CAPTURE_NODE(drop_cap, "test-drop");

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const uint8_t our_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t peer_mac[6] = {0x02, 0xaa, 0x00, 0x00, 0x00, 0x02};
static uint32_t if_up, if_down;
static struct vn_graph *g;

/* ---- packets ------------------------------------------------------------ */

/* An ARP packet as ethernet-input hands it over: data at the ARP header,
 * padded like a minimum-size frame (60 bytes less the Ethernet header). */
static struct rte_mbuf *
arp_pkt(uint16_t op, const uint8_t *sha, uint32_t spa, uint32_t tpa, uint16_t rx_if)
{
	struct rte_mbuf *m = vt_pkt(46, rx_if);
	struct rte_arp_hdr *a = rte_pktmbuf_mtod(m, struct rte_arp_hdr *);

	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	memcpy(a->arp_data.arp_sha.addr_bytes, sha, 6);
	a->arp_data.arp_sip = rte_cpu_to_be_32(spa);
	if (op == RTE_ARP_OP_REPLY)
		memcpy(a->arp_data.arp_tha.addr_bytes, our_mac, 6);
	a->arp_data.arp_tip = rte_cpu_to_be_32(tpa);
	return m;
}

static struct rte_arp_hdr *
arp_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, struct rte_arp_hdr *);
}

/* An IPv4 packet to dst (data at the IPv4 header) whose adjacency is adj. */
static struct rte_mbuf *
ip4_pkt(uint32_t dst, const struct vn_adj *adj)
{
	struct rte_mbuf *m = vt_pkt(64, if_up);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(64);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(IP(192, 0, 2, 1));
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	vn_meta(m)->adj = adj;
	return m;
}

static void
inject1(const char *node, struct rte_mbuf *m)
{
	vt_inject(g, node, &m, 1);
}

/* The one packet dropped so far carries reason `err` of node. */
static void
assert_dropped(const char *node, const char *err)
{
	CU_ASSERT_EQUAL(tx_cap.n, 0);
	CU_ASSERT_EQUAL_FATAL(drop_cap.n, 1);
	CU_ASSERT_EQUAL(vn_buf(drop_cap.pkts[0])->error, vt_err(node, err));
}

static uint64_t
counter(const char *node, const char *name)
{
	return g->error_counts[vt_err(node, name)];
}

static bool
learned(uint32_t if_index, uint32_t addr, const uint8_t *mac)
{
	struct vn_neighbor_info info;

	vn_neighbor_process_learned();
	if (vn_neighbor_get(if_index, addr, &info) < 0)
		return false;
	return memcmp(info.mac, mac, 6) == 0;
}

/* ---- suite -------------------------------------------------------------- */

static int
suite_init(void)
{
	static const char *const engine_nodes[] = {"error-drop", "port-tx", "ip4-lookup"};
	struct vn_prefix p;

	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0 || vn_fib_init(1024) < 0 ||
	    vn_neighbor_init() < 0)
		return -1;
	if (vn_interface_create_virtual("arp0", our_mac, 1500, &if_up) < 0 ||
	    vn_interface_create_virtual("arp1", our_mac, 1500, &if_down) < 0)
		return -1;
	p = (struct vn_prefix){.addr = IP(10, 0, 1, 1), .len = 24};
	if (vn_interface_addr_add(if_up, &p) < 0)
		return -1;
	p = (struct vn_prefix){.addr = IP(10, 0, 2, 1), .len = 24};
	if (vn_interface_addr_add(if_up, &p) < 0)
		return -1;
	p = (struct vn_prefix){.addr = IP(10, 0, 9, 1), .len = 24};
	if (vn_interface_addr_add(if_down, &p) < 0 || vn_interface_set_admin(if_down, false) < 0)
		return -1;
	vt_stub_missing(engine_nodes, VN_ARRAY_LEN(engine_nodes));
	return vn_graph_build() < 0 ? -1 : 0;
}

/* A fresh graph per test: counters, throttle table and token bucket start clean. */
static void
test_setup(void)
{
	g = vn_graph_create(0);
	if (!g) {
		fprintf(stderr, "cannot create the graph\n");
		abort();
	}
	vt_redirect(g, "arp-input", "port-tx", "test-port-tx");
	vt_redirect(g, "arp-input", "error-drop", "test-drop");
	vt_redirect(g, "ip4-arp", "port-tx", "test-port-tx");
	vt_redirect(g, "ip4-arp", "error-drop", "test-drop");
}

static void
test_teardown(void)
{
	vt_capture_reset(&tx_cap);
	vt_capture_reset(&drop_cap);
	vn_graph_destroy(g);
	g = NULL;
}

/* ---- arp-input ---------------------------------------------------------- */

static void
test_request_for_us(void)
{
	inject1("arp-input",
		arp_pkt(RTE_ARP_OP_REQUEST, peer_mac, IP(10, 0, 1, 2), IP(10, 0, 1, 1), if_up));

	CU_ASSERT_EQUAL(drop_cap.n, 0);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	struct rte_mbuf *m = tx_cap.pkts[0];
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(eth + 1);

	/* Exactly Ethernet + ARP: the padding of the request is not echoed. */
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 42);
	CU_ASSERT_EQUAL(rte_pktmbuf_data_len(m), 42);
	CU_ASSERT_EQUAL(memcmp(eth->dst_addr.addr_bytes, peer_mac, 6), 0);
	CU_ASSERT_EQUAL(memcmp(eth->src_addr.addr_bytes, our_mac, 6), 0);
	CU_ASSERT_EQUAL(eth->ether_type, rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP));
	CU_ASSERT_EQUAL(a->arp_hardware, rte_cpu_to_be_16(RTE_ARP_HRD_ETHER));
	CU_ASSERT_EQUAL(a->arp_protocol, rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4));
	CU_ASSERT_EQUAL(a->arp_hlen, 6);
	CU_ASSERT_EQUAL(a->arp_plen, 4);
	CU_ASSERT_EQUAL(a->arp_opcode, rte_cpu_to_be_16(RTE_ARP_OP_REPLY));
	CU_ASSERT_EQUAL(memcmp(a->arp_data.arp_sha.addr_bytes, our_mac, 6), 0);
	CU_ASSERT_EQUAL(a->arp_data.arp_sip, rte_cpu_to_be_32(IP(10, 0, 1, 1)));
	CU_ASSERT_EQUAL(memcmp(a->arp_data.arp_tha.addr_bytes, peer_mac, 6), 0);
	CU_ASSERT_EQUAL(a->arp_data.arp_tip, rte_cpu_to_be_32(IP(10, 0, 1, 2)));
	CU_ASSERT_EQUAL(vn_meta(m)->tx_if, if_up);
	CU_ASSERT(vn_meta(m)->flags & VN_META_F_LOCAL_ORIGIN);
	CU_ASSERT_EQUAL(counter("arp-input", "arp replies sent"), 1);
	CU_ASSERT_EQUAL(counter("arp-input", "neighbours learned"), 1);
	CU_ASSERT(learned(if_up, IP(10, 0, 1, 2), peer_mac));
}

static void
test_request_second_address(void)
{
	inject1("arp-input",
		arp_pkt(RTE_ARP_OP_REQUEST, peer_mac, IP(10, 0, 2, 7), IP(10, 0, 2, 1), if_up));

	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	struct rte_arp_hdr *a =
		rte_pktmbuf_mtod_offset(tx_cap.pkts[0], struct rte_arp_hdr *, RTE_ETHER_HDR_LEN);
	CU_ASSERT_EQUAL(a->arp_data.arp_sip, rte_cpu_to_be_32(IP(10, 0, 2, 1)));
	CU_ASSERT_EQUAL(a->arp_data.arp_tip, rte_cpu_to_be_32(IP(10, 0, 2, 7)));
}

static void
test_probe_answered_not_learned(void)
{
	/* RFC 5227 probe: sender 0.0.0.0 */
	inject1("arp-input", arp_pkt(RTE_ARP_OP_REQUEST, peer_mac, 0, IP(10, 0, 1, 1), if_up));

	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	CU_ASSERT_EQUAL(counter("arp-input", "neighbours learned"), 0);
	struct rte_arp_hdr *a =
		rte_pktmbuf_mtod_offset(tx_cap.pkts[0], struct rte_arp_hdr *, RTE_ETHER_HDR_LEN);
	CU_ASSERT_EQUAL(a->arp_data.arp_tip, 0);
}

static void
test_request_not_for_us(void)
{
	inject1("arp-input",
		arp_pkt(RTE_ARP_OP_REQUEST, peer_mac, IP(10, 0, 1, 50), IP(10, 0, 1, 99), if_up));

	assert_dropped("arp-input", "arp request not for us");
	CU_ASSERT_FALSE(learned(if_up, IP(10, 0, 1, 50), peer_mac));
}

/* Proxy ARP: a range added for an interface is answered there with the
 * interface's MAC and the requested address; not on another interface, and
 * not after its last reference is deleted. */
static void
test_proxy_arp(void)
{
	CU_ASSERT_EQUAL(vn_arp_proxy_add(if_up, IP(10, 0, 1, 100), IP(10, 0, 1, 110)), 0);
	CU_ASSERT_EQUAL(vn_arp_proxy_add(if_up, IP(10, 0, 1, 100), IP(10, 0, 1, 110)), 0);
	CU_ASSERT_EQUAL(vn_arp_proxy_count(), 1);
	CU_ASSERT_EQUAL(vn_arp_proxy_add(if_up, IP(10, 0, 1, 5), IP(10, 0, 1, 4)), -EINVAL);
	CU_ASSERT(vn_arp_proxy_match(if_up, IP(10, 0, 1, 105)));
	CU_ASSERT_FALSE(vn_arp_proxy_match(if_up, IP(10, 0, 1, 111)));
	CU_ASSERT_FALSE(vn_arp_proxy_match(if_down, IP(10, 0, 1, 105)));

	inject1("arp-input",
		arp_pkt(RTE_ARP_OP_REQUEST, peer_mac, IP(10, 0, 1, 2), IP(10, 0, 1, 107), if_up));
	CU_ASSERT_EQUAL(drop_cap.n, 0);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(tx_cap.pkts[0], struct rte_ether_hdr *);
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(eth + 1);
	CU_ASSERT_EQUAL(a->arp_opcode, rte_cpu_to_be_16(RTE_ARP_OP_REPLY));
	CU_ASSERT_EQUAL(memcmp(a->arp_data.arp_sha.addr_bytes, our_mac, 6), 0);
	CU_ASSERT_EQUAL(memcmp(eth->src_addr.addr_bytes, our_mac, 6), 0);
	CU_ASSERT_EQUAL(a->arp_data.arp_sip, rte_cpu_to_be_32(IP(10, 0, 1, 107)));
	CU_ASSERT_EQUAL(a->arp_data.arp_tip, rte_cpu_to_be_32(IP(10, 0, 1, 2)));
	vt_capture_reset(&tx_cap);

	/* One reference left: still answered; none left: not for us. */
	CU_ASSERT_EQUAL(vn_arp_proxy_del(if_up, IP(10, 0, 1, 100), IP(10, 0, 1, 110)), 0);
	CU_ASSERT(vn_arp_proxy_match(if_up, IP(10, 0, 1, 100)));
	CU_ASSERT_EQUAL(vn_arp_proxy_del(if_up, IP(10, 0, 1, 100), IP(10, 0, 1, 110)), 0);
	CU_ASSERT_EQUAL(vn_arp_proxy_del(if_up, IP(10, 0, 1, 100), IP(10, 0, 1, 110)), -ENOENT);
	CU_ASSERT_EQUAL(vn_arp_proxy_count(), 0);
	inject1("arp-input",
		arp_pkt(RTE_ARP_OP_REQUEST, peer_mac, IP(10, 0, 1, 2), IP(10, 0, 1, 107), if_up));
	assert_dropped("arp-input", "arp request not for us");
}

static void
test_reply_to_us_learned(void)
{
	static const uint8_t mac[6] = {0x02, 0xbb, 0, 0, 0, 3};

	inject1("arp-input",
		arp_pkt(RTE_ARP_OP_REPLY, mac, IP(10, 0, 1, 3), IP(10, 0, 1, 1), if_up));

	assert_dropped("arp-input", "arp replies received");
	CU_ASSERT_EQUAL(counter("arp-input", "neighbours learned"), 1);
	CU_ASSERT(learned(if_up, IP(10, 0, 1, 3), mac));
}

static void
test_reply_off_subnet_not_learned(void)
{
	inject1("arp-input", arp_pkt(RTE_ARP_OP_REPLY, peer_mac, IP(192, 168, 5, 5),
				     IP(10, 0, 1, 1), if_up));

	assert_dropped("arp-input", "arp replies received");
	CU_ASSERT_EQUAL(counter("arp-input", "neighbours learned"), 0);
	CU_ASSERT_EQUAL(counter("arp-input", "sender not on a connected subnet (not learned)"), 1);
	CU_ASSERT_FALSE(learned(if_up, IP(192, 168, 5, 5), peer_mac));
}

static void
test_reply_not_for_us(void)
{
	inject1("arp-input", arp_pkt(RTE_ARP_OP_REPLY, peer_mac, IP(10, 0, 1, 60),
				     IP(10, 0, 1, 61), if_up));

	assert_dropped("arp-input", "arp reply not for us");
	CU_ASSERT_FALSE(learned(if_up, IP(10, 0, 1, 60), peer_mac));
}

static void
test_gratuitous_learned(void)
{
	static const uint8_t mac[6] = {0x02, 0xcc, 0, 0, 0, 4};

	inject1("arp-input",
		arp_pkt(RTE_ARP_OP_REQUEST, mac, IP(10, 0, 1, 4), IP(10, 0, 1, 4), if_up));

	assert_dropped("arp-input", "gratuitous arp received");
	CU_ASSERT(learned(if_up, IP(10, 0, 1, 4), mac));
}

static void
test_address_conflict(void)
{
	inject1("arp-input",
		arp_pkt(RTE_ARP_OP_REQUEST, peer_mac, IP(10, 0, 1, 1), IP(10, 0, 1, 1), if_up));
	assert_dropped("arp-input", "sender ip is ours (address conflict)");
}

static void
test_interface_down(void)
{
	inject1("arp-input",
		arp_pkt(RTE_ARP_OP_REQUEST, peer_mac, IP(10, 0, 9, 2), IP(10, 0, 9, 1), if_down));
	assert_dropped("arp-input", "interface down");
	vt_capture_reset(&drop_cap);

	/* No interface at all behind rx_if. */
	inject1("arp-input",
		arp_pkt(RTE_ARP_OP_REQUEST, peer_mac, IP(10, 0, 1, 2), IP(10, 0, 1, 1), 60));
	assert_dropped("arp-input", "interface down");
}

/* Each malformation of a valid request is dropped under its own reason. */
static void
mangle(struct rte_arp_hdr *a, int what)
{
	static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0, 0, 1};

	switch (what) {
	case 0:
		a->arp_hardware = rte_cpu_to_be_16(6);
		break;
	case 1:
		a->arp_protocol = rte_cpu_to_be_16(0x86dd);
		break;
	case 2:
		a->arp_hlen = 8;
		break;
	case 3:
		a->arp_plen = 16;
		break;
	case 4:
		a->arp_opcode = rte_cpu_to_be_16(3);
		break;
	case 5:
		memcpy(&a->arp_data.arp_sha, mcast, 6);
		break;
	case 6:
		a->arp_data.arp_sip = UINT32_MAX;
		break;
	}
}

static void
test_malformed(void)
{
	static const char *const reasons[] = {
		"bad hardware type (not ethernet)",	"bad protocol type (not ipv4)",
		"bad hardware address length",		"bad protocol address length",
		"unknown arp opcode",			"sender mac is broadcast or multicast",
		"sender ip is broadcast or multicast",
	};

	for (int i = 0; i < (int)VN_ARRAY_LEN(reasons); i++) {
		struct rte_mbuf *m = arp_pkt(RTE_ARP_OP_REQUEST, peer_mac, IP(10, 0, 1, 2),
					     IP(10, 0, 1, 1), if_up);
		mangle(arp_of(m), i);
		inject1("arp-input", m);
		assert_dropped("arp-input", reasons[i]);
		vt_capture_reset(&drop_cap);
	}
	CU_ASSERT_EQUAL(counter("arp-input", "neighbours learned"), 0);
}

/* Every truncation of a valid request, down to an empty packet. */
static void
test_truncated(void)
{
	for (uint16_t len = 0; len < sizeof(struct rte_arp_hdr); len++) {
		struct rte_mbuf *m = arp_pkt(RTE_ARP_OP_REQUEST, peer_mac, IP(10, 0, 1, 2),
					     IP(10, 0, 1, 1), if_up);
		CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) - len), 0);
		inject1("arp-input", m);
		assert_dropped("arp-input", "truncated arp packet");
		vt_capture_reset(&drop_cap);
	}
}

/* The real path from the wire: a broadcast frame through ethernet-input. */
static void
test_from_ethernet_input(void)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct rte_mbuf *m = vt_ether_frame(
		bcast, peer_mac, RTE_ETHER_TYPE_ARP,
		arp_pkt(RTE_ARP_OP_REQUEST, peer_mac, IP(10, 0, 1, 2), IP(10, 0, 1, 1), if_up));
	struct rte_ether_hdr *eth;

	inject1("ethernet-input", m);

	CU_ASSERT_EQUAL(drop_cap.n, 0);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	m = tx_cap.pkts[0];
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 42);
	CU_ASSERT_EQUAL(memcmp(eth->dst_addr.addr_bytes, peer_mac, 6), 0);
	CU_ASSERT_EQUAL(((struct rte_arp_hdr *)(eth + 1))->arp_opcode,
			rte_cpu_to_be_16(RTE_ARP_OP_REPLY));
	CU_ASSERT_FALSE(vn_meta(m)->flags & VN_META_F_L2_BCAST);
}

/* A whole vector of mixed packets: replies and drops are split per packet. */
static void
test_mixed_vector(void)
{
	struct rte_mbuf *pkts[VN_FRAME_SIZE];

	for (uint16_t i = 0; i < VN_FRAME_SIZE; i++)
		pkts[i] = arp_pkt(RTE_ARP_OP_REQUEST, peer_mac, IP(10, 0, 1, 2),
				  i % 2 ? IP(10, 0, 1, 1) : IP(10, 0, 1, 77), if_up);
	vt_inject(g, "arp-input", pkts, VN_FRAME_SIZE);
	CU_ASSERT_EQUAL(tx_cap.n, VN_FRAME_SIZE / 2);
	CU_ASSERT_EQUAL(drop_cap.n, VN_FRAME_SIZE / 2);
	CU_ASSERT_EQUAL(counter("arp-input", "arp replies sent"), VN_FRAME_SIZE / 2);
}

/* ---- ip4-arp ------------------------------------------------------------ */

/* These tests see every trigger dropped: nothing is held (VPP's way). */
static int
no_hold_init(void)
{
	struct vn_neighbor_config c = {.queue_len = 0, .timeout_ms = 1000};

	return vn_neighbor_config_set(&c);
}

static struct vn_adj glean_adj, incomplete_adj, rewrite_adj, down_adj;

static void
adj_init(void)
{
	glean_adj = (struct vn_adj){.type = VN_ADJ_GLEAN, .tx_if = if_up, .mtu = 1500};
	incomplete_adj = (struct vn_adj){
		.type = VN_ADJ_INCOMPLETE, .tx_if = if_up, .mtu = 1500, .nh = IP(10, 0, 1, 254)};
	rewrite_adj = (struct vn_adj){.type = VN_ADJ_REWRITE, .tx_if = if_up, .mtu = 1500};
	down_adj = (struct vn_adj){.type = VN_ADJ_GLEAN, .tx_if = if_down, .mtu = 1500};
}

/* Checks tx_cap.pkts[i] is a broadcast ARP request from spa for tpa. */
static void
assert_request(uint16_t i, uint32_t spa, uint32_t tpa)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t zero[6];
	struct rte_mbuf *m = tx_cap.pkts[i];
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(eth + 1);

	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_data_len(m), 42);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 42);
	CU_ASSERT_EQUAL(memcmp(eth->dst_addr.addr_bytes, bcast, 6), 0);
	CU_ASSERT_EQUAL(memcmp(eth->src_addr.addr_bytes, our_mac, 6), 0);
	CU_ASSERT_EQUAL(eth->ether_type, rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP));
	CU_ASSERT_EQUAL(a->arp_hardware, rte_cpu_to_be_16(RTE_ARP_HRD_ETHER));
	CU_ASSERT_EQUAL(a->arp_protocol, rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4));
	CU_ASSERT_EQUAL(a->arp_hlen, 6);
	CU_ASSERT_EQUAL(a->arp_plen, 4);
	CU_ASSERT_EQUAL(a->arp_opcode, rte_cpu_to_be_16(RTE_ARP_OP_REQUEST));
	CU_ASSERT_EQUAL(memcmp(a->arp_data.arp_sha.addr_bytes, our_mac, 6), 0);
	CU_ASSERT_EQUAL(a->arp_data.arp_sip, rte_cpu_to_be_32(spa));
	CU_ASSERT_EQUAL(memcmp(a->arp_data.arp_tha.addr_bytes, zero, 6), 0);
	CU_ASSERT_EQUAL(a->arp_data.arp_tip, rte_cpu_to_be_32(tpa));
	CU_ASSERT_EQUAL(vn_meta(m)->tx_if, if_up);
	CU_ASSERT_EQUAL(vn_meta(m)->flags, VN_META_F_LOCAL_ORIGIN);
	CU_ASSERT_PTR_NULL(vn_meta(m)->adj);
}

static void
test_glean(void)
{
	adj_init();
	inject1("ip4-arp", ip4_pkt(IP(10, 0, 1, 7), &glean_adj));

	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_request(0, IP(10, 0, 1, 1), IP(10, 0, 1, 7));
	CU_ASSERT_EQUAL_FATAL(drop_cap.n, 1);
	CU_ASSERT_EQUAL(vn_buf(drop_cap.pkts[0])->error,
			vt_err("ip4-arp", "address resolution required"));
	CU_ASSERT_EQUAL(counter("ip4-arp", "arp requests sent"), 1);
}

/* The request's buffer comes from the pool with whatever its last packet
 * left in the private area: none of it may survive, not even the core's
 * part (a stale trace number would have it recorded under another packet's). */
static void
test_request_buffer_reset(void)
{
	struct rte_mbuf *m, *stale;

	adj_init();
	m = ip4_pkt(IP(10, 0, 1, 7), &glean_adj);
	stale = rte_pktmbuf_alloc(vn_pktmbuf_pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(stale);
	memset(vn_buf(stale), 0xa5, sizeof(struct vn_buf) + sizeof(struct vn_meta));
	rte_pktmbuf_free(stale); /* back on top of this lcore's cache: the next alloc */
	inject1("ip4-arp", m);

	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	CU_ASSERT_PTR_EQUAL(tx_cap.pkts[0], stale);
	assert_request(0, IP(10, 0, 1, 1), IP(10, 0, 1, 7));
	CU_ASSERT_EQUAL(vn_buf(tx_cap.pkts[0])->trace_id, 0);
	CU_ASSERT_EQUAL(vn_buf(tx_cap.pkts[0])->error, 0);
}

static void
test_glean_source_selection(void)
{
	adj_init();
	/* Target on the second subnet: that subnet's address is the sender. */
	inject1("ip4-arp", ip4_pkt(IP(10, 0, 2, 9), &glean_adj));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_request(0, IP(10, 0, 2, 1), IP(10, 0, 2, 9));
}

static void
test_incomplete(void)
{
	adj_init();
	/* The packet's own destination is far away; ARP resolves the next hop. */
	inject1("ip4-arp", ip4_pkt(IP(8, 8, 8, 8), &incomplete_adj));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_request(0, IP(10, 0, 1, 1), IP(10, 0, 1, 254));

	/* A next hop on no connected subnet still goes out, from the first address. */
	vt_capture_reset(&tx_cap);
	incomplete_adj.nh = IP(172, 16, 0, 1);
	inject1("ip4-arp", ip4_pkt(IP(8, 8, 8, 8), &incomplete_adj));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_request(0, IP(10, 0, 1, 1), IP(172, 16, 0, 1));
}

static void
test_throttle(void)
{
	struct rte_mbuf *pkts[5];

	adj_init();
	for (int i = 0; i < 5; i++)
		pkts[i] = ip4_pkt(IP(10, 0, 1, 8), &glean_adj);
	vt_inject(g, "ip4-arp", pkts, 5);
	CU_ASSERT_EQUAL(tx_cap.n, 1);
	CU_ASSERT_EQUAL_FATAL(drop_cap.n, 5);
	CU_ASSERT_EQUAL(vn_buf(drop_cap.pkts[0])->error,
			vt_err("ip4-arp", "address resolution required"));
	for (int i = 1; i < 5; i++)
		CU_ASSERT_EQUAL(vn_buf(drop_cap.pkts[i])->error,
				vt_err("ip4-arp", "arp request rate-limited"));

	/* Another target is not held back by the first. */
	inject1("ip4-arp", ip4_pkt(IP(10, 0, 1, 9), &glean_adj));
	CU_ASSERT_EQUAL(tx_cap.n, 2);

	/* Once the interval has passed, the first target is asked again. */
	usleep(120 * 1000);
	inject1("ip4-arp", ip4_pkt(IP(10, 0, 1, 8), &glean_adj));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 3);
	assert_request(2, IP(10, 0, 1, 1), IP(10, 0, 1, 8));
	CU_ASSERT_EQUAL(counter("ip4-arp", "arp requests sent"), 3);
}

/* Many targets in one vector: the table holds them all (no false throttling
 * while buckets have room). */
static void
test_many_targets(void)
{
	struct rte_mbuf *pkts[200];

	adj_init();
	for (int i = 0; i < 200; i++)
		pkts[i] = ip4_pkt(IP(10, 0, 2, 10 + i), &glean_adj);
	vt_inject(g, "ip4-arp", pkts, 200);
	CU_ASSERT_EQUAL(tx_cap.n, 200);
	CU_ASSERT_EQUAL(drop_cap.n, 200);
}

static void
test_ip4_arp_drops(void)
{
	struct {
		const char *err;
		struct rte_mbuf *m;
	} cases[] = {
		{"adjacency is not glean or incomplete", ip4_pkt(IP(10, 0, 1, 7), NULL)},
		{"adjacency is not glean or incomplete", ip4_pkt(IP(10, 0, 1, 7), &rewrite_adj)},
		{"interface down", ip4_pkt(IP(10, 0, 9, 7), &down_adj)},
		{"target is broadcast or multicast", ip4_pkt(IP(10, 0, 1, 255), &glean_adj)},
		{"target is broadcast or multicast", ip4_pkt(IP(224, 0, 0, 5), &glean_adj)},
		{"truncated ip4 header", ip4_pkt(IP(10, 0, 1, 7), &glean_adj)},
	};

	adj_init();
	CU_ASSERT_EQUAL(rte_pktmbuf_trim(cases[5].m, 64 - 19), 0);
	for (uint32_t i = 0; i < VN_ARRAY_LEN(cases); i++) {
		inject1("ip4-arp", cases[i].m);
		assert_dropped("ip4-arp", cases[i].err);
		vt_capture_reset(&drop_cap);
	}
	CU_ASSERT_EQUAL(counter("ip4-arp", "arp requests sent"), 0);
}

static void
test_ip4_arp_no_buffer(void)
{
	static struct rte_mbuf *hoard[8192];
	struct rte_mbuf *m;
	uint32_t n = 0;

	adj_init();
	m = ip4_pkt(IP(10, 0, 1, 7), &glean_adj);
	while (n < VN_ARRAY_LEN(hoard) && (hoard[n] = rte_pktmbuf_alloc(vn_pktmbuf_pool)))
		n++;
	inject1("ip4-arp", m);
	rte_pktmbuf_free_bulk(hoard, n);
	assert_dropped("ip4-arp", "no buffer for arp request");
}

/* ---- ip4-arp: packets held until the next hop resolves ------------------- */

static const uint8_t nh_mac[6] = {0x02, 0xdd, 0x00, 0x00, 0x00, 0x09};

static int
hold_init(void)
{
	struct vn_neighbor_config c = {.queue_len = 3, .timeout_ms = 1000};
	struct vn_route_path via = {.via = IP(10, 0, 1, 254), .if_index = if_up};
	struct vn_prefix p = {.addr = IP(8, 8, 8, 0), .len = 24};

	if (vn_neighbor_config_set(&c) < 0)
		return -1;
	return vn_route_add(&p, &via, 1) < 0 ? -1 : 0;
}

static int
hold_fini(void)
{
	struct vn_prefix p = {.addr = IP(8, 8, 8, 0), .len = 24};

	vn_route_del(&p, NULL);
	return 0;
}

/* Released packets take the real path: ip4-lookup, ip4-rewrite,
 * interface-output, then the capture in place of port-tx. */
static void
hold_setup(void)
{
	test_setup();
	vt_redirect(g, "interface-output", "port-tx", "test-port-tx");
}

/* What ip4-lookup finds for dst now. */
static const struct vn_adj *
route_adj(uint32_t dst)
{
	uint32_t nh;

	CU_ASSERT_EQUAL_FATAL(rte_lpm_lookup(vn_fib_lpm, dst, &nh), 0);
	return vn_fib_adj(nh, 0);
}

/* n packets to dst, IP ids first.. in order, as ip4-lookup hands them over. */
static void
send_n(uint32_t dst, uint16_t first, uint16_t n)
{
	struct rte_mbuf *pkts[16];

	CU_ASSERT_FATAL(n <= 16);
	for (uint16_t i = 0; i < n; i++) {
		pkts[i] = ip4_pkt(dst, route_adj(dst));
		rte_pktmbuf_mtod(pkts[i], struct rte_ipv4_hdr *)->packet_id =
			rte_cpu_to_be_16(first + i);
	}
	vt_inject(g, "ip4-arp", pkts, n);
}

/* The i-th captured frame is IPv4 packet `id` sent to mac. */
static void
assert_forwarded(uint16_t i, uint16_t id, const uint8_t *mac)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(tx_cap.pkts[i], struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);

	CU_ASSERT_EQUAL_FATAL(eth->ether_type, rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4));
	CU_ASSERT_EQUAL(memcmp(eth->dst_addr.addr_bytes, mac, 6), 0);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->packet_id), id);
	CU_ASSERT_EQUAL(ip->time_to_live, 63);
}

static void
poll_once(void)
{
	vn_graph_run_once(g);
}

/* Glean: the packets wait for the ARP reply, then leave in order through the
 * rewrite of the new neighbour. */
static void
test_hold_released_in_order(void)
{
	send_n(IP(10, 0, 1, 7), 1, 3);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_request(0, IP(10, 0, 1, 1), IP(10, 0, 1, 7));
	CU_ASSERT_EQUAL(drop_cap.n, 0);
	CU_ASSERT_EQUAL(counter("ip4-arp", "packets held for address resolution"), 3);

	/* Nothing changed: nothing leaves. */
	poll_once();
	CU_ASSERT_EQUAL(tx_cap.n, 1);

	CU_ASSERT_EQUAL_FATAL(vn_neighbor_set(if_up, IP(10, 0, 1, 7), peer_mac, false), 0);
	poll_once();
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 4);
	for (uint16_t i = 0; i < 3; i++)
		assert_forwarded(1 + i, 1 + i, peer_mac);
	CU_ASSERT_EQUAL(drop_cap.n, 0);
	CU_ASSERT_EQUAL(counter("ip4-arp", "held packets released"), 3);
	CU_ASSERT_EQUAL(vn_neighbor_del(if_up, IP(10, 0, 1, 7)), 0);
}

/* Incomplete: a route via an unresolved next hop; the request asks for the
 * next hop and the packets leave when it answers. */
static void
test_hold_incomplete(void)
{
	CU_ASSERT_EQUAL_FATAL(route_adj(IP(8, 8, 8, 8))->type, VN_ADJ_INCOMPLETE);
	send_n(IP(8, 8, 8, 8), 10, 2);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_request(0, IP(10, 0, 1, 1), IP(10, 0, 1, 254));

	CU_ASSERT_EQUAL_FATAL(vn_neighbor_set(if_up, IP(10, 0, 1, 254), nh_mac, false), 0);
	poll_once();
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 3);
	assert_forwarded(1, 10, nh_mac);
	assert_forwarded(2, 11, nh_mac);
	CU_ASSERT_EQUAL(vn_neighbor_del(if_up, IP(10, 0, 1, 254)), 0);
}

/* The queue keeps the first queue-length packets; the rest are dropped by name. */
static void
test_hold_queue_full(void)
{
	send_n(IP(10, 0, 1, 8), 1, 5);
	CU_ASSERT_EQUAL(tx_cap.n, 1);
	CU_ASSERT_EQUAL_FATAL(drop_cap.n, 2);
	for (int i = 0; i < 2; i++)
		CU_ASSERT_EQUAL(vn_buf(drop_cap.pkts[i])->error,
				vt_err("ip4-arp", "hold queue full (next hop unresolved)"));
	CU_ASSERT_EQUAL(counter("ip4-arp", "packets held for address resolution"), 3);

	/* Another next hop has its own queue. */
	send_n(IP(10, 0, 1, 18), 1, 3);
	CU_ASSERT_EQUAL(drop_cap.n, 2);
	CU_ASSERT_EQUAL(counter("ip4-arp", "packets held for address resolution"), 6);
}

/* Unresolved for resolve-timeout: dropped by name, none left behind. */
static void
test_hold_timeout(void)
{
	struct vn_neighbor_config c = {.queue_len = 3, .timeout_ms = 30};

	CU_ASSERT_EQUAL_FATAL(vn_neighbor_config_set(&c), 0);
	send_n(IP(10, 0, 1, 9), 1, 2);
	poll_once();
	CU_ASSERT_EQUAL(drop_cap.n, 0);
	usleep(60 * 1000);
	poll_once();
	c.timeout_ms = 1000;
	CU_ASSERT_EQUAL(vn_neighbor_config_set(&c), 0);
	CU_ASSERT_EQUAL_FATAL(drop_cap.n, 2);
	for (int i = 0; i < 2; i++)
		CU_ASSERT_EQUAL(vn_buf(drop_cap.pkts[i])->error,
				vt_err("ip4-arp", "address resolution timed out"));
	CU_ASSERT_EQUAL(counter("ip4-arp", "held packets released"), 0);

	/* The next packet starts a new wait (and a new request). */
	vt_capture_reset(&drop_cap);
	send_n(IP(10, 0, 1, 9), 3, 1);
	CU_ASSERT_EQUAL(drop_cap.n, 0);
	CU_ASSERT_EQUAL(counter("ip4-arp", "packets held for address resolution"), 3);
}

/* While packets wait, the request is repeated. */
static void
test_hold_retry(void)
{
	send_n(IP(10, 0, 1, 10), 1, 1);
	CU_ASSERT_EQUAL(tx_cap.n, 1);
	poll_once();
	CU_ASSERT_EQUAL(tx_cap.n, 1);
	usleep(300 * 1000);
	poll_once();
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 2);
	assert_request(1, IP(10, 0, 1, 1), IP(10, 0, 1, 10));
	CU_ASSERT_EQUAL(counter("ip4-arp", "arp requests sent"), 2);
	CU_ASSERT_EQUAL(drop_cap.n, 0);
}

/* The interface goes down: the packets go back to ip4-lookup, which brings
 * them to ip4-arp again, and there they are dropped as for a down interface. */
static void
test_hold_interface_down(void)
{
	send_n(IP(10, 0, 1, 11), 1, 2);
	CU_ASSERT_EQUAL_FATAL(vn_interface_set_admin(if_up, false), 0);
	poll_once();
	CU_ASSERT_EQUAL_FATAL(vn_interface_set_admin(if_up, true), 0);
	CU_ASSERT_EQUAL(counter("ip4-arp", "held packets released"), 2);
	CU_ASSERT_EQUAL_FATAL(drop_cap.n, 2);
	for (int i = 0; i < 2; i++)
		CU_ASSERT_EQUAL(vn_buf(drop_cap.pkts[i])->error, vt_err("ip4-arp", "interface down"));
	CU_ASSERT_EQUAL(tx_cap.n, 1);
}

/* The route through the next hop is deleted: its packets leave the queue
 * (to ip4-lookup, which now has no route for them) rather than wait. */
static void
test_hold_route_deleted(void)
{
	struct vn_route_path via = {.via = IP(10, 0, 1, 254), .if_index = if_up};
	struct vn_prefix p = {.addr = IP(8, 8, 8, 0), .len = 24};
	unsigned avail;

	send_n(IP(8, 8, 8, 9), 1, 3);
	avail = rte_mempool_avail_count(vn_pktmbuf_pool);
	CU_ASSERT_EQUAL_FATAL(vn_route_del(&p, NULL), 0);
	poll_once();
	CU_ASSERT_EQUAL(counter("ip4-arp", "held packets released"), 3);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail + 3);
	CU_ASSERT_EQUAL(vn_route_add(&p, &via, 1), 0);
}

/* A graph going away (shutdown) frees what it holds. */
static void
test_hold_freed_with_graph(void)
{
	unsigned avail;

	send_n(IP(10, 0, 1, 12), 1, 3);
	send_n(IP(8, 8, 8, 8), 1, 2);
	CU_ASSERT_EQUAL(counter("ip4-arp", "packets held for address resolution"), 5);
	avail = rte_mempool_avail_count(vn_pktmbuf_pool);
	vn_graph_destroy(g);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail + 5);
	g = vn_graph_create(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
}

/* Queue length 0 holds nothing, as before the queue existed. */
static void
test_hold_disabled(void)
{
	struct vn_neighbor_config c = {.queue_len = 0, .timeout_ms = 1000};

	CU_ASSERT_EQUAL_FATAL(vn_neighbor_config_set(&c), 0);
	send_n(IP(10, 0, 1, 13), 1, 2);
	c.queue_len = 3;
	CU_ASSERT_EQUAL(vn_neighbor_config_set(&c), 0);
	CU_ASSERT_EQUAL_FATAL(drop_cap.n, 2);
	CU_ASSERT_EQUAL(vn_buf(drop_cap.pkts[0])->error,
			vt_err("ip4-arp", "address resolution required"));
	CU_ASSERT_EQUAL(vn_buf(drop_cap.pkts[1])->error,
			vt_err("ip4-arp", "arp request rate-limited"));
	c.queue_len = VN_NEIGHBOR_QUEUE_MAX + 1;
	CU_ASSERT_EQUAL(vn_neighbor_config_set(&c), -EINVAL);
	c = (struct vn_neighbor_config){.queue_len = 3, .timeout_ms = 0};
	CU_ASSERT_EQUAL(vn_neighbor_config_set(&c), -EINVAL);
	vn_neighbor_config_get(&c);
	CU_ASSERT_EQUAL(c.queue_len, 3);
	CU_ASSERT_EQUAL(c.timeout_ms, 1000);
}

int
main(void)
{
	static CU_TestInfo arp_tests[] = {
		{"request for us: reply in place, learned", test_request_for_us},
		{"request for our second address", test_request_second_address},
		{"probe answered, not learned", test_probe_answered_not_learned},
		{"request not for us", test_request_not_for_us},
		{"proxy arp ranges", test_proxy_arp},
		{"reply to us learned", test_reply_to_us_learned},
		{"reply from off-subnet sender not learned", test_reply_off_subnet_not_learned},
		{"reply not for us", test_reply_not_for_us},
		{"gratuitous arp learned", test_gratuitous_learned},
		{"address conflict", test_address_conflict},
		{"interface down", test_interface_down},
		{"malformed fields", test_malformed},
		{"every truncation", test_truncated},
		{"mixed vector", test_mixed_vector},
		{"from ethernet-input", test_from_ethernet_input},
		CU_TEST_INFO_NULL,
	};
	static CU_TestInfo ip4_arp_tests[] = {
		{"glean: request for the destination", test_glean},
		{"glean: source on the target's subnet", test_glean_source_selection},
		{"request: nothing of the buffer's last packet is left", test_request_buffer_reset},
		{"incomplete: request for the next hop", test_incomplete},
		{"one request per target per 100 ms", test_throttle},
		{"many targets in one vector", test_many_targets},
		{"drops with reasons", test_ip4_arp_drops},
		{"no buffer for the request", test_ip4_arp_no_buffer},
		CU_TEST_INFO_NULL,
	};
	static CU_TestInfo hold_tests[] = {
		{"glean: held, released in order once resolved", test_hold_released_in_order},
		{"incomplete: held until the next hop resolves", test_hold_incomplete},
		{"queue full: named drop", test_hold_queue_full},
		{"timeout: named drop", test_hold_timeout},
		{"request repeated while waiting", test_hold_retry},
		{"interface down: released, dropped as down", test_hold_interface_down},
		{"route deleted: released, nothing kept", test_hold_route_deleted},
		{"graph destroyed: held packets freed", test_hold_freed_with_graph},
		{"queue length 0: nothing held", test_hold_disabled},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"arp-input", suite_init, NULL, test_setup, test_teardown, arp_tests},
		{"ip4-arp", no_hold_init, NULL, test_setup, test_teardown, ip4_arp_tests},
		{"ip4-arp hold", hold_init, hold_fini, hold_setup, test_teardown, hold_tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
