/*
 * Cutting GSO super-frames (engine/net/gso.c): every segment's lengths, IP
 * ID, sequence number, flags and checksums, its payload slice, the refusals,
 * and nothing left allocated on any failure.
 */
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>
#include <vecnet/buffer.h>
#include <vecnet/net/gso.h>

#include "vn_test.h"

#define MSS 1448
#define PAYLOAD 10000 /* 6 full segments and one of 1312 */
#define TCP_HLEN 32 /* with 12 bytes of options (timestamps) */

static uint8_t frame[18 + 20 + TCP_HLEN + PAYLOAD];

/* An Ethernet (+ optional 802.1Q tag) / IPv4 / TCP super-frame as Linux
 * hands it over: total length of the whole, pseudo-header sum in the TCP
 * checksum (partial), PSH|FIN|CWR set. Returns its length. */
static uint32_t
build_frame(bool tagged, uint8_t proto)
{
	uint32_t l3 = tagged ? 18 : 14, l4hl = proto == IPPROTO_TCP ? TCP_HLEN : 8;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + l3);
	uint32_t len = l3 + 20 + l4hl + PAYLOAD;

	memset(frame, 0, sizeof(frame));
	memcpy(frame, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02", 12);
	if (tagged)
		memcpy(frame + 12, "\x81\x00\x00\x64\x08\x00", 6);
	else
		memcpy(frame + 12, "\x08\x00", 2);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len - l3));
	ip->packet_id = rte_cpu_to_be_16(1000);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(0x0a000102);
	ip->dst_addr = rte_cpu_to_be_32(0x0a000202);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	if (proto == IPPROTO_TCP) {
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(frame + l3 + 20);
		th->src_port = rte_cpu_to_be_16(40000);
		th->dst_port = rte_cpu_to_be_16(5001);
		th->sent_seq = rte_cpu_to_be_32(0xfffff000); /* wraps within the frame */
		th->data_off = (TCP_HLEN / 4) << 4;
		th->tcp_flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG | RTE_TCP_FIN_FLAG |
				RTE_TCP_CWR_FLAG;
		th->rx_win = rte_cpu_to_be_16(500);
		th->cksum = rte_ipv4_phdr_cksum(ip, 0); /* partial, as CHECKSUM_PARTIAL */
	} else {
		struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(frame + l3 + 20);
		uh->src_port = rte_cpu_to_be_16(40000);
		uh->dst_port = rte_cpu_to_be_16(5001);
		uh->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + PAYLOAD));
	}
	for (uint32_t i = 0; i < PAYLOAD; i++)
		frame[l3 + 20 + l4hl + i] = (uint8_t)(i * 7 + 3);
	return len;
}

/* Segment k of n checks out against the frame it was cut from. */
static void
check_segment(struct rte_mbuf *m, uint32_t k, uint32_t n, uint32_t l3, uint8_t proto)
{
	uint32_t l4hl = proto == IPPROTO_TCP ? TCP_HLEN : 8, hlen = l3 + 20 + l4hl;
	uint32_t seg = k + 1 < n ? MSS : PAYLOAD - k * MSS;
	uint8_t flat[sizeof(frame)];
	const uint8_t *p = rte_pktmbuf_read(m, 0, m->pkt_len, flat);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(p + l3);

	CU_ASSERT_EQUAL(m->pkt_len, hlen + seg);
	CU_ASSERT_EQUAL(memcmp(p, frame, l3), 0); /* L2 header and tag as they were */
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), 20 + l4hl + seg);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->packet_id), 1000 + k);
	CU_ASSERT_EQUAL(rte_raw_cksum(ip, 20), 0xffff); /* the header sums to all ones */
	CU_ASSERT_EQUAL(rte_ipv4_udptcp_cksum_mbuf_verify(m, ip, (uint16_t)(l3 + 20)), 0);
	CU_ASSERT_EQUAL(memcmp(p + hlen, frame + hlen + k * MSS, seg), 0);
	if (proto == IPPROTO_TCP) {
		const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)(p + l3 + 20);
		uint8_t want = RTE_TCP_ACK_FLAG;
		if (k + 1 == n)
			want |= RTE_TCP_PSH_FLAG | RTE_TCP_FIN_FLAG;
		if (k == 0)
			want |= RTE_TCP_CWR_FLAG;
		CU_ASSERT_EQUAL(rte_be_to_cpu_32(th->sent_seq), (uint32_t)(0xfffff000u + k * MSS));
		CU_ASSERT_EQUAL(th->tcp_flags, want);
		CU_ASSERT_EQUAL(memcmp(p + l3 + 20 + 20, frame + l3 + 20 + 20, TCP_HLEN - 20), 0);
	} else {
		const struct rte_udp_hdr *uh = (const struct rte_udp_hdr *)(p + l3 + 20);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(uh->dgram_len), 8 + seg);
	}
}

static void
cut_and_check(bool tagged, uint8_t proto)
{
	uint32_t len = build_frame(tagged, proto), l3 = tagged ? 18 : 14;
	unsigned avail = rte_mempool_avail_count(vn_pktmbuf_pool);
	struct rte_mbuf *out[VN_FRAME_SIZE];
	struct vn_gso g;
	int n;

	CU_ASSERT_EQUAL_FATAL(vn_gso_parse(frame, 200, len, proto == IPPROTO_TCP ? VN_GSO_TCP4
										  : VN_GSO_UDP,
					   MSS, (uint16_t)(l3 + 20), &g),
			      0);
	CU_ASSERT_EQUAL(g.l3, l3);
	CU_ASSERT_EQUAL(g.hlen, l3 + 20 + (proto == IPPROTO_TCP ? TCP_HLEN : 8));
	n = vn_gso_segment(&g, frame, frame + g.hlen, len - g.hlen, vn_pktmbuf_pool, out,
			   VN_FRAME_SIZE);
	CU_ASSERT_EQUAL_FATAL(n, 7);
	for (int k = 0; k < n; k++)
		check_segment(out[k], (uint32_t)k, (uint32_t)n, l3, proto);
	rte_pktmbuf_free_bulk(out, (unsigned)n);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail);
}

static void
test_tcp(void)
{
	cut_and_check(false, IPPROTO_TCP);
}

static void
test_tcp_tagged(void)
{
	cut_and_check(true, IPPROTO_TCP);
}

static void
test_udp(void)
{
	cut_and_check(false, IPPROTO_UDP);
}

static void
test_refusals(void)
{
	uint32_t len = build_frame(false, IPPROTO_TCP);
	unsigned avail = rte_mempool_avail_count(vn_pktmbuf_pool);
	struct rte_mbuf *out[VN_FRAME_SIZE];
	struct vn_gso g;

	/* L4 not where the IPv4 header ends, a TCP/IPv6 type on IPv4, no segment
	 * size, headers cut short, a data offset below 5. */
	CU_ASSERT_EQUAL(vn_gso_parse(frame, 200, len, VN_GSO_TCP4, MSS, 36, &g), -1);
	CU_ASSERT_EQUAL(vn_gso_parse(frame, 200, len, VN_GSO_TCP6, MSS, 34, &g), -1);
	CU_ASSERT_EQUAL(vn_gso_parse(frame, 200, len, VN_GSO_TCP4, 0, 34, &g), -1);
	CU_ASSERT_EQUAL(vn_gso_parse(frame, 40, len, VN_GSO_TCP4, MSS, 34, &g), -1);
	frame[34 + 12] = 4 << 4;
	CU_ASSERT_EQUAL(vn_gso_parse(frame, 200, len, VN_GSO_TCP4, MSS, 34, &g), -1);
	build_frame(false, IPPROTO_TCP);
	/* More segments than room: -1 and nothing allocated. */
	CU_ASSERT_EQUAL_FATAL(vn_gso_parse(frame, 200, len, VN_GSO_TCP4, MSS, 34, &g), 0);
	CU_ASSERT_EQUAL(vn_gso_segment(&g, frame, frame + g.hlen, len - g.hlen, vn_pktmbuf_pool,
				       out, 6),
			-1);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail);
}

/* A passed-through super-frame, as port-tx cuts it for a port that cannot
 * take it: the same segments, and its buffer back in its pool. */
static void
test_mbuf(void)
{
	uint32_t len = build_frame(false, IPPROTO_TCP);
	struct rte_mempool *gp = vn_gso_pool();
	struct rte_mbuf *out[VN_FRAME_SIZE], *m;
	unsigned gavail;
	int n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
	gavail = rte_mempool_avail_count(gp);
	m = rte_pktmbuf_alloc(gp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memcpy(rte_pktmbuf_mtod(m, void *), frame, len);
	m->data_len = m->pkt_len = len;
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
	m->tso_segsz = MSS;
	CU_ASSERT_TRUE(vn_gso_is_super(m));
	n = vn_gso_segment_mbuf(m, vn_pktmbuf_pool, out, VN_FRAME_SIZE);
	CU_ASSERT_EQUAL_FATAL(n, 7);
	for (int k = 0; k < n; k++) {
		check_segment(out[k], (uint32_t)k, 7, 14, IPPROTO_TCP);
		CU_ASSERT_FALSE(vn_gso_is_super(out[k]));
	}
	rte_pktmbuf_free_bulk(out, (unsigned)n);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(gp), gavail);
	/* Headers that do not parse: 0, and m is still ours. */
	m = rte_pktmbuf_alloc(gp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memcpy(rte_pktmbuf_mtod(m, void *), frame, 30);
	m->data_len = m->pkt_len = 30;
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
	m->tso_segsz = MSS;
	CU_ASSERT_EQUAL(vn_gso_segment_mbuf(m, vn_pktmbuf_pool, out, VN_FRAME_SIZE), 0);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(gp), gavail - 1);
	rte_pktmbuf_free(m);
}

static int
suite_init(void)
{
	return vn_test_eal_init();
}

int
main(void)
{
	static CU_TestInfo tests[] = {
		{"TCP/IPv4 super-frame cut into MSS segments", test_tcp},
		{"a tagged frame keeps its tag in every segment", test_tcp_tagged},
		{"UDP (USO) super-frame", test_udp},
		{"bad headers and too many segments refused", test_refusals},
		{"a passed-through frame cut for a port", test_mbuf},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"gso", suite_init, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
