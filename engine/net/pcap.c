/*
 * pcap capture to pcapng.
 *
 * Workers copy (at most VN_PCAP_SNAPLEN bytes) into a dedicated pool and post
 * the copies to an MP/SC ring; the main thread writes the file. We write the
 * pcapng blocks ourselves rather than with rte_pcapng: DPDK 22.11's
 * rte_pcapng_copy() takes no comment, and the comment (interface, and for a
 * drop the node and reason) is the point of the capture; SHB, IDB and EPB are
 * a few dozen lines (docs/pcap.md).
 *
 * Sessions: vn_pcap_state holds the capture kinds and a session number. A
 * worker that read the state just before `pcap trace off` may still post a
 * copy; it carries its session, and copies of any other session than the open
 * one are freed unwritten.
 */
#define VN_LOG_MOD "pcap"
#include <errno.h>
#include <inttypes.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <vecnet/net/interface.h>

#include "net/pcap_priv.h"

#define VN_PCAP_POOL 2047
#define VN_PCAP_RING 2048
#define VN_PCAP_PREFIX 14 /* drops: headroom bytes copied before the data */
#define VN_PCAP_IDB_LOCAL VN_IF_MAX /* packets with no interface */

/* In the private area of each copy. */
struct vn_pcap_hdr {
	uint64_t tsc;
	uint32_t orig_len;
	uint32_t session;
	uint16_t if_index;
	uint16_t error;
	uint8_t kind;
	uint8_t has_prefix;
};

uint32_t vn_pcap_state;

static struct {
	struct rte_mempool *pool;
	struct rte_ring *ring;
	FILE *f;
	uint32_t session, kinds, max;
	uint64_t n_taken; /* reserved by workers (atomic) */
	uint64_t n_lost; /* atomic */
	uint64_t n_written;
	bool max_reached;
	char path[256];
	int32_t idb[VN_IF_MAX + 1]; /* pcapng interface id, -1 = not written yet */
	uint32_t n_idb;
	uint64_t wall_ns0, tsc0;
	struct vn_pcap_status last; /* of the last closed file */
} pcap;

/* --- worker side ---------------------------------------------------------- */

void
vn_pcap_capture(uint32_t state, uint32_t kind, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *copies[VN_FRAME_SIZE];
	uint64_t taken, max = pcap.max;
	uint16_t k = 0, posted;

	n = RTE_MIN(n, VN_FRAME_SIZE);
	taken = __atomic_fetch_add(&pcap.n_taken, n, __ATOMIC_RELAXED);
	if (taken >= max) {
		/* Done: stop every capture point of this session. */
		__atomic_compare_exchange_n(&vn_pcap_state, &state, state & ~VN_PCAP_KINDS, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
		return;
	}
	n = RTE_MIN(n, max - taken);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i], *c = rte_pktmbuf_alloc(pcap.pool);
		const struct vn_meta *md = vn_meta(m);
		struct vn_pcap_hdr *h;
		uint32_t len = RTE_MIN(rte_pktmbuf_pkt_len(m), VN_PCAP_SNAPLEN);
		uint16_t pre = 0;
		uint8_t *dst;

		if (unlikely(!c)) {
			__atomic_fetch_add(&pcap.n_lost, 1, __ATOMIC_RELAXED);
			continue;
		}
		h = rte_mbuf_to_priv(c);
		*h = (struct vn_pcap_hdr){
			.tsc = rte_rdtsc(),
			.orig_len = rte_pktmbuf_pkt_len(m),
			.session = state >> VN_PCAP_SESSION_SHIFT,
			.if_index = kind == VN_PCAP_TX ? md->tx_if : md->rx_if,
			.error = vn_buf(m)->error,
			.kind = kind,
		};
		/* A drop may sit at L3 with its Ethernet header still in the headroom:
		 * keep those bytes, the writer decides (it knows the dropping node). */
		if (kind == VN_PCAP_DROP && m->data_off >= VN_PCAP_PREFIX) {
			pre = VN_PCAP_PREFIX;
			h->has_prefix = 1;
		}
		dst = (uint8_t *)rte_pktmbuf_append(c, pre + len);
		if (pre)
			memcpy(dst, rte_pktmbuf_mtod_offset(m, uint8_t *, -VN_PCAP_PREFIX), pre);
		const void *src = rte_pktmbuf_read(m, 0, len, dst + pre);
		if (src != dst + pre)
			memcpy(dst + pre, src, len);
		copies[k++] = c;
	}
	posted = rte_ring_mp_enqueue_burst(pcap.ring, (void **)copies, k, NULL);
	if (unlikely(posted < k)) {
		__atomic_fetch_add(&pcap.n_lost, k - posted, __ATOMIC_RELAXED);
		rte_pktmbuf_free_bulk(copies + posted, k - posted);
	}
}

/* --- pcapng writer -------------------------------------------------------- */

#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 0x00000001u
#define PCAPNG_EPB 0x00000006u
#define PCAPNG_LINKTYPE_ETHERNET 1
#define PCAPNG_OPT_END 0
#define PCAPNG_OPT_COMMENT 1
#define PCAPNG_SHB_USERAPPL 4
#define PCAPNG_IF_NAME 2
#define PCAPNG_IF_TSRESOL 9
#define PCAPNG_EPB_FLAGS 2

static uint8_t blk[VN_PCAP_SNAPLEN + 1024];

struct blk_buf {
	uint32_t off;
};

static void
put(struct blk_buf *b, const void *p, uint32_t len)
{
	memcpy(blk + b->off, p, len);
	b->off += len;
	while (b->off & 3)
		blk[b->off++] = 0;
}

static void
put32(struct blk_buf *b, uint32_t v)
{
	put(b, &v, 4);
}

static void
put_opt(struct blk_buf *b, uint16_t code, const void *p, uint16_t len)
{
	uint16_t hdr[2] = {code, len};

	memcpy(blk + b->off, hdr, 4);
	b->off += 4;
	if (len)
		put(b, p, len);
}

/* Closes the block started at 0 (type and length placeholder) and writes it. */
static int
blk_write(struct blk_buf *b)
{
	uint32_t total = b->off + 4;

	memcpy(blk + 4, &total, 4);
	put32(b, total);
	return fwrite(blk, 1, b->off, pcap.f) == b->off ? 0 : -EIO;
}

static int
write_shb(void)
{
	struct blk_buf b = {0};
	uint32_t magic = 0x1A2B3C4D;
	uint16_t ver[2] = {1, 0};
	int64_t section_len = -1;
	static const char appl[] = "vecnet " VN_VERSION;

	put32(&b, PCAPNG_SHB);
	put32(&b, 0);
	put32(&b, magic);
	put(&b, ver, 4);
	put(&b, &section_len, 8);
	put_opt(&b, PCAPNG_SHB_USERAPPL, appl, sizeof(appl) - 1);
	put_opt(&b, PCAPNG_OPT_END, NULL, 0);
	return blk_write(&b);
}

static int32_t
idb_for(uint16_t if_index)
{
	const struct vn_interface *ifp = if_index < VN_IF_MAX ? vn_interface_get(if_index) : NULL;
	uint32_t slot = ifp ? if_index : VN_PCAP_IDB_LOCAL;
	const char *name = ifp ? ifp->name : "local";
	struct blk_buf b = {0};
	uint16_t link[2] = {PCAPNG_LINKTYPE_ETHERNET, 0};
	uint8_t tsresol = 9; /* nanoseconds */

	if (pcap.idb[slot] >= 0)
		return pcap.idb[slot];
	put32(&b, PCAPNG_IDB);
	put32(&b, 0);
	put(&b, link, 4);
	put32(&b, VN_PCAP_SNAPLEN);
	put_opt(&b, PCAPNG_IF_NAME, name, strlen(name));
	put_opt(&b, PCAPNG_IF_TSRESOL, &tsresol, 1);
	put_opt(&b, PCAPNG_OPT_END, NULL, 0);
	if (blk_write(&b) < 0)
		return -1;
	pcap.idb[slot] = pcap.n_idb++;
	return pcap.idb[slot];
}

static bool
drop_is_l2(const char *node, const uint8_t *d, uint32_t len)
{
	if (strcmp(node, "ethernet-input") == 0 || strcmp(node, "port-rx") == 0 || strcmp(node, "host-input") == 0 ||
	    strcmp(node, "interface-output") == 0 || strcmp(node, "port-tx") == 0 ||
	    strcmp(node, "error-drop") == 0)
		return true;
	if (strncmp(node, "ip4-", 4) == 0 || strcmp(node, "arp-input") == 0)
		return false;
	/* A plugin's node: an IPv4 header checksums to 0xffff, a frame rarely does. */
	return !(len >= 20 && (d[0] >> 4) == 4 && (d[0] & 0xf) >= 5 &&
		 (uint32_t)(d[0] & 0xf) * 4 <= len && rte_raw_cksum(d, (d[0] & 0xf) * 4) == 0xffff);
}

static int
write_epb(struct rte_mbuf *c)
{
	const struct vn_pcap_hdr *h = rte_mbuf_to_priv(c);
	const uint8_t *d = rte_pktmbuf_mtod(c, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(c), orig = h->orig_len;
	const struct vn_interface *ifp = h->if_index < VN_IF_MAX ? vn_interface_get(h->if_index)
								  : NULL;
	struct blk_buf b = {0};
	uint64_t hz = rte_get_tsc_hz(), dt, ts;
	uint8_t l2[VN_PCAP_PREFIX];
	const uint8_t *synth = NULL;
	uint32_t flags = h->kind == VN_PCAP_TX ? 2 : 1; /* outbound : inbound */
	char comment[256];
	int32_t idb = idb_for(h->if_index);

	if (idb < 0)
		return -EIO;
	if (h->kind == VN_PCAP_DROP) {
		const char *reason = NULL;
		const struct vn_node_reg *by = vn_error_node(h->error, &reason);
		const char *node = by ? by->name : "error-drop";
		uint32_t pre = h->has_prefix ? VN_PCAP_PREFIX : 0;

		snprintf(comment, sizeof(comment), "drop %s: %s: %s", ifp ? ifp->name : "local",
			 node, reason ? reason : "dropped without a reason");
		if (!drop_is_l2(node, d + pre, len - pre)) {
			/* L3: the frame it came in, if the headroom still holds it; else a
			 * header with zero MACs so the file keeps one link type. */
			uint16_t et = rte_cpu_to_be_16((d[pre] >> 4) == 4 ? RTE_ETHER_TYPE_IPV4
									  : RTE_ETHER_TYPE_ARP);
			if (!pre || memcmp(d + 12, &et, 2) != 0) {
				memset(l2, 0, sizeof(l2));
				memcpy(l2 + 12, &et, 2);
				synth = l2;
			}
			if (synth || !pre)
				d += pre, len -= pre;
			orig += VN_PCAP_PREFIX;
		} else {
			d += pre;
			len -= pre;
		}
	} else {
		snprintf(comment, sizeof(comment), "%s %s", h->kind == VN_PCAP_TX ? "tx" : "rx",
			 ifp ? ifp->name : "local");
	}
	dt = h->tsc > pcap.tsc0 ? h->tsc - pcap.tsc0 : 0;
	ts = pcap.wall_ns0 + dt / hz * 1000000000ull + dt % hz * 1000000000ull / hz;
	put32(&b, PCAPNG_EPB);
	put32(&b, 0);
	put32(&b, (uint32_t)idb);
	put32(&b, (uint32_t)(ts >> 32));
	put32(&b, (uint32_t)ts);
	put32(&b, len + (synth ? VN_PCAP_PREFIX : 0));
	put32(&b, orig);
	if (synth) {
		memcpy(blk + b.off, synth, VN_PCAP_PREFIX);
		b.off += VN_PCAP_PREFIX;
	}
	put(&b, d, len);
	put_opt(&b, PCAPNG_OPT_COMMENT, comment, strlen(comment));
	put_opt(&b, PCAPNG_EPB_FLAGS, &flags, 4);
	put_opt(&b, PCAPNG_OPT_END, NULL, 0);
	return blk_write(&b);
}

/* --- control --------------------------------------------------------------- */

static void
fill_status(struct vn_pcap_status *st)
{
	*st = (struct vn_pcap_status){
		.is_open = pcap.f != NULL,
		.kinds = __atomic_load_n(&vn_pcap_state, __ATOMIC_RELAXED) & VN_PCAP_KINDS,
		.max = pcap.max,
		.n_written = pcap.n_written,
		.n_lost = __atomic_load_n(&pcap.n_lost, __ATOMIC_RELAXED),
		.max_reached = pcap.max_reached,
	};
	snprintf(st->path, sizeof(st->path), "%s", pcap.path);
}

/* Writes (or, for other sessions, frees) what the ring holds. */
static uint32_t
drain(void)
{
	struct rte_mbuf *c[64];
	uint32_t n, total = 0;

	if (!pcap.ring)
		return 0;
	while ((n = rte_ring_sc_dequeue_burst(pcap.ring, (void **)c, 64, NULL)) > 0) {
		for (uint32_t i = 0; i < n; i++) {
			const struct vn_pcap_hdr *h = rte_mbuf_to_priv(c[i]);
			if (pcap.f && h->session == pcap.session) {
				if (write_epb(c[i]) == 0)
					pcap.n_written++;
				else
					pcap.n_lost++;
			}
		}
		rte_pktmbuf_free_bulk(c, n);
		total += n;
	}
	return total;
}

static void
close_file(void)
{
	drain();
	fill_status(&pcap.last);
	pcap.last.is_open = false;
	if (fclose(pcap.f) != 0)
		VN_ERR("closing %s: %s", pcap.path, strerror(errno));
	pcap.f = NULL;
}

int
vn_pcap_start(uint32_t kinds, uint32_t max, const char *path)
{
	struct timespec now;

	if (pcap.f)
		return -EBUSY;
	if (!pcap.pool) {
		pcap.pool = rte_pktmbuf_pool_create(
			"vn_pcap", VN_PCAP_POOL, 64, RTE_ALIGN(sizeof(struct vn_pcap_hdr), 8),
			RTE_PKTMBUF_HEADROOM + VN_PCAP_PREFIX + VN_PCAP_SNAPLEN, SOCKET_ID_ANY);
		pcap.ring = rte_ring_create("vn_pcap", VN_PCAP_RING, SOCKET_ID_ANY, RING_F_SC_DEQ);
		if (!pcap.pool || !pcap.ring) {
			VN_ERR("cannot create the capture pool and ring");
			rte_ring_free(pcap.ring);
			rte_mempool_free(pcap.pool);
			pcap.ring = NULL;
			pcap.pool = NULL;
			return -ENOMEM;
		}
	}
	drain(); /* stragglers of an earlier session */
	pcap.f = fopen(path, "wb");
	if (!pcap.f)
		return -errno;
	snprintf(pcap.path, sizeof(pcap.path), "%s", path);
	memset(pcap.idb, 0xff, sizeof(pcap.idb));
	pcap.n_idb = 0;
	pcap.n_written = 0;
	pcap.max_reached = false;
	__atomic_store_n(&pcap.n_lost, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&pcap.n_taken, 0, __ATOMIC_RELAXED);
	pcap.max = max;
	pcap.kinds = kinds;
	pcap.session = (pcap.session + 1) & (UINT32_MAX >> VN_PCAP_SESSION_SHIFT);
	clock_gettime(CLOCK_REALTIME, &now);
	pcap.tsc0 = rte_rdtsc();
	pcap.wall_ns0 = (uint64_t)now.tv_sec * 1000000000ull + now.tv_nsec;
	if (write_shb() < 0) {
		fclose(pcap.f);
		pcap.f = NULL;
		return -EIO;
	}
	/* Everything above is visible to a worker that sees the new state. */
	__atomic_store_n(&vn_pcap_state, pcap.session << VN_PCAP_SESSION_SHIFT | kinds,
			 __ATOMIC_RELEASE);
	VN_INFO("capturing%s%s%s into %s, at most %u packets", kinds & VN_PCAP_RX ? " rx" : "",
		kinds & VN_PCAP_TX ? " tx" : "", kinds & VN_PCAP_DROP ? " drop" : "", path, max);
	return 0;
}

int
vn_pcap_stop(struct vn_pcap_status *st)
{
	if (!pcap.f) {
		if (st)
			*st = pcap.last;
		return -ENOENT;
	}
	__atomic_store_n(&vn_pcap_state, pcap.session << VN_PCAP_SESSION_SHIFT, __ATOMIC_RELEASE);
	close_file();
	if (st)
		*st = pcap.last;
	return 0;
}

void
vn_pcap_status(struct vn_pcap_status *st)
{
	if (pcap.f)
		fill_status(st);
	else
		*st = pcap.last;
}

void
vn_pcap_poll(void)
{
	if (likely(!pcap.f))
		return;
	drain();
	/* A worker turned the capture off at max: write the rest and close. */
	if (!(__atomic_load_n(&vn_pcap_state, __ATOMIC_ACQUIRE) & VN_PCAP_KINDS)) {
		pcap.max_reached = true;
		close_file();
		VN_INFO("capture stopped after %u packets (max): %s, %" PRIu64 " written",
			pcap.max, pcap.path, pcap.last.n_written);
	}
}

void
vn_pcap_fini(void)
{
	__atomic_store_n(&vn_pcap_state, 0, __ATOMIC_RELEASE);
	if (pcap.f)
		close_file();
	drain();
	rte_ring_free(pcap.ring);
	rte_mempool_free(pcap.pool);
	pcap.ring = NULL;
	pcap.pool = NULL;
}
