/*
 * The engine the harnesses fuzz (fuzz_engine.h). Ports are DPDK ring ports
 * (rte_eth_from_rings) with separate RX and TX rings: the harness enqueues a
 * frame on the RX ring, port-rx polls it as from a NIC, and whatever port-tx
 * sends lands on the TX ring, where the harness frees it. So a frame goes
 * through every node between the two ports, as in the engine.
 */
#define _GNU_SOURCE
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vecnet/buffer.h>
#include <vecnet/cli.h>
#include <vecnet/common.h>
#include <vecnet/handoff.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/rcu.h>

#include "core/graph_priv.h"
#include "core/lua_priv.h"
#include "core/plugin_priv.h"
#include "core/rcu_priv.h"
#include "core/worker_priv.h"
#include "net/pcap_priv.h"
#include "net/port_priv.h"
#include "fuzz_engine.h"

#define VF_POOL 1023 /* small: a leak of one mbuf per input shows at once */
#define VF_RING 1024

struct vn_graph *vf_graph;
struct vn_cli_out *vf_out;
static struct rte_ring *rx_ring[2], *tx_ring[2];
static char sandbox[64];

/* The configuration that makes every node reachable (see fuzz_engine.h). */
static const char *const setup[] = {
	"set interface ip address lan0 10.0.1.1/24",
	"set interface ip address wan0 192.168.100.1/24",
	"set interface state lan0 up",
	"set interface state wan0 up",
	"set ip neighbor lan0 10.0.1.2 02:00:00:00:01:02 static",
	"set ip neighbor wan0 192.168.100.2 02:00:00:00:02:02 static",
	"ip route add 0.0.0.0/0 via 192.168.100.2 wan0",
	"ip route add 198.51.100.0/24 via 10.0.1.9 lan0", /* incomplete: ip4-arp */
	/* Packets to it are dropped, not held while ARP resolves: the check after
	 * each input wants every mbuf back in the pool. */
	"set ip neighbor-config queue-length 0",
	"ip route add 203.0.113.0/24 via drop",
	"ip route add 172.16.0.0/16 via 10.0.1.2 lan0 via 192.168.100.2 wan0", /* ECMP */
	"nat44 add address 192.168.100.100",
	"set interface nat44 in lan0 out wan0",
	"nat44 add static mapping tcp local 10.0.1.2 80 external 192.168.100.100 8080",
	"set acl-plugin acl permit+reflect src 10.0.1.0/24, deny proto 17 dport 7-7, permit",
	"set acl-plugin interface lan0 input acl 0",
	"set acl-plugin acl deny proto 6 dport 23-23, permit",
	"set acl-plugin interface wan0 output acl 1",
	/* IPv6 as deep as IPv4: addresses (usable at once, no DAD: nothing runs
	 * its timers here), static neighbours, routes of every kind, ACLs. */
	"set ip neighbor-config dad-transmits 0",
	"set interface ip address lan0 2001:db8:1::1/64",
	"set interface ip address wan0 2001:db8:100::1/64",
	"set ip neighbor lan0 2001:db8:1::2 02:00:00:00:01:02 static",
	"set ip neighbor wan0 2001:db8:100::2 02:00:00:00:02:02 static",
	/* A default route in two halves: rte_lpm6 refuses depth 0, so ::/0
	 * cannot be added in this tree (fib6.c, being rewritten). */
	"ip route add ::/1 via 2001:db8:100::2 wan0",
	"ip route add 8000::/1 via 2001:db8:100::2 wan0",
	"ip route add 2001:db8:5100::/48 via 2001:db8:1::9 lan0", /* incomplete: ip6-glean */
	"ip route add 2001:db8:dead::/48 via drop",
	"ip route add 2001:db8:ec::/48 via 2001:db8:1::2 lan0 via 2001:db8:100::2 wan0",
	"set acl-plugin acl permit+reflect src 2001:db8:1::/64, deny ipv6 proto 17 dport 7-7, "
	"permit ipv6",
	"set acl-plugin interface lan0 input acl 2",
	"set acl-plugin acl deny ipv6 proto 6 dport 23-23, permit ipv6",
	"set acl-plugin interface wan0 output acl 3",
	/* A dot1q sub-interface (index 2) with both families and ACLs both ways:
	 * tagged frames in, tagged rewrites out past the output ACL. */
	"create sub-interfaces wan0 100",
	"set interface ip address wan0.100 10.0.100.1/24",
	"set interface ip address wan0.100 2001:db8:64::1/64",
	"set interface state wan0.100 up",
	"set ip neighbor wan0.100 10.0.100.2 02:00:00:00:03:02 static",
	"set ip neighbor wan0.100 2001:db8:64::2 02:00:00:00:03:02 static",
	"ip route add 10.100.0.0/16 via 10.0.100.2 wan0.100",
	"ip route add 2001:db8:6400::/40 via 2001:db8:64::2 wan0.100",
	"set acl-plugin acl deny proto icmp icmp-type 8, deny proto icmp6 icmp-type 128, permit, "
	"permit ipv6",
	"set acl-plugin interface wan0.100 output acl 4",
	"set acl-plugin interface wan0.100 input acl 1",
	"sample set protocol 132",
	"set interface feature lan0 sample-filter arc ip4-unicast",
	"set interface feature wan0 sample-filter arc ip4-unicast",
	NULL,
};

void
vf_plugins_load(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	/* By name: the script drives these three, and plugins added later
	 * (host-stack apps, nsim) must not change what a corpus input does. */
	static char *names[] = {"nat44", "acl", "sample"};

	if (vn_plugins_load(VF_PLUGIN_DIR, false, names, 3) != 3) {
		fprintf(stderr, "fuzz: the three plugins did not load from %s\n", VF_PLUGIN_DIR);
		abort();
	}
}

int
vf_cli(const char *line, bool must_succeed)
{
	int rc;

	vn_cli_out_reset(vf_out);
	rc = vn_cli_execute(line, vf_out);
	if (rc < 0 && must_succeed) {
		fprintf(stderr, "fuzz set-up: '%s' failed: %s\n", line,
			vn_cli_out_errmsg(vf_out) ?: "?");
		abort();
	}
	return rc;
}

static void
make_port(uint32_t i, const char *ifname)
{
	char name[32], dev[48];
	uint32_t ifi;

	snprintf(name, sizeof(name), "vf_rx%u", i);
	rx_ring[i] = rte_ring_create(name, VF_RING, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "vf_tx%u", i);
	tx_ring[i] = rte_ring_create(name, VF_RING, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "fz%u", i);
	if (!rx_ring[i] || !tx_ring[i] ||
	    rte_eth_from_rings(name, &rx_ring[i], 1, &tx_ring[i], 1, SOCKET_ID_ANY) < 0) {
		fprintf(stderr, "fuzz: cannot create ring port %s\n", name);
		abort();
	}
	snprintf(dev, sizeof(dev), "net_ring_%s", name);
	if (vn_interface_create(ifname, dev, 1, 1500, &ifi) < 0 || ifi != i) {
		fprintf(stderr, "fuzz: cannot create interface %s on %s\n", ifname, dev);
		abort();
	}
}

/* A TCP SYN from inside to a server outside: a NAT44 session and a reflexive
 * ACL session exist before the first input. */
static void
seed_sessions(void)
{
	static const uint8_t syn[] = {
		0x02, 0, 0, 0, 0xf0, 0, 0x02, 0, 0, 0, 1, 2, 0x08, 0x00, /* eth */
		0x45, 0, 0, 40, 0x12, 0x34, 0, 0, 64, 6, 0, 0, /* ip, cksum 0 */
		10, 0, 1, 2, 8, 8, 8, 8,
		0x30, 0x39, 0, 80, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
	};
	uint8_t f[sizeof(syn)];
	struct vn_interface *lan = vn_interface_get(VF_LAN);

	memcpy(f, syn, sizeof(f));
	memcpy(f, lan->mac, 6);
	vf_rx(VF_LAN, f, sizeof(f));
	vf_run();
}

const char *
vf_sandbox(void)
{
	return sandbox;
}

void
vf_engine_init(void)
{
	static const uint32_t fwd[1] = {0};
	char prefix[48];
	/* A prefix of its own: harnesses run side by side (ctest -j, make fuzz). */
	char *argv[] = {"vn_fuzz", "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
			"--file-prefix", prefix, "--log-level", "error", "-l", "0", NULL};

	if (vf_graph != NULL)
		return;
	snprintf(prefix, sizeof(prefix), "vn-fuzz-%d", (int)getpid());
	vn_log_level = getenv("VF_VERBOSE") ? VN_LOG_DEBUG : VN_LOG_ERROR;
	/* Files commands write (pcap, exec) stay in a directory of their own. */
	snprintf(sandbox, sizeof(sandbox), "/tmp/vn-fuzz-XXXXXX");
	if (mkdtemp(sandbox) == NULL || chdir(sandbox) < 0)
		abort();
	vf_plugins_load();
	if (rte_eal_init(VN_ARRAY_LEN(argv) - 1, argv) < 0)
		abort();
	vn_pktmbuf_pool = rte_pktmbuf_pool_create("vn_fuzz_pool", VF_POOL, 0, VN_BUF_PRIV_SIZE,
						  RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	vf_out = vn_cli_out_new();
	if (!vn_pktmbuf_pool || !vf_out || vn_rcu_init(VN_THREAD_MAX) < 0 ||
	    vn_fib_init(1u << 12) < 0 || vn_neighbor_init() < 0)
		abort();
	vn_engine.n_fwd = 1;
	vn_engine.fwd_thread[0] = 0;
	vn_port_set_tx_queues(1);
	vn_plugins_init();
	make_port(VF_LAN, "lan0");
	make_port(VF_WAN, "wan0");
	if (vn_rxq_place(1, fwd) < 0 || vn_graph_build() < 0 || vn_handoff_init(1, fwd) < 0)
		abort();
	vf_graph = vn_graph_create(0);
	if (vf_graph == NULL)
		abort();
	vn_graph_set_self(vf_graph);
	/* A runaway script costs the fuzzer a fraction of a second, not 30 s. */
	vn_lua_set_limits(2000000, 200, 64u << 20);
	for (const char *const *l = setup; *l; l++)
		vf_cli(*l, true);
	seed_sessions();
	vf_check_buffers("set-up");
}

void
vf_rx(uint32_t if_index, const uint8_t *data, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(vn_pktmbuf_pool);
	char *p;

	if (m == NULL)
		abort(); /* the pool is full between inputs: a leak */
	if (len > rte_pktmbuf_tailroom(m))
		len = rte_pktmbuf_tailroom(m);
	p = rte_pktmbuf_append(m, len);
	memcpy(p, data, len);
	if (rte_ring_sp_enqueue(rx_ring[if_index], m) != 0)
		rte_pktmbuf_free(m);
}

uint32_t
vf_run(void)
{
	uint32_t n_sent = 0;
	void *m;

	/* A few idle walks: port-rx may need a poll more than the ring holds.
	 * Then the main thread's control work: learned neighbours and the
	 * neighbour timers, whose probes (NUD, once a learned neighbour has
	 * aged: seconds into a run) wait in control-inject for the next walks,
	 * which send them before the pool is counted. */
	for (int pass = 0; pass < 2; pass++) {
		for (int idle = 0, walks = 0; idle < 2 && walks < 64; walks++)
			idle = vn_graph_run_once(vf_graph) ? 0 : idle + 1;
		if (pass == 0)
			vn_neighbor_process_learned();
	}
	vn_pcap_poll();
	for (uint32_t i = 0; i < 2; i++)
		while (rte_ring_sc_dequeue(tx_ring[i], &m) == 0) {
			rte_pktmbuf_free(m);
			n_sent++;
		}
	return n_sent;
}

void
vf_check_buffers(const char *after)
{
	unsigned avail = rte_mempool_avail_count(vn_pktmbuf_pool);

	if (avail != vn_pktmbuf_pool->size) {
		fprintf(stderr, "fuzz: after %s, %u of %u mbufs are back in the pool\n", after,
			avail, vn_pktmbuf_pool->size);
		abort();
	}
}
