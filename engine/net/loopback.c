/*
 * Loopbacks: TX enqueues on the interface's ring, loop-input dequeues it on
 * the thread that owns the loopback's one RX queue (loopback_priv.h says
 * what they are for). The ring is multi-producer because every forwarding
 * thread may send to a loopback; what a full ring refuses goes back to
 * port-tx, which drops it as "device TX queue full", and is counted here too
 * (`show hardware-interfaces`).
 *
 * loop-input reads: this thread's RX queue set (vn_rxq_set_of, its own-port
 * range). Writes: what vn_port_rx_deliver writes. Nexts: error-drop (0),
 * ethernet-input, or the first device-input feature. Errors: none of its own.
 */
#define VN_LOG_MOD "loopback"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/net/trace.h>

#include "net/loopback_priv.h"
#include "net/port_priv.h"

static uint16_t
loopback_tx_burst(void *dev, uint16_t queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct loopback *l = dev;
	uint16_t k = (uint16_t)rte_ring_mp_enqueue_burst(l->ring, (void **)pkts, n, NULL);

	if (unlikely(k < n))
		__atomic_fetch_add(&l->refused, n - k, __ATOMIC_RELAXED);
	__atomic_fetch_add(&l->looped, k, __ATOMIC_RELAXED);
	return k;
}

static bool
loopback_link_up(void *dev)
{
	return true; /* nothing to lose a carrier */
}

static int
loopback_set_mtu(void *dev, uint16_t mtu)
{
	return 0; /* the ring carries any frame */
}

static void
loopback_close(void *dev)
{
	struct loopback *l = dev;
	struct rte_mbuf *m;

	/* No thread sends or polls any more (vn_interface_delete waited). */
	while (rte_ring_sc_dequeue(l->ring, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(l->ring);
	free(l);
}

static void
loopback_show(void *dev, struct vn_cli_out *out, bool verbose)
{
	const struct loopback *l = dev;

	vn_cli_printf(out,
		      "    loopback ring: %u slots, %u queued; looped %" PRIu64
		      ", refused (ring full) %" PRIu64 "\n",
		      rte_ring_get_capacity(l->ring), rte_ring_count(l->ring),
		      __atomic_load_n(&l->looped, __ATOMIC_RELAXED),
		      __atomic_load_n(&l->refused, __ATOMIC_RELAXED));
}

const struct vn_port_class vn_loopback_class = {
	.name = "loopback",
	.input_node = "loop-input",
	.tx_burst = loopback_tx_burst,
	.link_up = loopback_link_up,
	.set_mtu = loopback_set_mtu,
	.close = loopback_close,
	.show = loopback_show,
};

int
vn_loopback_open(struct vn_interface *ifp)
{
	static const uint8_t zero[6];
	char rname[RTE_RING_NAMESIZE];
	struct loopback *l;
	unsigned int instance;

	if (ifp->n_rx_queues != 1) {
		VN_ERR("%s: a loopback has one RX queue", ifp->name);
		return -EINVAL;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	snprintf(rname, sizeof(rname), "vn_loop%u", ifp->if_index);
	l->ring = rte_ring_create(rname, VN_LOOPBACK_RING_SIZE, SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (!l->ring) {
		int rc = -rte_errno;
		VN_ERR("%s: ring: %s", ifp->name, rte_strerror(rte_errno));
		free(l);
		return rc ? rc : -ENOMEM;
	}
	l->if_index = ifp->if_index;
	l->port_id = vn_port_own_add(&vn_loopback_class, l);
	if (l->port_id == VN_PORT_NONE) {
		VN_ERR("%s: no room for another own port (%u)", ifp->name, VN_PORT_OWN_MAX);
		rte_ring_free(l->ring);
		free(l);
		return -ENOSPC;
	}
	if (memcmp(ifp->mac, zero, 6) == 0) {
		/* VPP's loopback MACs: de:ad:00:00:00:NN, locally administered. */
		if (sscanf(ifp->name, "loop%u", &instance) != 1)
			instance = ifp->if_index;
		const uint8_t mac[6] = {0xde, 0xad, 0, 0, instance >> 8, instance & 0xff};
		memcpy(ifp->mac, mac, 6);
	}
	ifp->port_id = l->port_id;
	snprintf(ifp->driver, sizeof(ifp->driver), "loopback");
	ifp->admin_up = true; /* the config says otherwise with `up: false`; the CLI creates it down */
	return 0;
}

static bool
is_loopback(const struct vn_interface *ifp)
{
	const struct vn_port_own *p = ifp ? vn_port_own(ifp->port_id) : NULL;

	return p && p->cls == &vn_loopback_class;
}

int
vn_loopback_create(const uint8_t *mac, int instance, uint32_t *if_index)
{
	char name[VN_IFNAME_MAX];
	uint32_t idx;
	int rc;

	if (instance > VN_LOOPBACK_INSTANCE_MAX)
		return -ERANGE;
	if (instance < 0) {
		for (instance = 0; instance <= VN_LOOPBACK_INSTANCE_MAX; instance++) {
			snprintf(name, sizeof(name), "loop%d", instance);
			if (!vn_interface_by_name(name))
				break;
		}
		if (instance > VN_LOOPBACK_INSTANCE_MAX)
			return -ENOSPC;
	}
	snprintf(name, sizeof(name), "loop%d", instance);
	rc = vn_interface_create(name, VN_LOOPBACK_DEVICE, 1, 1500, &idx);
	if (rc < 0)
		return rc;
	vn_interface_set_admin(idx, false); /* as VPP: up with `set interface state` */
	if (mac && (rc = vn_interface_set_mac(idx, mac)) < 0) {
		vn_interface_delete(idx);
		return rc;
	}
	if (if_index)
		*if_index = idx;
	return 0;
}

int
vn_loopback_delete(const char *name)
{
	struct vn_interface *ifp = vn_interface_by_name(name);

	if (!is_loopback(ifp))
		return -ENOENT;
	return vn_interface_delete(ifp->if_index);
}

/* loop-input: every loopback queue this thread owns, a vector at most each. */
static uint16_t
lin_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **unused, uint16_t zero)
{
	/* Valid until this walk ends (port-rx says why). */
	const struct vn_rxq_set *s = vn_rxq_set_of(g->thread_index);
	uint32_t total = 0;

	for (uint16_t k = s->n_dpdk; k < s->n && total < VN_NODE_QUEUE - VN_FRAME_SIZE; k++) {
		const struct vn_rxq *rq = &s->q[k];
		const struct vn_port_own *p = vn_port_own(rq->port_id);
		if (!p || p->cls != &vn_loopback_class)
			continue;
		struct loopback *l = p->dev;
		uint16_t n = (uint16_t)rte_ring_sc_dequeue_burst(l->ring, (void **)node->objs,
								 VN_FRAME_SIZE, NULL);
		if (n == 0)
			continue;
		vn_port_rx_deliver(g, node, n, rq->if_index, 1);
		total += n;
	}
	return total;
}

VN_NODE_REGISTER(loop_input) = {
	.name = "loop-input",
	.format_trace = vn_trace_format_rx,
	.type = VN_NODE_INPUT,
	.fn = lin_fn,
	.n_next = 2,
	.next_names = {[1] = "ethernet-input"},
};
