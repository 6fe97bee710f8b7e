/*
 * The IPv6 path through a real graph: ethernet-input, ip6-input, ip6-lookup,
 * ip6-rewrite, ip6-local, ip6-icmp-error, ip6-glean, interface-output and
 * error-drop, on virtual interfaces with the real FIB and neighbour tables.
 * Only port-tx is a capture node: what the engine sends (forwarded packets,
 * replies, errors, solicitations) is asserted as it would leave; a drop is
 * asserted by its counter, under the name the dropping node gave it.
 *
 * Topology:  lan 2001:db8:1::1/64 (mtu 1500), peer 2001:db8:1::2 (static)
 *            wan 2001:db8:2::1/64 (mtu 1280), nh 2001:db8:2::2 (static)
 *            2001:db8:100::/48 via 2001:db8:2::2, 2001:db8:dead::/48 drop
 */
#include <CUnit/CUnit.h>
#include <pthread.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vecnet/net/dad6.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/ip6_local.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/neighbor6.h>
#include <vecnet/net/vlan.h>
#include <vecnet/rcu.h>

#include "vn_test.h"
#include "vn_test_graph.h"
#include "net/fib_priv.h"

VT_CAPTURE_NODE(tx_cap, "test-port-tx");
VT_CAPTURE_NODE(claim_cap, "test-ip6-claim");

static const uint8_t mac_lan[6] = {0x02, 0, 0, 0, 0x60, 1};
static const uint8_t mac_wan[6] = {0x02, 0, 0, 0, 0x60, 2};
static const uint8_t mac_peer[6] = {0x02, 0xaa, 0, 0, 0, 2};
static const uint8_t mac_nh[6] = {0x02, 0xbb, 0, 0, 0, 2};
static uint32_t if_lan, if_wan;
static struct vn_graph *g;

#define UDP_LEN 64 /* UDP payload of the reference packet */
#define L3_LEN (40 + 8 + UDP_LEN)

static struct vn_ip6
A(const char *s)
{
	struct vn_ip6 a;

	if (vn_parse_ip6(s, &a) < 0) { /* a typo in the test itself */
		fprintf(stderr, "bad test address %s\n", s);
		abort();
	}
	return a;
}

static struct vn_prefix6
P(const char *s)
{
	struct vn_prefix6 p;

	if (vn_parse_prefix6(s, &p) < 0) {
		fprintf(stderr, "bad test prefix %s\n", s);
		abort();
	}
	return p;
}

/* Pointers to one-off values, for the control API. */
#define AP(s) ((struct vn_ip6[1]){A(s)})
#define PP(s) ((struct vn_prefix6[1]){P(s)})

/* ---- graph -------------------------------------------------------------- */

static void
graph_up(void)
{
	g = vn_graph_create(0);
	if (!g)
		abort();
	vt_redirect(g, "interface-output", "port-tx", "test-port-tx");
}

static void
graph_down(void)
{
	vt_capture_reset(&tx_cap);
	vt_capture_reset(&claim_cap);
	vn_graph_destroy(g);
	g = NULL;
}

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

static uint64_t
n_dropped(void)
{
	return vn_graph_rt(g)->nodes[vt_node_index("error-drop")].vectors;
}

static void
assert_dropped(const char *node, const char *err)
{
	CU_ASSERT_EQUAL(tx_cap.n, 0);
	CU_ASSERT_EQUAL(n_dropped(), 1);
	CU_ASSERT_EQUAL(counter(node, err), 1);
	if (counter(node, err) != 1)
		fprintf(stderr, "\n  expected a drop '%s' by %s\n", err, node);
	CU_ASSERT_EQUAL(g->error_counts[0], 0);
}

static void
inject(struct rte_mbuf **pkts, uint16_t n)
{
	vt_inject(g, "ethernet-input", pkts, n);
}

static void
inject1(struct rte_mbuf *m)
{
	inject(&m, 1);
}

/* ---- packets ------------------------------------------------------------ */

/* An IPv6 header from src to dst, payload plen, next header nh, hop limit hl. */
static void
ip6_hdr(uint8_t *p, const char *src, const char *dst, uint16_t plen, uint8_t nh, uint8_t hl)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)p;
	struct vn_ip6 s = A(src), d = A(dst);

	ip->vtc_flow = rte_cpu_to_be_32(6u << 28 | 0x12345);
	ip->payload_len = rte_cpu_to_be_16(plen);
	ip->proto = nh;
	ip->hop_limits = hl;
	memcpy(ip->src_addr, s.b, 16);
	memcpy(ip->dst_addr, d.b, 16);
}

/* A frame to dst_mac from the peer carrying l3_len bytes built by the caller. */
static struct rte_mbuf *
frame(const uint8_t *dst_mac, const uint8_t *src_mac, uint32_t rx_if, uint16_t l3_len,
      uint8_t **l3)
{
	struct rte_mbuf *m = vt_pkt(RTE_ETHER_HDR_LEN + l3_len, (uint16_t)rx_if);
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	memcpy(eh->dst_addr.addr_bytes, dst_mac, 6);
	memcpy(eh->src_addr.addr_bytes, src_mac, 6);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	*l3 = (uint8_t *)(eh + 1);
	return m;
}

/* The reference packet: UDP from the peer to dst, hop limit 64. */
static struct rte_mbuf *
udp6(const char *src, const char *dst)
{
	uint8_t *l3;
	struct rte_mbuf *m = frame(mac_lan, mac_peer, if_lan, L3_LEN, &l3);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(l3 + 40);

	ip6_hdr(l3, src, dst, 8 + UDP_LEN, IPPROTO_UDP, 64);
	udp->src_port = rte_cpu_to_be_16(1000);
	udp->dst_port = rte_cpu_to_be_16(2000);
	udp->dgram_len = rte_cpu_to_be_16(8 + UDP_LEN);
	for (uint32_t i = 0; i < UDP_LEN; i++)
		l3[48 + i] = (uint8_t)i;
	udp->dgram_cksum = rte_ipv6_udptcp_cksum((struct rte_ipv6_hdr *)l3, udp);
	return m;
}

/* ICMPv6 of type/code with body (len bytes) from src to dst at hop limit hl. */
static struct rte_mbuf *
icmp6(const uint8_t *dst_mac, const char *src, const char *dst, uint8_t hl, uint8_t type,
      const void *body, uint16_t len)
{
	uint8_t *l3;
	struct rte_mbuf *m = frame(dst_mac, mac_peer, if_lan, 40 + 4 + len, &l3);
	struct vn_icmp6_hdr *ic = (struct vn_icmp6_hdr *)(l3 + 40);

	ip6_hdr(l3, src, dst, 4 + len, VN_IP6_NH_ICMP6, hl);
	ic->type = type;
	memcpy(l3 + 44, body, len);
	ic->cksum = rte_ipv6_udptcp_cksum((struct rte_ipv6_hdr *)l3, ic);
	return m;
}

static const struct rte_ipv6_hdr *
sent_ip(uint32_t i)
{
	return rte_pktmbuf_mtod_offset(tx_cap.pkts[i], const struct rte_ipv6_hdr *,
				       RTE_ETHER_HDR_LEN);
}

/* The i-th sent frame goes to dst_mac from src_mac on tx_if and carries IPv6
 * whose ICMPv6 (if any, right after the header) has a good checksum. */
static void
assert_sent(uint32_t i, const uint8_t *dst_mac, const uint8_t *src_mac, uint32_t tx_if)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(tx_cap.pkts[i], const struct rte_ether_hdr *);
	const struct rte_ipv6_hdr *ip = sent_ip(i);

	CU_ASSERT_EQUAL(memcmp(eh->dst_addr.addr_bytes, dst_mac, 6), 0);
	CU_ASSERT_EQUAL(memcmp(eh->src_addr.addr_bytes, src_mac, 6), 0);
	CU_ASSERT_EQUAL(eh->ether_type, rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6));
	CU_ASSERT_EQUAL(vn_meta(tx_cap.pkts[i])->tx_if, tx_if);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(tx_cap.pkts[i]),
			RTE_ETHER_HDR_LEN + 40 + rte_be_to_cpu_16(ip->payload_len));
	if (ip->proto == VN_IP6_NH_ICMP6)
		CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum_verify(ip, ip + 1), 0);
}

static const struct vn_icmp6_hdr *
sent_icmp(uint32_t i)
{
	return (const struct vn_icmp6_hdr *)(sent_ip(i) + 1);
}

/* ---- suite -------------------------------------------------------------- */

static int
suite_init(void)
{
	struct vn_route6_path via_nh = {.via = A("2001:db8:2::2"), .if_index = VN_IF_ANY};
	struct vn_prefix6 lan = P("2001:db8:1::1/64"), wan = P("2001:db8:2::1/64");
	struct vn_prefix6 r100 = P("2001:db8:100::/48"), rdead = P("2001:db8:dead::/48");
	struct vn_ip6 peer = A("2001:db8:1::2"), nh = A("2001:db8:2::2");

	/* Room for the 100k-route test (IPv6 holds up to a quarter million). */
	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0 || vn_fib_init(1u << 18) < 0 ||
	    vn_neighbor_init() < 0)
		return -1;
	if (vn_interface_create_virtual("lan", mac_lan, 1500, &if_lan) < 0 ||
	    vn_interface_create_virtual("wan", mac_wan, 1280, &if_wan) < 0 ||
	    vn_interface_set_admin(if_lan, true) < 0 || vn_interface_set_admin(if_wan, true) < 0)
		return -1;
	if (vn_interface_addr6_add(if_lan, &lan) < 0 || vn_interface_addr6_add(if_wan, &wan) < 0 ||
	    vn_neighbor6_set(if_lan, &peer, mac_peer, true) < 0 ||
	    vn_neighbor6_set(if_wan, &nh, mac_nh, true) < 0 ||
	    vn_route6_add(&r100, &via_nh, 1) < 0 || vn_route6_add_drop(&rdead) < 0)
		return -1;
	/* Protocol 254 (experimental) is claimed; ICMPv6 cannot be. */
	if (vn_ip6_local_register_protocol(254, "test-ip6-claim") < 0 ||
	    vn_ip6_local_register_protocol(254, "test-ip6-claim") < 0 ||
	    vn_ip6_local_register_protocol(254, "test-port-tx") != -EEXIST ||
	    vn_ip6_local_register_protocol(VN_IP6_NH_ICMP6, "test-ip6-claim") != -EBUSY)
		return -1;
	return vn_graph_build() < 0 ? -1 : 0;
}

/* After the last suite: the FIB frees its routes (LeakSanitizer checks it). */
static int
suite_fini(void)
{
	vn_neighbor_fini();
	vn_fib_fini();
	return 0;
}

/* ---- addresses and control plane ------------------------------------------ */

static void
test_parse(void)
{
	struct vn_prefix6 p;
	struct vn_ip6 a;
	char buf[VN_PREFIX6_STRLEN];

	CU_ASSERT_EQUAL(vn_parse_prefix6("2001:db8::1/64", &p), 0);
	CU_ASSERT_EQUAL(p.len, 64);
	CU_ASSERT_STRING_EQUAL(vn_fmt_prefix6(&p, buf), "2001:db8::1/64");
	CU_ASSERT_EQUAL(vn_parse_prefix6("::/0", &p), 0);
	CU_ASSERT_EQUAL(vn_parse_ip6("fe80::1", &a), 0);
	/* Refused: junk, zones, lengths, IPv4, empty, two "::". */
	CU_ASSERT_EQUAL(vn_parse_prefix6("2001:db8::1/129", &p), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_prefix6("2001:db8::1/064", &p), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_prefix6("2001:db8::1/", &p), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_prefix6("2001:db8::1", &p), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_ip6("fe80::1%eth0", &a), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_ip6("10.0.0.1", &a), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_ip6("1::2::3", &a), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_ip6("2001:db8::1x", &a), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_ip6("", &a), -EINVAL);
	/* EUI-64 (RFC 4291 appendix A) and the solicited-node group. */
	vn_ip6_link_local_of((const uint8_t[6]){0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde}, &a);
	CU_ASSERT_STRING_EQUAL(vn_fmt_ip6(&a, buf), "fe80::3656:78ff:fe9a:bcde");
	vn_ip6_solicited_node_of(&a, &a);
	CU_ASSERT_STRING_EQUAL(vn_fmt_ip6(&a, buf), "ff02::1:ff9a:bcde");
}

static void
test_fib_routes(void)
{
	struct vn_route6_info ri;
	struct vn_prefix6 p = P("2001:db8:200::/48"), bad = P("2001:db8:200::1/48");
	struct vn_route6_path paths[2] = {{.via = A("2001:db8:2::2"), .if_index = VN_IF_ANY},
					  {.via = A("2001:db8:1::2"), .if_index = VN_IF_ANY}};
	struct vn_route6_path ll = {.via = A("fe80::1"), .if_index = VN_IF_ANY};
	struct vn_route6_path off = {.via = A("2001:db8:9::1"), .if_index = VN_IF_ANY};
	uint32_t routes = vn_fib6_route_count();

	CU_ASSERT_EQUAL(vn_route6_add(&bad, paths, 1), -EINVAL); /* host bits set */
	CU_ASSERT_EQUAL(vn_route6_add(&p, &ll, 1), -EINVAL); /* link-local via, no IF */
	CU_ASSERT_EQUAL(vn_route6_add(&p, &off, 1), -ENETUNREACH);
	CU_ASSERT_EQUAL(vn_route6_add(&p, paths, 2), 0);
	/* The bulk hint before many adds changes nothing, not even its input. */
	struct vn_prefix6 hint[4] = {p, bad, P("2001:db8:201::/48"), bad};
	hint[3].len = 200;
	vn_fib6_prefetch(hint, 4);
	CU_ASSERT_EQUAL(memcmp(&hint[1], &bad, sizeof(bad)), 0);
	CU_ASSERT_EQUAL(hint[3].len, 200);
	CU_ASSERT_EQUAL(vn_fib6_route_count(), routes + 1);
	CU_ASSERT_EQUAL(vn_fib6_get(&p, &ri), 0);
	CU_ASSERT_EQUAL(ri.n_paths, 2);
	CU_ASSERT(ri.fib_nh & VN_FIB_NH_ECMP);
	CU_ASSERT_EQUAL(vn_route6_del(&p, &paths[1]), 0);
	CU_ASSERT_EQUAL(vn_fib6_get(&p, &ri), 0);
	CU_ASSERT_EQUAL(ri.n_paths, 1);
	CU_ASSERT_FALSE(ri.fib_nh & VN_FIB_NH_ECMP);
	ll.if_index = if_wan;
	CU_ASSERT_EQUAL(vn_route6_add(&p, &ll, 1), 0); /* a link-local via naming its IF */
	CU_ASSERT_EQUAL(vn_route6_del(&p, NULL), 0);
	CU_ASSERT_EQUAL(vn_route6_del(&p, NULL), -ENOENT);
	CU_ASSERT_EQUAL(vn_fib6_route_count(), routes);
	/* Connected and local routes belong to the address. */
	CU_ASSERT_EQUAL(vn_route6_del(PP("2001:db8:1::/64"), NULL), -EPERM);
	CU_ASSERT_EQUAL(vn_fib6_lookup(AP("2001:db8:1::1"), &ri), 0);
	CU_ASSERT_EQUAL(ri.source, VN_ROUTE_LOCAL);
	CU_ASSERT_EQUAL(vn_fib6_lookup(AP("2001:db8:1::77"), &ri), 0);
	CU_ASSERT_EQUAL(ri.source, VN_ROUTE_CONNECTED);
}

static void
test_addresses(void)
{
	const struct vn_if_fp *fp = vn_if_fp(if_lan);
	struct vn_prefix6 p = P("2001:db8:7::1/64");
	struct vn_route6_info ri;

	CU_ASSERT(vn_if_has_addr6(fp, AP("2001:db8:1::1")));
	CU_ASSERT(vn_if_has_addr6(fp, AP("fe80::ff:fe00:6001")));
	CU_ASSERT_EQUAL(vn_interface_addr6_add(if_lan, PP("fe80::5/64")),
			-EINVAL);
	CU_ASSERT_EQUAL(vn_interface_addr6_add(if_lan, PP("ff02::5/64")),
			-EINVAL);
	CU_ASSERT_EQUAL(vn_interface_addr6_add(if_wan, PP("2001:db8:1::1/64")),
			-EEXIST);
	/* A static neighbour set before the prefix exists gets its host route with it. */
	CU_ASSERT_EQUAL(vn_neighbor6_set(if_lan, AP("2001:db8:7::9"), mac_peer, true), 0);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:7::9/128"), &ri), -ENOENT);
	CU_ASSERT_EQUAL(vn_interface_addr6_add(if_lan, &p), 0);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:7::/64"), &ri), 0);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:7::9/128"), &ri), 0);
	CU_ASSERT_EQUAL(ri.source, VN_ROUTE_HOST);
	CU_ASSERT_EQUAL(vn_neighbor6_del(if_lan, AP("2001:db8:7::9")), 0);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:7::9/128"), &ri), -ENOENT);
	CU_ASSERT_EQUAL(vn_interface_addr6_del(if_lan, &p), 0);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:7::/64"), &ri), -ENOENT);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:7::1/128"), &ri), -ENOENT);
}

/* A path through an interface leaves with it; the route keeps its other paths. */
static void
test_interface_deleted(void)
{
	static const uint8_t mac_tmp[6] = {0x02, 0, 0, 0, 0x60, 9};
	struct vn_route6_path two[2] = {{.via = A("2001:db8:3::2"), .if_index = VN_IF_ANY},
					{.via = A("2001:db8:2::2"), .if_index = VN_IF_ANY}};
	struct vn_route6_info ri;
	uint32_t if_tmp, adjs = vn_adj_count();

	CU_ASSERT_EQUAL_FATAL(vn_interface_create_virtual("tmp", mac_tmp, 1500, &if_tmp), 0);
	CU_ASSERT_EQUAL_FATAL(vn_interface_addr6_add(if_tmp, PP("2001:db8:3::1/64")), 0);
	CU_ASSERT_EQUAL(vn_route6_add(PP("2001:db8:300::/48"), two, 2), 0);
	CU_ASSERT_EQUAL(vn_route6_add(PP("2001:db8:301::/48"), two, 1), 0);
	CU_ASSERT_EQUAL(vn_neighbor6_set(if_tmp, AP("2001:db8:3::7"), mac_peer, true), 0);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:3::7/128"), &ri), 0);
	CU_ASSERT_EQUAL(vn_interface_delete(if_tmp), 0);
	CU_ASSERT_EQUAL_FATAL(vn_fib6_get(PP("2001:db8:300::/48"), &ri), 0);
	CU_ASSERT_EQUAL(ri.n_paths, 1);
	CU_ASSERT(vn_ip6_eq(&ri.paths[0].via, AP("2001:db8:2::2")));
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:301::/48"), &ri), -ENOENT);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:3::7/128"), &ri), -ENOENT);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:3::/64"), &ri), -ENOENT);
	CU_ASSERT_EQUAL(vn_neighbor6_get(if_tmp, AP("2001:db8:3::7"), NULL), -ENOENT);
	CU_ASSERT_EQUAL(vn_route6_del(PP("2001:db8:300::/48"), NULL), 0);
	CU_ASSERT_EQUAL(vn_adj_count(), adjs);
}

/* Carrier lost or back, as the link poll would publish it (a virtual
 * interface's link is always up, so the snapshot is swapped by hand). */
static void
set_link(uint32_t if_index, bool up)
{
	struct vn_if_fp *fp = rte_zmalloc("test_fp", sizeof(*fp), RTE_CACHE_LINE_SIZE), *old;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	old = vn_if_fp_table[if_index];
	*fp = *old;
	fp->link_up = up;
	__atomic_store_n(&vn_if_fp_table[if_index], fp, __ATOMIC_RELEASE);
	vn_rcu_synchronize();
	rte_free(old);
	vn_fib_interface_changed(if_index);
}

/* A path over a down link leaves its ECMP group and comes back with it; a
 * route whose only path is down is unreachable meanwhile. */
static void
test_link_down(void)
{
	struct vn_route6_path two[2] = {{.via = A("2001:db8:1::2"), .if_index = VN_IF_ANY},
					{.via = A("2001:db8:2::2"), .if_index = VN_IF_ANY}};
	struct vn_route6_info ri;

	CU_ASSERT_EQUAL_FATAL(vn_route6_add(PP("2001:db8:500::/48"), two, 2), 0);
	CU_ASSERT_EQUAL_FATAL(vn_route6_add(PP("2001:db8:501::/48"), &two[1], 1), 0);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:500::/48"), &ri), 0);
	CU_ASSERT(ri.fib_nh & VN_FIB_NH_ECMP);
	set_link(if_wan, false);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:500::/48"), &ri), 0);
	if (ri.fib_nh & VN_FIB_NH_ECMP) { /* still over both: undo before failing */
		set_link(if_wan, true);
		vn_route6_del(PP("2001:db8:500::/48"), NULL);
		vn_route6_del(PP("2001:db8:501::/48"), NULL);
		CU_FAIL_FATAL("the down link's path stayed in the ECMP group");
	}
	CU_ASSERT_EQUAL(vn_adj_get(ri.fib_nh)->tx_if, if_lan);
	CU_ASSERT_EQUAL(ri.n_paths, 2); /* both paths kept, one out of use */
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:501::/48"), &ri), 0);
	CU_ASSERT_EQUAL(ri.fib_nh, VN_ADJ_INDEX_UNREACH);
	set_link(if_wan, true);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:500::/48"), &ri), 0);
	CU_ASSERT(ri.fib_nh & VN_FIB_NH_ECMP);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:501::/48"), &ri), 0);
	CU_ASSERT_EQUAL(vn_adj_get(ri.fib_nh)->tx_if, if_wan);
	CU_ASSERT_EQUAL(vn_route6_del(PP("2001:db8:500::/48"), NULL), 0);
	CU_ASSERT_EQUAL(vn_route6_del(PP("2001:db8:501::/48"), NULL), 0);
}

/* 100,000 /48s in and out: nothing leaks, counts come back. */
static void
test_100k_routes(void)
{
	struct vn_route6_path via = {.via = A("2001:db8:2::2"), .if_index = VN_IF_ANY};
	uint32_t routes = vn_fib6_route_count(), adjs = vn_adj_count(), failed = 0;
	struct vn_prefix6 p = P("2001:db8:4000::/48");
	struct vn_route6_info ri;
	uint64_t t0 = rte_rdtsc();

	for (uint32_t i = 0; i < 100000; i++) {
		p.addr.b[4] = (uint8_t)(0x40 + (i >> 16));
		p.addr.b[5] = (uint8_t)(i >> 8);
		p.addr.b[3] = (uint8_t)i; /* spread over tbl8 groups at two levels */
		int rc = vn_route6_add(&p, &via, 1);
		if (rc != 0 && failed++ == 0)
			fprintf(stderr, "\n  route %u: %d\n", i, rc);
	}
	double t_add = (double)(rte_rdtsc() - t0) / rte_get_tsc_hz();
	CU_ASSERT_EQUAL(failed, 0);
	CU_ASSERT_EQUAL(vn_fib6_route_count(), routes + 100000);
	CU_ASSERT_EQUAL(vn_fib6_lookup(AP("2001:d07:4001::1"), &ri), 0); /* i = 0x107 */
	CU_ASSERT_EQUAL(ri.prefix.len, 48);
	t0 = rte_rdtsc();
	for (uint32_t i = 0; i < 100000; i++) {
		p.addr.b[4] = (uint8_t)(0x40 + (i >> 16));
		p.addr.b[5] = (uint8_t)(i >> 8);
		p.addr.b[3] = (uint8_t)i;
		failed += vn_route6_del(&p, NULL) != 0;
	}
	double t_del = (double)(rte_rdtsc() - t0) / rte_get_tsc_hz();
	CU_ASSERT_EQUAL(failed, 0);
	CU_ASSERT_EQUAL(vn_fib6_route_count(), routes);
	CU_ASSERT_EQUAL(vn_adj_count(), adjs);
	printf("\n    100000 /48: add %.3f s, delete %.3f s ", t_add, t_del);
}

struct walk_order {
	struct vn_prefix6 prev;
	uint32_t n, out_of_order;
};

static int
walk_order_cb(const struct vn_route6_info *r, void *ctx)
{
	struct walk_order *w = ctx;
	int c = memcmp(r->prefix.addr.b, w->prev.addr.b, 16);

	if (w->n++ > 0 && (c < 0 || (c == 0 && r->prefix.len <= w->prev.len)))
		w->out_of_order++;
	w->prev = r->prefix;
	return 0;
}

/* The table at its size (engine.ip6-routes; 262,144 here): one route more is
 * refused with -ENOSPC and leaves nothing behind; walks list routes in
 * address order, a prefix before those inside it; the control-plane longest
 * match finds the longest of several lengths. */
static void
test_table_full(void)
{
	struct vn_route6_path via = {.via = A("2001:db8:2::2"), .if_index = VN_IF_ANY};
	uint32_t routes = vn_fib6_route_count(), adjs = vn_adj_count(), n = 0, failed = 0;
	struct vn_prefix6 p = P("2400::/48");
	struct vn_route6_info ri;
	struct walk_order w = {.n = 0};
	int rc = 0;

	for (n = 0; n < (1u << 19); n++) {
		p.addr.b[2] = (uint8_t)(n >> 16);
		p.addr.b[3] = (uint8_t)(n >> 8);
		p.addr.b[5] = (uint8_t)n;
		rc = vn_route6_add(&p, &via, 1);
		if (rc != 0)
			break;
	}
	CU_ASSERT_EQUAL(rc, -ENOSPC);
	CU_ASSERT_EQUAL(routes + n, 1u << 18);
	CU_ASSERT_EQUAL(vn_fib6_route_count(), 1u << 18);
	CU_ASSERT_EQUAL(vn_fib6_get(&p, &ri), -ENOENT); /* the refused one */
	CU_ASSERT_EQUAL(vn_route6_add(PP("2001:db8:2::99/128"), &via, 1), -ENOSPC);
	/* A route already there still takes a second path. */
	CU_ASSERT_EQUAL(vn_route6_add(PP("2400::/48"), &(struct vn_route6_path){
		.via = A("2001:db8:2::3"), .if_index = VN_IF_ANY}, 1), 0);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2400::/48"), &ri), 0);
	CU_ASSERT_EQUAL(ri.n_paths, 2);
	vn_fib6_walk(walk_order_cb, &w);
	CU_ASSERT_EQUAL(w.n, 1u << 18);
	CU_ASSERT_EQUAL(w.out_of_order, 0);
	for (uint32_t i = 0; i < n; i++) {
		p.addr.b[2] = (uint8_t)(i >> 16);
		p.addr.b[3] = (uint8_t)(i >> 8);
		p.addr.b[5] = (uint8_t)i;
		failed += vn_route6_del(&p, NULL) != 0;
	}
	CU_ASSERT_EQUAL(failed, 0);
	CU_ASSERT_EQUAL(vn_fib6_route_count(), routes);
	CU_ASSERT_EQUAL(vn_adj_count(), adjs);
	/* Longest match over lengths 32, 48, 56 and 64 (connected). */
	CU_ASSERT_EQUAL(vn_route6_add(PP("2001:db8:1::/48"), &via, 1), 0);
	CU_ASSERT_EQUAL(vn_route6_add(PP("2001:db8:1:100::/56"), &via, 1), 0);
	CU_ASSERT_EQUAL(vn_route6_add(PP("2001:db8::/32"), &via, 1), 0);
	CU_ASSERT_EQUAL(vn_fib6_lookup(AP("2001:db8:1:1ff::9"), &ri), 0);
	CU_ASSERT_EQUAL(ri.prefix.len, 56);
	CU_ASSERT_EQUAL(vn_fib6_lookup(AP("2001:db8:1::9"), &ri), 0);
	CU_ASSERT_EQUAL(ri.prefix.len, 64);
	CU_ASSERT_EQUAL(vn_fib6_lookup(AP("2001:db8:1:200::9"), &ri), 0);
	CU_ASSERT_EQUAL(ri.prefix.len, 48);
	CU_ASSERT_EQUAL(vn_fib6_lookup(AP("2001:db8:7::9"), &ri), 0);
	CU_ASSERT_EQUAL(ri.prefix.len, 32);
	CU_ASSERT_EQUAL(vn_fib6_lookup(AP("2002::1"), &ri), -ENOENT);
	CU_ASSERT_EQUAL(vn_lpm6_lookup(vn_fib6, A("2002::1").b), VN_ADJ_INDEX_UNREACH);
	/* The default route (rte_lpm6 refused length 0): what nothing longer
	 * holds, on the workers' table too; its delete leaves the rest. */
	CU_ASSERT_EQUAL(vn_route6_add(PP("::/0"), &via, 1), 0);
	CU_ASSERT_EQUAL(vn_fib6_lookup(AP("2002::1"), &ri), 0);
	CU_ASSERT_EQUAL(ri.prefix.len, 0);
	CU_ASSERT_EQUAL(vn_lpm6_lookup(vn_fib6, A("2002::1").b), ri.fib_nh);
	CU_ASSERT_EQUAL(vn_fib6_lookup(AP("2001:db8:7::9"), &ri), 0);
	CU_ASSERT_EQUAL(ri.prefix.len, 32);
	CU_ASSERT_EQUAL(vn_route6_del(PP("::/0"), NULL), 0);
	CU_ASSERT_EQUAL(vn_lpm6_lookup(vn_fib6, A("2002::1").b), VN_ADJ_INDEX_UNREACH);
	CU_ASSERT_EQUAL(vn_fib6_lookup(AP("2001:db8:7::9"), &ri), 0);
	CU_ASSERT_EQUAL(ri.prefix.len, 32);
	CU_ASSERT_EQUAL(vn_route6_del(PP("2001:db8:1::/48"), NULL), 0);
	CU_ASSERT_EQUAL(vn_route6_del(PP("2001:db8:1:100::/56"), NULL), 0);
	CU_ASSERT_EQUAL(vn_route6_del(PP("2001:db8::/32"), NULL), 0);
	CU_ASSERT_EQUAL(vn_fib6_route_count(), routes);
}

static volatile bool reader_stop;
static uint64_t reader_lookups, reader_bad;

/* A worker: bulk lookups and adjacency reads, quiescent between rounds as
 * the graph loop is. ASan would catch an early free; the checks catch a
 * result that is no adjacency of ours. */
static void *
reader_thread(void *arg)
{
	uint8_t dst[64][16];
	const uint8_t *dp[64];
	uint32_t nh[64];
	uint32_t x = 1;

	vn_rcu_thread_online(1);
	while (!__atomic_load_n(&reader_stop, __ATOMIC_RELAXED)) {
		for (uint32_t i = 0; i < 64; i++) {
			x = x * 1103515245 + 12345;
			memcpy(dst[i], A("2001:db8:8000::1").b, 16);
			dst[i][5] = (uint8_t)(x >> 16); /* 2001:db8:80XX::1 */
			dp[i] = dst[i];
		}
		vn_lpm6_lookup_bulk(vn_fib6, dp, nh, 64);
		for (uint32_t i = 0; i < 64; i++) {
			const struct vn_adj *a = vn_fib_adj(nh[i], x);
			if (a->type > VN_ADJ_REWRITE ||
			    (a->type == VN_ADJ_REWRITE && (!a->is_ip6 || a->rewrite[12] != 0x86)) ||
			    (a->type >= VN_ADJ_INCOMPLETE && a->nh6.b[15] != 2 && a->nh6.b[15] != 3))
				reader_bad++;
			reader_lookups++;
		}
		vn_rcu_quiescent(1);
	}
	vn_rcu_thread_offline(1);
	return NULL;
}

static void
test_concurrent_reader(void)
{
	struct vn_route6_path two[2] = {{.via = A("2001:db8:2::2"), .if_index = VN_IF_ANY},
					{.via = A("2001:db8:2::3"), .if_index = VN_IF_ANY}};
	uint32_t routes = vn_fib6_route_count();
	pthread_t th;

	reader_stop = false;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, reader_thread, NULL), 0);
	for (uint32_t round = 0; round < 200; round++) {
		for (uint32_t i = 0; i < 64; i++) {
			struct vn_prefix6 p = P("2001:db8:8000::/48");
			bool ecmp = i % 3 == 0;
			p.addr.b[5] = (uint8_t)(i * 4 + round % 4);
			CU_ASSERT_EQUAL(vn_route6_add(&p, ecmp ? two : &two[i % 2], ecmp ? 2 : 1), 0);
		}
		CU_ASSERT_EQUAL(vn_neighbor6_set(if_wan, AP("2001:db8:2::3"),
						 round % 4 < 2 ? mac_nh : mac_peer, false),
				0);
		for (uint32_t i = 0; i < 64; i++) {
			struct vn_prefix6 p = P("2001:db8:8000::/48");
			p.addr.b[5] = (uint8_t)(i * 4 + round % 4);
			CU_ASSERT_EQUAL(vn_route6_del(&p, NULL), 0);
		}
	}
	__atomic_store_n(&reader_stop, true, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	CU_ASSERT(reader_lookups > 0);
	CU_ASSERT_EQUAL(reader_bad, 0);
	vn_neighbor6_del(if_wan, AP("2001:db8:2::3"));
	CU_ASSERT_EQUAL(vn_fib6_route_count(), routes);
}

/* ---- forwarding ------------------------------------------------------------ */

static void
test_forward(void)
{
	struct rte_mbuf *m = udp6("2001:db8:1::2", "2001:db8:100::5");
	uint8_t orig[L3_LEN];

	memcpy(orig, rte_pktmbuf_mtod_offset(m, void *, RTE_ETHER_HDR_LEN), L3_LEN);
	inject1(m);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_sent(0, mac_nh, mac_wan, if_wan);
	CU_ASSERT_EQUAL(sent_ip(0)->hop_limits, 63);
	/* Everything else as received. */
	CU_ASSERT_EQUAL(memcmp(sent_ip(0), orig, 7), 0);
	CU_ASSERT_EQUAL(memcmp((const uint8_t *)sent_ip(0) + 8, orig + 8, L3_LEN - 8), 0);
	CU_ASSERT_EQUAL(n_dropped(), 0);
}

/* ip6-lookup skips the walk for a destination that shares every byte the
 * last walk read: a /128 inside the /48 must still be found between
 * packets to the rest of the /48, in either order, and once it is gone. */
static void
test_prefix_memo(void)
{
	static const char *const dsts[] = {"2001:db8:100::5", "2001:db8:100::77",
					   "2001:db8:100::6", "2001:db8:100::77",
					   "2001:db8:100::77", "2001:db8:100:1::77",
					   "2001:db8:100:0:1::77"};
	const uint32_t n = sizeof(dsts) / sizeof(dsts[0]);
	struct vn_route6_path via = {.via = A("2001:db8:2::3"), .if_index = VN_IF_ANY};
	struct rte_mbuf *pkts[sizeof(dsts) / sizeof(dsts[0])];

	CU_ASSERT_EQUAL_FATAL(vn_neighbor6_set(if_wan, AP("2001:db8:2::3"), mac_peer, true), 0);
	CU_ASSERT_EQUAL_FATAL(vn_route6_add(PP("2001:db8:100::77/128"), &via, 1), 0);
	for (uint32_t round = 0; round < 2; round++) {
		for (uint32_t i = 0; i < n; i++)
			pkts[i] = udp6("2001:db8:1::2", dsts[round ? n - 1 - i : i]);
		inject(pkts, (uint16_t)n);
		CU_ASSERT_EQUAL_FATAL(tx_cap.n, n);
		for (uint32_t i = 0; i < n; i++) {
			bool host = memcmp(sent_ip(i)->dst_addr, A("2001:db8:100::77").b, 16) == 0;

			assert_sent(i, host ? mac_peer : mac_nh, mac_wan, if_wan);
		}
		graph_fresh();
	}
	CU_ASSERT_EQUAL(vn_route6_del(PP("2001:db8:100::77/128"), NULL), 0);
	for (uint32_t i = 0; i < n; i++)
		pkts[i] = udp6("2001:db8:1::2", dsts[i]);
	inject(pkts, (uint16_t)n);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, n);
	for (uint32_t i = 0; i < n; i++)
		assert_sent(i, mac_nh, mac_wan, if_wan);
	graph_fresh();
	vn_neighbor6_del(if_wan, AP("2001:db8:2::3"));
}

static void
test_every_vector_length(void)
{
	struct rte_mbuf *pkts[VN_FRAME_SIZE];

	for (uint32_t n = 1; n <= VN_FRAME_SIZE; n += (n < 8 ? 1 : 37)) {
		for (uint32_t i = 0; i < n; i++)
			pkts[i] = udp6("2001:db8:1::2", i & 1 ? "2001:db8:100::5" : "2001:db8:2::2");
		inject(pkts, (uint16_t)n);
		CU_ASSERT_EQUAL(tx_cap.n, n);
		for (uint32_t i = 0; i < tx_cap.n; i++)
			CU_ASSERT_EQUAL(sent_ip(i)->hop_limits, 63);
		CU_ASSERT_EQUAL(n_dropped(), 0);
		graph_fresh();
	}
}

/* ethernet-input's fast path takes the vector's first frame's family: an
 * odd frame at any place (here an unknown ethertype) leaves the IPv6 frames
 * before and after it on their way, and a vector starting with it too. The
 * frame states its interface, as port-rx's do (else the per-packet path runs). */
static void
test_vector_with_odd_frame(void)
{
	struct rte_mbuf *pkts[64];

	for (uint32_t at = 0; at < 64; at += 21) {
		for (uint32_t i = 0; i < 64; i++) {
			pkts[i] = udp6("2001:db8:1::2", "2001:db8:100::5");
			if (i == at)
				rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *)->ether_type =
				    rte_cpu_to_be_16(0x88b5);
		}
		/* As port-rx hands it over: the frame states its interface. */
		CU_ASSERT_EQUAL_FATAL(vn_graph_inject_if(g, vt_node_index("ethernet-input"), pkts,
							 64, if_lan), 0);
		CU_ASSERT_EQUAL(tx_cap.n, 63);
		CU_ASSERT_EQUAL(n_dropped(), 1);
		CU_ASSERT_EQUAL(counter("ethernet-input", "unknown ethertype"), 1);
		graph_fresh();
	}
}

/* Every truncation of the reference frame is dropped by name; none is sent. */
static void
test_every_truncation(void)
{
	for (uint16_t len = 0; len < RTE_ETHER_HDR_LEN + L3_LEN; len++) {
		struct rte_mbuf *m = udp6("2001:db8:1::2", "2001:db8:100::5");

		rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - len));
		inject1(m);
		if (len < RTE_ETHER_HDR_LEN)
			assert_dropped("ethernet-input", "frame shorter than an Ethernet header");
		else if (len < RTE_ETHER_HDR_LEN + 40)
			assert_dropped("ip6-input", "shorter than an ip6 header");
		else
			assert_dropped("ip6-input", "payload length beyond the frame");
		graph_fresh();
	}
}

struct bad_field {
	const char *what;
	void (*apply)(uint8_t *ip);
	const char *node, *err;
};

static void set_v4(uint8_t *ip) { ip[0] = 0x45; }
static void set_v7(uint8_t *ip) { ip[0] = 0x70; }
static void src_mcast(uint8_t *ip) { struct vn_ip6 a = A("ff02::1"); memcpy(ip + 8, a.b, 16); }
static void src_loop(uint8_t *ip) { struct vn_ip6 a = A("::1"); memcpy(ip + 8, a.b, 16); }
static void src_unspec(uint8_t *ip) { memset(ip + 8, 0, 16); }
static void dst_unspec(uint8_t *ip) { memset(ip + 24, 0, 16); }
static void dst_loop(uint8_t *ip) { struct vn_ip6 a = A("::1"); memcpy(ip + 24, a.b, 16); }
static void dst_ll(uint8_t *ip) { struct vn_ip6 a = A("fe80::99"); memcpy(ip + 24, a.b, 16); }
static void dst_group(uint8_t *ip) { struct vn_ip6 a = A("ff02::fb"); memcpy(ip + 24, a.b, 16); }
static void plen_big(uint8_t *ip) { ip[4] = 0; ip[5] = 8 + UDP_LEN + 1; }
static void plen_huge(uint8_t *ip) { ip[4] = 0xff; ip[5] = 0xff; }
static void dst_drop(uint8_t *ip) { struct vn_ip6 a = A("2001:db8:dead::1"); memcpy(ip + 24, a.b, 16); }

static const struct bad_field bad_fields[] = {
	{"version 4", set_v4, "ip6-input", "ip version not 6"},
	{"version 7", set_v7, "ip6-input", "ip version not 6"},
	{"source multicast", src_mcast, "ip6-input", "source address multicast"},
	{"source loopback", src_loop, "ip6-input", "source address loopback"},
	{"source unspecified", src_unspec, "ip6-input", "source address unspecified"},
	{"destination unspecified", dst_unspec, "ip6-input", "destination unspecified or loopback"},
	{"destination loopback", dst_loop, "ip6-input", "destination unspecified or loopback"},
	{"link-local destination", dst_ll, "ip6-input", "link-local destination not ours"},
	{"group not joined", dst_group, "ip6-input", "multicast group not joined"},
	{"payload length + 1", plen_big, "ip6-input", "payload length beyond the frame"},
	{"payload length 65535", plen_huge, "ip6-input", "payload length beyond the frame"},
	{"drop route", dst_drop, "ip6-lookup", "dropped by a drop route"},
};

/* Each bad field at every position of a vector: that packet dropped by name,
 * the others forwarded. */
static void
test_bad_fields_in_vectors(void)
{
	struct rte_mbuf *pkts[16];

	for (uint32_t f = 0; f < VN_ARRAY_LEN(bad_fields); f++) {
		for (uint32_t pos = 0; pos < VN_ARRAY_LEN(pkts); pos++) {
			for (uint32_t i = 0; i < VN_ARRAY_LEN(pkts); i++)
				pkts[i] = udp6("2001:db8:1::2", "2001:db8:100::5");
			bad_fields[f].apply(rte_pktmbuf_mtod_offset(pkts[pos], uint8_t *,
								    RTE_ETHER_HDR_LEN));
			inject(pkts, VN_ARRAY_LEN(pkts));
			CU_ASSERT_EQUAL(tx_cap.n, VN_ARRAY_LEN(pkts) - 1);
			CU_ASSERT_EQUAL(counter(bad_fields[f].node, bad_fields[f].err), 1);
			if (counter(bad_fields[f].node, bad_fields[f].err) != 1)
				fprintf(stderr, "\n  %s at %u not dropped as '%s'\n",
					bad_fields[f].what, pos, bad_fields[f].err);
			CU_ASSERT_EQUAL(g->error_counts[0], 0);
			graph_fresh();
		}
	}
}

/* ---- extension headers -------------------------------------------------- */

/* A UDP packet with n extension headers (types[], each 8 bytes unless
 * fill), then the UDP header and 8 bytes of payload. */
static struct rte_mbuf *
ext_packet(const uint8_t *types, uint32_t n, void (*fill)(uint8_t *h, uint32_t i))
{
	uint16_t plen = (uint16_t)(n * 8 + 16);
	uint8_t *l3;
	struct rte_mbuf *m = frame(mac_lan, mac_peer, if_lan, (uint16_t)(40 + plen), &l3);

	ip6_hdr(l3, "2001:db8:1::2", "2001:db8:100::5", plen, n ? types[0] : IPPROTO_UDP, 64);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t *h = l3 + 40 + i * 8;
		h[0] = i + 1 < n ? types[i + 1] : IPPROTO_UDP;
		h[1] = 0;
		if (types[i] == VN_IP6_NH_HOP_BY_HOP || types[i] == VN_IP6_NH_DEST_OPTS) {
			h[2] = 1; /* PadN, 4 bytes */
			h[3] = 4;
		}
		if (types[i] == VN_IP6_NH_ROUTING)
			h[2] = 4; /* segment routing: not type 0 */
		if (fill)
			fill(h, i);
	}
	return m;
}

static void
rh0(uint8_t *h, uint32_t i)
{
	h[2] = 0; /* routing type 0 */
	h[3] = 1; /* segments left */
}

static void
hbh_unknown_discard(uint8_t *h, uint32_t i)
{
	h[2] = 0x47; /* action 01: discard */
	h[3] = 4;
}

static void
hbh_unknown_skip(uint8_t *h, uint32_t i)
{
	h[2] = 0x07; /* action 00: skip */
	h[3] = 4;
}

static void
hbh_overrun(uint8_t *h, uint32_t i)
{
	h[2] = 1;
	h[3] = 5; /* PadN past the header's 8 bytes */
}

static void
jumbo(uint8_t *h, uint32_t i)
{
	h[2] = 0xc2;
	h[3] = 4;
}

static void
last_overruns(uint8_t *h, uint32_t i)
{
	if (h[0] == IPPROTO_UDP)
		h[1] = 200; /* (200 + 1) * 8 bytes: far past the payload */
}

static void
later_fragment(uint8_t *h, uint32_t i)
{
	h[2] = 0x05; /* offset 0x50 << 3: not the first fragment */
	h[3] = 0x00;
}

static void
test_extension_headers(void)
{
	static const uint8_t hbh[] = {VN_IP6_NH_HOP_BY_HOP};
	static const uint8_t hbh_dst[] = {VN_IP6_NH_HOP_BY_HOP, VN_IP6_NH_DEST_OPTS,
					  VN_IP6_NH_ROUTING, VN_IP6_NH_FRAGMENT};
	static const uint8_t dst_hbh[] = {VN_IP6_NH_DEST_OPTS, VN_IP6_NH_HOP_BY_HOP};
	static const uint8_t rt[] = {VN_IP6_NH_ROUTING};
	static const uint8_t frag[] = {VN_IP6_NH_FRAGMENT};
	static uint8_t many[240];

	/* Forwarded, untouched but for the hop limit. */
	inject1(ext_packet(hbh, 1, NULL));
	inject1(ext_packet(hbh_dst, 4, NULL));
	inject1(ext_packet(hbh, 1, hbh_unknown_skip));
	inject1(ext_packet(frag, 1, NULL));
	inject1(ext_packet(frag, 1, later_fragment));
	inject1(ext_packet(rt, 1, NULL));
	CU_ASSERT_EQUAL(tx_cap.n, 6);
	CU_ASSERT_EQUAL(n_dropped(), 0);
	graph_fresh();

	inject1(ext_packet(dst_hbh, 2, NULL));
	assert_dropped("ip6-input", "hop-by-hop header not first");
	graph_fresh();
	inject1(ext_packet(rt, 1, rh0));
	assert_dropped("ip6-input", "routing header type 0 (RFC 5095)");
	graph_fresh();
	inject1(ext_packet(hbh, 1, hbh_unknown_discard));
	assert_dropped("ip6-input", "hop-by-hop option unknown or malformed");
	graph_fresh();
	inject1(ext_packet(hbh, 1, hbh_overrun));
	assert_dropped("ip6-input", "hop-by-hop option unknown or malformed");
	graph_fresh();
	inject1(ext_packet(hbh, 1, jumbo));
	assert_dropped("ip6-input", "jumbo payload (not supported)");
	graph_fresh();
	inject1(ext_packet(hbh_dst, 3, last_overruns));
	assert_dropped("ip6-input", "extension header truncated");
	graph_fresh();
	/* A long chain (as many as a buffer holds, for a thousand) stops at the limit. */
	memset(many, VN_IP6_NH_DEST_OPTS, sizeof(many));
	inject1(ext_packet(many, VN_ARRAY_LEN(many), NULL));
	assert_dropped("ip6-input", "too many extension headers");
	graph_fresh();
	inject1(ext_packet(many, VN_IP6_EXT_MAX, NULL));
	CU_ASSERT_EQUAL(tx_cap.n, 1);
	graph_fresh();
	/* Every truncation of a chain: dropped by name, never past the buffer. */
	for (uint16_t cut = 1; cut <= 4 * 8 + 16; cut++) {
		struct rte_mbuf *m = ext_packet(hbh_dst, 4, NULL);
		uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, RTE_ETHER_HDR_LEN);
		uint16_t plen = (uint16_t)(4 * 8 + 16 - cut);

		ip[4] = (uint8_t)(plen >> 8);
		ip[5] = (uint8_t)plen;
		rte_pktmbuf_trim(m, cut);
		inject1(m);
		/* The headers themselves cut: truncated; only UDP bytes cut: forwarded. */
		if (cut > 16)
			assert_dropped("ip6-input", "extension header truncated");
		else
			CU_ASSERT_EQUAL(tx_cap.n, 1);
		graph_fresh();
	}
}

/* ---- ip6-rewrite, ip6-lookup, ip6-icmp-error ------------------------------ */

static void
test_hop_limit(void)
{
	for (uint8_t hl = 0; hl <= 2; hl++) {
		struct rte_mbuf *m = udp6("2001:db8:1::2", "2001:db8:100::5");
		rte_pktmbuf_mtod_offset(m, uint8_t *, RTE_ETHER_HDR_LEN)[7] = hl;
		inject1(m);
		CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
		if (hl == 2) {
			assert_sent(0, mac_nh, mac_wan, if_wan);
			CU_ASSERT_EQUAL(sent_ip(0)->hop_limits, 1);
		} else {
			/* Time exceeded back to the peer, from lan's address, quoting it. */
			assert_sent(0, mac_peer, mac_lan, if_lan);
			CU_ASSERT_EQUAL(sent_icmp(0)->type, VN_ICMP6_TIME_EXCEEDED);
			CU_ASSERT_EQUAL(sent_icmp(0)->code, 0);
			CU_ASSERT_EQUAL(memcmp(sent_ip(0)->src_addr, A("2001:db8:1::1").b, 16), 0);
			CU_ASSERT_EQUAL(rte_be_to_cpu_16(sent_ip(0)->payload_len), 8 + L3_LEN);
			CU_ASSERT_EQUAL(counter("ip6-icmp-error", "time exceeded sent"), 1);
		}
		graph_fresh();
	}
}

static void
test_packet_too_big(void)
{
	/* 1281 bytes for wan's 1280: packet too big, quoting at most 1280 - 48. */
	uint8_t *l3;
	struct rte_mbuf *m = frame(mac_lan, mac_peer, if_lan, 1281, &l3);

	ip6_hdr(l3, "2001:db8:1::2", "2001:db8:100::5", 1281 - 40, IPPROTO_UDP, 64);
	inject1(m);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_sent(0, mac_peer, mac_lan, if_lan);
	CU_ASSERT_EQUAL(sent_icmp(0)->type, VN_ICMP6_PACKET_TOO_BIG);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(sent_icmp(0)->data), 1280);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(tx_cap.pkts[0]), RTE_ETHER_HDR_LEN + 1280);
	graph_fresh();
	/* 1280 exactly fits. */
	m = frame(mac_lan, mac_peer, if_lan, 1280, &l3);
	ip6_hdr(l3, "2001:db8:1::2", "2001:db8:100::5", 1280 - 40, IPPROTO_UDP, 64);
	inject1(m);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_sent(0, mac_nh, mac_wan, if_wan);
}

static void
test_unreachable(void)
{
	inject1(udp6("2001:db8:1::2", "2001:db9::1"));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	CU_ASSERT_EQUAL(sent_icmp(0)->type, VN_ICMP6_DEST_UNREACH);
	CU_ASSERT_EQUAL(sent_icmp(0)->code, VN_ICMP6_CODE_NO_ROUTE);
	graph_fresh();
	/* A link-local source is never forwarded: beyond scope, answered on-link. */
	inject1(udp6("fe80::2", "2001:db8:100::5"));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_sent(0, mac_peer, mac_lan, if_lan);
	CU_ASSERT_EQUAL(sent_icmp(0)->type, VN_ICMP6_DEST_UNREACH);
	CU_ASSERT_EQUAL(sent_icmp(0)->code, VN_ICMP6_CODE_BEYOND_SCOPE);
	CU_ASSERT_EQUAL(memcmp(sent_ip(0)->dst_addr, A("fe80::2").b, 16), 0);
	CU_ASSERT_EQUAL(memcmp(sent_ip(0)->src_addr, vn_if_fp(if_lan)->ll6.b, 16), 0);
	graph_fresh();
	/* No error about an error. */
	uint8_t body[4 + 48] = {0};
	inject1(icmp6(mac_lan, "2001:db8:1::2", "2001:db9::1", 64, VN_ICMP6_DEST_UNREACH, body,
		      sizeof(body)));
	assert_dropped("ip6-icmp-error", "offending packet is an icmp6 error or redirect");
}

/* ---- ip6-local ------------------------------------------------------------ */

static void
test_echo(void)
{
	uint8_t body[4 + 32];

	for (uint32_t i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(i * 7);
	/* To our global address and to the other interface's. */
	inject1(icmp6(mac_lan, "2001:db8:1::2", "2001:db8:1::1", 64, VN_ICMP6_ECHO_REQUEST, body,
		      sizeof(body)));
	inject1(icmp6(mac_lan, "2001:db8:1::2", "2001:db8:2::1", 64, VN_ICMP6_ECHO_REQUEST, body,
		      sizeof(body)));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 2);
	for (uint32_t i = 0; i < 2; i++) {
		assert_sent(i, mac_peer, mac_lan, if_lan);
		CU_ASSERT_EQUAL(sent_icmp(i)->type, VN_ICMP6_ECHO_REPLY);
		CU_ASSERT_EQUAL(memcmp(sent_icmp(i) + 1, body + 4, 32), 0);
		CU_ASSERT_EQUAL(memcmp(sent_ip(i)->dst_addr, A("2001:db8:1::2").b, 16), 0);
	}
	CU_ASSERT_EQUAL(memcmp(sent_ip(1)->src_addr, A("2001:db8:2::1").b, 16), 0);
	graph_fresh();
	/* To our link-local address from a link-local source: answered on-link. */
	char ll[VN_IP6_STRLEN];
	vn_fmt_ip6(&vn_if_fp(if_lan)->ll6, ll);
	inject1(icmp6(mac_lan, "fe80::2", ll, 64, VN_ICMP6_ECHO_REQUEST, body, sizeof(body)));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_sent(0, mac_peer, mac_lan, if_lan);
	CU_ASSERT_EQUAL(sent_icmp(0)->type, VN_ICMP6_ECHO_REPLY);
	graph_fresh();
	/* A bad checksum. */
	struct rte_mbuf *m = icmp6(mac_lan, "2001:db8:1::2", "2001:db8:1::1", 64,
				   VN_ICMP6_ECHO_REQUEST, body, sizeof(body));
	rte_pktmbuf_mtod_offset(m, uint8_t *, RTE_ETHER_HDR_LEN + 40 + 8)[0] ^= 1;
	inject1(m);
	assert_dropped("ip6-local", "icmp6 bad checksum");
	graph_fresh();
	/* UDP and an unknown protocol to us; the error comes from the address
	 * the packet was sent to (RFC 4443 2.2), here the other interface's. */
	inject1(udp6("2001:db8:1::2", "2001:db8:2::1"));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	CU_ASSERT_EQUAL(sent_icmp(0)->type, VN_ICMP6_DEST_UNREACH);
	CU_ASSERT_EQUAL(sent_icmp(0)->code, VN_ICMP6_CODE_PORT_UNREACH);
	CU_ASSERT_EQUAL(memcmp(sent_ip(0)->src_addr, A("2001:db8:2::1").b, 16), 0);
	graph_fresh();
	m = udp6("2001:db8:1::2", "2001:db8:1::1");
	rte_pktmbuf_mtod_offset(m, uint8_t *, RTE_ETHER_HDR_LEN)[6] = 253;
	inject1(m);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	CU_ASSERT_EQUAL(sent_icmp(0)->type, VN_ICMP6_PARAM_PROBLEM);
	CU_ASSERT_EQUAL(sent_icmp(0)->code, VN_ICMP6_CODE_BAD_NEXT_HEADER);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(sent_icmp(0)->data), 6);
	graph_fresh();
	/* A claimed protocol goes to its node, data at the IPv6 header. */
	m = udp6("2001:db8:1::2", "2001:db8:1::1");
	rte_pktmbuf_mtod_offset(m, uint8_t *, RTE_ETHER_HDR_LEN)[6] = 254;
	inject1(m);
	CU_ASSERT_EQUAL(tx_cap.n, 0);
	CU_ASSERT_EQUAL_FATAL(claim_cap.n, 1);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(claim_cap.pkts[0], uint8_t *)[0] >> 4, 6);
	CU_ASSERT_EQUAL(vn_meta(claim_cap.pkts[0])->rx_if, if_lan);
}

/* NS or NA body: target, then an optional link-layer option. */
static uint16_t
nd_body(uint8_t *b, uint32_t flags, const char *target, uint8_t opt, const uint8_t *mac)
{
	struct vn_ip6 t = A(target);
	uint32_t f = rte_cpu_to_be_32(flags);

	memcpy(b, &f, 4);
	memcpy(b + 4, t.b, 16);
	if (!opt)
		return 20;
	b[20] = opt;
	b[21] = 1;
	memcpy(b + 22, mac, 6);
	return 28;
}

static void
test_neighbor_solicitation(void)
{
	static const uint8_t mac_new[6] = {0x02, 0xee, 0, 0, 0, 9};
	struct vn_neighbor6_info ni;
	uint8_t b[32], sn_mac[6] = {0x33, 0x33, 0xff, 0, 0, 1};
	uint16_t len = nd_body(b, 0, "2001:db8:1::1", VN_ND_OPT_SRC_LLADDR, mac_new);
	const uint8_t *opt;

	/* From 2001:db8:1::9 to our solicited-node group (multicast MAC). */
	inject1(icmp6(sn_mac, "2001:db8:1::9", "ff02::1:ff00:1", 255, VN_ICMP6_NEIGHBOR_SOLICIT, b,
		      len));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_sent(0, mac_new, mac_lan, if_lan);
	CU_ASSERT_EQUAL(sent_ip(0)->hop_limits, 255);
	CU_ASSERT_EQUAL(sent_icmp(0)->type, VN_ICMP6_NEIGHBOR_ADVERT);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(sent_icmp(0)->data),
			VN_ND_NA_F_ROUTER | VN_ND_NA_F_SOLICITED | VN_ND_NA_F_OVERRIDE);
	CU_ASSERT_EQUAL(memcmp(sent_ip(0)->src_addr, A("2001:db8:1::1").b, 16), 0);
	CU_ASSERT_EQUAL(memcmp(sent_ip(0)->dst_addr, A("2001:db8:1::9").b, 16), 0);
	opt = (const uint8_t *)(sent_icmp(0) + 1) + 16;
	CU_ASSERT_EQUAL(opt[0], VN_ND_OPT_TGT_LLADDR);
	CU_ASSERT_EQUAL(memcmp(opt + 2, mac_lan, 6), 0);
	/* The solicitor was learned (the main thread drains the ring). */
	vn_neighbor_process_learned();
	CU_ASSERT_EQUAL(vn_neighbor6_get(if_lan, AP("2001:db8:1::9"), &ni), 0);
	CU_ASSERT_EQUAL(memcmp(ni.mac, mac_new, 6), 0);
	CU_ASSERT_FALSE(ni.is_static);
	graph_fresh();

	/* Refused: hop limit 254, a code, not ours, multicast target, zero-length option. */
	inject1(icmp6(mac_lan, "2001:db8:1::9", "2001:db8:1::1", 254, VN_ICMP6_NEIGHBOR_SOLICIT, b,
		      len));
	assert_dropped("ip6-local", "neighbor discovery hop limit not 255");
	graph_fresh();
	len = nd_body(b, 0, "2001:db8:1::77", VN_ND_OPT_SRC_LLADDR, mac_new);
	inject1(icmp6(mac_lan, "2001:db8:1::9", "2001:db8:1::1", 255, VN_ICMP6_NEIGHBOR_SOLICIT, b,
		      len));
	assert_dropped("ip6-local", "neighbor solicitation for an address not ours");
	graph_fresh();
	len = nd_body(b, 0, "ff02::1", VN_ND_OPT_SRC_LLADDR, mac_new);
	inject1(icmp6(mac_lan, "2001:db8:1::9", "2001:db8:1::1", 255, VN_ICMP6_NEIGHBOR_SOLICIT, b,
		      len));
	assert_dropped("ip6-local", "neighbor discovery message malformed");
	graph_fresh();
	len = nd_body(b, 0, "2001:db8:1::1", VN_ND_OPT_SRC_LLADDR, mac_new);
	b[21] = 0;
	inject1(icmp6(mac_lan, "2001:db8:1::9", "2001:db8:1::1", 255, VN_ICMP6_NEIGHBOR_SOLICIT, b,
		      len));
	assert_dropped("ip6-local", "neighbor discovery message malformed");
	vn_neighbor6_del(if_lan, AP("2001:db8:1::9"));
}

static void
test_neighbor_advertisement(void)
{
	static const uint8_t mac_new[6] = {0x02, 0xee, 0, 0, 0, 7};
	struct vn_ip6 t = A("2001:db8:2::7");
	struct vn_neighbor6_info ni;
	uint8_t b[32];
	uint16_t len;

	/* Learned, router flag kept; then the host route forwards to it. */
	len = nd_body(b, VN_ND_NA_F_SOLICITED | VN_ND_NA_F_ROUTER, "2001:db8:2::7",
		      VN_ND_OPT_TGT_LLADDR, mac_new);
	struct rte_mbuf *m = icmp6(mac_lan, "2001:db8:2::7", "2001:db8:2::1", 255,
				   VN_ICMP6_NEIGHBOR_ADVERT, b, len);
	vn_meta(m)->rx_if = (uint16_t)if_wan;
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), mac_wan, 6);
	inject1(m);
	assert_dropped("ip6-local", "neighbor advertisement learned");
	vn_neighbor_process_learned();
	CU_ASSERT_EQUAL_FATAL(vn_neighbor6_get(if_wan, &t, &ni), 0);
	CU_ASSERT(ni.is_router);
	graph_fresh();
	inject1(udp6("2001:db8:1::2", "2001:db8:2::7"));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_sent(0, mac_new, mac_wan, if_wan);
	vn_neighbor6_del(if_wan, &t);
	graph_fresh();

	/* For our own address: a duplicate. Bad hop limit; solicited to a group. */
	len = nd_body(b, 0, "2001:db8:1::1", VN_ND_OPT_TGT_LLADDR, mac_new);
	inject1(icmp6(mac_lan, "2001:db8:1::9", "2001:db8:1::1", 255, VN_ICMP6_NEIGHBOR_ADVERT, b,
		      len));
	assert_dropped("ip6-local", "neighbor advertisement for our address (duplicate)");
	graph_fresh();
	len = nd_body(b, 0, "2001:db8:1::9", VN_ND_OPT_TGT_LLADDR, mac_new);
	inject1(icmp6(mac_lan, "2001:db8:1::9", "2001:db8:1::1", 64, VN_ICMP6_NEIGHBOR_ADVERT, b,
		      len));
	assert_dropped("ip6-local", "neighbor discovery hop limit not 255");
	graph_fresh();
	len = nd_body(b, VN_ND_NA_F_SOLICITED, "2001:db8:1::9", VN_ND_OPT_TGT_LLADDR, mac_new);
	inject1(icmp6((const uint8_t[6]){0x33, 0x33, 0, 0, 0, 1}, "2001:db8:1::9", "ff02::1", 255,
		      VN_ICMP6_NEIGHBOR_ADVERT, b, len));
	assert_dropped("ip6-local", "neighbor discovery message malformed");
	graph_fresh();
	/* A target no prefix of the link holds (spoofed): not learned. */
	len = nd_body(b, 0, "2001:db8:99::9", VN_ND_OPT_TGT_LLADDR, mac_new);
	inject1(icmp6(mac_lan, "fe80::9", "2001:db8:1::1", 255, VN_ICMP6_NEIGHBOR_ADVERT, b, len));
	assert_dropped("ip6-local", "neighbor advertisement for an off-link target");
	vn_neighbor_process_learned();
	CU_ASSERT_EQUAL(vn_neighbor6_get(if_lan, AP("2001:db8:99::9"), NULL), -ENOENT);
	CU_ASSERT_EQUAL(vn_neighbor6_get(if_lan, AP("2001:db8:1::9"), NULL),
			-ENOENT);
}

static void
test_router_advertisement_ignored(void)
{
	/* An RA with a prefix option: no route, no address comes of it. */
	uint8_t b[12 + 32] = {64, 0, 0x07, 0x08};
	uint32_t routes = vn_fib6_route_count();

	b[12] = 3; /* prefix information */
	b[13] = 4;
	b[14] = 64;
	memcpy(b + 12 + 16, A("2001:db8:77::").b, 16);
	inject1(icmp6((const uint8_t[6]){0x33, 0x33, 0, 0, 0, 1}, "fe80::2", "ff02::1", 255,
		      VN_ICMP6_ROUTER_ADVERT, b, sizeof(b)));
	assert_dropped("ip6-local", "router advertisement ignored");
	CU_ASSERT_EQUAL(vn_fib6_route_count(), routes);
}

/* ---- reachability (RFC 4861 7.3) with a fake clock ---------------------------- */

static uint64_t fake_ms = 1000000;
static struct rte_mbuf *probes[8];
static uint32_t n_probes;

static uint64_t
fake_clock(void)
{
	return fake_ms;
}

static void
probe_sink(struct rte_mbuf *m)
{
	if (n_probes < RTE_DIM(probes))
		probes[n_probes++] = m;
	else
		rte_pktmbuf_free(m);
}

static void
probes_free(void)
{
	for (uint32_t i = 0; i < n_probes; i++)
		rte_pktmbuf_free(probes[i]);
	n_probes = 0;
}

/* Moves the fake clock on by ms and runs the timers. */
static void
advance(uint64_t ms)
{
	fake_ms += ms;
	vn_neighbor_process_learned();
}

static uint8_t
state_of(const char *addr)
{
	struct vn_neighbor6_info ni;

	if (vn_neighbor6_get(if_wan, AP(addr), &ni) < 0)
		return 0xff;
	return ni.state;
}

/* A neighbour advertisement from addr (mac) as ip6-local posts it. */
static void
post_na(const char *addr, const uint8_t *mac, uint8_t flags)
{
	CU_ASSERT_FATAL(vn_neighbor6_post_learn(if_wan, AP(addr), mac, VN_ND_LEARN_NA | flags));
	vn_neighbor_process_learned();
}

static void
test_nud_transitions(void)
{
	const uint8_t mac_n[6] = {0x02, 0xcc, 0, 0, 0, 0x50}, mac_m[6] = {0x02, 0xcc, 0, 0, 0, 0x51};
	struct vn_nd6_config c = {.reachable_ms = 2000, .dad_transmits = 0};
	const struct rte_ipv6_hdr *ip;
	const struct rte_ether_hdr *eh;

	vn_neighbor6_set_clock(fake_clock);
	vn_neighbor6_set_probe_sink(probe_sink);
	CU_ASSERT_EQUAL_FATAL(vn_nd6_config_set(&c), 0);

	/* Confirmed by a solicited NA: REACHABLE, then STALE after ReachableTime. */
	post_na("2001:db8:2::50", mac_n, VN_ND_LEARN_CONFIRMED);
	CU_ASSERT_EQUAL(state_of("2001:db8:2::50"), VN_ND_REACHABLE);
	advance(1900);
	CU_ASSERT_EQUAL(state_of("2001:db8:2::50"), VN_ND_REACHABLE);
	advance(200);
	CU_ASSERT_EQUAL(state_of("2001:db8:2::50"), VN_ND_STALE);
	/* Unused, it stays STALE and nothing is sent. */
	advance(10000);
	CU_ASSERT_EQUAL(state_of("2001:db8:2::50"), VN_ND_STALE);
	CU_ASSERT_EQUAL(n_probes, 0);

	/* Forwarding through it: DELAY, then PROBE with a unicast solicitation. */
	inject1(udp6("2001:db8:1::2", "2001:db8:2::50"));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	advance(100);
	CU_ASSERT_EQUAL(state_of("2001:db8:2::50"), VN_ND_DELAY);
	advance(VN_ND_DELAY_FIRST_PROBE_MS - 200);
	CU_ASSERT_EQUAL(state_of("2001:db8:2::50"), VN_ND_DELAY);
	CU_ASSERT_EQUAL(n_probes, 0);
	advance(200);
	CU_ASSERT_EQUAL(state_of("2001:db8:2::50"), VN_ND_PROBE);
	CU_ASSERT_EQUAL_FATAL(n_probes, 1);
	eh = rte_pktmbuf_mtod(probes[0], const struct rte_ether_hdr *);
	ip = (const struct rte_ipv6_hdr *)(eh + 1);
	CU_ASSERT_EQUAL(memcmp(eh->dst_addr.addr_bytes, mac_n, 6), 0);
	CU_ASSERT_EQUAL(memcmp(ip->dst_addr, A("2001:db8:2::50").b, 16), 0);
	CU_ASSERT_EQUAL(memcmp(ip->src_addr, A("2001:db8:2::1").b, 16), 0);
	CU_ASSERT_EQUAL(((const struct vn_icmp6_hdr *)(ip + 1))->type, VN_ICMP6_NEIGHBOR_SOLICIT);
	CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum_verify(ip, ip + 1), 0);
	CU_ASSERT(vn_meta(probes[0])->flags & VN_META_F_L2_READY);
	CU_ASSERT_EQUAL(vn_meta(probes[0])->tx_if, if_wan);

	/* The answer confirms it; Linux leaves out the option then (RFC 4861 7.2.4). */
	post_na("2001:db8:2::50", (const uint8_t[6]){0},
		VN_ND_LEARN_CONFIRMED | VN_ND_LEARN_NO_LLADDR);
	CU_ASSERT_EQUAL(state_of("2001:db8:2::50"), VN_ND_REACHABLE);
	{
		struct vn_neighbor6_info ni;
		CU_ASSERT_EQUAL(vn_neighbor6_get(if_wan, AP("2001:db8:2::50"), &ni), 0);
		CU_ASSERT_EQUAL(memcmp(ni.mac, mac_n, 6), 0);
	}
	/* Without the option and unknown: nothing learned. */
	post_na("2001:db8:2::51", (const uint8_t[6]){0},
		VN_ND_LEARN_CONFIRMED | VN_ND_LEARN_NO_LLADDR);
	CU_ASSERT_EQUAL(state_of("2001:db8:2::51"), 0xff);

	/* An unsolicited NA without override and another MAC: STALE, MAC kept. */
	post_na("2001:db8:2::50", mac_m, 0);
	CU_ASSERT_EQUAL(state_of("2001:db8:2::50"), VN_ND_STALE);
	{
		struct vn_neighbor6_info ni;
		CU_ASSERT_EQUAL(vn_neighbor6_get(if_wan, AP("2001:db8:2::50"), &ni), 0);
		CU_ASSERT_EQUAL(memcmp(ni.mac, mac_n, 6), 0);
	}
	/* With override it takes the new MAC, still unconfirmed. */
	post_na("2001:db8:2::50", mac_m, VN_ND_LEARN_OVERRIDE);
	CU_ASSERT_EQUAL(state_of("2001:db8:2::50"), VN_ND_STALE);

	/* Used again and never answering: MAX_UNICAST_SOLICIT probes, then gone. */
	probes_free();
	graph_fresh();
	inject1(udp6("2001:db8:1::2", "2001:db8:2::50"));
	advance(100);
	CU_ASSERT_EQUAL(state_of("2001:db8:2::50"), VN_ND_DELAY);
	advance(VN_ND_DELAY_FIRST_PROBE_MS);
	for (int i = 1; i < VN_ND_MAX_UNICAST_SOLICIT; i++) {
		CU_ASSERT_EQUAL(n_probes, (uint32_t)i);
		advance(VN_ND_RETRANS_TIMER_MS);
	}
	CU_ASSERT_EQUAL(n_probes, VN_ND_MAX_UNICAST_SOLICIT);
	CU_ASSERT_EQUAL(state_of("2001:db8:2::50"), VN_ND_PROBE);
	advance(VN_ND_RETRANS_TIMER_MS);
	CU_ASSERT_EQUAL(state_of("2001:db8:2::50"), 0xff);
	CU_ASSERT_EQUAL(n_probes, VN_ND_MAX_UNICAST_SOLICIT);

	/* Static entries never age. */
	CU_ASSERT_EQUAL(state_of("2001:db8:2::2"), VN_ND_REACHABLE);

	probes_free();
	c.reachable_ms = VN_ND_REACHABLE_DEFAULT_MS;
	c.dad_transmits = VN_ND_DAD_TRANSMITS_DEFAULT;
	CU_ASSERT_EQUAL(vn_nd6_config_set(&c), 0);
	vn_neighbor6_set_probe_sink(NULL);
	vn_neighbor6_set_clock(NULL);
}

/* An NS with a new address for a known neighbour makes it STALE (RFC 4861 7.2.3). */
static void
test_nud_ns_learn(void)
{
	const uint8_t mac_n[6] = {0x02, 0xcc, 0, 0, 0, 0x52}, mac_m[6] = {0x02, 0xcc, 0, 0, 0, 0x53};

	post_na("2001:db8:2::52", mac_n, VN_ND_LEARN_CONFIRMED);
	CU_ASSERT_EQUAL(state_of("2001:db8:2::52"), VN_ND_REACHABLE);
	CU_ASSERT_FATAL(vn_neighbor6_post_learn(if_wan, AP("2001:db8:2::52"), mac_n, 0));
	vn_neighbor_process_learned();
	CU_ASSERT_EQUAL(state_of("2001:db8:2::52"), VN_ND_REACHABLE); /* same address: kept */
	CU_ASSERT_FATAL(vn_neighbor6_post_learn(if_wan, AP("2001:db8:2::52"), mac_m, 0));
	vn_neighbor_process_learned();
	CU_ASSERT_EQUAL(state_of("2001:db8:2::52"), VN_ND_STALE);
	CU_ASSERT_EQUAL(vn_neighbor6_del(if_wan, AP("2001:db8:2::52")), 0);
}

/* ---- duplicate address detection (RFC 4862 5.4) ------------------------------- */

static uint8_t
addr6_state(uint32_t if_index, const char *addr)
{
	struct vn_interface *ifp = vn_interface_get(if_index);

	for (uint32_t i = 0; i < ifp->n_addrs6; i++)
		if (vn_ip6_eq(&ifp->addrs6[i].addr, AP(addr)))
			return ifp->addr6_state[i];
	return 0xff;
}

static void
dad_on(void)
{
	struct vn_nd6_config c = {.reachable_ms = VN_ND_REACHABLE_DEFAULT_MS, .dad_transmits = 1};

	vn_neighbor6_set_clock(fake_clock);
	vn_neighbor6_set_probe_sink(probe_sink);
	CU_ASSERT_EQUAL_FATAL(vn_nd6_config_set(&c), 0);
}

static void
dad_off(void)
{
	struct vn_nd6_config c = {.reachable_ms = VN_ND_REACHABLE_DEFAULT_MS, .dad_transmits = 0};

	probes_free();
	CU_ASSERT_EQUAL(vn_nd6_config_set(&c), 0);
	vn_neighbor6_set_probe_sink(NULL);
	vn_neighbor6_set_clock(NULL);
}

/* A new address is tentative (no route, not on the fast path), probed once
 * from ::, and preferred after RetransTimer with no answer. */
static void
test_dad_success(void)
{
	struct vn_route6_info ri;
	const struct rte_ipv6_hdr *ip;
	const struct vn_nd_msg *ns;

	dad_on();
	CU_ASSERT_EQUAL_FATAL(vn_interface_addr6_add(if_wan, PP("2001:db8:5::1/64")), 0);
	CU_ASSERT_EQUAL(addr6_state(if_wan, "2001:db8:5::1"), VN_ADDR6_TENTATIVE);
	CU_ASSERT_FALSE(vn_if_has_addr6(vn_if_fp(if_wan), AP("2001:db8:5::1")));
	CU_ASSERT(vn_dad6_is_tentative(if_wan, AP("2001:db8:5::1")));
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:5::1/128"), &ri), -ENOENT);
	advance(100);
	CU_ASSERT_EQUAL_FATAL(n_probes, 1);
	ip = rte_pktmbuf_mtod_offset(probes[0], const struct rte_ipv6_hdr *, RTE_ETHER_HDR_LEN);
	ns = (const struct vn_nd_msg *)(ip + 1);
	CU_ASSERT(vn_ip6_is_unspecified((const struct vn_ip6 *)ip->src_addr));
	CU_ASSERT_EQUAL(memcmp(ip->dst_addr, A("ff02::1:ff00:1").b, 16), 0);
	CU_ASSERT_EQUAL(ns->icmp.type, VN_ICMP6_NEIGHBOR_SOLICIT);
	CU_ASSERT(vn_ip6_eq(&ns->target, AP("2001:db8:5::1")));
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->payload_len), sizeof(*ns)); /* no option from :: */
	CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum_verify(ip, ip + 1), 0);
	advance(VN_ND_RETRANS_TIMER_MS - 200);
	CU_ASSERT_EQUAL(addr6_state(if_wan, "2001:db8:5::1"), VN_ADDR6_TENTATIVE);
	advance(300);
	CU_ASSERT_EQUAL(addr6_state(if_wan, "2001:db8:5::1"), VN_ADDR6_PREFERRED);
	CU_ASSERT(vn_if_has_addr6(vn_if_fp(if_wan), AP("2001:db8:5::1")));
	CU_ASSERT_FALSE(vn_dad6_is_tentative(if_wan, AP("2001:db8:5::1")));
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:5::1/128"), &ri), 0);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:5::/64"), &ri), 0);
	CU_ASSERT_EQUAL(n_probes, 1);
	CU_ASSERT_EQUAL(vn_interface_addr6_del(if_wan, PP("2001:db8:5::1/64")), 0);
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:5::/64"), &ri), -ENOENT);
	dad_off();
}

/* On a down interface the address waits, tentative, and is probed once it is up. */
static void
test_dad_waits_for_link(void)
{
	dad_on();
	CU_ASSERT_EQUAL_FATAL(vn_interface_set_admin(if_wan, false), 0);
	CU_ASSERT_EQUAL_FATAL(vn_interface_addr6_add(if_wan, PP("2001:db8:7::1/64")), 0);
	advance(100);
	advance(5 * VN_ND_RETRANS_TIMER_MS);
	CU_ASSERT_EQUAL(n_probes, 0);
	CU_ASSERT_EQUAL(addr6_state(if_wan, "2001:db8:7::1"), VN_ADDR6_TENTATIVE);
	CU_ASSERT_EQUAL_FATAL(vn_interface_set_admin(if_wan, true), 0);
	advance(100);
	advance(100);
	CU_ASSERT_EQUAL(n_probes, 1);
	CU_ASSERT_EQUAL(addr6_state(if_wan, "2001:db8:7::1"), VN_ADDR6_TENTATIVE);
	advance(VN_ND_RETRANS_TIMER_MS);
	CU_ASSERT_EQUAL(addr6_state(if_wan, "2001:db8:7::1"), VN_ADDR6_PREFERRED);
	CU_ASSERT_EQUAL(vn_interface_addr6_del(if_wan, PP("2001:db8:7::1/64")), 0);
	dad_off();
}

/* Another node answers for the address we probe: duplicate, never used. */
static void
test_dad_conflict(void)
{
	static const uint8_t mac_other[6] = {0x02, 0xee, 0, 0, 0, 6};
	struct vn_route6_info ri;
	uint8_t b[32];
	uint16_t len;

	dad_on();
	CU_ASSERT_EQUAL_FATAL(vn_interface_addr6_add(if_lan, PP("2001:db8:6::1/64")), 0);
	advance(100);
	CU_ASSERT_EQUAL(n_probes, 1);
	len = nd_body(b, VN_ND_NA_F_OVERRIDE, "2001:db8:6::1", VN_ND_OPT_TGT_LLADDR, mac_other);
	inject1(icmp6((const uint8_t[6]){0x33, 0x33, 0, 0, 0, 1}, "fe80::6", "ff02::1", 255,
		      VN_ICMP6_NEIGHBOR_ADVERT, b, len));
	CU_ASSERT_EQUAL(counter("ip6-local",
				"address we are probing is in use (duplicate address detected)"), 1);
	vn_neighbor_process_learned();
	CU_ASSERT_EQUAL(addr6_state(if_lan, "2001:db8:6::1"), VN_ADDR6_DUPLICATE);
	advance(3 * VN_ND_RETRANS_TIMER_MS);
	CU_ASSERT_EQUAL(addr6_state(if_lan, "2001:db8:6::1"), VN_ADDR6_DUPLICATE);
	CU_ASSERT_FALSE(vn_if_has_addr6(vn_if_fp(if_lan), AP("2001:db8:6::1")));
	CU_ASSERT_EQUAL(vn_fib6_get(PP("2001:db8:6::1/128"), &ri), -ENOENT);
	CU_ASSERT_EQUAL(vn_neighbor6_get(if_lan, AP("2001:db8:6::1"), NULL), -ENOENT);
	CU_ASSERT_EQUAL(vn_interface_addr6_del(if_lan, PP("2001:db8:6::1/64")), 0);
	dad_off();
}

/* ---- ip6-glean and ethernet-input ------------------------------------------- */

/* The i-th sent frame is a neighbour solicitation for target out of wan. */
static void
assert_ns(uint32_t i, const char *target)
{
	struct vn_ip6 t = A(target), group;
	uint8_t sn_mac[6];
	const uint8_t *opt;

	vn_ip6_solicited_node_of(&t, &group);
	vn_ip6_mcast_mac_of(&group, sn_mac);
	assert_sent(i, sn_mac, mac_wan, if_wan);
	CU_ASSERT_EQUAL(sent_ip(i)->hop_limits, 255);
	CU_ASSERT_EQUAL(memcmp(sent_ip(i)->dst_addr, group.b, 16), 0);
	CU_ASSERT_EQUAL(memcmp(sent_ip(i)->src_addr, A("2001:db8:2::1").b, 16), 0);
	CU_ASSERT_EQUAL(sent_icmp(i)->type, VN_ICMP6_NEIGHBOR_SOLICIT);
	CU_ASSERT_EQUAL(memcmp(sent_icmp(i) + 1, t.b, 16), 0);
	opt = (const uint8_t *)(sent_icmp(i) + 1) + 16;
	CU_ASSERT_EQUAL(opt[0], VN_ND_OPT_SRC_LLADDR);
	CU_ASSERT_EQUAL(memcmp(opt + 2, mac_wan, 6), 0);
}

/* n UDP packets from the peer to dst, flow labels first.. in order. */
static void
send6_n(const char *dst, uint32_t first, uint16_t n)
{
	struct rte_mbuf *pkts[16];

	CU_ASSERT_FATAL(n <= 16);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_ipv6_hdr *ip;

		pkts[i] = udp6("2001:db8:1::2", dst);
		ip = rte_pktmbuf_mtod_offset(pkts[i], struct rte_ipv6_hdr *, RTE_ETHER_HDR_LEN);
		ip->vtc_flow = rte_cpu_to_be_32(6u << 28 | (first + i));
	}
	inject(pkts, n);
}

/* The i-th sent frame is the UDP packet with flow label `label`, forwarded to mac. */
static void
assert_forwarded6(uint32_t i, uint32_t label, const uint8_t *mac)
{
	assert_sent(i, mac, mac_wan, if_wan);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(sent_ip(i)->vtc_flow) & 0xfffff, label);
	CU_ASSERT_EQUAL(sent_ip(i)->proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(sent_ip(i)->hop_limits, 63);
}

static void
set_neighbor_config(uint32_t queue_len, uint32_t timeout_ms)
{
	struct vn_neighbor_config c = {.queue_len = queue_len, .timeout_ms = timeout_ms};

	CU_ASSERT_EQUAL_FATAL(vn_neighbor_config_set(&c), 0);
}

static void
test_glean(void)
{
	/* Queue length 0: the packet that asks is dropped (VPP's way). */
	set_neighbor_config(0, 1000);
	inject1(udp6("2001:db8:1::2", "2001:db8:2::99"));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_ns(0, "2001:db8:2::99");
	CU_ASSERT_EQUAL(counter("ip6-glean", "neighbor resolution required"), 1);
	/* The next packets to it within the interval ask nothing more. */
	inject1(udp6("2001:db8:1::2", "2001:db8:2::99"));
	CU_ASSERT_EQUAL(tx_cap.n, 1);
	CU_ASSERT_EQUAL(counter("ip6-glean",
				"neighbor resolution pending (solicitation rate limited)"), 1);
	set_neighbor_config(VN_NEIGHBOR_QUEUE_DEFAULT, VN_NEIGHBOR_TIMEOUT_DEFAULT_MS);
}

/* Packets to an unresolved neighbour wait for its advertisement and leave in
 * order through its new rewrite; the first is not lost. */
static void
test_glean_hold_released(void)
{
	const uint8_t mac_new[6] = {0x02, 0xcc, 0, 0, 0, 0x98};

	send6_n("2001:db8:2::98", 1, 3);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_ns(0, "2001:db8:2::98");
	CU_ASSERT_EQUAL(n_dropped(), 0);
	CU_ASSERT_EQUAL(counter("ip6-glean", "packets held for address resolution"), 3);
	vn_graph_run_once(g); /* nothing changed: nothing leaves */
	CU_ASSERT_EQUAL(tx_cap.n, 1);

	CU_ASSERT_EQUAL_FATAL(vn_neighbor6_set(if_wan, AP("2001:db8:2::98"), mac_new, false), 0);
	vn_graph_run_once(g);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 4);
	for (uint32_t i = 0; i < 3; i++)
		assert_forwarded6(1 + i, 1 + i, mac_new);
	CU_ASSERT_EQUAL(counter("ip6-glean", "held packets released"), 3);
	CU_ASSERT_EQUAL(n_dropped(), 0);
	CU_ASSERT_EQUAL(vn_neighbor6_del(if_wan, AP("2001:db8:2::98")), 0);
}

/* A route via an unresolved next hop: the solicitation asks for the next
 * hop, and the packets leave when it answers. */
static void
test_glean_hold_incomplete(void)
{
	struct vn_route6_path via = {.via = A("2001:db8:2::3"), .if_index = VN_IF_ANY};
	const uint8_t mac_3[6] = {0x02, 0xcc, 0, 0, 0, 3};

	CU_ASSERT_EQUAL_FATAL(vn_route6_add(PP("2001:db8:300::/48"), &via, 1), 0);
	send6_n("2001:db8:300::1", 7, 2);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	assert_ns(0, "2001:db8:2::3");
	CU_ASSERT_EQUAL_FATAL(vn_neighbor6_set(if_wan, AP("2001:db8:2::3"), mac_3, false), 0);
	vn_graph_run_once(g);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 3);
	assert_forwarded6(1, 7, mac_3);
	assert_forwarded6(2, 8, mac_3);
	CU_ASSERT_EQUAL(vn_route6_del(PP("2001:db8:300::/48"), NULL), 0);
	CU_ASSERT_EQUAL(vn_neighbor6_del(if_wan, AP("2001:db8:2::3")), 0);
}

/* The queue keeps the first queue-length packets; the rest drop by name. */
static void
test_glean_hold_queue_full(void)
{
	send6_n("2001:db8:2::97", 1, 5);
	CU_ASSERT_EQUAL(tx_cap.n, 1);
	CU_ASSERT_EQUAL(counter("ip6-glean", "hold queue full (next hop unresolved)"), 2);
	CU_ASSERT_EQUAL(counter("ip6-glean", "packets held for address resolution"), 3);
	/* Another next hop has its own queue. */
	send6_n("2001:db8:2::96", 1, 3);
	CU_ASSERT_EQUAL(counter("ip6-glean", "hold queue full (next hop unresolved)"), 2);
	CU_ASSERT_EQUAL(counter("ip6-glean", "packets held for address resolution"), 6);
}

/* Resolution fails: the senders hear address unreachable (RFC 4861 7.2.2),
 * quoting their packets, and nothing stays behind. */
static void
test_glean_hold_unreachable(void)
{
	set_neighbor_config(3, 30);
	send6_n("2001:db8:2::95", 1, 2);
	vn_graph_run_once(g);
	CU_ASSERT_EQUAL(tx_cap.n, 1);
	usleep(60 * 1000);
	vn_graph_run_once(g);
	set_neighbor_config(VN_NEIGHBOR_QUEUE_DEFAULT, VN_NEIGHBOR_TIMEOUT_DEFAULT_MS);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 3);
	for (uint32_t i = 1; i < 3; i++) {
		const struct rte_ipv6_hdr *quoted =
			(const void *)((const uint8_t *)sent_icmp(i) + 8);

		assert_sent(i, mac_peer, mac_lan, if_lan);
		CU_ASSERT_EQUAL(memcmp(sent_ip(i)->dst_addr, A("2001:db8:1::2").b, 16), 0);
		CU_ASSERT_EQUAL(sent_icmp(i)->type, VN_ICMP6_DEST_UNREACH);
		CU_ASSERT_EQUAL(sent_icmp(i)->code, VN_ICMP6_CODE_ADDR_UNREACH);
		CU_ASSERT_EQUAL(memcmp(quoted->dst_addr, A("2001:db8:2::95").b, 16), 0);
		CU_ASSERT_EQUAL(rte_be_to_cpu_32(quoted->vtc_flow) & 0xfffff, i);
	}
	CU_ASSERT_EQUAL(counter("ip6-glean", "held packets answered address unreachable"), 2);
	CU_ASSERT_EQUAL(counter("ip6-glean", "held packets released"), 0);
	CU_ASSERT_EQUAL(n_dropped(), 0);
}

static void
test_multicast_macs(void)
{
	uint8_t body[4 + 8] = {0};

	/* All-nodes and our solicited-node MACs are accepted... */
	inject1(icmp6((const uint8_t[6]){0x33, 0x33, 0, 0, 0, 1}, "2001:db8:1::2", "ff02::1", 64,
		      VN_ICMP6_ECHO_REQUEST, body, sizeof(body)));
	CU_ASSERT_EQUAL(tx_cap.n, 1);
	graph_fresh();
	/* ... and all-routers, a router's (RFC 4291 2.8: RS come to it) ... */
	inject1(icmp6((const uint8_t[6]){0x33, 0x33, 0, 0, 0, 2}, "2001:db8:1::2", "ff02::2", 64,
		      VN_ICMP6_ECHO_REQUEST, body, sizeof(body)));
	CU_ASSERT_EQUAL(tx_cap.n, 1);
	graph_fresh();
	/* ... other groups are not. */
	inject1(icmp6((const uint8_t[6]){0x33, 0x33, 0, 0, 0, 0xfb}, "2001:db8:1::2", "ff02::fb",
		      64, VN_ICMP6_ECHO_REQUEST, body, sizeof(body)));
	assert_dropped("ethernet-input", "multicast frame (not supported)");
	graph_fresh();
	inject1(icmp6((const uint8_t[6]){0x33, 0x33, 0xff, 0, 0, 0x42}, "2001:db8:1::2",
		      "ff02::1:ff00:42", 64, VN_ICMP6_ECHO_REQUEST, body, sizeof(body)));
	assert_dropped("ethernet-input", "multicast frame (not supported)");
}

/* IPv6 on a dot1q sub-interface of lan: tagged frames in (ethernet-input
 * strips the tag), the tagged rewrite out (ip6-rewrite's per-packet path),
 * on-link replies with the tag, and deletion refused while IPv6 names it. */
static void
test_vlan(void)
{
	struct vn_subif_tags tags = {.outer_tpid = VN_VLAN_TPID_DOT1Q, .outer_vid = 100};
	static const uint8_t mac_v[6] = {0x02, 0xcc, 0, 0, 0, 0x64};
	char why[128];
	uint32_t sub;
	uint8_t *l3;

	CU_ASSERT_EQUAL_FATAL(vn_subif_create(if_lan, 100, &tags, &sub), 0);
	CU_ASSERT_EQUAL_FATAL(vn_interface_set_admin(sub, true), 0);
	CU_ASSERT_EQUAL_FATAL(vn_interface_addr6_add(sub, PP("2001:db8:64::1/64")), 0);
	CU_ASSERT_EQUAL_FATAL(vn_neighbor6_set(sub, AP("2001:db8:64::2"), mac_v, true), 0);
	CU_ASSERT_EQUAL(vn_subif_delete(sub, why, sizeof(why)), -EBUSY);
	CU_ASSERT_STRING_EQUAL(why, "address 2001:db8:64::1/64 is on it");

	/* Out: a packet from lan to the sub-interface's host leaves tagged. */
	inject1(udp6("2001:db8:1::2", "2001:db8:64::2"));
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	const uint8_t *f = rte_pktmbuf_mtod(tx_cap.pkts[0], const uint8_t *);
	CU_ASSERT_EQUAL(memcmp(f, mac_v, 6), 0);
	CU_ASSERT_EQUAL(f[12] << 8 | f[13], RTE_ETHER_TYPE_VLAN);
	CU_ASSERT_EQUAL((f[14] << 8 | f[15]) & 0xfff, 100);
	CU_ASSERT_EQUAL(f[16] << 8 | f[17], RTE_ETHER_TYPE_IPV6);
	CU_ASSERT_EQUAL(f[18 + 7], 63); /* hop limit */
	CU_ASSERT_EQUAL(vn_meta(tx_cap.pkts[0])->tx_if, sub);
	graph_fresh();

	/* In: a tagged echo request to our link-local address on the
	 * sub-interface, from a link-local source: answered on-link, tagged. */
	uint8_t body[4 + 8] = {0};
	char ll[VN_IP6_STRLEN];
	vn_fmt_ip6(&vn_if_fp(sub)->ll6, ll);
	struct rte_mbuf *e = icmp6(mac_lan, "fe80::64:2", ll, 64, VN_ICMP6_ECHO_REQUEST, body,
				   sizeof(body));
	struct rte_mbuf *m = frame(mac_lan, mac_v, if_lan, (uint16_t)(rte_pktmbuf_data_len(e) - 14 + 4),
				   &l3);
	l3[-2] = 0x81; /* the ethertype becomes the tag... */
	l3[-1] = 0x00;
	l3[0] = 0;
	l3[1] = 100;
	l3[2] = 0x86; /* ...and the tag's ethertype is IPv6 */
	l3[3] = 0xdd;
	memcpy(l3 + 4, rte_pktmbuf_mtod_offset(e, uint8_t *, 14), rte_pktmbuf_data_len(e) - 14);
	rte_pktmbuf_free(e);
	inject1(m);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	f = rte_pktmbuf_mtod(tx_cap.pkts[0], const uint8_t *);
	CU_ASSERT_EQUAL(memcmp(f, mac_v, 6), 0);
	CU_ASSERT_EQUAL(f[12] << 8 | f[13], RTE_ETHER_TYPE_VLAN);
	CU_ASSERT_EQUAL((f[14] << 8 | f[15]) & 0xfff, 100);
	CU_ASSERT_EQUAL(f[16] << 8 | f[17], RTE_ETHER_TYPE_IPV6);
	CU_ASSERT_EQUAL(f[18 + 40], VN_ICMP6_ECHO_REPLY);
	graph_fresh();

	CU_ASSERT_EQUAL(vn_neighbor6_del(sub, AP("2001:db8:64::2")), 0);
	CU_ASSERT_EQUAL(vn_interface_addr6_del(sub, PP("2001:db8:64::1/64")), 0);
	CU_ASSERT_EQUAL(vn_subif_delete(sub, why, sizeof(why)), 0);
}

/* ---- hostile input (issue #19 item 6): each case dropped by its name ------ */

/* Sets the ICMPv6 code of m (built by icmp6) and checksums the message again. */
static struct rte_mbuf *
recode(struct rte_mbuf *m, uint8_t code)
{
	uint8_t *l3 = rte_pktmbuf_mtod_offset(m, uint8_t *, RTE_ETHER_HDR_LEN);
	struct vn_icmp6_hdr *ic = (struct vn_icmp6_hdr *)(l3 + 40);

	ic->code = code;
	ic->cksum = 0;
	ic->cksum = rte_ipv6_udptcp_cksum((struct rte_ipv6_hdr *)l3, ic);
	return m;
}

/* Flips a bit of the ICMPv6 checksum of m. */
static struct rte_mbuf *
bad_cksum(struct rte_mbuf *m)
{
	rte_pktmbuf_mtod_offset(m, uint8_t *, RTE_ETHER_HDR_LEN + 40 + 2)[0] ^= 0x10;
	return m;
}

static void
test_hostile_nd_hop_limit(void)
{
	static const uint8_t mac_new[6] = {0x02, 0xee, 0, 0, 0, 0x11};
	uint8_t b[40] = {0};
	uint16_t len;

	/* RS, RA and redirect from beyond the link (hop limit not 255): before
	 * their type is looked at. NS and NA: test_neighbor_*. */
	inject1(icmp6(mac_lan, "fe80::2", "2001:db8:1::1", 64, VN_ICMP6_ROUTER_SOLICIT, b, 4));
	assert_dropped("ip6-local", "neighbor discovery hop limit not 255");
	graph_fresh();
	inject1(icmp6(mac_lan, "fe80::2", "2001:db8:1::1", 254, VN_ICMP6_ROUTER_ADVERT, b, 12));
	assert_dropped("ip6-local", "neighbor discovery hop limit not 255");
	graph_fresh();
	inject1(icmp6(mac_lan, "fe80::2", "2001:db8:1::1", 1, VN_ICMP6_REDIRECT, b, 36));
	assert_dropped("ip6-local", "neighbor discovery hop limit not 255");
	graph_fresh();
	/* At 255 a redirect is only counted: a router takes none. */
	inject1(icmp6(mac_lan, "fe80::2", "2001:db8:1::1", 255, VN_ICMP6_REDIRECT, b, 36));
	assert_dropped("ip6-local", "redirect ignored");
	graph_fresh();
	/* A non-zero code (RFC 4861 7.1.1), checksum good. */
	len = nd_body(b, 0, "2001:db8:1::1", VN_ND_OPT_SRC_LLADDR, mac_new);
	inject1(recode(icmp6(mac_lan, "2001:db8:1::9", "2001:db8:1::1", 255,
			     VN_ICMP6_NEIGHBOR_SOLICIT, b, len), 1));
	assert_dropped("ip6-local", "neighbor discovery message malformed");
	graph_fresh();
	len = nd_body(b, VN_ND_NA_F_OVERRIDE, "2001:db8:1::9", VN_ND_OPT_TGT_LLADDR, mac_new);
	inject1(recode(icmp6(mac_lan, "2001:db8:1::9", "2001:db8:1::1", 255,
			     VN_ICMP6_NEIGHBOR_ADVERT, b, len), 9));
	assert_dropped("ip6-local", "neighbor discovery message malformed");
	CU_ASSERT_EQUAL(vn_neighbor6_get(if_lan, AP("2001:db8:1::9"), NULL), -ENOENT);
}

static void
test_hostile_nd_checksum(void)
{
	static const uint8_t mac_new[6] = {0x02, 0xee, 0, 0, 0, 0x12};
	uint8_t b[32];
	uint16_t len;

	len = nd_body(b, 0, "2001:db8:1::1", VN_ND_OPT_SRC_LLADDR, mac_new);
	inject1(bad_cksum(icmp6(mac_lan, "2001:db8:1::9", "2001:db8:1::1", 255,
				VN_ICMP6_NEIGHBOR_SOLICIT, b, len)));
	assert_dropped("ip6-local", "icmp6 bad checksum");
	CU_ASSERT_EQUAL(counter("ip6-local", "neighbor advertisements sent"), 0);
	graph_fresh();
	len = nd_body(b, VN_ND_NA_F_OVERRIDE, "2001:db8:1::9", VN_ND_OPT_TGT_LLADDR, mac_new);
	inject1(bad_cksum(icmp6(mac_lan, "2001:db8:1::9", "2001:db8:1::1", 255,
				VN_ICMP6_NEIGHBOR_ADVERT, b, len)));
	assert_dropped("ip6-local", "icmp6 bad checksum");
	vn_neighbor_process_learned();
	CU_ASSERT_EQUAL(vn_neighbor6_get(if_lan, AP("2001:db8:1::9"), NULL), -ENOENT);
	graph_fresh();
	/* Shorter than its ICMPv6 header (2 bytes of 4). */
	uint8_t *l3;
	struct rte_mbuf *m = frame(mac_lan, mac_peer, if_lan, 40 + 2, &l3);
	ip6_hdr(l3, "2001:db8:1::2", "2001:db8:1::1", 2, VN_IP6_NH_ICMP6, 64);
	l3[40] = VN_ICMP6_ECHO_REQUEST;
	inject1(m);
	assert_dropped("ip6-local", "icmp6 truncated");
}

static void
test_hostile_nd_malformed(void)
{
	static const uint8_t mac_new[6] = {0x02, 0xee, 0, 0, 0, 0x13};
	static const uint8_t mac_group[6] = {0x01, 0x00, 0x5e, 0, 0, 1};
	uint8_t b[32];
	uint16_t len;

	/* Cut before the target's end: an NS and an NA of 8 bytes. */
	len = nd_body(b, 0, "2001:db8:1::1", 0, NULL);
	inject1(icmp6(mac_lan, "2001:db8:1::9", "2001:db8:1::1", 255, VN_ICMP6_NEIGHBOR_SOLICIT, b,
		      4));
	assert_dropped("ip6-local", "neighbor discovery message malformed");
	graph_fresh();
	inject1(icmp6(mac_lan, "2001:db8:1::9", "2001:db8:1::1", 255, VN_ICMP6_NEIGHBOR_ADVERT, b,
		      4));
	assert_dropped("ip6-local", "neighbor discovery message malformed");
	graph_fresh();
	/* An option claiming 9 x 8 bytes in a message of 8 more. */
	len = nd_body(b, 0, "2001:db8:1::1", VN_ND_OPT_SRC_LLADDR, mac_new);
	b[21] = 9;
	inject1(icmp6(mac_lan, "2001:db8:1::9", "2001:db8:1::1", 255, VN_ICMP6_NEIGHBOR_SOLICIT, b,
		      len));
	assert_dropped("ip6-local", "neighbor discovery message malformed");
	graph_fresh();
	/* Unsolicited NA without the target's link-layer address, or with a
	 * group MAC as that address: nothing to learn. */
	len = nd_body(b, VN_ND_NA_F_OVERRIDE, "2001:db8:1::9", 0, NULL);
	inject1(icmp6(mac_lan, "2001:db8:1::9", "2001:db8:1::1", 255, VN_ICMP6_NEIGHBOR_ADVERT, b,
		      len));
	assert_dropped("ip6-local", "neighbor advertisement without link-layer address");
	graph_fresh();
	len = nd_body(b, VN_ND_NA_F_OVERRIDE, "2001:db8:1::9", VN_ND_OPT_TGT_LLADDR, mac_group);
	inject1(icmp6(mac_lan, "2001:db8:1::9", "2001:db8:1::1", 255, VN_ICMP6_NEIGHBOR_ADVERT, b,
		      len));
	assert_dropped("ip6-local", "neighbor advertisement without link-layer address");
	vn_neighbor_process_learned();
	CU_ASSERT_EQUAL(vn_neighbor6_get(if_lan, AP("2001:db8:1::9"), NULL), -ENOENT);
}

static void
test_hostile_nd_ours(void)
{
	static const uint8_t mac_new[6] = {0x02, 0xee, 0, 0, 0, 0x14};
	static const uint8_t sn_mac[6] = {0x33, 0x33, 0xff, 0, 0, 1};
	static const uint8_t all_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
	char ll[VN_IP6_STRLEN];
	uint8_t b[32];
	uint16_t len;

	/* An NA for our link-local address (a spoofed one): a duplicate,
	 * counted and dropped, nothing learned. */
	vn_fmt_ip6(&vn_if_fp(if_lan)->ll6, ll);
	len = nd_body(b, VN_ND_NA_F_OVERRIDE, ll, VN_ND_OPT_TGT_LLADDR, mac_new);
	inject1(icmp6(all_mac, "fe80::9", "ff02::1", 255, VN_ICMP6_NEIGHBOR_ADVERT, b, len));
	assert_dropped("ip6-local", "neighbor advertisement for our address (duplicate)");
	vn_neighbor_process_learned();
	CU_ASSERT_EQUAL(vn_neighbor6_get(if_lan, &vn_if_fp(if_lan)->ll6, NULL), -ENOENT);
	graph_fresh();
	/* Another node's DAD probe for our address: defended, an NA to all
	 * nodes (counted, not a drop). */
	len = nd_body(b, 0, "2001:db8:1::1", 0, NULL);
	inject1(icmp6(sn_mac, "::", "ff02::1:ff00:1", 255, VN_ICMP6_NEIGHBOR_SOLICIT, b, len));
	CU_ASSERT_EQUAL(counter("ip6-local", "duplicate address detection probe for our address"),
			1);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	CU_ASSERT_EQUAL(sent_icmp(0)->type, VN_ICMP6_NEIGHBOR_ADVERT);
	CU_ASSERT_EQUAL(memcmp(sent_ip(0)->dst_addr, A("ff02::1").b, 16), 0);
	graph_fresh();
	/* A probe must carry no source link-layer address (RFC 4861 7.1.1). */
	len = nd_body(b, 0, "2001:db8:1::1", VN_ND_OPT_SRC_LLADDR, mac_new);
	inject1(icmp6(sn_mac, "::", "ff02::1:ff00:1", 255, VN_ICMP6_NEIGHBOR_SOLICIT, b, len));
	assert_dropped("ip6-local", "neighbor discovery message malformed");
	CU_ASSERT_EQUAL(counter("ip6-local", "duplicate address detection probe for our address"),
			0);
	graph_fresh();
	/* From the unspecified address only a probe: an echo request is not. */
	uint8_t body[4 + 8] = {0};
	inject1(icmp6(all_mac, "::", "ff02::1", 64, VN_ICMP6_ECHO_REQUEST, body, sizeof(body)));
	assert_dropped("ip6-local", "echo request from a bad source");
}

static void
test_hostile_icmp(void)
{
	static const uint8_t all_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
	uint8_t body[4 + 48];
	uint8_t *l3;

	/* Errors to us quoting garbage, a quote cut short, or nothing: counted
	 * by name, never parsed into an action. */
	memset(body, 0xff, sizeof(body));
	for (uint8_t type = 1; type <= 4; type++) {
		inject1(icmp6(mac_lan, "2001:db8:1::2", "2001:db8:1::1", 64, type, body,
			      type == 3 ? 4 : (type == 2 ? 8 : sizeof(body))));
		assert_dropped("ip6-local", "icmp6 error received");
		graph_fresh();
	}
	/* An informational type nobody handles; an echo reply with no ping;
	 * an MLD query (a router with no multicast routing listens to none). */
	inject1(icmp6(mac_lan, "2001:db8:1::2", "2001:db8:1::1", 64, 200, body, 4));
	assert_dropped("ip6-local", "icmp6 type not handled");
	graph_fresh();
	inject1(icmp6(mac_lan, "2001:db8:1::2", "2001:db8:1::1", 64, VN_ICMP6_ECHO_REPLY, body, 8));
	assert_dropped("ip6-local", "echo reply (no ping listening)");
	graph_fresh();
	memset(body, 0, sizeof(body));
	inject1(icmp6(all_mac, "fe80::2", "ff02::1", 1, VN_ICMP6_MLD_QUERY, body, 20));
	assert_dropped("ip6-local", "multicast listener message ignored");
	graph_fresh();
	/* UDP to all nodes: no listener, and no port unreachable to a group. */
	struct rte_mbuf *m = udp6("fe80::2", "ff02::1");
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), all_mac, 6);
	inject1(m);
	assert_dropped("ip6-local", "multicast data for us (no listener)");
	graph_fresh();
	/* A fragment to us: no reassembly. */
	m = frame(mac_lan, mac_peer, if_lan, 40 + 8 + 8 + 8, &l3);
	ip6_hdr(l3, "2001:db8:1::2", "2001:db8:1::1", 8 + 16, VN_IP6_NH_FRAGMENT, 64);
	l3[40] = VN_IP6_NH_ICMP6;
	l3[43] = 1; /* offset 0, more fragments */
	l3[48] = VN_ICMP6_ECHO_REQUEST;
	inject1(m);
	assert_dropped("ip6-local", "fragment (no reassembly)");
}

/* ip6-input gives packets for our link-local address and groups to
 * ip6-local without a lookup: vn_meta.adj must not be what the mbuf carried
 * before (the graph fuzzer found ip6-icmp-error reading a freed one). A
 * poisoned pointer faults if anything reads it. */
static void
test_hostile_stale_adjacency(void)
{
	const struct vn_adj *poison = (const struct vn_adj *)(uintptr_t)0x10;
	char ll[VN_IP6_STRLEN];
	struct rte_mbuf *m;

	vn_fmt_ip6(&vn_if_fp(if_lan)->ll6, ll);
	m = udp6("fe80::2", ll);
	vn_meta(m)->adj = poison;
	inject1(m);
	CU_ASSERT_EQUAL_FATAL(tx_cap.n, 1);
	CU_ASSERT_EQUAL(sent_icmp(0)->type, VN_ICMP6_DEST_UNREACH);
	CU_ASSERT_EQUAL(sent_icmp(0)->code, VN_ICMP6_CODE_PORT_UNREACH);
	CU_ASSERT_EQUAL(memcmp(sent_ip(0)->src_addr, vn_if_fp(if_lan)->ll6.b, 16), 0);
	CU_ASSERT_EQUAL(counter("ip6-local", "no listener (port unreachable)"), 1);
}

static void
test_hostile_forward(void)
{
	static const uint8_t hbh_hbh[] = {VN_IP6_NH_HOP_BY_HOP, VN_IP6_NH_HOP_BY_HOP};
	static const uint8_t dst_dst_hbh[] = {VN_IP6_NH_DEST_OPTS, VN_IP6_NH_DEST_OPTS,
					      VN_IP6_NH_HOP_BY_HOP};

	/* A spoofed link-local source is never forwarded: counted by name,
	 * answered beyond scope (test_unreachable has the answer). */
	inject1(udp6("fe80::1", "2001:db8:100::5"));
	CU_ASSERT_EQUAL(counter("ip6-lookup", "link-local source not forwarded"), 1);
	CU_ASSERT_EQUAL(counter("ip6-lookup", "no route to destination"), 0);
	graph_fresh();
	inject1(udp6("2001:db8:1::2", "2001:db9::1"));
	CU_ASSERT_EQUAL(counter("ip6-lookup", "no route to destination"), 1);
	graph_fresh();
	/* Hop limit 1: counted by ip6-rewrite, time exceeded sent. */
	struct rte_mbuf *m = udp6("2001:db8:1::2", "2001:db8:100::5");
	rte_pktmbuf_mtod_offset(m, uint8_t *, RTE_ETHER_HDR_LEN)[7] = 1;
	inject1(m);
	CU_ASSERT_EQUAL(counter("ip6-rewrite", "hop limit exceeded"), 1);
	CU_ASSERT_EQUAL(counter("ip6-icmp-error", "time exceeded sent"), 1);
	graph_fresh();
	/* A second hop-by-hop header, right after the first or later: only the
	 * first header may be one (RFC 8200 4.1). */
	inject1(ext_packet(hbh_hbh, 2, NULL));
	assert_dropped("ip6-input", "hop-by-hop header not first");
	graph_fresh();
	inject1(ext_packet(dst_dst_hbh, 3, NULL));
	assert_dropped("ip6-input", "hop-by-hop header not first");
}

int
main(void)
{
	static CU_TestInfo ctl_tests[] = {
		{"addresses: parse, format, EUI-64, solicited-node", test_parse},
		{"fib6: via, ecmp, link-local via, refusals", test_fib_routes},
		{"interface addresses: connected and local routes", test_addresses},
		{"interface deleted: its paths, host routes, neighbours go", test_interface_deleted},
		{"link down: paths leave routes and ECMP", test_link_down},
		{"100k routes add/del, no leaks", test_100k_routes},
		{"table full at engine.ip6-routes, walk order, longest match", test_table_full},
		{"reader thread during changes (RCU)", test_concurrent_reader},
		CU_TEST_INFO_NULL,
	};
	static CU_TestInfo fwd_tests[] = {
		{"reference packet forwarded, hop limit 64 -> 63", test_forward},
		{"every vector length", test_every_vector_length},
		{"one walk for a prefix, a longer route inside still seen", test_prefix_memo},
		{"an odd frame at any place in an IPv6 vector", test_vector_with_odd_frame},
		{"every truncation dropped by name", test_every_truncation},
		{"every bad field at every place in a vector", test_bad_fields_in_vectors},
		{"extension headers: walked, bounded, RH0, HBH", test_extension_headers},
		{"hop limit 0, 1, 2", test_hop_limit},
		{"packet too big", test_packet_too_big},
		{"unreachable, beyond scope, no error about an error", test_unreachable},
		{"hostile: link-local source, no route, hop limit, HBH twice", test_hostile_forward},
		CU_TEST_INFO_NULL,
	};
	static CU_TestInfo local_tests[] = {
		{"echo, port unreachable, parameter problem", test_echo},
		{"neighbor solicitation answered and learned", test_neighbor_solicitation},
		{"neighbor advertisement learned, duplicates refused", test_neighbor_advertisement},
		{"router advertisement ignored", test_router_advertisement_ignored},
		{"glean: solicitation sent, rate limited", test_glean},
		{"glean: held packets released in order", test_glean_hold_released},
		{"glean: held for an incomplete next hop", test_glean_hold_incomplete},
		{"glean: hold queue full", test_glean_hold_queue_full},
		{"glean: resolution failed, address unreachable", test_glean_hold_unreachable},
		{"nud: reachable, stale, delay, probe, removed", test_nud_transitions},
		{"nud: a solicitation with a new address", test_nud_ns_learn},
		{"dad: tentative, probed, preferred", test_dad_success},
		{"dad: an advertisement for it: duplicate", test_dad_conflict},
		{"dad: waits for a down interface", test_dad_waits_for_link},
		{"multicast MACs: joined groups only", test_multicast_macs},
		{"dot1q sub-interface: tagged in and out", test_vlan},
		{"hostile: RS, RA, redirect hop limit; NS/NA code", test_hostile_nd_hop_limit},
		{"hostile: NS/NA bad checksum, ICMPv6 truncated", test_hostile_nd_checksum},
		{"hostile: NS/NA cut, option overrun, no lladdr", test_hostile_nd_malformed},
		{"hostile: NA for our link-local, DAD probes, echo from ::", test_hostile_nd_ours},
		{"hostile: errors quoting garbage, MLD, fragments to us", test_hostile_icmp},
		{"hostile: to our link-local, a stale adjacency not read",
		 test_hostile_stale_adjacency},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"ip6 control", suite_init, NULL, NULL, NULL, ctl_tests},
		{"ip6 forwarding", NULL, NULL, graph_up, graph_down, fwd_tests},
		{"ip6-local, nd", NULL, suite_fini, graph_up, graph_down, local_tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
