/*
 * pcap capture points. port-rx (rx), port-tx (tx) and error-drop (drop), or a
 * plugin's own device nodes, call vn_pcap_hook(): it copies packets into a
 * small dedicated pool and posts them to an MP/SC ring; the main thread drains
 * the ring and writes pcapng (docs/pcap.md). Workers never do file I/O.
 *
 * Off costs one relaxed load per vector at each capture point.
 */
#ifndef VECNET_NET_PCAP_H
#define VECNET_NET_PCAP_H

#include <rte_mbuf.h>
#include <vecnet/common.h>

#define VN_PCAP_RX 0x1
#define VN_PCAP_TX 0x2
#define VN_PCAP_DROP 0x4

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

#endif
