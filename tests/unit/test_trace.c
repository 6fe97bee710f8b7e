/*
 * Packet trace: marking at an input node, one record per traced packet and
 * node (and once more when the node asks: vn_trace_again), nothing for
 * unmarked packets, refusal of non-input nodes, clear with
 * a lazy reset by the owning thread, a full store counting lost records, and
 * the default decoder.
 */
#include <errno.h>
#include <rte_ip.h>
#include <stdlib.h>
#include <vecnet/cli.h>
#include <vecnet/net/trace.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/rcu.h>
#include <vecnet/trace.h>

#include "vn_test.h"
#include "vn_test_graph.h"

/* vt-src (input) -> vt-mid -> vt-sink (capture) */
VT_CAPTURE_NODE(sink_cap, "vt-sink");

static uint16_t src_n; /* packets vt-src produces on its next poll */

static uint16_t
src_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **unused, uint16_t zero)
{
	uint16_t n = src_n;

	src_n = 0;
	for (uint16_t i = 0; i < n; i++)
		node->objs[i] = vt_pkt(60, 0);
	if (n == 0)
		return 0;
	vn_trace_input(g, node, node->objs, n);
	node->n_objs = n;
	vn_enqueue(g, node, 1, node->objs, n);
	node->n_objs = 0;
	return n;
}

VN_NODE_REGISTER(vt_src) = {
	.name = "vt-src",
	.type = VN_NODE_INPUT,
	.fn = src_fn,
	.n_next = 2,
	.next_names = {[1] = "vt-mid"},
};

static bool mid_again; /* vt-mid records each packet again (vn_trace_again) */

static uint16_t
mid_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	for (uint16_t i = 0; mid_again && i < n; i++)
		vn_trace_again(g, node, pkts[i]);
	vn_enqueue(g, node, 1, pkts, n);
	return n;
}

VN_NODE_REGISTER(vt_mid) = {
	.name = "vt-mid",
	.fn = mid_fn,
	.n_next = 2,
	.next_names = {[1] = "vt-sink"},
};

static struct vn_graph *g;
static struct vn_trace_rec recs[VN_TRACE_STORE_RECS];

static void
run(uint16_t n)
{
	src_n = n;
	vn_graph_run_once(g);
	CU_ASSERT_PTR_NULL(vn_graph_rt(g)->trace); /* reset at the end of the walk */
}

static int
suite_init(void)
{
	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0 || vn_fib_init(1024) < 0 ||
	    vn_neighbor_init() < 0 || vn_graph_build() < 0)
		return -1;
	g = vn_graph_create(0);
	return g ? 0 : -1;
}

static int
suite_fini(void)
{
	vt_capture_reset(&sink_cap);
	vn_graph_destroy(g);
	return 0;
}

static void
test_refuses_non_input(void)
{
	CU_ASSERT_EQUAL(vn_trace_add("vt-mid", 1), -EINVAL);
	CU_ASSERT_EQUAL(vn_trace_add("no-such-node", 1), -ENOENT);

	/* VPP's input node names stand for ours; others are told what is. */
	CU_ASSERT_PTR_NOT_NULL(vn_node_reg_by_name("port-rx"));
	CU_ASSERT_PTR_EQUAL(vn_node_reg_by_name_or_alias("dpdk-input"),
			    vn_node_reg_by_name("port-rx"));
	CU_ASSERT_PTR_NOT_NULL(vn_node_reg_by_name("host-input"));
	CU_ASSERT_PTR_EQUAL(vn_node_reg_by_name_or_alias("af-packet-input"),
			    vn_node_reg_by_name("host-input"));
	CU_ASSERT_PTR_NULL(vn_node_reg_by_name_or_alias("virtio-input"));
	struct vn_cli_out *o = vn_cli_out_new();
	CU_ASSERT_EQUAL(vn_cli_execute("trace add virtio-input 3", o), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(vn_cli_out_errmsg(o) ?: "",
				      "unknown node 'virtio-input'; trace starts at an input node: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(vn_cli_out_errmsg(o) ?: "", "vt-src"));
	vn_cli_out_free(o);
}

static void
test_marks_and_records(void)
{
	uint64_t lost;
	uint32_t n;

	vn_trace_clear();
	run(4); /* nothing armed: no records, no cost */
	CU_ASSERT_EQUAL(vn_trace_records(0, recs, VN_TRACE_STORE_RECS, NULL), 0);
	CU_ASSERT_EQUAL(vn_trace_add("vt-src", 2), 0);
	run(3);
	n = vn_trace_records(0, recs, VN_TRACE_STORE_RECS, &lost);
	CU_ASSERT_EQUAL(n, 6); /* 2 packets x 3 nodes */
	CU_ASSERT_EQUAL(lost, 0);
	CU_ASSERT_EQUAL(g->trace_budget, 0);
	CU_ASSERT_EQUAL(recs[0].node_index, vt_node_index("vt-src"));
	CU_ASSERT_EQUAL(recs[n - 1].node_index, vt_node_index("vt-sink"));
	CU_ASSERT_NOT_EQUAL(recs[0].trace_id, recs[1].trace_id);
	CU_ASSERT_EQUAL(recs[0].data_len, 60);
	CU_ASSERT_EQUAL(vn_trace_meta(&recs[0])->adj_index, VN_TRACE_ADJ_NONE);
	/* The third packet was not marked. */
	CU_ASSERT_EQUAL(sink_cap.n, 3 + 4);
	CU_ASSERT_EQUAL(vn_buf(sink_cap.pkts[sink_cap.n - 1])->trace_id, 0);
	run(5); /* budget spent: nothing more */
	CU_ASSERT_EQUAL(vn_trace_records(0, recs, VN_TRACE_STORE_RECS, NULL), 6);
	vt_capture_reset(&sink_cap);
}

/* A node records a marked packet once more after its work; unmarked
 * packets, and walks carrying none, get nothing. */
static void
test_again(void)
{
	uint32_t n, mid = vt_node_index("vt-mid");

	vn_trace_clear();
	mid_again = true;
	run(3); /* nothing armed */
	CU_ASSERT_EQUAL(vn_trace_records(0, recs, VN_TRACE_STORE_RECS, NULL), 0);
	CU_ASSERT_EQUAL(vn_trace_add("vt-src", 2), 0);
	run(3);
	n = vn_trace_records(0, recs, VN_TRACE_STORE_RECS, NULL);
	CU_ASSERT_EQUAL(n, 8); /* 2 packets x (3 nodes + 1 again) */
	/* Each marked packet twice in vt-mid (show trace orders by packet). */
	for (uint32_t p = 0; p < 2; p++) {
		uint32_t k = 0;
		for (uint32_t i = 0; i < 8; i++)
			k += recs[i].node_index == mid && recs[i].trace_id == recs[p].trace_id;
		CU_ASSERT_EQUAL(k, 2);
	}
	mid_again = false;
	vt_capture_reset(&sink_cap);
}

static void
test_clear(void)
{
	CU_ASSERT_EQUAL(vn_trace_add("vt-src", 1), 0);
	run(1);
	CU_ASSERT(vn_trace_records(0, recs, VN_TRACE_STORE_RECS, NULL) > 0);
	vn_trace_clear();
	CU_ASSERT_EQUAL(g->trace_budget, 0);
	/* Cleared for readers at once, though the worker resets only when it next marks. */
	CU_ASSERT_EQUAL(vn_trace_records(0, recs, VN_TRACE_STORE_RECS, NULL), 0);
	run(2);
	CU_ASSERT_EQUAL(vn_trace_records(0, recs, VN_TRACE_STORE_RECS, NULL), 0);
	CU_ASSERT_EQUAL(vn_trace_add("vt-src", 1), 0);
	run(2);
	CU_ASSERT_EQUAL(vn_trace_records(0, recs, VN_TRACE_STORE_RECS, NULL), 3);
	vt_capture_reset(&sink_cap);
}

static void
test_store_full(void)
{
	uint64_t lost;

	vn_trace_clear();
	CU_ASSERT_EQUAL(vn_trace_add("vt-src", 3000), 0);
	for (int i = 0; i < 12; i++) {
		run(250);
		vt_capture_reset(&sink_cap);
	}
	CU_ASSERT_EQUAL(vn_trace_records(0, recs, VN_TRACE_STORE_RECS, &lost),
			VN_TRACE_STORE_RECS);
	CU_ASSERT_EQUAL(lost, 3000 * 3 - VN_TRACE_STORE_RECS);
	vn_trace_clear();
}

static void
test_format_ip4(void)
{
	struct vn_trace_rec r = {.node_index = vt_node_index("vt-mid"), .data_len = 28};
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)r.data;
	char buf[1024];

	*ip = (struct rte_ipv4_hdr){
		.version_ihl = 0x45,
		.total_length = rte_cpu_to_be_16(28),
		.time_to_live = 17,
		.next_proto_id = IPPROTO_ICMP,
		.src_addr = rte_cpu_to_be_32(0x0a000001),
		.dst_addr = rte_cpu_to_be_32(0x0a000002),
	};
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	r.data[20] = 8; /* echo request */
	r.data[27] = 7; /* seq 7 */
	/* vt-mid has no formatter and no known position: the decoder recognises IPv4. */
	CU_ASSERT(vn_trace_format_rec(buf, sizeof(buf), &r) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "ICMP: 10.0.0.1 -> 10.0.0.2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "ttl 17"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "echo_request id 0 seq 7"));
}

static void
test_format_ip6(void)
{
	/* A neighbour solicitation behind a hop-by-hop header (PadN only). */
	struct vn_trace_rec r = {.node_index = vt_node_index("vt-mid"), .data_len = 40 + 8 + 24};
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)r.data;
	struct vn_ip6 src, dst, target;
	char buf[1024];

	vn_parse_ip6("fe80::1", &src);
	vn_parse_ip6("ff02::1:ff00:2", &dst);
	vn_parse_ip6("2001:db8::2", &target);
	*ip = (struct rte_ipv6_hdr){
		.vtc_flow = rte_cpu_to_be_32(6u << 28 | 0xabcde),
		.payload_len = rte_cpu_to_be_16(8 + 24),
		.proto = 0,
		.hop_limits = 255,
	};
	memcpy(ip->src_addr, src.b, 16);
	memcpy(ip->dst_addr, dst.b, 16);
	r.data[40] = 58; /* hop-by-hop: next header ICMPv6, PadN */
	r.data[42] = 1;
	r.data[43] = 4;
	r.data[48] = 135;
	memcpy(&r.data[56], target.b, 16);
	CU_ASSERT(vn_trace_format_rec(buf, sizeof(buf), &r) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "ICMP6: fe80::1 -> ff02::1:ff00:2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "hop limit 255, payload length 32, flow label 0xabcde, "
					   "extension headers"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "icmp6 neighbor_solicitation target 2001:db8::2"));
	if (!strstr(buf, "neighbor_solicitation"))
		fprintf(stderr, "\n%s\n", buf);
	/* A header chain running past the capture is not followed. */
	r.data[41] = 200;
	CU_ASSERT(vn_trace_format_rec(buf, sizeof(buf), &r) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "IP6: fe80::1 -> ff02::1:ff00:2"));
	CU_ASSERT_PTR_NULL(strstr(buf, "icmp6"));
}

int
main(void)
{
	static CU_TestInfo tests[] = {
		{"trace add refuses non-input nodes", test_refuses_non_input},
		{"marked packets get a record per node", test_marks_and_records},
		{"a node records a marked packet again", test_again},
		{"clear trace, reset by the owning thread", test_clear},
		{"a full store counts lost records", test_store_full},
		{"default decoder recognises IPv4", test_format_ip4},
		{"default decoder recognises IPv6, walks its headers", test_format_ip6},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"trace", suite_init, suite_fini, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
