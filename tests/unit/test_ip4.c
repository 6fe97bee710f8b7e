/*
 * The router fast path through a real graph: ethernet-input, ip4-input,
 * ip4-lookup, ip4-rewrite, interface-output and error-drop, on virtual
 * interfaces with the real FIB and neighbour table. Frames are built at the
 * normal RX data offset, as port-rx hands them over.
 *
 * The arcs that leave the path (port-tx, ip4-icmp-error, ip4-local, ip4-arp,
 * arp-input) are pointed at capture nodes; error-drop is the real one, so a
 * drop is asserted by its counter, under the name the dropping node gave it.
 *
 * Topology:  lan 10.0.1.1/24 (mtu 1500), wan 10.0.2.1/24 (mtu 1400),
 *            wan2 10.0.3.1/24 (mtu 1500), dn 10.0.4.1/24 (set down by a test).
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/net/port.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/rcu.h>

#include "vn_test.h"
#include "vn_test_graph.h"

VT_CAPTURE_NODE(tx_cap, "test-port-tx");
VT_CAPTURE_NODE(icmp_cap, "test-ip4-icmp-error");
VT_CAPTURE_NODE(local_cap, "test-ip4-local");
VT_CAPTURE_NODE(arp_cap, "test-ip4-arp");
VT_CAPTURE_NODE(arpin_cap, "test-arp-input");

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define PFX(a, b, c, d, l) ((struct vn_prefix){.addr = IP(a, b, c, d), .len = (l)})

#define PEER_IP IP(10, 0, 1, 2) /* a host on lan */
#define FRAME_LEN 64 /* the reference frame: Ethernet + IPv4 + UDP + 22 bytes */
#define L3_LEN (FRAME_LEN - RTE_ETHER_HDR_LEN)

static const uint8_t mac_lan[6] = {0x02, 0, 0, 0, 0x20, 1};
static const uint8_t mac_wan[6] = {0x02, 0, 0, 0, 0x20, 2};
static const uint8_t mac_wan2[6] = {0x02, 0, 0, 0, 0x20, 3};
static const uint8_t mac_dn[6] = {0x02, 0, 0, 0, 0x20, 4};
static const uint8_t mac_peer[6] = {0x02, 0xaa, 0, 0, 0, 2}; /* 10.0.1.2 */
static const uint8_t mac_nh2[6] = {0x02, 0xbb, 0, 0, 0, 2}; /* 10.0.2.2 */
static const uint8_t mac_nh3[6] = {0x02, 0xcc, 0, 0, 0, 2}; /* 10.0.3.2 */
static const uint8_t mac_nh4[6] = {0x02, 0xdd, 0, 0, 0, 2}; /* 10.0.4.2 */
static uint32_t if_lan, if_wan, if_wan2, if_dn;
static struct vn_graph *g;

/* ---- graph -------------------------------------------------------------- */

static void
graph_up(void)
{
	g = vn_graph_create(0);
	if (!g) {
		fprintf(stderr, "cannot create the graph\n");
		abort();
	}
	vt_redirect(g, "interface-output", "port-tx", "test-port-tx");
	vt_redirect(g, "ip4-lookup", "ip4-icmp-error", "test-ip4-icmp-error");
	vt_redirect(g, "ip4-rewrite", "ip4-icmp-error", "test-ip4-icmp-error");
	vt_redirect(g, "ip4-lookup", "ip4-local", "test-ip4-local");
	vt_redirect(g, "ip4-lookup", "ip4-arp", "test-ip4-arp");
	vt_redirect(g, "ethernet-input", "arp-input", "test-arp-input");
}

static void
graph_down(void)
{
	vt_capture_reset(&tx_cap);
	vt_capture_reset(&icmp_cap);
	vt_capture_reset(&local_cap);
	vt_capture_reset(&arp_cap);
	vt_capture_reset(&arpin_cap);
	vn_graph_destroy(g);
	g = NULL;
}

/* Fresh counters between the cases of one test. */
static void
graph_fresh(void)
{
	graph_down();
	graph_up();
}

static uint64_t
counter(const char *node, const char *name)
{
	return g->error_counts[vt_err(node, name)];
}

/* Packets error-drop has received (every drop, whatever the reason). */
static uint64_t
n_dropped(void)
{
	return vn_graph_rt(g)->nodes[vt_node_index("error-drop")].vectors;
}

static uint32_t
n_captured(void)
{
	return tx_cap.n + icmp_cap.n + local_cap.n + arp_cap.n + arpin_cap.n;
}

/* Exactly one packet was dropped, under node's error `err`, and nothing else left. */
static void
assert_dropped(const char *node, const char *err)
{
	CU_ASSERT_EQUAL(n_captured(), 0);
	CU_ASSERT_EQUAL(n_dropped(), 1);
	CU_ASSERT_EQUAL(counter(node, err), 1);
	CU_ASSERT_EQUAL(g->error_counts[0], 0); /* never "dropped without a reason" */
}

/* ---- packets ------------------------------------------------------------ */

static void
fix_ip_cksum(struct rte_ipv4_hdr *ip)
{
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

static bool
ip_cksum_ok(const struct rte_ipv4_hdr *ip)
{
	return rte_raw_cksum(ip, rte_ipv4_hdr_len(ip)) == 0xffff;
}

/* A UDP datagram of total length len with opt_len bytes of NOP options, data
 * at the IPv4 header, arriving on if_lan. TTL 64, no DF. */
static struct rte_mbuf *
udp_l3(uint32_t src, uint32_t dst, uint16_t len, uint8_t opt_len, uint16_t sport)
{
	struct rte_mbuf *m = vt_pkt(len, if_lan);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint16_t hl = sizeof(*ip) + opt_len;
	uint8_t *p = (uint8_t *)ip;

	for (uint16_t i = hl; i < len; i++)
		p[i] = (uint8_t)(i * 13 + 5);
	memset(p + sizeof(*ip), 1 /* NOP */, opt_len);
	ip->version_ihl = 0x40 | (hl / 4);
	ip->total_length = rte_cpu_to_be_16(len);
	ip->packet_id = rte_cpu_to_be_16(0x4321);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	if (len >= hl + sizeof(struct rte_udp_hdr)) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(p + hl);
		udp->src_port = rte_cpu_to_be_16(sport);
		udp->dst_port = rte_cpu_to_be_16(4789);
		udp->dgram_len = rte_cpu_to_be_16(len - hl);
		udp->dgram_cksum = 0;
	}
	fix_ip_cksum(ip);
	return m;
}

/* The same as a whole frame from the peer to our lan MAC. */
static struct rte_mbuf *
udp_frame(uint32_t src, uint32_t dst, uint16_t len, uint8_t opt_len)
{
	return vt_ether_frame(mac_lan, mac_peer, RTE_ETHER_TYPE_IPV4,
			      udp_l3(src, dst, len, opt_len, 1000));
}

static struct rte_ipv4_hdr *
frame_ip(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
}

/* Set by the "frame" suites: a packet injected into ethernet-input states its
 * receive interface as the frame's, as port-rx does. */
static bool inject_frame_if;

static int
frame_if_on(void)
{
	inject_frame_if = true;
	return 0;
}

static int
frame_if_off(void)
{
	inject_frame_if = false;
	return 0;
}

static void
inject1(const char *node, struct rte_mbuf *m)
{
	uint32_t frame_if = VN_FRAME_IF_MIXED;

	if (inject_frame_if && strcmp(node, "ethernet-input") == 0)
		frame_if = vn_meta(m)->rx_if;
	CU_ASSERT_EQUAL_FATAL(vn_graph_inject_if(g, vt_node_index(node), &m, 1, frame_if), 0);
}

/* Checks a forwarded frame: rewrite to dst_mac from src_mac, the IPv4 packet
 * orig (len bytes) with TTL one less and a checksum that verifies. */
static void
assert_forwarded(struct rte_mbuf *m, const uint8_t *dst_mac, const uint8_t *src_mac,
		 uint32_t tx_if, const uint8_t *orig, uint16_t len)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	const struct rte_ipv4_hdr *oip = (const struct rte_ipv4_hdr *)orig;

	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_data_len(m), RTE_ETHER_HDR_LEN + len);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), RTE_ETHER_HDR_LEN + len);
	CU_ASSERT_EQUAL(memcmp(eh->dst_addr.addr_bytes, dst_mac, 6), 0);
	CU_ASSERT_EQUAL(memcmp(eh->src_addr.addr_bytes, src_mac, 6), 0);
	CU_ASSERT_EQUAL(eh->ether_type, rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4));
	CU_ASSERT_EQUAL(vn_meta(m)->tx_if, tx_if);
	CU_ASSERT_EQUAL(ip->time_to_live, oip->time_to_live - 1);
	CU_ASSERT(ip_cksum_ok(ip));
	/* Everything but TTL and checksum is untouched, options and payload included. */
	CU_ASSERT_EQUAL(memcmp(ip, oip, 8), 0);
	CU_ASSERT_EQUAL(ip->next_proto_id, oip->next_proto_id);
	CU_ASSERT_EQUAL(memcmp((uint8_t *)ip + 12, orig + 12, len - 12), 0);
}

/* ---- suite -------------------------------------------------------------- */

static int
route_via(struct vn_prefix p, uint32_t via, uint32_t if_index)
{
	return vn_route_add(&p, &(struct vn_route_path){.via = via, .if_index = if_index}, 1);
}

static int
suite_init(void)
{
	struct vn_route_path ecmp[2] = {{IP(10, 0, 2, 2), VN_IF_ANY}, {IP(10, 0, 3, 2), VN_IF_ANY}};

	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0 || vn_fib_init(1024) < 0 ||
	    vn_neighbor_init() < 0)
		return -1;
	if (vn_interface_create_virtual("lan", mac_lan, 1500, &if_lan) < 0 ||
	    vn_interface_create_virtual("wan", mac_wan, 1400, &if_wan) < 0 ||
	    vn_interface_create_virtual("wan2", mac_wan2, 1500, &if_wan2) < 0 ||
	    vn_interface_create_virtual("dn", mac_dn, 1500, &if_dn) < 0)
		return -1;
	if (vn_interface_addr_add(if_lan, &PFX(10, 0, 1, 1, 24)) < 0 ||
	    vn_interface_addr_add(if_wan, &PFX(10, 0, 2, 1, 24)) < 0 ||
	    vn_interface_addr_add(if_wan2, &PFX(10, 0, 3, 1, 24)) < 0 ||
	    vn_interface_addr_add(if_dn, &PFX(10, 0, 4, 1, 24)) < 0)
		return -1;
	if (vn_neighbor_set(if_lan, PEER_IP, mac_peer, true) < 0 ||
	    vn_neighbor_set(if_wan, IP(10, 0, 2, 2), mac_nh2, true) < 0 ||
	    vn_neighbor_set(if_wan2, IP(10, 0, 3, 2), mac_nh3, true) < 0 ||
	    vn_neighbor_set(if_dn, IP(10, 0, 4, 2), mac_nh4, true) < 0)
		return -1;
	if (route_via(PFX(192, 0, 2, 0, 24), IP(10, 0, 2, 2), if_wan) < 0 ||
	    route_via(PFX(192, 0, 2, 128, 25), IP(10, 0, 3, 2), if_wan2) < 0 ||
	    route_via(PFX(192, 0, 2, 200, 32), PEER_IP, if_lan) < 0 ||
	    route_via(PFX(198, 51, 100, 0, 24), IP(10, 0, 4, 2), if_dn) < 0 ||
	    route_via(PFX(100, 64, 0, 0, 16), IP(10, 0, 1, 99), if_lan) < 0 || /* unresolved */
	    vn_route_add(&PFX(203, 0, 113, 0, 24), ecmp, 2) < 0 ||
	    vn_route_add_drop(&PFX(198, 18, 0, 0, 15)) < 0)
		return -1;
	return vn_graph_build() < 0 ? -1 : 0;
}

/* ---- ethernet-input ----------------------------------------------------- */

static void
test_forward_reference_frame(void)
{
	struct rte_mbuf *m = udp_frame(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0);
	uint8_t orig[L3_LEN];

	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), FRAME_LEN);
	CU_ASSERT_EQUAL(m->data_off, RTE_PKTMBUF_HEADROOM);
	memcpy(orig, frame_ip(m), L3_LEN);
	inject1("ethernet-input", m);
	CU_ASSERT_EQUAL(n_dropped(), 0);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_forwarded(tx_cap.pkts[0], mac_nh2, mac_wan, if_wan, orig, L3_LEN);
	/* The rewrite went where the old Ethernet header was. */
	CU_ASSERT_EQUAL(tx_cap.pkts[0]->data_off, RTE_PKTMBUF_HEADROOM);
	/* The dispatcher counted one packet through each node of the path. */
	static const char *const path[] = {"ethernet-input", "ip4-input", "ip4-lookup",
					   "ip4-rewrite", "interface-output", "test-port-tx"};
	for (uint32_t i = 0; i < VN_ARRAY_LEN(path); i++) {
		CU_ASSERT_EQUAL(vn_graph_rt(g)->nodes[vt_node_index(path[i])].vectors, 1);
		CU_ASSERT_EQUAL(vn_graph_rt(g)->nodes[vt_node_index(path[i])].calls, 1);
	}
}

/* Every truncation of the reference frame is dropped with a reason. */
static void
test_every_truncation(void)
{
	for (uint16_t len = 0; len < FRAME_LEN; len++) {
		struct rte_mbuf *m = udp_frame(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0);
		const char *node, *err;

		CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_trim(m, FRAME_LEN - len), 0);
		if (len < RTE_ETHER_HDR_LEN) {
			node = "ethernet-input";
			err = "frame shorter than an Ethernet header";
		} else if (len < RTE_ETHER_HDR_LEN + 20) {
			node = "ip4-input";
			err = "packet shorter than an IPv4 header";
		} else {
			node = "ip4-input";
			err = "IPv4 total length does not match the frame";
		}
		inject1("ethernet-input", m);
		assert_dropped(node, err);
		if (counter(node, err) != 1)
			fprintf(stderr, "\nlength %u: not dropped as '%s'\n", len, err);
		graph_fresh();
	}
}

static void
test_ethertypes(void)
{
	static const uint16_t odd[] = {RTE_ETHER_TYPE_LLDP, 0x1234, 0x0000, 0xffff};
	static const uint16_t tags[] = {RTE_ETHER_TYPE_VLAN, RTE_ETHER_TYPE_QINQ};

	for (uint32_t i = 0; i < VN_ARRAY_LEN(odd); i++) {
		struct rte_mbuf *m = udp_frame(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0);
		rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->ether_type = rte_cpu_to_be_16(odd[i]);
		inject1("ethernet-input", m);
		assert_dropped("ethernet-input", "unknown ethertype");
		graph_fresh();
	}
	/* A tagged frame on an interface without sub-interfaces (test_subif.c
	 * has the ones with). */
	for (uint32_t i = 0; i < VN_ARRAY_LEN(tags); i++) {
		struct rte_mbuf *m = udp_frame(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0);
		rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->ether_type = rte_cpu_to_be_16(tags[i]);
		inject1("ethernet-input", m);
		assert_dropped("ethernet-input", "unknown VLAN tag (no such sub-interface)");
		graph_fresh();
	}
	/* ARP goes to arp-input with the Ethernet header stripped. */
	struct rte_mbuf *m = vt_ether_frame(mac_lan, mac_peer, RTE_ETHER_TYPE_ARP, vt_pkt(28, if_lan));
	inject1("ethernet-input", m);
	CU_ASSERT_EQUAL_FATAL(arpin_cap.n, 1);
	CU_ASSERT_EQUAL(rte_pktmbuf_data_len(arpin_cap.pkts[0]), 28);
	CU_ASSERT_EQUAL(n_dropped(), 0);
}

static void
test_mac_filter(void)
{
	static const uint8_t other[6] = {0x02, 0, 0, 0, 0x20, 9};
	static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0, 0, 5};
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct rte_mbuf *m;

	/* Another host's MAC, and a MAC of ours that belongs to another interface. */
	const uint8_t *const others[] = {other, mac_wan};
	for (uint32_t i = 0; i < VN_ARRAY_LEN(others); i++) {
		m = vt_ether_frame(others[i], mac_peer, RTE_ETHER_TYPE_IPV4,
				   udp_l3(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0, 1));
		inject1("ethernet-input", m);
		assert_dropped("ethernet-input", "destination MAC is another host");
		graph_fresh();
	}
	m = vt_ether_frame(mcast, mac_peer, RTE_ETHER_TYPE_IPV4,
			   udp_l3(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0, 1));
	inject1("ethernet-input", m);
	assert_dropped("ethernet-input", "multicast frame (not supported)");
	graph_fresh();

	/* Broadcast is accepted (and marked): here it is even forwarded. */
	m = vt_ether_frame(bcast, mac_peer, RTE_ETHER_TYPE_IPV4,
			   udp_l3(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0, 1));
	inject1("ethernet-input", m);
	CU_ASSERT_EQUAL(n_dropped(), 0);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	CU_ASSERT(vn_meta(tx_cap.pkts[0])->flags & VN_META_F_L2_BCAST);
	graph_fresh();

	/* Our own MAC: not marked. */
	inject1("ethernet-input", udp_frame(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	CU_ASSERT_FALSE(vn_meta(tx_cap.pkts[0])->flags & VN_META_F_L2_BCAST);
}

static void
test_rx_interface_down(void)
{
	struct rte_mbuf *m = vt_ether_frame(mac_dn, mac_peer, RTE_ETHER_TYPE_IPV4,
					    udp_l3(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0, 1));

	vn_meta(m)->rx_if = if_dn;
	CU_ASSERT_EQUAL_FATAL(vn_interface_set_admin(if_dn, false), 0);
	inject1("ethernet-input", m);
	CU_ASSERT_EQUAL_FATAL(vn_interface_set_admin(if_dn, true), 0);
	assert_dropped("ethernet-input", "interface is down");
	CU_ASSERT_EQUAL(vn_if_counters_of(g, if_dn)->drops, 1);
	graph_fresh();

	/* Broadcast too: a down interface takes nothing. */
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	m = vt_ether_frame(bcast, mac_peer, RTE_ETHER_TYPE_IPV4,
			   udp_l3(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0, 1));
	vn_meta(m)->rx_if = if_dn;
	CU_ASSERT_EQUAL_FATAL(vn_interface_set_admin(if_dn, false), 0);
	inject1("ethernet-input", m);
	CU_ASSERT_EQUAL_FATAL(vn_interface_set_admin(if_dn, true), 0);
	assert_dropped("ethernet-input", "interface is down");
}

/* ---- ip4-input ---------------------------------------------------------- */

static void
test_header_checks(void)
{
	static const char *const ihl = "bad IPv4 header length";
	static const char *const length = "IPv4 total length does not match the frame";
	struct {
		const char *err;
		uint8_t version_ihl; /* 0: keep */
		int tlen; /* -1: keep */
		bool fix_cksum;
	} cases[] = {
		{ihl, 0x40, -1, true},	     {ihl, 0x44, -1, true},
		{ihl, 0x4f, -1, true}, /* 60 > 50 */
		{"IP version is not 4", 0x65, -1, true},
		{"IP version is not 4", 0x05, -1, true},
		{length, 0, L3_LEN + 1, true}, {length, 0, 1500, true},
		{length, 0, 19, true},	     {length, 0, 0, true},
		{"bad IPv4 header checksum", 0, -1, false},
	};

	for (uint32_t i = 0; i < VN_ARRAY_LEN(cases); i++) {
		struct rte_mbuf *m = udp_frame(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0);
		struct rte_ipv4_hdr *ip = frame_ip(m);

		if (cases[i].version_ihl)
			ip->version_ihl = cases[i].version_ihl;
		if (cases[i].tlen >= 0)
			ip->total_length = rte_cpu_to_be_16(cases[i].tlen);
		if (cases[i].fix_cksum)
			fix_ip_cksum(ip);
		else
			ip->hdr_checksum ^= 0x0100;
		inject1("ethernet-input", m);
		assert_dropped("ip4-input", cases[i].err);
		graph_fresh();
	}

	/* With options: total length shorter than the 24-byte header; bad checksum. */
	struct rte_mbuf *m = udp_frame(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 4);
	frame_ip(m)->total_length = rte_cpu_to_be_16(23);
	fix_ip_cksum(frame_ip(m));
	inject1("ethernet-input", m);
	assert_dropped("ip4-input", length);
	graph_fresh();
	m = udp_frame(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 12);
	rte_pktmbuf_mtod_offset(m, uint8_t *, RTE_ETHER_HDR_LEN + 21)[0] ^= 0x80;
	inject1("ethernet-input", m);
	assert_dropped("ip4-input", "bad IPv4 header checksum");
	graph_fresh();

	/* 19 bytes of IPv4 whose header checksum is right over the 20 bytes in the
	 * buffer (the 20th is stale): a short packet, however well it sums. */
	m = udp_frame(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0);
	frame_ip(m)->total_length = rte_cpu_to_be_16(19);
	fix_ip_cksum(frame_ip(m));
	rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) - (RTE_ETHER_HDR_LEN + 19));
	inject1("ethernet-input", m);
	assert_dropped("ip4-input", "packet shorter than an IPv4 header");
}

/* The fast check agrees with rte_raw_cksum on random headers: every header
 * whose words sum to 0xffff (one's complement) is forwarded, every other one
 * dropped for its checksum, including sums that are off by a multiple of
 * 0xffff in plain arithmetic (a word changed by 0xffff: 0x0000 <-> 0xffff). */
static void
test_checksum_random(void)
{
	uint32_t n_bad = 0, n_good = 0;

	for (uint32_t i = 0; i < 600; i++) {
		struct rte_mbuf *m = udp_frame(PEER_IP, IP(192, 0, 2, (i % 200) + 1), L3_LEN, 0);
		struct rte_ipv4_hdr *ip = frame_ip(m);
		uint32_t kind = i % 3;

		ip->type_of_service = (uint8_t)rte_rand();
		ip->packet_id = (uint16_t)rte_rand();
		if (i % 7 == 0)
			ip->packet_id = (i & 8) ? 0xffff : 0;
		fix_ip_cksum(ip);
		if (kind == 1) /* any change of the identification (a single bit
				* never keeps the sum mod 3, 5, 17 or 257: 0xffff's factors) */
			ip->packet_id ^= (uint16_t)(1 + rte_rand() % 0xffff);
		else if (kind == 2) /* 0x0000 <-> 0xffff: the same value mod 0xffff */
			ip->packet_id = ip->packet_id == 0 ? 0xffff : ip->packet_id == 0xffff ? 0 : ip->packet_id ^ 1;
		bool ok = rte_raw_cksum(ip, sizeof(*ip)) == 0xffff;
		n_good += ok;
		n_bad += !ok;
		inject1("ethernet-input", m);
	}
	CU_ASSERT(n_bad > 300 && n_good > 150);
	CU_ASSERT_EQUAL(counter("ip4-input", "bad IPv4 header checksum"), n_bad);
	CU_ASSERT_EQUAL(tx_cap.n, n_good);
	CU_ASSERT_EQUAL(n_dropped(), n_bad);
}

static void
test_padding_trimmed(void)
{
	/* A 28-byte datagram in a minimum-size (60-byte) frame. */
	struct rte_mbuf *l3 = udp_l3(PEER_IP, IP(192, 0, 2, 10), 28, 0, 1);
	uint8_t orig[28];

	memcpy(orig, rte_pktmbuf_mtod(l3, void *), 28);
	memset(rte_pktmbuf_append(l3, 18), 0xee, 18);
	inject1("ethernet-input", vt_ether_frame(mac_lan, mac_peer, RTE_ETHER_TYPE_IPV4, l3));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_forwarded(tx_cap.pkts[0], mac_nh2, mac_wan, if_wan, orig, 28);
}

/* A packet in two segments (a jumbo frame from a host interface) is
 * forwarded whole; padding in its last segment is trimmed. */
static void
test_segmented_forwarded(void)
{
	for (int pad = 0; pad <= 6; pad += 6) {
		struct rte_mbuf *f = udp_frame(PEER_IP, IP(192, 0, 2, 10), 1000, 0);
		struct rte_mbuf *tail = rte_pktmbuf_alloc(vn_pktmbuf_pool);
		uint8_t orig[1000], flat[1100];

		CU_ASSERT_PTR_NOT_NULL_FATAL(tail);
		memcpy(orig, frame_ip(f), 1000);
		memcpy(rte_pktmbuf_append(tail, 400), orig + 600, 400);
		memset(rte_pktmbuf_append(tail, (uint16_t)pad), 0xee, (size_t)pad);
		rte_pktmbuf_trim(f, 400);
		CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_chain(f, tail), 0);
		inject1("ethernet-input", f);
		CU_ASSERT_EQUAL(n_dropped(), 0);
		CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
		struct rte_mbuf *m = tx_cap.pkts[0];
		CU_ASSERT_EQUAL(m->nb_segs, 2);
		CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_pkt_len(m), RTE_ETHER_HDR_LEN + 1000);
		const uint8_t *ip = rte_pktmbuf_read(m, RTE_ETHER_HDR_LEN, 1000, flat);
		CU_ASSERT_EQUAL(ip[8], orig[8] - 1); /* TTL */
		CU_ASSERT_EQUAL(memcmp(ip + 12, orig + 12, 1000 - 12), 0);
		graph_fresh();
	}
}

static void
test_options_forwarded(void)
{
	for (uint8_t ihl = 6; ihl <= 15; ihl++) {
		uint16_t len = ihl * 4 + 8 + 10;
		struct rte_mbuf *m = udp_frame(PEER_IP, IP(192, 0, 2, 10), len, (ihl - 5) * 4);
		uint8_t orig[128];

		memcpy(orig, frame_ip(m), len);
		CU_ASSERT(ip_cksum_ok(frame_ip(m)));
		inject1("ethernet-input", m);
		CU_ASSERT_EQUAL(n_dropped(), 0);
		CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
		assert_forwarded(tx_cap.pkts[0], mac_nh2, mac_wan, if_wan, orig, len);
		graph_fresh();
	}
}

static void
test_fragments_forwarded(void)
{
	static const uint16_t frag[] = {RTE_IPV4_HDR_MF_FLAG, 185, 185 | RTE_IPV4_HDR_MF_FLAG,
					RTE_IPV4_HDR_OFFSET_MASK};

	for (uint32_t i = 0; i < VN_ARRAY_LEN(frag); i++) {
		struct rte_mbuf *m = udp_frame(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0);
		uint8_t orig[L3_LEN];

		frame_ip(m)->fragment_offset = rte_cpu_to_be_16(frag[i]);
		fix_ip_cksum(frame_ip(m));
		memcpy(orig, frame_ip(m), L3_LEN);
		inject1("ethernet-input", m);
		CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
		assert_forwarded(tx_cap.pkts[0], mac_nh2, mac_wan, if_wan, orig, L3_LEN);
		graph_fresh();
	}
}

static void
test_bad_addresses(void)
{
	static const char *const bad_src = "bad source address (multicast, broadcast or loopback)";
	static const char *const bad_dst =
		"destination is multicast, broadcast or reserved (not routed)";
	struct {
		uint32_t src, dst;
		const char *err;
	} cases[] = {
		{IP(224, 0, 0, 1), IP(192, 0, 2, 10), bad_src},
		{IP(239, 255, 255, 255), IP(192, 0, 2, 10), bad_src},
		{IP(127, 0, 0, 1), IP(192, 0, 2, 10), bad_src},
		{IP(127, 9, 9, 9), IP(192, 0, 2, 10), bad_src},
		{IP(255, 255, 255, 255), IP(192, 0, 2, 10), bad_src},
		{PEER_IP, IP(224, 0, 0, 5), bad_dst},
		{PEER_IP, IP(239, 1, 2, 3), bad_dst},
		{PEER_IP, IP(0, 0, 0, 0), bad_dst},
		{PEER_IP, IP(0, 1, 2, 3), bad_dst},
		{PEER_IP, IP(127, 0, 0, 1), bad_dst},
		{PEER_IP, IP(255, 255, 255, 255), bad_dst},
		{PEER_IP, IP(240, 0, 0, 1), bad_dst},
	};

	for (uint32_t i = 0; i < VN_ARRAY_LEN(cases); i++) {
		inject1("ethernet-input", udp_frame(cases[i].src, cases[i].dst, L3_LEN, 0));
		assert_dropped("ip4-input", cases[i].err);
		graph_fresh();
	}
}

/* One bad header in a vector of good ones, at every place in its group of
 * four and in the scalar tail: ip4-input checks four headers at once where
 * the CPU can, so a bad one must fail its group and be found again, alone. */
static void
test_header_checks_in_vectors(void)
{
	static const char *const bad_src = "bad source address (multicast, broadcast or loopback)";
	static const char *const bad_dst =
		"destination is multicast, broadcast or reserved (not routed)";
	static const char *const length = "IPv4 total length does not match the frame";
	struct {
		const char *err;
		uint8_t version_ihl; /* 0: keep */
		int tlen; /* -1: keep */
		uint32_t src, dst; /* 0: keep */
		bool bad_cksum;
	} cases[] = {
		{"IP version is not 4", 0x65, -1, 0, 0, false},
		{"bad IPv4 header length", 0x44, -1, 0, 0, false},
		{"bad IPv4 header length", 0x4f, -1, 0, 0, false},
		{length, 0, L3_LEN + 1, 0, 0, false},
		{length, 0, 19, 0, 0, false},
		{length, 0, L3_LEN - 1 + 256, 0, 0, false}, /* differs in the high byte only */
		{"bad IPv4 header checksum", 0, -1, 0, 0, true},
		{bad_src, 0, -1, IP(224, 0, 0, 1), 0, false},
		{bad_src, 0, -1, IP(127, 0, 0, 1), 0, false},
		{bad_src, 0, -1, IP(255, 255, 255, 255), 0, false},
		{bad_dst, 0, -1, 0, IP(0, 1, 2, 3), false},
		{bad_dst, 0, -1, 0, IP(127, 0, 0, 1), false},
		{bad_dst, 0, -1, 0, IP(224, 0, 0, 5), false},
		{bad_dst, 0, -1, 0, IP(255, 255, 255, 255), false},
		/* 19 bytes of IPv4, its length field saying so: short, however well it sums */
		{"packet shorter than an IPv4 header", 0, 19, 0, 0, false},
	};
	enum { N = 13 };

	for (uint32_t c = 0; c < VN_ARRAY_LEN(cases); c++) {
		for (uint16_t pos = 0; pos < N; pos++) {
			struct rte_mbuf *pkts[N];

			for (uint16_t j = 0; j < N; j++)
				pkts[j] = udp_frame(PEER_IP, IP(192, 0, 2, 10 + j), L3_LEN, 0);
			struct rte_ipv4_hdr *ip = frame_ip(pkts[pos]);
			if (cases[c].version_ihl)
				ip->version_ihl = cases[c].version_ihl;
			if (cases[c].tlen >= 0)
				ip->total_length = rte_cpu_to_be_16(cases[c].tlen);
			if (cases[c].src)
				ip->src_addr = rte_cpu_to_be_32(cases[c].src);
			if (cases[c].dst)
				ip->dst_addr = rte_cpu_to_be_32(cases[c].dst);
			fix_ip_cksum(ip);
			if (cases[c].bad_cksum)
				ip->hdr_checksum ^= 0x0100;
			if (strcmp(cases[c].err, "packet shorter than an IPv4 header") == 0)
				rte_pktmbuf_trim(pkts[pos], rte_pktmbuf_data_len(pkts[pos]) -
								    (RTE_ETHER_HDR_LEN + 19));
			vt_inject(g, "ethernet-input", pkts, N);
			CU_ASSERT_EQUAL(n_dropped(), 1);
			CU_ASSERT_EQUAL(counter("ip4-input", cases[c].err), 1);
			CU_ASSERT_EQUAL(tx_cap.n, N - 1);
			for (uint32_t k = 0; k < tx_cap.n; k++) /* the others, in order */
				CU_ASSERT_EQUAL(rte_be_to_cpu_32(frame_ip(tx_cap.pkts[k])->dst_addr) & 0xff,
						10u + k + (k >= pos));
			graph_fresh();
		}
	}
}

/* The random-checksum test again, with the packets in vectors of 13. */
static void
test_checksum_random_vectors(void)
{
	enum { N = 13 };
	uint32_t n_bad = 0, n_good = 0;

	for (uint32_t v = 0; v < 50; v++) {
		struct rte_mbuf *pkts[N];
		for (uint32_t j = 0; j < N; j++) {
			struct rte_mbuf *m = udp_frame(PEER_IP, IP(192, 0, 2, j + 1), L3_LEN, 0);
			struct rte_ipv4_hdr *ip = frame_ip(m);
			ip->type_of_service = (uint8_t)rte_rand();
			ip->packet_id = (uint16_t)rte_rand();
			fix_ip_cksum(ip);
			if (rte_rand() % 4 == 0) {
				uint64_t r = rte_rand();
				if (r & 1) /* any change of one word, or 0x0000 <-> 0xffff */
					ip->packet_id ^= (uint16_t)(1 + (r >> 1) % 0xffff);
				else
					ip->packet_id = ip->packet_id == 0 ? 0xffff : 0;
			}
			bool ok = rte_raw_cksum(ip, sizeof(*ip)) == 0xffff;
			n_good += ok;
			n_bad += !ok;
			pkts[j] = m;
		}
		vt_inject(g, "ethernet-input", pkts, N);
	}
	CU_ASSERT(n_bad > 50 && n_good > 400);
	CU_ASSERT_EQUAL(counter("ip4-input", "bad IPv4 header checksum"), n_bad);
	CU_ASSERT_EQUAL(tx_cap.n, n_good);
	CU_ASSERT_EQUAL(n_dropped(), n_bad);
}

/* ---- ip4-lookup --------------------------------------------------------- */

static void
test_longest_prefix(void)
{
	struct {
		uint32_t dst;
		const uint8_t *nh_mac, *if_mac;
		uint32_t *tx_if;
	} cases[] = {
		{IP(192, 0, 2, 10), mac_nh2, mac_wan, &if_wan}, /* /24 */
		{IP(192, 0, 2, 127), mac_nh2, mac_wan, &if_wan},
		{IP(192, 0, 2, 128), mac_nh3, mac_wan2, &if_wan2}, /* /25 */
		{IP(192, 0, 2, 199), mac_nh3, mac_wan2, &if_wan2},
		{IP(192, 0, 2, 200), mac_peer, mac_lan, &if_lan}, /* /32 */
		{IP(192, 0, 2, 201), mac_nh3, mac_wan2, &if_wan2},
		{IP(10, 0, 2, 2), mac_nh2, mac_wan, &if_wan}, /* neighbour host route */
		{PEER_IP, mac_peer, mac_lan, &if_lan},
	};

	for (uint32_t i = 0; i < VN_ARRAY_LEN(cases); i++) {
		struct rte_mbuf *m = udp_frame(PEER_IP, cases[i].dst, L3_LEN, 0);
		uint8_t orig[L3_LEN];

		memcpy(orig, frame_ip(m), L3_LEN);
		inject1("ethernet-input", m);
		CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
		assert_forwarded(tx_cap.pkts[0], cases[i].nh_mac, cases[i].if_mac,
				 *cases[i].tx_if, orig, L3_LEN);
		graph_fresh();
	}
}

/* Lookups run four at a time over a destination array: every vector length
 * (tails of 1-3, one lane, a full vector) and every lane must keep its own
 * packet's route. Destinations: .0-.127 -> wan (/24), .128-.199 -> wan2 (/25),
 * 8.8.x.x -> no route; the mix is irregular so a lane swap changes the result,
 * and consecutive packets change adjacency (ip4-rewrite keeps the last one). */
static void
test_lookup_every_length(void)
{
	static const uint16_t lens[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 63, 255, VN_FRAME_SIZE};

	for (uint32_t l = 0; l < VN_ARRAY_LEN(lens); l++) {
		struct rte_mbuf *pkts[VN_FRAME_SIZE];
		uint16_t n = lens[l], want_tx = 0;

		for (uint16_t j = 0; j < n; j++) {
			uint32_t r = (j * 2654435761u) >> 7;
			uint32_t dst = r % 5 == 0 ? IP(8, 8, r & 0xff, 1) : IP(192, 0, 2, r % 200);
			pkts[j] = udp_frame(PEER_IP, dst, L3_LEN, 0);
			want_tx += r % 5 != 0;
		}
		vt_inject(g, "ethernet-input", pkts, n);
		CU_ASSERT_EQUAL(tx_cap.n, want_tx);
		CU_ASSERT_EQUAL(icmp_cap.n, n - want_tx);
		for (uint16_t k = 0; k < tx_cap.n; k++) {
			uint32_t host = rte_be_to_cpu_32(frame_ip(tx_cap.pkts[k])->dst_addr) & 0xff;
			const uint8_t *eth = rte_pktmbuf_mtod(tx_cap.pkts[k], const uint8_t *);
			CU_ASSERT_EQUAL(vn_meta(tx_cap.pkts[k])->tx_if, host < 128 ? if_wan : if_wan2);
			/* A frame that states its interface (port-tx sends it there) states this one. */
			CU_ASSERT(tx_cap.frame_if[k] == VN_FRAME_IF_MIXED ||
				  tx_cap.frame_if[k] == vn_meta(tx_cap.pkts[k])->tx_if);
			CU_ASSERT_EQUAL(memcmp(eth, host < 128 ? mac_nh2 : mac_nh3, 6), 0);
			CU_ASSERT_EQUAL(memcmp(eth + 6, host < 128 ? mac_wan : mac_wan2, 6), 0);
		}
		for (uint16_t k = 0; k < icmp_cap.n; k++)
			CU_ASSERT_EQUAL(rte_be_to_cpu_32(rte_pktmbuf_mtod(icmp_cap.pkts[k],
									  struct rte_ipv4_hdr *)
							     ->dst_addr) >> 16,
					(8u << 8) | 8);
		graph_fresh();
	}
}

static void
test_no_route(void)
{
	struct rte_mbuf *m = udp_frame(PEER_IP, IP(8, 8, 8, 8), L3_LEN, 0);

	inject1("ethernet-input", m);
	CU_ASSERT_EQUAL(n_dropped(), 0);
	CU_ASSERT_EQUAL(tx_cap.n, 0);
	CU_ASSERT_EQUAL_FATAL(icmp_cap.n, 1);
	m = icmp_cap.pkts[0];
	CU_ASSERT_EQUAL(vn_meta(m)->icmp_type, 3);
	CU_ASSERT_EQUAL(vn_meta(m)->icmp_code, 0);
	CU_ASSERT_EQUAL(vn_meta(m)->rx_if, if_lan);
	/* Handed over as ip4-lookup saw it: untouched, IPv4 header at offset 0. */
	CU_ASSERT_EQUAL(rte_pktmbuf_data_len(m), L3_LEN);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->time_to_live, 64);
	CU_ASSERT_EQUAL(counter("ip4-lookup", "no route to destination"), 1);
}

static void
test_drop_route(void)
{
	inject1("ethernet-input", udp_frame(PEER_IP, IP(198, 19, 1, 1), L3_LEN, 0));
	assert_dropped("ip4-lookup", "dropped by a drop route");
	CU_ASSERT_EQUAL(counter("ip4-lookup", "no route to destination"), 0);
}

static void
test_local_and_arp(void)
{
	/* Our addresses, on the receiving interface and on another. */
	inject1("ethernet-input", udp_frame(PEER_IP, IP(10, 0, 1, 1), L3_LEN, 0));
	inject1("ethernet-input", udp_frame(PEER_IP, IP(10, 0, 3, 1), L3_LEN, 0));
	CU_ASSERT_EQUAL(local_cap.n, 2);
	/* Connected host without a neighbour (glean), next hop without a MAC (incomplete). */
	inject1("ethernet-input", udp_frame(PEER_IP, IP(10, 0, 1, 77), L3_LEN, 0));
	inject1("ethernet-input", udp_frame(PEER_IP, IP(100, 64, 3, 4), L3_LEN, 0));
	CU_ASSERT_EQUAL_FATAL(arp_cap.n, 2);
	CU_ASSERT_EQUAL(vn_meta(arp_cap.pkts[0])->adj->type, VN_ADJ_GLEAN);
	CU_ASSERT_EQUAL(vn_meta(arp_cap.pkts[1])->adj->type, VN_ADJ_INCOMPLETE);
	CU_ASSERT_EQUAL(vn_meta(arp_cap.pkts[1])->adj->nh, IP(10, 0, 1, 99));
	CU_ASSERT_EQUAL(tx_cap.n + icmp_cap.n, 0);
	CU_ASSERT_EQUAL(n_dropped(), 0);
}

/* UDP flows differing only in source port, or in source address. */
static struct rte_mbuf *
flow_frame(uint16_t flow)
{
	uint32_t src = flow & 1 ? PEER_IP : IP(10, 0, 1, 100 + (flow & 63));
	return vt_ether_frame(mac_lan, mac_peer, RTE_ETHER_TYPE_IPV4,
			      udp_l3(src, IP(203, 0, 113, 7), L3_LEN, 0, 1000 + flow));
}

static void
test_ecmp(void)
{
	struct rte_mbuf *pkts[128];
	uint32_t on_wan = 0, on_wan2 = 0;
	uint16_t path_of[128];

	for (uint16_t f = 0; f < 128; f++)
		pkts[f] = flow_frame(f);
	vt_inject(g, "ethernet-input", pkts, 128);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 128);
	for (uint16_t i = 0; i < 128; i++) {
		struct rte_mbuf *m = tx_cap.pkts[i];
		const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		uint16_t tx_if = vn_meta(m)->tx_if;

		if (tx_if == if_wan) {
			on_wan++;
			CU_ASSERT_EQUAL(memcmp(eh->dst_addr.addr_bytes, mac_nh2, 6), 0);
		} else if (tx_if == if_wan2) {
			on_wan2++;
			CU_ASSERT_EQUAL(memcmp(eh->dst_addr.addr_bytes, mac_nh3, 6), 0);
		} else {
			CU_FAIL("ECMP packet left on neither path");
		}
		/* Packets keep their order: tx_cap.pkts[i] is flow i. */
		uint16_t sport = rte_be_to_cpu_16(
			rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, 34)->src_port);
		CU_ASSERT_EQUAL(sport, 1000 + i);
		path_of[i] = tx_if;
	}
	/* 128 flows over two paths: both used, neither starved. */
	CU_ASSERT(on_wan >= 32 && on_wan2 >= 32);
	graph_fresh();

	/* Each flow again, eight times, in different vector positions: same path. */
	for (int round = 0; round < 8; round++) {
		for (uint16_t k = 0; k < 128; k++)
			pkts[k] = flow_frame((uint16_t)((k * 37 + round * 11) % 128));
		vt_inject(g, "ethernet-input", pkts, 128);
		CU_ASSERT_EQUAL_FATAL(tx_cap.n, 128);
		for (uint16_t k = 0; k < 128; k++) {
			uint16_t f = (uint16_t)((k * 37 + round * 11) % 128);
			CU_ASSERT_EQUAL(vn_meta(tx_cap.pkts[k])->tx_if, path_of[f]);
		}
		graph_fresh();
	}
}

/* ---- ip4-rewrite -------------------------------------------------------- */

static void
test_ttl_decrement(void)
{
	struct rte_mbuf *m = udp_frame(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0);
	struct rte_ipv4_hdr want;

	memcpy(&want, frame_ip(m), sizeof(want));
	want.time_to_live = 63;
	fix_ip_cksum(&want);
	inject1("ethernet-input", m);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	struct rte_ipv4_hdr *ip = frame_ip(tx_cap.pkts[0]);
	CU_ASSERT_EQUAL(ip->time_to_live, 63);
	CU_ASSERT_EQUAL(ip->hdr_checksum, want.hdr_checksum); /* same as a recompute */
	CU_ASSERT(ip_cksum_ok(ip));
}

/* Sets the header's checksum field to exactly `raw` (as stored) and makes the
 * header verify by choosing packet_id. */
static void
force_cksum(struct rte_ipv4_hdr *ip, uint16_t raw)
{
	ip->hdr_checksum = raw;
	ip->packet_id = 0;
	uint16_t s = rte_raw_cksum(ip, rte_ipv4_hdr_len(ip));
	ip->packet_id = (uint16_t)(0xffff - s);
}

static uint32_t rng = 0x12345678;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* The incremental update (RFC 1624) over many headers: random fields, TTLs,
 * options, and stored checksums at and around the edges 0x0000 and 0xffff. */
static void
test_checksum_incremental(void)
{
	static const uint16_t edges[] = {0x0000, 0xffff, 0x0001, 0xfffe, 0x00ff, 0xff00,
					 0x0100, 0xfeff, 0x00fe, 0xfeff, 0x7fff, 0x8000};
	const uint32_t n_total = 4096;
	uint32_t n_checked = 0, n_edge_out = 0;

	for (uint32_t done = 0; done < n_total; done += VN_FRAME_SIZE) {
		struct rte_mbuf *pkts[VN_FRAME_SIZE];
		static uint8_t orig[VN_FRAME_SIZE][60];

		for (uint16_t k = 0; k < VN_FRAME_SIZE; k++) {
			uint32_t idx = done + k;
			uint8_t opt = (rnd() % 4 == 0) ? (rnd() % 11) * 4 : 0;
			uint32_t src = IP(1 + rnd() % 222, rnd() & 0xff, rnd() & 0xff, rnd() & 0xff);
			if ((src >> 24) == 127)
				src ^= 1u << 24;
			struct rte_mbuf *m = udp_l3(src, IP(192, 0, 2, rnd() & 0xff), 40 + opt,
						    opt, rnd());
			struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
			ip->type_of_service = rnd();
			ip->time_to_live = 2 + rnd() % 254;
			ip->next_proto_id = rnd() % 2 ? IPPROTO_UDP : rnd();
			ip->fragment_offset = rte_cpu_to_be_16(rnd() & 0x5fff); /* no reserved bit */
			uint16_t raw = idx < 2 * VN_ARRAY_LEN(edges) ? edges[idx / 2] : rnd();
			force_cksum(ip, raw);
			CU_ASSERT_FATAL(ip_cksum_ok(ip));
			memcpy(orig[k], ip, rte_ipv4_hdr_len(ip));
			pkts[k] = m;
		}
		vt_inject(g, "ip4-input", pkts, VN_FRAME_SIZE);
		CU_ASSERT_EQUAL(n_dropped(), 0);
		CU_ASSERT_EQUAL_FATAL(tx_cap.n, VN_FRAME_SIZE);
		for (uint16_t k = 0; k < VN_FRAME_SIZE; k++) {
			struct rte_ipv4_hdr *ip = frame_ip(tx_cap.pkts[k]);
			struct rte_ipv4_hdr *oip = (struct rte_ipv4_hdr *)orig[k];
			uint16_t hl = rte_ipv4_hdr_len(oip);
			uint16_t got = ip->hdr_checksum;

			CU_ASSERT_EQUAL(ip->time_to_live, oip->time_to_live - 1);
			if (!ip_cksum_ok(ip)) {
				fprintf(stderr, "\nchecksum %04x ttl %u: updated to %04x, fails\n",
					oip->hdr_checksum, oip->time_to_live, got);
				CU_FAIL("updated checksum does not verify");
			}
			/* Same as a recompute, up to the two forms of zero. */
			ip->hdr_checksum = 0;
			uint16_t want = (uint16_t)~rte_raw_cksum(ip, hl);
			ip->hdr_checksum = got;
			CU_ASSERT(got == want || (got == 0xffff && want == 0) ||
				  (got == 0 && want == 0xffff));
			n_edge_out += got == 0 || got == 0xffff;
			CU_ASSERT_EQUAL(memcmp((uint8_t *)ip + 12, orig[k] + 12, hl - 12), 0);
			n_checked++;
		}
		graph_fresh();
	}
	CU_ASSERT_EQUAL(n_checked, n_total);
	/* 0xfeff becomes 0xffff: the edge was produced, not just consumed. */
	CU_ASSERT(n_edge_out > 0);
}

static void
test_ttl_expired(void)
{
	static const uint8_t ttls[] = {1, 0};

	for (uint32_t i = 0; i < VN_ARRAY_LEN(ttls); i++) {
		struct rte_mbuf *m = udp_frame(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0);
		frame_ip(m)->time_to_live = ttls[i];
		fix_ip_cksum(frame_ip(m));
		uint16_t cksum = frame_ip(m)->hdr_checksum;
		inject1("ethernet-input", m);
		CU_ASSERT_EQUAL_FATAL(icmp_cap.n, i + 1);
		m = icmp_cap.pkts[i];
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
		CU_ASSERT_EQUAL(vn_meta(m)->icmp_type, 11);
		CU_ASSERT_EQUAL(vn_meta(m)->icmp_code, 0);
		/* Reported as received: TTL and checksum untouched, no rewrite. */
		CU_ASSERT_EQUAL(ip->time_to_live, ttls[i]);
		CU_ASSERT_EQUAL(ip->hdr_checksum, cksum);
		CU_ASSERT_EQUAL(rte_pktmbuf_data_len(m), L3_LEN);
	}
	CU_ASSERT_EQUAL(tx_cap.n, 0);
	CU_ASSERT_EQUAL(n_dropped(), 0);
	CU_ASSERT_EQUAL(counter("ip4-rewrite", "time to live exceeded"), 2);

	/* TTL 2 still goes out, with TTL 1. */
	graph_fresh();
	struct rte_mbuf *m = udp_frame(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0);
	frame_ip(m)->time_to_live = 2;
	fix_ip_cksum(frame_ip(m));
	inject1("ethernet-input", m);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	CU_ASSERT_EQUAL(frame_ip(tx_cap.pkts[0])->time_to_live, 1);
	CU_ASSERT(ip_cksum_ok(frame_ip(tx_cap.pkts[0])));
}

static void
test_local_origin_keeps_ttl(void)
{
	static const uint8_t ttls[] = {64, 1, 0};

	for (uint32_t i = 0; i < VN_ARRAY_LEN(ttls); i++) {
		struct rte_mbuf *m = udp_l3(IP(10, 0, 2, 1), IP(192, 0, 2, 10), L3_LEN, 0, 1);
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
		uint8_t orig[L3_LEN];

		ip->time_to_live = ttls[i];
		fix_ip_cksum(ip);
		memcpy(orig, ip, L3_LEN);
		vn_meta(m)->flags |= VN_META_F_LOCAL_ORIGIN;
		inject1("ip4-lookup", m); /* where ip4-local and ip4-icmp-error send theirs */
		CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
		m = tx_cap.pkts[0];
		CU_ASSERT_EQUAL(vn_meta(m)->tx_if, if_wan);
		CU_ASSERT_EQUAL(memcmp(frame_ip(m), orig, L3_LEN), 0);
		graph_fresh();
	}
}

static void
test_mtu(void)
{
	/* wan has an IP MTU of 1400. */
	struct rte_mbuf *m = udp_frame(PEER_IP, IP(192, 0, 2, 10), 1400, 0);
	static uint8_t orig[1400];

	frame_ip(m)->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	fix_ip_cksum(frame_ip(m));
	memcpy(orig, frame_ip(m), 1400);
	inject1("ethernet-input", m);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_forwarded(tx_cap.pkts[0], mac_nh2, mac_wan, if_wan, orig, 1400);
	graph_fresh();

	m = udp_frame(PEER_IP, IP(192, 0, 2, 10), 1401, 0);
	frame_ip(m)->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	fix_ip_cksum(frame_ip(m));
	inject1("ethernet-input", m);
	CU_ASSERT_EQUAL(tx_cap.n, 0);
	CU_ASSERT_EQUAL(n_dropped(), 0);
	CU_ASSERT_EQUAL_FATAL(icmp_cap.n, 1);
	m = icmp_cap.pkts[0];
	CU_ASSERT_EQUAL(vn_meta(m)->icmp_type, 3);
	CU_ASSERT_EQUAL(vn_meta(m)->icmp_code, 4);
	CU_ASSERT_EQUAL(vn_meta(m)->icmp_mtu, 1400);
	CU_ASSERT_EQUAL(rte_pktmbuf_data_len(m), 1401); /* no Ethernet header prepended */
	CU_ASSERT_EQUAL(counter("ip4-rewrite", "packet bigger than MTU with DF set"), 1);
	graph_fresh();

	/* The same without DF: we don't fragment, so it's dropped by name. */
	inject1("ethernet-input", udp_frame(PEER_IP, IP(192, 0, 2, 10), 1401, 0));
	assert_dropped("ip4-rewrite", "packet bigger than MTU (fragmentation not supported)");
	graph_fresh();

	/* wan2 (1500) takes the same packet. */
	inject1("ethernet-input", udp_frame(PEER_IP, IP(192, 0, 2, 130), 1401, 0));
	CU_ASSERT_EQUAL(tx_cap.n, 1);
}

static void
test_no_headroom(void)
{
	/* A packet whose IPv4 header sits at the very start of the buffer. */
	struct rte_mbuf *src = udp_l3(PEER_IP, IP(192, 0, 2, 10), L3_LEN, 0, 1);
	struct rte_mbuf *m = rte_pktmbuf_alloc(vn_pktmbuf_pool);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	m->data_off = 0;
	memcpy(rte_pktmbuf_append(m, L3_LEN), rte_pktmbuf_mtod(src, void *), L3_LEN);
	memcpy(vn_meta(m), vn_meta(src), sizeof(struct vn_meta));
	rte_pktmbuf_free(src);
	inject1("ip4-input", m);
	assert_dropped("ip4-rewrite", "no headroom for the Ethernet header");
}

/* ---- interface-output and error-drop ------------------------------------ */

static void
test_output_interface_down(void)
{
	struct rte_mbuf *pkts[6];

	/* One vector, alternating an up and a down output interface. */
	for (int i = 0; i < 6; i++)
		pkts[i] = udp_frame(PEER_IP, i % 2 ? IP(198, 51, 100, 9) : IP(192, 0, 2, 10),
				    L3_LEN, 0);
	CU_ASSERT_EQUAL_FATAL(vn_interface_set_admin(if_dn, false), 0);
	vt_inject(g, "ethernet-input", pkts, 6);
	CU_ASSERT_EQUAL_FATAL(vn_interface_set_admin(if_dn, true), 0);
	CU_ASSERT_EQUAL(tx_cap.n, 3);
	for (uint16_t i = 0; i < tx_cap.n; i++)
		CU_ASSERT_EQUAL(vn_meta(tx_cap.pkts[i])->tx_if, if_wan);
	CU_ASSERT_EQUAL(n_dropped(), 3);
	CU_ASSERT_EQUAL(counter("interface-output", "output interface is down"), 3);
	/* Charged to the interface they arrived on. */
	CU_ASSERT_EQUAL(vn_if_counters_of(g, if_lan)->drops, 3);
	graph_fresh();

	/* A vector all for the down interface: ip4-rewrite states it as the
	 * frame's, and interface-output refuses it whole. */
	for (int i = 0; i < 4; i++)
		pkts[i] = udp_frame(PEER_IP, IP(198, 51, 100, 9), L3_LEN, 0);
	CU_ASSERT_EQUAL_FATAL(vn_interface_set_admin(if_dn, false), 0);
	vt_inject(g, "ethernet-input", pkts, 4);
	CU_ASSERT_EQUAL_FATAL(vn_interface_set_admin(if_dn, true), 0);
	CU_ASSERT_EQUAL(tx_cap.n, 0);
	CU_ASSERT_EQUAL(counter("interface-output", "output interface is down"), 4);
	graph_fresh();

	/* Up again: the same route forwards. */
	inject1("ethernet-input", udp_frame(PEER_IP, IP(198, 51, 100, 9), L3_LEN, 0));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	CU_ASSERT_EQUAL(vn_meta(tx_cap.pkts[0])->tx_if, if_dn);
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(tx_cap.pkts[0], struct rte_ether_hdr *);
	CU_ASSERT_EQUAL(memcmp(eh->dst_addr.addr_bytes, mac_nh4, 6), 0);
	CU_ASSERT_EQUAL(memcmp(eh->src_addr.addr_bytes, mac_dn, 6), 0);
}

static void
test_error_drop(void)
{
	struct rte_mbuf *pkts[5];
	unsigned int avail = rte_mempool_avail_count(vn_pktmbuf_pool);
	uint16_t code = vt_err("ip4-input", "bad IPv4 header checksum");

	for (int i = 0; i < 5; i++)
		pkts[i] = vt_pkt(60, i < 3 ? if_lan : if_wan);
	vn_buf(pkts[0])->error = code;
	vn_buf(pkts[1])->error = code;
	vn_buf(pkts[2])->error = 0;
	vn_buf(pkts[3])->error = UINT16_MAX; /* out of range: counted as no reason */
	vn_buf(pkts[4])->error = vt_err("ip4-lookup", "dropped by a drop route");
	vt_inject(g, "error-drop", pkts, 5);
	CU_ASSERT_EQUAL(g->error_counts[code], 2);
	CU_ASSERT_EQUAL(g->error_counts[0], 2);
	CU_ASSERT_EQUAL(counter("ip4-lookup", "dropped by a drop route"), 1);
	CU_ASSERT_EQUAL(vn_if_counters_of(g, if_lan)->drops, 3);
	CU_ASSERT_EQUAL(vn_if_counters_of(g, if_wan)->drops, 2);
	CU_ASSERT_EQUAL(vn_error_total(code), 2);
	const char *name;
	CU_ASSERT_PTR_EQUAL(vn_error_node(code, &name), vn_node_reg_by_name("ip4-input"));
	CU_ASSERT_STRING_EQUAL(name, "bad IPv4 header checksum");
	/* Every mbuf went back to the pool. */
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail);
}

/* A full mixed vector through the whole path, and nothing leaks. */
static void
test_mixed_vector(void)
{
	struct rte_mbuf *pkts[VN_FRAME_SIZE];
	unsigned int avail = rte_mempool_avail_count(vn_pktmbuf_pool);
	uint32_t want_tx = 0, want_drop = 0, want_icmp = 0;

	for (uint16_t i = 0; i < VN_FRAME_SIZE; i++) {
		switch (i % 4) {
		case 0:
			pkts[i] = udp_frame(PEER_IP, IP(192, 0, 2, i), L3_LEN, 0);
			want_tx++;
			break;
		case 1:
			pkts[i] = udp_frame(PEER_IP, IP(8, 8, 4, 4), L3_LEN, 0);
			want_icmp++;
			break;
		case 2:
			pkts[i] = udp_frame(PEER_IP, IP(198, 18, 0, 1), L3_LEN, 0);
			want_drop++;
			break;
		default:
			pkts[i] = udp_frame(IP(127, 0, 0, 1), IP(192, 0, 2, 1), L3_LEN, 0);
			want_drop++;
		}
	}
	vt_inject(g, "ethernet-input", pkts, VN_FRAME_SIZE);
	CU_ASSERT_EQUAL(tx_cap.n, want_tx);
	CU_ASSERT_EQUAL(icmp_cap.n, want_icmp);
	CU_ASSERT_EQUAL(n_dropped(), want_drop);
	CU_ASSERT_EQUAL(counter("ip4-lookup", "dropped by a drop route"), VN_FRAME_SIZE / 4);
	CU_ASSERT_EQUAL(counter("ip4-input",
				"bad source address (multicast, broadcast or loopback)"),
			VN_FRAME_SIZE / 4);
	CU_ASSERT_EQUAL(counter("ip4-lookup", "no route to destination"), VN_FRAME_SIZE / 4);
	CU_ASSERT_EQUAL(vn_graph_rt(g)->overflow_drops, 0);
	vt_capture_reset(&tx_cap);
	vt_capture_reset(&icmp_cap);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail);
}

int
main(void)
{
	static CU_TestInfo eth_tests[] = {
		{"reference frame forwarded", test_forward_reference_frame},
		{"every truncation dropped by name", test_every_truncation},
		{"odd ethertypes", test_ethertypes},
		{"mac filter: other host, multicast, broadcast", test_mac_filter},
		{"receive interface down", test_rx_interface_down},
		CU_TEST_INFO_NULL,
	};
	static CU_TestInfo input_tests[] = {
		{"header checksum: fast check = rte_raw_cksum on random headers", test_checksum_random},
		{"header checks", test_header_checks},
		{"ethernet padding trimmed", test_padding_trimmed},
		{"a packet in two segments forwarded whole", test_segmented_forwarded},
		{"options ihl 6..15 forwarded", test_options_forwarded},
		{"fragments forwarded", test_fragments_forwarded},
		{"bad source and destination", test_bad_addresses},
		{"header checks: one bad header at every place in a vector", test_header_checks_in_vectors},
		{"header checksum: random headers in vectors", test_checksum_random_vectors},
		CU_TEST_INFO_NULL,
	};
	static CU_TestInfo lookup_tests[] = {
		{"longest prefix match", test_longest_prefix},
		{"every vector length, every lane its own route", test_lookup_every_length},
		{"no route: icmp net unreachable", test_no_route},
		{"drop route", test_drop_route},
		{"local and unresolved", test_local_and_arp},
		{"ecmp spreads flows, keeps a flow", test_ecmp},
		CU_TEST_INFO_NULL,
	};
	static CU_TestInfo rewrite_tests[] = {
		{"ttl 64 -> 63", test_ttl_decrement},
		{"incremental checksum, edges", test_checksum_incremental},
		{"ttl 1 and 0: time exceeded", test_ttl_expired},
		{"local origin keeps ttl", test_local_origin_keeps_ttl},
		{"mtu: df and no df", test_mtu},
		{"no headroom", test_no_headroom},
		CU_TEST_INFO_NULL,
	};
	static CU_TestInfo output_tests[] = {
		{"output interface down", test_output_interface_down},
		{"error-drop counts by reason and frees", test_error_drop},
		{"mixed vector, no leak", test_mixed_vector},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"ethernet-input", suite_init, NULL, graph_up, graph_down, eth_tests},
		{"ethernet-input, frame states the interface", frame_if_on, frame_if_off, graph_up,
		 graph_down, eth_tests},
		{"ip4-input", NULL, NULL, graph_up, graph_down, input_tests},
		{"ip4-lookup", NULL, NULL, graph_up, graph_down, lookup_tests},
		{"ip4-rewrite", NULL, NULL, graph_up, graph_down, rewrite_tests},
		{"interface-output, error-drop", NULL, NULL, graph_up, graph_down, output_tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
