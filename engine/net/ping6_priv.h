/* The IPv6 half of the `ping` command (ping6.c), called by ping.c once it
 * has parsed an IPv6 address and the options. */
#ifndef VN_PING6_PRIV_H
#define VN_PING6_PRIV_H

#include <vecnet/cli.h>
#include <vecnet/net/addr.h>

/* source: the interface of a link-local destination, or VN_IF_ANY. */
int vn_ping6(struct vn_cli_out *out, const struct vn_ip6 *dst, uint32_t source, uint32_t repeat,
	     double interval);

#endif
