/* IPv6 halves of the dual-stack commands in cli_ip.c and cli_interface.c:
 * each of those parses an IPv6 argument where it expects an address, and
 * hands the rest of the line here. */
#ifndef VN_CLI_IP6_H
#define VN_CLI_IP6_H

#include <vecnet/cli.h>
#include <vecnet/net/addr.h>

/* `ip route add|del` after the IPv6 prefix. */
int vn_cli_ip6_route(struct vn_cli_out *out, struct vn_cli_args *args, struct vn_prefix6 *p,
		     bool is_add);
/* `set ip neighbor [del] IF` after the IPv6 address. */
int vn_cli_ip6_neighbor(struct vn_cli_out *out, struct vn_cli_args *args, uint32_t if_index,
			const struct vn_ip6 *addr, bool is_del);
/* `set interface ip address [del] IF` after the IPv6 prefix. */
int vn_cli_ip6_if_addr(struct vn_cli_out *out, struct vn_cli_args *args, uint32_t if_index,
		       const struct vn_prefix6 *p, bool is_del);
/* The IPv6 rows of `show ip neighbors` (only: an interface or VN_IF_ANY). */
void vn_cli_ip6_neighbor_rows(struct vn_cli_out *out, uint32_t only, uint64_t now_ms);

#endif
