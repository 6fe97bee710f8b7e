/*
 * ip4-local: packets addressed to one of our addresses. The node answers ICMP
 * echo itself; everything else goes to a handler claimed by protocol, or is
 * dropped (UDP with an ICMP port unreachable, as a Linux host would).
 */
#ifndef VECNET_IP4_LOCAL_H
#define VECNET_IP4_LOCAL_H

#include <rte_mbuf.h>
#include <vecnet/common.h>

/* Receives one ICMP echo reply addressed to us, data at its IPv4 header, the
 * ICMP checksum already verified. The hook consumes the packet (frees it or
 * keeps it). It runs on the forwarding thread inside the graph walk: it must
 * not block, and state it shares with the control thread needs atomics or a
 * ring. */
typedef void (*vn_ip4_local_icmp_hook)(struct rte_mbuf *m);

/* Installs (fn) or removes (NULL) the hook for echo replies; the engine's
 * `ping` command uses it. Without a hook, echo replies are dropped (counted).
 * May be called at any time; a thread sees the new hook from its next packet. */
void vn_ip4_local_set_echo_reply_hook(vn_ip4_local_icmp_hook fn);

/* Sends every packet of IP protocol proto addressed to us to node_name (data at
 * the IPv4 header, rx_if set), e.g. TCP termination. Only before the graph is
 * built (adds a next arc to ip4-local). Returns 0, -EBUSY for ICMP (ip4-local
 * answers it) or after the build, -EEXIST if proto is claimed by another node,
 * or the error of vn_node_add_next. node_name must stay valid (a literal). */
int vn_ip4_local_register_protocol(uint8_t proto, const char *node_name);

#endif
