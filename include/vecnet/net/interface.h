/*
 * Interfaces: one per DPDK port. The control plane owns struct vn_interface;
 * workers read an immutable snapshot (struct vn_if_fp) published by pointer
 * and reclaimed under RCU, so a change never tears a read.
 */
#ifndef VECNET_INTERFACE_H
#define VECNET_INTERFACE_H

#include <rte_atomic.h>
#include <vecnet/common.h>
#include <vecnet/graph.h>
#include <vecnet/net/addr.h>
#include <vecnet/net/buffer.h>

#define VN_IF_MAX 64
#define VN_IF_ADDR_MAX 16
#define VN_IF_ADDR6_MAX 8 /* global IPv6 addresses; the link-local one comes on top */
#define VN_IF_FEATURE_ARCS 8 /* feature arcs an interface has bitmaps for (net/feature.h) */

/*
 * The frame interface: the network layer's meaning of the core's frame scalar
 * (vn_node.scalar). A producer that knows the one interface every packet it
 * hands on is for (rx_if after port-rx, tx_if after ip4-rewrite) states it;
 * the consumer then checks interface state and MAC once per vector.
 * Per-packet metadata stays authoritative.
 */
#define VN_FRAME_IF_MIXED VN_SCALAR_MIXED

static inline uint32_t
vn_frame_if(const struct vn_node *node)
{
	return node->scalar;
}

static inline void
vn_enqueue_if(struct vn_graph *g, struct vn_node *node, uint16_t next, struct rte_mbuf **pkts,
	      uint16_t n, uint32_t if_index)
{
	vn_enqueue_scalar(g, node, next, pkts, n, if_index);
}

static inline int
vn_graph_inject_if(struct vn_graph *g, uint16_t node_index, struct rte_mbuf **pkts, uint16_t n,
		   uint32_t if_index)
{
	return vn_graph_inject_scalar(g, node_index, pkts, n, if_index);
}

struct vn_if_counters {
	uint64_t rx_packets, rx_bytes;
	uint64_t tx_packets, tx_bytes;
	uint64_t drops; /* dropped after arriving on this interface */
	uint64_t tx_errors; /* refused by the device */
} __rte_cache_aligned;

/* What the fast path reads about an interface. Never modified once published. */
struct vn_if_fp {
	uint16_t if_index;
	uint16_t port_id;
	uint16_t mtu; /* IP MTU */
	bool admin_up;
	bool link_up;
	uint8_t mac[6];
	uint8_t n_addrs;
	struct vn_prefix addrs[VN_IF_ADDR_MAX]; /* host order */
	uint16_t n_tx_queues;
	uint32_t features[VN_IF_FEATURE_ARCS]; /* enabled features per arc (bitmap), plugins */
	/* Sub-interfaces (net/vlan.h): port_id, mac, n_tx_queues and link_up are
	 * the parent's, admin_up is both the sub's and the parent's; the VLAN tags
	 * that follow the MACs of every frame sent on it (wire order, TPID then
	 * TCI, outer first). A port has l2_tags_len 0 and sup_if_index its own. */
	uint16_t sup_if_index;
	uint8_t l2_tags_len; /* 0, 4 (dot1q or dot1ad) or 8 (QinQ) */
	uint8_t l2_tags[8];
	/* IPv6: the link-local address (EUI-64 of mac, always present) and the
	 * configured ones, network order. */
	uint8_t n_addrs6;
	struct vn_ip6 ll6;
	struct vn_prefix6 addrs6[VN_IF_ADDR6_MAX];
} __rte_cache_aligned;

extern struct vn_if_fp *vn_if_fp_table[VN_IF_MAX];

static inline const struct vn_if_fp *
vn_if_fp(uint16_t if_index)
{
	return __atomic_load_n(&vn_if_fp_table[if_index], __ATOMIC_ACQUIRE);
}

/* True if addr (host order) is one of the interface's addresses. */
static inline bool
vn_if_has_addr(const struct vn_if_fp *fp, uint32_t addr)
{
	for (uint32_t i = 0; i < fp->n_addrs; i++)
		if (fp->addrs[i].addr == addr)
			return true;
	return false;
}

/* True if addr is one of the interface's IPv6 addresses (its link-local included). */
static inline bool
vn_if_has_addr6(const struct vn_if_fp *fp, const struct vn_ip6 *addr)
{
	if (vn_ip6_eq(&fp->ll6, addr))
		return true;
	for (uint32_t i = 0; i < fp->n_addrs6; i++)
		if (vn_ip6_eq(&fp->addrs6[i].addr, addr))
			return true;
	return false;
}

struct vn_interface {
	char name[VN_IFNAME_MAX];
	char device[256];
	char driver[64];
	uint16_t if_index;
	uint16_t port_id;
	uint16_t n_rx_queues, n_tx_queues;
	uint16_t mtu;
	bool admin_up;
	uint8_t mac[6];
	uint8_t n_addrs;
	struct vn_prefix addrs[VN_IF_ADDR_MAX];
	uint32_t features[VN_IF_FEATURE_ARCS];
	int rx_workers[64]; /* explicit queue placement, -1 = any */
	uint8_t n_addrs6;
	struct vn_prefix6 addrs6[VN_IF_ADDR6_MAX]; /* global; the link-local one follows mac */
	/* enum vn_addr6_state (net/dad6.h): only preferred ones are published
	 * to the fast path and have routes */
	uint8_t addr6_state[VN_IF_ADDR6_MAX];
};

/* Interfaces are indexed 0 .. vn_interface_count() - 1; a deleted one leaves
 * a hole (vn_interface_get returns NULL) until a new one reuses it. */
uint32_t vn_interface_count(void);
struct vn_interface *vn_interface_get(uint32_t if_index); /* NULL if none */
struct vn_interface *vn_interface_by_name(const char *name);

/* Opens the port for device and creates the interface: a DPDK device (probed
 * by EAL, or at run time), "host:VETH" for a host interface, "loopback",
 * "tap:..." or "memif:..." (docs/interfaces.md). Created while the engine
 * runs, its RX queues join the workers at once. */
int vn_interface_create(const char *name, const char *device, uint16_t rx_queues, uint16_t mtu,
			uint32_t *if_index);
/* An interface with no DPDK port (unit tests): it never receives, and sends nothing. */
int vn_interface_create_virtual(const char *name, const uint8_t mac[6], uint16_t mtu,
				uint32_t *if_index);
/* Deletes an interface while traffic flows on the others (`delete
 * host-interface`, `delete loopback`): it goes down, every module forgets
 * what it keeps for it (vn_interface_hooks: routes through it, neighbours,
 * features, NAT and ACL bindings), its RX queues stop being polled, and its
 * port closes. Its index may then be reused. Main thread only. */
int vn_interface_delete(uint32_t if_index);
/* Told when an interface goes away, before its index may be reused: a module
 * drops what it keeps per interface. Main thread. */
struct vn_interface_hooks {
	void (*deleted)(uint32_t if_index);
	struct vn_interface_hooks *next;
};
void vn_interface_hooks_register(struct vn_interface_hooks *h);
void vn_interface_hooks_unregister(struct vn_interface_hooks *h);
#define VN_INTERFACE_HOOKS(id)                                                                     \
	VN_REGISTRATION(vn_interface_hooks, id, vn_interface_hooks_register,                      \
			vn_interface_hooks_unregister)

int vn_interface_set_admin(uint32_t if_index, bool up);
int vn_interface_set_mac(uint32_t if_index, const uint8_t mac[6]);
int vn_interface_set_mtu(uint32_t if_index, uint16_t mtu);
int vn_interface_addr_add(uint32_t if_index, const struct vn_prefix *p);
int vn_interface_addr_del(uint32_t if_index, const struct vn_prefix *p);
/* IPv6 addresses (global or unique-local; the link-local one is derived
 * from the MAC). -EINVAL for multicast, unspecified, link-local or a length
 * outside 1..128. */
int vn_interface_addr6_add(uint32_t if_index, const struct vn_prefix6 *p);
int vn_interface_addr6_del(uint32_t if_index, const struct vn_prefix6 *p);
/* DAD's verdict on a tentative address (net/dad6.h): preferred publishes it
 * and adds its routes; duplicate keeps it unused. */
int vn_interface_addr6_set_state(uint32_t if_index, const struct vn_ip6 *addr, uint8_t state);
/* Interface whose connected IPv6 prefix holds addr, or -1 (control plane). */
int vn_interface_for_addr6(const struct vn_ip6 *addr);
bool vn_interface_link_up(uint32_t if_index);
/* Republishes the fast-path snapshot after a control change. */
void vn_interface_publish(uint32_t if_index);
/* Takes an interface without a DPDK port (a sub-interface) out of the table
 * once nothing names it (the caller checks); its index may be reused. */
int vn_interface_remove(uint32_t if_index);
/* Interface whose connected subnet contains addr, or -1 (control plane). */
int vn_interface_for_addr(uint32_t addr);
void vn_interface_close_all(void);
/* Counters summed over threads, minus the last `clear interfaces` snapshot. */
void vn_interface_counters(uint32_t if_index, struct vn_if_counters *out);
void vn_interface_counters_clear(void);

/* Interface names as a CLI argument: a known interface, completed by name. */
extern const struct vn_cli_arg_type vn_cli_ifname;

static inline bool
vn_cli_arg_ifname(struct vn_cli_args *a, uint32_t *if_index)
{
	return vn_cli_arg(a, &vn_cli_ifname, if_index);
}

/* Where names come from: the interface table, or a unit test's own (NULL
 * restores the table). */
struct vn_cli_ifname_ops {
	int (*lookup)(const char *name, uint32_t *if_index); /* 0 if found */
	const char *(*name_at)(uint32_t i); /* iterate i = 0.. until NULL */
};
void vn_cli_set_ifname_ops(const struct vn_cli_ifname_ops *ops);

#endif
