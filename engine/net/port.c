/*
 * Ports. DPDK ports: configure RX queues (RSS when there are several), one
 * TX queue per forwarding thread, MTU, promiscuous mode off, and start. Own
 * ports (net/port.h: host interfaces, loopbacks): a table of class and
 * device, and the control operations that dispatch on it.
 */
#define VN_LOG_MOD "port"
#include <errno.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <string.h>
#include <vecnet/buffer.h>

#include "net/hostif_priv.h"
#include "net/loopback_priv.h"
#include "net/memif_priv.h"
#include "net/port_priv.h"
#include "net/tap_priv.h"

struct rte_mempool *vn_pktmbuf_pool; /* the one packet pool (buffer.h) */
struct vn_port_own vn_ports_own[VN_PORT_OWN_MAX];
static uint16_t tx_queues_wanted = 1;
/* DPDK ports whose vdev vecnet probed at run time (tap, memif): closing one
 * removes the vdev too, so its name and Linux interface are free again. */
static bool hotplugged[RTE_MAX_ETHPORTS];

void
vn_port_set_tx_queues(uint16_t n)
{
	tx_queues_wanted = n ? n : 1;
}

uint16_t
vn_port_tx_queues_wanted(void)
{
	return tx_queues_wanted;
}

void
vn_port_device_name(const char *device, char *name, size_t len)
{
	size_t n = strcspn(device, ",");

	if (n >= len)
		n = len - 1;
	memcpy(name, device, n);
	name[n] = '\0';
}

static bool
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
vn_device_is_own(const char *device)
{
	return has_prefix(device, VN_HOSTIF_PREFIX) || strcmp(device, VN_LOOPBACK_DEVICE) == 0 ||
	       has_prefix(device, VN_TAP_PREFIX) || has_prefix(device, VN_MEMIF_PREFIX);
}

int
vn_port_open(struct vn_interface *ifp)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	uint16_t port;

	if (has_prefix(ifp->device, VN_HOSTIF_PREFIX))
		return vn_hostif_open(ifp, ifp->device + strlen(VN_HOSTIF_PREFIX));
	if (strcmp(ifp->device, VN_LOOPBACK_DEVICE) == 0)
		return vn_loopback_open(ifp);
	if (has_prefix(ifp->device, VN_TAP_PREFIX))
		return vn_tap_open(ifp, ifp->device + strlen(VN_TAP_PREFIX));
	if (has_prefix(ifp->device, VN_MEMIF_PREFIX))
		return vn_memif_open(ifp, ifp->device + strlen(VN_MEMIF_PREFIX));
	vn_port_device_name(ifp->device, name, sizeof(name));
	if (rte_eth_dev_get_port_by_name(name, &port) != 0) {
		VN_ERR("%s: no DPDK port named '%s' (device '%s' not probed?)", ifp->name, name,
		       ifp->device);
		return -ENODEV;
	}
	return vn_port_open_dpdk(ifp, port);
}

/* Closes a port and removes its device (hot-unplug): the driver's remove
 * finds the ethdev gone and frees the vdev, so its name can be used again. */
static void
port_unplug(uint16_t port, const char *ifname)
{
	struct rte_eth_dev_info info;
	struct rte_device *dev = NULL;

	if (rte_eth_dev_info_get(port, &info) == 0)
		dev = info.device;
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port); /* releases the port id */
	if (dev) {
		int rc = rte_dev_remove(dev);
		if (rc < 0)
			VN_WARN("%s: removing its device: %s", ifname, strerror(-rc));
	}
}

static int port_open_dpdk(struct vn_interface *ifp, uint16_t port, bool start_may_fail);

int
vn_port_open_vdev(struct vn_interface *ifp, const char *vdev, const char *args,
		  bool start_may_fail)
{
	char devargs[512];
	uint16_t port;
	int rc;

	snprintf(devargs, sizeof(devargs), "%s,%s", vdev, args);
	rc = rte_dev_probe(devargs);
	if (rc < 0) {
		VN_ERR("%s: probing %s: %s", ifp->name, devargs, strerror(-rc));
		return rc;
	}
	if (rte_eth_dev_get_port_by_name(vdev, &port) != 0) {
		VN_ERR("%s: %s probed but has no ethdev", ifp->name, vdev);
		return -ENODEV;
	}
	rc = port_open_dpdk(ifp, port, start_may_fail);
	if (rc < 0) {
		port_unplug(port, ifp->name);
		ifp->port_id = VN_PORT_NONE;
		return rc;
	}
	hotplugged[port] = true;
	return 0;
}

int
vn_port_open_dpdk(struct vn_interface *ifp, uint16_t port)
{
	return port_open_dpdk(ifp, port, false);
}

/* RSS hashes both families' flows: addresses, and ports of UDP and TCP, over
 * IPv4 and IPv6 (with extension headers too), masked by what the NIC offers.
 * Dropping the IPv6 bits would put every IPv6 flow on one queue. */
#define VN_RSS_HF (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP)
_Static_assert((VN_RSS_HF & RTE_ETH_RSS_IPV6) && (VN_RSS_HF & RTE_ETH_RSS_NONFRAG_IPV6_UDP) &&
		       (VN_RSS_HF & RTE_ETH_RSS_NONFRAG_IPV6_TCP) && (VN_RSS_HF & RTE_ETH_RSS_IPV4),
	       "RSS must hash IPv4 and IPv6 flows");

static int
port_open_dpdk(struct vn_interface *ifp, uint16_t port, bool start_may_fail)
{
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;
	uint16_t nb_rxd = VN_RX_DESC, nb_txd = VN_TX_DESC;
	int rc;

	rc = rte_eth_dev_info_get(port, &info);
	if (rc != 0)
		return rc;
	if (ifp->n_rx_queues > info.max_rx_queues || ifp->n_tx_queues > info.max_tx_queues) {
		VN_ERR("%s: %s supports %u RX / %u TX queues, %u / %u wanted", ifp->name,
		       info.driver_name, info.max_rx_queues, info.max_tx_queues, ifp->n_rx_queues,
		       ifp->n_tx_queues);
		return -EINVAL;
	}
	if (ifp->n_rx_queues > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = VN_RSS_HF & info.flow_type_rss_offloads;
	}
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	rc = rte_eth_dev_configure(port, ifp->n_rx_queues, ifp->n_tx_queues, &conf);
	if (rc < 0) {
		VN_ERR("%s: configure failed: %s", ifp->name, strerror(-rc));
		return rc;
	}
	rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
	for (uint16_t q = 0; q < ifp->n_rx_queues; q++) {
		rc = rte_eth_rx_queue_setup(port, q, nb_rxd, rte_eth_dev_socket_id(port), NULL,
					    vn_pktmbuf_pool);
		if (rc < 0) {
			VN_ERR("%s: RX queue %u setup failed: %s", ifp->name, q, strerror(-rc));
			return rc;
		}
	}
	for (uint16_t q = 0; q < ifp->n_tx_queues; q++) {
		rc = rte_eth_tx_queue_setup(port, q, nb_txd, rte_eth_dev_socket_id(port), NULL);
		if (rc < 0) {
			VN_ERR("%s: TX queue %u setup failed: %s", ifp->name, q, strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_set_mtu(port, ifp->mtu);
	if (rc < 0)
		VN_DEBUG("%s: device MTU %u not set (%s); enforced in software", ifp->name,
			 ifp->mtu, strerror(-rc));
	rc = rte_eth_dev_start(port);
	if (rc < 0 && start_may_fail) {
		VN_INFO("%s: not started yet (%s); its driver's owner retries", ifp->name,
			strerror(-rc));
	} else if (rc < 0) {
		VN_ERR("%s: start failed: %s", ifp->name, strerror(-rc));
		return rc;
	}
	/* We answer only for our own MAC; ethernet-input filters what the device lets through. */
	rte_eth_promiscuous_disable(port);
	rte_eth_macaddr_get(port, &mac);
	memcpy(ifp->mac, mac.addr_bytes, 6);
	snprintf(ifp->driver, sizeof(ifp->driver), "%s", info.driver_name);
	ifp->port_id = port;
	ifp->admin_up = true;
	return 0;
}

uint16_t
vn_port_own_add(const struct vn_port_class *cls, void *dev)
{
	for (uint16_t i = 0; i < VN_PORT_OWN_MAX; i++) {
		if (vn_ports_own[i].cls)
			continue;
		vn_ports_own[i].dev = dev;
		/* Published last: a reader that sees the class sees the device. */
		__atomic_store_n(&vn_ports_own[i].cls, cls, __ATOMIC_RELEASE);
		return VN_PORT_OWN_BASE + i;
	}
	return VN_PORT_NONE;
}

void
vn_port_own_del(uint16_t port_id)
{
	uint32_t i = (uint32_t)port_id - VN_PORT_OWN_BASE;

	if (i < VN_PORT_OWN_MAX)
		vn_ports_own[i] = (struct vn_port_own){0};
}

const char *
vn_port_input_node(uint16_t port_id)
{
	const struct vn_port_own *p = vn_port_own(port_id);

	return p ? p->cls->input_node : "port-rx";
}

bool
vn_port_link_up(uint16_t port_id)
{
	const struct vn_port_own *p = vn_port_own(port_id);
	struct rte_eth_link link;

	if (p)
		return p->cls->link_up(p->dev);
	/* A tap's Linux side may be in another namespace, where net_tap does not look. */
	int tap = vn_tap_link_state(port_id);
	if (tap >= 0)
		return tap;
	if (!vn_port_is_dpdk(port_id) || rte_eth_link_get_nowait(port_id, &link) != 0)
		return false;
	return link.link_status == RTE_ETH_LINK_UP;
}

int
vn_port_set_mtu(uint16_t port_id, uint16_t mtu)
{
	const struct vn_port_own *p = vn_port_own(port_id);

	if (p)
		return p->cls->set_mtu ? p->cls->set_mtu(p->dev, mtu) : -ENOTSUP;
	return vn_port_is_dpdk(port_id) ? rte_eth_dev_set_mtu(port_id, mtu) : -ENODEV;
}

void
vn_port_close(struct vn_interface *ifp)
{
	const struct vn_port_own *p = vn_port_own(ifp->port_id);

	if (p) {
		p->cls->close(p->dev);
		vn_port_own_del(ifp->port_id);
	} else if (vn_port_is_dpdk(ifp->port_id)) {
		uint16_t port = ifp->port_id;

		vn_tap_forget(port);
		vn_memif_forget(port);
		if (hotplugged[port]) {
			hotplugged[port] = false;
			port_unplug(port, ifp->name);
		} else {
			rte_eth_dev_stop(port);
			rte_eth_dev_close(port);
		}
	}
	ifp->port_id = VN_PORT_NONE;
}
