/*
 * Interface table. The control plane edits struct vn_interface and then
 * republishes the fast-path snapshot (vn_if_fp) by pointer; the old snapshot
 * is freed after an RCU grace period.
 */
#define VN_LOG_MOD "interface"
#include <errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/port.h>
#include <vecnet/rcu.h>

#include "net/fib_priv.h"
#include "net/link_priv.h"
#include "net/port_priv.h"

struct vn_if_fp *vn_if_fp_table[VN_IF_MAX];
static struct vn_interface *ifs[VN_IF_MAX];
static uint32_t n_ifs;
static struct vn_if_counters cleared[VN_IF_MAX]; /* snapshot at `clear interfaces` */
struct vn_if_counters vn_if_counters[VN_THREAD_MAX][VN_IF_MAX];

uint32_t
vn_interface_count(void)
{
	return n_ifs;
}

struct vn_interface *
vn_interface_get(uint32_t if_index)
{
	return if_index < n_ifs ? ifs[if_index] : NULL;
}

struct vn_interface *
vn_interface_by_name(const char *name)
{
	for (uint32_t i = 0; i < n_ifs; i++)
		if (strcmp(ifs[i]->name, name) == 0)
			return ifs[i];
	return NULL;
}

bool
vn_interface_link_up(uint32_t if_index)
{
	struct vn_interface *ifp = vn_interface_get(if_index);
	struct rte_eth_link link;

	if (!ifp || ifp->port_id == VN_PORT_NONE)
		return ifp != NULL;
	int kernel = vn_link_kernel_state(ifp->device); /* AF_PACKET: the veth's carrier */
	if (kernel >= 0)
		return kernel;
	if (rte_eth_link_get_nowait(ifp->port_id, &link) != 0)
		return false;
	return link.link_status == RTE_ETH_LINK_UP;
}

void
vn_interface_publish(uint32_t if_index)
{
	struct vn_interface *ifp = vn_interface_get(if_index);
	struct vn_if_fp *fp, *old;

	if (!ifp)
		return;
	fp = rte_zmalloc("vn_if_fp", sizeof(*fp), RTE_CACHE_LINE_SIZE);
	if (!fp) {
		VN_ERR("%s: out of memory publishing interface state", ifp->name);
		return;
	}
	*fp = (struct vn_if_fp){
		.if_index = ifp->if_index,
		.port_id = ifp->port_id,
		.mtu = ifp->mtu,
		.admin_up = ifp->admin_up,
		.link_up = vn_interface_link_up(if_index),
		.n_addrs = ifp->n_addrs,
		.n_tx_queues = ifp->n_tx_queues,
	};
	memcpy(fp->mac, ifp->mac, 6);
	memcpy(fp->addrs, ifp->addrs, sizeof(fp->addrs));
	memcpy(fp->features, ifp->features, sizeof(fp->features));
	old = vn_if_fp_table[if_index];
	__atomic_store_n(&vn_if_fp_table[if_index], fp, __ATOMIC_RELEASE);
	vn_rcu_free(old, rte_free);
}

static int
interface_add(const char *name, struct vn_interface **out)
{
	struct vn_interface *ifp;

	if (!name || !*name || strlen(name) >= VN_IFNAME_MAX)
		return -EINVAL;
	if (vn_interface_by_name(name))
		return -EEXIST;
	if (n_ifs >= VN_IF_MAX)
		return -ENOSPC;
	ifp = calloc(1, sizeof(*ifp));
	if (!ifp)
		return -ENOMEM;
	snprintf(ifp->name, sizeof(ifp->name), "%s", name);
	ifp->if_index = n_ifs;
	ifp->port_id = VN_PORT_NONE;
	ifp->mtu = 1500;
	for (uint32_t i = 0; i < VN_ARRAY_LEN(ifp->rx_workers); i++)
		ifp->rx_workers[i] = -1;
	*out = ifp;
	return 0;
}

static void
interface_commit(struct vn_interface *ifp)
{
	ifs[n_ifs++] = ifp;
	vn_interface_publish(ifp->if_index);
}

int
vn_interface_create_virtual(const char *name, const uint8_t mac[6], uint16_t mtu,
			    uint32_t *if_index)
{
	struct vn_interface *ifp;
	int rc = interface_add(name, &ifp);

	if (rc < 0)
		return rc;
	memcpy(ifp->mac, mac, 6);
	ifp->mtu = mtu;
	ifp->admin_up = true;
	snprintf(ifp->driver, sizeof(ifp->driver), "virtual");
	interface_commit(ifp);
	if (if_index)
		*if_index = ifp->if_index;
	return 0;
}

int
vn_interface_create(const char *name, const char *device, uint16_t rx_queues, uint16_t mtu,
		    uint32_t *if_index)
{
	struct vn_interface *ifp;
	int rc = interface_add(name, &ifp);

	if (rc < 0)
		return rc;
	snprintf(ifp->device, sizeof(ifp->device), "%s", device);
	ifp->n_rx_queues = rx_queues ? rx_queues : 1;
	ifp->n_tx_queues = vn_port_tx_queues_wanted();
	ifp->mtu = mtu ? mtu : 1500;
	rc = vn_port_open(ifp);
	if (rc < 0) {
		free(ifp);
		return rc;
	}
	interface_commit(ifp);
	if (if_index)
		*if_index = ifp->if_index;
	return 0;
}

int
vn_interface_set_admin(uint32_t if_index, bool up)
{
	struct vn_interface *ifp = vn_interface_get(if_index);

	if (!ifp)
		return -ENODEV;
	if (ifp->admin_up == up)
		return 0;
	ifp->admin_up = up;
	if (ifp->port_id != VN_PORT_NONE) {
		int rc = up ? rte_eth_dev_set_link_up(ifp->port_id)
			    : rte_eth_dev_set_link_down(ifp->port_id);
		if (rc < 0 && rc != -ENOTSUP)
			VN_DEBUG("%s: link %s: %s", ifp->name, up ? "up" : "down", strerror(-rc));
	}
	vn_interface_publish(if_index);
	vn_fib_interface_changed(if_index);
	return 0;
}

int
vn_interface_set_mtu(uint32_t if_index, uint16_t mtu)
{
	struct vn_interface *ifp = vn_interface_get(if_index);

	if (!ifp)
		return -ENODEV;
	if (mtu < 68 || mtu > 9000)
		return -EINVAL;
	if (ifp->port_id != VN_PORT_NONE) {
		int rc = rte_eth_dev_set_mtu(ifp->port_id, mtu);
		/* Virtual devices often refuse; the IP MTU is still ours to enforce. */
		if (rc < 0)
			VN_DEBUG("%s: device MTU %u not set: %s", ifp->name, mtu, strerror(-rc));
	}
	ifp->mtu = mtu;
	vn_interface_publish(if_index);
	vn_fib_interface_changed(if_index);
	return 0;
}

int
vn_interface_addr_add(uint32_t if_index, const struct vn_prefix *p)
{
	struct vn_interface *ifp = vn_interface_get(if_index);
	int rc;

	if (!ifp)
		return -ENODEV;
	if (p->len > 32 || p->addr == 0 || (p->len < 31 && (p->addr & ~vn_prefix_mask(p->len)) == 0))
		return -EINVAL;
	for (uint32_t i = 0; i < n_ifs; i++)
		for (uint32_t a = 0; a < ifs[i]->n_addrs; a++)
			if (ifs[i]->addrs[a].addr == p->addr)
				return -EEXIST;
	if (ifp->n_addrs >= VN_IF_ADDR_MAX)
		return -ENOSPC;
	ifp->addrs[ifp->n_addrs++] = *p;
	vn_interface_publish(if_index);
	rc = vn_fib_connected_add(if_index, p);
	if (rc < 0) {
		ifp->n_addrs--;
		vn_interface_publish(if_index);
	}
	return rc;
}

int
vn_interface_addr_del(uint32_t if_index, const struct vn_prefix *p)
{
	struct vn_interface *ifp = vn_interface_get(if_index);

	if (!ifp)
		return -ENODEV;
	for (uint32_t i = 0; i < ifp->n_addrs; i++) {
		if (ifp->addrs[i].addr != p->addr || ifp->addrs[i].len != p->len)
			continue;
		vn_fib_connected_del(if_index, p);
		ifp->addrs[i] = ifp->addrs[--ifp->n_addrs];
		vn_interface_publish(if_index);
		return 0;
	}
	return -ENOENT;
}

int
vn_interface_for_addr(uint32_t addr)
{
	int best = -1, best_len = -1;

	for (uint32_t i = 0; i < n_ifs; i++)
		for (uint32_t a = 0; a < ifs[i]->n_addrs; a++) {
			const struct vn_prefix *p = &ifs[i]->addrs[a];
			uint32_t mask = vn_prefix_mask(p->len);
			if ((addr & mask) == (p->addr & mask) && p->len > best_len) {
				best = i;
				best_len = p->len;
			}
		}
	return best;
}

static void
counters_sum(uint32_t if_index, struct vn_if_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (uint32_t t = 0; t < vn_graph_count(); t++) {
		const struct vn_graph *g = vn_graph_at(t);
		if (!g)
			continue;
		const struct vn_if_counters *c = vn_if_counters_of(g, if_index);
		out->rx_packets += c->rx_packets;
		out->rx_bytes += c->rx_bytes;
		out->tx_packets += c->tx_packets;
		out->tx_bytes += c->tx_bytes;
		out->drops += c->drops;
		out->tx_errors += c->tx_errors;
	}
}

void
vn_interface_counters(uint32_t if_index, struct vn_if_counters *out)
{
	const struct vn_if_counters *z = &cleared[if_index];

	counters_sum(if_index, out);
	out->rx_packets -= z->rx_packets;
	out->rx_bytes -= z->rx_bytes;
	out->tx_packets -= z->tx_packets;
	out->tx_bytes -= z->tx_bytes;
	out->drops -= z->drops;
	out->tx_errors -= z->tx_errors;
}

void
vn_interface_counters_clear(void)
{
	for (uint32_t i = 0; i < n_ifs; i++)
		counters_sum(i, &cleared[i]);
}

void
vn_interface_close_all(void)
{
	for (uint32_t i = 0; i < n_ifs; i++) {
		if (ifs[i]->port_id != VN_PORT_NONE)
			vn_port_close(ifs[i]);
		rte_free(vn_if_fp_table[i]);
		vn_if_fp_table[i] = NULL;
		free(ifs[i]);
		ifs[i] = NULL;
	}
	n_ifs = 0;
}

/* A thread's graph is new: its interface counters start from zero. */
static void
counters_instance_init(struct vn_graph *g)
{
	memset(vn_if_counters[g->thread_index], 0, sizeof(vn_if_counters[0]));
}

VN_GRAPH_HOOKS(if_counters) = {
	.instance_init = counters_instance_init,
};
