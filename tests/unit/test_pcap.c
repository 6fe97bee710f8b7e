/*
 * pcap capture: the pcapng file the main thread writes from worker copies
 * (SHB, one IDB per interface with its name, EPBs with comments), a drop at
 * L3 given back its Ethernet header, capture stopping by itself at max, and
 * tshark reading the result when it is installed.
 */
#include <rte_ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/rcu.h>

#include "net/pcap_priv.h"
#include "vn_test.h"
#include "vn_test_graph.h"

#define CAP_FILE "/tmp/vn_test_pcap.pcapng"
#define VN_PCAP_POOL_MAX 65536 /* more than the capture pool holds */

static uint32_t if_a;

struct blocks {
	uint32_t n_shb, n_idb, n_epb;
	uint32_t epb_caplen[16];
	uint8_t epb_data[16][64];
	char text[8192]; /* every option string, separated by '|' */
};

static void
read_blocks(struct blocks *b)
{
	static uint8_t buf[1 << 16];
	FILE *f = fopen(CAP_FILE, "rb");
	size_t len, off = 0;

	memset(b, 0, sizeof(*b));
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	while (off + 12 <= len) {
		uint32_t type, blen, opt = 0, end;
		memcpy(&type, buf + off, 4);
		memcpy(&blen, buf + off + 4, 4);
		CU_ASSERT_FATAL(blen % 4 == 0 && blen >= 12 && off + blen <= len);
		end = off + blen - 4;
		if (type == 0x0A0D0D0A) {
			b->n_shb++;
			opt = off + 24;
		} else if (type == 1) {
			b->n_idb++;
			opt = off + 16;
		} else if (type == 6) {
			uint32_t cap;
			memcpy(&cap, buf + off + 20, 4);
			if (b->n_epb < 16) {
				b->epb_caplen[b->n_epb] = cap;
				memcpy(b->epb_data[b->n_epb], buf + off + 28, RTE_MIN(cap, 64u));
			}
			b->n_epb++;
			opt = off + 28 + RTE_ALIGN(cap, 4);
		}
		while (opt && opt + 4 <= end) {
			uint16_t code, olen;
			memcpy(&code, buf + opt, 2);
			memcpy(&olen, buf + opt + 2, 2);
			if (code == 0)
				break;
			if (code == 1 || code == 2 || code == 4) { /* strings (and flags) */
				size_t t = strlen(b->text);
				snprintf(b->text + t, sizeof(b->text) - t, "%.*s|", olen, buf + opt + 4);
			}
			opt += 4 + RTE_ALIGN(olen, 4);
		}
		off += blen;
	}
}

static struct rte_mbuf *
ip4_pkt(uint16_t rx_if)
{
	struct rte_mbuf *m = vt_pkt(28, rx_if);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	*ip = (struct rte_ipv4_hdr){.version_ihl = 0x45, .total_length = rte_cpu_to_be_16(28),
				    .time_to_live = 64, .next_proto_id = IPPROTO_UDP};
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

static int
suite_init(void)
{
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};

	if (vn_test_eal_init() < 0 || vn_rcu_init(4) < 0 || vn_fib_init(1024) < 0 ||
	    vn_neighbor_init() < 0 || vn_interface_create_virtual("cap0", mac, 1500, &if_a) < 0 ||
	    vn_graph_build() < 0)
		return -1;
	return 0;
}

static int
suite_fini(void)
{
	vn_pcap_fini();
	unlink(CAP_FILE);
	return 0;
}

static void
test_rx_and_drop(void)
{
	struct rte_mbuf *rx[2] = {vt_pkt(60, if_a), vt_pkt(70, if_a)};
	struct rte_mbuf *drop = ip4_pkt(if_a);
	struct vn_pcap_status st;
	struct blocks b;

	CU_ASSERT_EQUAL_FATAL(vn_pcap_start(VN_PCAP_RX | VN_PCAP_DROP, 100, CAP_FILE), 0);
	CU_ASSERT_EQUAL(vn_pcap_start(VN_PCAP_RX, 100, CAP_FILE), -EBUSY);
	vn_buf(drop)->error = vt_err("ip4-input", "bad IPv4 header length");
	vn_pcap_hook(VN_PCAP_RX, rx, 2);
	vn_pcap_hook(VN_PCAP_TX, rx, 2); /* not asked for: nothing */
	vn_pcap_hook(VN_PCAP_DROP, &drop, 1);
	vn_pcap_poll();
	CU_ASSERT_EQUAL(vn_pcap_stop(&st), 0);
	CU_ASSERT_EQUAL(st.n_written, 3);
	CU_ASSERT_EQUAL(st.n_lost, 0);
	rte_pktmbuf_free_bulk(rx, 2);
	rte_pktmbuf_free(drop);
	CU_ASSERT_EQUAL(vn_pcap_stop(NULL), -ENOENT);

	read_blocks(&b);
	CU_ASSERT_EQUAL(b.n_shb, 1);
	CU_ASSERT_EQUAL(b.n_idb, 1); /* one interface seen */
	CU_ASSERT_EQUAL(b.n_epb, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.text, "|cap0|"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.text, "|rx cap0|"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(b.text, "|drop cap0: ip4-input: bad IPv4 header length|"));
	CU_ASSERT_EQUAL(b.epb_caplen[0], 60);
	/* The L3 drop got an Ethernet header (IPv4 ethertype) in front of it. */
	CU_ASSERT_EQUAL(b.epb_caplen[2], 14 + 28);
	CU_ASSERT_EQUAL(b.epb_data[2][12], 0x08);
	CU_ASSERT_EQUAL(b.epb_data[2][13], 0x00);
	CU_ASSERT_EQUAL(b.epb_data[2][14], 0x45);
	if (system("command -v tshark >/dev/null 2>&1") == 0)
		CU_ASSERT_EQUAL(system("tshark -r " CAP_FILE " >/dev/null 2>&1"), 0);
}

static void
test_stops_at_max(void)
{
	struct rte_mbuf *rx[3] = {vt_pkt(60, if_a), vt_pkt(60, if_a), vt_pkt(60, if_a)};
	struct vn_pcap_status st;

	CU_ASSERT_EQUAL_FATAL(vn_pcap_start(VN_PCAP_RX, 2, CAP_FILE), 0);
	vn_pcap_hook(VN_PCAP_RX, rx, 3);
	vn_pcap_hook(VN_PCAP_RX, rx, 1); /* over max: turns capture off */
	CU_ASSERT_EQUAL(vn_pcap_state & VN_PCAP_KINDS, 0);
	vn_pcap_poll(); /* writes the rest and closes by itself */
	vn_pcap_status(&st);
	CU_ASSERT_FALSE(st.is_open);
	CU_ASSERT_TRUE(st.max_reached);
	CU_ASSERT_EQUAL(st.n_written, 2);
	rte_pktmbuf_free_bulk(rx, 3);
}

/*
 * The capture pool empty (workers copy faster than the main thread writes):
 * each copy that finds no buffer is lost and counted, forwarding is not
 * touched, and capture resumes as soon as buffers return.
 */
static void
test_pool_empty_counted(void)
{
	struct rte_mbuf *rx[3] = {vt_pkt(60, if_a), vt_pkt(60, if_a), vt_pkt(60, if_a)};
	static struct rte_mbuf *hoard[VN_PCAP_POOL_MAX];
	struct rte_mempool *mp;
	struct vn_pcap_status st;
	uint32_t n = 0;

	CU_ASSERT_EQUAL_FATAL(vn_pcap_start(VN_PCAP_RX, 100, CAP_FILE), 0);
	mp = rte_mempool_lookup("vn_pcap");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	while (n < VN_PCAP_POOL_MAX && (hoard[n] = rte_pktmbuf_alloc(mp)))
		n++;
	CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), 0);
	vn_pcap_hook(VN_PCAP_RX, rx, 3);
	vn_pcap_poll();
	vn_pcap_status(&st);
	CU_ASSERT_EQUAL(st.n_lost, 3);
	CU_ASSERT_EQUAL(st.n_written, 0);
	CU_ASSERT_TRUE(st.is_open);
	rte_pktmbuf_free_bulk(hoard, n);
	vn_pcap_hook(VN_PCAP_RX, rx, 2);
	vn_pcap_poll();
	CU_ASSERT_EQUAL(vn_pcap_stop(&st), 0);
	CU_ASSERT_EQUAL(st.n_written, 2);
	CU_ASSERT_EQUAL(st.n_lost, 3);
	/* The packets themselves are the caller's, untouched. */
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(rte_mbuf_refcnt_read(rx[i]), 1);
	rte_pktmbuf_free_bulk(rx, 3);
}

int
main(void)
{
	static CU_TestInfo tests[] = {
		{"rx and an L3 drop into pcapng", test_rx_and_drop},
		{"capture stops by itself at max", test_stops_at_max},
		{"capture pool empty: copies lost, counted, capture resumes", test_pool_empty_counted},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"pcap", suite_init, suite_fini, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
