/*
 * ACL plugin: rule syntax, and rule semantics on real packets through the
 * graph (ip4-input -> acl-plugin-in-ip4 -> capture at ip4-lookup, and
 * acl-plugin-out-ip4 -> capture at interface-output): prefixes, port and
 * ICMP ranges, TCP flags, first match wins across the ACLs of a list, the
 * implicit deny, counters, replacement, refusals that keep the old ACL,
 * reflexive sessions and their timeout, the config section and Lua. IPv6
 * (ip6-input -> acl-plugin-in-ip6 -> capture at ip6-lookup, and
 * acl-plugin-out-ip6): every field of an IPv6 rule, ACLs mixing families,
 * extension headers, fragments of both families (VPP's non-first rule),
 * IPv6 sessions, neighbour discovery past a deny-all list.
 * Linked with acl_objs directly (tests/CMakeLists.txt), so the plugin's
 * nodes, commands, config section and Lua functions are registered.
 */
#include <CUnit/CUnit.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_ip.h>
#include <vecnet/cli.h>
#include <vecnet/config.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/lua.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/vlan.h>
#include <vecnet/rcu.h>

#include "app/engine_config.h"
#include "acl.h"
#include "vn_test.h"
#include "vn_test_cli.h"
#include "vn_test_graph.h"

VT_CAPTURE_NODE(lookup_cap, "test-ip4-lookup");
VT_CAPTURE_NODE(out_cap, "test-if-output");

static const uint8_t mac0[6] = {0x02, 0, 0, 0, 0xaa, 0x00};
static const uint8_t mac1[6] = {0x02, 0, 0, 0, 0xbb, 0x00};
static struct vn_graph *g; /* thread 0 */
static struct vn_graph *g1; /* thread 1: a second worker, run from this thread */

#define IP(a, b, c, d) RTE_IPV4(a, b, c, d)
#define TCP_SYN 0x02
#define TCP_ACK 0x10

/* --- helpers ------------------------------------------------------------- */

struct flow {
	uint8_t proto;
	uint32_t src, dst;
	uint16_t sport, dport; /* ICMP: type, code */
	uint8_t flags; /* TCP */
	uint16_t icmp_id;
	uint16_t frag_off; /* in 8-byte units */
};

/* The IPv4 packet of a flow, at offset off of a fresh mbuf. */
static struct rte_mbuf *
mk(const struct flow *f, uint16_t rx_if, uint16_t off)
{
	uint16_t l4 = f->proto == IPPROTO_TCP ? 20 : 8;
	struct rte_mbuf *m = vt_pkt(off + 20 + l4, rx_if);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, off);
	uint8_t *p = (uint8_t *)(ip + 1);

	*ip = (struct rte_ipv4_hdr){
		.version_ihl = 0x45,
		.total_length = rte_cpu_to_be_16(20 + l4),
		.time_to_live = 64,
		.fragment_offset = rte_cpu_to_be_16(f->frag_off),
		.next_proto_id = f->proto,
		.src_addr = rte_cpu_to_be_32(f->src),
		.dst_addr = rte_cpu_to_be_32(f->dst),
	};
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	if (f->proto == IPPROTO_ICMP) {
		p[0] = (uint8_t)f->sport;
		p[1] = (uint8_t)f->dport;
		p[4] = f->icmp_id >> 8;
		p[5] = f->icmp_id & 0xff;
	} else {
		p[0] = f->sport >> 8;
		p[1] = f->sport & 0xff;
		p[2] = f->dport >> 8;
		p[3] = f->dport & 0xff;
		if (f->proto == IPPROTO_TCP) {
			p[12] = 5 << 4;
			p[13] = f->flags;
		}
	}
	return m;
}

/* Sends one packet in on interface rx_if through graph gr (a thread); true
 * when it reached ip4-lookup. */
static bool
in_passes_on(struct vn_graph *gr, uint16_t rx_if, struct flow f)
{
	struct rte_mbuf *m = mk(&f, rx_if, 0);
	bool ok;

	vt_capture_reset(&lookup_cap);
	vt_inject(gr, "ip4-input", &m, 1);
	ok = lookup_cap.n == 1;
	vt_capture_reset(&lookup_cap);
	return ok;
}

static bool
in_passes(uint16_t rx_if, struct flow f)
{
	return in_passes_on(g, rx_if, f);
}

/* Sends one packet out of tx_if through acl-plugin-out-ip4 (data at the
 * Ethernet header, as ip4-rewrite leaves it) of graph gr; true when it got
 * through. */
static bool
out_passes_on(struct vn_graph *gr, uint16_t tx_if, struct flow f)
{
	struct rte_mbuf *m = mk(&f, 0, RTE_ETHER_HDR_LEN);
	bool ok;

	vn_meta(m)->tx_if = tx_if;
	vt_capture_reset(&out_cap);
	vt_inject(gr, ACL_NODE_OUT, &m, 1);
	ok = out_cap.n == 1;
	vt_capture_reset(&out_cap);
	return ok;
}

static bool
out_passes(uint16_t tx_if, struct flow f)
{
	return out_passes_on(g, tx_if, f);
}

static uint64_t
err_total(const char *node, const char *name)
{
	return vn_error_total(vt_err(node, name));
}

static struct flow
tcp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint8_t flags)
{
	return (struct flow){.proto = IPPROTO_TCP, .src = src, .dst = dst, .sport = sport,
			     .dport = dport, .flags = flags};
}

static struct flow
udp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
	return (struct flow){.proto = IPPROTO_UDP, .src = src, .dst = dst, .sport = sport,
			     .dport = dport};
}

static struct flow
icmp(uint32_t src, uint32_t dst, uint8_t type, uint8_t code, uint16_t id)
{
	return (struct flow){.proto = IPPROTO_ICMP, .src = src, .dst = dst, .sport = type,
			     .dport = code, .icmp_id = id};
}

static int
suite_init(void)
{
	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0)
		return -1;
	out = vn_cli_out_new();
	if (!out)
		return -1;
	if (vn_interface_create_virtual("lan0", mac0, 1500, NULL) < 0 ||
	    vn_interface_create_virtual("lan1", mac1, 1500, NULL) < 0 || vn_fib_init(1u << 16) < 0 ||
	    vn_neighbor_init() < 0 || vn_graph_build() < 0)
		return -1;
	acl_control_init();
	g = vn_graph_create(0);
	g1 = vn_graph_create(1);
	return g && g1 ? 0 : -1;
}

/* The graph's arcs onto the capture nodes (asserts need a running test). */
static void
test_graph_setup(void)
{
	vt_redirect(g, "ip4-input", "ip4-lookup", "test-ip4-lookup");
	vt_redirect(g, ACL_NODE_IN, "ip4-lookup", "test-ip4-lookup");
	vt_redirect(g, ACL_NODE_OUT, "interface-output", "test-if-output");
	vt_redirect(g1, "ip4-input", "ip4-lookup", "test-ip4-lookup");
	vt_redirect(g1, ACL_NODE_IN, "ip4-lookup", "test-ip4-lookup");
	vt_redirect(g1, ACL_NODE_OUT, "interface-output", "test-if-output");
}

static int
suite_fini(void)
{
	acl_reset();
	vt_capture_reset(&lookup_cap);
	vt_capture_reset(&out_cap);
	if (g1)
		vn_graph_destroy(g1);
	if (g)
		vn_graph_destroy(g);
	acl_control_fini();
	vn_cli_out_free(out);
	return 0;
}

/* --- rule text ----------------------------------------------------------- */

static void
test_rule_parse(void)
{
	struct acl_rule r, *rs;
	uint32_t n;
	char err[256], buf[256];

	CU_ASSERT_EQUAL(acl_rule_parse("permit", &r, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(r.action, ACL_PERMIT);
	CU_ASSERT_EQUAL(r.src.len, 0);
	CU_ASSERT_EQUAL(r.proto, 0);
	CU_ASSERT_EQUAL(r.dport_hi, 65535);

	CU_ASSERT_EQUAL(acl_rule_parse("permit+reflect src 10.0.1.7/24 dst 10.9.9.9 proto tcp "
				       "sport 1024-65535 dport 80 tcp-flags 2 18",
				       &r, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(r.action, ACL_PERMIT_REFLECT);
	CU_ASSERT_EQUAL(r.src.addr, IP(10, 0, 1, 0)); /* host bits cleared */
	CU_ASSERT_EQUAL(r.src.len, 24);
	CU_ASSERT_EQUAL(r.dst.len, 32);
	CU_ASSERT_EQUAL(r.proto, 6);
	CU_ASSERT_EQUAL(r.sport_lo, 1024);
	CU_ASSERT_EQUAL(r.dport_lo, 80);
	CU_ASSERT_EQUAL(r.dport_hi, 80);
	CU_ASSERT_EQUAL(r.tcp_flags_value, 2);
	CU_ASSERT_EQUAL(r.tcp_flags_mask, 18);
	CU_ASSERT_STRING_EQUAL(acl_rule_format(&r, buf, sizeof(buf)),
			       "permit+reflect src 10.0.1.0/24 dst 10.9.9.9/32 proto 6 sport "
			       "1024-65535 dport 80 tcp-flags 2 18");
	/* What show prints parses back to the same rule. */
	{
		struct acl_rule r2;
		CU_ASSERT_EQUAL(acl_rule_parse(buf, &r2, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(memcmp(&r, &r2, sizeof(r)), 0);
	}
	CU_ASSERT_EQUAL(acl_rule_parse("action 0 proto icmp icmp-type 8 icmp-code 0-3", &r, err,
				       sizeof(err)),
			0);
	CU_ASSERT_EQUAL(r.action, ACL_DENY);
	CU_ASSERT_EQUAL(r.sport_lo, 8);
	CU_ASSERT_EQUAL(r.sport_hi, 8);
	CU_ASSERT_EQUAL(r.dport_hi, 3);

	/* Errors name the problem. */
	CU_ASSERT_EQUAL(acl_rule_parse("allow", &r, err, sizeof(err)), -EINVAL);
	CU_ASSERT(has(err, "'allow'"));
	CU_ASSERT_EQUAL(acl_rule_parse("permit src 10.0.0.0/33", &r, err, sizeof(err)), -EINVAL);
	CU_ASSERT(has(err, "bad src prefix '10.0.0.0/33'"));
	CU_ASSERT_EQUAL(acl_rule_parse("permit proto 6 dport 90-80", &r, err, sizeof(err)), -EINVAL);
	CU_ASSERT(has(err, "bad dport range '90-80'"));
	CU_ASSERT_EQUAL(acl_rule_parse("permit proto 6 dport 70000", &r, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(acl_rule_parse("permit dport 80", &r, err, sizeof(err)), -EINVAL);
	CU_ASSERT(has(err, "need a protocol"));
	CU_ASSERT_EQUAL(acl_rule_parse("permit proto udp tcp-flags 2 2", &r, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT(has(err, "tcp-flags need proto tcp"));
	CU_ASSERT_EQUAL(acl_rule_parse("permit proto tcp tcp-flags 3 1", &r, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_EQUAL(acl_rule_parse("permit proto tcp icmp-type 8", &r, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(acl_rule_parse("permit proto 256", &r, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(acl_rule_parse("permit src", &r, err, sizeof(err)), -EINVAL);
	CU_ASSERT(has(err, "'src' needs a value"));
	CU_ASSERT_EQUAL(acl_rule_parse("permit colour blue", &r, err, sizeof(err)), -EINVAL);
	CU_ASSERT(has(err, "unknown word 'colour'"));
	CU_ASSERT_EQUAL(acl_rule_parse("  ", &r, err, sizeof(err)), -EINVAL);

	CU_ASSERT_EQUAL(acl_rules_parse("deny proto 1, permit src 10.0.0.0/8,permit", &rs, &n, err,
					sizeof(err)),
			0);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(rs[0].action, ACL_DENY);
	CU_ASSERT_EQUAL(rs[1].src.len, 8);
	free(rs);
	CU_ASSERT_EQUAL(acl_rules_parse("permit, bogus", &rs, &n, err, sizeof(err)), -EINVAL);
	CU_ASSERT(has(err, "rule 2:"));
	CU_ASSERT_EQUAL(acl_rules_parse("permit,", &rs, &n, err, sizeof(err)), -EINVAL);
}

/* --- semantics on packets ---------------------------------------------- */

static void
test_prefix_ports_implicit_deny(void)
{
	uint64_t implicit0 = err_total(ACL_NODE_IN, "acl implicit deny");
	const char *t;

	/* Before any ACL: everything passes, the node is not on the path. */
	CU_ASSERT(in_passes(0, udp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 1000, 53)));
	CU_ASSERT(has(cmd_ok("set acl-plugin acl permit src 10.0.1.0/24 proto udp dport 50-60, "
			     "permit src 10.0.3.3 proto tcp"),
		      "ACL index:0"));
	cmd_ok("set acl-plugin interface lan0 input acl 0");
	CU_ASSERT(in_passes(0, udp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 1000, 53)));
	CU_ASSERT(in_passes(0, udp(IP(10, 0, 1, 200), IP(10, 0, 9, 9), 1000, 50)));
	CU_ASSERT(in_passes(0, udp(IP(10, 0, 1, 200), IP(10, 0, 9, 9), 1000, 60)));
	CU_ASSERT(!in_passes(0, udp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 1000, 49)));
	CU_ASSERT(!in_passes(0, udp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 1000, 61)));
	CU_ASSERT(!in_passes(0, udp(IP(10, 0, 2, 2), IP(10, 0, 9, 9), 1000, 53)));
	CU_ASSERT(!in_passes(0, tcp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 1000, 53, 0)));
	CU_ASSERT(in_passes(0, tcp(IP(10, 0, 3, 3), IP(10, 0, 9, 9), 1, 2, 0)));
	CU_ASSERT(!in_passes(0, tcp(IP(10, 0, 3, 4), IP(10, 0, 9, 9), 1, 2, 0)));
	CU_ASSERT(!in_passes(0, icmp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 8, 0, 1)));
	/* Only lan0 input has it. */
	CU_ASSERT(in_passes(1, icmp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 8, 0, 1)));
	CU_ASSERT_EQUAL(err_total(ACL_NODE_IN, "acl implicit deny") - implicit0, 6);

	t = cmd_ok("show acl-plugin acl index 0");
	CU_ASSERT(has(t, "0: permit src 10.0.1.0/24 dst 0.0.0.0/0 proto 17 sport 0-65535 dport "
			 "50-60  packets 3 bytes 84"));
	CU_ASSERT(has(t, "1: permit src 10.0.3.3/32 dst 0.0.0.0/0 proto 6 sport 0-65535 dport "
			 "0-65535  packets 1 bytes 40"));
	CU_ASSERT(has(t, "applied input on: lan0"));
	t = cmd_ok("show acl-plugin interface lan0");
	CU_ASSERT(has(t, "lan0             input  0                           4            0"
			 "              6            0"));
	CU_ASSERT(has(cmd_ok("show errors"), "acl implicit deny"));

	/* Applying the list enabled the feature; removing it disables it. */
	CU_ASSERT(has(cmd_ok("show interface features lan0"), "    acl-plugin-in-ip4        enabled"));
	cmd_ok("set acl-plugin interface lan0 input acl 0 del");
	CU_ASSERT(in_passes(0, icmp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 8, 0, 1)));
	CU_ASSERT(has(cmd_ok("show interface features lan0"), "    acl-plugin-in-ip4        -"));
	cmd_ok("delete acl-plugin acl index 0");
}

static void
test_order_across_acls(void)
{
	uint64_t deny0 = err_total(ACL_NODE_IN, "acl deny");

	/* First match wins, within an ACL and across the applied list. */
	CU_ASSERT(has(cmd_ok("set acl-plugin acl deny src 10.0.1.5/32, permit src 10.0.1.0/24"),
		      "ACL index:0"));
	CU_ASSERT(has(cmd_ok("set acl-plugin acl permit src 10.0.1.5/32, deny src 10.0.0.0/8"),
		      "ACL index:1"));
	cmd_ok("set acl-plugin interface lan0 input acl 0");
	cmd_ok("set acl-plugin interface lan0 input acl 1");
	CU_ASSERT(!in_passes(0, udp(IP(10, 0, 1, 5), IP(10, 0, 9, 9), 1, 2)));
	CU_ASSERT(in_passes(0, udp(IP(10, 0, 1, 6), IP(10, 0, 9, 9), 1, 2)));
	CU_ASSERT(!in_passes(0, udp(IP(10, 0, 2, 6), IP(10, 0, 9, 9), 1, 2))); /* ACL 1 rule 1 */
	CU_ASSERT_EQUAL(err_total(ACL_NODE_IN, "acl deny") - deny0, 2);
	/* Reversed list: ACL 1 decides first. */
	cmd_ok("set acl-plugin interface lan0 input acl 0 del");
	cmd_ok("set acl-plugin interface lan0 input acl 0");
	CU_ASSERT(in_passes(0, udp(IP(10, 0, 1, 5), IP(10, 0, 9, 9), 1, 2)));
	CU_ASSERT(!in_passes(0, udp(IP(10, 0, 1, 6), IP(10, 0, 9, 9), 1, 2)));
	CU_ASSERT(has(cmd_ok("show acl-plugin interface lan0"), "1,0"));

	/* An ACL in use cannot be deleted; a bad replacement keeps the old one. */
	CU_ASSERT_EQUAL(cmd("delete acl-plugin acl index 0"), -1);
	CU_ASSERT(has(vn_cli_out_errmsg(out), "ACL 0 is applied to lan0 input"));
	CU_ASSERT_EQUAL(cmd("set acl-plugin acl index 0 permit, deny src 300.1.1.1"), -1);
	CU_ASSERT(has(vn_cli_out_errmsg(out), "rule 2: bad src prefix '300.1.1.1'"));
	CU_ASSERT_EQUAL(cmd("set acl-plugin acl index 7 permit"), -1);
	CU_ASSERT(has(vn_cli_out_errmsg(out), "no ACL with index 7"));
	CU_ASSERT_EQUAL(cmd("set acl-plugin interface lan0 input acl 9"), -1);
	CU_ASSERT_EQUAL(cmd("set acl-plugin interface lan0 input acl 1"), -1);
	CU_ASSERT(has(vn_cli_out_errmsg(out), "already applied"));
	CU_ASSERT_EQUAL(cmd("set acl-plugin interface lan9 input acl 1"), -1);
	CU_ASSERT_EQUAL(cmd("set acl-plugin interface lan0 sideways acl 1"), -1);
	CU_ASSERT(has(cmd_ok("show acl-plugin acl index 0"), "deny src 10.0.1.5/32"));
	CU_ASSERT(in_passes(0, udp(IP(10, 0, 1, 5), IP(10, 0, 9, 9), 1, 2)));

	/* Replacing ACL 1 (in use) takes effect at once; its counters restart. */
	cmd_ok("set acl-plugin acl index 1 deny src 10.0.1.5/32");
	CU_ASSERT(!in_passes(0, udp(IP(10, 0, 1, 5), IP(10, 0, 9, 9), 1, 2)));
	CU_ASSERT(in_passes(0, udp(IP(10, 0, 1, 6), IP(10, 0, 9, 9), 1, 2))); /* ACL 0 rule 1 */
	CU_ASSERT(has(cmd_ok("show acl-plugin acl index 1"),
		      "0: deny src 10.0.1.5/32 dst 0.0.0.0/0 proto 0  packets 1 bytes 28"));

	cmd_ok("set acl-plugin interface lan0 input acl 0 del");
	cmd_ok("set acl-plugin interface lan0 input acl 1 del");
	cmd_ok("delete acl-plugin acl index 0");
	/* A freed index is reused first, as VPP's pool does. */
	CU_ASSERT(has(cmd_ok("set acl-plugin acl permit"), "ACL index:0"));
	cmd_ok("delete acl-plugin acl index 0");
	cmd_ok("delete acl-plugin acl index 1");
	CU_ASSERT(has(cmd_ok("show acl-plugin acl"), "no ACLs"));
}

static void
test_flags_icmp_fragments(void)
{
	cmd_ok("set acl-plugin acl permit proto tcp tcp-flags 2 18, permit proto icmp icmp-type 8 "
	       "icmp-code 0, deny proto icmp, permit proto udp sport 0 dport 0");
	cmd_ok("set acl-plugin interface lan0 input acl 0");
	CU_ASSERT(in_passes(0, tcp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 1000, 80, TCP_SYN)));
	CU_ASSERT(!in_passes(0, tcp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 1000, 80, TCP_SYN | TCP_ACK)));
	CU_ASSERT(!in_passes(0, tcp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 1000, 80, TCP_ACK)));
	CU_ASSERT(in_passes(0, tcp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 1000, 80, TCP_SYN | 0x08)));
	CU_ASSERT(in_passes(0, icmp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 8, 0, 7)));
	CU_ASSERT(!in_passes(0, icmp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 0, 0, 7)));
	CU_ASSERT(!in_passes(0, icmp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 8, 1, 7)));
	/* A non-first fragment carries no ports: they read as 0. */
	{
		struct flow f = udp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 1000, 53);
		f.frag_off = 100;
		CU_ASSERT(in_passes(0, f));
		CU_ASSERT(!in_passes(0, udp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 1000, 53)));
	}
	cmd_ok("set acl-plugin interface lan0 input acl 0 del");
	cmd_ok("delete acl-plugin acl index 0");
}

static void
test_output_and_reflect(void)
{
	uint32_t client = IP(10, 0, 1, 2), server = IP(10, 0, 2, 2);
	const char *t;

	/* lan1 is the outside: only what the inside starts may come back. */
	cmd_ok("set acl-plugin acl permit+reflect src 10.0.1.0/24");
	cmd_ok("set acl-plugin acl deny src 0.0.0.0/0 proto tcp");
	cmd_ok("set acl-plugin interface lan1 output acl 0");
	cmd_ok("set acl-plugin interface lan1 input acl 1");

	/* Outside-initiated: denied on lan1 input. */
	CU_ASSERT(!in_passes(1, tcp(server, client, 5555, 22, TCP_SYN)));
	CU_ASSERT(!in_passes(1, udp(server, client, 5555, 53))); /* implicit */
	/* Inside client out through lan1: permitted, sessions made. */
	CU_ASSERT(out_passes(1, tcp(client, server, 40000, 80, TCP_SYN)));
	CU_ASSERT(out_passes(1, udp(client, server, 40001, 53)));
	CU_ASSERT(out_passes(1, icmp(client, server, 8, 0, 77)));
	t = cmd_ok("show acl-plugin sessions");
	CU_ASSERT(has(t, "total sessions: 3"));
	CU_ASSERT(has(t, "lan1 proto 6 10.0.1.2:40000 <-> 10.0.2.2:80"));
	/* Replies come back in on lan1. */
	CU_ASSERT(in_passes(1, tcp(server, client, 80, 40000, TCP_SYN | TCP_ACK)));
	CU_ASSERT(in_passes(1, udp(server, client, 53, 40001)));
	CU_ASSERT(in_passes(1, icmp(server, client, 0, 0, 77)));
	/* ... but not to another port, nor another echo id. */
	CU_ASSERT(!in_passes(1, tcp(server, client, 80, 40002, TCP_SYN | TCP_ACK)));
	CU_ASSERT(!in_passes(1, icmp(server, client, 0, 0, 78)));
	/* A session is on its interface only: lan0 input has its own list. */
	cmd_ok("set acl-plugin interface lan0 input acl 1");
	CU_ASSERT(!in_passes(0, tcp(server, client, 80, 40000, TCP_ACK)));
	cmd_ok("set acl-plugin interface lan0 input acl 1 del");
	t = cmd_ok("show acl-plugin interface lan1");
	CU_ASSERT(has(t, "lan1             input  1                           0            2"
			 "              2            3"));
	CU_ASSERT(has(t, "lan1             output 0                           3            0"
			 "              0            0"));
	CU_ASSERT_EQUAL(err_total(ACL_NODE_OUT, "acl session created"), 3);

	/* Idle sessions expire: lookups miss at once, the sweep drains them. */
	cmd_ok("set acl-plugin session timeout udp idle 1");
	cmd_ok("set acl-plugin session timeout tcp idle 1");
	cmd_ok("set acl-plugin session timeout tcp transient 1"); /* SYN only: transient */
	usleep(1200 * 1000);
	CU_ASSERT(!in_passes(1, udp(server, client, 53, 40001)));
	CU_ASSERT(has(cmd_ok("show acl-plugin sessions"), "total sessions: 0"));
	cmd_ok("set acl-plugin session timeout udp idle 600");
	cmd_ok("set acl-plugin session timeout tcp idle 86400");
	cmd_ok("set acl-plugin session timeout tcp transient 120");
	CU_ASSERT_EQUAL(cmd("set acl-plugin session timeout tcp idle 0"), -1);
	CU_ASSERT_EQUAL(cmd("set acl-plugin session timeout udp transient 5"), -1);

	cmd_ok("set acl-plugin interface lan1 output acl 0 del");
	cmd_ok("set acl-plugin interface lan1 input acl 1 del");
	cmd_ok("delete acl-plugin acl index 0");
	cmd_ok("delete acl-plugin acl index 1");
}


/* The count after "label" in text (e.g. "hits on other threads' sessions "). */
static uint64_t
num_after(const char *text, const char *label)
{
	const char *p = text ? strstr(text, label) : NULL;

	return p ? strtoull(p + strlen(label), NULL, 10) : UINT64_MAX;
}

/* Thread t's line of show acl-plugin sessions. */
static const char *
thread_line(const char *text, uint32_t t)
{
	char want[32];

	snprintf(want, sizeof(want), "thread %u: ", t);
	return strstr(text, want);
}

/* Stateful firewall on lan1 for the session tests: ACL 0 reflects what the
 * inside sends out, ACL 1 denies everything coming in. */
static void
stateful_setup(void)
{
	CU_ASSERT(has(cmd_ok("set acl-plugin acl permit+reflect src 10.0.1.0/24"), "ACL index:0"));
	CU_ASSERT(has(cmd_ok("set acl-plugin acl deny"), "ACL index:1"));
	cmd_ok("set acl-plugin interface lan1 output acl 0");
	cmd_ok("set acl-plugin interface lan1 input acl 1");
}

static void
stateful_teardown(void)
{
	cmd_ok("set acl-plugin interface lan1 input acl 1 del");
	cmd_ok("set acl-plugin interface lan1 output acl 0 del");
	cmd_ok("delete acl-plugin acl index 0");
	cmd_ok("delete acl-plugin acl index 1");
	CU_ASSERT(has(cmd_ok("show acl-plugin sessions"), "total sessions: 0"));
}

static void
test_sessions_shared_by_threads(void)
{
	uint32_t client = IP(10, 0, 1, 2), server = IP(10, 0, 2, 2);
	const char *t;

	stateful_setup();
	/* Thread 0 sends the request out; the reply comes in on thread 1 (another
	 * RX queue, another worker): it finds thread 0's session. */
	CU_ASSERT(out_passes_on(g, 1, udp(client, server, 41000, 53)));
	CU_ASSERT(in_passes_on(g1, 1, udp(server, client, 53, 41000)));
	CU_ASSERT(in_passes_on(g1, 1, udp(server, client, 53, 41000)));
	/* ... and the other way round. */
	CU_ASSERT(out_passes_on(g1, 1, tcp(client, server, 41001, 80, TCP_SYN)));
	CU_ASSERT(in_passes_on(g, 1, tcp(server, client, 80, 41001, TCP_SYN | TCP_ACK)));
	CU_ASSERT(!in_passes_on(g1, 1, udp(server, client, 53, 41002))); /* no session */
	t = cmd_ok("show acl-plugin sessions");
	CU_ASSERT(has(t, "lan1 proto 17 10.0.1.2:41000 <-> 10.0.2.2:53 age"));
	CU_ASSERT(has(t, "packets 3 acl 0 rule 0 thread 0"));
	CU_ASSERT(has(t, "acl 0 rule 0 thread 1 tcp transient"));
	CU_ASSERT(has(t, "total sessions: 2"));
	CU_ASSERT_EQUAL(num_after(thread_line(t, 1), "hits on other threads' sessions "), 2);
	CU_ASSERT_EQUAL(num_after(thread_line(t, 0), "hits on other threads' sessions "), 1);
	CU_ASSERT_EQUAL(num_after(thread_line(t, 0), "owns "), 1);
	CU_ASSERT_EQUAL(num_after(thread_line(t, 1), "owns "), 1);

	/* Only the owner expires a session: thread 0's vectors leave thread
	 * 1's expired TCP session alone; thread 1's next vector deletes it. */
	cmd_ok("set acl-plugin session timeout tcp transient 1");
	usleep(1100 * 1000);
	CU_ASSERT(!in_passes_on(g, 1, tcp(server, client, 80, 41001, TCP_ACK))); /* expired: miss */
	CU_ASSERT(in_passes_on(g, 1, udp(server, client, 53, 41000))); /* UDP: 600 s */
	t = cmd_ok("show acl-plugin sessions");
	CU_ASSERT(has(t, "thread 1 tcp transient"));
	CU_ASSERT(has(t, "(expired, draining)"));
	CU_ASSERT(in_passes_on(g1, 1, udp(server, client, 53, 41000)));
	t = cmd_ok("show acl-plugin sessions");
	CU_ASSERT(has(t, "total sessions: 1"));
	CU_ASSERT_EQUAL(num_after(thread_line(t, 1), "expired "), 1);
	cmd_ok("set acl-plugin session timeout tcp transient 120");
	stateful_teardown();
}

static void
test_tcp_state(void)
{
	uint32_t client = IP(10, 0, 1, 2), server = IP(10, 0, 2, 2);
	const char *t;

	stateful_setup();
	cmd_ok("set acl-plugin session timeout tcp transient 1");
	cmd_ok("set acl-plugin session timeout tcp idle 600");
	/* Connection A: full handshake, then idle past the transient timeout:
	 * established, it lives on. */
	CU_ASSERT(out_passes(1, tcp(client, server, 42000, 80, TCP_SYN)));
	CU_ASSERT(has(cmd_ok("show acl-plugin sessions"), "tcp transient flags 0x02/0x00"));
	CU_ASSERT(in_passes(1, tcp(server, client, 80, 42000, TCP_SYN | TCP_ACK)));
	CU_ASSERT(has(cmd_ok("show acl-plugin sessions"), "tcp transient flags 0x02/0x12"));
	CU_ASSERT(out_passes(1, tcp(client, server, 42000, 80, TCP_ACK)));
	CU_ASSERT(has(cmd_ok("show acl-plugin sessions"), "tcp established flags 0x12/0x12"));
	/* Connection B: SYN only (never answered) -> transient. */
	CU_ASSERT(out_passes(1, tcp(client, server, 42001, 80, TCP_SYN)));
	/* Connection C: established, then reset by the server -> transient. */
	CU_ASSERT(out_passes(1, tcp(client, server, 42002, 80, TCP_SYN)));
	CU_ASSERT(in_passes(1, tcp(server, client, 80, 42002, TCP_SYN | TCP_ACK)));
	CU_ASSERT(out_passes(1, tcp(client, server, 42002, 80, TCP_ACK)));
	CU_ASSERT(in_passes(1, tcp(server, client, 80, 42002, 0x04 /* RST */)));
	/* Connection D: established, then closed by FIN from the client. */
	CU_ASSERT(out_passes(1, tcp(client, server, 42003, 80, TCP_SYN)));
	CU_ASSERT(in_passes(1, tcp(server, client, 80, 42003, TCP_SYN | TCP_ACK)));
	CU_ASSERT(out_passes(1, tcp(client, server, 42003, 80, TCP_ACK)));
	CU_ASSERT(out_passes(1, tcp(client, server, 42003, 80, TCP_ACK | 0x01 /* FIN */)));
	/* The FIN's answer still passes (transient is not gone yet). */
	CU_ASSERT(in_passes(1, tcp(server, client, 80, 42003, TCP_ACK | 0x01)));
	t = cmd_ok("show acl-plugin sessions");
	CU_ASSERT(has(t, "total sessions: 4"));
	usleep(1200 * 1000);
	/* A established lives; B, C, D timed out after the transient 1 s. */
	CU_ASSERT(in_passes(1, tcp(server, client, 80, 42000, TCP_ACK)));
	CU_ASSERT(!in_passes(1, tcp(server, client, 80, 42001, TCP_SYN | TCP_ACK)));
	CU_ASSERT(!in_passes(1, tcp(server, client, 80, 42002, TCP_ACK)));
	CU_ASSERT(!in_passes(1, tcp(server, client, 80, 42003, TCP_ACK)));
	t = cmd_ok("show acl-plugin sessions");
	CU_ASSERT(has(t, "total sessions: 1"));
	CU_ASSERT(has(t, "10.0.1.2:42000 <-> 10.0.2.2:80"));
	CU_ASSERT(has(t, "timeouts: tcp idle 600s, tcp transient 1s"));
	/* A new SYN on the expired B's 5-tuple makes a fresh transient session. */
	CU_ASSERT(out_passes(1, tcp(client, server, 42001, 80, TCP_SYN)));
	CU_ASSERT(has(cmd_ok("show acl-plugin sessions"), "total sessions: 2"));
	/* Sessions not opened by a SYN (mid-stream) are not tracked: idle timeout. */
	CU_ASSERT(out_passes(1, tcp(client, server, 42004, 80, TCP_ACK)));
	usleep(1200 * 1000);
	CU_ASSERT(in_passes(1, tcp(server, client, 80, 42004, TCP_ACK)));
	cmd_ok("set acl-plugin session timeout tcp transient 120");
	cmd_ok("set acl-plugin session timeout tcp idle 86400");
	stateful_teardown();
}

static void
test_detach_clear_paging(void)
{
	uint32_t client = IP(10, 0, 1, 2), server = IP(10, 0, 2, 2);
	const char *t;

	stateful_setup();
	/* ACL 2 also reflects, on lan1 output after ACL 0 (for dst 10.0.3.0/24
	 * only, which ACL 0 does not reflect: src 10.0.9.0/24). */
	CU_ASSERT(has(cmd_ok("set acl-plugin acl permit+reflect src 10.0.9.0/24"), "ACL index:2"));
	cmd_ok("set acl-plugin interface lan1 output acl 2");
	CU_ASSERT(out_passes(1, udp(client, server, 43000, 53)));
	CU_ASSERT(out_passes(1, udp(client, server, 43001, 53)));
	CU_ASSERT(out_passes(1, udp(client, server, 43002, 53)));
	CU_ASSERT(out_passes(1, udp(IP(10, 0, 9, 9), server, 43003, 53)));
	t = cmd_ok("show acl-plugin sessions");
	CU_ASSERT(has(t, "total sessions: 4"));

	/* Paging: limit and skip, and what was not shown is said. */
	t = cmd_ok("show acl-plugin sessions limit 1");
	CU_ASSERT(has(t, "  ... 3 more not shown (skip 1 limit 1 to see them)"));
	t = cmd_ok("show acl-plugin sessions skip 3 limit 5");
	CU_ASSERT(!strstr(t, "more not shown"));
	CU_ASSERT_EQUAL(cmd("show acl-plugin sessions limit"), -1);
	t = cmd_ok("show acl-plugin sessions interface lan0");
	CU_ASSERT(has(t, "total sessions: 0"));

	/* The table cannot be resized while sessions exist. */
	CU_ASSERT_EQUAL(cmd("set acl-plugin session table max-entries 2048"), -1);
	CU_ASSERT(has(vn_cli_out_errmsg(out), "4 sessions exist"));

	/* Detaching ACL 0 from lan1 output deletes its 3 sessions, not ACL 2's. */
	uint64_t cleared0 = num_after(thread_line(cmd_ok("show acl-plugin sessions"), 0), "cleared ");
	cmd_ok("set acl-plugin interface lan1 output acl 0 del");
	t = cmd_ok("show acl-plugin sessions");
	CU_ASSERT(has(t, "total sessions: 1"));
	CU_ASSERT(has(t, "10.0.2.2:53 <-> 10.0.9.9:43003"));
	CU_ASSERT_EQUAL(num_after(thread_line(t, 0), "cleared ") - cleared0, 3);
	CU_ASSERT(!in_passes(1, udp(server, client, 53, 43000)));
	CU_ASSERT(in_passes(1, udp(server, IP(10, 0, 9, 9), 53, 43003)));
	/* Re-applied: the flow starts again with a new session. */
	cmd_ok("set acl-plugin interface lan1 output acl 0");
	CU_ASSERT(out_passes(1, udp(client, server, 43000, 53)));
	CU_ASSERT(in_passes(1, udp(server, client, 53, 43000)));

	/* clear acl-plugin sessions [interface IF] */
	CU_ASSERT(has(cmd_ok("clear acl-plugin sessions interface lan0"), "0 session(s) deleted"));
	CU_ASSERT(has(cmd_ok("clear acl-plugin sessions"), "2 session(s) deleted"));
	CU_ASSERT(has(cmd_ok("show acl-plugin sessions"), "total sessions: 0"));
	CU_ASSERT(!in_passes(1, udp(server, client, 53, 43000)));

	/* clear acl-plugin counters: rules and interfaces start again from 0. */
	CU_ASSERT(!strstr(cmd_ok("show acl-plugin acl index 0"), "packets 0 bytes 0"));
	cmd_ok("clear acl-plugin counters");
	CU_ASSERT(has(cmd_ok("show acl-plugin acl index 0"), "0: permit+reflect src 10.0.1.0/24 "
							    "dst 0.0.0.0/0 proto 0  packets 0 bytes 0"));
	CU_ASSERT(has(cmd_ok("show acl-plugin interface lan1"),
		      "lan1             input  1                           0            0"
		      "              0            0"));
	CU_ASSERT(!in_passes(1, udp(server, client, 53, 43009)));
	CU_ASSERT(has(cmd_ok("show acl-plugin acl index 1"), "packets 1 bytes 28"));

	/* Empty now: the table can be resized. */
	cmd_ok("set acl-plugin session table max-entries 2048");
	CU_ASSERT(has(cmd_ok("show acl-plugin sessions"), "capacity 2048"));
	CU_ASSERT(out_passes(1, udp(client, server, 43000, 53)));
	CU_ASSERT(in_passes(1, udp(server, client, 53, 43000)));
	CU_ASSERT_EQUAL(cmd("set acl-plugin session table max-entries 10"), -1);

	cmd_ok("set acl-plugin interface lan1 output acl 2 del");
	cmd_ok("delete acl-plugin acl index 2");
	stateful_teardown();
	cmd_ok("set acl-plugin session table max-entries 65536");
}

/* A full session table: new flows still pass, each counted once, as a
 * session created or as "acl session table full". */
static void
test_session_table_full(void)
{
	uint32_t client = IP(10, 0, 1, 2), server = IP(10, 0, 2, 2);
	uint64_t created0 = err_total(ACL_NODE_OUT, "acl session created");
	uint64_t full0 = err_total(ACL_NODE_OUT, "acl session table full");
	const uint32_t n_flows = 2 * ACL_SESSIONS_MIN;
	struct rte_mbuf *pkts[VN_FRAME_SIZE];
	uint64_t created, full;

	cmd_ok("set acl-plugin session table max-entries 1024");
	stateful_setup();
	for (uint32_t f = 0; f < n_flows; f += VN_FRAME_SIZE) {
		for (uint16_t i = 0; i < VN_FRAME_SIZE; i++) {
			struct flow fl = udp(client, server, (uint16_t)(20000 + f + i), 53);

			pkts[i] = mk(&fl, 0, RTE_ETHER_HDR_LEN);
			vn_meta(pkts[i])->tx_if = 1;
		}
		vt_capture_reset(&out_cap);
		vt_inject(g, ACL_NODE_OUT, pkts, VN_FRAME_SIZE);
		CU_ASSERT_EQUAL(out_cap.n, VN_FRAME_SIZE); /* permitted, session or not */
	}
	vt_capture_reset(&out_cap);
	created = err_total(ACL_NODE_OUT, "acl session created") - created0;
	full = err_total(ACL_NODE_OUT, "acl session table full") - full0;
	CU_ASSERT(created > 0 && created <= ACL_SESSIONS_MIN);
	CU_ASSERT(full >= n_flows - ACL_SESSIONS_MIN);
	CU_ASSERT_EQUAL(created + full, n_flows);
	stateful_teardown();
	cmd_ok("set acl-plugin session table max-entries 65536");
}

static int
config_apply(const char *yaml)
{
	struct vn_config cfg;
	int rc = vn_config_load_string("acl.yaml", yaml, &cfg, NULL);

	if (rc == 0) {
		rc = vn_config_apply_sections(&cfg, stderr);
		vn_config_free(&cfg);
	}
	return rc;
}

static void
test_config_and_lua(void)
{
	struct vn_config cfg;
	char *buf;
	size_t len;
	FILE *err = open_memstream(&buf, &len);

	/* Bad rules and references fail the check, with line and column. */
	CU_ASSERT_EQUAL(vn_config_load_string("acl.yaml",
					      "acl:\n  acls:\n    - rules:\n        - permit\n"
					      "        - deny src 10.0.0.0/40\n",
					      &cfg, err),
			-1);
	CU_ASSERT_EQUAL(vn_config_load_string("acl.yaml",
					      "acl:\n  acls:\n    - rules: [permit]\n"
					      "  interfaces:\n    - { name: lan0, input: [1] }\n",
					      &cfg, err),
			-1);
	CU_ASSERT_EQUAL(vn_config_load_string("acl.yaml", "acl:\n  acls:\n    - rules: []\n", &cfg,
					      err),
			-1);
	CU_ASSERT_EQUAL(vn_config_load_string("acl.yaml", "acl:\n  colour: blue\n", &cfg, err), -1);
	fclose(err);
	CU_ASSERT(has(buf, "acl.yaml:5:11: acl.acls[0].rules[1]: bad src prefix '10.0.0.0/40'"));
	CU_ASSERT(has(buf, "acl.yaml:5:29: acl.interfaces[0].input[0]: ACL 1 is not defined"));
	free(buf);

	CU_ASSERT_EQUAL(config_apply("acl:\n"
				     "  session-timeouts: { udp-idle: 30 }\n"
				     "  acls:\n"
				     "    - tag: no-ping\n"
				     "      rules: [\"deny proto icmp\", \"permit\"]\n"
				     "  interfaces:\n"
				     "    - { name: lan0, input: [0] }\n"),
			0);
	CU_ASSERT(has(cmd_ok("show acl-plugin acl"), "acl-index 0 count 2 tag {no-ping}"));
	CU_ASSERT(has(cmd_ok("show acl-plugin sessions"), "udp and others idle 30s"));
	CU_ASSERT(!in_passes(0, icmp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 8, 0, 1)));
	CU_ASSERT(in_passes(0, udp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 1, 2)));

	/* Lua: the same control API. */
	CU_ASSERT(has(cmd_ok("lua eval return vecnet.acl_set('permit proto icmp', 0, 'ping-ok')"),
		      "0"));
	CU_ASSERT(in_passes(0, icmp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 8, 0, 1)));
	CU_ASSERT(has(cmd_ok("lua eval return vecnet.acl_counters(0)[1].packets"), "1"));
	CU_ASSERT(has(cmd_ok("lua eval return vecnet.acl_set('deny proto tcp')"), "1"));
	cmd_ok("lua eval vecnet.acl_interface('lan0', 'input', 1)");
	CU_ASSERT(has(cmd_ok("show acl-plugin interface lan0"), "0,1"));
	CU_ASSERT_EQUAL(cmd("lua eval vecnet.acl_set('permit bogus')"), -1);
	CU_ASSERT(has(vn_cli_out_errmsg(out), "unknown word 'bogus'"));
	CU_ASSERT_EQUAL(cmd("lua eval vecnet.acl_delete(1)"), -1);
	cmd_ok("lua eval vecnet.acl_interface('lan0', 'input', 1, false)");
	cmd_ok("lua eval vecnet.acl_delete(1)");
	cmd_ok("set acl-plugin interface lan0 input acl 0 del");
	cmd_ok("delete acl-plugin acl index 0");
	acl_timeout_udp_s = 600;
}

/* --- IPv6 ----------------------------------------------------------------- */

enum { EXT_NONE, EXT_OPTS, EXT_FRAG_FIRST, EXT_FRAG_LATER };

struct flow6 {
	uint8_t proto;
	const char *src, *dst;
	uint16_t sport, dport; /* ICMPv6: type, code */
	uint8_t flags;
	uint16_t icmp_id;
	uint8_t hop_limit; /* 0: 64 */
	uint8_t ext; /* EXT_*: extension headers before the upper-layer header */
};

static struct vn_ip6
a6(const char *s)
{
	struct vn_ip6 a;

	CU_ASSERT_EQUAL_FATAL(vn_parse_ip6(s, &a), 0);
	return a;
}

/* The IPv6 packet of a flow, at offset off: the header, the extension
 * headers asked for (hop-by-hop and destination options, or a fragment
 * header), then the upper-layer header. A later fragment carries 0xff bytes
 * where ports would be. */
static struct rte_mbuf *
mk6(const struct flow6 *f, uint16_t rx_if, uint16_t off)
{
	uint16_t l4 = f->proto == IPPROTO_TCP ? 20 : 8;
	uint16_t ext = f->ext == EXT_OPTS ? 16 : f->ext ? 8 : 0;
	struct rte_mbuf *m = vt_pkt(off + 40 + ext + l4, rx_if);
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, off);
	uint8_t *e = ip + 40, *p = ip + 40 + ext;
	struct vn_ip6 s = a6(f->src), d = a6(f->dst);

	ip[0] = 0x60;
	ip[4] = (uint8_t)((ext + l4) >> 8);
	ip[5] = (uint8_t)(ext + l4);
	ip[7] = f->hop_limit ? f->hop_limit : 64;
	memcpy(ip + 8, s.b, 16);
	memcpy(ip + 24, d.b, 16);
	switch (f->ext) {
	case EXT_NONE:
		ip[6] = f->proto;
		break;
	case EXT_OPTS: /* hop-by-hop, then destination options, each one PadN */
		ip[6] = VN_IP6_NH_HOP_BY_HOP;
		e[0] = VN_IP6_NH_DEST_OPTS;
		e[2] = 1, e[3] = 4;
		e[8] = f->proto;
		e[10] = 1, e[11] = 4;
		break;
	default:
		ip[6] = VN_IP6_NH_FRAGMENT;
		e[0] = f->proto;
		e[3] = f->ext == EXT_FRAG_LATER ? (100 << 3) & 0xff : 1; /* offset, or M */
		e[2] = f->ext == EXT_FRAG_LATER ? (100 << 3) >> 8 : 0;
		e[7] = 42; /* identification */
		break;
	}
	if (f->ext == EXT_FRAG_LATER) {
		memset(p, 0xff, l4);
	} else if (f->proto == IPPROTO_ICMPV6) {
		p[0] = (uint8_t)f->sport;
		p[1] = (uint8_t)f->dport;
		p[4] = f->icmp_id >> 8;
		p[5] = f->icmp_id & 0xff;
	} else {
		p[0] = f->sport >> 8;
		p[1] = f->sport & 0xff;
		p[2] = f->dport >> 8;
		p[3] = f->dport & 0xff;
		if (f->proto == IPPROTO_TCP) {
			p[12] = 5 << 4;
			p[13] = f->flags;
		}
	}
	return m;
}

/* In through ip6-input (its checks, then the ip6-unicast arc) of graph gr;
 * true when the packet reached ip6-lookup. */
static bool
in6_passes_on(struct vn_graph *gr, uint16_t rx_if, struct flow6 f)
{
	struct rte_mbuf *m = mk6(&f, rx_if, 0);
	bool ok;

	vt_capture_reset(&lookup_cap);
	vt_inject(gr, "ip6-input", &m, 1);
	ok = lookup_cap.n == 1;
	vt_capture_reset(&lookup_cap);
	return ok;
}

static bool
in6_passes(uint16_t rx_if, struct flow6 f)
{
	return in6_passes_on(g, rx_if, f);
}

/* Out of tx_if through acl-plugin-out-ip6, the frame as ip6-rewrite leaves it. */
static bool
out6_passes(uint16_t tx_if, struct flow6 f)
{
	struct rte_mbuf *m = mk6(&f, 0, RTE_ETHER_HDR_LEN);
	bool ok;

	vn_meta(m)->tx_if = tx_if;
	vt_capture_reset(&out_cap);
	vt_inject(g, ACL_NODE_OUT6, &m, 1);
	ok = out_cap.n == 1;
	vt_capture_reset(&out_cap);
	return ok;
}

static struct flow6
tcp6(const char *src, const char *dst, uint16_t sport, uint16_t dport, uint8_t flags)
{
	return (struct flow6){.proto = IPPROTO_TCP, .src = src, .dst = dst, .sport = sport,
			      .dport = dport, .flags = flags};
}

static struct flow6
udp6(const char *src, const char *dst, uint16_t sport, uint16_t dport)
{
	return (struct flow6){.proto = IPPROTO_UDP, .src = src, .dst = dst, .sport = sport,
			      .dport = dport};
}

static struct flow6
icmp6(const char *src, const char *dst, uint8_t type, uint8_t code, uint16_t id)
{
	return (struct flow6){.proto = IPPROTO_ICMPV6, .src = src, .dst = dst, .sport = type,
			      .dport = code, .icmp_id = id};
}

static struct flow6
with_ext(struct flow6 f, uint8_t ext)
{
	f.ext = ext;
	return f;
}

static void
test_graph_setup6(void)
{
	vt_redirect(g, "ip6-input", "ip6-lookup", "test-ip4-lookup");
	vt_redirect(g, ACL_NODE_IN6, "ip6-lookup", "test-ip4-lookup");
	vt_redirect(g, ACL_NODE_OUT6, "interface-output", "test-if-output");
	vt_redirect(g1, "ip6-input", "ip6-lookup", "test-ip4-lookup");
	vt_redirect(g1, ACL_NODE_IN6, "ip6-lookup", "test-ip4-lookup");
	vt_redirect(g1, ACL_NODE_OUT6, "interface-output", "test-if-output");
}

/* A rule's text after a parse and a format. */
static const char *
rule_fmt(const char *text)
{
	static char buf[256];
	struct acl_rule r;
	char err[200];

	if (acl_rule_parse(text, &r, err, sizeof(err)) < 0)
		snprintf(buf, sizeof(buf), "error: %s", err);
	else
		acl_rule_format(&r, buf, sizeof(buf));
	return buf;
}

static void
test_rule_parse6(void)
{
	struct acl_rule r;
	char err[200];

	CU_ASSERT_STRING_EQUAL(rule_fmt("permit+reflect src 2001:db8::/32 dst 2001:db8:1::5 proto 6 "
					"dport 80"),
			       "permit+reflect src 2001:db8::/32 dst 2001:db8:1::5/128 proto 6 "
			       "sport 0-65535 dport 80");
	/* Host bits cleared; the family from the ipv6 word or from icmp6. */
	CU_ASSERT_STRING_EQUAL(rule_fmt("deny src 2001:db8:ffff::1/33"),
			       "deny src 2001:db8:8000::/33 dst ::/0 proto 0");
	CU_ASSERT_STRING_EQUAL(rule_fmt("permit ipv6"), "permit src ::/0 dst ::/0 proto 0");
	CU_ASSERT_STRING_EQUAL(rule_fmt("permit"), "permit src 0.0.0.0/0 dst 0.0.0.0/0 proto 0");
	CU_ASSERT_STRING_EQUAL(rule_fmt("deny proto icmp6 icmp-type 128 icmp-code 0"),
			       "deny src ::/0 dst ::/0 proto 58 icmp-type 128 icmp-code 0");
	CU_ASSERT_STRING_EQUAL(rule_fmt("deny proto 58"),
			       "deny src ::/0 dst ::/0 proto 58 icmp-type 0-255 icmp-code 0-255");
	CU_ASSERT_EQUAL(acl_rule_parse("permit ipv6 proto udp sport 53", &r, err, sizeof(err)), 0);
	CU_ASSERT(r.is_ip6 && r.proto == 17 && r.sport_lo == 53 && r.sport_hi == 53);
	/* A formatted rule reads back the same. */
	CU_ASSERT_STRING_EQUAL(rule_fmt(rule_fmt("permit src 2001:db8::/32 proto tcp tcp-flags 2 18")),
			       "permit src 2001:db8::/32 dst ::/0 proto 6 sport 0-65535 dport "
			       "0-65535 tcp-flags 2 18");
	/* Refusals, each named. */
	CU_ASSERT(has(rule_fmt("permit src 10.0.0.0/8 dst 2001:db8::/32"),
		      "dst prefix '2001:db8::/32' of the other family"));
	CU_ASSERT(has(rule_fmt("permit ipv4 src 2001:db8::1"), "of the other family"));
	CU_ASSERT(has(rule_fmt("permit src 2001:db8::1 ipv4"), "'ipv4' in a rule of the other family"));
	CU_ASSERT(has(rule_fmt("permit src 10.0.0.1 proto icmp6"), "proto 58 (icmp6) in an IPv4 rule"));
	CU_ASSERT(has(rule_fmt("permit ipv6 proto icmp"), "proto 1 (icmp) in an IPv6 rule"));
	CU_ASSERT(has(rule_fmt("permit src 2001:db8::/129"), "bad src prefix '2001:db8::/129'"));
	CU_ASSERT(has(rule_fmt("permit dst 2001:db8:::1"), "bad dst prefix"));
	CU_ASSERT(has(rule_fmt("permit ipv6 proto 6 icmp-type 1"), "need proto icmp (1) or icmp6"));
	CU_ASSERT(has(rule_fmt("permit ipv6 proto 58 sport 300"), "type/code, 0-255"));
	/* The config section and Lua take the same syntax, and refuse the same. */
	{
		struct vn_config cfg;
		char *buf;
		size_t len;
		FILE *err = open_memstream(&buf, &len);

		CU_ASSERT_EQUAL(vn_config_load_string("acl6.yaml",
						      "acl:\n  acls:\n    - rules:\n"
						      "        - permit ipv6 proto icmp6\n"
						      "        - deny src 10.0.0.1 dst 2001:db8::1\n",
						      &cfg, err),
				-1);
		fclose(err);
		CU_ASSERT(has(buf, "acl6.yaml:5:11: acl.acls[0].rules[1]: dst prefix '2001:db8::1' "
				   "of the other family"));
		free(buf);
	}
	CU_ASSERT(has(cmd_ok("lua eval return vecnet.acl_set('deny src 2001:db8::/32, permit ipv6')"),
		      "0"));
	CU_ASSERT(has(cmd_ok("show acl-plugin acl index 0"), "0: deny src 2001:db8::/32 dst ::/0"));
	cmd_ok("delete acl-plugin acl index 0");
	/* An ACL shows its IPv6 rules. */
	cmd_ok("set acl-plugin acl permit src 2001:db8::/32 proto 6 dport 22, deny ipv6, permit");
	CU_ASSERT(has(cmd_ok("show acl-plugin acl index 0"),
		      "permit src 2001:db8::/32 dst ::/0 proto 6 sport 0-65535 dport 22"));
	cmd_ok("delete acl-plugin acl index 0");
}

static const char *C6 = "2001:db8:1::2", *S6 = "2001:db8:2::2";

/* Every field of an IPv6 rule decides, each tested on both sides of its edge. */
static void
test_ip6_fields(void)
{
	cmd_ok("set acl-plugin acl "
	       "deny src 2001:db8:1:0:8000::/65, "		  /* bit 65: word 3 */
	       "permit src 2001:db8:1::/48 dst 2001:db8:2::2/127 proto 6 sport 1000-1999 "
	       "dport 80, "
	       "permit src 2001:db8:1::/48 dst 2001:db8:3::/33 proto 17 dport 53, "
	       "permit ipv6 proto tcp dport 443 tcp-flags 2 18, "
	       "permit ipv6 proto icmp6 icmp-type 128 icmp-code 0, "
	       "permit ipv6 proto 132, "
	       "permit src 10.0.0.0/8"); /* IPv4: never an IPv6 packet's */
	cmd_ok("set acl-plugin interface lan0 input acl 0");
	CU_ASSERT(has(cmd_ok("show interface features lan0"),
		      "ip6-unicast:\n    acl-plugin-in-ip6        enabled"));
	/* src prefix, dst prefix (127: ::2 and ::3), ports ranges. */
	CU_ASSERT(in6_passes(0, tcp6(C6, S6, 1000, 80, TCP_SYN)));
	CU_ASSERT(in6_passes(0, tcp6(C6, "2001:db8:2::3", 1999, 80, TCP_ACK)));
	CU_ASSERT(!in6_passes(0, tcp6(C6, "2001:db8:2::4", 1000, 80, TCP_SYN)));
	CU_ASSERT(!in6_passes(0, tcp6("2001:db8:1:1::2", "2001:db8:2::4", 1000, 80, TCP_SYN)));
	CU_ASSERT(!in6_passes(0, tcp6("2001:db9:1::2", S6, 1000, 80, TCP_SYN)));
	CU_ASSERT(!in6_passes(0, tcp6(C6, S6, 999, 80, TCP_SYN)));
	CU_ASSERT(!in6_passes(0, tcp6(C6, S6, 2000, 80, TCP_SYN)));
	CU_ASSERT(!in6_passes(0, tcp6(C6, S6, 1000, 81, TCP_SYN)));
	/* The first rule's /65: its bit 64 set is denied, clear is not. */
	CU_ASSERT(!in6_passes(0, tcp6("2001:db8:1:0:8000::1", S6, 1000, 80, TCP_SYN)));
	CU_ASSERT(in6_passes(0, tcp6("2001:db8:1:0:7fff::1", S6, 1000, 80, TCP_SYN)));
	/* /33 dst: 2001:db8:3:: in, 2001:db8:8000:: out; protocol. */
	CU_ASSERT(in6_passes(0, udp6(C6, "2001:db8:3::9", 5000, 53)));
	CU_ASSERT(in6_passes(0, udp6(C6, "2001:db8:7fff::9", 5000, 53)));
	CU_ASSERT(!in6_passes(0, udp6(C6, "2001:db8:8000::9", 5000, 53)));
	CU_ASSERT(!in6_passes(0, tcp6(C6, "2001:db8:3::9", 5000, 53, TCP_SYN)));
	/* TCP flags: SYN without ACK. */
	CU_ASSERT(in6_passes(0, tcp6("2001:db8:9::1", S6, 5000, 443, TCP_SYN)));
	CU_ASSERT(!in6_passes(0, tcp6("2001:db8:9::1", S6, 5000, 443, TCP_SYN | TCP_ACK)));
	/* ICMPv6 type and code. */
	CU_ASSERT(in6_passes(0, icmp6("2001:db8:9::1", S6, 128, 0, 1)));
	CU_ASSERT(!in6_passes(0, icmp6("2001:db8:9::1", S6, 129, 0, 1)));
	CU_ASSERT(!in6_passes(0, icmp6("2001:db8:9::1", S6, 128, 1, 1)));
	/* Any other protocol by number. */
	CU_ASSERT(in6_passes(0, (struct flow6){.proto = 132, .src = C6, .dst = S6}));
	CU_ASSERT(!in6_passes(0, (struct flow6){.proto = 133, .src = C6, .dst = S6}));
	/* Counted: the implicit denies and the one deny by name. */
	CU_ASSERT_EQUAL(err_total(ACL_NODE_IN6, "acl deny"), 1);
	CU_ASSERT_EQUAL(err_total(ACL_NODE_IN6, "acl implicit deny"), 12);
	CU_ASSERT(has(cmd_ok("show acl-plugin acl index 0"), "dport 80  packets 3 bytes 180"));
	/* IPv4 on the same interface meets only the IPv4 rule. */
	CU_ASSERT(in_passes(0, udp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 1, 2)));
	CU_ASSERT(!in_passes(0, udp(IP(11, 0, 1, 2), IP(10, 0, 9, 9), 1, 2)));
	cmd_ok("set acl-plugin interface lan0 input acl 0 del");
	CU_ASSERT(has(cmd_ok("show interface features lan0"),
		      "ip6-unicast:\n    acl-plugin-in-ip6        -"));
	/* No list: IPv6 passes untouched again. */
	CU_ASSERT(in6_passes(0, tcp6(C6, S6, 1, 2, TCP_SYN)));
	cmd_ok("delete acl-plugin acl index 0");
}

/* An ACL mixing the families: first match wins within each; one ACL, one
 * binding, both filtered. */
static void
test_mixed_acls(void)
{
	const char *t;

	cmd_ok("set acl-plugin acl deny src 10.0.1.0/24 proto icmp, deny ipv6 proto icmp6 "
	       "icmp-type 128, permit src 10.0.0.0/8, permit src 2001:db8::/32");
	cmd_ok("set acl-plugin acl deny src 2001:db8:1::/48 proto 17");
	cmd_ok("set acl-plugin interface lan0 input acl 1");
	cmd_ok("set acl-plugin interface lan0 input acl 0");
	/* ACL 1 first: IPv6 UDP from 2001:db8:1::/48 denied before ACL 0's permit. */
	CU_ASSERT(!in6_passes(0, udp6(C6, S6, 1, 2)));
	CU_ASSERT(in6_passes(0, udp6("2001:db8:5::1", S6, 1, 2)));
	CU_ASSERT(!in6_passes(0, icmp6(C6, S6, 128, 0, 9)));
	CU_ASSERT(in6_passes(0, icmp6(C6, S6, 129, 0, 9)));
	CU_ASSERT(!in6_passes(0, tcp6("2002::1", S6, 1, 2, TCP_SYN))); /* implicit */
	CU_ASSERT(!in_passes(0, icmp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 8, 0, 1)));
	CU_ASSERT(in_passes(0, icmp(IP(10, 0, 2, 2), IP(10, 0, 9, 9), 8, 0, 1)));
	CU_ASSERT(!in_passes(0, icmp(IP(11, 0, 2, 2), IP(10, 0, 9, 9), 8, 0, 1)));
	/* Rule counters: per rule, whichever family. */
	t = cmd_ok("show acl-plugin acl index 0");
	CU_ASSERT(has(t, "1: deny src ::/0 dst ::/0 proto 58 icmp-type 128 icmp-code 0-65535  "
			 "packets 1"));
	cmd_ok("set acl-plugin interface lan0 input acl 0 del");
	cmd_ok("set acl-plugin interface lan0 input acl 1 del");
	/* An IPv4-only ACL applied: IPv6 is implicitly denied (VPP). */
	cmd_ok("set acl-plugin interface lan0 input acl 0");
	cmd_ok("set acl-plugin acl index 0 permit");
	CU_ASSERT(in_passes(0, udp(IP(11, 0, 2, 2), IP(10, 0, 9, 9), 1, 2)));
	CU_ASSERT(!in6_passes(0, udp6("2001:db8:5::1", S6, 1, 2)));
	/* Replacing it with an IPv6 rule: the list's classifiers rebuilt. */
	cmd_ok("set acl-plugin acl index 0 permit ipv6");
	CU_ASSERT(!in_passes(0, udp(IP(11, 0, 2, 2), IP(10, 0, 9, 9), 1, 2)));
	CU_ASSERT(in6_passes(0, udp6("2001:db8:5::1", S6, 1, 2)));
	cmd_ok("set acl-plugin interface lan0 input acl 0 del");
	cmd_ok("delete acl-plugin acl index 0");
	cmd_ok("delete acl-plugin acl index 1");
}

/* Rules meet the upper-layer protocol past the extension headers; a first
 * fragment is a packet like another; a later one matches on addresses and
 * protocol alone (VPP), in both families. */
static void
test_ext_headers_fragments(void)
{
	cmd_ok("set acl-plugin acl deny ipv6 proto 6 dport 22, deny ipv6 proto 17 dport 9, "
	       "permit ipv6 proto 6, permit ipv6 proto 17 dport 53, deny ipv6 proto 60, "
	       "deny src 10.0.0.0/8 proto udp sport 9 dport 9, permit");
	cmd_ok("set acl-plugin interface lan0 input acl 0");
	CU_ASSERT(in6_passes(0, tcp6(C6, S6, 1000, 80, TCP_SYN)));
	CU_ASSERT(in6_passes(0, with_ext(tcp6(C6, S6, 1000, 80, TCP_SYN), EXT_OPTS)));
	CU_ASSERT(!in6_passes(0, with_ext(tcp6(C6, S6, 1000, 22, TCP_SYN), EXT_OPTS)));
	CU_ASSERT(in6_passes(0, with_ext(tcp6(C6, S6, 1000, 80, TCP_SYN), EXT_FRAG_FIRST)));
	CU_ASSERT(!in6_passes(0, with_ext(tcp6(C6, S6, 1000, 22, TCP_SYN), EXT_FRAG_FIRST)));
	CU_ASSERT(in6_passes(0, with_ext(udp6(C6, S6, 1000, 53), EXT_FRAG_FIRST)));
	/* Later fragments: the first rule with their addresses and protocol
	 * decides, whatever its ports: TCP meets "deny dport 22", UDP "deny
	 * dport 9"; other protocols the implicit deny. */
	CU_ASSERT(!in6_passes(0, with_ext(tcp6(C6, S6, 1000, 80, TCP_SYN), EXT_FRAG_LATER)));
	CU_ASSERT(!in6_passes(0, with_ext(udp6(C6, S6, 1000, 53), EXT_FRAG_LATER)));
	CU_ASSERT(!in6_passes(0, with_ext((struct flow6){.proto = 132, .src = C6, .dst = S6},
					  EXT_FRAG_LATER)));
	cmd_ok("set acl-plugin acl index 0 permit ipv6 proto 6 dport 80, deny ipv6 proto 6, "
	       "deny src 10.0.0.0/8 proto udp sport 9 dport 9, permit");
	CU_ASSERT(in6_passes(0, with_ext(tcp6(C6, S6, 1000, 80, TCP_SYN), EXT_FRAG_LATER)));
	/* IPv4 the same: a later fragment meets "deny ... sport 9 dport 9". */
	{
		struct flow f = udp(IP(10, 0, 1, 2), IP(10, 0, 9, 9), 1000, 53);
		CU_ASSERT(in_passes(0, f));
		f.frag_off = 100;
		CU_ASSERT(!in_passes(0, f));
	}
	cmd_ok("set acl-plugin interface lan0 input acl 0 del");
	cmd_ok("delete acl-plugin acl index 0");
}

/* Reflexive sessions for IPv6 flows, beside IPv4 ones in the same table. */
static void
test_sessions6(void)
{
	const char *t;

	cmd_ok("set acl-plugin acl permit+reflect src 2001:db8:1::/48, permit+reflect src "
	       "10.0.1.0/24");
	cmd_ok("set acl-plugin acl deny ipv6, deny");
	cmd_ok("set acl-plugin interface lan1 output acl 0");
	cmd_ok("set acl-plugin interface lan1 input acl 1");
	CU_ASSERT(!in6_passes(1, tcp6(S6, C6, 5555, 22, TCP_SYN)));
	CU_ASSERT(out6_passes(1, tcp6(C6, S6, 40000, 80, TCP_SYN)));
	CU_ASSERT(out6_passes(1, udp6(C6, S6, 40001, 53)));
	CU_ASSERT(out6_passes(1, icmp6(C6, S6, 128, 0, 77)));
	CU_ASSERT(out_passes(1, udp(IP(10, 0, 1, 2), IP(10, 0, 2, 2), 40001, 53)));
	/* Not from the inside prefix: implicit deny, no session. */
	CU_ASSERT(!out6_passes(1, udp6("2001:db8:9::1", S6, 40001, 53)));
	t = cmd_ok("show acl-plugin sessions");
	CU_ASSERT(has(t, "total sessions: 4"));
	CU_ASSERT(has(t, "lan1 proto 6 [2001:db8:1::2]:40000 <-> [2001:db8:2::2]:80"));
	CU_ASSERT(has(t, "lan1 proto 17 10.0.1.2:40001 <-> 10.0.2.2:53"));
	CU_ASSERT(has(t, "lan1 proto 58 [2001:db8:1::2]:77 <-> [2001:db8:2::2]:77"));
	/* Replies come back, on either thread. */
	CU_ASSERT(in6_passes(1, tcp6(S6, C6, 80, 40000, TCP_SYN | TCP_ACK)));
	CU_ASSERT(in6_passes_on(g1, 1, udp6(S6, C6, 53, 40001)));
	CU_ASSERT(in6_passes(1, icmp6(S6, C6, 129, 0, 77)));
	/* Not to another port, echo id or address; an IPv4 reply of the same
	 * ports is its own flow. */
	CU_ASSERT(!in6_passes(1, tcp6(S6, C6, 80, 40002, TCP_SYN | TCP_ACK)));
	CU_ASSERT(!in6_passes(1, icmp6(S6, C6, 129, 0, 78)));
	CU_ASSERT(!in6_passes(1, udp6(S6, "2001:db8:1::3", 53, 40001)));
	CU_ASSERT(in_passes(1, udp(IP(10, 0, 2, 2), IP(10, 0, 1, 2), 53, 40001)));
	CU_ASSERT(!in_passes(1, udp(IP(10, 0, 2, 2), IP(10, 0, 1, 2), 53, 40009)));
	/* A later fragment of a session's flow has no ports: the rules decide. */
	CU_ASSERT(!in6_passes(1, with_ext(udp6(S6, C6, 53, 40001), EXT_FRAG_LATER)));
	/* Detaching purges them. */
	cmd_ok("set acl-plugin interface lan1 output acl 0 del");
	CU_ASSERT(has(cmd_ok("show acl-plugin sessions"), "total sessions: 0"));
	cmd_ok("set acl-plugin interface lan1 input acl 1 del");
	cmd_ok("delete acl-plugin acl index 0");
	cmd_ok("delete acl-plugin acl index 1");
}

/* Every truncation of an IPv6 TCP packet behind extension headers, through
 * the output node (which sees frames ip6-input never checked, e.g. the
 * router's own): no read past the data, and only the whole packet has the
 * ports that pass. */
static void
test_truncated6(void)
{
	struct flow6 f = with_ext(tcp6(C6, S6, 1000, 80, TCP_SYN), EXT_OPTS);
	uint32_t full = RTE_ETHER_HDR_LEN + 40 + 16 + 20, passed = 0;

	cmd_ok("set acl-plugin acl permit ipv6 proto 6 dport 80");
	cmd_ok("set acl-plugin interface lan1 output acl 0");
	for (uint32_t len = 0; len <= full; len++) {
		struct rte_mbuf *m = mk6(&f, 0, RTE_ETHER_HDR_LEN);

		rte_pktmbuf_trim(m, (uint16_t)(full - len));
		vn_meta(m)->tx_if = 1;
		vt_capture_reset(&out_cap);
		vt_inject(g, ACL_NODE_OUT6, &m, 1);
		passed += out_cap.n;
		/* The first 14 bytes of the TCP header carry ports and flags. */
		CU_ASSERT_EQUAL(out_cap.n, len >= full - 6 ? 1u : 0u);
		vt_capture_reset(&out_cap);
	}
	CU_ASSERT_EQUAL(passed, 7);
	cmd_ok("set acl-plugin interface lan1 output acl 0 del");
	cmd_ok("delete acl-plugin acl index 0");
}

/* Neighbour discovery to our unicast addresses passes a deny-all list unless
 * the user asks for it to be filtered. */
static void
test_nd_passes(void)
{
	struct flow6 na = icmp6(C6, "2001:db8:1::1", 136, 0, 0);
	struct flow6 ns = icmp6(C6, "2001:db8:1::1", 135, 0, 0);
	struct flow6 far = na;

	na.hop_limit = ns.hop_limit = 255;
	cmd_ok("clear acl-plugin counters");
	cmd_ok("set acl-plugin acl deny ipv6, permit");
	cmd_ok("set acl-plugin interface lan0 input acl 0");
	CU_ASSERT(in6_passes(0, na));
	CU_ASSERT(in6_passes(0, ns));
	CU_ASSERT(!in6_passes(0, far)); /* hop limit 64: not ND, routed from afar */
	CU_ASSERT(!in6_passes(0, icmp6(C6, "2001:db8:1::1", 128, 0, 1)));
	CU_ASSERT(!in6_passes(0, icmp6(C6, "2001:db8:1::1", 134, 0, 1))); /* RA, hop 64 */
	CU_ASSERT(has(cmd_ok("show acl-plugin interface lan0"),
		      "lan0             input  0                           0            3"
		      "              0            0          2"));
	cmd_ok("set acl-plugin ipv6-nd filter");
	CU_ASSERT(!in6_passes(0, na));
	CU_ASSERT(!in6_passes(0, ns));
	cmd_ok("set acl-plugin ipv6-nd pass");
	CU_ASSERT(in6_passes(0, na));
	CU_ASSERT_EQUAL(cmd("set acl-plugin ipv6-nd maybe"), -1);
	cmd_ok("set acl-plugin interface lan0 input acl 0 del");
	cmd_ok("delete acl-plugin acl index 0");
}

/* Out of tx_if through the output node of the family, the IP header l2 bytes
 * into the frame (as ip4/ip6-rewrite leave it on a tagged sub-interface). */
static bool
out_passes_l2(uint16_t tx_if, uint16_t l2, const struct flow *f, const struct flow6 *f6)
{
	struct rte_mbuf *m = f ? mk(f, 0, l2) : mk6(f6, 0, l2);
	bool ok;

	vn_meta(m)->tx_if = tx_if;
	vt_capture_reset(&out_cap);
	vt_inject(g, f ? ACL_NODE_OUT : ACL_NODE_OUT6, &m, 1);
	ok = out_cap.n == 1;
	vt_capture_reset(&out_cap);
	return ok;
}

/* A sub-interface's frames carry its tags after the MACs: the output nodes
 * find the IP header 18 (dot1q) or 22 (QinQ) bytes in, both families. */
static void
test_subif_output(void)
{
	struct vn_subif_tags q = {.outer_tpid = VN_VLAN_TPID_DOT1Q, .outer_vid = 100};
	struct vn_subif_tags qq = {.outer_tpid = VN_VLAN_TPID_DOT1AD, .outer_vid = 8,
				   .inner_vid = 9};
	uint32_t c = IP(10, 0, 1, 2), sv = IP(10, 0, 2, 2), sub[2];
	const uint16_t l2[2] = {18, 22};
	char why[128];

	CU_ASSERT_EQUAL_FATAL(vn_subif_create(1, 100, &q, &sub[0]), 0);
	CU_ASSERT_EQUAL_FATAL(vn_subif_create(1, 8, &qq, &sub[1]), 0);
	cmd_ok("set acl-plugin acl deny proto icmp icmp-type 8, deny proto icmp6 icmp-type 128, "
	       "permit, permit ipv6");
	cmd_ok("set acl-plugin interface lan1.100 output acl 0");
	cmd_ok("set acl-plugin interface lan1.8 output acl 0");
	for (uint32_t i = 0; i < 2; i++) {
		struct flow echo = icmp(c, sv, 8, 0, 1), reply = icmp(c, sv, 0, 0, 1);
		struct flow u = udp(c, sv, 1000, 53), t = tcp(c, sv, 1001, 80, TCP_SYN);
		struct flow6 echo6 = icmp6(C6, S6, 128, 0, 1), reply6 = icmp6(C6, S6, 129, 0, 1);
		struct flow6 u6 = udp6(C6, S6, 1000, 53), t6 = tcp6(C6, S6, 1001, 80, TCP_SYN);
		uint16_t ifx = (uint16_t)sub[i];

		CU_ASSERT(!out_passes_l2(ifx, l2[i], &echo, NULL));
		CU_ASSERT(out_passes_l2(ifx, l2[i], &reply, NULL));
		CU_ASSERT(out_passes_l2(ifx, l2[i], &u, NULL));
		CU_ASSERT(out_passes_l2(ifx, l2[i], &t, NULL));
		CU_ASSERT(!out_passes_l2(ifx, l2[i], NULL, &echo6));
		CU_ASSERT(out_passes_l2(ifx, l2[i], NULL, &reply6));
		CU_ASSERT(out_passes_l2(ifx, l2[i], NULL, &u6));
		CU_ASSERT(out_passes_l2(ifx, l2[i], NULL, &t6));
	}
	/* The port itself still reads 14 bytes in. */
	CU_ASSERT(out_passes(1, icmp(c, sv, 8, 0, 1)));
	cmd_ok("set acl-plugin interface lan1 output acl 0");
	CU_ASSERT(!out_passes(1, icmp(c, sv, 8, 0, 1)));
	CU_ASSERT(out_passes(1, udp(c, sv, 1000, 53)));
	CU_ASSERT(!out6_passes(1, icmp6(C6, S6, 128, 0, 1)));
	cmd_ok("set acl-plugin interface lan1 output acl 0 del");
	cmd_ok("set acl-plugin interface lan1.100 output acl 0 del");
	cmd_ok("set acl-plugin interface lan1.8 output acl 0 del");
	cmd_ok("delete acl-plugin acl index 0");
	CU_ASSERT_EQUAL(vn_subif_delete(sub[0], why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(vn_subif_delete(sub[1], why, sizeof(why)), 0);
}

int
main(void)
{
	CU_TestInfo tests[] = {
		{"graph with capture nodes", test_graph_setup},
		{"rule syntax and errors", test_rule_parse},
		{"prefixes, port ranges, implicit deny, counters", test_prefix_ports_implicit_deny},
		{"first match wins across ACLs; refusals keep the old ACL",
		 test_order_across_acls},
		{"tcp flags, icmp type/code, fragments", test_flags_icmp_fragments},
		{"output direction and reflexive sessions", test_output_and_reflect},
		{"one session table: a reply on another thread passes", test_sessions_shared_by_threads},
		{"tcp sessions: established vs transient (SYN, FIN, RST)", test_tcp_state},
		{"detach deletes an ACL's sessions; clear; paging; table size",
		 test_detach_clear_paging},
		{"a full session table: new flows pass, counted as refused",
		 test_session_table_full},
		{"config section and Lua", test_config_and_lua},
		{"ipv6: graph arcs onto the capture nodes", test_graph_setup6},
		{"ipv6: rule syntax, family and errors", test_rule_parse6},
		{"ipv6: every field of a rule", test_ip6_fields},
		{"ipv6: ACLs mixing families, first match per family", test_mixed_acls},
		{"ipv6: extension headers and fragments (and ipv4 fragments)",
		 test_ext_headers_fragments},
		{"ipv6: reflexive sessions beside ipv4 ones", test_sessions6},
		{"ipv6: neighbour discovery passes a deny-all list unless filtered", test_nd_passes},
		{"ipv6: every truncation through the output node", test_truncated6},
		{"sub-interfaces: output nodes skip the tags (dot1q, QinQ)", test_subif_output},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"acl", suite_init, suite_fini, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return vn_test_run(suites);
}
