/*
 * pcap capture (engine-private). Capture points in port-rx (rx), port-tx (tx)
 * and error-drop (drop) copy packets into a small dedicated pool and post
 * them to an MP/SC ring; the main thread drains the ring and writes pcapng
 * (engine/pcap.c, docs/pcap.md). Workers never do file I/O.
 *
 * Off costs one relaxed load per vector at each capture point.
 */
#ifndef VN_PCAP_PRIV_H
#define VN_PCAP_PRIV_H

#include <vecnet/graph.h>

#define VN_PCAP_RX 0x1
#define VN_PCAP_TX 0x2
#define VN_PCAP_DROP 0x4
#define VN_PCAP_KINDS 0x7
#define VN_PCAP_SESSION_SHIFT 8 /* state = session << 8 | kinds */
#define VN_PCAP_SNAPLEN 2048
#define VN_PCAP_DEFAULT_FILE "/tmp/vecnet.pcapng"
#define VN_PCAP_DEFAULT_MAX 10000

/* What is captured now, and the capture session the copies belong to. */
extern uint32_t vn_pcap_state;

/* Worker side: copies pkts (kind: one VN_PCAP_* bit) and posts them. */
void vn_pcap_capture(uint32_t state, uint32_t kind, struct rte_mbuf **pkts, uint16_t n);

static inline void
vn_pcap_hook(uint32_t kind, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t st = __atomic_load_n(&vn_pcap_state, __ATOMIC_RELAXED);

	if (unlikely(st & kind))
		vn_pcap_capture(st, kind, pkts, n);
}

/* --- main thread ---------------------------------------------------------- */
struct vn_pcap_status {
	bool is_open; /* a file is being written */
	uint32_t kinds; /* still capturing (0 once max is reached) */
	uint32_t max;
	char path[256];
	uint64_t n_written; /* packets in the file */
	uint64_t n_lost; /* copies refused: pool or ring full */
	bool max_reached;
};

/* Opens path (pcapng) and starts capturing kinds, at most max packets.
 * -EBUSY if a capture is running, -errno of fopen, -ENOMEM. */
int vn_pcap_start(uint32_t kinds, uint32_t max, const char *path);
/* Stops, writes what is queued and closes the file; -ENOENT if none open. */
int vn_pcap_stop(struct vn_pcap_status *st);
void vn_pcap_status(struct vn_pcap_status *st);
/* Drains the ring into the file; closes it by itself once max is reached.
 * Called from the main loop; returns at once when no file is open. */
void vn_pcap_poll(void);
/* At shutdown, after the workers stopped. */
void vn_pcap_fini(void);

#endif
