/* What the IP command files (cli_ip.c, cli_ip6.c, cli_ip_neighbor.c) share,
 * and Lua's IP functions with them: the pieces that read the same for both
 * families. */
#ifndef VN_CLI_IP_H
#define VN_CLI_IP_H

#include <stddef.h>
#include <vecnet/cli.h>
#include <vecnet/net/addr.h>
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

/* A prefix of either family (af: enum vn_nbr_af), as the commands and Lua name it. */
struct vn_ip_prefix {
	uint8_t af;
	struct vn_prefix p4;
	struct vn_prefix6 p6;
};

/* A route's path of either family: via (all zero: none) through if_index
 * (VN_IF_ANY: the interface whose connected prefix holds via). */
struct vn_ip_path {
	union vn_nbr_addr via;
	uint32_t if_index;
};

/* A.B.C.D/LEN or X:X::X/LEN; mask_host clears the host bits. 0 or -EINVAL. */
int vn_ip_prefix_parse(const char *s, struct vn_ip_prefix *p, bool mask_host);
/* Into buf, at least VN_PREFIX6_STRLEN bytes; returns buf. */
const char *vn_ip_prefix_fmt(const struct vn_ip_prefix *p, char *buf);
/* Adds or deletes an interface address through p's family's call. */
int vn_ip_if_addr_apply(uint32_t if_index, const struct vn_ip_prefix *p, bool is_del);
/* Adds a route of p's family (a drop, or n equal-cost paths), or deletes it
 * (n 0) or one path of it (n 1), through the family's FIB call. */
int vn_ip_route_apply(const struct vn_ip_prefix *p, const struct vn_ip_path *paths, uint32_t n,
		      bool is_drop, bool is_del);
bool vn_ip_route_exists(const struct vn_ip_prefix *p);

#endif
