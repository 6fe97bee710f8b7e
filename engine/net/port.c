/*
 * Ports. DPDK ports: configure RX queues (RSS when there are several), one
 * TX queue per forwarding thread, MTU, promiscuous mode off, and start. Own
 * ports (net/port.h: host interfaces, loopbacks): a table of class and
 * device, and the control operations that dispatch on it.
 */
#define VN_LOG_MOD "port"
#include <errno.h>
#include <rte_ethdev.h>
#include <string.h>
#include <vecnet/buffer.h>

#include "net/hostif_priv.h"
#include "net/port_priv.h"

struct rte_mempool *vn_pktmbuf_pool; /* the one packet pool (buffer.h) */
struct vn_port_own vn_ports_own[VN_PORT_OWN_MAX];
static uint16_t tx_queues_wanted = 1;

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

bool
vn_device_is_own(const char *device)
{
	return strncmp(device, VN_HOSTIF_PREFIX, strlen(VN_HOSTIF_PREFIX)) == 0;
}

int
vn_port_open(struct vn_interface *ifp)
{
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;
	uint16_t port, nb_rxd = VN_RX_DESC, nb_txd = VN_TX_DESC;
	char name[RTE_ETH_NAME_MAX_LEN];
	int rc;

	if (vn_device_is_own(ifp->device))
		return vn_hostif_open(ifp, ifp->device + strlen(VN_HOSTIF_PREFIX));
	vn_port_device_name(ifp->device, name, sizeof(name));
	rc = rte_eth_dev_get_port_by_name(name, &port);
	if (rc != 0) {
		VN_ERR("%s: no DPDK port named '%s' (device '%s' not probed?)", ifp->name, name,
		       ifp->device);
		return -ENODEV;
	}
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
		conf.rx_adv_conf.rss_conf.rss_hf =
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) & info.flow_type_rss_offloads;
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
	if (rc < 0) {
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
		rte_eth_dev_stop(ifp->port_id);
		rte_eth_dev_close(ifp->port_id);
	}
	ifp->port_id = VN_PORT_NONE;
}
