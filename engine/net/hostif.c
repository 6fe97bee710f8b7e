/*
 * Host interfaces, the control half: sockets, rings, link state, close
 * (hostif_priv.h says why vecnet has its own AF_PACKET driver).
 */
#define VN_LOG_MOD "hostif"
#include <errno.h>
#include <inttypes.h>
#include <linux/if_ether.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vecnet/cli.h>
#include <vecnet/net/gso.h>
#include <vecnet/rcu.h>

#include "net/hostif_priv.h"

static int
sockopt(int fd, int name, const void *v, socklen_t len, const char *what, const char *ifname)
{
	if (setsockopt(fd, SOL_PACKET, name, v, len) == 0)
		return 0;
	int rc = -errno;
	VN_ERR("host-%s: %s: %s", ifname, what, strerror(errno));
	return rc;
}

static void
ring_unmap(int *fd, struct hostif_ring *r)
{
	if (r->map && r->map != MAP_FAILED)
		munmap(r->map, r->map_len);
	r->map = NULL;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * One socket with one ring: PACKET_VNET_HDR before the ring (the kernel
 * fixes the slot layout when the ring is made), then the ring, its mapping,
 * and the bind. An RX socket binds to every protocol; a TX socket to none,
 * so nothing is ever queued to it.
 */
static int
ring_open(const struct hostif *h, bool rx, int *fd_out, struct hostif_ring *r)
{
	int fd, one = 1, version = TPACKET_V2, rc;
	struct tpacket_req req;
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = rx ? htons(ETH_P_ALL) : 0,
		.sll_ifindex = h->ifindex,
	};

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		VN_ERR("host-%s: AF_PACKET socket: %s", h->ifname, strerror(errno));
		return rc;
	}
	*fd_out = fd;
	if (rx) {
		r->frame_size = HOSTIF_RX_FRAME_SIZE;
		r->block_size = HOSTIF_RX_BLOCK_SIZE;
		r->frames_per_block = HOSTIF_RX_BLOCK_SIZE / HOSTIF_RX_FRAME_SIZE;
		r->n_frames = r->frames_per_block * HOSTIF_RX_BLOCKS;
	} else {
		r->frame_size = HOSTIF_TX_FRAME_SIZE;
		r->block_size = HOSTIF_TX_BLOCK_SIZE;
		r->frames_per_block = HOSTIF_TX_BLOCK_SIZE / HOSTIF_TX_FRAME_SIZE;
		r->n_frames = r->frames_per_block * HOSTIF_TX_BLOCKS;
	}
	req = (struct tpacket_req){
		.tp_block_size = r->block_size,
		.tp_block_nr = r->n_frames / r->frames_per_block,
		.tp_frame_size = r->frame_size,
		.tp_frame_nr = r->n_frames,
	};
	r->map_len = (size_t)req.tp_block_size * req.tp_block_nr;
	r->head = 0;
	if ((rc =
		 sockopt(fd, PACKET_VERSION, &version, sizeof(version), "TPACKET_V2", h->ifname)) ||
	    (rc = sockopt(fd, PACKET_VNET_HDR, &one, sizeof(one), "PACKET_VNET_HDR", h->ifname)))
		return rc;
	if (rx) {
		/* Our own transmissions are not input. */
		rc = sockopt(fd, PACKET_IGNORE_OUTGOING, &one, sizeof(one),
			     "PACKET_IGNORE_OUTGOING", h->ifname);
		if (rc == 0)
			rc = sockopt(fd, PACKET_RX_RING, &req, sizeof(req), "RX ring", h->ifname);
	} else {
		/* The engine queues; the kernel's qdisc would only add a copy and
		 * a lock. A frame the kernel refuses is skipped, not left to
		 * block the ring. */
		rc = sockopt(fd, PACKET_QDISC_BYPASS, &one, sizeof(one), "PACKET_QDISC_BYPASS",
			     h->ifname);
		if (rc == 0)
			rc = sockopt(fd, PACKET_LOSS, &one, sizeof(one), "PACKET_LOSS", h->ifname);
		if (rc == 0)
			rc = sockopt(fd, PACKET_TX_RING, &req, sizeof(req), "TX ring", h->ifname);
	}
	if (rc)
		return rc;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (r->map == MAP_FAILED) {
		rc = -errno;
		r->map = NULL;
		VN_ERR("host-%s: mapping a %zu-byte ring: %s", h->ifname, r->map_len,
		       strerror(errno));
		return rc;
	}
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		rc = -errno;
		VN_ERR("host-%s: bind: %s", h->ifname, strerror(errno));
		return rc;
	}
	return 0;
}

/* Several RX queues share the interface's frames by flow hash. Group ids are
 * shared by every AF_PACKET user of the namespace: the first queue's socket
 * asks the kernel for an unused one, and the others join it. */
static int
fanout_join(struct hostif *h, int fd, bool first)
{
	int arg = first ? (PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_UNIQUEID) << 16
			: h->fanout_id | (PACKET_FANOUT_HASH << 16);
	socklen_t len = sizeof(arg);
	int rc = sockopt(fd, PACKET_FANOUT, &arg, sizeof(arg), "PACKET_FANOUT", h->ifname);

	if (rc == 0 && first) {
		if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, &len) < 0) {
			rc = -errno;
			VN_ERR("host-%s: reading the fanout group id: %s", h->ifname,
			       strerror(errno));
			return rc;
		}
		h->fanout_id = arg & 0xffff;
	}
	return rc;
}

static void
hostif_free(struct hostif *h)
{
	for (uint16_t q = 0; h->rxq && q < h->n_rxq; q++)
		ring_unmap(&h->rxq[q].fd, &h->rxq[q].ring);
	for (uint16_t q = 0; h->txq && q < h->n_txq; q++)
		ring_unmap(&h->txq[q].fd, &h->txq[q].ring);
	free(h->rxq);
	free(h->txq);
	free(h);
}

/* ifname's MAC address, from the kernel. */
static int
linux_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		rc = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return rc;
}

/* A device with every socket and ring open on the Linux interface ifindex;
 * NULL (logged) on failure. */
static struct hostif *
hostif_alloc(const char *ifname, int ifindex, uint16_t if_index, uint16_t n_rxq, uint16_t n_txq,
	     int *rc_out)
{
	struct hostif *h = calloc(1, sizeof(*h));
	int rc = -ENOMEM;

	if (!h)
		goto out;
	snprintf(h->ifname, sizeof(h->ifname), "%s", ifname);
	h->ifindex = ifindex;
	h->if_index = if_index;
	h->n_rxq = n_rxq;
	h->n_txq = n_txq;
	h->gso = true;
	h->rxq = aligned_alloc(RTE_CACHE_LINE_SIZE,
			       RTE_ALIGN_CEIL(h->n_rxq * sizeof(*h->rxq), RTE_CACHE_LINE_SIZE));
	h->txq = aligned_alloc(RTE_CACHE_LINE_SIZE,
			       RTE_ALIGN_CEIL(h->n_txq * sizeof(*h->txq), RTE_CACHE_LINE_SIZE));
	if (!h->rxq || !h->txq)
		goto fail;
	memset(h->rxq, 0, h->n_rxq * sizeof(*h->rxq));
	memset(h->txq, 0, h->n_txq * sizeof(*h->txq));
	for (uint16_t q = 0; q < h->n_rxq; q++)
		h->rxq[q].fd = -1;
	for (uint16_t q = 0; q < h->n_txq; q++)
		h->txq[q].fd = -1;
	for (uint16_t q = 0; q < h->n_rxq; q++) {
		rc = ring_open(h, true, &h->rxq[q].fd, &h->rxq[q].ring);
		if (rc == 0 && h->n_rxq > 1)
			rc = fanout_join(h, h->rxq[q].fd, q == 0);
		if (rc)
			goto fail;
	}
	for (uint16_t q = 0; q < h->n_txq; q++)
		if ((rc = ring_open(h, false, &h->txq[q].fd, &h->txq[q].ring)))
			goto fail;
	return h;
fail:
	hostif_free(h);
	h = NULL;
out:
	*rc_out = rc;
	return NULL;
}

int
vn_hostif_open(struct vn_interface *ifp, const char *ifname)
{
	static const uint8_t zero[6];
	struct hostif *h;
	int ifindex, rc;

	if (!*ifname || strlen(ifname) >= IF_NAMESIZE) {
		VN_ERR("%s: '%s' is not a Linux interface name", ifp->name, ifname);
		return -EINVAL;
	}
	ifindex = (int)if_nametoindex(ifname);
	if (ifindex == 0) {
		VN_ERR("%s: Linux has no interface named '%s'", ifp->name, ifname);
		return -ENODEV;
	}
	h = hostif_alloc(ifname, ifindex, ifp->if_index, ifp->n_rx_queues, ifp->n_tx_queues, &rc);
	if (!h)
		return rc;
	if (memcmp(ifp->mac, zero, 6) == 0 && (rc = linux_mac(ifname, ifp->mac)) < 0) {
		VN_ERR("%s: reading %s's MAC address: %s", ifp->name, ifname, strerror(-rc));
		goto fail;
	}
	/* Made here on the main thread, never first by a worker's host-input. */
	vn_gso_pool();
	h->port_id = vn_port_own_add(&vn_hostif_class, h);
	if (h->port_id == VN_PORT_NONE) {
		VN_ERR("%s: no room for another own port (%u)", ifp->name, VN_PORT_OWN_MAX);
		rc = -ENOSPC;
		goto fail;
	}
	ifp->port_id = h->port_id;
	snprintf(ifp->driver, sizeof(ifp->driver), "host (AF_PACKET)");
	/* The config says otherwise with `up: false`; the CLI creates it down. */
	ifp->admin_up = true;
	return 0;
fail:
	hostif_free(h);
	return rc;
}

/* Carrier: the Linux interface is up and running (a veth runs while its peer
 * is up) and is still the one the sockets are bound to. */
static bool
hostif_link_up(void *dev)
{
	const struct hostif *h = dev;
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool up = false;

	if (fd < 0)
		return false;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", h->ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP) &&
	    (ifr.ifr_flags & IFF_RUNNING))
		up = (int)if_nametoindex(h->ifname) == h->ifindex;
	close(fd);
	return up;
}

static void
hostif_close(void *dev)
{
	hostif_free(dev);
}

static void
hostif_free_rcu(void *dev)
{
	hostif_free(dev);
}

/*
 * A veth deleted and created again under the same name is a new Linux
 * interface (a new ifindex): the sockets stay bound to the old one, which
 * delivers nothing and takes nothing ever again. So a device whose name now
 * names another ifindex is opened afresh and swapped in under RCU, as a
 * route is: each thread loads the port's device once per burst, so after a
 * grace period no thread polls or fills the old rings and they are closed.
 * Every queue stays on its thread (placement is by port and queue, not by
 * device), so each new ring has one consumer from the first burst. Counters
 * carry over (what the old rings count during the grace period is lost).
 */
int
vn_hostif_relink(uint32_t if_index)
{
	struct vn_interface *ifp = vn_interface_get(if_index);
	const struct vn_port_own *p = ifp ? vn_port_own(ifp->port_id) : NULL;
	struct hostif *old, *h;
	int ifindex, rc;

	if (!p || p->cls != &vn_hostif_class)
		return 0;
	old = p->dev;
	ifindex = (int)if_nametoindex(old->ifname);
	if (ifindex == 0 || ifindex == old->ifindex)
		return 0; /* gone (the link is down), or still the same */
	h = hostif_alloc(old->ifname, ifindex, old->if_index, old->n_rxq, old->n_txq, &rc);
	if (!h)
		return rc; /* logged; the next poll tries again */
	h->port_id = old->port_id;
	h->gso = old->gso;
	for (uint16_t q = 0; q < h->n_rxq; q++) {
		struct hostif_rxq *n = &h->rxq[q], *o = &old->rxq[q];
		n->frames = o->frames;
		n->gso_frames = o->gso_frames;
		n->segments = o->segments;
		n->gso_passed = o->gso_passed;
		n->csum_completed = o->csum_completed;
		n->vlan_restored = o->vlan_restored;
		n->kernel_drops = o->kernel_drops;
	}
	for (uint16_t q = 0; q < h->n_txq; q++) {
		struct hostif_txq *n = &h->txq[q], *o = &old->txq[q];
		n->frames = o->frames;
		n->gso_frames = o->gso_frames;
		n->ring_full = o->ring_full;
		n->too_large = o->too_large;
		n->kick_errors = o->kick_errors;
	}
	VN_INFO("%s: Linux interface %s is back as ifindex %d (was %d): sockets reopened",
		ifp->name, h->ifname, ifindex, old->ifindex);
	__atomic_store_n(&vn_ports_own[h->port_id - VN_PORT_OWN_BASE].dev, h, __ATOMIC_RELEASE);
	vn_rcu_free(old, hostif_free_rcu); /* waits for the grace period */
	return 1;
}

static void
hostif_show(void *dev, struct vn_cli_out *out, bool verbose)
{
	struct hostif *h = dev;

	vn_cli_printf(out,
		      "    linux interface %s (ifindex %d), TPACKET_V2 with virtio-net headers\n",
		      h->ifname, h->ifindex);
	for (uint16_t q = 0; q < h->n_rxq; q++) {
		struct hostif_rxq *r = &h->rxq[q];
		struct tpacket_stats st;
		socklen_t len = sizeof(st);
		if (getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
			r->kernel_drops += st.tp_drops;
		vn_cli_printf(out,
			      "    rx queue %u: %u slots of %u bytes; frames %" PRIu64
			      ", gso frames %" PRIu64 " (segments %" PRIu64 "), gso passed whole %" PRIu64
			      ", checksums completed %" PRIu64 ", vlan tags restored %" PRIu64
			      ", dropped by the kernel (ring full) %" PRIu64 "\n",
			      q, r->ring.n_frames, r->ring.frame_size, r->frames, r->gso_frames,
			      r->segments, r->gso_passed, r->csum_completed, r->vlan_restored,
			      r->kernel_drops);
	}
	for (uint16_t q = 0; q < h->n_txq; q++) {
		const struct hostif_txq *t = &h->txq[q];
		if (!verbose && t->frames == 0 && t->ring_full == 0)
			continue;
		vn_cli_printf(out,
			      "    tx queue %u: %u slots of %u bytes; frames %" PRIu64
			      ", gso frames %" PRIu64 ", ring full %" PRIu64 ", too large %" PRIu64
			      ", kick errors %" PRIu64 "\n",
			      q, t->ring.n_frames, t->ring.frame_size, t->frames, t->gso_frames,
			      t->ring_full, t->too_large, t->kick_errors);
	}
}

const struct vn_port_class vn_hostif_class = {
	.name = "host",
	.input_node = "host-input",
	.gso = true,
	.tx_burst = vn_hostif_tx_burst,
	.link_up = hostif_link_up,
	.close = hostif_close,
	.show = hostif_show,
};

int
vn_hostif_create(const char *veth, const uint8_t *mac, uint16_t rx_queues, uint32_t *if_index)
{
	char name[VN_IFNAME_MAX], device[VN_IFNAME_MAX + sizeof(VN_HOSTIF_PREFIX)];
	uint32_t idx;
	int rc;

	if (!*veth || strlen(veth) >= IF_NAMESIZE)
		return -EINVAL;
	snprintf(name, sizeof(name), "host-%s", veth);
	snprintf(device, sizeof(device), VN_HOSTIF_PREFIX "%s", veth);
	rc = vn_interface_create(name, device, rx_queues, 1500, &idx);
	if (rc < 0)
		return rc;
	/* As in VPP: a new host interface waits for `set interface state`. */
	vn_interface_set_admin(idx, false);
	if (mac && (rc = vn_interface_set_mac(idx, mac)) < 0) {
		vn_interface_delete(idx);
		return rc;
	}
	if (if_index)
		*if_index = idx;
	return 0;
}

int
vn_hostif_delete(const char *veth)
{
	char name[VN_IFNAME_MAX];
	struct vn_interface *ifp;

	snprintf(name, sizeof(name), "host-%s", veth);
	ifp = vn_interface_by_name(name);
	if (!ifp || !vn_port_own(ifp->port_id) ||
	    vn_port_own(ifp->port_id)->cls != &vn_hostif_class)
		return -ENOENT;
	return vn_interface_delete(ifp->if_index);
}

int
vn_hostif_set_gso(uint32_t if_index, bool on)
{
	struct vn_interface *ifp = vn_interface_get(if_index);
	const struct vn_port_own *p = ifp ? vn_port_own(ifp->port_id) : NULL;

	if (!p || p->cls != &vn_hostif_class)
		return -ENODEV;
	/* Read by host-input once per frame; either value is safe. */
	__atomic_store_n(&((struct hostif *)p->dev)->gso, on, __ATOMIC_RELAXED);
	return 0;
}
