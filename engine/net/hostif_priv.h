/*
 * Host interfaces: vecnet's own AF_PACKET driver (VPP's host-interface). One
 * socket per RX queue (a fanout group when there are several) and one per TX
 * queue, each with a TPACKET_V2 ring mapped into the engine, and
 * PACKET_VNET_HDR on all of them: the kernel says in a virtio-net header
 * which frames carry a partial checksum and which are GSO super-frames, and
 * the RX path completes the one and segments the other (hostif_rx.c), so the
 * graph only ever sees ordinary, correct frames. DPDK 22.11's net_af_packet
 * reads no such header, which is why TCP through it fails with Linux's
 * default veth offloads (docs/interfaces.md).
 */
#ifndef VN_HOSTIF_PRIV_H
#define VN_HOSTIF_PRIV_H

#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <vecnet/net/port.h>

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

/*
 * RX slots hold a whole GSO super-frame (64 KiB plus headers): a frame larger
 * than its slot would be cut short, and a cut frame is counted and dropped,
 * never forwarded. The kernel allocates each block as a power-of-two number
 * of pages; 512 KiB blocks hold 7 such slots with little waste.
 */
#define HOSTIF_RX_FRAME_SIZE (17 * 4096)
#define HOSTIF_RX_BLOCK_SIZE (128 * 4096)
#define HOSTIF_RX_BLOCKS 37 /* 259 slots, 18.5 MiB per RX queue */
/* TX slots hold a passed-through super-frame too: the RX layout. */
#define HOSTIF_TX_FRAME_SIZE HOSTIF_RX_FRAME_SIZE
#define HOSTIF_TX_BLOCK_SIZE HOSTIF_RX_BLOCK_SIZE
#define HOSTIF_TX_BLOCKS HOSTIF_RX_BLOCKS

struct hostif_ring {
	uint8_t *map;
	size_t map_len;
	uint32_t frame_size;
	uint32_t frames_per_block, block_size;
	uint32_t n_frames;
	uint32_t head; /* next slot to look at */
};

static inline struct tpacket2_hdr *
hostif_slot(const struct hostif_ring *r, uint32_t i)
{
	uint32_t b = i / r->frames_per_block, f = i % r->frames_per_block;

	return (struct tpacket2_hdr *)(r->map + (size_t)b * r->block_size +
				       (size_t)f * r->frame_size);
}

static inline void
hostif_ring_advance(struct hostif_ring *r)
{
	r->head = r->head + 1 == r->n_frames ? 0 : r->head + 1;
}

struct hostif_rxq {
	int fd;
	struct hostif_ring ring;
	/* Written by the polling thread only (show hardware-interfaces). */
	uint64_t frames, gso_frames, segments, gso_passed, csum_completed, vlan_restored;
	/* Control plane only: frames the kernel dropped because the ring was
	 * full (PACKET_STATISTICS, which resets as it is read: summed here). */
	uint64_t kernel_drops;
} __rte_cache_aligned;

struct hostif_txq {
	int fd;
	struct hostif_ring ring;
	/* Written by the sending thread only. */
	uint64_t frames, gso_frames, ring_full, too_large, kick_errors;
} __rte_cache_aligned;

struct hostif {
	char ifname[IF_NAMESIZE]; /* the Linux interface */
	int ifindex;
	uint16_t if_index; /* vecnet's interface */
	uint16_t port_id;
	uint16_t n_rxq, n_txq;
	int fanout_id; /* the kernel's, given to the first RX queue's socket */
	bool gso; /* super-frames cross the graph whole when they can (rx_gso_pass) */
	struct hostif_rxq *rxq;
	struct hostif_txq *txq;
};

/* A config device "host:VETH" is a host interface on the Linux interface VETH. */
#define VN_HOSTIF_PREFIX "host:"

extern const struct vn_port_class vn_hostif_class;

/* Opens sockets and rings on the Linux interface ifname for ifp (its queue
 * counts set) and registers the port: fills port_id, driver, and mac (the
 * Linux interface's, unless ifp->mac is already set). */
int vn_hostif_open(struct vn_interface *ifp, const char *ifname);

/* `create host-interface name VETH [hw-addr MAC] [rx-queues N]`: the
 * interface host-VETH, created down (as in VPP); mac may be NULL. */
int vn_hostif_create(const char *veth, const uint8_t *mac, uint16_t rx_queues, uint32_t *if_index);
/* Whether its TCP/IPv4 super-frames may cross the graph whole (the default)
 * or are always cut in host-input (`no-gso`). */
int vn_hostif_set_gso(uint32_t if_index, bool on);
/* -ENOENT if host-VETH is no host interface. */
int vn_hostif_delete(const char *veth);

/* The link poll: if the Linux interface of interface if_index was deleted
 * and created again (its name has a new ifindex), reopens the sockets and
 * rings on the new one (the old ones closed after a grace period). 1 when
 * reopened, 0 when nothing to do (or no host interface), negative errno when
 * the reopen failed (the next call tries again). Control plane only. */
int vn_hostif_relink(uint32_t if_index);

/* Fast path (hostif_tx.c). */
uint16_t vn_hostif_tx_burst(void *dev, uint16_t queue, struct rte_mbuf **pkts, uint16_t n);

#endif
