/*
 * ip4-local and ip4-icmp-error through a real graph. Their ip4-lookup and
 * error-drop arcs are pointed at capture nodes; ip4-local's arc to
 * ip4-icmp-error is left real, so UDP to a closed port is followed end to end.
 * Checksums are verified by recomputation, quotes byte for byte.
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/icmp.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip4_local.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/rcu.h>

#include <vecnet/net/gso.h>

#include "vn_test.h"
#include "vn_test_graph.h"

VT_CAPTURE_NODE(lookup_cap, "test-ip4-lookup");
VT_CAPTURE_NODE(drop_cap, "test-drop");
VT_CAPTURE_NODE(proto_cap, "test-proto-47");

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define OUR_IP IP(10, 0, 1, 1)
#define PEER_IP IP(10, 0, 1, 2)

static const uint8_t mac0[6] = {0x02, 0, 0, 0, 0x10, 1};
static const uint8_t mac1[6] = {0x02, 0, 0, 0, 0x10, 2};
static uint32_t if_a, if_bare;
static struct vn_graph *g;

/* ---- packets ------------------------------------------------------------ */

/* An IPv4 packet of total length len (header with opt_len bytes of NOP
 * options, then a byte pattern), data at the IPv4 header, arriving on if_a. */
static struct rte_mbuf *
ip4_pkt(uint8_t proto, uint32_t src, uint32_t dst, uint16_t len, uint8_t opt_len)
{
	struct rte_mbuf *m = vt_pkt(len, if_a);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint16_t hl = sizeof(*ip) + opt_len;
	uint8_t *p = (uint8_t *)ip;

	for (uint16_t i = hl; i < len; i++)
		p[i] = (uint8_t)(i * 7 + 3);
	memset(p + sizeof(*ip), 1 /* NOP */, opt_len);
	ip->version_ihl = 0x40 | (hl / 4);
	ip->total_length = rte_cpu_to_be_16(len);
	ip->packet_id = rte_cpu_to_be_16(0x1234);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 17;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

static void
fix_ip_cksum(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* An ICMP message of the given type: 8-byte header, then payload pattern. */
static struct rte_mbuf *
icmp_pkt(uint8_t type, uint32_t src, uint32_t dst, uint16_t len, uint8_t opt_len)
{
	struct rte_mbuf *m = ip4_pkt(IPPROTO_ICMP, src, dst, len, opt_len);
	uint16_t hl = sizeof(struct rte_ipv4_hdr) + opt_len;
	struct rte_icmp_hdr *icmp = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *, hl);

	icmp->icmp_type = type;
	icmp->icmp_code = 0;
	icmp->icmp_cksum = 0;
	icmp->icmp_ident = rte_cpu_to_be_16(0x4242);
	icmp->icmp_seq_nb = rte_cpu_to_be_16(7);
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, len - hl);
	return m;
}

static void
inject1(const char *node, struct rte_mbuf *m)
{
	vt_inject(g, node, &m, 1);
}

static uint64_t
counter(const char *node, const char *name)
{
	return g->error_counts[vt_err(node, name)];
}

static void
assert_dropped(const char *node, const char *err)
{
	CU_ASSERT_EQUAL(lookup_cap.n, 0);
	CU_ASSERT_EQUAL_FATAL(drop_cap.n, 1);
	CU_ASSERT_EQUAL(vn_buf(drop_cap.pkts[0])->error, vt_err(node, err));
}

static bool
ip_cksum_ok(const struct rte_ipv4_hdr *ip)
{
	return rte_raw_cksum(ip, rte_ipv4_hdr_len(ip)) == 0xffff;
}

/* ---- suite -------------------------------------------------------------- */

static int
suite_init(void)
{
	static const char *const engine_nodes[] = {"error-drop", "ip4-lookup", "port-tx"};
	struct vn_prefix p = {.addr = OUR_IP, .len = 24};

	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0 || vn_fib_init(1024) < 0 ||
	    vn_neighbor_init() < 0)
		return -1;
	if (vn_interface_create_virtual("icmp0", mac0, 1500, &if_a) < 0 ||
	    vn_interface_create_virtual("icmp1", mac1, 1500, &if_bare) < 0 ||
	    vn_interface_addr_add(if_a, &p) < 0)
		return -1;
	/* Protocol claims happen before the build, as a plugin's would. */
	if (vn_ip4_local_register_protocol(47, "test-proto-47") < 0)
		return -1;
	vt_stub_missing(engine_nodes, VN_ARRAY_LEN(engine_nodes));
	return vn_graph_build() < 0 ? -1 : 0;
}

/* A fresh graph per test: counters and the token bucket start clean. */
static void
test_setup(void)
{
	g = vn_graph_create(0);
	if (!g) {
		fprintf(stderr, "cannot create the graph\n");
		abort();
	}
	vt_redirect(g, "ip4-local", "ip4-lookup", "test-ip4-lookup");
	vt_redirect(g, "ip4-local", "error-drop", "test-drop");
	vt_redirect(g, "ip4-icmp-error", "ip4-lookup", "test-ip4-lookup");
	vt_redirect(g, "ip4-icmp-error", "error-drop", "test-drop");
	vt_redirect(g, "tcp4-input", "error-drop", "test-drop");
	vt_redirect(g, "tcp4-output", "ip4-lookup", "test-ip4-lookup");
}

static void
test_teardown(void)
{
	vn_ip4_local_set_echo_reply_hook(NULL);
	vt_capture_reset(&lookup_cap);
	vt_capture_reset(&drop_cap);
	vt_capture_reset(&proto_cap);
	vn_graph_destroy(g);
	g = NULL;
}

/* ---- ip4-local ---------------------------------------------------------- */

/* Checks that m is the echo reply to a request of length len (no options). */
static void
assert_echo_reply(struct rte_mbuf *m, uint16_t len)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	const uint8_t *payload = (const uint8_t *)(icmp + 1);

	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_data_len(m), len);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), len);
	CU_ASSERT_EQUAL(ip->version_ihl, RTE_IPV4_VHL_DEF);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), len);
	CU_ASSERT_EQUAL(ip->src_addr, rte_cpu_to_be_32(OUR_IP));
	CU_ASSERT_EQUAL(ip->dst_addr, rte_cpu_to_be_32(PEER_IP));
	CU_ASSERT_EQUAL(ip->time_to_live, 64);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_ICMP);
	CU_ASSERT(ip_cksum_ok(ip));
	CU_ASSERT_EQUAL(icmp->icmp_type, VN_ICMP_ECHO_REPLY);
	CU_ASSERT_EQUAL(icmp->icmp_code, 0);
	CU_ASSERT_EQUAL(icmp->icmp_ident, rte_cpu_to_be_16(0x4242));
	CU_ASSERT_EQUAL(icmp->icmp_seq_nb, rte_cpu_to_be_16(7));
	CU_ASSERT_EQUAL(rte_raw_cksum(icmp, len - sizeof(*ip)), 0xffff);
	for (uint16_t i = 0; i < len - sizeof(*ip) - sizeof(*icmp); i++)
		if (payload[i] != (uint8_t)((i + 28) * 7 + 3)) {
			CU_FAIL("echo payload changed");
			break;
		}
	CU_ASSERT(vn_meta(m)->flags & VN_META_F_LOCAL_ORIGIN);
	CU_ASSERT_EQUAL(vn_meta(m)->rx_if, if_a);
}

static void
test_echo_reply_built(void)
{
	/* Several sizes, odd ones too: the incremental checksum must hold for all. */
	static const uint16_t sizes[] = {28, 29, 84, 85, 1000, 1500};

	for (uint32_t i = 0; i < VN_ARRAY_LEN(sizes); i++) {
		inject1("ip4-local", icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, OUR_IP, sizes[i], 0));
		CU_ASSERT_EQUAL(drop_cap.n, 0);
		CU_ASSERT_EQUAL_FATAL(lookup_cap.n, 1);
		assert_echo_reply(lookup_cap.pkts[0], sizes[i]);
		vt_capture_reset(&lookup_cap);
	}
	CU_ASSERT_EQUAL(counter("ip4-local", "echo replies sent"), VN_ARRAY_LEN(sizes));
}

static void
test_echo_checksum_edge(void)
{
	/* Identifiers across the whole range move the request's checksum word
	 * through every high byte, edge values included: each reply must verify. */
	for (uint32_t id = 0; id < 0x10000; id += 0x101) {
		struct rte_mbuf *m = icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, OUR_IP, 28, 0);
		struct rte_icmp_hdr *icmp = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *, 20);

		icmp->icmp_ident = (uint16_t)id;
		icmp->icmp_cksum = 0;
		icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, 8);
		inject1("ip4-local", m);
		CU_ASSERT_EQUAL_FATAL(lookup_cap.n, 1);
		icmp = rte_pktmbuf_mtod_offset(lookup_cap.pkts[0], struct rte_icmp_hdr *, 20);
		CU_ASSERT_EQUAL(rte_raw_cksum(icmp, 8), 0xffff);
		vt_capture_reset(&lookup_cap);
	}
}

static void
test_echo_padding_and_options(void)
{
	/* Ethernet padding after the datagram is not echoed. */
	struct rte_mbuf *m = icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, OUR_IP, 40, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rte_pktmbuf_append(m, 6));
	inject1("ip4-local", m);
	CU_ASSERT_EQUAL_FATAL(lookup_cap.n, 1);
	assert_echo_reply(lookup_cap.pkts[0], 40);
	vt_capture_reset(&lookup_cap);

	/* IP options are stripped from the reply; the ICMP message is intact. */
	m = icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, OUR_IP, 48, 8);
	inject1("ip4-local", m);
	CU_ASSERT_EQUAL_FATAL(lookup_cap.n, 1);
	m = lookup_cap.pkts[0];
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	CU_ASSERT_EQUAL(rte_pktmbuf_data_len(m), 40);
	CU_ASSERT_EQUAL(ip->version_ihl, RTE_IPV4_VHL_DEF);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), 40);
	CU_ASSERT(ip_cksum_ok(ip));
	CU_ASSERT_EQUAL(icmp->icmp_type, VN_ICMP_ECHO_REPLY);
	CU_ASSERT_EQUAL(rte_raw_cksum(icmp, 20), 0xffff);
	CU_ASSERT_EQUAL(((uint8_t *)(icmp + 1))[0], (uint8_t)(36 * 7 + 3));
}

static void
test_echo_drops(void)
{
	struct {
		const char *err;
		struct rte_mbuf *m;
	} cases[] = {
		{"echo request to broadcast ignored",
		 icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, IP(10, 0, 1, 255), 64, 0)},
		{"echo request to broadcast ignored",
		 icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, IP(224, 0, 0, 1), 64, 0)},
		{"echo request to broadcast ignored",
		 icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, OUR_IP, 64, 0)},
		{"echo request from invalid source",
		 icmp_pkt(VN_ICMP_ECHO_REQUEST, 0, OUR_IP, 64, 0)},
		{"echo request from invalid source",
		 icmp_pkt(VN_ICMP_ECHO_REQUEST, IP(224, 1, 2, 3), OUR_IP, 64, 0)},
		{"icmp bad checksum", icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, OUR_IP, 64, 0)},
		{"icmp type not handled", icmp_pkt(13 /* timestamp */, PEER_IP, OUR_IP, 64, 0)},
		{"echo reply with no ping listening",
		 icmp_pkt(VN_ICMP_ECHO_REPLY, PEER_IP, OUR_IP, 64, 0)},
		{"fragment to us (no reassembly)",
		 icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, OUR_IP, 64, 0)},
		{"unknown ip protocol", ip4_pkt(99, PEER_IP, OUR_IP, 60, 0)},
		{"udp header truncated", ip4_pkt(IPPROTO_UDP, PEER_IP, OUR_IP, 27, 0)},
	};

	vn_meta(cases[2].m)->flags |= VN_META_F_L2_BCAST;
	rte_pktmbuf_mtod_offset(cases[5].m, uint8_t *, 30)[0] ^= 0x40;
	rte_pktmbuf_mtod(cases[8].m, struct rte_ipv4_hdr *)->fragment_offset =
		rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
	fix_ip_cksum(cases[8].m);

	for (uint32_t i = 0; i < VN_ARRAY_LEN(cases); i++) {
		inject1("ip4-local", cases[i].m);
		assert_dropped("ip4-local", cases[i].err);
		vt_capture_reset(&drop_cap);
	}
	CU_ASSERT_EQUAL(counter("ip4-local", "echo replies sent"), 0);

	/* TCP belongs to the host stack: a segment that is no valid TCP is
	 * dropped by tcp4-input, under one of its reasons. */
	{
		const struct vn_node_reg *reg;
		const char *name;
		inject1("ip4-local", ip4_pkt(IPPROTO_TCP, PEER_IP, OUR_IP, 60, 0));
		CU_ASSERT_EQUAL(lookup_cap.n, 0);
		CU_ASSERT_EQUAL_FATAL(drop_cap.n, 1);
		reg = vn_error_node(vn_buf(drop_cap.pkts[0])->error, &name);
		CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
		CU_ASSERT_STRING_EQUAL(reg->name, "tcp4-input");
		vt_capture_reset(&drop_cap);
	}
}

/* Every truncation of a valid echo request is dropped with a reason of
 * ip4-local: cut buffers (header says more) and short datagrams (header agrees). */
static void
test_echo_truncated(void)
{
	const uint16_t len = 64;

	for (uint16_t cut = 0; cut < len; cut++) {
		struct rte_mbuf *m = icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, OUR_IP, len, 0);
		CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_trim(m, len - cut), 0);
		inject1("ip4-local", m);
		CU_ASSERT_EQUAL(lookup_cap.n, 0);
		CU_ASSERT_EQUAL_FATAL(drop_cap.n, 1);
		CU_ASSERT(vt_err_of_node("ip4-local", vn_buf(drop_cap.pkts[0])->error));
		vt_capture_reset(&drop_cap);
	}
	for (uint16_t tot = 20; tot < 28; tot++) {
		struct rte_mbuf *m = icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, OUR_IP, len, 0);
		rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->total_length = rte_cpu_to_be_16(tot);
		fix_ip_cksum(m);
		inject1("ip4-local", m);
		assert_dropped("ip4-local", "icmp message truncated");
		vt_capture_reset(&drop_cap);
	}
	/* Nonsense headers. */
	struct rte_mbuf *m = icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, OUR_IP, len, 0);
	rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->version_ihl = 0x44;
	inject1("ip4-local", m);
	assert_dropped("ip4-local", "bad ip4 header");
	vt_capture_reset(&drop_cap);
	m = icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, OUR_IP, len, 0);
	rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->version_ihl = 0x4f; /* 60-byte header */
	rte_pktmbuf_trim(m, len - 40);
	inject1("ip4-local", m);
	assert_dropped("ip4-local", "truncated ip4 packet");
}

static uint32_t hook_calls;
static struct rte_mbuf *hook_pkt;

static void
echo_hook(struct rte_mbuf *m)
{
	hook_calls++;
	hook_pkt = m;
}

static void
test_echo_reply_hook(void)
{
	struct rte_mbuf *pkts[3];

	hook_calls = 0;
	vn_ip4_local_set_echo_reply_hook(echo_hook);
	/* A reply between two requests: consumed, the requests still answered. */
	pkts[0] = icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, OUR_IP, 64, 0);
	pkts[1] = icmp_pkt(VN_ICMP_ECHO_REPLY, PEER_IP, OUR_IP, 64, 0);
	pkts[2] = icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, OUR_IP, 64, 0);
	struct rte_mbuf *reply = pkts[1];
	vt_inject(g, "ip4-local", pkts, 3);

	CU_ASSERT_EQUAL(hook_calls, 1);
	CU_ASSERT_PTR_EQUAL(hook_pkt, reply);
	CU_ASSERT_EQUAL(lookup_cap.n, 2);
	CU_ASSERT_EQUAL(drop_cap.n, 0);
	CU_ASSERT_EQUAL(counter("ip4-local", "echo replies to ping"), 1);
	rte_pktmbuf_free(hook_pkt);
}

static void
test_udp_port_unreachable(void)
{
	struct rte_mbuf *m = ip4_pkt(IPPROTO_UDP, PEER_IP, OUR_IP, 100, 0);
	uint8_t orig[100];

	memcpy(orig, rte_pktmbuf_mtod(m, void *), sizeof(orig));
	inject1("ip4-local", m);

	CU_ASSERT_EQUAL(drop_cap.n, 0);
	CU_ASSERT_EQUAL_FATAL(lookup_cap.n, 1);
	m = lookup_cap.pkts[0];
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	CU_ASSERT_EQUAL(rte_pktmbuf_data_len(m), 128);
	CU_ASSERT_EQUAL(ip->src_addr, rte_cpu_to_be_32(OUR_IP));
	CU_ASSERT_EQUAL(ip->dst_addr, rte_cpu_to_be_32(PEER_IP));
	CU_ASSERT_EQUAL(icmp->icmp_type, VN_ICMP_DEST_UNREACH);
	CU_ASSERT_EQUAL(icmp->icmp_code, VN_ICMP_CODE_PORT_UNREACH);
	CU_ASSERT_EQUAL(rte_raw_cksum(icmp, 108), 0xffff);
	CU_ASSERT_EQUAL(memcmp(icmp + 1, orig, sizeof(orig)), 0);
	CU_ASSERT_EQUAL(counter("ip4-local", "udp no listener (port unreachable)"), 1);
	CU_ASSERT_EQUAL(counter("ip4-icmp-error", "destination unreachable sent"), 1);
}

/* The real path from the wire: ethernet-input, ip4-input and ip4-lookup (the
 * FIB's local route for our address) deliver the request to ip4-local. */
static void
test_ping_from_ethernet_input(void)
{
	static const uint8_t peer_mac[6] = {0x02, 0xaa, 0, 0, 0, 2};
	struct rte_mbuf *m =
		vt_ether_frame(mac0, peer_mac, RTE_ETHER_TYPE_IPV4,
			       icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, OUR_IP, 84, 0));

	inject1("ethernet-input", m);

	CU_ASSERT_EQUAL_FATAL(lookup_cap.n, 1);
	assert_echo_reply(lookup_cap.pkts[0], 84);
}

static void
test_registered_protocol(void)
{
	inject1("ip4-local", ip4_pkt(47, PEER_IP, OUR_IP, 60, 0));
	CU_ASSERT_EQUAL(proto_cap.n, 1);
	CU_ASSERT_EQUAL(drop_cap.n, 0);

	CU_ASSERT_EQUAL(vn_ip4_local_register_protocol(IPPROTO_ICMP, "test-proto-47"), -EBUSY);
	CU_ASSERT_EQUAL(vn_ip4_local_register_protocol(47, "test-drop"), -EEXIST);
	CU_ASSERT_EQUAL(vn_ip4_local_register_protocol(47, "test-proto-47"), 0);
	/* After the build, arcs can no longer be added. */
	CU_ASSERT_EQUAL(vn_ip4_local_register_protocol(50, "test-proto-47"), -EBUSY);
}

/* ---- ip4-icmp-error ----------------------------------------------------- */

static struct rte_mbuf *
offending(uint32_t src, uint32_t dst, uint16_t len, uint8_t type, uint8_t code)
{
	struct rte_mbuf *m = ip4_pkt(IPPROTO_UDP, src, dst, len, 0);

	vn_meta(m)->icmp_type = type;
	vn_meta(m)->icmp_code = code;
	return m;
}

/* Checks lookup_cap.pkts[i] is an error of type/code from `from` quoting orig. */
static void
assert_error(uint16_t i, uint8_t type, uint8_t code, uint32_t from, const uint8_t *orig,
	     uint16_t quote_len)
{
	struct rte_mbuf *m = lookup_cap.pkts[i];
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	const struct rte_ipv4_hdr *oip = (const struct rte_ipv4_hdr *)orig;

	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_data_len(m), 28 + quote_len);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 28 + quote_len);
	CU_ASSERT(rte_pktmbuf_pkt_len(m) <= 576);
	CU_ASSERT_EQUAL(ip->version_ihl, RTE_IPV4_VHL_DEF);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), 28 + quote_len);
	CU_ASSERT_EQUAL(ip->fragment_offset, 0); /* DF clear, not a fragment */
	CU_ASSERT_EQUAL(ip->time_to_live, 64);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_ICMP);
	CU_ASSERT_EQUAL(ip->src_addr, rte_cpu_to_be_32(from));
	CU_ASSERT_EQUAL(ip->dst_addr, oip->src_addr);
	CU_ASSERT(ip_cksum_ok(ip));
	CU_ASSERT_EQUAL(icmp->icmp_type, type);
	CU_ASSERT_EQUAL(icmp->icmp_code, code);
	CU_ASSERT_EQUAL(rte_raw_cksum(icmp, 8 + quote_len), 0xffff);
	CU_ASSERT_EQUAL(memcmp(icmp + 1, orig, quote_len), 0);
	CU_ASSERT(vn_meta(m)->flags & VN_META_F_LOCAL_ORIGIN);
	CU_ASSERT_FALSE(vn_gso_is_super(m)); /* an error is an ordinary packet */
	CU_ASSERT_EQUAL(m->tso_segsz, 0);
}

static void
test_time_exceeded_quote_576(void)
{
	struct rte_mbuf *m = offending(PEER_IP, IP(192, 0, 2, 9), 1000, VN_ICMP_TIME_EXCEEDED, 0);
	static uint8_t orig[1000];

	memcpy(orig, rte_pktmbuf_mtod(m, void *), sizeof(orig));
	/* As a GSO super-frame a host interface passed whole would be
	 * (net/gso.h): the error must not keep its offload flags. */
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
	m->tso_segsz = 1448;
	inject1("ip4-icmp-error", m);
	CU_ASSERT_EQUAL(drop_cap.n, 0);
	CU_ASSERT_EQUAL_FATAL(lookup_cap.n, 1);
	assert_error(0, VN_ICMP_TIME_EXCEEDED, 0, OUR_IP, orig, 548);
	CU_ASSERT_EQUAL(vn_meta(lookup_cap.pkts[0])->rx_if, if_a);
	CU_ASSERT_EQUAL(counter("ip4-icmp-error", "time exceeded sent"), 1);
}

static void
test_small_and_padded(void)
{
	struct rte_mbuf *m = offending(PEER_IP, IP(192, 0, 2, 9), 60, VN_ICMP_DEST_UNREACH, 0);
	uint8_t orig[60];

	memcpy(orig, rte_pktmbuf_mtod(m, void *), sizeof(orig));
	/* Ethernet padding behind the datagram is not quoted. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(rte_pktmbuf_append(m, 10));
	inject1("ip4-icmp-error", m);
	CU_ASSERT_EQUAL_FATAL(lookup_cap.n, 1);
	assert_error(0, VN_ICMP_DEST_UNREACH, 0, OUR_IP, orig, 60);
	CU_ASSERT_EQUAL(counter("ip4-icmp-error", "destination unreachable sent"), 1);
}

static void
test_frag_needed_mtu(void)
{
	struct rte_mbuf *m = offending(PEER_IP, IP(192, 0, 2, 9), 1500, VN_ICMP_DEST_UNREACH,
				       VN_ICMP_CODE_FRAG_NEEDED);
	static uint8_t orig[1500];

	memcpy(orig, rte_pktmbuf_mtod(m, void *), sizeof(orig));
	vn_meta(m)->icmp_mtu = 1400;
	inject1("ip4-icmp-error", m);
	CU_ASSERT_EQUAL_FATAL(lookup_cap.n, 1);
	assert_error(0, VN_ICMP_DEST_UNREACH, VN_ICMP_CODE_FRAG_NEEDED, OUR_IP, orig, 548);
	const uint8_t *icmp =
		rte_pktmbuf_mtod_offset(lookup_cap.pkts[0], uint8_t *, sizeof(struct rte_ipv4_hdr));
	CU_ASSERT_EQUAL(icmp[4], 0);
	CU_ASSERT_EQUAL(icmp[5], 0);
	CU_ASSERT_EQUAL(icmp[6] << 8 | icmp[7], 1400);
	CU_ASSERT_EQUAL(counter("ip4-icmp-error", "fragmentation needed sent"), 1);
	CU_ASSERT_EQUAL(counter("ip4-icmp-error", "destination unreachable sent"), 0);
}

static void
test_source_fallback(void)
{
	/* The rx interface has no address: the error comes from one of ours. */
	struct rte_mbuf *m = offending(PEER_IP, IP(192, 0, 2, 9), 60, VN_ICMP_TIME_EXCEEDED, 0);
	uint8_t orig[60];

	memcpy(orig, rte_pktmbuf_mtod(m, void *), sizeof(orig));
	vn_meta(m)->rx_if = if_bare;
	inject1("ip4-icmp-error", m);
	CU_ASSERT_EQUAL_FATAL(lookup_cap.n, 1);
	assert_error(0, VN_ICMP_TIME_EXCEEDED, 0, OUR_IP, orig, 60);
	CU_ASSERT_EQUAL(vn_meta(lookup_cap.pkts[0])->rx_if, if_bare);
}

static void
test_icmp_offenders(void)
{
	/* An echo request may be reported on; an ICMP error never is. */
	struct rte_mbuf *m = icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, IP(192, 0, 2, 9), 64, 0);
	vn_meta(m)->icmp_type = VN_ICMP_TIME_EXCEEDED;
	inject1("ip4-icmp-error", m);
	CU_ASSERT_EQUAL(lookup_cap.n, 1);
	CU_ASSERT_EQUAL(drop_cap.n, 0);
	vt_capture_reset(&lookup_cap);

	static const uint8_t error_types[] = {3, 4, 5, 11, 12};
	for (uint32_t i = 0; i < VN_ARRAY_LEN(error_types); i++) {
		m = icmp_pkt(error_types[i], PEER_IP, IP(192, 0, 2, 9), 64, 0);
		vn_meta(m)->icmp_type = VN_ICMP_TIME_EXCEEDED;
		inject1("ip4-icmp-error", m);
		assert_dropped("ip4-icmp-error", "offending packet is an icmp error");
		vt_capture_reset(&drop_cap);
	}
}

static void
test_never_sent_for(void)
{
	struct {
		const char *err;
		struct rte_mbuf *m;
	} cases[] = {
		{"source address unspecified (0.0.0.0)",
		 offending(0, IP(192, 0, 2, 9), 60, VN_ICMP_TIME_EXCEEDED, 0)},
		{"source address not a unicast host",
		 offending(IP(127, 0, 0, 1), IP(192, 0, 2, 9), 60, VN_ICMP_TIME_EXCEEDED, 0)},
		{"source address not a unicast host",
		 offending(IP(224, 0, 0, 9), IP(192, 0, 2, 9), 60, VN_ICMP_TIME_EXCEEDED, 0)},
		{"source address not a unicast host",
		 offending(UINT32_MAX, IP(192, 0, 2, 9), 60, VN_ICMP_TIME_EXCEEDED, 0)},
		{"destination broadcast or multicast",
		 offending(PEER_IP, UINT32_MAX, 60, VN_ICMP_DEST_UNREACH, 0)},
		{"destination broadcast or multicast",
		 offending(PEER_IP, IP(239, 1, 1, 1), 60, VN_ICMP_DEST_UNREACH, 0)},
		{"destination broadcast or multicast",
		 offending(PEER_IP, IP(10, 0, 1, 255), 60, VN_ICMP_DEST_UNREACH, 0)},
		{"destination broadcast or multicast",
		 offending(PEER_IP, IP(192, 0, 2, 9), 60, VN_ICMP_DEST_UNREACH, 0)},
		{"non-first fragment", offending(PEER_IP, IP(192, 0, 2, 9), 60, 11, 0)},
		{"unsupported icmp error type requested",
		 offending(PEER_IP, IP(192, 0, 2, 9), 60, 0, 0)},
		{"offending packet has a bad ip4 header",
		 offending(PEER_IP, IP(192, 0, 2, 9), 60, 11, 0)},
		{"offending packet has a bad ip4 header",
		 offending(PEER_IP, IP(192, 0, 2, 9), 60, 11, 0)},
	};

	vn_meta(cases[7].m)->flags |= VN_META_F_L2_BCAST;
	rte_pktmbuf_mtod(cases[8].m, struct rte_ipv4_hdr *)->fragment_offset =
		rte_cpu_to_be_16(185); /* offset 1480 */
	rte_pktmbuf_mtod(cases[10].m, struct rte_ipv4_hdr *)->version_ihl = 0x65;
	rte_pktmbuf_mtod(cases[11].m, struct rte_ipv4_hdr *)->total_length = rte_cpu_to_be_16(19);

	for (uint32_t i = 0; i < VN_ARRAY_LEN(cases); i++) {
		inject1("ip4-icmp-error", cases[i].m);
		assert_dropped("ip4-icmp-error", cases[i].err);
		vt_capture_reset(&drop_cap);
	}

	/* A first fragment (MF set, offset 0) is reported on. */
	struct rte_mbuf *m = offending(PEER_IP, IP(192, 0, 2, 9), 60, VN_ICMP_TIME_EXCEEDED, 0);
	rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->fragment_offset =
		rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
	inject1("ip4-icmp-error", m);
	CU_ASSERT_EQUAL(lookup_cap.n, 1);
}

static void
test_error_truncated(void)
{
	/* Short of a whole IPv4 header (or of the header its IHL declares). */
	for (uint16_t len = 0; len < 24; len++) {
		struct rte_mbuf *m = offending(PEER_IP, IP(192, 0, 2, 9), 60,
					       VN_ICMP_TIME_EXCEEDED, 0);
		if (len >= 20)
			rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->version_ihl = 0x46;
		CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_trim(m, 60 - len), 0);
		inject1("ip4-icmp-error", m);
		assert_dropped("ip4-icmp-error", "offending packet truncated");
		vt_capture_reset(&drop_cap);
	}
	/* ICMP whose type byte is missing: cannot tell it is not an error. */
	struct rte_mbuf *m = icmp_pkt(VN_ICMP_ECHO_REQUEST, PEER_IP, IP(192, 0, 2, 9), 64, 0);
	vn_meta(m)->icmp_type = VN_ICMP_TIME_EXCEEDED;
	rte_pktmbuf_trim(m, 64 - 20);
	inject1("ip4-icmp-error", m);
	assert_dropped("ip4-icmp-error", "offending packet truncated");
	vt_capture_reset(&drop_cap);

	/* A cut payload is quoted as far as it goes. */
	m = offending(PEER_IP, IP(192, 0, 2, 9), 200, VN_ICMP_TIME_EXCEEDED, 0);
	uint8_t orig[50];
	memcpy(orig, rte_pktmbuf_mtod(m, void *), sizeof(orig));
	rte_pktmbuf_trim(m, 150);
	inject1("ip4-icmp-error", m);
	CU_ASSERT_EQUAL_FATAL(lookup_cap.n, 1);
	assert_error(0, VN_ICMP_TIME_EXCEEDED, 0, OUR_IP, orig, 50);
}

/* A chained offender: the quote comes from the first segment, the rest is freed. */
static void
test_multi_segment(void)
{
	struct rte_mbuf *m = offending(PEER_IP, IP(192, 0, 2, 9), 100, VN_ICMP_TIME_EXCEEDED, 0);
	struct rte_mbuf *tail = vt_pkt(400, if_a);
	unsigned int avail = rte_mempool_avail_count(vn_pktmbuf_pool);
	uint8_t orig[100];

	memcpy(orig, rte_pktmbuf_mtod(m, void *), sizeof(orig));
	rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->total_length = rte_cpu_to_be_16(500);
	fix_ip_cksum(m);
	memcpy(orig, rte_pktmbuf_mtod(m, void *), 20);
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_chain(m, tail), 0);
	inject1("ip4-icmp-error", m);
	CU_ASSERT_EQUAL_FATAL(lookup_cap.n, 1);
	CU_ASSERT_EQUAL(lookup_cap.pkts[0]->nb_segs, 1);
	CU_ASSERT_PTR_NULL(lookup_cap.pkts[0]->next);
	assert_error(0, VN_ICMP_TIME_EXCEEDED, 0, OUR_IP, orig, 100);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail + 1);
}

static void
test_rate_limit(void)
{
	struct rte_mbuf *pkts[150];
	uint16_t limited = 0;

	for (int i = 0; i < 150; i++)
		pkts[i] = offending(PEER_IP, IP(192, 0, 2, 9), 60, VN_ICMP_TIME_EXCEEDED, 0);
	vt_inject(g, "ip4-icmp-error", pkts, 150);

	/* The burst of 100 goes out at once; the bucket refills at 1/ms. */
	CU_ASSERT(lookup_cap.n >= 100 && lookup_cap.n <= 105);
	CU_ASSERT_EQUAL(lookup_cap.n + drop_cap.n, 150);
	for (uint16_t i = 0; i < drop_cap.n; i++)
		limited += vn_buf(drop_cap.pkts[i])->error ==
			   vt_err("ip4-icmp-error", "rate limited");
	CU_ASSERT_EQUAL(limited, drop_cap.n);
	CU_ASSERT_EQUAL(counter("ip4-icmp-error", "time exceeded sent"), lookup_cap.n);
}

int
main(void)
{
	static CU_TestInfo local_tests[] = {
		{"echo reply built in place", test_echo_reply_built},
		{"echo reply checksum over many identifiers", test_echo_checksum_edge},
		{"echo: padding trimmed, options stripped", test_echo_padding_and_options},
		{"drops with reasons", test_echo_drops},
		{"every truncation of an echo request", test_echo_truncated},
		{"echo reply hook consumes", test_echo_reply_hook},
		{"udp to a closed port: port unreachable", test_udp_port_unreachable},
		{"registered protocol", test_registered_protocol},
		{"ping from ethernet-input", test_ping_from_ethernet_input},
		CU_TEST_INFO_NULL,
	};
	static CU_TestInfo error_tests[] = {
		{"time exceeded, quote to 576 bytes", test_time_exceeded_quote_576},
		{"small and padded offenders", test_small_and_padded},
		{"fragmentation needed carries the mtu", test_frag_needed_mtu},
		{"source from another interface", test_source_fallback},
		{"icmp offenders", test_icmp_offenders},
		{"never sent for", test_never_sent_for},
		{"truncated offenders", test_error_truncated},
		{"multi-segment offender", test_multi_segment},
		{"token bucket", test_rate_limit},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"ip4-local", suite_init, NULL, test_setup, test_teardown, local_tests},
		{"ip4-icmp-error", NULL, NULL, test_setup, test_teardown, error_tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
