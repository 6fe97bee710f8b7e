/*
 * ip6-local: IPv6 packets for us. The node answers ICMPv6 (echo, neighbour
 * discovery) itself; packets of another protocol to one of our unicast
 * addresses go to the node that claimed that protocol, or get what a Linux
 * host answers (UDP and TCP: port unreachable; others: parameter problem).
 */
#ifndef VECNET_IP6_LOCAL_H
#define VECNET_IP6_LOCAL_H

#include <rte_mbuf.h>
#include <vecnet/common.h>

/* Receives one ICMPv6 echo reply addressed to us, data at its IPv6 header,
 * its checksum verified. The hook consumes the packet. It runs on the
 * forwarding thread inside the graph walk: it must not block. */
typedef void (*vn_ip6_local_icmp_hook)(struct rte_mbuf *m);

/* Installs (fn) or removes (NULL) the hook for echo replies (the engine's
 * `ping` for IPv6). Without one, echo replies are dropped (counted). */
void vn_ip6_local_set_echo_reply_hook(vn_ip6_local_icmp_hook fn);

/* Receives one ICMPv6 packet too big addressed to us, as the echo-reply
 * hook does (data at the IPv6 header, checksum verified). Returns true when
 * it took the packet (used it, or passed it on); false leaves it to the
 * caller, which drops it by name. */
typedef bool (*vn_ip6_local_too_big_hook)(struct rte_mbuf *m);

/* Installs (fn) or removes (NULL) the hook for packet too big messages
 * (RFC 8201 path MTU discovery: the host stack lowers a connection's MSS).
 * What no hook takes is dropped as "icmp6 error received". */
void vn_ip6_local_set_too_big_hook(vn_ip6_local_too_big_hook fn);

/* Sends every packet of upper-layer protocol proto (after any extension
 * headers; vn_ip6_walk in net/ip6.h finds it again) addressed to one of our
 * unicast addresses to node_name, data at the IPv6 header, rx_if set;
 * fragments are never handed over (no reassembly). Only before the graph is
 * built (adds a next arc to ip6-local). Returns 0, -EBUSY for ICMPv6 (ip6-local
 * answers it) or after the build, -EEXIST if proto is claimed by another node,
 * or the error of vn_node_add_next. node_name must stay valid (a literal). */
int vn_ip6_local_register_protocol(uint8_t proto, const char *node_name);

#endif
