/*
 * nat44 through a real graph: packets built with full checksums are injected
 * at nat44-in2out / nat44-out2in, whose ip4-lookup and error-drop arcs point
 * at capture nodes, and the result is compared byte for byte with a
 * reference packet built directly with the translated fields (TCP, UDP, ICMP
 * echo, ICMP errors quoting a packet). Then the session table: port kept or
 * changed on collision, table full, expiry and purge, static mappings and
 * hairpinning, the TCP tracker, the incremental checksum helpers against a
 * full recomputation, and the config section's checks.
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_tcp.h>
#include <rte_udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/config.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/rcu.h>

#include "app/engine_config.h"
#include "nat44.h"
#include "node_common.h"
#include "tcp_state.h"
#include "vn_test.h"
#include "vn_test_graph.h"
#include "xlate.h"

int vn_plugin_init(void);

VT_CAPTURE_NODE(out_cap, "test-out");
VT_CAPTURE_NODE(drop_cap, "test-drop");

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define IN_HOST IP(10, 0, 1, 2)
#define IN_HOST2 IP(10, 0, 1, 3)
#define SERVER IP(192, 168, 100, 2)
#define POOL IP(192, 168, 100, 100)
#define CAP 64 /* sessions: small, so the table fills */

static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 1};
static uint32_t if_in, if_out;
static struct vn_graph *g;

/* ---- reference packets -------------------------------------------------- */

struct pkt_spec {
	uint8_t proto;
	uint32_t src, dst; /* host order */
	uint16_t sport, dport; /* ICMP echo: sport = identifier */
	uint8_t tcp_flags;
	uint8_t icmp_type;
	uint16_t payload;
};

/* Writes an IPv4 packet with valid checksums; returns its length. */
static uint16_t
build(uint8_t *buf, const struct pkt_spec *p)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	uint8_t *l4 = buf + sizeof(*ip);
	uint16_t l4len;

	memset(buf, 0, 1500);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->time_to_live = 64;
	ip->packet_id = rte_cpu_to_be_16(0x1234);
	ip->next_proto_id = p->proto;
	ip->src_addr = rte_cpu_to_be_32(p->src);
	ip->dst_addr = rte_cpu_to_be_32(p->dst);
	switch (p->proto) {
	case IPPROTO_TCP: {
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)l4;
		l4len = sizeof(*t) + p->payload;
		t->src_port = rte_cpu_to_be_16(p->sport);
		t->dst_port = rte_cpu_to_be_16(p->dport);
		t->sent_seq = rte_cpu_to_be_32(1000);
		t->data_off = 5 << 4;
		t->tcp_flags = p->tcp_flags;
		t->rx_win = rte_cpu_to_be_16(65535);
		for (uint16_t i = 0; i < p->payload; i++)
			l4[sizeof(*t) + i] = (uint8_t)(i * 7);
		break;
	}
	case IPPROTO_UDP: {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)l4;
		l4len = sizeof(*u) + p->payload;
		u->src_port = rte_cpu_to_be_16(p->sport);
		u->dst_port = rte_cpu_to_be_16(p->dport);
		u->dgram_len = rte_cpu_to_be_16(l4len);
		for (uint16_t i = 0; i < p->payload; i++)
			l4[sizeof(*u) + i] = (uint8_t)(i * 3 + 1);
		break;
	}
	default: {
		struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)l4;
		l4len = sizeof(*ic) + p->payload;
		ic->icmp_type = p->icmp_type;
		ic->icmp_ident = rte_cpu_to_be_16(p->sport);
		ic->icmp_seq_nb = rte_cpu_to_be_16(7);
		for (uint16_t i = 0; i < p->payload; i++)
			l4[sizeof(*ic) + i] = (uint8_t)i;
		ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, l4len);
		break;
	}
	}
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + l4len);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP) {
		uint16_t c = rte_ipv4_udptcp_cksum(ip, l4);
		if (p->proto == IPPROTO_TCP)
			((struct rte_tcp_hdr *)l4)->cksum = c;
		else
			((struct rte_udp_hdr *)l4)->dgram_cksum = c;
	}
	return sizeof(*ip) + l4len;
}

/* An ICMP error (type/code) from src to dst quoting the packet q (whole). */
static uint16_t
build_icmp_error(uint8_t *buf, uint32_t src, uint32_t dst, const uint8_t *q, uint16_t qlen)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)(ip + 1);
	uint16_t l4len = sizeof(*ic) + qlen;

	memset(buf, 0, 1500);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + l4len);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	ic->icmp_type = VN_ICMP_DEST_UNREACH;
	ic->icmp_code = VN_ICMP_CODE_PORT_UNREACH;
	memcpy(ic + 1, q, qlen);
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, l4len);
	return sizeof(*ip) + l4len;
}

static struct rte_mbuf *
to_mbuf(const uint8_t *buf, uint16_t len, uint32_t rx_if)
{
	struct rte_mbuf *m = vt_pkt(len, (uint16_t)rx_if);

	memcpy(rte_pktmbuf_mtod(m, void *), buf, len);
	return m;
}

static struct rte_mbuf *
pkt(const struct pkt_spec *p, uint32_t rx_if)
{
	uint8_t buf[1500];

	return to_mbuf(buf, build(buf, p), rx_if);
}

static void
inject(const char *node, struct rte_mbuf *m)
{
	vt_inject(g, node, &m, 1);
}

/* The one captured packet equals the reference, byte for byte. */
static void
assert_out_equals(const uint8_t *ref, uint16_t len)
{
	CU_ASSERT_EQUAL(drop_cap.n, 0);
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 1);
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_data_len(out_cap.pkts[0]), len);
	CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod(out_cap.pkts[0], void *), ref, len), 0);
}

static uint16_t
out_port(void)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(out_cap.pkts[0], struct rte_ipv4_hdr *);
	const struct rte_udp_hdr *u = (const struct rte_udp_hdr *)(ip + 1);

	return rte_be_to_cpu_16(u->src_port);
}

static void
assert_dropped(const char *node, const char *err)
{
	CU_ASSERT_EQUAL(out_cap.n, 0);
	CU_ASSERT_EQUAL_FATAL(drop_cap.n, 1);
	CU_ASSERT_EQUAL(vn_buf(drop_cap.pkts[0])->error, vt_err(node, err));
}

static uint64_t
counter(const char *node, const char *name)
{
	return g->error_counts[vt_err(node, name)];
}

static struct nat44_worker *
w0(void)
{
	return nat44_main.workers[0];
}

static void
flush_sessions(void)
{
	for (uint32_t i = 0; i < w0()->hwm; i++)
		nat44_session_delete(w0(), i);
}

/* ---- suite -------------------------------------------------------------- */

static int
suite_init(void)
{
	struct vn_prefix p;

	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0 || vn_fib_init(1024) < 0 ||
	    vn_neighbor_init() < 0)
		return -1;
	if (vn_interface_create_virtual("in0", mac, 1500, &if_in) < 0 ||
	    vn_interface_create_virtual("out0", mac, 1500, &if_out) < 0)
		return -1;
	p = (struct vn_prefix){.addr = IP(10, 0, 1, 1), .len = 24};
	if (vn_interface_addr_add(if_in, &p) < 0)
		return -1;
	p = (struct vn_prefix){.addr = IP(192, 168, 100, 1), .len = 24};
	if (vn_interface_addr_add(if_out, &p) < 0)
		return -1;
	vn_interface_set_admin(if_in, true);
	vn_interface_set_admin(if_out, true);
	if (vn_plugin_init() < 0 || vn_graph_build() < 0)
		return -1;
	if (nat44_enable(CAP) < 0 || nat44_addr_range(POOL, POOL, true) < 0 ||
	    nat44_interface_set(if_in, true, true) < 0 || nat44_interface_set(if_out, false, true) < 0)
		return -1;
	return 0;
}

static void
test_setup(void)
{
	g = vn_graph_create(0);
	if (!g)
		abort();
	vt_redirect(g, "nat44-in2out", "ip4-lookup", "test-out");
	vt_redirect(g, "nat44-in2out", "error-drop", "test-drop");
	vt_redirect(g, "nat44-out2in", "ip4-lookup", "test-out");
	vt_redirect(g, "nat44-out2in", "error-drop", "test-drop");
	flush_sessions();
}

static void
test_teardown(void)
{
	vt_capture_reset(&out_cap);
	vt_capture_reset(&drop_cap);
	vn_graph_destroy(g);
	g = NULL;
}

/* ---- checksums ------------------------------------------------------------ */

/* Incremental updates agree with recomputation on random headers. */
static void
test_csum_incremental(void)
{
	for (int i = 0; i < 2000; i++) {
		uint8_t buf[1500], ref[1500];
		struct pkt_spec p = {
			.proto = (i & 1) ? IPPROTO_TCP : IPPROTO_UDP,
			.src = (uint32_t)rte_rand(),
			.dst = (uint32_t)rte_rand(),
			.sport = (uint16_t)rte_rand(),
			.dport = (uint16_t)rte_rand(),
			.payload = (uint16_t)(rte_rand() % 64),
		};
		uint16_t len = build(buf, &p);
		struct pkt_spec q = p;
		q.src = (uint32_t)rte_rand();
		q.sport = (uint16_t)rte_rand();
		build(ref, &q);
		nat44_xlate((struct rte_ipv4_hdr *)buf, true, rte_cpu_to_be_32(q.src),
			    rte_cpu_to_be_16(q.sport));
		if (memcmp(buf, ref, len) != 0) {
			CU_FAIL("incremental checksum differs from recomputation");
			return;
		}
	}
	CU_PASS("2000 random headers");
}

/* The fast path's helpers agree with the general ones: nat44_xlate_l4 with
 * nat44_xlate (both directions, TCP, UDP, UDP without a checksum, a UDP
 * checksum that becomes 0), nat44_key_fast with nat44_key_of, and the
 * inline nat44_key_hash with the hash the tables were created with. */
static void
test_fast_path_helpers(void)
{
	for (int i = 0; i < 4000; i++) {
		uint8_t a[1500], b[1500];
		struct pkt_spec p = {
			.proto = (i & 1) ? IPPROTO_TCP : IPPROTO_UDP,
			.src = (uint32_t)rte_rand(),
			.dst = (uint32_t)rte_rand(),
			.sport = (uint16_t)rte_rand(),
			.dport = (uint16_t)rte_rand(),
			.payload = (uint16_t)(rte_rand() % 64),
		};
		uint16_t len = build(a, &p);
		struct rte_ipv4_hdr *ia = (struct rte_ipv4_hdr *)a, *ib = (struct rte_ipv4_hdr *)b;
		bool is_src = (i & 2) != 0;
		uint32_t na = (uint32_t)rte_rand();
		uint16_t np = (uint16_t)rte_rand();
		struct nat44_key k1, k2;
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)(ia + 1);

		if (p.proto == IPPROTO_UDP && (i & 4))
			u->dgram_cksum = 0; /* sent without a checksum */
		if (p.proto == IPPROTO_UDP && i % 8 == 6) {
			/* a translation whose UDP checksum comes out as 0 (sent as 0xffff):
			 * change the address so that the sum does not move except by
			 * making the checksum 0xffff -> 0 */
			np = is_src ? u->src_port : u->dst_port;
			na = is_src ? ia->src_addr : ia->dst_addr;
			u->dgram_cksum = 0xffff;
		}
		memcpy(b, a, len);
		CU_ASSERT_TRUE_FATAL(nat44_key_fast(ia, !is_src, &k1));
		CU_ASSERT_TRUE_FATAL(nat44_key_of(ib, !is_src, &k2));
		CU_ASSERT_EQUAL_FATAL(memcmp(&k1, &k2, sizeof(k1)), 0);
		nat44_xlate_l4(ia, is_src, na, np);
		nat44_xlate(ib, is_src, na, np);
		if (memcmp(a, b, len) != 0) {
			CU_FAIL("nat44_xlate_l4 differs from nat44_xlate");
			return;
		}
	}
	/* Not the usual packet: an ICMP echo, a fragment, IP options, a cut TCP header. */
	uint8_t buf[1500];
	struct pkt_spec e = {.proto = IPPROTO_ICMP, .icmp_type = VN_ICMP_ECHO_REQUEST,
			     .src = IN_HOST, .dst = SERVER, .sport = 77};
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	struct nat44_key k;
	build(buf, &e);
	CU_ASSERT_FALSE(nat44_key_fast(ip, false, &k));
	CU_ASSERT_EQUAL(k.proto, IPPROTO_ICMP); /* still looked up, by nat44_key_of's key */
	struct pkt_spec t = {.proto = IPPROTO_TCP, .src = IN_HOST, .dst = SERVER, .sport = 1,
			     .dport = 2};
	build(buf, &t);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
	CU_ASSERT_FALSE(nat44_key_fast(ip, false, &k));
	build(buf, &t);
	ip->version_ihl = 0x46;
	CU_ASSERT_FALSE(nat44_key_fast(ip, false, &k));
	build(buf, &t);
	ip->total_length = rte_cpu_to_be_16(20 + 19);
	CU_ASSERT_FALSE(nat44_key_fast(ip, false, &k));
	CU_ASSERT_EQUAL(k.proto, 0);
}

/* ---- in2out / out2in reference packets ------------------------------------ */

static void
test_udp_both_ways(void)
{
	struct pkt_spec p = {.proto = IPPROTO_UDP, .src = IN_HOST, .dst = SERVER, .sport = 40000,
			     .dport = 53, .payload = 21};
	uint8_t ref[1500];
	uint16_t len;

	inject("nat44-in2out", pkt(&p, if_in));
	/* The source port is free and in range: kept. */
	p.src = POOL;
	len = build(ref, &p);
	assert_out_equals(ref, len);
	CU_ASSERT_EQUAL(counter("nat44-in2out", "sessions created"), 1);
	vt_capture_reset(&out_cap);

	struct pkt_spec r = {.proto = IPPROTO_UDP, .src = SERVER, .dst = POOL, .sport = 53,
			     .dport = 40000, .payload = 5};
	inject("nat44-out2in", pkt(&r, if_out));
	r.dst = IN_HOST;
	len = build(ref, &r);
	assert_out_equals(ref, len);
	CU_ASSERT_EQUAL(w0()->n_sessions[NAT44_P_UDP], 1);
}

static void
test_udp_zero_checksum(void)
{
	uint8_t buf[1500];
	struct pkt_spec p = {.proto = IPPROTO_UDP, .src = IN_HOST, .dst = SERVER, .sport = 40001,
			     .dport = 53, .payload = 4};
	uint16_t len = build(buf, &p);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;

	((struct rte_udp_hdr *)(ip + 1))->dgram_cksum = 0;
	inject("nat44-in2out", to_mbuf(buf, len, if_in));
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 1);
	ip = rte_pktmbuf_mtod(out_cap.pkts[0], struct rte_ipv4_hdr *);
	CU_ASSERT_EQUAL(((struct rte_udp_hdr *)(ip + 1))->dgram_cksum, 0);
	CU_ASSERT_EQUAL(ip->src_addr, rte_cpu_to_be_32(POOL));
	CU_ASSERT_EQUAL(rte_raw_cksum(ip, sizeof(*ip)), 0xffff); /* header checksum valid */
}

static void
test_tcp_both_ways_and_state(void)
{
	struct pkt_spec p = {.proto = IPPROTO_TCP, .src = IN_HOST, .dst = SERVER, .sport = 33000,
			     .dport = 80, .tcp_flags = RTE_TCP_SYN_FLAG, .payload = 0};
	uint8_t ref[1500];
	struct nat44_session *s;
	uint16_t len;

	inject("nat44-in2out", pkt(&p, if_in));
	p.src = POOL;
	len = build(ref, &p);
	assert_out_equals(ref, len);
	vt_capture_reset(&out_cap);
	s = &w0()->sess[0];
	CU_ASSERT_EQUAL(s->tcp, NAT44_TCP_SYN_I2O);
	CU_ASSERT_EQUAL(nat44_session_timeout(s, &nat44_main.timeouts), nat44_main.timeouts.tcp_trans);

	struct pkt_spec r = {.proto = IPPROTO_TCP, .src = SERVER, .dst = POOL, .sport = 80,
			     .dport = 33000, .tcp_flags = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG,
			     .payload = 30};
	inject("nat44-out2in", pkt(&r, if_out));
	r.dst = IN_HOST;
	len = build(ref, &r);
	assert_out_equals(ref, len);
	CU_ASSERT(nat44_tcp_established(s->tcp));
	CU_ASSERT_EQUAL(nat44_session_timeout(s, &nat44_main.timeouts), nat44_main.timeouts.tcp_est);
	vt_capture_reset(&out_cap);

	/* FIN both ways: transitory again. */
	p.src = IN_HOST;
	p.tcp_flags = RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG;
	inject("nat44-in2out", pkt(&p, if_in));
	CU_ASSERT(nat44_tcp_established(s->tcp)); /* half closed */
	r.dst = POOL;
	r.tcp_flags = RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG;
	inject("nat44-out2in", pkt(&r, if_out));
	CU_ASSERT_FALSE(nat44_tcp_established(s->tcp));
	CU_ASSERT_EQUAL(nat44_session_timeout(s, &nat44_main.timeouts), nat44_main.timeouts.tcp_trans);
	CU_ASSERT_EQUAL(out_cap.n, 2);
}

static void
test_tcp_tracker(void)
{
	uint8_t st = nat44_tcp_next(0, RTE_TCP_SYN_FLAG, false);

	st = nat44_tcp_next(st, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, true);
	CU_ASSERT(nat44_tcp_established(st));
	CU_ASSERT(nat44_tcp_established(nat44_tcp_next(st, RTE_TCP_ACK_FLAG, false)));
	uint8_t rst = nat44_tcp_next(st, RTE_TCP_RST_FLAG, true);
	CU_ASSERT_FALSE(nat44_tcp_established(rst));
	CU_ASSERT_STRING_EQUAL(nat44_tcp_state_name(rst), "reset");
	/* A new SYN after a reset reopens the session. */
	CU_ASSERT_EQUAL(nat44_tcp_next(rst, RTE_TCP_SYN_FLAG, false), NAT44_TCP_SYN_I2O);
	/* A SYN-ACK retransmission does not. */
	CU_ASSERT(nat44_tcp_next(rst, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, true) & NAT44_TCP_RST);
}

static void
test_icmp_echo_both_ways(void)
{
	struct pkt_spec p = {.proto = IPPROTO_ICMP, .src = IN_HOST, .dst = SERVER, .sport = 777,
			     .icmp_type = VN_ICMP_ECHO_REQUEST, .payload = 56};
	uint8_t ref[1500];
	uint16_t len, id;

	inject("nat44-in2out", pkt(&p, if_in));
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 1);
	/* 777 is below the dynamic range: another identifier is chosen. */
	id = rte_be_to_cpu_16(((const struct rte_icmp_hdr *)(rte_pktmbuf_mtod(
					       out_cap.pkts[0], struct rte_ipv4_hdr *) + 1))->icmp_ident);
	CU_ASSERT(id >= NAT44_PORT_MIN);
	p.src = POOL;
	p.sport = id;
	len = build(ref, &p);
	assert_out_equals(ref, len);
	vt_capture_reset(&out_cap);

	struct pkt_spec r = {.proto = IPPROTO_ICMP, .src = SERVER, .dst = POOL, .sport = id,
			     .icmp_type = VN_ICMP_ECHO_REPLY, .payload = 56};
	inject("nat44-out2in", pkt(&r, if_out));
	r.dst = IN_HOST;
	r.sport = 777;
	len = build(ref, &r);
	assert_out_equals(ref, len);
}

/* A port unreachable from the server about our translated UDP packet: the
 * outer destination and the quoted source go back to the inside host. */
static void
test_icmp_error_out2in(void)
{
	struct pkt_spec p = {.proto = IPPROTO_UDP, .src = IN_HOST, .dst = SERVER, .sport = 40002,
			     .dport = 9999, .payload = 12};
	uint8_t q[1500], rx[1500], ref[1500];
	uint16_t qlen, len;

	inject("nat44-in2out", pkt(&p, if_in));
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 1);
	qlen = rte_pktmbuf_data_len(out_cap.pkts[0]);
	memcpy(q, rte_pktmbuf_mtod(out_cap.pkts[0], void *), qlen); /* as it left */
	vt_capture_reset(&out_cap);

	len = build_icmp_error(rx, SERVER, POOL, q, qlen);
	inject("nat44-out2in", to_mbuf(rx, len, if_out));
	qlen = build(q, &p); /* the packet as the inside host sent it */
	len = build_icmp_error(ref, SERVER, IN_HOST, q, qlen);
	assert_out_equals(ref, len);
	CU_ASSERT_EQUAL(counter("nat44-out2in", "icmp errors translated"), 1);
}

/* The inside host answers a forwarded UDP packet with a port unreachable:
 * the outer source and the quoted destination become the outside ones. */
static void
test_icmp_error_in2out(void)
{
	struct pkt_spec r = {.proto = IPPROTO_UDP, .src = SERVER, .dst = POOL, .sport = 5000,
			     .dport = 5300, .payload = 8};
	uint8_t q[1500], rx[1500], ref[1500];
	uint16_t qlen, len;

	CU_ASSERT_EQUAL_FATAL(nat44_static_mapping(IN_HOST2, 53, POOL, 5300, IPPROTO_UDP, false,
						   true), 0);
	inject("nat44-out2in", pkt(&r, if_out));
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 1);
	qlen = rte_pktmbuf_data_len(out_cap.pkts[0]);
	memcpy(q, rte_pktmbuf_mtod(out_cap.pkts[0], void *), qlen); /* as delivered */
	vt_capture_reset(&out_cap);

	len = build_icmp_error(rx, IN_HOST2, SERVER, q, qlen);
	inject("nat44-in2out", to_mbuf(rx, len, if_in));
	qlen = build(q, &r); /* the packet as the server sent it */
	len = build_icmp_error(ref, POOL, SERVER, q, qlen);
	assert_out_equals(ref, len);
	CU_ASSERT_EQUAL(nat44_static_mapping(IN_HOST2, 53, POOL, 5300, IPPROTO_UDP, false, false),
			0);
}

static void
test_icmp_error_without_session(void)
{
	struct pkt_spec p = {.proto = IPPROTO_UDP, .src = POOL, .dst = SERVER, .sport = 2222,
			     .dport = 9999, .payload = 8};
	uint8_t q[1500], rx[1500];
	uint16_t qlen = build(q, &p);
	uint16_t len = build_icmp_error(rx, SERVER, POOL, q, qlen);

	inject("nat44-out2in", to_mbuf(rx, len, if_out));
	assert_dropped("nat44-out2in", "icmp error without a session");
}

/* ---- sessions and ports ------------------------------------------------------ */

static void
test_port_collision(void)
{
	struct pkt_spec a = {.proto = IPPROTO_UDP, .src = IN_HOST, .dst = SERVER, .sport = 41000,
			     .dport = 53, .payload = 0};
	struct pkt_spec b = a;
	uint16_t pa, pb;

	b.src = IN_HOST2; /* same port, same remote: the outside port must differ */
	inject("nat44-in2out", pkt(&a, if_in));
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 1);
	pa = out_port();
	vt_capture_reset(&out_cap);
	inject("nat44-in2out", pkt(&b, if_in));
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 1);
	pb = out_port();
	CU_ASSERT_EQUAL(pa, 41000);
	CU_ASSERT_NOT_EQUAL(pb, 41000);
	CU_ASSERT(pb >= w0()->port_lo && pb <= w0()->port_hi);
	vt_capture_reset(&out_cap);
	/* Another remote: endpoint-dependent, so port 41000 is free again for it. */
	b.dst = SERVER + 1;
	b.sport = 41000;
	inject("nat44-in2out", pkt(&b, if_in));
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 1);
	CU_ASSERT_EQUAL(out_port(), 41000);
}

static void
test_port_forward_reserved(void)
{
	/* A port forward's external port is never given to a dynamic session. */
	struct pkt_spec a = {.proto = IPPROTO_TCP, .src = IN_HOST, .dst = SERVER, .sport = 8080,
			     .dport = 80, .tcp_flags = RTE_TCP_SYN_FLAG};

	CU_ASSERT_EQUAL_FATAL(nat44_static_mapping(IN_HOST2, 80, POOL, 8080, IPPROTO_TCP, false,
						   true), 0);
	inject("nat44-in2out", pkt(&a, if_in));
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 1);
	CU_ASSERT_NOT_EQUAL(out_port(), 8080);
	vt_capture_reset(&out_cap);

	/* From outside to the forward: a static session to the inside server. */
	struct pkt_spec r = {.proto = IPPROTO_TCP, .src = SERVER, .dst = POOL, .sport = 50000,
			     .dport = 8080, .tcp_flags = RTE_TCP_SYN_FLAG};
	uint8_t ref[1500];
	inject("nat44-out2in", pkt(&r, if_out));
	r.dst = IN_HOST2;
	r.dport = 80;
	assert_out_equals(ref, build(ref, &r));
	CU_ASSERT_EQUAL(counter("nat44-out2in", "sessions created (static mappings)"), 1);
	CU_ASSERT_EQUAL(nat44_static_mapping(IN_HOST2, 80, POOL, 8080, IPPROTO_TCP, false, false), 0);
}

static void
test_unsolicited_dropped_other_passes(void)
{
	struct pkt_spec r = {.proto = IPPROTO_UDP, .src = SERVER, .dst = POOL, .sport = 53,
			     .dport = 45000};

	inject("nat44-out2in", pkt(&r, if_out));
	assert_dropped("nat44-out2in", "no session for an outside address");
	vt_capture_reset(&drop_cap);
	/* Not for a NAT address (transit, the router): untouched. */
	r.dst = IP(10, 0, 1, 2);
	uint8_t ref[1500];
	uint16_t len = build(ref, &r);
	inject("nat44-out2in", pkt(&r, if_out));
	assert_out_equals(ref, len);
	CU_ASSERT_EQUAL(counter("nat44-out2in", "packets passed untranslated"), 1);
}

static void
test_inside_to_router_not_translated(void)
{
	struct pkt_spec p = {.proto = IPPROTO_ICMP, .src = IN_HOST, .dst = IP(10, 0, 1, 1),
			     .sport = 5, .icmp_type = VN_ICMP_ECHO_REQUEST, .payload = 8};
	uint8_t ref[1500];
	uint16_t len = build(ref, &p);

	inject("nat44-in2out", pkt(&p, if_in));
	assert_out_equals(ref, len);
	CU_ASSERT_EQUAL(w0()->hwm - w0()->n_free, 0);
}

static void
test_unsupported_dropped(void)
{
	uint8_t buf[1500];
	struct pkt_spec p = {.proto = IPPROTO_UDP, .src = IN_HOST, .dst = SERVER, .sport = 1,
			     .dport = 2, .payload = 8};
	uint16_t len = build(buf, &p);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;

	ip->next_proto_id = 47; /* GRE */
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	inject("nat44-in2out", to_mbuf(buf, len, if_in));
	assert_dropped("nat44-in2out", "protocol not translated (only tcp, udp, icmp)");
	vt_capture_reset(&drop_cap);

	len = build(buf, &p);
	ip->fragment_offset = rte_cpu_to_be_16(10);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	inject("nat44-in2out", to_mbuf(buf, len, if_in));
	assert_dropped("nat44-in2out", "fragment (not translated)");
}

/* A full table drops new flows, counted, while existing flows translate. */
static void
test_table_full(void)
{
	struct pkt_spec p = {.proto = IPPROTO_UDP, .src = IN_HOST, .dst = SERVER, .dport = 53};

	for (uint16_t i = 0; i < CAP; i++) {
		p.sport = (uint16_t)(20000 + i);
		inject("nat44-in2out", pkt(&p, if_in));
	}
	CU_ASSERT_EQUAL(out_cap.n, CAP);
	vt_capture_reset(&out_cap);
	p.sport = 30000;
	inject("nat44-in2out", pkt(&p, if_in));
	assert_dropped("nat44-in2out", "session table full (new flow dropped)");
	CU_ASSERT_EQUAL(w0()->full_drops, 1);
	vt_capture_reset(&drop_cap);
	p.sport = 20005;
	inject("nat44-in2out", pkt(&p, if_in));
	CU_ASSERT_EQUAL(out_cap.n, 1);
	CU_ASSERT_EQUAL(drop_cap.n, 0);
}

/* Expiry deletes by timeout, per protocol; the table drains and refills. */
static void
test_expiry(void)
{
	struct pkt_spec p = {.proto = IPPROTO_UDP, .src = IN_HOST, .dst = SERVER, .dport = 53};
	struct pkt_spec t = {.proto = IPPROTO_TCP, .src = IN_HOST, .dst = SERVER, .sport = 60000,
			     .dport = 80, .tcp_flags = RTE_TCP_SYN_FLAG};
	uint32_t now = nat44_now_from_tsc(rte_rdtsc());
	const struct nat44_timeouts *to = &nat44_main.timeouts;

	for (uint16_t i = 0; i < 10; i++) {
		p.sport = (uint16_t)(20000 + i);
		inject("nat44-in2out", pkt(&p, if_in));
	}
	inject("nat44-in2out", pkt(&t, if_in));
	CU_ASSERT_EQUAL(w0()->hwm - w0()->n_free, 11);
	/* TCP opening: transitory (240 s) before UDP (300 s). */
	CU_ASSERT_EQUAL(nat44_expire_step(w0(), now + to->tcp_trans - 2, 4096, 256), 0);
	CU_ASSERT_EQUAL(nat44_expire_step(w0(), now + to->tcp_trans + 2, 4096, 256), 1);
	CU_ASSERT_EQUAL(w0()->n_sessions[NAT44_P_TCP], 0);
	CU_ASSERT_EQUAL(w0()->n_sessions[NAT44_P_UDP], 10);
	/* Bounded work: at most 4 deletions per step. */
	CU_ASSERT_EQUAL(nat44_expire_step(w0(), now + to->udp + 2, 4096, 4), 4);
	for (int i = 0; i < 10 && nat44_expire_step(w0(), now + to->udp + 2, 4096, 4); i++)
		;
	CU_ASSERT_EQUAL(w0()->n_sessions[NAT44_P_UDP], 0);
	CU_ASSERT_EQUAL(w0()->hwm - w0()->n_free, 0);
	/* Keys are gone too: the same flow makes a new session. */
	p.sport = 20000;
	inject("nat44-in2out", pkt(&p, if_in));
	CU_ASSERT_EQUAL(w0()->n_sessions[NAT44_P_UDP], 1);
}

/* Removing the pool address purges its sessions at the next sweep. */
static void
test_purge_on_address_delete(void)
{
	struct pkt_spec p = {.proto = IPPROTO_UDP, .src = IN_HOST, .dst = SERVER, .sport = 1234,
			     .dport = 53};
	uint32_t now = nat44_now_from_tsc(rte_rdtsc());

	inject("nat44-in2out", pkt(&p, if_in));
	CU_ASSERT_EQUAL(w0()->n_sessions[NAT44_P_UDP], 1);
	CU_ASSERT_EQUAL(nat44_addr_range(POOL, POOL, false), 0);
	CU_ASSERT_EQUAL(nat44_addr_range(POOL, POOL, false), -ENOENT);
	CU_ASSERT_EQUAL(nat44_expire_step(w0(), now, 4096, 256), 1);
	CU_ASSERT_EQUAL(w0()->purged, 1);
	vt_capture_reset(&out_cap);
	p.sport = 1235;
	inject("nat44-in2out", pkt(&p, if_in));
	assert_dropped("nat44-in2out", "no address in the pool");
	CU_ASSERT_EQUAL(nat44_addr_range(POOL, POOL, true), 0);
	CU_ASSERT_EQUAL(nat44_addr_range(POOL, POOL, true), -EEXIST);
}

/* Injects n packets of flows[] (packet i: flows[order[i]]) as one vector and
 * checks every output against the translation (source POOL, port kept). */
static void
inject_vector_and_check(const struct pkt_spec *flows, const uint16_t *order, uint16_t n)
{
	struct rte_mbuf *v[VN_FRAME_SIZE];
	uint8_t ref[1500];

	for (uint16_t i = 0; i < n; i++)
		v[i] = pkt(&flows[order[i]], if_in);
	vt_capture_reset(&out_cap);
	vt_inject(g, "nat44-in2out", v, n);
	CU_ASSERT_EQUAL(drop_cap.n, 0);
	CU_ASSERT_EQUAL_FATAL(out_cap.n, n);
	for (uint16_t i = 0; i < n; i++) {
		struct pkt_spec e = flows[order[i]];
		uint16_t len;
		e.src = POOL;
		len = build(ref, &e);
		CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_data_len(out_cap.pkts[i]), len);
		CU_ASSERT_EQUAL_FATAL(memcmp(rte_pktmbuf_mtod(out_cap.pkts[i], void *), ref, len), 0);
	}
}

/* Whole vectors through the chunked fast path: all new (slow path), all hits
 * over two chunks (whole-vector move), hits with one new flow in the second
 * chunk, and TCP and UDP mixed; order and bytes kept, sessions counted once. */
static void
test_vectors(void)
{
	struct pkt_spec flows[48];
	uint16_t order[VN_FRAME_SIZE];

	for (uint16_t f = 0; f < 48; f++)
		flows[f] = (struct pkt_spec){.proto = (f % 3) ? IPPROTO_UDP : IPPROTO_TCP,
					     .src = IN_HOST, .dst = SERVER,
					     .sport = (uint16_t)(30000 + f), .dport = 53,
					     .payload = (uint16_t)(f % 5),
					     .tcp_flags = RTE_TCP_ACK_FLAG};
	for (uint16_t i = 0; i < 40; i++)
		order[i] = i;
	inject_vector_and_check(flows, order, 40); /* 40 new sessions */
	CU_ASSERT_EQUAL(counter("nat44-in2out", "sessions created"), 40);
	for (uint16_t i = 0; i < 100; i++)
		order[i] = (uint16_t)((i * 7) % 40); /* 100 hits: chunks of 64 and 36 */
	inject_vector_and_check(flows, order, 100);
	CU_ASSERT_EQUAL(counter("nat44-in2out", "sessions created"), 40);
	order[70] = 45; /* a new flow in the second chunk */
	inject_vector_and_check(flows, order, 100);
	CU_ASSERT_EQUAL(counter("nat44-in2out", "sessions created"), 41);
	int32_t idx = nat44_session_lookup(w0(), false,
					   &(struct nat44_key){.src = rte_cpu_to_be_32(IN_HOST),
							       .dst = rte_cpu_to_be_32(SERVER),
							       .sport = rte_cpu_to_be_16(30007),
							       .dport = rte_cpu_to_be_16(53),
							       .proto = IPPROTO_UDP});
	CU_ASSERT_FATAL(idx >= 0);
	/* flow 7: once in the first vector, (i*7)%40 == 7 for i = 1, 41, 81 in each of
	 * the others */
	CU_ASSERT_EQUAL(w0()->sess[idx].pkts_i2o, 7);
	CU_ASSERT_EQUAL(w0()->sess[idx].bytes_i2o, 7u * (20 + 8 + 7 % 5));
}

/* Inside host -> pool:8080 (forwarded to IN_HOST2:80) and the answer back. */
static void
test_hairpin(void)
{
	struct pkt_spec a = {.proto = IPPROTO_TCP, .src = IN_HOST, .dst = POOL, .sport = 45000,
			     .dport = 8080, .tcp_flags = RTE_TCP_SYN_FLAG};
	uint8_t ref[1500];
	uint16_t pa;

	CU_ASSERT_EQUAL_FATAL(nat44_static_mapping(IN_HOST2, 80, POOL, 8080, IPPROTO_TCP, false,
						   true), 0);
	inject("nat44-in2out", pkt(&a, if_in));
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 1);
	pa = out_port();
	struct pkt_spec e = a;
	e.src = POOL;
	e.sport = pa;
	e.dst = IN_HOST2;
	e.dport = 80;
	assert_out_equals(ref, build(ref, &e));
	vt_capture_reset(&out_cap);

	struct pkt_spec b = {.proto = IPPROTO_TCP, .src = IN_HOST2, .dst = POOL, .sport = 80,
			     .dport = pa, .tcp_flags = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG};
	inject("nat44-in2out", pkt(&b, if_in));
	struct pkt_spec eb = b;
	eb.src = POOL;
	eb.sport = 8080;
	eb.dst = IN_HOST;
	eb.dport = 45000;
	assert_out_equals(ref, build(ref, &eb));
	CU_ASSERT_EQUAL(counter("nat44-in2out", "packets hairpinned"), 2);
	CU_ASSERT_EQUAL(nat44_static_mapping(IN_HOST2, 80, POOL, 8080, IPPROTO_TCP, false, false), 0);
}

/* The answering host's ICMP error about a hairpinned packet takes the same
 * way back: in2out translates it for that host's session and hands it to
 * out2in, which translates it for the first host's. It counts as a
 * translated ICMP error in each node, not as hairpinned. */
static void
test_hairpin_icmp_error(void)
{
	struct pkt_spec a = {.proto = IPPROTO_UDP, .src = IN_HOST, .dst = POOL, .sport = 45001,
			     .dport = 8081, .payload = 8};
	uint8_t q[1500], rx[1500], ref[1500];
	uint16_t qlen, len;

	CU_ASSERT_EQUAL_FATAL(nat44_static_mapping(IN_HOST2, 81, POOL, 8081, IPPROTO_UDP, false,
						   true), 0);
	inject("nat44-in2out", pkt(&a, if_in));
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 1);
	qlen = rte_pktmbuf_data_len(out_cap.pkts[0]);
	memcpy(q, rte_pktmbuf_mtod(out_cap.pkts[0], void *), qlen); /* as delivered */
	vt_capture_reset(&out_cap);

	len = build_icmp_error(rx, IN_HOST2, POOL, q, qlen);
	inject("nat44-in2out", to_mbuf(rx, len, if_in));
	qlen = build(q, &a); /* the packet as the first host sent it */
	len = build_icmp_error(ref, POOL, IN_HOST, q, qlen);
	assert_out_equals(ref, len);
	CU_ASSERT_EQUAL(counter("nat44-in2out", "icmp errors translated"), 1);
	CU_ASSERT_EQUAL(counter("nat44-out2in", "icmp errors translated"), 1);
	CU_ASSERT_EQUAL(counter("nat44-in2out", "packets hairpinned"), 1);
	CU_ASSERT_EQUAL(nat44_static_mapping(IN_HOST2, 81, POOL, 8081, IPPROTO_UDP, false, false),
			0);
}

static void
test_identity_and_address_only(void)
{
	struct pkt_spec p = {.proto = IPPROTO_UDP, .src = IN_HOST2, .dst = SERVER, .sport = 5555,
			     .dport = 53, .payload = 3};
	uint8_t ref[1500];

	CU_ASSERT_EQUAL(nat44_static_mapping(IN_HOST2, 0, IN_HOST2, 0, 0, true, true), 0);
	inject("nat44-in2out", pkt(&p, if_in));
	assert_out_equals(ref, build(ref, &p)); /* untranslated */
	vt_capture_reset(&out_cap);
	CU_ASSERT_EQUAL(nat44_static_mapping(IN_HOST2, 0, IN_HOST2, 0, 0, true, false), 0);
	flush_sessions();

	/* One-to-one: the address changes, the port does not; outside may open. */
	CU_ASSERT_EQUAL(nat44_static_mapping(IN_HOST2, 0, POOL + 1, 0, 0, false, true), 0);
	inject("nat44-in2out", pkt(&p, if_in));
	struct pkt_spec e = p;
	e.src = POOL + 1;
	assert_out_equals(ref, build(ref, &e));
	vt_capture_reset(&out_cap);
	struct pkt_spec r = {.proto = IPPROTO_UDP, .src = SERVER + 5, .dst = POOL + 1, .sport = 9,
			     .dport = 7000, .payload = 3};
	inject("nat44-out2in", pkt(&r, if_out));
	r.dst = IN_HOST2;
	assert_out_equals(ref, build(ref, &r));
	CU_ASSERT_EQUAL(nat44_static_mapping(IN_HOST2, 0, POOL + 1, 0, 0, false, false), 0);
}

static void
test_control_errors(void)
{
	CU_ASSERT_EQUAL(nat44_addr_range(IP(1, 0, 0, 9), IP(1, 0, 0, 1), true), -EINVAL);
	CU_ASSERT_EQUAL(nat44_addr_range(IP(1, 0, 0, 0), IP(1, 0, 255, 255), true), -EINVAL);
	CU_ASSERT_EQUAL(nat44_static_mapping(IN_HOST, 80, POOL, 0, IPPROTO_TCP, false, true), -EINVAL);
	CU_ASSERT_EQUAL(nat44_static_mapping(IN_HOST, 80, POOL, 80, 47, false, true), -EINVAL);
	CU_ASSERT_EQUAL(nat44_static_mapping(IN_HOST, 80, POOL, 80, IPPROTO_TCP, false, false),
			-ENOENT);
	CU_ASSERT_EQUAL(nat44_static_mapping(IN_HOST, 80, POOL, 80, IPPROTO_TCP, false, true), 0);
	CU_ASSERT_EQUAL(nat44_static_mapping(IN_HOST2, 80, POOL, 80, IPPROTO_TCP, false, true),
			-EEXIST);
	CU_ASSERT_EQUAL(nat44_static_mapping(IN_HOST, 80, POOL, 80, IPPROTO_TCP, false, false), 0);
	CU_ASSERT_EQUAL(nat44_interface_set(if_in, false, true), -EINVAL);
	CU_ASSERT_EQUAL(nat44_interface_set(if_in, true, true), -EEXIST);
	CU_ASSERT_EQUAL(nat44_interface_set(99, true, true), -ENODEV);
	CU_ASSERT_EQUAL(nat44_enable(CAP * 2), -EALREADY);
	struct nat44_timeouts t = {.udp = 86400 * 8};
	CU_ASSERT_EQUAL(nat44_set_timeouts(&t), -EINVAL);
}

static void
test_config_checks(void)
{
	static const char *const bad[] = {
		"nat44:\n  addresses: [1.2.3.9-1.2.3.1]\n",
		"nat44:\n  addresses: [not-an-ip]\n",
		"nat44:\n  sessions: 3\n",
		"nat44:\n  static-mappings:\n    - { protocol: tcp, local: 10.0.0.1, external: 1.2.3.4 }\n",
		"nat44:\n  static-mappings:\n    - { protocol: icmp, local: 10.0.0.1, local-port: 1,"
		" external: 1.2.3.4, external-port: 2 }\n",
		"nat44:\n  timeouts: { udp: 0 }\n",
		"nat44:\n  bogus: 1\n",
		"nat44:\n  identity-mappings:\n    - { address: 10.0.0.1, port: 22 }\n",
	};
	struct vn_config cfg;
	FILE *devnull = fopen("/dev/null", "w");

	for (size_t i = 0; i < VN_ARRAY_LEN(bad); i++) {
		int rc = vn_config_load_string("bad.yaml", bad[i], &cfg, devnull);
		if (rc == 0)
			fprintf(stderr, "accepted: %s", bad[i]);
		CU_ASSERT_EQUAL(rc, -1);
	}
	CU_ASSERT_EQUAL(vn_config_load_string("good.yaml",
					      "nat44:\n  sessions: 1000000\n"
					      "  addresses: [192.0.2.1, 192.0.2.10 - 192.0.2.20]\n"
					      "  inside: [lan0]\n  outside: wan0\n"
					      "  static-mappings:\n"
					      "    - { protocol: udp, local: 10.0.0.1, local-port: 53,"
					      " external: 192.0.2.1, external-port: 53 }\n"
					      "    - { local: 10.0.0.2, external: 192.0.2.2 }\n"
					      "  identity-mappings:\n    - { address: 10.0.0.1 }\n"
					      "  timeouts: { udp: 30, icmp: 5 }\n",
					      &cfg, devnull),
			0);
	vn_config_free(&cfg);
	fclose(devnull);
}

/* ---- session index (session_hash.c) ----------------------------------------- */

static bool
sh_has(const struct nat44_shash *t, uint32_t hash, uint32_t slot)
{
	uint32_t sig = nat44_sh_sig(hash);

	for (const struct nat44_sh_bucket *b = nat44_sh_home(t, sig); b; b = nat44_sh_next(t, b))
		for (uint32_t m = nat44_sh_match(b, sig); m; m &= m - 1)
			if (b->slot[__builtin_ctz(m)] == slot)
				return true;
	return false;
}

/* Chains: a full bucket chains to an overflow bucket, a delete fills its hole
 * from the chain's tail and frees an emptied overflow bucket; any cap entries
 * fit, even all in one bucket. */
static void
test_session_hash_chains(void)
{
	struct nat44_shash t;
	struct nat44_sh_bucket *home;
	uint32_t order[64];

	CU_ASSERT_EQUAL_FATAL(nat44_sh_init(&t, 64, "test_sh"), 0);
	CU_ASSERT_EQUAL(nat44_sh_buckets(&t), 16); /* 64 / 4: cannot grow */
	home = &t.b[15];
	for (uint32_t i = 0; i < 9; i++)
		CU_ASSERT_EQUAL(nat44_sh_add(&t, (i << 8) | 15, 100 + i), 0);
	CU_ASSERT_EQUAL(nat44_sh_used(home), 0x7f);
	CU_ASSERT_FATAL(home->next != 0);
	CU_ASSERT_EQUAL(nat44_sh_used(nat44_sh_next(&t, home)), 0x3);
	CU_ASSERT_EQUAL(t.n_ovf_free, t.n_ovf - 1);
	/* a hole in the full bucket is filled from the tail */
	CU_ASSERT_EQUAL(nat44_sh_del(&t, (2 << 8) | 15, 102), 0);
	CU_ASSERT_EQUAL(nat44_sh_used(home), 0x7f);
	CU_ASSERT_EQUAL(nat44_sh_used(nat44_sh_next(&t, home)), 0x1);
	CU_ASSERT_FALSE(sh_has(&t, (2 << 8) | 15, 102));
	for (uint32_t i = 0; i < 9; i++)
		CU_ASSERT_EQUAL(sh_has(&t, (i << 8) | 15, 100 + i), i != 2);
	/* the wrong slot, or a hash never added, is not there */
	CU_ASSERT_EQUAL(nat44_sh_del(&t, (7 << 8) | 15, 999), -ENOENT);
	CU_ASSERT_EQUAL(nat44_sh_del(&t, (77 << 8) | 5, 1), -ENOENT);
	/* the overflow bucket empties: back to the pool */
	CU_ASSERT_EQUAL(nat44_sh_del(&t, (8 << 8) | 15, 108), 0);
	CU_ASSERT_EQUAL(home->next, 0);
	CU_ASSERT_EQUAL(t.n_ovf_free, t.n_ovf);
	CU_ASSERT_EQUAL(t.n, 7);
	/* hash 0 is stored (sig 1), not taken for empty */
	CU_ASSERT_EQUAL(nat44_sh_add(&t, 0, 5), 0);
	CU_ASSERT_TRUE(sh_has(&t, 0, 5));
	CU_ASSERT_EQUAL(nat44_sh_del(&t, 0, 5), 0);
	for (uint32_t i = 0; i < 9; i++)
		if (i != 2 && i != 8)
			CU_ASSERT_EQUAL(nat44_sh_del(&t, (i << 8) | 15, 100 + i), 0);
	/* 64 entries in one bucket: the pool is enough; out in random order */
	for (uint32_t i = 0; i < 64; i++) {
		CU_ASSERT_EQUAL_FATAL(nat44_sh_add(&t, (i << 8) | 3, i), 0);
		order[i] = i;
	}
	for (uint32_t i = 63; i > 0; i--) {
		uint32_t j = (uint32_t)(rte_rand() % (i + 1)), x = order[i];
		order[i] = order[j];
		order[j] = x;
	}
	for (uint32_t i = 0; i < 64; i++) {
		CU_ASSERT_EQUAL_FATAL(nat44_sh_del(&t, (order[i] << 8) | 3, order[i]), 0);
		for (uint32_t j = i + 1; j < 64; j += 7)
			CU_ASSERT_TRUE_FATAL(sh_has(&t, (order[j] << 8) | 3, order[j]));
	}
	CU_ASSERT_EQUAL(t.n, 0);
	CU_ASSERT_EQUAL(t.n_ovf_free, t.n_ovf);
	nat44_sh_fini(&t);
}

/* Growth: from 64 buckets to cap / 4 one split at a time, every entry still
 * found after every split; empty again after deleting them all. */
static void
test_session_hash_growth(void)
{
	enum { CAP_T = 4096 };
	static uint32_t hash[CAP_T];
	struct nat44_shash t;

	CU_ASSERT_EQUAL_FATAL(nat44_sh_init(&t, CAP_T, "test_sh_grow"), 0);
	CU_ASSERT_EQUAL(nat44_sh_buckets(&t), 64);
	for (uint32_t i = 0; i < CAP_T; i++) {
		hash[i] = (uint32_t)rte_rand();
		CU_ASSERT_EQUAL_FATAL(nat44_sh_add(&t, hash[i], i), 0);
		if (i % 97 == 0)
			for (uint32_t j = 0; j <= i; j++)
				CU_ASSERT_TRUE_FATAL(sh_has(&t, hash[j], j));
		CU_ASSERT_FATAL(nat44_sh_buckets(&t) * NAT44_SH_LOAD >= RTE_MIN(i + 1, (uint32_t)CAP_T));
	}
	CU_ASSERT_EQUAL(nat44_sh_buckets(&t), CAP_T / NAT44_SH_LOAD);
	for (uint32_t i = 0; i < CAP_T; i++)
		CU_ASSERT_TRUE_FATAL(sh_has(&t, hash[i], i));
	for (uint32_t i = 0; i < CAP_T; i++)
		CU_ASSERT_EQUAL_FATAL(nat44_sh_del(&t, hash[i], i), 0);
	CU_ASSERT_EQUAL(t.n, 0);
	CU_ASSERT_EQUAL(t.n_ovf_free, t.n_ovf);
	nat44_sh_fini(&t);
}

/* Through the worker: random keys in a table of 64 sessions (16 buckets per
 * direction, so chains form), every key found both ways until deleted, the
 * 65th refused, every overflow bucket back in the pool once empty. */
static void
test_session_hash_random(void)
{
	enum { N = 64, ROUNDS = 50 };
	struct nat44_session s[N];
	struct nat44_worker *w;
	uint32_t max_ovf = 0;

	CU_ASSERT_EQUAL_FATAL(nat44_worker_alloc(&w, 0, N, 1), 0);
	for (uint32_t r = 0; r < ROUNDS; r++) {
		int32_t idx[N];
		for (uint32_t i = 0; i < N; i++) {
			s[i] = (struct nat44_session){.in_addr = (uint32_t)rte_rand(),
						      .out_addr = (uint32_t)rte_rand(),
						      .rem_addr = (uint32_t)rte_rand(),
						      .in_port = (uint16_t)rte_rand(),
						      .out_port = (uint16_t)rte_rand(),
						      .rem_port = (uint16_t)rte_rand(),
						      .proto = IPPROTO_UDP};
			idx[i] = nat44_session_create(w, &s[i]);
			CU_ASSERT_FATAL(idx[i] >= 0);
		}
		CU_ASSERT_EQUAL(nat44_session_create(w, &s[0]), -ENOSPC);
		max_ovf = RTE_MAX(max_ovf, w->i2o.n_ovf - w->i2o.n_ovf_free);
		for (uint32_t i = 0; i < N; i++) {
			struct nat44_key ki, ko;
			nat44_session_i2o_key(&s[i], &ki);
			nat44_session_o2i_key(&s[i], &ko);
			CU_ASSERT_EQUAL(nat44_session_lookup(w, false, &ki), idx[i]);
			CU_ASSERT_EQUAL(nat44_session_lookup(w, true, &ko), idx[i]);
		}
		for (uint32_t i = 0; i < N; i += 2)
			nat44_session_delete(w, (uint32_t)idx[i]);
		for (uint32_t i = 0; i < N; i++) {
			struct nat44_key ki;
			nat44_session_i2o_key(&s[i], &ki);
			CU_ASSERT_EQUAL(nat44_session_lookup(w, false, &ki), i % 2 ? idx[i] : -1);
		}
		for (uint32_t i = 1; i < N; i += 2)
			nat44_session_delete(w, (uint32_t)idx[i]);
		CU_ASSERT_EQUAL(w->i2o.n + w->o2i.n, 0);
		CU_ASSERT_EQUAL(w->i2o.n_ovf_free, w->i2o.n_ovf);
		CU_ASSERT_EQUAL(w->o2i.n_ovf_free, w->o2i.n_ovf);
	}
	CU_ASSERT(max_ovf > 0); /* the chains were exercised */
	nat44_worker_free(w);
}

int
main(void)
{
	static CU_TestInfo tests[] = {
		{"incremental checksums = recomputation", test_csum_incremental},
		{"fast-path helpers = general ones (xlate, key, hash)", test_fast_path_helpers},
		{"udp both ways, port kept", test_udp_both_ways},
		{"udp without checksum stays without", test_udp_zero_checksum},
		{"tcp both ways and state", test_tcp_both_ways_and_state},
		{"tcp tracker", test_tcp_tracker},
		{"icmp echo both ways", test_icmp_echo_both_ways},
		{"icmp error out2in with inner packet", test_icmp_error_out2in},
		{"icmp error in2out with inner packet", test_icmp_error_in2out},
		{"icmp error without session", test_icmp_error_without_session},
		{"port collision (endpoint-dependent)", test_port_collision},
		{"port forward and its reserved port", test_port_forward_reserved},
		{"unsolicited dropped, other traffic passes", test_unsolicited_dropped_other_passes},
		{"inside to the router not translated", test_inside_to_router_not_translated},
		{"unsupported protocol and fragments dropped", test_unsupported_dropped},
		{"table full", test_table_full},
		{"expiry", test_expiry},
		{"purge on address delete", test_purge_on_address_delete},
		{"hairpinning", test_hairpin},
		{"hairpinning: an icmp error back", test_hairpin_icmp_error},
		{"vectors: new flows, hits over two chunks, a new flow among hits", test_vectors},
		{"identity and address-only mappings", test_identity_and_address_only},
		{"control errors", test_control_errors},
		{"config checks", test_config_checks},
		{"session index: chains, holes, one full bucket", test_session_hash_chains},
		{"session index: growth by splits", test_session_hash_growth},
		{"session index: random keys both ways", test_session_hash_random},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"nat44", suite_init, NULL, test_setup, test_teardown, tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
