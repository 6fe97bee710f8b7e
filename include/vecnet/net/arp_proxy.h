/*
 * Proxy ARP: addresses the engine answers ARP requests for on one interface
 * although they are not the interface's own, with the interface's MAC. The
 * NAT44 plugin uses it for its pool and static-mapping addresses on outside
 * interfaces, so a neighbour on the outside subnet can reach them.
 *
 * Entries are address ranges per interface, reference counted: adding the
 * same (interface, range) twice needs two deletes. The control plane (main
 * thread) changes them; arp-input reads an immutable snapshot published by
 * pointer and reclaimed under RCU.
 */
#ifndef VECNET_ARP_PROXY_H
#define VECNET_ARP_PROXY_H

#include <vecnet/common.h>
#include <vecnet/net/addr.h>

#define VN_ARP_PROXY_MAX 1024

/* lo..hi inclusive, host order. 0, -EINVAL (lo > hi, bad interface), -ENOSPC, -ENOMEM. */
int vn_arp_proxy_add(uint32_t if_index, uint32_t lo, uint32_t hi);
/* Drops one reference; -ENOENT if the exact range is not present. */
int vn_arp_proxy_del(uint32_t if_index, uint32_t lo, uint32_t hi);
/* Distinct ranges present. */
uint32_t vn_arp_proxy_count(void);

/* Fast path (any forwarding thread, inside a graph walk): true if ARP
 * requests for addr (host order) on if_index are answered. */
bool vn_arp_proxy_match(uint32_t if_index, uint32_t addr);

#endif
