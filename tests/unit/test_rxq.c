/*
 * RX queue placement (engine/net/rxq.c) and its commands: placement at start
 * (round-robin and the interfaces' explicit worker lists), moves and their
 * errors, what vn_rxq_for_thread and port-rx see after a move, `show
 * interface rx-placement` and `set interface rx-placement` (output and error
 * messages), and moves under concurrent readers that behave as workers do,
 * checking that no queue is ever held by two threads and no set is freed
 * under a reader.
 *
 * Interfaces: lan0 (net_null, 2 RX queues), lan1 (net_null, 1 RX queue,
 * placed explicitly on worker 1), lan2 (virtual: no DPDK port, no queues).
 * Two workers: threads 1 and 2.
 */
#include <CUnit/CUnit.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_cycles.h>
#include <rte_pause.h>
#include <vecnet/cli.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/port.h>
#include <vecnet/rcu.h>

#include "net/port_priv.h"
#include "vn_test.h"
#include "vn_test_cli.h"

static const uint8_t mac_lan2[6] = {0x02, 0, 0, 0, 0xcc, 0x00};
static const uint32_t two_workers[] = {1, 2};
static uint32_t lan0, lan1, lan2;

/* --- helpers ------------------------------------------------------------------ */

/* The thread's queues as "lan0/0 lan1/0" (placement order). */
static const char *
queues_of(uint32_t thread)
{
	static char buf[256];
	struct vn_rxq q[16];
	uint16_t n = vn_rxq_for_thread(thread, q, 16);
	size_t len = 0;

	buf[0] = '\0';
	CU_ASSERT_EQUAL(n, vn_rxq_count_for_thread(thread));
	for (uint16_t i = 0; i < n; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s/%u", i ? " " : "",
				vn_interface_get(q[i].if_index)->name, q[i].queue_id);
	return buf;
}

static void
expect_queues(uint32_t thread, const char *want)
{
	const char *got = queues_of(thread);

	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n  thread %u polls '%s', want '%s'\n", thread, got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
}

/* Back to the placement the suite starts from. */
static void
place_two_workers(void)
{
	struct vn_interface *ifp = vn_interface_get(lan0);

	ifp->rx_workers[0] = ifp->rx_workers[1] = -1;
	vn_interface_get(lan1)->rx_workers[0] = 1;
	CU_ASSERT_EQUAL_FATAL(vn_rxq_place(2, two_workers), 0);
}

/* --- fixture --------------------------------------------------------------------- */

static int
suite_init(void)
{
	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0)
		return -1;
	vn_log_level = VN_LOG_WARNING; /* not a line per move */
	/* copy=1: received packets are zeros (nobody's MAC), not stale pool data. */
	if (rte_dev_probe("net_null0,copy=1") < 0 || rte_dev_probe("net_null1,copy=1") < 0)
		return -1;
	vn_port_set_tx_queues(2);
	if (vn_interface_create("lan0", "net_null0", 2, 1500, &lan0) < 0 ||
	    vn_interface_create("lan1", "net_null1", 1, 1500, &lan1) < 0 ||
	    vn_interface_create_virtual("lan2", mac_lan2, 1500, &lan2) < 0)
		return -1;
	vn_interface_get(lan1)->rx_workers[0] = 1;
	if (vn_rxq_place(2, two_workers) < 0)
		return -1;
	if (vn_fib_init(1u << 16) < 0 || vn_neighbor_init() < 0 || vn_graph_build() < 0)
		return -1;
	out = vn_cli_out_new();
	return out != NULL ? 0 : -1;
}

static int
suite_fini(void)
{
	vn_cli_out_free(out);
	vn_neighbor_fini();
	vn_fib_fini();
	vn_interface_close_all();
	return 0;
}

/* --- placement at start ---------------------------------------------------------- */

static void
test_place(void)
{
	struct vn_interface *ifp = vn_interface_get(lan1);

	/* Round-robin for lan0's two queues, lan1's queue where its list says. */
	expect_queues(0, "");
	expect_queues(1, "lan0/0");
	expect_queues(2, "lan0/1 lan1/0");
	CU_ASSERT_EQUAL(vn_rxq_worker_count(), 2);
	CU_ASSERT_EQUAL(vn_rxq_worker_thread(1), 2);
	CU_ASSERT_EQUAL(vn_rxq_worker_thread(2), UINT32_MAX);
	/* A set is never NULL, even for a thread that does not forward. */
	CU_ASSERT_PTR_NOT_NULL(vn_rxq_set_of(3));
	CU_ASSERT_EQUAL(vn_rxq_set_of(3)->n, 0);

	/* An explicit worker that does not exist is refused at start. */
	ifp->rx_workers[0] = 2;
	CU_ASSERT_EQUAL(vn_rxq_place(2, two_workers), -EINVAL);
	place_two_workers();

	/* The same table with the main thread alone: everything on thread 0. */
	ifp->rx_workers[0] = 0;
	CU_ASSERT_EQUAL(vn_rxq_place(1, (const uint32_t[]){0}), 0);
	expect_queues(0, "lan0/0 lan0/1 lan1/0");
	expect_queues(1, "");
	expect_queues(2, "");
	place_two_workers();
	expect_queues(1, "lan0/0");
	expect_queues(2, "lan0/1 lan1/0");
}

/* --- moves ------------------------------------------------------------------------ */

static void
test_move(void)
{
	const struct vn_rxq_set *s1, *s2;

	place_two_workers();
	CU_ASSERT_EQUAL(vn_rxq_move(lan1, 0, 0), 0);
	expect_queues(1, "lan0/0 lan1/0");
	expect_queues(2, "lan0/1");
	CU_ASSERT_EQUAL(vn_rxq_move(lan0, 0, 1), 0);
	expect_queues(1, "lan1/0");
	expect_queues(2, "lan0/0 lan0/1"); /* interface and queue order, not move order */
	CU_ASSERT_EQUAL(vn_rxq_move(lan1, 0, 1), 0);
	CU_ASSERT_EQUAL(vn_rxq_move(lan0, 1, 1), 0);
	expect_queues(1, "");
	expect_queues(2, "lan0/0 lan0/1 lan1/0");

	/* A queue moved where it is already changes nothing, not even the sets. */
	s1 = vn_rxq_set_of(1);
	s2 = vn_rxq_set_of(2);
	CU_ASSERT_EQUAL(vn_rxq_move(lan0, 0, 1), 0);
	CU_ASSERT_PTR_EQUAL(vn_rxq_set_of(1), s1);
	CU_ASSERT_PTR_EQUAL(vn_rxq_set_of(2), s2);

	/* Errors leave the placement as it was. */
	CU_ASSERT_EQUAL(vn_rxq_move(lan2, 0, 0), -ENODEV); /* no DPDK port */
	CU_ASSERT_EQUAL(vn_rxq_move(VN_IF_MAX, 0, 0), -ENODEV);
	CU_ASSERT_EQUAL(vn_rxq_move(lan0, 2, 0), -ERANGE);
	CU_ASSERT_EQUAL(vn_rxq_move(lan1, 1, 0), -ERANGE);
	CU_ASSERT_EQUAL(vn_rxq_move(lan0, 0, 2), -EINVAL);
	CU_ASSERT_PTR_EQUAL(vn_rxq_set_of(1), s1);
	CU_ASSERT_PTR_EQUAL(vn_rxq_set_of(2), s2);
	expect_queues(2, "lan0/0 lan0/1 lan1/0");
	place_two_workers();
}

/* port-rx polls what its thread's set says at each call, not a copy taken at
 * thread init: a graph for thread 1, run here, receives from lan1 once lan1's
 * queue has moved to worker 0, and no longer from lan0 once lan0's left it. */
static void
test_port_rx_follows(void)
{
	struct vn_graph *g;

	place_two_workers();
	g = vn_graph_create(1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	struct vn_if_counters *c0 = vn_if_counters_of(g, lan0), *c1 = vn_if_counters_of(g, lan1);
	uint64_t r0 = c0->rx_packets, r1 = c1->rx_packets;

	vn_graph_run_once(g);
	CU_ASSERT(c0->rx_packets > r0); /* lan0/0 is worker 0's */
	CU_ASSERT_EQUAL(c1->rx_packets, r1);

	CU_ASSERT_EQUAL(vn_rxq_move(lan1, 0, 0), 0);
	r1 = c1->rx_packets;
	vn_graph_run_once(g);
	CU_ASSERT(c1->rx_packets > r1);

	CU_ASSERT_EQUAL(vn_rxq_move(lan0, 0, 1), 0);
	CU_ASSERT_EQUAL(vn_rxq_move(lan1, 0, 1), 0);
	r0 = c0->rx_packets;
	r1 = c1->rx_packets;
	vn_graph_run_once(g);
	CU_ASSERT_EQUAL(c0->rx_packets, r0);
	CU_ASSERT_EQUAL(c1->rx_packets, r1);
	vn_graph_destroy(g);
	place_two_workers();
}

/* --- commands --------------------------------------------------------------------- */

static void
test_show(void)
{
	place_two_workers();
	CU_ASSERT_STRING_EQUAL(cmd_ok("show interface rx-placement"),
			       "Thread 1 (worker 0):\n"
			       "  node port-rx:\n"
			       "    lan0 queue 0 (polling)\n"
			       "Thread 2 (worker 1):\n"
			       "  node port-rx:\n"
			       "    lan0 queue 1 (polling)\n"
			       "    lan1 queue 0 (polling)\n");
	/* A thread with no queues is left out, as VPP does. */
	cmd_ok("set interface rx-placement lan0 queue 0 worker 1");
	CU_ASSERT_STRING_EQUAL(cmd_ok("show interface rx-placement"),
			       "Thread 2 (worker 1):\n"
			       "  node port-rx:\n"
			       "    lan0 queue 0 (polling)\n"
			       "    lan0 queue 1 (polling)\n"
			       "    lan1 queue 0 (polling)\n");
	/* The queue may be left out: queue 0, as in VPP. */
	cmd_ok("set interface rx-placement lan1 worker 0");
	CU_ASSERT_STRING_EQUAL(cmd_ok("show interface rx-placement"),
			       "Thread 1 (worker 0):\n"
			       "  node port-rx:\n"
			       "    lan1 queue 0 (polling)\n"
			       "Thread 2 (worker 1):\n"
			       "  node port-rx:\n"
			       "    lan0 queue 0 (polling)\n"
			       "    lan0 queue 1 (polling)\n");
	expect_err("show interface rx-placement lan0",
		   "unexpected 'lan0' (word 4): expected one of: end of line");
	/* `show interface IF` is still the interface command. */
	CU_ASSERT(has(cmd_ok("show interface lan0"), "lan0"));

	/* The main thread alone (workers: []) is worker 0. */
	vn_interface_get(lan1)->rx_workers[0] = -1;
	CU_ASSERT_EQUAL(vn_rxq_place(1, (const uint32_t[]){0}), 0);
	CU_ASSERT_STRING_EQUAL(cmd_ok("show interface rx-placement"),
			       "Thread 0 (main):\n"
			       "  node port-rx:\n"
			       "    lan0 queue 0 (polling)\n"
			       "    lan0 queue 1 (polling)\n"
			       "    lan1 queue 0 (polling)\n");
	cmd_ok("set interface rx-placement lan0 queue 1 worker 0");
	expect_err("set interface rx-placement lan0 queue 1 worker 1",
		   "set interface rx-placement: no worker 1 (no workers are configured: worker 0 "
		   "is the main thread)");
	place_two_workers();
}

static void
test_set_errors(void)
{
	const struct vn_rxq_set *s1, *s2;

	place_two_workers();
	s1 = vn_rxq_set_of(1);
	s2 = vn_rxq_set_of(2);
	expect_err("set interface rx-placement wan9 queue 0 worker 1",
		   "set interface rx-placement: unknown interface 'wan9'");
	expect_err("set interface rx-placement lan0 queue 2 worker 1",
		   "set interface rx-placement: lan0 has no RX queue 2 (it has 2: 0-1)");
	expect_err("set interface rx-placement lan1 queue 1 worker 1",
		   "set interface rx-placement: lan1 has no RX queue 1 (it has 1: 0-0)");
	expect_err("set interface rx-placement lan0 queue 1 worker 2",
		   "set interface rx-placement: no worker 2 (there are 2: 0-1)");
	expect_err("set interface rx-placement lan2 queue 0 worker 1",
		   "set interface rx-placement: lan2 has no RX queues (no DPDK port)");
	expect_err("set interface rx-placement",
		   "missing argument: expected one of: interface name");
	expect_err("set interface rx-placement lan0 queue x worker 1",
		   "unexpected 'x' (word 6): expected one of: number 0-65535");
	expect_err("set interface rx-placement lan0 queue 0",
		   "missing argument: expected one of: keyword 'worker'");
	expect_err("set interface rx-placement lan0 queue 0 worker 1 now",
		   "unexpected 'now' (word 9): expected one of: end of line");
	/* None of them moved anything. */
	CU_ASSERT_PTR_EQUAL(vn_rxq_set_of(1), s1);
	CU_ASSERT_PTR_EQUAL(vn_rxq_set_of(2), s2);
	expect_queues(1, "lan0/0");
	expect_queues(2, "lan0/1 lan1/0");
}

/* --- moves under readers ------------------------------------------------------------ */

/*
 * Two threads do what a worker's port-rx does with its set: load it once per
 * walk, hold its queues for the whole walk (port-rx may poll any of them at
 * any point of it), let go, report a quiescent state between walks. Each
 * holds a queue by counting itself in; a count it finds non-zero means two
 * threads held one queue at once: two consumers of a single-consumer ring.
 * Meanwhile the main thread moves the queues back and forth. A move that
 * published the queue on its new thread before the old thread's walk ended
 * (the grace period) is caught here within a few moves.
 */
#define VT_QUEUES 3 /* lan0/0, lan0/1, lan1/0 */

static uint32_t held[VT_QUEUES];
static uint64_t overlaps, bad_entries, polled[3][VT_QUEUES];
static bool readers_stop;
static uint32_t readers_online;

/* 0, 1, 2 for lan0/0, lan0/1, lan1/0; VT_QUEUES for anything else: a set
 * freed (and reused) under a reader, not after a grace period. */
static uint32_t
queue_key(const struct vn_rxq *q)
{
	const struct vn_interface *ifp = vn_interface_get(q->if_index);

	if (!ifp || q->port_id != ifp->port_id || q->queue_id >= ifp->n_rx_queues ||
	    (q->if_index != lan0 && q->if_index != lan1))
		return VT_QUEUES;
	return q->if_index == lan0 ? q->queue_id : 2;
}

static void *
reader(void *arg)
{
	uint32_t t = (uint32_t)(uintptr_t)arg;

	vn_rcu_thread_online(t);
	__atomic_fetch_add(&readers_online, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&readers_stop, __ATOMIC_RELAXED)) {
		const struct vn_rxq_set *s = vn_rxq_set_of(t);
		uint32_t keys[VT_QUEUES], n = 0;
		for (uint16_t i = 0; i < s->n && n < VT_QUEUES; i++) {
			uint32_t k = queue_key(&s->q[i]);
			if (k == VT_QUEUES) {
				__atomic_fetch_add(&bad_entries, 1, __ATOMIC_RELAXED);
				continue;
			}
			if (__atomic_fetch_add(&held[k], 1, __ATOMIC_ACQ_REL) != 0)
				__atomic_fetch_add(&overlaps, 1, __ATOMIC_RELAXED);
			polled[t][k]++;
			keys[n++] = k;
		}
		for (uint32_t spin = 0; spin < 2000; spin++) /* the rest of the walk */
			rte_pause();
		/* Still the same set: nobody may have freed or changed it. */
		for (uint16_t i = 0; i < s->n && i < n; i++)
			if (queue_key(&s->q[i]) != keys[i])
				__atomic_fetch_add(&bad_entries, 1, __ATOMIC_RELAXED);
		for (uint32_t i = 0; i < n; i++)
			__atomic_fetch_sub(&held[keys[i]], 1, __ATOMIC_RELEASE);
		vn_rcu_quiescent(t);
	}
	vn_rcu_thread_offline(t);
	rte_rcu_qsbr_thread_unregister(vn_rcu, t);
	return NULL;
}

static void
test_move_under_readers(void)
{
	pthread_t th[2];
	uint32_t moves = 0;

	place_two_workers();
	memset(polled, 0, sizeof(polled));
	overlaps = bad_entries = 0;
	readers_stop = false;
	readers_online = 0;
	for (uint32_t i = 0; i < 2; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, reader, (void *)(uintptr_t)(i + 1)),
				      0);
	/* Moves wait for online readers only: start once both read. */
	while (__atomic_load_n(&readers_online, __ATOMIC_ACQUIRE) < 2)
		rte_pause();
	for (uint32_t round = 0; round < 200; round++) {
		CU_ASSERT_EQUAL(vn_rxq_move(lan0, 0, round % 2), 0);
		CU_ASSERT_EQUAL(vn_rxq_move(lan0, 1, (round + 1) % 2), 0);
		CU_ASSERT_EQUAL(vn_rxq_move(lan1, 0, round % 2), 0);
		moves += 3;
	}
	__atomic_store_n(&readers_stop, true, __ATOMIC_RELAXED);
	for (uint32_t i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	if (overlaps)
		fprintf(stderr, "\n  %" PRIu64 " walks found a queue held by the other thread "
				"(%u moves)\n", overlaps, moves);
	CU_ASSERT_EQUAL(overlaps, 0);
	if (bad_entries)
		fprintf(stderr, "\n  %" PRIu64 " entries read from a set that was freed or changed\n",
			bad_entries);
	CU_ASSERT_EQUAL(bad_entries, 0);
	/* The moves took effect: each thread held each queue at some point. */
	for (uint32_t t = 1; t <= 2; t++)
		for (uint32_t k = 0; k < VT_QUEUES; k++)
			CU_ASSERT(polled[t][k] > 0);
	place_two_workers();
}

int
main(void)
{
	CU_TestInfo tests[] = {
	    {"placement at start: round-robin and explicit", test_place},
	    {"moves and their errors", test_move},
	    {"port-rx polls the current set", test_port_rx_follows},
	    {"show interface rx-placement", test_show},
	    {"set interface rx-placement errors", test_set_errors},
	    {"moves under readers: never two holders", test_move_under_readers},
	    CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
	    {"rxq", suite_init, suite_fini, NULL, NULL, tests},
	    CU_SUITE_INFO_NULL,
	};

	return vn_test_run(suites);
}
