/* The IPv6 half of `set interface ip address` in cli_interface.c, which
 * parses an IPv6 prefix where it expects one and hands the rest here. */
#ifndef VN_CLI_IP6_H
#define VN_CLI_IP6_H

#include <vecnet/cli.h>
#include <vecnet/net/addr.h>

/* `set interface ip address [del] IF` after the IPv6 prefix. */
int vn_cli_ip6_if_addr(struct vn_cli_out *out, struct vn_cli_args *args, uint32_t if_index,
		       const struct vn_prefix6 *p, bool is_del);

#endif
