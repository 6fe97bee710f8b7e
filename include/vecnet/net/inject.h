/* Control-plane packet injection into forwarding threads (ping, plugins). */
#ifndef VECNET_NET_INJECT_H
#define VECNET_NET_INJECT_H

#include <rte_mbuf.h>

/*
 * Posts IPv4 packets (data at the IPv4 header, vn_meta filled) to the
 * control-inject node of forwarding thread `thread_index`, which sends them
 * to ip4-lookup on its next loop. Main thread only (single producer).
 * Returns how many were taken (the caller frees the rest), or -ENODEV.
 */
int vn_control_inject(uint32_t thread_index, struct rte_mbuf **pkts, uint16_t n);

#endif
