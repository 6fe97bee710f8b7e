/* pcap capture, the main thread's side (net/pcap.c, docs/pcap.md). */
#ifndef VN_PCAP_PRIV_H
#define VN_PCAP_PRIV_H

#include <vecnet/net/pcap.h>

#define VN_PCAP_KINDS 0x7
#define VN_PCAP_SESSION_SHIFT 8 /* state = session << 8 | kinds */
#define VN_PCAP_SNAPLEN 2048
#define VN_PCAP_DEFAULT_FILE "/tmp/vecnet.pcapng"
#define VN_PCAP_DEFAULT_MAX 10000

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
