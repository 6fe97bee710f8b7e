/* What the IP command files (cli_ip.c, cli_ip6.c, cli_ip_neighbor.c) share,
 * and Lua's IP functions with them: the pieces that read the same for both
 * families. */
#ifndef VN_CLI_IP_H
#define VN_CLI_IP_H

#include <stddef.h>
#include <vecnet/cli.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/neighbor.h>

/* The interface's name, "?" if there is none. */
const char *vn_cli_ip_if_name(uint32_t if_index);
/* "connected", "local", "neighbor" or "static", as VPP's fib sources read
 * (the commands' and Lua's word for a route's source). */
const char *vn_route_source_name(enum vn_route_source src);
/* " via ADDR IF" (either part may be missing: an unspecified via, VN_IF_ANY)
 * into buf, for messages and listings. */
const char *vn_cli_fmt_via(uint8_t af, const union vn_nbr_addr *via, uint32_t if_index,
			   char *buf, size_t len);
/* An address of either family, IPv4 first (its `expected` reads as before). */
bool vn_cli_arg_nbr_addr(struct vn_cli_args *args, uint8_t *af, union vn_nbr_addr *addr);

#endif
