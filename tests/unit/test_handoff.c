/* Handoff between forwarding threads: order within a flow, local delivery,
 * and a full ring counted by name. Two graph instances stand in for two
 * workers; each is run from this thread, as its worker would. */
#include <CUnit/CUnit.h>
#include <rte_mbuf.h>
#include <vecnet/net/buffer.h>
#include <vecnet/graph.h>
#include <vecnet/handoff.h>

#include "vn_test.h"

#define N_SEEN_MAX 16384

static uint32_t seen[3][N_SEEN_MAX]; /* by graph thread index */
static uint32_t n_seen[3];
static int queue_id;
static uint16_t *dst_plan; /* destination fwd index per packet, by sequence number */
static struct rte_mempool *pool;

static uint16_t
sink_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++)
		if (n_seen[g->thread_index] < N_SEEN_MAX)
			seen[g->thread_index][n_seen[g->thread_index]++] = vn_meta(pkts[i])->user[0];
	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

VN_NODE_REGISTER(test_sink) = {
	.name = "test-handoff-sink",
	.fn = sink_fn,
};

/* A node that hands every packet to the thread dst_plan[] names. */
static uint16_t
source_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t dst[VN_FRAME_SIZE];

	for (uint16_t i = 0; i < n; i++)
		dst[i] = dst_plan[vn_meta(pkts[i])->user[0]];
	vn_handoff_send(g, queue_id, pkts, dst, n);
	return n;
}

VN_NODE_REGISTER(test_source) = {
	.name = "test-handoff-source",
	.fn = source_fn,
};

static struct vn_graph *g1, *g2;

static int
setup(void)
{
	static uint16_t plan[N_SEEN_MAX];
	uint32_t threads[2] = {1, 2};

	if (vn_test_eal_init() < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("ho_pool", 8191, 0, VN_BUF_PRIV_SIZE, 256, SOCKET_ID_ANY);
	queue_id = vn_handoff_register("test", "test-handoff-sink");
	if (!pool || queue_id < 0 || vn_graph_build() < 0)
		return -1;
	g1 = vn_graph_create(1);
	g2 = vn_graph_create(2);
	dst_plan = plan;
	return g1 && g2 && vn_handoff_init(2, threads) == 0 ? 0 : -1;
}

static void
send_seq(uint32_t first, uint32_t n)
{
	uint16_t src = vn_node_reg_by_name("test-handoff-source")->index;

	for (uint32_t done = 0; done < n;) {
		struct rte_mbuf *pkts[VN_FRAME_SIZE];
		uint16_t c = n - done > VN_FRAME_SIZE ? VN_FRAME_SIZE : n - done;
		CU_ASSERT_FATAL(rte_pktmbuf_alloc_bulk(pool, pkts, c) == 0);
		for (uint16_t i = 0; i < c; i++)
			vn_meta(pkts[i])->user[0] = first + done + i;
		vn_graph_inject(g1, src, pkts, c);
		done += c;
	}
}

static void
drain(struct vn_graph *g)
{
	for (int i = 0; i < 64; i++)
		vn_graph_run_once(g);
}

static void
reset(void)
{
	memset(n_seen, 0, sizeof(n_seen));
}

static void
test_order_kept(void)
{
	reset();
	for (uint32_t i = 0; i < 1000; i++)
		dst_plan[i] = 1;
	send_seq(0, 1000);
	CU_ASSERT_EQUAL(n_seen[1], 0);
	drain(g2);
	CU_ASSERT_EQUAL_FATAL(n_seen[2], 1000);
	for (uint32_t i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL(seen[2][i], i);
}

static void
test_mixed_local_and_remote(void)
{
	reset();
	/* Two flows interleaved: even packets stay, odd ones move; each keeps its order. */
	for (uint32_t i = 0; i < 600; i++)
		dst_plan[i] = i % 2;
	send_seq(0, 600);
	drain(g2);
	CU_ASSERT_EQUAL_FATAL(n_seen[1], 300);
	CU_ASSERT_EQUAL_FATAL(n_seen[2], 300);
	for (uint32_t i = 0; i < 300; i++) {
		CU_ASSERT_EQUAL(seen[1][i], 2 * i);
		CU_ASSERT_EQUAL(seen[2][i], 2 * i + 1);
	}
}

static uint64_t
full_drops(struct vn_graph *g)
{
	const struct vn_node_reg *r = vn_node_reg_by_name("handoff-input");
	return g->error_counts[r->error_base + 0];
}

static void
test_full_ring_counted(void)
{
	uint64_t before = full_drops(g1);
	uint32_t n = VN_HANDOFF_RING_SIZE + 1000;

	reset();
	for (uint32_t i = 0; i < n; i++)
		dst_plan[i] = 1;
	send_seq(0, n);
	/* A ring of 4096 slots holds 4095. */
	CU_ASSERT_EQUAL(full_drops(g1) - before, n - (VN_HANDOFF_RING_SIZE - 1));
	drain(g2);
	CU_ASSERT_EQUAL(n_seen[2], VN_HANDOFF_RING_SIZE - 1);
	for (uint32_t i = 0; i < n_seen[2]; i++)
		CU_ASSERT_EQUAL(seen[2][i], i);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), pool->size);
}

static void
test_bad_thread_dropped(void)
{
	const struct vn_node_reg *r = vn_node_reg_by_name("handoff-input");
	uint64_t before = g1->error_counts[r->error_base + 1];

	reset();
	dst_plan[0] = 7;
	send_seq(0, 1);
	CU_ASSERT_EQUAL(g1->error_counts[r->error_base + 1] - before, 1);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), pool->size);
}

int
main(void)
{
	CU_TestInfo tests[] = {
		{"order within a flow is kept across threads", test_order_kept},
		{"local packets skip the ring, remote ones use it", test_mixed_local_and_remote},
		{"a full ring drops the excess under its name", test_full_ring_counted},
		{"a thread that does not exist is a named drop", test_bad_thread_dropped},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"handoff", setup, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
