/*
 * Duplicate address detection for our IPv6 addresses (RFC 4862 5.4). A new
 * global address is TENTATIVE: workers do not see it (it is left out of the
 * interface snapshot: never a source, never answered for) and it has no
 * routes yet. DupAddrDetectTransmits solicitations (vn_nd6_config) go from ::
 * to its solicited-node group, RetransTimer (VN_ND_RETRANS_TIMER_MS) apart;
 * if none is answered it becomes PREFERRED (published, connected and local
 * routes added); while its interface is down or its link is, the probes wait
 * (and start over when it comes up). An NA for it, or another node's DAD NS for it, makes it
 * DUPLICATE: logged, shown, never used. dad-transmits 0 makes addresses
 * PREFERRED at once. The link-local address is probed the same way when the
 * interface gets its first IPv6 address; a conflict on it is logged and
 * shown, and the address stays in use (RFC 4862 5.4.5 would disable IPv6 on
 * the interface).
 */
#ifndef VECNET_DAD6_H
#define VECNET_DAD6_H

#include <vecnet/common.h>
#include <vecnet/net/addr.h>

enum vn_addr6_state {
	VN_ADDR6_PREFERRED,
	VN_ADDR6_TENTATIVE,
	VN_ADDR6_DUPLICATE,
};

const char *vn_addr6_state_name(uint8_t state);

/* Main thread: starts DAD of (if, addr); true if it was started (the
 * address stays tentative until vn_dad6_tick or a conflict decides). */
bool vn_dad6_start(uint32_t if_index, const struct vn_ip6 *addr);
/* Main thread: forgets a probe (address removed, interface gone). */
void vn_dad6_stop(uint32_t if_index, const struct vn_ip6 *addr);
/* Main thread: sends due probes, ends probes whose time ran out. */
void vn_dad6_tick(uint64_t now_ms);
/* Main thread: (if, addr) is in use by another node. */
void vn_dad6_conflict(uint32_t if_index, const struct vn_ip6 *addr);
/* Any thread: true while (if, addr) is being probed (RCU-published set). */
bool vn_dad6_is_tentative(uint32_t if_index, const struct vn_ip6 *addr);
/* State of the link-local address of if (PREFERRED unless probed or duplicate). */
uint8_t vn_dad6_ll_state(uint32_t if_index);

#endif
