/*
 * nsim plugin: the parsers and the settings' fast-path arithmetic, then real
 * packets through nsim-output and nsim-input on a graph, with the nodes'
 * clock driven by the test (nsim_test_tsc): delay and release order, loss
 * statistics, reordering, bandwidth pacing, the buffer limit, and held
 * packets freed (back in the pool) when the feature is turned off; the
 * commands, the config section and Lua.
 * Linked with nsim_objs directly (tests/CMakeLists.txt).
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <vecnet/cli.h>
#include <vecnet/config.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/gso.h>
#include <vecnet/net/interface.h>
#include <vecnet/rcu.h>

#include "app/engine_config.h"
#include "nsim.h"
#include "vn_test.h"
#include "vn_test_cli.h"
#include "vn_test_graph.h"

VT_CAPTURE_NODE(out_cap, "test-if-output");
VT_CAPTURE_NODE(in_cap, "test-ethernet-input");

static const uint8_t mac0[6] = {0x02, 0, 0, 0, 0xaa, 0x00};
static const uint8_t mac1[6] = {0x02, 0, 0, 0, 0xbb, 0x00};
static struct vn_graph *g;
static uint32_t lan0, lan1;
static uint64_t now; /* the fake TSC */

static int
suite_init(void)
{
	const struct vn_interface *ifp;

	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0)
		return -1;
	out = vn_cli_out_new();
	if (!out || vn_interface_create_virtual("lan0", mac0, 1500, NULL) < 0 ||
	    vn_interface_create_virtual("lan1", mac1, 1500, NULL) < 0 || vn_graph_build() < 0 ||
	    nsim_control_init() < 0)
		return -1;
	g = vn_graph_create(0);
	ifp = vn_interface_by_name("lan0");
	if (!g || !ifp)
		return -1;
	lan0 = ifp->if_index;
	lan1 = vn_interface_by_name("lan1")->if_index;
	now = 1ull << 40;
	nsim_test_tsc = now;
	return 0;
}

static int
suite_fini(void)
{
	vt_capture_reset(&out_cap);
	vt_capture_reset(&in_cap);
	if (g)
		vn_graph_destroy(g); /* frees what the wheel still holds */
	nsim_control_fini();
	vn_cli_out_free(out);
	return 0;
}

static void
test_graph_setup(void)
{
	vt_redirect(g, NSIM_NODE_OUTPUT, "interface-output", "test-if-output");
	vt_redirect(g, NSIM_NODE_INPUT, "ethernet-input", "test-ethernet-input");
}

static void
set_clock(uint64_t t)
{
	now = t;
	__atomic_store_n(&nsim_test_tsc, t, __ATOMIC_RELAXED);
}

/* Runs the graph's input nodes (nsim-wheel among them) at time t. */
static void
poll_at(uint64_t t)
{
	set_clock(t);
	vn_graph_run_once(g);
}

/* n packets of len bytes numbered from first (a 32-bit number at offset 0),
 * sent by lan0 into nsim-output. */
static void
send_out(uint32_t first, uint32_t n, uint16_t len)
{
	while (n) {
		struct rte_mbuf *m[VN_FRAME_SIZE];
		uint16_t k = n < VN_FRAME_SIZE ? (uint16_t)n : VN_FRAME_SIZE;
		for (uint16_t i = 0; i < k; i++) {
			m[i] = vt_pkt(len, 0);
			vn_meta(m[i])->tx_if = (uint16_t)lan0;
			*rte_pktmbuf_mtod(m[i], uint32_t *) = first + i;
		}
		vt_inject(g, NSIM_NODE_OUTPUT, m, k);
		first += k;
		n -= k;
	}
}

static uint32_t
seq_of(const struct vt_capture *c, uint16_t i)
{
	return *rte_pktmbuf_mtod(c->pkts[i], const uint32_t *);
}

static uint64_t
err_total(const char *node, const char *name)
{
	return vn_error_total(vt_err(node, name));
}

static const struct nsim_params *
params(void)
{
	return nsim_params_get();
}

static void
counters(enum nsim_dir d, struct nsim_counters *c)
{
	nsim_counters_sum(lan0, d, c);
}

/* --- parsers and arithmetic ---------------------------------------------- */

static void
test_parse(void)
{
	uint64_t v;
	double f;

	CU_ASSERT(nsim_parse_time("10ms", &v) == 0 && v == 10000000);
	CU_ASSERT(nsim_parse_time("100us", &v) == 0 && v == 100000);
	CU_ASSERT(nsim_parse_time("1.5s", &v) == 0 && v == 1500000000);
	CU_ASSERT(nsim_parse_time("250ns", &v) == 0 && v == 250);
	CU_ASSERT(nsim_parse_time("0.01", &v) == 0 && v == 10000000); /* bare: seconds */
	CU_ASSERT(nsim_parse_time("10 ms", &v) < 0);
	CU_ASSERT(nsim_parse_time("10hours", &v) < 0);
	CU_ASSERT(nsim_parse_time("-1ms", &v) < 0);
	CU_ASSERT(nsim_parse_time("61s", &v) < 0);
	CU_ASSERT(nsim_parse_bandwidth("1gbit", &v) == 0 && v == 1000000000);
	CU_ASSERT(nsim_parse_bandwidth("100mbit", &v) == 0 && v == 100000000);
	CU_ASSERT(nsim_parse_bandwidth("10kbyte", &v) == 0 && v == 80000);
	CU_ASSERT(nsim_parse_bandwidth("0", &v) == 0 && v == 0);
	CU_ASSERT(nsim_parse_bandwidth("10bit", &v) < 0); /* below 1 kbit/s */
	CU_ASSERT(nsim_parse_bandwidth("fast", &v) < 0);
	CU_ASSERT(nsim_parse_fraction("0.01", &f) == 0 && f == 0.01);
	CU_ASSERT(nsim_parse_fraction("1", &f) == 0 && f == 1);
	CU_ASSERT(nsim_parse_fraction("1.1", &f) < 0);
	CU_ASSERT(nsim_parse_fraction("nan", &f) < 0);
	CU_ASSERT(nsim_parse_fraction("0.5x", &f) < 0);
}

static void
test_params_arithmetic(void)
{
	struct nsim_params p;

	/* 1 Gbit/s at a 1 GHz clock: 8 cycles a byte, 12000 for 1500 bytes. */
	CU_ASSERT_EQUAL(nsim_params_make(&(struct nsim_config){.bandwidth_bps = 1000000000,
							       .delay_ns = 10000000},
					 1000000000, &p),
			0);
	CU_ASSERT_EQUAL(nsim_serial_tsc(&p, 1500), 12000);
	CU_ASSERT_EQUAL(nsim_serial_tsc(&p, 64), 512);
	CU_ASSERT_EQUAL(p.delay_tsc, 10000000);
	CU_ASSERT_EQUAL(p.reorder_tsc, 10000000);
	CU_ASSERT(p.holds);
	/* Buffer: twice the BDP, 1.25 MB in flight / 1500 = 833 packets. */
	CU_ASSERT_EQUAL(p.buffer, 1666);
	/* 100 Mbit/s at 2.445 GHz: 195.6 cycles a byte, within the 1/65536 kept. */
	CU_ASSERT_EQUAL(
	    nsim_params_make(&(struct nsim_config){.bandwidth_bps = 100000000}, 2445000000ull, &p),
	    0);
	CU_ASSERT(llabs((long long)nsim_serial_tsc(&p, 1500) - 293400) <= 1);
	CU_ASSERT_EQUAL(p.buffer, 64); /* no delay: the floor */
	/* Loss only: nothing is held; packets-per-drop 4 is a quarter. */
	CU_ASSERT_EQUAL(nsim_params_make(&(struct nsim_config){.packets_per_drop = 4}, 1000, &p),
			0);
	CU_ASSERT(!p.holds);
	CU_ASSERT_EQUAL(p.drop_below, 1ull << 62);
	CU_ASSERT_EQUAL(p.buffer, NSIM_BUFFER_DEFAULT);
	CU_ASSERT_EQUAL(nsim_params_make(&(struct nsim_config){.drop_fraction = 1}, 1000, &p), 0);
	CU_ASSERT_EQUAL(p.drop_below, UINT64_MAX);
	/* Reordering without delay waits the 1 ms floor. */
	CU_ASSERT_EQUAL(
	    nsim_params_make(&(struct nsim_config){.reorder_fraction = 0.5}, 1000000000, &p), 0);
	CU_ASSERT(p.holds);
	CU_ASSERT_EQUAL(p.reorder_tsc, 1000000);
	CU_ASSERT(nsim_params_make(&(struct nsim_config){.drop_fraction = 2}, 1000, &p) < 0);
	CU_ASSERT(nsim_params_make(&(struct nsim_config){.buffer = NSIM_HELD_MAX + 1}, 1000, &p) <
		  0);
}

/* Output is one link on two arcs: IPv6 the engine sends is impaired too. */
static void
test_output_both_families(void)
{
	const struct vn_interface *ifp = vn_interface_get(lan0);

	cmd_ok("nsim output-feature enable-disable lan0");
	CU_ASSERT(ifp->features[VN_ARC_IP4_OUTPUT] != 0);
	CU_ASSERT(ifp->features[VN_ARC_IP6_OUTPUT] != 0);
	cmd_ok("nsim output-feature enable-disable lan0 disable");
	CU_ASSERT_EQUAL(ifp->features[VN_ARC_IP4_OUTPUT], 0);
	CU_ASSERT_EQUAL(ifp->features[VN_ARC_IP6_OUTPUT], 0);
}

/* --- packets through the nodes ------------------------------------------- */

static void
test_delay_order_and_timing(void)
{
	struct nsim_counters c0, c;
	uint64_t t0 = now, d;

	cmd_ok("set nsim delay 10ms");
	cmd_ok("nsim output-feature enable-disable lan0");
	d = params()->delay_tsc;
	CU_ASSERT(d > 0);
	counters(NSIM_DIR_OUTPUT, &c0);
	vt_capture_reset(&out_cap);
	set_clock(t0);
	send_out(0, 300, 100);
	CU_ASSERT_EQUAL(out_cap.n, 0); /* all in the wheel */
	counters(NSIM_DIR_OUTPUT, &c);
	CU_ASSERT_EQUAL(c.held, 300);
	CU_ASSERT_EQUAL(c.delayed - c0.delayed, 300);
	poll_at(t0 + d / 2);
	CU_ASSERT_EQUAL(out_cap.n, 0);
	poll_at(t0 + d - 1);
	CU_ASSERT_EQUAL(out_cap.n, 0); /* one cycle early: still held */
	poll_at(t0 + d);
	CU_ASSERT_EQUAL(out_cap.n, 256); /* at most a vector per poll */
	poll_at(t0 + d);
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 300);
	for (uint16_t i = 0; i < 300; i++)
		CU_ASSERT_EQUAL(seq_of(&out_cap, i), i);
	counters(NSIM_DIR_OUTPUT, &c);
	CU_ASSERT_EQUAL(c.held, 0);
	CU_ASSERT_EQUAL(c.received - c0.received, 300);
	vt_capture_reset(&out_cap);

	/* Later packets are due later: sent 5 ms apart, released 5 ms apart. */
	set_clock(t0 + 2 * d);
	send_out(1000, 1, 100);
	set_clock(t0 + 2 * d + d / 2);
	send_out(1001, 1, 100);
	poll_at(t0 + 3 * d);
	CU_ASSERT_EQUAL(out_cap.n, 1);
	poll_at(t0 + 3 * d + d / 2);
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 2);
	CU_ASSERT_EQUAL(seq_of(&out_cap, 1), 1001);
	vt_capture_reset(&out_cap);
	set_clock(t0 + 4 * d);
	cmd_ok("nsim output-feature enable-disable lan0 disable");
}

static void
test_loss_statistics(void)
{
	struct nsim_counters c0, c;
	uint64_t e0 = err_total(NSIM_NODE_OUTPUT, "dropped by simulated loss");
	const uint32_t n = 20000;
	uint32_t got = 0;

	cmd_ok("set nsim drop-fraction 0.1");
	cmd_ok("nsim output-feature enable-disable lan0");
	counters(NSIM_DIR_OUTPUT, &c0);
	for (uint32_t k = 0; k < n; k += 1000) {
		vt_capture_reset(&out_cap);
		send_out(k, 1000, 64);
		got += out_cap.n; /* loss only: nothing is held */
	}
	vt_capture_reset(&out_cap);
	counters(NSIM_DIR_OUTPUT, &c);
	/* Binomial(20000, 0.1): sd 42; 5 sd either side fails once in 3 million. */
	CU_ASSERT(fabs((double)(n - got) - 2000.0) < 5 * 42.5);
	CU_ASSERT_EQUAL(c.dropped_loss - c0.dropped_loss, n - got);
	CU_ASSERT_EQUAL(c.delayed - c0.delayed, 0);
	CU_ASSERT_EQUAL(err_total(NSIM_NODE_OUTPUT, "dropped by simulated loss") - e0, n - got);

	/* VPP's form: one in 4. */
	cmd_ok("set nsim packets-per-drop 4");
	got = 0;
	for (uint32_t k = 0; k < n; k += 1000) {
		vt_capture_reset(&out_cap);
		send_out(k, 1000, 64);
		got += out_cap.n;
	}
	vt_capture_reset(&out_cap);
	/* Binomial(20000, 0.25): sd 61. */
	CU_ASSERT(fabs((double)(n - got) - 5000.0) < 5 * 61.3);
	cmd_ok("nsim output-feature enable-disable lan0 disable");
}

static void
test_reorder(void)
{
	struct nsim_counters c0, c;
	uint64_t t0 = now + 1000000, d;
	uint32_t late = 0, n_rise = 0, prev = 0;
	bool in_order = true;

	cmd_ok("set nsim delay 1ms reorder-fraction 0.3");
	cmd_ok("nsim output-feature enable-disable lan0");
	d = params()->delay_tsc;
	counters(NSIM_DIR_OUTPUT, &c0);
	vt_capture_reset(&out_cap);
	/* 200 packets, 2.5 us apart: all sent before the first is due. */
	for (uint32_t i = 0; i < 200; i++) {
		set_clock(t0 + i * (d / 400));
		send_out(i, 1, 100);
		poll_at(now);
	}
	CU_ASSERT_EQUAL(out_cap.n, 0);
	for (uint64_t t = t0 + d; t <= t0 + 4 * d; t += d / 50)
		poll_at(t);
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 200);
	counters(NSIM_DIR_OUTPUT, &c);
	/* Binomial(200, 0.3): 60, sd 6.5. */
	CU_ASSERT(c.reordered - c0.reordered > 25 && c.reordered - c0.reordered < 95);
	/* Packets that came out after a higher-numbered one were overtaken;
	 * those that were not held back keep their order among themselves. */
	for (uint16_t i = 0; i < out_cap.n; i++) {
		uint32_t s = seq_of(&out_cap, i);
		if (i && s < prev)
			late++;
		else if (i)
			n_rise++;
		prev = RTE_MAX(prev, s);
	}
	CU_ASSERT(late > 0);
	CU_ASSERT(late <= c.reordered - c0.reordered);
	/* Every one of the 200 came out exactly once. */
	uint8_t seen[200] = {0};
	for (uint16_t i = 0; i < out_cap.n; i++)
		if (seq_of(&out_cap, i) < 200)
			seen[seq_of(&out_cap, i)]++;
	for (int i = 0; i < 200; i++)
		in_order &= seen[i] == 1;
	CU_ASSERT(in_order);
	vt_capture_reset(&out_cap);
	cmd_ok("nsim output-feature enable-disable lan0 disable");
}

static void
test_bandwidth_pacing(void)
{
	uint64_t t0 = now + 1000000, s;

	/* 8 Mbit/s: a byte a microsecond; no delay. */
	cmd_ok("set nsim bandwidth 8mbit");
	cmd_ok("nsim output-feature enable-disable lan0");
	s = nsim_serial_tsc(params(), 1000);
	CU_ASSERT(llabs((long long)s - (long long)(rte_get_tsc_hz() / 1000)) <= 2);
	vt_capture_reset(&out_cap);
	set_clock(t0);
	send_out(0, 3, 1000); /* they queue: out at 1, 2 and 3 ms */
	poll_at(t0 + s - 1);
	CU_ASSERT_EQUAL(out_cap.n, 0);
	poll_at(t0 + s);
	CU_ASSERT_EQUAL(out_cap.n, 1);
	poll_at(t0 + 2 * s - 1);
	CU_ASSERT_EQUAL(out_cap.n, 1);
	poll_at(t0 + 2 * s);
	CU_ASSERT_EQUAL(out_cap.n, 2);
	poll_at(t0 + 3 * s);
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 3);
	CU_ASSERT_EQUAL(seq_of(&out_cap, 2), 2);
	/* An idle link starts again from now: a packet 10 ms later waits only its own time. */
	vt_capture_reset(&out_cap);
	set_clock(t0 + 10 * s);
	send_out(3, 1, 1000);
	poll_at(t0 + 11 * s);
	CU_ASSERT_EQUAL(out_cap.n, 1);
	vt_capture_reset(&out_cap);
	cmd_ok("nsim output-feature enable-disable lan0 disable");
}

static void
test_buffer_full(void)
{
	uint64_t e0 = err_total(NSIM_NODE_OUTPUT, "dropped: simulated buffer full"), d;
	struct nsim_counters c0, c;

	cmd_ok("set nsim delay 10ms buffer 8");
	cmd_ok("nsim output-feature enable-disable lan0");
	d = params()->delay_tsc;
	counters(NSIM_DIR_OUTPUT, &c0);
	vt_capture_reset(&out_cap);
	send_out(0, 20, 100);
	counters(NSIM_DIR_OUTPUT, &c);
	CU_ASSERT_EQUAL(c.held, 8);
	CU_ASSERT_EQUAL(c.dropped_full - c0.dropped_full, 12);
	CU_ASSERT_EQUAL(err_total(NSIM_NODE_OUTPUT, "dropped: simulated buffer full") - e0, 12);
	poll_at(now + d);
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 8);
	for (uint16_t i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(seq_of(&out_cap, i), i); /* the first ones, not the last */
	vt_capture_reset(&out_cap);
	cmd_ok("nsim output-feature enable-disable lan0 disable");
}

static void
test_disable_frees_held(void)
{
	uint64_t e0 = err_total(NSIM_NODE_WHEEL, "held packets freed: nsim disabled");
	unsigned avail0 = rte_mempool_avail_count(vn_pktmbuf_pool);
	struct nsim_counters c;
	struct rte_mbuf *m[50];

	cmd_ok("set nsim delay 10ms");
	cmd_ok("nsim output-feature enable-disable lan0");
	cmd_ok("nsim input-feature enable-disable lan0");
	send_out(0, 50, 100);
	/* And 50 received frames held on the input side. */
	for (int i = 0; i < 50; i++)
		m[i] = vt_pkt(64, (uint16_t)lan0);
	vt_inject(g, NSIM_NODE_INPUT, m, 50);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail0 - 100);
	CU_ASSERT(has(cmd_ok("show nsim"), "delay 10ms bandwidth none"));
	CU_ASSERT(has(vn_cli_out_text(out), "enabled"));
	counters(NSIM_DIR_INPUT, &c);
	CU_ASSERT_EQUAL(c.held, 50);
	cmd_ok("nsim output-feature enable-disable lan0 disable");
	poll_at(now); /* the worker sees the change at its next poll */
	counters(NSIM_DIR_OUTPUT, &c);
	CU_ASSERT_EQUAL(c.held, 0);
	counters(NSIM_DIR_INPUT, &c);
	CU_ASSERT_EQUAL(c.held, 50); /* the other link keeps its own */
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail0 - 50);
	cmd_ok("nsim input-feature enable-disable lan0 disable");
	poll_at(now);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail0);
	CU_ASSERT_EQUAL(err_total(NSIM_NODE_WHEEL, "held packets freed: nsim disabled") - e0, 100);
	/* Nothing comes out later either. */
	vt_capture_reset(&out_cap);
	poll_at(now + 10 * params()->delay_tsc);
	CU_ASSERT_EQUAL(out_cap.n + in_cap.n, 0);
	counters(NSIM_DIR_INPUT, &c);
	CU_ASSERT(c.freed >= 50);
}

/* Shutdown: the graph's teardown (nsim-wheel's thread_fini) frees what
 * the wheel holds, so the engine's pool check at exit finds every mbuf. */
static void
test_teardown_frees_held(void)
{
	unsigned avail0 = rte_mempool_avail_count(vn_pktmbuf_pool);

	cmd_ok("set nsim delay 10ms");
	cmd_ok("nsim output-feature enable-disable lan0");
	send_out(0, 40, 100);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail0 - 40);
	nsim_wheel_release_thread(g->thread_index);
	CU_ASSERT_PTR_NULL(nsim_wheels[g->thread_index]);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail0);
	/* Without a wheel the feature passes packets untouched. */
	vt_capture_reset(&out_cap);
	send_out(0, 3, 100);
	CU_ASSERT_EQUAL(out_cap.n, 3);
	vt_capture_reset(&out_cap);
	cmd_ok("nsim output-feature enable-disable lan0 disable");
	CU_ASSERT_EQUAL(nsim_wheels_ensure(), 0);
	CU_ASSERT_PTR_NOT_NULL(nsim_wheels[g->thread_index]);
}

/* Workers' graphs are made after the config is applied: a graph made once
 * nsim is in use gets its wheel then, and holds packets like the others. */
static void
test_later_graph_gets_wheel(void)
{
	struct vn_graph *g2;
	struct rte_mbuf *m;

	cmd_ok("set nsim delay 10ms");
	cmd_ok("nsim output-feature enable-disable lan0");
	g2 = vn_graph_create(2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g2);
	CU_ASSERT_PTR_NOT_NULL(nsim_wheels[2]);
	vt_redirect(g2, NSIM_NODE_OUTPUT, "interface-output", "test-if-output");
	vt_capture_reset(&out_cap);
	m = vt_pkt(64, 0);
	vn_meta(m)->tx_if = (uint16_t)lan0;
	CU_ASSERT_EQUAL(vn_graph_inject(g2, vt_node_index(NSIM_NODE_OUTPUT), &m, 1), 0);
	CU_ASSERT_EQUAL(out_cap.n, 0);
	CU_ASSERT_EQUAL(nsim_wheels[2] ? nsim_wheels[2]->n_held : 0, 1);
	vn_graph_destroy(g2); /* and its wheel, with the held packet */
	CU_ASSERT_PTR_NULL(nsim_wheels[2]);
	cmd_ok("nsim output-feature enable-disable lan0 disable");
}

/* Deleting an interface frees what its links hold (the interface hook). */
static void
test_interface_delete_frees_held(void)
{
	static const uint8_t mac2[6] = {0x02, 0, 0, 0, 0xcc, 0x00};
	unsigned avail0 = rte_mempool_avail_count(vn_pktmbuf_pool);
	uint32_t lan2;
	struct rte_mbuf *m[20];

	CU_ASSERT_EQUAL_FATAL(vn_interface_create_virtual("lan2", mac2, 1500, &lan2), 0);
	cmd_ok("set nsim delay 10ms");
	cmd_ok("nsim input-feature enable-disable lan2");
	for (int i = 0; i < 20; i++)
		m[i] = vt_pkt(64, (uint16_t)lan2);
	vt_inject(g, NSIM_NODE_INPUT, m, 20);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail0 - 20);
	CU_ASSERT_EQUAL(vn_interface_delete(lan2), 0);
	CU_ASSERT_FALSE(nsim_enabled(lan2, NSIM_DIR_INPUT));
	poll_at(now);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(vn_pktmbuf_pool), avail0);
	vt_capture_reset(&in_cap);
	poll_at(now + 10 * params()->delay_tsc);
	CU_ASSERT_EQUAL(in_cap.n, 0);
}

static void
test_input_feature(void)
{
	struct rte_mbuf *m[4];
	uint64_t d;

	cmd_ok("set nsim delay 100us");
	cmd_ok("nsim input-feature enable-disable lan0");
	d = params()->delay_tsc;
	vt_capture_reset(&in_cap);
	for (int i = 0; i < 4; i++)
		m[i] = vt_pkt(64, (uint16_t)lan0);
	vt_inject(g, NSIM_NODE_INPUT, m, 4);
	CU_ASSERT_EQUAL(in_cap.n, 0);
	poll_at(now + d);
	CU_ASSERT_EQUAL(in_cap.n, 4); /* on to ethernet-input */
	vt_capture_reset(&in_cap);
	cmd_ok("nsim input-feature enable-disable lan0 disable");
}

/* A TCP/IPv4 super-frame of 10000 payload bytes in 1448-byte segments (7),
 * as host-input passes one whole, sent by lan0. */
static struct rte_mbuf *
super_frame(void)
{
	const uint32_t payload = 10000, len = 14 + 20 + 20 + payload;
	struct rte_mbuf *m = rte_pktmbuf_alloc(vn_gso_pool());
	uint8_t *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memset(p, 0, len);
	p[12] = 0x08;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + 14);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len - 14));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(0x0a000101);
	ip->dst_addr = rte_cpu_to_be_32(0x0a000102);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th->data_off = 5 << 4;
	th->tcp_flags = RTE_TCP_ACK_FLAG;
	th->cksum = rte_ipv4_phdr_cksum(ip, 0);
	m->data_len = m->pkt_len = len;
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
	m->tso_segsz = 1448;
	vn_meta_reset(m);
	vn_meta(m)->tx_if = (uint16_t)lan1;
	return m;
}

/* A super-frame already in the graph when nsim-output was turned on is cut
 * there: each wire segment is delayed (and could be lost) on its own, and
 * each arrives as an ordinary frame sent by the same interface (lan1: the
 * segments' buffers may have held lan0's packets before). */
static void
test_super_frame_cut(void)
{
	uint64_t e0 = err_total(NSIM_NODE_OUTPUT, "segments cut from GSO frames"), d;
	struct nsim_counters c0, c;
	struct rte_mbuf *m = super_frame();

	cmd_ok("set nsim delay 1ms");
	cmd_ok("nsim output-feature enable-disable lan1");
	d = params()->delay_tsc;
	nsim_counters_sum(lan1, NSIM_DIR_OUTPUT, &c0);
	vt_capture_reset(&out_cap);
	vt_inject(g, NSIM_NODE_OUTPUT, &m, 1);
	nsim_counters_sum(lan1, NSIM_DIR_OUTPUT, &c);
	CU_ASSERT_EQUAL(c.received - c0.received, 7);
	CU_ASSERT_EQUAL(c.held, 7);
	CU_ASSERT_EQUAL(err_total(NSIM_NODE_OUTPUT, "segments cut from GSO frames") - e0, 7);
	poll_at(now + d);
	CU_ASSERT_EQUAL_FATAL(out_cap.n, 7);
	for (uint16_t i = 0; i < 7; i++) {
		CU_ASSERT_FALSE(vn_gso_is_super(out_cap.pkts[i]));
		CU_ASSERT(rte_pktmbuf_pkt_len(out_cap.pkts[i]) <= 14 + 20 + 20 + 1448);
		CU_ASSERT_EQUAL(vn_meta(out_cap.pkts[i])->tx_if, lan1);
	}
	vt_capture_reset(&out_cap);
	/* Loss too acts per segment: all 7 of a super-frame are lost at drop-fraction 1. */
	cmd_ok("set nsim drop-fraction 1");
	nsim_counters_sum(lan1, NSIM_DIR_OUTPUT, &c0);
	m = super_frame();
	vt_inject(g, NSIM_NODE_OUTPUT, &m, 1);
	nsim_counters_sum(lan1, NSIM_DIR_OUTPUT, &c);
	CU_ASSERT_EQUAL(c.dropped_loss - c0.dropped_loss, 7);
	CU_ASSERT_EQUAL(out_cap.n, 0);
	cmd_ok("nsim output-feature enable-disable lan1 disable");
}

/* --- commands, config, Lua ----------------------------------------------- */

static void
test_cli(void)
{
	const char *s;

	cmd_ok("set nsim delay 10 ms bandwidth 100 mbit packet-size 1000 drop-fraction 0.01 "
	       "reorder-fraction 0.05");
	s = cmd_ok("show nsim");
	CU_ASSERT(has(s, "delay 10ms bandwidth 100mbit packet-size 1000 drop-fraction 0.01 "
			 "reorder-fraction 0.05 buffer 250 (default)"));
	CU_ASSERT(has(cmd_fail("set nsim delay 10 parsecs"), "delay"));
	CU_ASSERT(has(cmd_fail("set nsim bandwidth fast"), "bandwidth"));
	CU_ASSERT(has(cmd_fail("set nsim drop-fraction 2"), "0 to 1"));
	CU_ASSERT(has(cmd_fail("set nsim packets-per-drop 10 drop-fraction 0.1"), "not both"));
	cmd_fail("set nsim");
	cmd_fail("nsim output-feature enable-disable nosuch");
	cmd_fail("nsim input-feature lan0");
	/* A refused change keeps the settings. */
	CU_ASSERT(has(cmd_ok("show nsim"), "delay 10ms bandwidth 100mbit"));
	cmd_ok("set nsim packets-per-drop 100");
	CU_ASSERT(has(cmd_ok("show nsim"), "delay none bandwidth none packet-size 1500 "
					   "packets-per-drop 100"));
}

static int
config_apply(const char *yaml)
{
	struct vn_config cfg;
	int rc = vn_config_load_string("nsim.yaml", yaml, &cfg, NULL);

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

	CU_ASSERT_EQUAL(
	    vn_config_load_string("nsim.yaml", "nsim:\n  delay: 10parsecs\n", &cfg, err), -1);
	CU_ASSERT_EQUAL(
	    vn_config_load_string(
		"nsim.yaml", "nsim:\n  drop-fraction: 0.1\n  packets-per-drop: 5\n", &cfg, err),
	    -1);
	CU_ASSERT_EQUAL(vn_config_load_string("nsim.yaml",
					      "nsim:\n  bandwidth: 1gbit\n  hue: red\n", &cfg, err),
			-1);
	fclose(err);
	CU_ASSERT(has(buf, "nsim.yaml:2:10: "));
	CU_ASSERT(has(buf, "a time such as 10ms"));
	CU_ASSERT(
	    has(buf, "nsim.yaml:3:21: nsim: give packets-per-drop or drop-fraction, not both"));
	CU_ASSERT(has(buf, "nsim.yaml:3:3: "));
	free(buf);

	CU_ASSERT_EQUAL(config_apply("nsim:\n"
				     "  delay: 5ms\n"
				     "  bandwidth: 1gbit\n"
				     "  drop-fraction: 0.02\n"
				     "  input: [lan0]\n"
				     "  output: [lan0]\n"),
			0);
	CU_ASSERT(has(cmd_ok("show nsim"), "delay 5ms bandwidth 1gbit packet-size 1500 "
					   "drop-fraction 0.02"));
	CU_ASSERT(nsim_enabled(lan0, NSIM_DIR_INPUT) && nsim_enabled(lan0, NSIM_DIR_OUTPUT));
	CU_ASSERT(config_apply("nsim:\n  output: [nosuch]\n") < 0);

	cmd_ok("lua eval vecnet.nsim_set{delay = '2ms', reorder_fraction = 0.1}");
	CU_ASSERT(has(cmd_ok("show nsim"), "delay 2ms bandwidth none"));
	cmd_ok("lua eval vecnet.nsim_enable('lan0', 'output', false)");
	CU_ASSERT(!nsim_enabled(lan0, NSIM_DIR_OUTPUT));
	CU_ASSERT(has(cmd_ok("lua eval return vecnet.nsim_counters('lan0', 'input').held"), "0"));
	CU_ASSERT_EQUAL(cmd("lua eval vecnet.nsim_set{delay = 'soon'}"), -1);
	CU_ASSERT_EQUAL(cmd("lua eval vecnet.nsim_enable('lan0', 'sideways')"), -1);
	cmd_ok("lua eval vecnet.nsim_enable('lan0', 'input', false)");
	cmd_ok("set nsim delay 0");
}

int
main(void)
{
	CU_TestInfo tests[] = {
		{"graph with capture nodes", test_graph_setup},
		{"time, bandwidth and fraction parsers", test_parse},
		{"settings to TSC cycles and thresholds", test_params_arithmetic},
		{"output feature on both IP output arcs", test_output_both_families},
		{"delay: release order and timing", test_delay_order_and_timing},
		{"loss: drop-fraction and packets-per-drop statistics", test_loss_statistics},
		{"reordering", test_reorder},
		{"bandwidth: packets queue behind each other", test_bandwidth_pacing},
		{"buffer full drops by name", test_buffer_full},
		{"disabling frees held packets", test_disable_frees_held},
		{"graph teardown frees held packets", test_teardown_frees_held},
		{"GSO super-frames are cut, impaired per segment", test_super_frame_cut},
		{"a graph made later gets its wheel", test_later_graph_gets_wheel},
		{"deleting an interface frees what it holds", test_interface_delete_frees_held},
		{"input feature releases to ethernet-input", test_input_feature},
		{"set nsim and show nsim", test_cli},
		{"config section and Lua", test_config_and_lua},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"nsim", suite_init, suite_fini, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return vn_test_run(suites);
}
