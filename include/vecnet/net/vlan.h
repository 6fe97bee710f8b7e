/*
 * VLAN sub-interfaces, as VPP has them: `lan0.100` is an interface of its
 * own (addresses, routes, neighbours, MTU, counters, admin state) on its
 * parent's port, matching frames that carry exactly its tags: one 802.1Q tag
 * (dot1q), one 802.1ad tag (dot1ad), or an outer 802.1ad or 802.1Q tag with
 * an inner 802.1Q one (QinQ). The parent keeps the untagged frames.
 *
 * Receive: ethernet-input finds a tagged frame's sub-interface in its
 * parent's VLAN map (below), makes it the packet's rx_if and strips the
 * tags with the Ethernet header. Transmit: the sub-interface's snapshot
 * (vn_if_fp) carries the parent's port and the tags; adjacency rewrites and
 * the ARP nodes write them after the MACs (vn_if_l2_write).
 */
#ifndef VECNET_NET_VLAN_H
#define VECNET_NET_VLAN_H

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <string.h>
#include <vecnet/net/interface.h>

#define VN_VLAN_VID_MAX 4094 /* 0 (priority tag) and 4095 are reserved */
#define VN_VLAN_N_VID 4096
#define VN_VLAN_NONE UINT16_MAX /* no sub-interface has these tags */
#define VN_VLAN_TPID_DOT1Q RTE_ETHER_TYPE_VLAN /* 0x8100 */
#define VN_VLAN_TPID_DOT1AD RTE_ETHER_TYPE_QINQ /* 0x88a8 */
/* The longest Ethernet header the engine writes: MACs, two tags, ethertype. */
#define VN_L2_HDR_MAX (RTE_ETHER_HDR_LEN + 8)

/* The tags a sub-interface matches, exactly (host order). */
struct vn_subif_tags {
	uint16_t outer_tpid; /* VN_VLAN_TPID_DOT1Q or VN_VLAN_TPID_DOT1AD */
	uint16_t outer_vid; /* 1..4094 */
	uint16_t inner_vid; /* 0: no inner tag; else an inner dot1q VID 1..4094 */
};

/* Double-tagged frames: few per port, scanned in order. */
struct vn_vlan_double {
	uint16_t outer_tpid; /* wire order */
	uint16_t outer_vid, inner_vid;
	uint16_t if_index;
};

/*
 * A parent's VLAN map, read by ethernet-input: immutable once published,
 * replaced by pointer and freed after an RCU grace period. Single tags are
 * one indexed load; NULL for a port without sub-interfaces.
 */
struct vn_vlan_map {
	uint16_t dot1q[VN_VLAN_N_VID]; /* VID -> sub-interface, or VN_VLAN_NONE */
	uint16_t dot1ad[VN_VLAN_N_VID];
	uint16_t n_double;
	struct vn_vlan_double dbl[VN_IF_MAX];
};

extern struct vn_vlan_map *vn_vlan_maps[VN_IF_MAX];

static inline const struct vn_vlan_map *
vn_vlan_map(uint16_t parent)
{
	return parent < VN_IF_MAX ? __atomic_load_n(&vn_vlan_maps[parent], __ATOMIC_ACQUIRE) : NULL;
}

/* The sub-interface of a double-tagged frame (outer_tpid wire order, VIDs
 * host order), or VN_VLAN_NONE. */
static inline uint16_t
vn_vlan_map_double(const struct vn_vlan_map *map, uint16_t outer_tpid, uint16_t outer_vid,
		   uint16_t inner_vid)
{
	for (uint16_t i = 0; i < map->n_double; i++) {
		const struct vn_vlan_double *d = &map->dbl[i];
		if (d->outer_tpid == outer_tpid && d->outer_vid == outer_vid &&
		    d->inner_vid == inner_vid)
			return d->if_index;
	}
	return VN_VLAN_NONE;
}

/* Length of the Ethernet header frames sent on the interface carry. */
static inline uint16_t
vn_if_l2_len(const struct vn_if_fp *fp)
{
	return RTE_ETHER_HDR_LEN + fp->l2_tags_len;
}

/* Writes the interface's Ethernet header at p (vn_if_l2_len bytes): dst,
 * the interface's MAC, its VLAN tags, ethertype (host order). */
static inline void
vn_if_l2_write(const struct vn_if_fp *fp, uint8_t *p, const uint8_t dst[6], uint16_t ethertype)
{
	uint16_t type = rte_cpu_to_be_16(ethertype);

	memcpy(p, dst, RTE_ETHER_ADDR_LEN);
	memcpy(p + 6, fp->mac, RTE_ETHER_ADDR_LEN);
	memcpy(p + 12, fp->l2_tags, fp->l2_tags_len);
	memcpy(p + 12 + fp->l2_tags_len, &type, sizeof(type));
}

/* --- control plane (main thread only) ------------------------------------ */

/* Creates the sub-interface `PARENT.ID` (admin down, the parent's MTU).
 * -ENODEV (no parent), -EINVAL (parent is a sub-interface, bad tags),
 * -EEXIST (name or tags taken on that parent), -ENOSPC. */
int vn_subif_create(uint32_t parent, uint32_t id, const struct vn_subif_tags *tags,
		    uint32_t *if_index);
/* Deletes a sub-interface. Refused with -EBUSY while an address, a route
 * path, a static neighbour or a feature names it (why, if given, says which);
 * learned neighbours are flushed. -ENODEV if not a sub-interface. */
int vn_subif_delete(uint32_t if_index, char *why, size_t why_len);
/* True if if_index is a sub-interface; fills parent, id and tags if given. */
bool vn_subif_get(uint32_t if_index, uint32_t *parent, uint32_t *id, struct vn_subif_tags *tags);
/* "dot1q 100", "dot1ad 200 inner-dot1q 300" (VPP's words). */
char *vn_subif_format_tags(const struct vn_subif_tags *tags, char *buf, size_t len);

#endif
