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
#include <vecnet/net/dad6.h>
#include <vecnet/net/ra6.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/port.h>
#include <vecnet/rcu.h>

#include "net/fib_priv.h"
#include "net/link_priv.h"
#include "net/port_priv.h"
#include "net/ra6_priv.h"
#include "net/subif_priv.h"
#include "net/tap_priv.h"

struct vn_if_fp *vn_if_fp_table[VN_IF_MAX];
static struct vn_interface *ifs[VN_IF_MAX];
static uint32_t n_ifs;
static struct vn_if_counters cleared[VN_IF_MAX]; /* snapshot at `clear interfaces` */
struct vn_if_counters vn_if_counters[VN_THREAD_MAX][VN_IF_MAX];

static void counters_sum(uint32_t if_index, struct vn_if_counters *out);

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
		if (ifs[i] && strcmp(ifs[i]->name, name) == 0)
			return ifs[i];
	return NULL;
}

bool
vn_interface_link_up(uint32_t if_index)
{
	struct vn_interface *ifp = vn_interface_get(if_index);
	uint32_t sup;

	if (vn_subif_get(if_index, &sup, NULL, NULL))
		return vn_interface_link_up(sup);
	if (!ifp || ifp->port_id == VN_PORT_NONE)
		return ifp != NULL;
	/* net_af_packet reports its link up whatever its veth does: ask the kernel. */
	int kernel = vn_port_is_dpdk(ifp->port_id) ? vn_link_kernel_state(ifp->device) : -1;
	if (kernel >= 0)
		return kernel;
	return vn_port_link_up(ifp->port_id);
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
	/* Tentative and duplicate addresses stay out of the fast path (RFC 4862). */
	for (uint32_t i = 0; i < ifp->n_addrs6; i++)
		if (ifp->addr6_state[i] == VN_ADDR6_PREFERRED)
			fp->addrs6[fp->n_addrs6++] = ifp->addrs6[i];
	vn_interface_ll6(ifp, &fp->ll6);
	memcpy(fp->features, ifp->features, sizeof(fp->features));
	fp->sup_if_index = ifp->if_index;
	vn_subif_fp_fill(fp);
	old = vn_if_fp_table[if_index];
	__atomic_store_n(&vn_if_fp_table[if_index], fp, __ATOMIC_RELEASE);
	vn_rcu_free(old, rte_free);
	/* A sub-interface's snapshot follows its parent's state. */
	vn_subif_publish_children(if_index);
}

static int
interface_add(const char *name, struct vn_interface **out)
{
	struct vn_interface *ifp;
	uint32_t slot = 0;

	if (!name || !*name || strlen(name) >= VN_IFNAME_MAX)
		return -EINVAL;
	if (vn_interface_by_name(name))
		return -EEXIST;
	while (slot < n_ifs && ifs[slot]) /* a removed interface's index first */
		slot++;
	if (slot >= VN_IF_MAX)
		return -ENOSPC;
	ifp = calloc(1, sizeof(*ifp));
	if (!ifp)
		return -ENOMEM;
	snprintf(ifp->name, sizeof(ifp->name), "%s", name);
	ifp->if_index = slot;
	ifp->port_id = VN_PORT_NONE;
	ifp->mtu = 1500;
	for (uint32_t i = 0; i < VN_ARRAY_LEN(ifp->rx_workers); i++)
		ifp->rx_workers[i] = -1;
	*out = ifp;
	return 0;
}

/* A reused index starts with no counters and nothing cleared. */
static void
interface_commit(struct vn_interface *ifp)
{
	uint32_t i = ifp->if_index;

	ifs[i] = ifp;
	if (i >= n_ifs)
		n_ifs = i + 1;
	/* A reused index starts its counters from zero. */
	counters_sum(i, &cleared[i]);
	vn_interface_publish(i);
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
	/* IPv6 neighbour discovery needs the all-nodes and solicited-node groups
	 * (ethernet-input keeps only those): a NIC's filter must let multicast in.
	 * Devices that cannot (or need not: AF_PACKET sees all) just say so. */
	if (vn_port_is_dpdk(ifp->port_id)) {
		int mrc = rte_eth_allmulticast_enable(ifp->port_id);
		if (mrc < 0)
			VN_DEBUG("%s: all-multicast not enabled: %s", ifp->name, strerror(-mrc));
	}
	interface_commit(ifp);
	rc = vn_rxq_add_interface(ifp->if_index);
	if (rc < 0) {
		VN_ERR("%s: placing its RX queues: %s", ifp->name, strerror(-rc));
		vn_interface_delete(ifp->if_index);
		return rc;
	}
	if (if_index)
		*if_index = ifp->if_index;
	return 0;
}

static struct vn_interface_hooks *hooks;

void
vn_interface_hooks_register(struct vn_interface_hooks *h)
{
	h->next = hooks;
	hooks = h;
}

void
vn_interface_hooks_unregister(struct vn_interface_hooks *h)
{
	for (struct vn_interface_hooks **p = &hooks; *p; p = &(*p)->next)
		if (*p == h) {
			*p = h->next;
			return;
		}
}

/* Every path that names the interface leaves its route. */
struct route_paths {
	uint32_t if_index, n;
	struct vn_prefix *prefix;
	struct vn_route_path *path;
};

static int
collect_paths(const struct vn_route_info *r, void *ctx)
{
	struct route_paths *rp = ctx;

	if (r->source != VN_ROUTE_STATIC)
		return 0;
	for (uint32_t i = 0; i < r->n_paths; i++) {
		if (r->paths[i].if_index != rp->if_index)
			continue;
		void *pp = realloc(rp->prefix, (rp->n + 1) * sizeof(*rp->prefix));
		if (!pp)
			return -ENOMEM;
		rp->prefix = pp;
		pp = realloc(rp->path, (rp->n + 1) * sizeof(*rp->path));
		if (!pp)
			return -ENOMEM;
		rp->path = pp;
		rp->prefix[rp->n] = r->prefix;
		rp->path[rp->n++] = r->paths[i];
	}
	return 0;
}

static void
routes_forget(struct vn_interface *ifp)
{
	struct route_paths rp = {.if_index = ifp->if_index};

	if (vn_fib_walk(collect_paths, &rp) != 0)
		VN_WARN("%s: out of memory listing its routes; some may stay", ifp->name);
	for (uint32_t i = 0; i < rp.n; i++)
		vn_route_del(&rp.prefix[i], &rp.path[i]);
	if (rp.n)
		VN_INFO("%s: %u route path(s) through it removed", ifp->name, rp.n);
	free(rp.prefix);
	free(rp.path);
}

int
vn_interface_delete(uint32_t if_index)
{
	struct vn_interface *ifp = vn_interface_get(if_index);
	struct vn_if_fp *fp;
	int rc;

	if (!ifp)
		return -ENODEV;
	if (vn_subif_get(if_index, NULL, NULL, NULL))
		return -EINVAL; /* `delete sub-interface`, which refuses while in use */
	if (vn_subif_has_children(if_index))
		return -EBUSY;
	/* Its queues leave first: if that fails nothing has changed. Once this
	 * returns, no thread polls them (a grace period has passed). */
	rc = vn_rxq_remove_interface(if_index);
	if (rc < 0)
		return rc;
	vn_interface_set_admin(if_index, false);
	for (struct vn_interface_hooks *h = hooks; h; h = h->next)
		if (h->deleted)
			h->deleted(if_index);
	routes_forget(ifp);
	while (ifp->n_addrs)
		vn_interface_addr_del(if_index, &ifp->addrs[ifp->n_addrs - 1]);
	while (ifp->n_addrs6)
		vn_interface_addr6_del(if_index, &ifp->addrs6[ifp->n_addrs6 - 1]);
	vn_neighbor_flush_interface(if_index);
	/* Readers find no interface from here; the grace period lets those that
	 * still hold the snapshot (a walk in progress) finish before the port
	 * goes and the index can be reused. */
	fp = vn_if_fp_table[if_index];
	__atomic_store_n(&vn_if_fp_table[if_index], NULL, __ATOMIC_RELEASE);
	vn_rcu_synchronize();
	rte_free(fp);
	if (ifp->port_id != VN_PORT_NONE)
		vn_port_close(ifp);
	VN_INFO("%s: deleted", ifp->name);
	ifs[if_index] = NULL;
	while (n_ifs && !ifs[n_ifs - 1])
		n_ifs--;
	free(ifp);
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
	if (!up)
		vn_ra6_interface_down(if_index); /* lifetime 0 while it still can */
	ifp->admin_up = up;
	/* A tap's Linux side is Linux's to set up or down, as in VPP. */
	if (vn_port_is_dpdk(ifp->port_id) && vn_tap_link_state(ifp->port_id) < 0) {
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
vn_interface_set_mac(uint32_t if_index, const uint8_t mac[6])
{
	struct vn_interface *ifp = vn_interface_get(if_index);

	if (!ifp)
		return -ENODEV;
	if (mac[0] & 1)
		return -EINVAL; /* a group address is nobody's own */
	if (vn_port_is_dpdk(ifp->port_id)) {
		struct rte_ether_addr a;
		memcpy(a.addr_bytes, mac, 6);
		int rc = rte_eth_dev_default_mac_addr_set(ifp->port_id, &a);
		if (rc < 0)
			return rc;
	}
	memcpy(ifp->mac, mac, 6);
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
		int rc = vn_port_set_mtu(ifp->port_id, mtu);
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
		for (uint32_t a = 0; ifs[i] && a < ifs[i]->n_addrs; a++)
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
vn_interface_addr6_add(uint32_t if_index, const struct vn_prefix6 *p)
{
	struct vn_interface *ifp = vn_interface_get(if_index);
	int rc;

	if (!ifp)
		return -ENODEV;
	if (p->len == 0 || p->len > 128 || vn_ip6_is_unspecified(&p->addr) ||
	    vn_ip6_is_multicast(&p->addr) || vn_ip6_is_link_local(&p->addr))
		return -EINVAL;
	for (uint32_t i = 0; i < n_ifs; i++)
		for (uint32_t a = 0; ifs[i] && a < ifs[i]->n_addrs6; a++)
			if (vn_ip6_eq(&ifs[i]->addrs6[a].addr, &p->addr))
				return -EEXIST;
	if (ifp->n_addrs6 >= VN_IF_ADDR6_MAX)
		return -ENOSPC;
	/* The first IPv6 address enables IPv6 here: probe the link-local one too. */
	if (ifp->n_addrs6 == 0) {
		struct vn_ip6 ll;
		vn_interface_ll6(ifp, &ll);
		vn_dad6_start(if_index, &ll);
	}
	ifp->addrs6[ifp->n_addrs6] = *p;
	ifp->addr6_state[ifp->n_addrs6++] = VN_ADDR6_TENTATIVE;
	if (vn_dad6_start(if_index, &p->addr))
		return 0; /* published and routed once DAD says so */
	ifp->addr6_state[ifp->n_addrs6 - 1] = VN_ADDR6_PREFERRED;
	vn_interface_publish(if_index);
	rc = vn_fib6_connected_add(if_index, p);
	if (rc < 0) {
		ifp->n_addrs6--;
		vn_interface_publish(if_index);
	}
	return rc;
}

int
vn_interface_addr6_set_state(uint32_t if_index, const struct vn_ip6 *addr, uint8_t state)
{
	struct vn_interface *ifp = vn_interface_get(if_index);
	int rc;

	for (uint32_t i = 0; ifp && i < ifp->n_addrs6; i++) {
		if (!vn_ip6_eq(&ifp->addrs6[i].addr, addr))
			continue;
		if (ifp->addr6_state[i] == state)
			return 0;
		if (ifp->addr6_state[i] == VN_ADDR6_PREFERRED)
			return -EBUSY; /* a verdict comes once, on a tentative address */
		ifp->addr6_state[i] = state;
		if (state != VN_ADDR6_PREFERRED)
			return 0;
		vn_interface_publish(if_index);
		rc = vn_fib6_connected_add(if_index, &ifp->addrs6[i]);
		if (rc < 0) {
			VN_WARN("%s: routes of a new IPv6 address: %s", ifp->name, strerror(-rc));
			ifp->addr6_state[i] = VN_ADDR6_DUPLICATE;
			vn_interface_publish(if_index);
		}
		return rc;
	}
	return -ENOENT;
}

int
vn_interface_addr6_del(uint32_t if_index, const struct vn_prefix6 *p)
{
	struct vn_interface *ifp = vn_interface_get(if_index);

	if (!ifp)
		return -ENODEV;
	for (uint32_t i = 0; i < ifp->n_addrs6; i++) {
		if (!vn_ip6_eq(&ifp->addrs6[i].addr, &p->addr) || ifp->addrs6[i].len != p->len)
			continue;
		struct vn_prefix6 gone = ifp->addrs6[i];
		bool routed = ifp->addr6_state[i] == VN_ADDR6_PREFERRED;
		--ifp->n_addrs6;
		ifp->addrs6[i] = ifp->addrs6[ifp->n_addrs6];
		ifp->addr6_state[i] = ifp->addr6_state[ifp->n_addrs6];
		vn_dad6_stop(if_index, &gone.addr);
		if (ifp->n_addrs6 == 0) {
			struct vn_ip6 ll;
			vn_interface_ll6(ifp, &ll);
			vn_dad6_stop(if_index, &ll);
		}
		vn_interface_publish(if_index);
		if (routed)
			vn_fib6_connected_del(if_index, &gone);
		return 0;
	}
	return -ENOENT;
}

int
vn_interface_for_addr6(const struct vn_ip6 *addr)
{
	int best = -1, best_len = -1;

	for (uint32_t i = 0; i < n_ifs; i++)
		for (uint32_t a = 0; ifs[i] && a < ifs[i]->n_addrs6; a++) {
			const struct vn_prefix6 *p = &ifs[i]->addrs6[a];
			if (p->len > best_len && vn_prefix6_contains(p, addr)) {
				best = i;
				best_len = p->len;
			}
		}
	return best;
}

int
vn_interface_remove(uint32_t if_index)
{
	struct vn_interface *ifp = vn_interface_get(if_index);
	struct vn_if_fp *old;

	if (!ifp)
		return -ENODEV;
	if (ifp->port_id != VN_PORT_NONE)
		return -EBUSY;
	old = vn_if_fp_table[if_index];
	__atomic_store_n(&vn_if_fp_table[if_index], NULL, __ATOMIC_RELEASE);
	/* The index may be reused once no walk holds the snapshot or a VLAN map
	 * that names it: a grace period, waited for here. */
	vn_rcu_synchronize();
	rte_free(old);
	ifs[if_index] = NULL;
	free(ifp);
	while (n_ifs > 0 && !ifs[n_ifs - 1])
		n_ifs--;
	return 0;
}

int
vn_interface_for_addr(uint32_t addr)
{
	int best = -1, best_len = -1;

	for (uint32_t i = 0; i < n_ifs; i++)
		for (uint32_t a = 0; ifs[i] && a < ifs[i]->n_addrs; a++) {
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
		if (ifs[i] && ifs[i]->port_id != VN_PORT_NONE)
			vn_port_close(ifs[i]);
		rte_free(vn_if_fp_table[i]);
		vn_if_fp_table[i] = NULL;
		free(ifs[i]);
		ifs[i] = NULL;
	}
	n_ifs = 0;
	vn_subif_forget_all();
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
