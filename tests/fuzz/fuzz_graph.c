/*
 * Frames into the whole graph, port to port (fuzz_engine.h), with NAT44,
 * ACL and the sample filter on both interfaces. After each input every mbuf
 * must be back in the pool: the graph is walked until idle, what the ports
 * sent is freed, and nothing else may hold a packet.
 *
 * Input: a sequence of records [ctl][len][frame bytes], up to 64 frames.
 *   ctl bit 0: the interface (lan0, wan0)
 *   ctl bit 1: overwrite the destination MAC with the interface's own (so
 *              the fuzzer need not find it to get past ethernet-input)
 *   ctl bit 3: overwrite the IPv6 destination of an untagged frame (bytes
 *              38-53) with the interface's link-local address (made from
 *              the port's MAC, which seeds cannot know)
 *   len: frame length (one byte, x 8 when ctl bit 2 is set), cut to what remains
 * Built with VF_TRACE (fuzz_trace): the same with `trace add port-rx` and a
 * pcap capture of rx, tx and drop always on, `show trace` after each input,
 * so the trace formatters and the pcapng writer see every frame.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <vecnet/cli.h>
#include <vecnet/net/interface.h>

#include "fuzz_engine.h"

#define VF_MAX_FRAMES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	vf_engine_init();
#ifdef VF_TRACE
	vf_cli("pcap trace rx tx drop max 1000000 file fuzz.pcapng", true);
#endif
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	uint32_t n = 0;
#ifdef VF_TRACE
	static uint32_t n_inputs;

	vf_cli("trace add port-rx 256", true);
#endif
	while (off + 2 <= size && n < VF_MAX_FRAMES) {
		uint8_t ctl = data[off];
		size_t len = data[off + 1] * (ctl & 4 ? 8u : 1u);
		uint8_t frame[2048];
		uint32_t ifi = ctl & 1 ? VF_WAN : VF_LAN;

		off += 2;
		if (len > size - off)
			len = size - off;
		if (len > sizeof(frame))
			len = sizeof(frame);
		memcpy(frame, data + off, len);
		off += len;
		if (ctl & 2 && len >= 6)
			memcpy(frame, vn_interface_get(ifi)->mac, 6);
		if (ctl & 8 && len >= 54)
			memcpy(frame + 38, &vn_if_fp(ifi)->ll6, 16);
		vf_rx(ifi, frame, len);
		n++;
	}
	vf_run();
#ifdef VF_TRACE
	vf_cli("show trace", true);
	vf_cli("clear trace", true);
	/* A fresh file now and then, so it does not grow without end. */
	if (++n_inputs % 4096 == 0) {
		vf_cli("pcap trace off", true);
		vf_cli("pcap trace rx tx drop max 1000000 file fuzz.pcapng", true);
	}
	vf_run();
#endif
	vf_check_buffers("a graph input");
	return 0;
}
