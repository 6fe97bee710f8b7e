/*
 * Router advertisements (net/ra6.h) and stable link-local addresses
 * (ra6_priv.h): the RA as built (every field, option lengths, checksum),
 * the schedules (jitter bounds, initial RAs, the RS rate limit), the main
 * thread's sending (unsolicited, solicited, final with lifetime 0) through
 * the ND probe sink, the checks on received RS and RA, and in a real graph
 * ip6-local's drops by name; RFC 7217 identifiers and DAD retries.
 */
#include <CUnit/CUnit.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/net/buffer.h>
#include <vecnet/net/dad6.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/neighbor6.h>
#include <vecnet/net/ra6.h>
#include <vecnet/rcu.h>

#include "vn_test.h"
#include "vn_test_cli.h"
#include "vn_test_graph.h"
#include "net/fib_priv.h"
#include "net/ra6_priv.h"

VT_CAPTURE_NODE(tx_cap, "test-port-tx");

/* Python: hashlib.sha256(fe80:: (8 bytes) + b"lan0" + bytes(4) + bytes(range(1, 17))). */
#define STABLE_LAN0_S1 "fe80::51d6:b47c:68:fcf2"

static const uint8_t mac_lan[6] = {0x02, 0, 0, 0, 0x70, 1};
static const uint8_t mac_host[6] = {0x02, 0xaa, 0, 0, 0x70, 2};
static uint32_t if_lan;
static struct vn_graph *g;

static struct rte_mbuf *sent[64];
static uint32_t n_sent;

static void
sink(struct rte_mbuf *m)
{
	if (n_sent < RTE_DIM(sent))
		sent[n_sent++] = m;
	else
		rte_pktmbuf_free(m);
}

static void
sent_free(void)
{
	for (uint32_t i = 0; i < n_sent; i++)
		rte_pktmbuf_free(sent[i]);
	n_sent = 0;
}

static struct vn_ip6
A(const char *s)
{
	struct vn_ip6 a;

	if (vn_parse_ip6(s, &a) < 0)
		abort();
	return a;
}

static struct vn_prefix6
P(const char *s)
{
	struct vn_prefix6 p;

	if (vn_parse_prefix6(s, &p) < 0)
		abort();
	return p;
}

static int
suite_init(void)
{
	struct vn_prefix6 p1 = P("2001:db8:1::1/64"), p2 = P("2001:db8:2::1/48");

	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0 || vn_fib_init(1u << 16) < 0 ||
	    vn_neighbor_init() < 0)
		return -1;
	/* DAD off: addresses are preferred (published) at once. */
	if (vn_nd6_config_set(&(struct vn_nd6_config){.reachable_ms = 30000}) < 0)
		return -1;
	if (vn_interface_create_virtual("lan", mac_lan, 1500, &if_lan) < 0 ||
	    vn_interface_set_admin(if_lan, true) < 0 || vn_interface_addr6_add(if_lan, &p1) < 0 ||
	    vn_interface_addr6_add(if_lan, &p2) < 0)
		return -1;
	vn_neighbor6_set_probe_sink(sink);
	out = vn_cli_out_new();
	return !out || vn_graph_build() < 0 ? -1 : 0;
}

static int
suite_fini(void)
{
	vn_neighbor6_set_probe_sink(NULL);
	vn_cli_out_free(out);
	vn_neighbor_fini();
	vn_fib_fini();
	return 0;
}

/* ---- the RA as built ---------------------------------------------------- */

/* The ICMPv6 part of an RA frame and its length; asserts the L2/L3 around it. */
static const uint8_t *
ra_of(struct rte_mbuf *m, const char *dst, uint16_t *len)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eh + 1);
	const struct vn_if_fp *fp = vn_if_fp(if_lan);
	struct vn_ip6 d = A(dst);
	uint8_t gmac[6];

	vn_ip6_mcast_mac_of(&d, gmac);
	if (vn_ip6_is_multicast(&d))
		CU_ASSERT(memcmp(eh->dst_addr.addr_bytes, gmac, 6) == 0);
	CU_ASSERT(memcmp(eh->src_addr.addr_bytes, mac_lan, 6) == 0);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(eh->ether_type), RTE_ETHER_TYPE_IPV6);
	CU_ASSERT_EQUAL(ip->hop_limits, 255);
	CU_ASSERT_EQUAL(ip->proto, VN_IP6_NH_ICMP6);
	CU_ASSERT(memcmp(ip->src_addr, fp->ll6.b, 16) == 0);
	CU_ASSERT(memcmp(ip->dst_addr, d.b, 16) == 0);
	*len = rte_be_to_cpu_16(ip->payload_len);
	CU_ASSERT_EQUAL(m->pkt_len, RTE_ETHER_HDR_LEN + 40 + *len);
	CU_ASSERT_EQUAL(vn_meta(m)->tx_if, if_lan);
	CU_ASSERT(vn_meta(m)->flags & VN_META_F_L2_READY);
	/* A correct checksum sums to zero over the pseudo-header and message. */
	CU_ASSERT_EQUAL(vn_ip6_l4_cksum(ip, ip + 1, *len, VN_IP6_NH_ICMP6), 0);
	return (const uint8_t *)(ip + 1);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
test_build(void)
{
	const struct vn_if_fp *fp = vn_if_fp(if_lan);
	struct vn_ra6_config c;
	struct rte_mbuf *m;
	const uint8_t *ra, *o;
	uint16_t len;

	vn_ra6_config_default(&c);
	c.send = true;
	c.other = true;
	/* The connected /48 overridden, one more prefix advertised, one hidden. */
	c.prefixes[0] = (struct vn_ra6_prefix){.prefix = P("2001:db8:2::/48"), .valid_s = 100,
					       .preferred_s = 50, .no_autoconfig = true};
	c.prefixes[1] = (struct vn_ra6_prefix){.prefix = P("2001:db8:9::/64"),
					       .valid_s = VN_RA6_INFINITE,
					       .preferred_s = VN_RA6_INFINITE, .off_link = true};
	c.prefixes[2] = (struct vn_ra6_prefix){.prefix = P("2001:db8:a::/64"), .no_advertise = true};
	c.n_prefixes = 3;
	m = vn_ra6_build(fp, &c, vn_ra6_router_lifetime(&c), NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	ra = ra_of(m, "ff02::1", &len);
	/* Header 16, source link-layer 8, MTU 8, three prefixes of 32. */
	CU_ASSERT_EQUAL(len, 16 + 8 + 8 + 3 * 32);
	CU_ASSERT_EQUAL(ra[0], VN_ICMP6_ROUTER_ADVERT);
	CU_ASSERT_EQUAL(ra[1], 0);
	CU_ASSERT_EQUAL(ra[4], 64); /* Cur Hop Limit */
	CU_ASSERT_EQUAL(ra[5], 0x40); /* O, not M */
	CU_ASSERT_EQUAL(ra[6] << 8 | ra[7], 600); /* 3 x 200 */
	CU_ASSERT_EQUAL(be32(ra + 8), 0);
	CU_ASSERT_EQUAL(be32(ra + 12), 0);
	o = ra + 16;
	CU_ASSERT_EQUAL(o[0], VN_ND_OPT_SRC_LLADDR);
	CU_ASSERT_EQUAL(o[1], 1);
	CU_ASSERT(memcmp(o + 2, mac_lan, 6) == 0);
	o += 8;
	CU_ASSERT_EQUAL(o[0], VN_ND_OPT_MTU);
	CU_ASSERT_EQUAL(o[1], 1);
	CU_ASSERT_EQUAL(be32(o + 4), 1500);
	o += 8;
	/* Connected first, in address order, host bits cleared: on-link, autonomous. */
	CU_ASSERT_EQUAL(o[0], VN_ND_OPT_PREFIX_INFO);
	CU_ASSERT_EQUAL(o[1], 4);
	CU_ASSERT_EQUAL(o[2], 64);
	CU_ASSERT_EQUAL(o[3], 0xc0);
	CU_ASSERT_EQUAL(be32(o + 4), VN_RA6_VALID_DEF_S);
	CU_ASSERT_EQUAL(be32(o + 8), VN_RA6_PREFERRED_DEF_S);
	CU_ASSERT(memcmp(o + 16, A("2001:db8:1::").b, 16) == 0);
	o += 32;
	CU_ASSERT_EQUAL(o[2], 48); /* overridden: no A flag, its lifetimes */
	CU_ASSERT_EQUAL(o[3], 0x80);
	CU_ASSERT_EQUAL(be32(o + 4), 100);
	CU_ASSERT_EQUAL(be32(o + 8), 50);
	CU_ASSERT(memcmp(o + 16, A("2001:db8:2::").b, 16) == 0);
	o += 32;
	CU_ASSERT_EQUAL(o[3], 0x40); /* off-link: A only */
	CU_ASSERT_EQUAL(be32(o + 4), UINT32_MAX);
	CU_ASSERT(memcmp(o + 16, A("2001:db8:9::").b, 16) == 0);
	rte_pktmbuf_free(m);

	/* Hiding a connected one; unicast to a solicitor; lifetime 0. */
	c.prefixes[2].prefix = P("2001:db8:1::/64");
	c.managed = true;
	m = vn_ra6_build(fp, &c, 0, (const struct vn_ip6[1]){A("fe80::99")}, mac_host);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	ra = ra_of(m, "fe80::99", &len);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(m, uint8_t *), mac_host, 6) == 0);
	CU_ASSERT_EQUAL(len, 16 + 8 + 8 + 2 * 32);
	CU_ASSERT_EQUAL(ra[5], 0xc0);
	CU_ASSERT_EQUAL(ra[6] << 8 | ra[7], 0);
	rte_pktmbuf_free(m);

	/* ra-suppress-link-layer: the MTU option comes first. */
	c.no_lladdr = true;
	m = vn_ra6_build(fp, &c, 1800, NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	ra = ra_of(m, "ff02::1", &len);
	CU_ASSERT_EQUAL(len, 16 + 8 + 2 * 32);
	CU_ASSERT_EQUAL(ra[16], VN_ND_OPT_MTU);
	CU_ASSERT_EQUAL(ra[16 + 8], VN_ND_OPT_PREFIX_INFO);
	rte_pktmbuf_free(m);
}

static void
test_router_lifetime(void)
{
	struct vn_ra6_config c;

	vn_ra6_config_default(&c);
	CU_ASSERT_EQUAL(vn_ra6_router_lifetime(&c), 0); /* off */
	c.send = true;
	CU_ASSERT_EQUAL(vn_ra6_router_lifetime(&c), 600);
	c.max_interval_s = 1800;
	CU_ASSERT_EQUAL(vn_ra6_router_lifetime(&c), 5400);
	c.lifetime_s = 9000;
	CU_ASSERT_EQUAL(vn_ra6_router_lifetime(&c), 9000);
	c.cease = true;
	CU_ASSERT_EQUAL(vn_ra6_router_lifetime(&c), 0);
}

/* ---- schedules ---------------------------------------------------------- */

static void
test_interval_jitter(void)
{
	struct vn_ra6_config c;
	uint32_t lo = UINT32_MAX, hi = 0;

	vn_ra6_config_default(&c);
	c.max_interval_s = 40;
	c.min_interval_s = 10;
	c.initial_count = 2;
	c.initial_interval_s = 16;
	/* Uniform over [MIN, MAX] ms: the ends reached, nothing outside. */
	CU_ASSERT_EQUAL(vn_ra6_interval_ms(&c, 5, 0), 10000);
	CU_ASSERT_EQUAL(vn_ra6_interval_ms(&c, 5, 30000), 40000);
	CU_ASSERT_EQUAL(vn_ra6_interval_ms(&c, 5, 30001), 10000);
	for (uint32_t i = 0; i < 100000; i++) {
		uint32_t ms = vn_ra6_interval_ms(&c, 5, rte_rand());
		lo = VN_MIN(lo, ms);
		hi = VN_MAX(hi, ms);
	}
	CU_ASSERT(lo >= 10000 && lo < 10100);
	CU_ASSERT(hi <= 40000 && hi > 39900);
	/* The initial ones at most initial-interval apart, then not any more. */
	for (uint32_t i = 0; i < 1000; i++) {
		uint64_t r = rte_rand();
		CU_ASSERT(vn_ra6_interval_ms(&c, 0, r) <= 16000);
		CU_ASSERT(vn_ra6_interval_ms(&c, 1, r) <= 16000);
		CU_ASSERT(vn_ra6_interval_ms(&c, 1, r) >= 10000);
	}
	CU_ASSERT_EQUAL(vn_ra6_interval_ms(&c, 2, 30000), 40000);
	/* MIN by default 0.75 x MAX, to the millisecond (22.5 s of 30 s). */
	c.min_interval_s = 0;
	CU_ASSERT_EQUAL(vn_ra6_interval_ms(&c, 5, 0), 30000);
	c.max_interval_s = 30;
	CU_ASSERT_EQUAL(vn_ra6_interval_ms(&c, 5, 0), 22500);
}

static void
test_rs_rate_limit(void)
{
	/* No multicast RA yet: within MAX_RA_DELAY_TIME (500 ms). */
	CU_ASSERT_EQUAL(vn_ra6_solicited_at(100000, 0, 0), 100000);
	CU_ASSERT_EQUAL(vn_ra6_solicited_at(100000, 0, 500), 100500);
	CU_ASSERT_EQUAL(vn_ra6_solicited_at(100000, 0, 501), 100000);
	for (uint32_t i = 0; i < 1000; i++) {
		uint64_t at = vn_ra6_solicited_at(100000, 0, rte_rand());
		CU_ASSERT(at >= 100000 && at <= 100500);
	}
	/* One a second ago: not before 3 s after it (MIN_DELAY_BETWEEN_RAS). */
	CU_ASSERT_EQUAL(vn_ra6_solicited_at(100000, 99000, 0), 102000);
	CU_ASSERT_EQUAL(vn_ra6_solicited_at(100000, 99000, 500), 102000);
	/* Long ago: the random delay alone. */
	CU_ASSERT_EQUAL(vn_ra6_solicited_at(100000, 90000, 200), 100200);
}

/* ---- receiving ---------------------------------------------------------- */

/* An IPv6 header and ICMPv6 message in buf; returns the ICMPv6 part. */
static uint8_t *
nd_msg(uint8_t *buf, const char *src, const char *dst, uint8_t type, uint16_t len)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)buf;
	struct vn_ip6 s = A(src), d = A(dst);

	memset(buf, 0, 40 + len);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(len);
	ip->proto = VN_IP6_NH_ICMP6;
	ip->hop_limits = 255;
	memcpy(ip->src_addr, s.b, 16);
	memcpy(ip->dst_addr, d.b, 16);
	buf[40] = type;
	return buf + 40;
}

static void
test_rs_ra_input(void)
{
	struct rte_ipv6_hdr *ip;
	struct vn_ra6_stats st, st0;
	struct vn_ra6_config c;
	uint8_t buf[128], *icmp;

	vn_ra6_config_default(&c);
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), 0);
	vn_ra6_stats_get(if_lan, &st0);
	ip = (struct rte_ipv6_hdr *)buf;
	/* An RS with a source link-layer option: off here, then handed over. */
	icmp = nd_msg(buf, "fe80::2", "ff02::2", VN_ICMP6_ROUTER_SOLICIT, 16);
	icmp[8] = VN_ND_OPT_SRC_LLADDR;
	icmp[9] = 1;
	memcpy(icmp + 10, mac_host, 6);
	CU_ASSERT_EQUAL(vn_ra6_rs_input(if_lan, ip, icmp, 16, mac_host), VN_RA6_RX_OFF);
	c.send = true;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), 0);
	CU_ASSERT_EQUAL(vn_ra6_rs_input(if_lan, ip, icmp, 16, mac_host), VN_RA6_RX_OK);
	/* An option of length 0, one past the end, a short RS. */
	icmp[9] = 0;
	CU_ASSERT_EQUAL(vn_ra6_rs_input(if_lan, ip, icmp, 16, mac_host), VN_RA6_RX_BAD);
	icmp[9] = 2;
	CU_ASSERT_EQUAL(vn_ra6_rs_input(if_lan, ip, icmp, 16, mac_host), VN_RA6_RX_BAD);
	CU_ASSERT_EQUAL(vn_ra6_rs_input(if_lan, ip, icmp, 7, mac_host), VN_RA6_RX_BAD);
	/* From :: with a link-layer option (RFC 4861 6.1.1); without it, fine. */
	icmp[9] = 1;
	memset(ip->src_addr, 0, 16);
	CU_ASSERT_EQUAL(vn_ra6_rs_input(if_lan, ip, icmp, 16, mac_host), VN_RA6_RX_BAD);
	CU_ASSERT_EQUAL(vn_ra6_rs_input(if_lan, ip, icmp, 8, mac_host), VN_RA6_RX_OK);

	/* RA: from a link-local source, 16 bytes or more, options sound. */
	icmp = nd_msg(buf, "fe80::3", "ff02::1", VN_ICMP6_ROUTER_ADVERT, 24);
	icmp[16] = VN_ND_OPT_SRC_LLADDR;
	icmp[17] = 1;
	CU_ASSERT_EQUAL(vn_ra6_ra_input(if_lan, ip, icmp, 24), VN_RA6_RX_OK);
	CU_ASSERT_EQUAL(vn_ra6_ra_input(if_lan, ip, icmp, 15), VN_RA6_RX_BAD);
	icmp[17] = 0;
	CU_ASSERT_EQUAL(vn_ra6_ra_input(if_lan, ip, icmp, 24), VN_RA6_RX_BAD);
	icmp[17] = 1;
	memcpy(ip->src_addr, A("2001:db8:1::3").b, 16);
	CU_ASSERT_EQUAL(vn_ra6_ra_input(if_lan, ip, icmp, 24), VN_RA6_RX_BAD);

	vn_ra6_stats_get(if_lan, &st);
	CU_ASSERT_EQUAL(st.rs_received - st0.rs_received, 2);
	CU_ASSERT_EQUAL(st.ra_received - st0.ra_received, 1);
	CU_ASSERT_EQUAL(st.ra_bad - st0.ra_bad, 7);
	c.send = false;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), 0);
	sent_free();
}

/* ---- sending ------------------------------------------------------------ */

static uint16_t
lifetime_of(struct rte_mbuf *m)
{
	const uint8_t *ra = rte_pktmbuf_mtod_offset(m, const uint8_t *, RTE_ETHER_HDR_LEN + 40);

	return (uint16_t)(ra[6] << 8 | ra[7]);
}

static void
test_send_schedule(void)
{
	struct vn_ra6_config c;
	struct rte_ipv6_hdr *ip;
	uint8_t buf[128], *icmp;
	uint64_t t = 1000000;

	sent_free();
	vn_ra6_config_default(&c);
	c.send = true;
	c.max_interval_s = 30;
	c.initial_count = 2;
	c.initial_interval_s = 5;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), 0);
	/* The first at once; the next two (initial-count 2) within
	 * initial-interval of the one before; then MIN..MAX apart. */
	vn_ra6_tick(t);
	CU_ASSERT_EQUAL_FATAL(n_sent, 1);
	CU_ASSERT_EQUAL(lifetime_of(sent[0]), 90);
	vn_ra6_tick(t + 100);
	CU_ASSERT_EQUAL(n_sent, 1);
	vn_ra6_tick(t + 5000);
	CU_ASSERT_EQUAL(n_sent, 2);
	vn_ra6_tick(t + 10000);
	CU_ASSERT_EQUAL(n_sent, 3);
	t += 10000;
	vn_ra6_tick(t + 22400); /* 0.75 x 30 s = 22.5 s: not yet */
	CU_ASSERT_EQUAL(n_sent, 3);
	vn_ra6_tick(t + 30000);
	CU_ASSERT_EQUAL(n_sent, 4);
	t += 30000;

	/* An RS right after a multicast RA waits for MIN_DELAY_BETWEEN_RAS... */
	ip = (struct rte_ipv6_hdr *)buf;
	icmp = nd_msg(buf, "fe80::2", "ff02::2", VN_ICMP6_ROUTER_SOLICIT, 8);
	CU_ASSERT_EQUAL(vn_ra6_rs_input(if_lan, ip, icmp, 8, mac_host), VN_RA6_RX_OK);
	vn_ra6_tick(t + 100);
	vn_ra6_tick(t + 2900);
	CU_ASSERT_EQUAL(n_sent, 4);
	vn_ra6_tick(t + 3000);
	CU_ASSERT_EQUAL_FATAL(n_sent, 5);
	/* ... and more RS within it give no more RAs than one per 3 s. */
	for (uint32_t i = 1; i <= 20; i++) {
		CU_ASSERT_EQUAL(vn_ra6_rs_input(if_lan, ip, icmp, 8, mac_host), VN_RA6_RX_OK);
		vn_ra6_tick(t + 3000 + i * 100);
	}
	CU_ASSERT_EQUAL(n_sent, 5);
	vn_ra6_tick(t + 6000);
	CU_ASSERT_EQUAL(n_sent, 6);

	/* ra-send-unicast: the answer goes to the solicitor's address and MAC,
	 * within MAX_RA_DELAY_TIME. */
	c.send_unicast = true;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), 0);
	CU_ASSERT_EQUAL(vn_ra6_rs_input(if_lan, ip, icmp, 8, mac_host), VN_RA6_RX_OK);
	vn_ra6_tick(t + 6100);
	vn_ra6_tick(t + 6600);
	CU_ASSERT_EQUAL_FATAL(n_sent, 7);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(sent[6], uint8_t *), mac_host, 6) == 0);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod_offset(sent[6], uint8_t *, RTE_ETHER_HDR_LEN + 24),
			 A("fe80::2").b, 16) == 0);

	/* ra-cease: one final RA with lifetime 0 at once, then nothing unsolicited. */
	c.cease = true;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), 0);
	CU_ASSERT_EQUAL_FATAL(n_sent, 8);
	CU_ASSERT_EQUAL(lifetime_of(sent[7]), 0);
	vn_ra6_tick(t + 100000);
	CU_ASSERT_EQUAL(n_sent, 8);
	/* no ra-cease: advertising again at once. */
	c.cease = false;
	c.send_unicast = false;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), 0);
	vn_ra6_tick(t + 200000);
	CU_ASSERT_EQUAL_FATAL(n_sent, 9);
	CU_ASSERT_EQUAL(lifetime_of(sent[8]), 90);
	/* Off (ra-suppress): a final RA. */
	c.send = false;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), 0);
	CU_ASSERT_EQUAL_FATAL(n_sent, 10);
	CU_ASSERT_EQUAL(lifetime_of(sent[9]), 0);
	vn_ra6_tick(t + 300000);
	CU_ASSERT_EQUAL(n_sent, 10);
	/* Admin down while advertising: a final RA first. */
	c.send = true;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), 0);
	vn_ra6_tick(t + 400000);
	CU_ASSERT_EQUAL(n_sent, 11);
	CU_ASSERT_EQUAL(vn_interface_set_admin(if_lan, false), 0);
	CU_ASSERT_EQUAL_FATAL(n_sent, 12);
	CU_ASSERT_EQUAL(lifetime_of(sent[11]), 0);
	CU_ASSERT(vn_meta(sent[11])->flags & VN_META_F_FAREWELL);
	/* Up again at once: an RA on the next tick, however short the gap. */
	CU_ASSERT_EQUAL(vn_interface_set_admin(if_lan, true), 0);
	vn_ra6_tick(t + 400100);
	CU_ASSERT_EQUAL_FATAL(n_sent, 13);
	CU_ASSERT_EQUAL(lifetime_of(sent[12]), 90);
	/* Nothing while down. */
	CU_ASSERT_EQUAL(vn_interface_set_admin(if_lan, false), 0);
	CU_ASSERT_EQUAL(n_sent, 14);
	vn_ra6_tick(t + 500000);
	CU_ASSERT_EQUAL(n_sent, 14);
	CU_ASSERT_EQUAL(vn_interface_set_admin(if_lan, true), 0);
	vn_ra6_tick(t + 500100);
	CU_ASSERT_EQUAL(n_sent, 15);
	c.send = false;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), 0);
	sent_free();
}

static void
test_config_ranges(void)
{
	struct vn_ra6_config c, d;

	vn_ra6_config_default(&d);
	c = d;
	c.max_interval_s = 3;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), -EINVAL);
	c.max_interval_s = 1801;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), -EINVAL);
	c = d;
	c.min_interval_s = 151; /* > 0.75 x 200 */
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), -EINVAL);
	c.min_interval_s = 150;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), 0);
	c.lifetime_s = 199;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), -EINVAL);
	c.lifetime_s = 0;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), 0);
	c.prefixes[0] = (struct vn_ra6_prefix){.prefix = P("fe80::/64")};
	c.n_prefixes = 1;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), -EINVAL);
	c.prefixes[0] = (struct vn_ra6_prefix){.prefix = P("2001:db8::/64"), .valid_s = 1,
					       .preferred_s = 2};
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), -EINVAL);
	CU_ASSERT_EQUAL(vn_ra6_config_set(VN_IF_MAX - 1, &d), -ENODEV);
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &d), 0);
	/* Prefix entries: replaced by prefix, removed, full. */
	for (uint32_t i = 0; i < VN_RA6_PREFIX_MAX; i++) {
		struct vn_ra6_prefix p = {.prefix = P("2001:db8::/64")};
		p.prefix.addr.b[5] = (uint8_t)i;
		CU_ASSERT_EQUAL(vn_ra6_prefix_set(if_lan, &p), 0);
		CU_ASSERT_EQUAL(vn_ra6_prefix_set(if_lan, &p), 0);
	}
	CU_ASSERT_EQUAL(vn_ra6_prefix_set(if_lan,
					  &(struct vn_ra6_prefix){.prefix = P("2001:db9::/64")}),
			-ENOSPC);
	CU_ASSERT_EQUAL(vn_ra6_prefix_del(if_lan, (struct vn_prefix6[1]){P("2001:db8::/64")}), 0);
	CU_ASSERT_EQUAL(vn_ra6_prefix_del(if_lan, (struct vn_prefix6[1]){P("2001:db8::/64")}),
			-ENOENT);
	CU_ASSERT_EQUAL(vn_ra6_config_get(if_lan, &c), 0);
	CU_ASSERT_EQUAL(c.n_prefixes, VN_RA6_PREFIX_MAX - 1);
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &d), 0);
}

/* ---- the CLI, in VPP's syntax ------------------------------------------- */

static void
test_cli(void)
{
	struct vn_ra6_config c;
	const char *o;

	o = cmd_ok("show ip6 nd lan");
	CU_ASSERT(has(o, "ND router advertisements are off (ip6 nd IF ra)"));
	cmd_ok("ip6 nd lan no ra-suppress");
	CU_ASSERT_EQUAL(vn_ra6_config_get(if_lan, &c), 0);
	CU_ASSERT(c.send);
	cmd_ok("ip6 nd lan ra-managed-config-flag ra-other-config-flag ra-interval 60 20 "
	       "ra-lifetime 1800 ra-initial 2 8 ra-send-unicast ra-suppress-link-layer");
	CU_ASSERT_EQUAL(vn_ra6_config_get(if_lan, &c), 0);
	CU_ASSERT(c.managed && c.other && c.send_unicast && c.no_lladdr);
	CU_ASSERT_EQUAL(c.max_interval_s, 60);
	CU_ASSERT_EQUAL(c.min_interval_s, 20);
	CU_ASSERT_EQUAL(c.lifetime_s, 1800);
	CU_ASSERT_EQUAL(c.initial_count, 2);
	CU_ASSERT_EQUAL(c.initial_interval_s, 8);
	cmd_ok("ip6 nd lan prefix 2001:db8:5::1/64 86400 3600 no-autoconfig");
	cmd_ok("ip6 nd lan prefix 2001:db8:6::/64 infinite off-link");
	o = cmd_ok("show ip6 nd lan");
	CU_ASSERT(has(o, "sent every 60 seconds (min interval 20)"));
	CU_ASSERT(has(o, "live for 1800 seconds"));
	CU_ASSERT(has(o, "ND prefix 2001:db8:5::/64 valid 86400s preferred 3600s no-autoconfig"));
	CU_ASSERT(has(o, "ND prefix 2001:db8:6::/64 valid infinite preferred infinite off-link"));
	CU_ASSERT(has(o, "ND router solicitations received"));
	CU_ASSERT(has(cmd_ok("show ip6 interface lan"), "live for 1800 seconds"));
	cmd_ok("ip6 nd lan no prefix 2001:db8:5::/64");
	expect_err("ip6 nd lan no prefix 2001:db8:5::/64", "no such prefix");
	expect_err("ip6 nd lan ra-interval 100 90",
		   "out of range: ra-interval MAX 4-1800, MIN 3-0.75*MAX; ra-lifetime 0 or "
		   "MAX-9000; ra-initial COUNT 0-10, INTERVAL 1-1800; preferred lifetime <= valid");
	expect_err("ip6 nd lan prefix 2001:db8:7::/64 10 20",
		   "out of range: ra-interval MAX 4-1800, MIN 3-0.75*MAX; ra-lifetime 0 or "
		   "MAX-9000; ra-initial COUNT 0-10, INTERVAL 1-1800; preferred lifetime <= valid");
	CU_ASSERT(has(cmd_fail("ip6 nd lan ra-bogus"), "unexpected 'ra-bogus'"));
	CU_ASSERT(has(cmd_fail("ip6 nd lan"), "expected"));
	/* no ... restores defaults; ra-cease; off. */
	CU_ASSERT(has(cmd_ok("show ip6 nd lan"), "carry no link-layer address"));
	cmd_ok("ip6 nd lan no ra-interval no ra-lifetime no ra-initial no ra-send-unicast "
	       "no ra-suppress-link-layer");
	CU_ASSERT_EQUAL(vn_ra6_config_get(if_lan, &c), 0);
	CU_ASSERT_EQUAL(c.max_interval_s, VN_RA6_MAX_INTERVAL_DEF_S);
	CU_ASSERT_EQUAL(c.min_interval_s, 0);
	CU_ASSERT_EQUAL(c.lifetime_s, VN_RA6_LIFETIME_AUTO);
	CU_ASSERT(!c.send_unicast && !c.no_lladdr);
	cmd_ok("ip6 nd lan ra-cease");
	CU_ASSERT(has(cmd_ok("show ip6 nd lan"), ", ceased"));
	cmd_ok("ip6 nd lan no ra-cease no ra-managed-config-flag no ra-other-config-flag");
	cmd_ok("ip6 nd lan no prefix 2001:db8:6::/64");
	cmd_ok("ip6 nd lan ra-suppress");
	CU_ASSERT_EQUAL(vn_ra6_config_get(if_lan, &c), 0);
	CU_ASSERT(!c.send && !c.cease && !c.managed && c.n_prefixes == 0);
	cmd_ok("ip6 nd lan ra");
	cmd_ok("ip6 nd lan no ra");
	/* `ip` stays a word of its own beside `ip6`; prefixes as vppctl's. */
	cmd_ok("ip route add 2001:db8:77::/48 via 2001:db8:1::9");
	cmd_ok("ip route del 2001:db8:77::/48");
	CU_ASSERT(has(cmd_ok("sh ip6 nd lan"), "advertisements are off"));
	sent_free();
}

/* ---- ip6-local: RS and RA dropped or handed over by name ---------------- */

static uint64_t
counter(const char *name)
{
	return g->error_counts[vt_err("ip6-local", name)];
}

/* An RS or RA frame from the host, hop limit hl, opt_len 0 for none. */
static struct rte_mbuf *
nd_frame(uint8_t type, const char *src, const char *dst, uint8_t hl, uint8_t opt_len)
{
	uint16_t len = (type == VN_ICMP6_ROUTER_SOLICIT ? 8 : 16) + 8;
	struct rte_mbuf *m = vt_pkt(RTE_ETHER_HDR_LEN + 40 + len, (uint16_t)if_lan);
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eh + 1);
	struct vn_ip6 d = A(dst);
	uint8_t *icmp = nd_msg((uint8_t *)ip, src, dst, type, len);

	vn_ip6_mcast_mac_of(&d, eh->dst_addr.addr_bytes);
	memcpy(eh->src_addr.addr_bytes, mac_host, 6);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip->hop_limits = hl;
	icmp[len - 8] = VN_ND_OPT_SRC_LLADDR;
	icmp[len - 7] = opt_len;
	memcpy(icmp + len - 6, mac_host, 6);
	((struct vn_icmp6_hdr *)icmp)->cksum = vn_ip6_l4_cksum(ip, icmp, len, VN_IP6_NH_ICMP6);
	return m;
}

static void
inject1(struct rte_mbuf *m)
{
	vt_inject(g, "ethernet-input", &m, 1);
}

static void
test_ip6_local(void)
{
	struct vn_ra6_config c;
	struct vn_ra6_stats st;

	g = vn_graph_create(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	vt_redirect(g, "interface-output", "port-tx", "test-port-tx");
	vn_ra6_config_default(&c);
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), 0);
	inject1(nd_frame(VN_ICMP6_ROUTER_SOLICIT, "fe80::2", "ff02::2", 255, 1));
	CU_ASSERT_EQUAL(counter("router solicitation (advertisements off)"), 1);
	c.send = true;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), 0);
	inject1(nd_frame(VN_ICMP6_ROUTER_SOLICIT, "fe80::2", "ff02::2", 255, 1));
	CU_ASSERT_EQUAL(counter("router solicitation received (answered by the main thread)"), 1);
	inject1(nd_frame(VN_ICMP6_ROUTER_SOLICIT, "fe80::2", "ff02::2", 64, 1));
	CU_ASSERT_EQUAL(counter("neighbor discovery hop limit not 255"), 1);
	inject1(nd_frame(VN_ICMP6_ROUTER_SOLICIT, "fe80::2", "ff02::2", 255, 0));
	CU_ASSERT_EQUAL(counter("router solicitation malformed"), 1);
	inject1(nd_frame(VN_ICMP6_ROUTER_ADVERT, "fe80::3", "ff02::1", 255, 1));
	CU_ASSERT_EQUAL(counter("router advertisement ignored"), 1);
	inject1(nd_frame(VN_ICMP6_ROUTER_ADVERT, "fe80::3", "ff02::1", 255, 3));
	CU_ASSERT_EQUAL(counter("router advertisement malformed"), 1);
	inject1(nd_frame(VN_ICMP6_ROUTER_ADVERT, "fe80::3", "ff02::1", 254, 1));
	CU_ASSERT_EQUAL(counter("neighbor discovery hop limit not 255"), 2);
	/* Nothing goes out from a worker; an RA adds no route. */
	CU_ASSERT_EQUAL(tx_cap.n, 0);
	CU_ASSERT_EQUAL(vn_ra6_stats_get(if_lan, &st), 0);
	CU_ASSERT(st.ra_received >= 1);
	c.send = false;
	CU_ASSERT_EQUAL(vn_ra6_config_set(if_lan, &c), 0);
	sent_free();
	vt_capture_reset(&tx_cap);
	vn_graph_destroy(g);
	g = NULL;
}

/* interface-output lets a final RA out of an interface just set down, only it. */
static void
test_farewell(void)
{
	struct vn_ra6_config c;
	struct rte_mbuf *m[2];

	g = vn_graph_create(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	vt_redirect(g, "interface-output", "port-tx", "test-port-tx");
	vn_ra6_config_default(&c);
	c.send = true;
	m[0] = vn_ra6_build(vn_if_fp(if_lan), &c, 0, NULL, NULL);
	m[1] = vn_ra6_build(vn_if_fp(if_lan), &c, 0, NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m[0]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m[1]);
	vn_meta(m[0])->flags |= VN_META_F_FAREWELL;
	CU_ASSERT_EQUAL(vn_interface_set_admin(if_lan, false), 0);
	vt_inject(g, "interface-output", m, 2);
	CU_ASSERT_EQUAL(tx_cap.n, 1);
	CU_ASSERT_EQUAL(g->error_counts[vt_err("interface-output", "output interface is down")], 1);
	CU_ASSERT_EQUAL(vn_interface_set_admin(if_lan, true), 0);
	vt_capture_reset(&tx_cap);
	vn_graph_destroy(g);
	g = NULL;
}

/* ---- stable link-local addresses (RFC 7217) ------------------------------ */

static void
test_stable_iid(void)
{
	static const uint8_t s1[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	static const uint8_t s2[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17};
	struct vn_ip6 a, b, eui;
	uint8_t def1[16], def2[16];

	vn_ll6_stable_of(s1, "lan0", 0, &a);
	vn_ll6_stable_of(s1, "lan0", 0, &b);
	CU_ASSERT(vn_ip6_eq(&a, &b));
	CU_ASSERT(vn_ip6_is_link_local(&a));
	CU_ASSERT(memcmp(a.b, A("fe80::").b, 8) == 0);
	CU_ASSERT(memcmp(a.b + 8, (const uint8_t[8]){0}, 8) != 0);
	vn_ll6_stable_of(s1, "lan0", 1, &b);
	CU_ASSERT(!vn_ip6_eq(&a, &b));
	vn_ll6_stable_of(s1, "lan1", 0, &b);
	CU_ASSERT(!vn_ip6_eq(&a, &b));
	vn_ll6_stable_of(s2, "lan0", 0, &b);
	CU_ASSERT(!vn_ip6_eq(&a, &b));
	/* A known answer, so the hash and its inputs cannot drift unseen:
	 * SHA-256(fe80:: 8 bytes, "lan0", counter 0 big-endian, s1). */
	CU_ASSERT_STRING_EQUAL(vn_fmt_ip6(&a, (char[VN_IP6_STRLEN]){0}), STABLE_LAN0_S1);
	vn_ip6_link_local_of(mac_lan, &eui);
	CU_ASSERT(!vn_ip6_eq(&a, &eui));
	/* The default secret: from /etc/machine-id, the same each time. */
	if (vn_ll6_default_secret(def1) == 0) {
		CU_ASSERT_EQUAL(vn_ll6_default_secret(def2), 0);
		CU_ASSERT(memcmp(def1, def2, 16) == 0);
	}
}

static void
test_stable_dad_retries(void)
{
	static const uint8_t s1[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	struct vn_ip6 ll[VN_LL6_IDGEN_RETRIES + 1], now;
	uint32_t ifx;

	vn_ll6_set_mode(VN_LL6_STABLE, s1);
	CU_ASSERT_EQUAL_FATAL(vn_interface_create_virtual("st0", mac_host, 1500, &ifx), 0);
	CU_ASSERT_EQUAL(vn_interface_set_admin(ifx, true), 0);
	ll[0] = vn_if_fp(ifx)->ll6;
	vn_ll6_stable_of(s1, "st0", 0, &now);
	CU_ASSERT(vn_ip6_eq(&ll[0], &now));
	/* Each DAD failure moves to the next counter, up to IDGEN_RETRIES. */
	for (uint32_t i = 1; i <= VN_LL6_IDGEN_RETRIES; i++) {
		CU_ASSERT(vn_ll6_dad_failed(ifx));
		ll[i] = vn_if_fp(ifx)->ll6;
		vn_ll6_stable_of(s1, "st0", i, &now);
		CU_ASSERT(vn_ip6_eq(&ll[i], &now));
		CU_ASSERT(!vn_ip6_eq(&ll[i], &ll[i - 1]));
		CU_ASSERT(vn_dad6_ll_state(ifx) == VN_ADDR6_PREFERRED ||
			  vn_dad6_ll_state(ifx) == VN_ADDR6_TENTATIVE);
	}
	CU_ASSERT(!vn_ll6_dad_failed(ifx));
	CU_ASSERT(vn_ip6_eq(&vn_if_fp(ifx)->ll6, &ll[VN_LL6_IDGEN_RETRIES]));
	CU_ASSERT_EQUAL(vn_ll6_dad_counter(ifx), VN_LL6_IDGEN_RETRIES);
	/* EUI-64 never retries. */
	vn_ll6_set_mode(VN_LL6_EUI64, NULL);
	CU_ASSERT(!vn_ll6_dad_failed(ifx));
	vn_interface_publish(ifx);
	vn_ip6_link_local_of(mac_host, &now);
	CU_ASSERT(vn_ip6_eq(&vn_if_fp(ifx)->ll6, &now));
	CU_ASSERT_EQUAL(vn_interface_delete(ifx), 0);
}

/* End to end through DAD: a conflict on the stable link-local address
 * publishes and probes the next one, three times; then it stays duplicate. */
static void
test_stable_dad_conflicts(void)
{
	static const uint8_t s1[16] = {9, 9, 9};
	struct vn_prefix6 p = P("2001:db8:44::1/64");
	struct vn_ip6 ll, want;
	uint32_t ifx;

	vn_ll6_set_mode(VN_LL6_STABLE, s1);
	CU_ASSERT_EQUAL(vn_nd6_config_set(&(struct vn_nd6_config){.reachable_ms = 30000,
								  .dad_transmits = 1}), 0);
	CU_ASSERT_EQUAL_FATAL(vn_interface_create_virtual("st1", mac_host, 1500, &ifx), 0);
	CU_ASSERT_EQUAL(vn_interface_set_admin(ifx, true), 0);
	CU_ASSERT_EQUAL(vn_interface_addr6_add(ifx, &p), 0); /* probes the link-local too */
	for (uint32_t i = 1; i <= VN_LL6_IDGEN_RETRIES; i++) {
		ll = vn_if_fp(ifx)->ll6;
		CU_ASSERT(vn_dad6_is_tentative(ifx, &ll));
		vn_dad6_conflict(ifx, &ll);
		vn_ll6_stable_of(s1, "st1", i, &want);
		CU_ASSERT(vn_ip6_eq(&vn_if_fp(ifx)->ll6, &want));
		CU_ASSERT(vn_dad6_is_tentative(ifx, &want));
		CU_ASSERT_EQUAL(vn_dad6_ll_state(ifx), VN_ADDR6_TENTATIVE);
	}
	ll = vn_if_fp(ifx)->ll6;
	vn_dad6_conflict(ifx, &ll);
	CU_ASSERT(vn_ip6_eq(&vn_if_fp(ifx)->ll6, &ll));
	CU_ASSERT_EQUAL(vn_dad6_ll_state(ifx), VN_ADDR6_DUPLICATE);
	CU_ASSERT_EQUAL(vn_interface_delete(ifx), 0);

	/* DAD turned off meanwhile: the next address is used at once. */
	CU_ASSERT_EQUAL_FATAL(vn_interface_create_virtual("st2", mac_host, 1500, &ifx), 0);
	CU_ASSERT_EQUAL(vn_ll6_dad_counter(ifx), 0);
	CU_ASSERT_EQUAL(vn_interface_set_admin(ifx, true), 0);
	CU_ASSERT_EQUAL(vn_interface_addr6_add(ifx, &p), 0);
	CU_ASSERT_EQUAL(vn_nd6_config_set(&(struct vn_nd6_config){.reachable_ms = 30000}), 0);
	ll = vn_if_fp(ifx)->ll6;
	vn_dad6_conflict(ifx, &ll);
	CU_ASSERT(!vn_ip6_eq(&vn_if_fp(ifx)->ll6, &ll));
	CU_ASSERT_EQUAL(vn_dad6_ll_state(ifx), VN_ADDR6_PREFERRED);
	CU_ASSERT_EQUAL(vn_interface_delete(ifx), 0);
	vn_ll6_set_mode(VN_LL6_EUI64, NULL);
}

/* VPP's set ip6 link-local address: published, probed, given back. */
static void
test_manual_link_local(void)
{
	struct vn_ip6 eui, want = A("fe80::1:2");

	CU_ASSERT_EQUAL(vn_nd6_config_set(&(struct vn_nd6_config){.reachable_ms = 30000,
								  .dad_transmits = 1}), 0);
	vn_ip6_link_local_of(mac_lan, &eui);
	CU_ASSERT(vn_ip6_eq(&vn_if_fp(if_lan)->ll6, &eui));
	cmd_ok("set ip6 link-local address lan fe80::1:2");
	CU_ASSERT(vn_ip6_eq(&vn_if_fp(if_lan)->ll6, &want));
	CU_ASSERT(vn_dad6_is_tentative(if_lan, &want)); /* lan has IPv6 on: probed */
	CU_ASSERT(!vn_dad6_is_tentative(if_lan, &eui));
	CU_ASSERT(has(cmd_ok("show ip6 interface lan"), "fe80::1:2 (tentative)"));
	/* An address set by hand is not replaced on a conflict, even when stable. */
	vn_ll6_set_mode(VN_LL6_STABLE, (const uint8_t[16]){7});
	vn_dad6_conflict(if_lan, &want);
	vn_ll6_set_mode(VN_LL6_EUI64, NULL);
	CU_ASSERT(vn_ip6_eq(&vn_if_fp(if_lan)->ll6, &want));
	CU_ASSERT_EQUAL(vn_dad6_ll_state(if_lan), VN_ADDR6_DUPLICATE);
	expect_err("set ip6 link-local address lan 2001:db8::1",
		   "not a link-local unicast address (fe80::/10)");
	expect_err("set ip6 link-local address lan ff02::1",
		   "not a link-local unicast address (fe80::/10)");
	cmd_ok("set ip6 link-local address lan del");
	CU_ASSERT(vn_ip6_eq(&vn_if_fp(if_lan)->ll6, &eui));
	CU_ASSERT(vn_dad6_is_tentative(if_lan, &eui));
	vn_dad6_stop(if_lan, &eui);
	CU_ASSERT_EQUAL(vn_nd6_config_set(&(struct vn_nd6_config){.reachable_ms = 30000}), 0);
}

int
main(void)
{
	static CU_TestInfo tests[] = {
		{"RA built: options, lengths, checksum, prefixes", test_build},
		{"router lifetime: auto, set, cease, off", test_router_lifetime},
		{"unsolicited interval: jitter within MIN..MAX, initial", test_interval_jitter},
		{"solicited RA: delay and MIN_DELAY_BETWEEN_RAS", test_rs_rate_limit},
		{"received RS and RA checked and counted", test_rs_ra_input},
		{"sending: initial, periodic, solicited, unicast, final", test_send_schedule},
		{"configuration ranges and prefix entries", test_config_ranges},
		{"ip6 nd and show ip6 nd, VPP syntax", test_cli},
		{"ip6-local: RS and RA by name, never forwarded", test_ip6_local},
		{"interface-output: a final RA leaves a downed interface", test_farewell},
		{"stable IID: deterministic, per counter, name, secret", test_stable_iid},
		{"stable link-local: DAD retries up to 3", test_stable_dad_retries},
		{"stable link-local: DAD conflicts end to end", test_stable_dad_conflicts},
		{"set ip6 link-local address: by hand, probed, del", test_manual_link_local},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"ra6", suite_init, suite_fini, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
