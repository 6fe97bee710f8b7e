/*
 * Graph build and dispatch (engine/node_registry.c, engine/graph.c) with
 * test-only nodes: a source (input) node, a splitter that sends each packet
 * where its metadata says, and sinks that log the order they run in.
 *
 *   tg-src ─► tg-split ─┬► tg-a ─┬► tg-c
 *                       │        └► tg-b
 *                       └► tg-b
 *
 * Covered: arcs resolved by name (arc 0 = error-drop), build errors naming
 * node and arc, the whole-vector move (swap) versus copy of runs, vectors
 * over 256 split into calls of at most 256, queue overflow counted and freed,
 * pending FIFO order, and the dispatcher's calls/vectors/clocks.
 * A node with an unknown arc registered at start-up: test_graph_bad_arc.c.
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vecnet/graph.h>

#include "vn_test.h"
#include "vn_test_graph.h"

/* engine/node_registry.c: lets a test rebuild from a different node set. */

/* vn_meta.user[0]: tg-split's next for the packet; user[1]: tg-a's (0 = keep). */
enum { SPLIT_NEXT_DROP, SPLIT_NEXT_A, SPLIT_NEXT_B, SPLIT_N_NEXT };
enum { A_NEXT_DROP, A_NEXT_C, A_NEXT_B, A_N_NEXT };

static struct vn_graph *g;

/* What the nodes saw. */
static char run_log[64];
static uint32_t n_log;
static uint16_t split_sizes[16];
static uint32_t n_split_calls;
static struct rte_mbuf **split_pkts; /* the array tg-split last processed */
static struct rte_mbuf **a_pkts; /* the array tg-a last received */
static uint32_t a_scalar; /* tg-a's scalar when it last ran */
static uint16_t b_max; /* largest vector tg-b was called with */
static struct vt_capture cap_a, cap_b, cap_c;
static uint16_t src_n; /* packets tg-src produces on its next poll */

static void
log_run(char c)
{
	if (n_log < sizeof(run_log) - 1)
		run_log[n_log++] = c;
}

static uint16_t
src_fn(struct vn_graph *gr, struct vn_node *node, struct rte_mbuf **unused, uint16_t zero)
{
	uint16_t n = src_n;

	if (n == 0)
		return 0;
	src_n = 0;
	if (rte_pktmbuf_alloc_bulk(vn_pktmbuf_pool, node->objs, n) != 0)
		return 0;
	for (uint16_t i = 0; i < n; i++) {
		vn_meta_reset(node->objs[i]);
		vn_meta(node->objs[i])->user[0] = SPLIT_NEXT_B;
	}
	node->n_objs = n; /* as port-rx: lets the move swap */
	vn_enqueue(gr, node, 1, node->objs, n);
	node->n_objs = 0;
	return n;
}

VN_NODE_REGISTER(tg_src) = {
	.name = "tg-src",
	.type = VN_NODE_INPUT,
	.fn = src_fn,
	.n_next = 2,
	.next_names = {[1] = "tg-split"},
};

static const char *const split_errors[] = {"tg split first", "tg split second"};

static uint16_t
split_fn(struct vn_graph *gr, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nexts[VN_FRAME_SIZE];

	log_run('s');
	if (n_split_calls < VN_ARRAY_LEN(split_sizes))
		split_sizes[n_split_calls] = n;
	n_split_calls++;
	split_pkts = pkts;
	for (uint16_t i = 0; i < n; i++)
		nexts[i] = (uint16_t)vn_meta(pkts[i])->user[0];
	vn_enqueue_nexts(gr, node, pkts, nexts, n);
	return n;
}

VN_NODE_REGISTER(tg_split) = {
	.name = "tg-split",
	.fn = split_fn,
	.n_next = SPLIT_N_NEXT,
	.next_names = {[SPLIT_NEXT_A] = "tg-a", [SPLIT_NEXT_B] = "tg-b"},
	.n_errors = 2,
	.error_names = split_errors,
};

static uint16_t
a_fn(struct vn_graph *gr, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	log_run('a');
	a_pkts = pkts;
	a_scalar = node->scalar;
	for (uint16_t i = 0; i < n; i++) {
		uint16_t next = (uint16_t)vn_meta(pkts[i])->user[1];
		if (next)
			vn_enqueue_one(gr, node, next, pkts[i]);
		else
			vt_capture_store(&cap_a, &pkts[i], 1);
	}
	return n;
}

VN_NODE_REGISTER(tg_a) = {
	.name = "tg-a",
	.fn = a_fn,
	.n_next = A_N_NEXT,
	.next_names = {[A_NEXT_C] = "tg-c", [A_NEXT_B] = "tg-b"},
};

static uint16_t
b_fn(struct vn_graph *gr, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	log_run('b');
	b_max = VN_MAX(b_max, n);
	vt_capture_store(&cap_b, pkts, n);
	return n;
}

VN_NODE_REGISTER(tg_b) = {.name = "tg-b", .fn = b_fn};

static uint16_t
c_fn(struct vn_graph *gr, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	log_run('c');
	vt_capture_store(&cap_c, pkts, n);
	return n;
}

VN_NODE_REGISTER(tg_c) = {.name = "tg-c", .fn = c_fn};

/* ---- helpers ------------------------------------------------------------ */

static struct vn_node *
node_of(const char *name)
{
	return &vn_graph_rt(g)->nodes[vt_node_index(name)];
}

/* n fresh packets: tg-split sends them to split_next, tg-a to a_next. Order
 * is checked by comparing mbuf pointers. */
static void
make_pkts(struct rte_mbuf **pkts, uint16_t n, uint32_t split_next, uint32_t a_next)
{
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_alloc_bulk(vn_pktmbuf_pool, pkts, n), 0);
	for (uint16_t i = 0; i < n; i++) {
		vn_meta_reset(pkts[i]);
		vn_meta(pkts[i])->user[0] = split_next;
		vn_meta(pkts[i])->user[1] = a_next;
	}
}

/* Runs build with stderr captured into buf; returns its result. */
static int
build_capturing(char *buf, size_t len)
{
	FILE *tmp = tmpfile();
	int saved, rc;
	size_t got;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	rc = vn_graph_build();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	got = fread(buf, 1, len - 1, tmp);
	buf[got] = '\0';
	fclose(tmp);
	return rc;
}

/* ---- suite -------------------------------------------------------------- */

static int
suite_init(void)
{
	if (vn_test_eal_init() < 0)
		return -1;
	return vn_graph_build() < 0 ? -1 : 0;
}

static void
test_setup(void)
{
	g = vn_graph_create(0);
	if (!g) {
		fprintf(stderr, "cannot create the graph\n");
		abort();
	}
	n_log = 0;
	memset(run_log, 0, sizeof(run_log));
	n_split_calls = 0;
	split_pkts = a_pkts = NULL;
	b_max = 0;
	src_n = 0;
}

static void
test_teardown(void)
{
	vt_capture_reset(&cap_a);
	vt_capture_reset(&cap_b);
	vt_capture_reset(&cap_c);
	vn_graph_destroy(g);
	g = NULL;
}

/* ---- build -------------------------------------------------------------- */

static void
test_arcs_by_name(void)
{
	struct vn_node_reg *drop = vn_node_reg_by_name("error-drop");
	struct vn_node *split = node_of("tg-split"), *a = node_of("tg-a");

	CU_ASSERT_PTR_NOT_NULL_FATAL(drop);
	CU_ASSERT_EQUAL(drop->index, 0);
	CU_ASSERT_EQUAL(vn_node_reg_at(0), drop);
	CU_ASSERT_PTR_EQUAL(split->nexts[SPLIT_NEXT_A], node_of("tg-a"));
	CU_ASSERT_PTR_EQUAL(split->nexts[SPLIT_NEXT_B], node_of("tg-b"));
	CU_ASSERT_PTR_EQUAL(a->nexts[A_NEXT_C], node_of("tg-c"));
	CU_ASSERT_PTR_EQUAL(a->nexts[A_NEXT_B], node_of("tg-b"));
	/* Arc 0 and every arc past n_next fail safe to error-drop. */
	CU_ASSERT_PTR_EQUAL(split->nexts[0], &vn_graph_rt(g)->nodes[0]);
	CU_ASSERT_PTR_EQUAL(split->nexts[SPLIT_N_NEXT], &vn_graph_rt(g)->nodes[0]);
	CU_ASSERT_PTR_EQUAL(split->nexts[VN_NEXT_MAX - 1], &vn_graph_rt(g)->nodes[0]);
	CU_ASSERT_STRING_EQUAL(split->reg->next_names[0], "error-drop");
	/* A node with no arcs gets arc 0. */
	CU_ASSERT_EQUAL(vn_node_reg_by_name("tg-b")->n_next, 1);
	CU_ASSERT_PTR_EQUAL(node_of("tg-b")->nexts[0], &vn_graph_rt(g)->nodes[0]);
	/* The input node is polled. */
	bool found = false;
	for (uint32_t i = 0; i < vn_graph_rt(g)->n_inputs; i++)
		found |= vn_graph_rt(g)->inputs[i] == node_of("tg-src");
	CU_ASSERT(found);
	/* Errors get global codes, looked up by name, and the node's counters alias them. */
	uint16_t e0 = vt_err("tg-split", "tg split first"), e1 = vt_err("tg-split", "tg split second");
	CU_ASSERT_EQUAL(e1, e0 + 1);
	CU_ASSERT_PTR_EQUAL(split->errors, &g->error_counts[e0]);
	const char *name;
	CU_ASSERT_PTR_EQUAL(vn_error_node(e1, &name), vn_node_reg_by_name("tg-split"));
	CU_ASSERT_STRING_EQUAL(name, "tg split second");
	CU_ASSERT_EQUAL(vn_graph_build(), 0); /* built: a no-op */
}

static uint16_t
nop_fn(struct vn_graph *gr, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	return n;
}

/* Registers bad, rebuilds expecting rc and a message naming every word of
 * `must`, then restores the good graph. */
static void
expect_build_error(struct vn_node_reg *bad, int want_rc, const char *const *must, uint32_t n_must)
{
	char msg[2048];
	int rc;

	vn_graph_destroy(g);
	g = NULL;
	vn_graph_reset_build();
	vn_node_register(bad);
	rc = build_capturing(msg, sizeof(msg));
	vn_node_unregister(bad);
	CU_ASSERT_EQUAL(rc, want_rc);
	for (uint32_t i = 0; i < n_must; i++)
		if (!strstr(msg, must[i])) {
			fprintf(stderr, "\nbuild error '%s' does not name '%s'\n", msg, must[i]);
			CU_FAIL("build error message");
		}
	/* Without it the same set builds again, numbered as before. */
	vn_graph_reset_build();
	CU_ASSERT_EQUAL_FATAL(vn_graph_build(), 0);
	CU_ASSERT_PTR_NULL(vn_node_reg_by_name(bad->name) == bad ? bad : NULL);
	g = vn_graph_create(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
}

static void
test_build_errors(void)
{
	uint16_t split_index = vt_node_index("tg-split");
	uint16_t split_err = vt_err("tg-split", "tg split first");

	static struct vn_node_reg unknown_arc = {
		.name = "tg-bad-arc",
		.fn = nop_fn,
		.n_next = 3,
		.next_names = {[1] = "tg-a", [2] = "tg-nowhere"},
	};
	static const char *const m1[] = {"tg-bad-arc", "tg-nowhere"};
	expect_build_error(&unknown_arc, -ENOENT, m1, 2);

	static struct vn_node_reg null_arc = {.name = "tg-null-arc", .fn = nop_fn, .n_next = 2};
	static const char *const m2[] = {"tg-null-arc", "arc 1"};
	expect_build_error(&null_arc, -ENOENT, m2, 2);

	static struct vn_node_reg self_arc = {
		.name = "tg-self",
		.fn = nop_fn,
		.n_next = 2,
		.next_names = {[1] = "tg-self"},
	};
	static const char *const m3[] = {"tg-self", "itself"};
	expect_build_error(&self_arc, -EINVAL, m3, 2);

	static struct vn_node_reg twice = {.name = "tg-b", .fn = nop_fn};
	static const char *const m4[] = {"tg-b", "twice"};
	expect_build_error(&twice, -EEXIST, m4, 2);

	static struct vn_node_reg no_fn = {.name = "tg-no-fn"};
	static const char *const m5[] = {"tg-no-fn"};
	expect_build_error(&no_fn, -EINVAL, m5, 1);

	/* The rebuilt graph is the one the other tests use, and it works. */
	CU_ASSERT_EQUAL(vt_node_index("tg-split"), split_index);
	CU_ASSERT_EQUAL(vt_err("tg-split", "tg split first"), split_err);
	struct rte_mbuf *pkts[4];
	make_pkts(pkts, 4, SPLIT_NEXT_B, 0);
	vt_inject(g, "tg-split", pkts, 4);
	CU_ASSERT_EQUAL(cap_b.n, 4);
}

/* ---- dispatch ----------------------------------------------------------- */

static void
test_whole_vector_moves(void)
{
	struct rte_mbuf *pkts[100];
	struct vn_node *split = node_of("tg-split"), *a = node_of("tg-a");
	struct rte_mbuf **a_array = a->objs;

	make_pkts(pkts, 100, SPLIT_NEXT_A, 0);
	vt_inject(g, "tg-split", pkts, 100);
	CU_ASSERT_EQUAL_FATAL(cap_a.n, 100);
	CU_ASSERT_EQUAL(memcmp(cap_a.pkts, pkts, sizeof(pkts)), 0);
	/* tg-a was handed tg-split's own array; tg-split now owns tg-a's old one. */
	CU_ASSERT_PTR_EQUAL(a_pkts, split_pkts);
	CU_ASSERT_PTR_EQUAL(split->objs, a_array);
	CU_ASSERT_EQUAL(split->n_objs, 0);
	CU_ASSERT_EQUAL(a->n_objs, 0);
	CU_ASSERT_EQUAL(a->calls, 1);
	CU_ASSERT_EQUAL(a->vectors, 100);
}

static void
test_runs_are_copied(void)
{
	struct rte_mbuf *pkts[30], *want_a[20];
	struct vn_node *split = node_of("tg-split");
	struct rte_mbuf **split_array = split->objs;

	make_pkts(pkts, 30, SPLIT_NEXT_A, 0);
	for (int i = 10; i < 20; i++)
		vn_meta(pkts[i])->user[0] = SPLIT_NEXT_B;
	memcpy(want_a, pkts, 10 * sizeof(pkts[0]));
	memcpy(want_a + 10, pkts + 20, 10 * sizeof(pkts[0]));
	vt_inject(g, "tg-split", pkts, 30);
	/* Two runs to tg-a arrive as one vector of 20, in order. */
	CU_ASSERT_EQUAL_FATAL(cap_a.n, 20);
	CU_ASSERT_EQUAL(memcmp(cap_a.pkts, want_a, sizeof(want_a)), 0);
	CU_ASSERT_EQUAL_FATAL(cap_b.n, 10);
	CU_ASSERT_EQUAL(memcmp(cap_b.pkts, pkts + 10, 10 * sizeof(pkts[0])), 0);
	CU_ASSERT_EQUAL(node_of("tg-a")->calls, 1);
	CU_ASSERT_PTR_NOT_EQUAL(a_pkts, split_pkts);
	CU_ASSERT_PTR_EQUAL(split->objs, split_array); /* nothing swapped */
	/* FIFO: tg-a became pending first. */
	CU_ASSERT_STRING_EQUAL(run_log, "sab");
}

static void
test_move_into_busy_target_copies(void)
{
	struct rte_mbuf *first[5], *pkts[10];
	struct vn_node *a = node_of("tg-a"), *split = node_of("tg-split");
	struct rte_mbuf **split_array = split->objs;

	/* Queue 5 at tg-a (not yet run), then a whole vector for it from tg-split. */
	make_pkts(first, 5, 0, 0);
	make_pkts(pkts, 10, SPLIT_NEXT_A, 0);
	vn_enqueue_copy(g, split, pkts, 10);
	vn_enqueue_copy(g, a, first, 5);
	vt_inject(g, "tg-split", first, 0); /* just dispatch */
	CU_ASSERT_EQUAL_FATAL(cap_a.n, 15);
	CU_ASSERT_EQUAL(memcmp(cap_a.pkts, first, sizeof(first)), 0);
	CU_ASSERT_EQUAL(memcmp(cap_a.pkts + 5, pkts, sizeof(pkts)), 0);
	CU_ASSERT_PTR_EQUAL(split->objs, split_array);
	CU_ASSERT_EQUAL(a->calls, 1);
	CU_ASSERT_STRING_EQUAL(run_log, "sa");
}

/* A frame's interface survives only while every packet queued agrees. */
static void
test_frame_interface(void)
{
	struct rte_mbuf *p1[3], *p2[2], *p3[4], *p4[6];
	struct vn_node *split = node_of("tg-split"), *a = node_of("tg-a"), *b = node_of("tg-b");

	make_pkts(p1, 3, 0, 0);
	make_pkts(p2, 2, 0, 0);
	vn_enqueue_if(g, split, SPLIT_NEXT_A, p1, 3, 7);
	CU_ASSERT_EQUAL(a->scalar, 7);
	vn_enqueue_if(g, split, SPLIT_NEXT_A, p2, 2, 7);
	CU_ASSERT_EQUAL(a->scalar, 7);
	vt_inject(g, "tg-split", p1, 0); /* just dispatch */
	CU_ASSERT_EQUAL(a_scalar, 7);
	CU_ASSERT_EQUAL(cap_a.n, 5);

	/* Another interface joins: mixed. Empty again: the next states afresh. */
	make_pkts(p1, 3, 0, 0);
	make_pkts(p2, 2, 0, 0);
	vn_enqueue_if(g, split, SPLIT_NEXT_A, p1, 3, 7);
	vn_enqueue_if(g, split, SPLIT_NEXT_A, p2, 2, 9);
	CU_ASSERT_EQUAL(a->scalar, VN_SCALAR_MIXED);
	vt_inject(g, "tg-split", p1, 0);
	CU_ASSERT_EQUAL(a_scalar, VN_SCALAR_MIXED);
	make_pkts(p3, 4, 0, 0);
	vn_enqueue_if(g, split, SPLIT_NEXT_A, p3, 4, 9);
	CU_ASSERT_EQUAL(a->scalar, 9);
	vt_inject(g, "tg-split", p1, 0);
	CU_ASSERT_EQUAL(a_scalar, 9);

	/* Whole-vector moves state it too; plain enqueues, copies and injections
	 * into a busy node leave it mixed. */
	make_pkts(p4, 6, 0, 0);
	memcpy(split->objs, p4, sizeof(p4));
	split->n_objs = 6;
	vn_enqueue_if(g, split, SPLIT_NEXT_B, split->objs, 6, 3);
	CU_ASSERT_EQUAL(split->n_objs, 0); /* swapped */
	CU_ASSERT_EQUAL(b->scalar, 3);
	make_pkts(p2, 2, 0, 0);
	vn_enqueue(g, split, SPLIT_NEXT_B, p2, 2);
	CU_ASSERT_EQUAL(b->scalar, VN_SCALAR_MIXED);
	vt_inject(g, "tg-split", p1, 0);
	make_pkts(p2, 2, 0, 0);
	vn_enqueue_one(g, split, SPLIT_NEXT_B, p2[0]);
	CU_ASSERT_EQUAL(b->scalar, VN_SCALAR_MIXED);
	vn_enqueue_copy(g, b, &p2[1], 1);
	CU_ASSERT_EQUAL(b->scalar, VN_SCALAR_MIXED);
	vt_inject(g, "tg-split", p1, 0);
	make_pkts(p1, 3, 0, 0);
	make_pkts(p2, 2, 0, 0);
	vn_enqueue_if(g, split, SPLIT_NEXT_A, p1, 3, 4);
	CU_ASSERT_EQUAL_FATAL(vn_graph_inject_scalar(g, vt_node_index("tg-a"), p2, 2, 5), 0);
	CU_ASSERT_EQUAL(a_scalar, VN_SCALAR_MIXED);
	make_pkts(p2, 2, 0, 0);
	CU_ASSERT_EQUAL_FATAL(vn_graph_inject_scalar(g, vt_node_index("tg-a"), p2, 2, 5), 0);
	CU_ASSERT_EQUAL(a_scalar, 5);
}

static void
test_big_vectors_split(void)
{
	static struct rte_mbuf *pkts[VN_NODE_QUEUE];
	static const uint16_t sizes[] = {600, VN_NODE_QUEUE, 256, 257};

	for (uint32_t k = 0; k < VN_ARRAY_LEN(sizes); k++) {
		uint16_t n = sizes[k], want_calls = (n + VN_FRAME_SIZE - 1) / VN_FRAME_SIZE;
		struct vn_node *split = node_of("tg-split"), *b = node_of("tg-b");
		uint64_t calls0 = split->calls, vec0 = split->vectors, clk0 = split->clocks;
		uint64_t bcalls0 = b->calls;

		n_split_calls = 0;
		b_max = 0;
		make_pkts(pkts, n, SPLIT_NEXT_B, 0);
		vt_inject(g, "tg-split", pkts, n);
		CU_ASSERT_EQUAL(n_split_calls, want_calls);
		for (uint32_t c = 0; c < want_calls && c < VN_ARRAY_LEN(split_sizes); c++)
			CU_ASSERT_EQUAL(split_sizes[c],
					c + 1 < want_calls ? VN_FRAME_SIZE : n - c * VN_FRAME_SIZE);
		CU_ASSERT_EQUAL(split->calls - calls0, want_calls);
		CU_ASSERT_EQUAL(split->vectors - vec0, n);
		CU_ASSERT(split->clocks > clk0);
		CU_ASSERT(b_max <= VN_FRAME_SIZE);
		CU_ASSERT_EQUAL(b->calls - bcalls0, want_calls);
		CU_ASSERT_EQUAL_FATAL(cap_b.n, n);
		CU_ASSERT_EQUAL(memcmp(cap_b.pkts, pkts, n * sizeof(pkts[0])), 0);
		CU_ASSERT_EQUAL(vn_graph_rt(g)->overflow_drops, 0);
		vt_capture_reset(&cap_b);
	}
}

static void
test_overflow(void)
{
	static struct rte_mbuf *pkts[VN_NODE_QUEUE + 76];
	unsigned int avail = rte_mempool_avail_count(vn_pktmbuf_pool);
	struct vn_node *split = node_of("tg-split"), *b = node_of("tg-b");

	/* An injection bigger than a node's queue: the excess is refused. */
	make_pkts(pkts, VN_NODE_QUEUE + 76, SPLIT_NEXT_B, 0);
	vt_inject(g, "tg-split", pkts, VN_NODE_QUEUE + 76);
	CU_ASSERT_EQUAL(vn_graph_rt(g)->overflow_drops, 76);
	CU_ASSERT_EQUAL_FATAL(cap_b.n, VN_NODE_QUEUE);
	CU_ASSERT_EQUAL(memcmp(cap_b.pkts, pkts, VN_NODE_QUEUE * sizeof(pkts[0])), 0);
	vt_capture_reset(&cap_b);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail);

	/* Fan-in in one walk: tg-b already holds 1000 when tg-split sends 100. */
	make_pkts(pkts, 1100, SPLIT_NEXT_B, 0);
	vn_enqueue_copy(g, split, pkts + 1000, 100);
	vn_enqueue_copy(g, b, pkts, 1000);
	vt_inject(g, "tg-split", pkts, 0); /* just dispatch */
	CU_ASSERT_EQUAL(vn_graph_rt(g)->overflow_drops, 76 + 76);
	CU_ASSERT_EQUAL_FATAL(cap_b.n, VN_NODE_QUEUE);
	CU_ASSERT_EQUAL(memcmp(cap_b.pkts, pkts, VN_NODE_QUEUE * sizeof(pkts[0])), 0);
	CU_ASSERT_EQUAL(b->vectors, 2 * VN_NODE_QUEUE);
	vt_capture_reset(&cap_b);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail);
}

static void
test_fifo_order(void)
{
	struct rte_mbuf *pkts[3];

	/* tg-b first, then tg-a, whose packet goes on to tg-c: breadth first. */
	make_pkts(pkts, 3, SPLIT_NEXT_B, A_NEXT_C);
	vn_meta(pkts[1])->user[0] = SPLIT_NEXT_A;
	vt_inject(g, "tg-split", pkts, 3);
	CU_ASSERT_STRING_EQUAL(run_log, "sbac");
	CU_ASSERT_EQUAL(cap_b.n, 2);
	CU_ASSERT_EQUAL(cap_c.n, 1);

	/* tg-a first; tg-b gets packets from tg-split and then from tg-a, but runs
	 * once: it is already pending when tg-a sends. */
	n_log = 0;
	memset(run_log, 0, sizeof(run_log));
	make_pkts(pkts, 3, SPLIT_NEXT_A, A_NEXT_B);
	vn_meta(pkts[2])->user[0] = SPLIT_NEXT_B;
	vt_inject(g, "tg-split", pkts, 3);
	CU_ASSERT_STRING_EQUAL(run_log, "sab");
	CU_ASSERT_EQUAL_FATAL(cap_b.n, 5);
	CU_ASSERT_PTR_EQUAL(cap_b.pkts[2], pkts[2]); /* from tg-split, queued first */
	CU_ASSERT_PTR_EQUAL(cap_b.pkts[3], pkts[0]);
	CU_ASSERT_PTR_EQUAL(cap_b.pkts[4], pkts[1]);
	CU_ASSERT_EQUAL(vn_graph_rt(g)->pending_head, vn_graph_rt(g)->pending_tail);
	for (uint32_t i = 0; i < vn_graph_rt(g)->n_nodes; i++)
		CU_ASSERT_FALSE(vn_graph_rt(g)->nodes[i].is_pending);
}

static void
test_input_poll(void)
{
	struct vn_node *src = node_of("tg-src"), *split = node_of("tg-split");

	src_n = 50;
	CU_ASSERT_EQUAL(vn_graph_run_once(g), 50);
	CU_ASSERT_EQUAL(cap_b.n, 50);
	CU_ASSERT_EQUAL(src->calls, 1);
	CU_ASSERT_EQUAL(src->vectors, 50);
	CU_ASSERT(src->clocks > 0);
	CU_ASSERT_EQUAL(split->calls, 1);
	CU_ASSERT_EQUAL(split->vectors, 50);
	/* The source's vector was moved, not copied. */
	CU_ASSERT_EQUAL(src->n_objs, 0);
	/* An idle poll counts a loop, not a call. */
	CU_ASSERT_EQUAL(vn_graph_run_once(g), 0);
	CU_ASSERT_EQUAL(src->calls, 1);
	CU_ASSERT_EQUAL(vn_graph_rt(g)->loops, 2);
	/* A full vector. */
	src_n = VN_FRAME_SIZE;
	CU_ASSERT_EQUAL(vn_graph_run_once(g), VN_FRAME_SIZE);
	CU_ASSERT_EQUAL(cap_b.n, 50 + VN_FRAME_SIZE);
	CU_ASSERT_EQUAL(src->vectors, 50 + VN_FRAME_SIZE);
}

static void
test_inject_bad_node(void)
{
	struct rte_mbuf *m = NULL;

	CU_ASSERT_EQUAL(vn_graph_inject(g, (uint16_t)vn_graph_rt(g)->n_nodes, &m, 1), -EINVAL);
}

int
main(void)
{
	static CU_TestInfo build_tests[] = {
		{"arcs resolved by name", test_arcs_by_name},
		{"build errors name node and arc", test_build_errors},
		CU_TEST_INFO_NULL,
	};
	static CU_TestInfo dispatch_tests[] = {
		{"whole vector moves (swap)", test_whole_vector_moves},
		{"runs are copied", test_runs_are_copied},
		{"move into a busy target copies", test_move_into_busy_target_copies},
		{"frame interface: stated, merged, mixed", test_frame_interface},
		{"vectors over 256 split into calls", test_big_vectors_split},
		{"queue overflow counted and freed", test_overflow},
		{"pending fifo order", test_fifo_order},
		{"input nodes polled", test_input_poll},
		{"inject into an unknown node", test_inject_bad_node},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"graph build", suite_init, NULL, test_setup, test_teardown, build_tests},
		{"dispatch", NULL, NULL, test_setup, test_teardown, dispatch_tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
