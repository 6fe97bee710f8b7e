/*
 * IP commands of both families, in vppctl syntax: set interface ip address
 * and ip route add|del (an IPv4 or IPv6 prefix: one parser, then the family's
 * control call), show ip fib [summary];
 * and what the IP command files share (cli_ip.h). show ip6 fib is in
 * cli_ip6.c, the neighbour commands in cli_ip_neighbor.c. They parse and call
 * the FIB control API, the same functions the YAML loader uses.
 */
#define _GNU_SOURCE
#define VN_LOG_MOD "cli"
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/interface.h>

#include "net/fib_priv.h"
#include "net/cli_ip.h"

const char *
vn_cli_ip_if_name(uint32_t if_index)
{
	const struct vn_interface *ifp = vn_interface_get(if_index);

	return ifp != NULL ? ifp->name : "?";
}

const char *
vn_route_source_name(enum vn_route_source src)
{
	switch (src) {
	case VN_ROUTE_CONNECTED:
		return "connected";
	case VN_ROUTE_LOCAL:
		return "local";
	case VN_ROUTE_HOST:
		return "neighbor";
	default:
		return "static";
	}
}

const char *
vn_cli_fmt_via(uint8_t af, const union vn_nbr_addr *via, uint32_t if_index, char *buf,
	       size_t len)
{
	static const union vn_nbr_addr none;
	char ip[VN_IP6_STRLEN];
	int n = 0;

	buf[0] = '\0';
	if (memcmp(via, &none, af == VN_NBR_IP4 ? sizeof(via->ip4) : sizeof(via->ip6)) != 0)
		n = snprintf(buf, len, " via %s", vn_fmt_nbr_addr(af, via, ip));
	if (if_index != VN_IF_ANY && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "%s%s", n == 0 ? " via " : " ",
			 vn_cli_ip_if_name(if_index));
	return buf;
}

bool
vn_cli_arg_nbr_addr(struct vn_cli_args *args, uint8_t *af, union vn_nbr_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (vn_cli_arg_ip4(args, &addr->ip4)) {
		*af = VN_NBR_IP4;
		return true;
	}
	if (vn_cli_arg_ip6(args, &addr->ip6)) {
		*af = VN_NBR_IP6;
		return true;
	}
	return false;
}

/* " via 10.0.1.9 lan0" into buf, for messages and listings. */
static const char *
vn_cli_fmt_path(const struct vn_route_path *rp, char *buf, size_t len)
{
	return vn_cli_fmt_via(VN_NBR_IP4, &(union vn_nbr_addr){.ip4 = rp->via}, rp->if_index, buf,
			      len);
}

/* --- both families' prefixes, addresses and routes (the commands' and Lua's) --- */

static void
ip_prefix_mask(struct vn_ip_prefix *p)
{
	if (p->af == VN_NBR_IP4)
		p->p4.addr &= vn_prefix_mask(p->p4.len);
	else
		vn_ip6_mask(&p->p6.addr, p->p6.len);
}

int
vn_ip_prefix_parse(const char *s, struct vn_ip_prefix *p, bool mask_host)
{
	memset(p, 0, sizeof(*p));
	if (vn_parse_prefix(s, &p->p4) == 0)
		p->af = VN_NBR_IP4;
	else if (vn_parse_prefix6(s, &p->p6) == 0)
		p->af = VN_NBR_IP6;
	else
		return -EINVAL;
	if (mask_host)
		ip_prefix_mask(p);
	return 0;
}

const char *
vn_ip_prefix_fmt(const struct vn_ip_prefix *p, char *buf)
{
	return p->af == VN_NBR_IP4 ? vn_fmt_prefix(&p->p4, buf) : vn_fmt_prefix6(&p->p6, buf);
}

int
vn_ip_if_addr_apply(uint32_t if_index, const struct vn_ip_prefix *p, bool is_del)
{
	if (p->af == VN_NBR_IP4)
		return is_del ? vn_interface_addr_del(if_index, &p->p4)
			      : vn_interface_addr_add(if_index, &p->p4);
	return is_del ? vn_interface_addr6_del(if_index, &p->p6)
		      : vn_interface_addr6_add(if_index, &p->p6);
}

int
vn_ip_route_apply(const struct vn_ip_prefix *p, const struct vn_ip_path *paths, uint32_t n,
		  bool is_drop, bool is_del)
{
	struct vn_route_path p4[VN_ECMP_MAX_PATHS];
	struct vn_route6_path p6[VN_ECMP_MAX_PATHS];

	if (n > VN_ECMP_MAX_PATHS)
		return -ENOSPC;
	for (uint32_t i = 0; i < n; i++) {
		p4[i] = (struct vn_route_path){.via = paths[i].via.ip4, .if_index = paths[i].if_index};
		p6[i] = (struct vn_route6_path){.via = paths[i].via.ip6, .if_index = paths[i].if_index};
	}
	if (p->af == VN_NBR_IP4) {
		if (is_del)
			return vn_route_del(&p->p4, n ? p4 : NULL);
		return is_drop ? vn_route_add_drop(&p->p4) : vn_route_add(&p->p4, p4, n);
	}
	if (is_del)
		return vn_route6_del(&p->p6, n ? p6 : NULL);
	return is_drop ? vn_route6_add_drop(&p->p6) : vn_route6_add(&p->p6, p6, n);
}

bool
vn_ip_route_exists(const struct vn_ip_prefix *p)
{
	if (p->af == VN_NBR_IP4)
		return vn_fib_get(&p->p4, &(struct vn_route_info){0}) == 0;
	return vn_fib6_get(&p->p6, &(struct vn_route6_info){0}) == 0;
}

/* A.B.C.D/LEN, else X:X::X/LEN (the CLI's types, for what it expected). */
static bool
arg_ip_prefix(struct vn_cli_args *args, struct vn_ip_prefix *p, bool mask_host)
{
	memset(p, 0, sizeof(*p));
	if (vn_cli_arg_prefix(args, &p->p4))
		p->af = VN_NBR_IP4;
	else if (vn_cli_arg_prefix6(args, &p->p6))
		p->af = VN_NBR_IP6;
	else
		return false;
	if (mask_host)
		ip_prefix_mask(p);
	return true;
}

/* --- set interface ip address ---------------------------------------------------- */

/* VPP keeps this command with the IP ones (ip46_cli.c), not the interface's. */
static const char *
if_addr_errstr(uint8_t af, int rc, bool is_del, uint32_t if_index)
{
	const struct vn_interface *ifp = vn_interface_get(if_index);

	switch (rc) {
	case -EEXIST:
		return "address already in use";
	case -EINVAL:
		return af == VN_NBR_IP4 ? "not a host address (zero, network or broadcast)"
					: "not a unicast global address (link-local ones follow the MAC)";
	case -ENOSPC:
		/* IPv4: or no room for its connected and local routes. */
		return af == VN_NBR_IP6 || (ifp && ifp->n_addrs >= VN_IF_ADDR_MAX)
			   ? "too many addresses on the interface"
			   : "route table full (engine.ip4-routes): nothing added";
	case -ENOENT:
		return is_del ? "no such address on the interface" : "no such entry";
	default:
		return strerror(-rc);
	}
}

static int
set_if_addr(struct vn_cli_out *out, struct vn_cli_args *args)
{
	bool is_del = vn_cli_arg_keyword(args, "del");
	char pfx[VN_PREFIX6_STRLEN];
	struct vn_ip_prefix p;
	uint32_t ifi;
	int rc;

	if (!vn_cli_arg_ifname(args, &ifi) || !arg_ip_prefix(args, &p, false) ||
	    !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_ip_if_addr_apply(ifi, &p, is_del);
	if (rc < 0)
		return vn_cli_error(out, "set interface ip address %s%s %s: %s", is_del ? "del " : "",
				    vn_cli_ip_if_name(ifi), vn_ip_prefix_fmt(&p, pfx),
				    if_addr_errstr(p.af, rc, is_del, ifi));
	return 0;
}

VN_CLI_COMMAND(set_if_addr) = {
	.path = "set interface ip address",
	.syntax = "[del] IF A.B.C.D/LEN | [del] IF X:X::X/LEN",
	.help = "add or delete an interface address (and its connected route)",
	.fn = set_if_addr,
	.complete = &vn_cli_ifname,
};

/* --- ip route add / del ----------------------------------------------------------- */

/* A route command's prefix and paths, either family; a route names its
 * network (`ip route add 10.5.1.1/16` means 10.5.0.0/16, as in VPP). */
struct cli_route {
	struct vn_ip_prefix pfx;
	uint32_t n_paths;
	struct vn_ip_path paths[VN_ECMP_MAX_PATHS];
};

/* "ADDR [IF]" after a `via`, an address of the prefix's family, into path i. */
static bool
arg_route_path(struct vn_cli_args *args, struct cli_route *r, uint32_t i)
{
	struct vn_ip_path *rp = &r->paths[i];

	memset(&rp->via, 0, sizeof(rp->via));
	if (r->pfx.af == VN_NBR_IP4 ? !vn_cli_arg_ip4(args, &rp->via.ip4)
				    : !vn_cli_arg_ip6(args, &rp->via.ip6))
		return false;
	if (!vn_cli_arg_ifname(args, &rp->if_index))
		rp->if_index = VN_IF_ANY;
	return true;
}

static const char *
route_fmt_path(const struct cli_route *r, uint32_t i, char *buf, size_t len)
{
	return vn_cli_fmt_via(r->pfx.af, &r->paths[i].via, r->paths[i].if_index, buf, len);
}

/* What each family's FIB means by its refusals. */
static const char *
route_errstr(uint8_t af, int rc)
{
	bool ip4 = af == VN_NBR_IP4;

	switch (rc) {
	case -ENOENT:
		return "no such route";
	case -EEXIST:
		return "a connected or local route holds this prefix";
	case -EPERM:
		return "a connected or local route: delete the interface address instead";
	case -ENOSPC:
		return ip4 ? "no space (route table or paths full)"
			   : "no space (route table full: engine.ip6-routes; or paths full)";
	case -EINVAL:
		return ip4 ? "invalid route" : "invalid route (a link-local via needs its interface)";
	case -ENETUNREACH:
		return ip4 ? "next hop unreachable"
			   : "next hop not on a connected prefix (name its interface)";
	case -EHOSTUNREACH:
		return "next hop unreachable";
	case -ENODEV:
		return "no such interface";
	default:
		return strerror(-rc);
	}
}

static int
vn_cli_ip_route_add(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct cli_route r = {0};
	bool is_drop = false, exists;
	char pfx[VN_PREFIX6_STRLEN], ps[96];
	int rc;

	if (!arg_ip_prefix(args, &r.pfx, true) || !vn_cli_arg_keyword(args, "via"))
		return vn_cli_unexpected(args);
	if (vn_cli_arg_keyword(args, "drop")) {
		is_drop = true;
	} else {
		/* Each further `via` is one more equal-cost path. */
		do {
			if (r.n_paths == VN_ECMP_MAX_PATHS)
				return vn_cli_error(out, "ip route add: at most %u paths",
						    VN_ECMP_MAX_PATHS);
			if (!arg_route_path(args, &r, r.n_paths))
				return vn_cli_unexpected(args);
			r.n_paths++;
		} while (vn_cli_arg_keyword(args, "via"));
	}
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	exists = vn_ip_route_exists(&r.pfx);
	rc = vn_ip_route_apply(&r.pfx, r.paths, r.n_paths, is_drop, false);
	if (rc == -ENOSPC && !exists && r.pfx.af == VN_NBR_IP4 && vn_fib_route_room() == 0)
		return vn_cli_error(out,
				    "ip route add %s: route table full (%u routes, the most "
				    "engine.ip4-routes allows): nothing added",
				    vn_ip_prefix_fmt(&r.pfx, pfx), vn_fib_route_max());
	if (rc < 0)
		return vn_cli_error(out, "ip route add %s%s: %s", vn_ip_prefix_fmt(&r.pfx, pfx),
				    is_drop ? " via drop" : route_fmt_path(&r, 0, ps, sizeof(ps)),
				    route_errstr(r.pfx.af, rc));
	return 0;
}

VN_CLI_COMMAND(ip_route_add) = {
	.path = "ip route add",
	.syntax = "PREFIX via ADDR [IF] [via ADDR [IF]]... | PREFIX via drop (IPv4 or IPv6)",
	.help = "add a static route; several vias (or adds) make equal-cost paths",
	.fn = vn_cli_ip_route_add,
	.complete = &vn_cli_ifname,
};

static int
vn_cli_ip_route_del(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct cli_route r = {0};
	bool has_path = false;
	char pfx[VN_PREFIX6_STRLEN], ps[96];
	int rc;

	if (!arg_ip_prefix(args, &r.pfx, true))
		return vn_cli_unexpected(args);
	if (vn_cli_arg_keyword(args, "via")) {
		if (!arg_route_path(args, &r, 0))
			return vn_cli_unexpected(args);
		has_path = true;
	}
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_ip_route_apply(&r.pfx, r.paths, has_path, false, true);
	if (rc == -ENOENT && has_path && vn_ip_route_exists(&r.pfx))
		return vn_cli_error(out, "ip route del %s%s: no such path", vn_ip_prefix_fmt(&r.pfx, pfx),
				    route_fmt_path(&r, 0, ps, sizeof(ps)));
	if (rc < 0)
		return vn_cli_error(out, "ip route del %s: %s", vn_ip_prefix_fmt(&r.pfx, pfx),
				    route_errstr(r.pfx.af, rc));
	return 0;
}

VN_CLI_COMMAND(ip_route_del) = {
	.path = "ip route del",
	.syntax = "PREFIX [via ADDR [IF]]",
	.help = "delete a route, or one of its paths",
	.fn = vn_cli_ip_route_del,
	.complete = &vn_cli_ifname,
};

/* --- show ip fib ---------------------------------------------------------------------- */

/* "10.0.2.0/24 (connected)", then "  via 10.0.2.2 lan1 -> <adjacency>" per path. */
static int
vn_cli_fib_route(const struct vn_route_info *r, void *ctx)
{
	struct vn_cli_out *out = ctx;
	char pfx[24], ps[64], adj[128];

	vn_cli_printf(out, "%s (%s)\n", vn_fmt_prefix(&r->prefix, pfx), vn_route_source_name(r->source));
	if (r->is_drop) {
		vn_cli_printf(out, "  -> %s\n", vn_adj_format(VN_ADJ_INDEX_DROP, adj, sizeof(adj)));
		return 0;
	}
	if (r->n_paths == 0) {
		uint32_t a = r->source == VN_ROUTE_LOCAL ? VN_ADJ_INDEX_LOCAL : VN_ADJ_INDEX_UNREACH;

		vn_cli_printf(out, "  -> %s\n", vn_adj_format(a, adj, sizeof(adj)));
		return 0;
	}
	for (uint32_t i = 0; i < r->n_paths && i < VN_ECMP_MAX_PATHS; i++) {
		uint32_t ifi = r->paths[i].if_index;
		const struct vn_if_fp *fp = ifi < VN_IF_MAX ? vn_if_fp((uint16_t)ifi) : NULL;

		vn_cli_printf(out, " %s -> %s%s\n", vn_cli_fmt_path(&r->paths[i], ps, sizeof(ps)),
			      vn_adj_format(r->adj[i], adj, sizeof(adj)),
			      fp && !fp->link_up ? " (link down)" : "");
	}
	return 0;
}

static int
vn_cli_show_ip_fib(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_route_info ri;
	struct vn_prefix p;
	uint32_t addr;
	char buf[24];

	if (vn_cli_arg_prefix(args, &p)) {
		if (!vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		p.addr &= vn_prefix_mask(p.len);
		if (vn_fib_get(&p, &ri) < 0)
			return vn_cli_error(out, "show ip fib %s: no such route",
					    vn_fmt_prefix(&p, buf));
		vn_cli_fib_route(&ri, out);
		return 0;
	}
	if (vn_cli_arg_ip4(args, &addr)) {
		if (!vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		if (vn_fib_lookup(addr, &ri) < 0)
			return vn_cli_error(out, "show ip fib %s: no route", vn_fmt_ip4(addr, buf));
		vn_cli_fib_route(&ri, out);
		return 0;
	}
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_cli_printf(out, "ipv4 fib: %u routes, %u adjacencies, %u ecmp groups\n",
		      vn_fib_route_count(), vn_adj_count(), vn_ecmp_count());
	vn_fib_walk(vn_cli_fib_route, out);
	return 0;
}

VN_CLI_COMMAND(show_ip_fib) = {
	.path = "show ip fib",
	.syntax = "[PREFIX|ADDR]",
	.help = "routes and what each path resolves to; PREFIX exact, ADDR longest match",
	.fn = vn_cli_show_ip_fib,
};

/* VPP's `show ip fib summary`: how many routes of each prefix length. */
static int
vn_cli_fib_count_len(const struct vn_route_info *r, void *ctx)
{
	uint32_t *counts = ctx;

	if (r->prefix.len <= 32)
		counts[r->prefix.len]++;
	return 0;
}

static int
vn_cli_show_ip_fib_summary(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t counts[33] = {0};

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_fib_walk(vn_cli_fib_count_len, counts);
	/* VPP's "%=20s%=16s" heading, then "%20d%16d" rows, shortest prefix first. */
	vn_cli_printf(out, "ipv4-VRF:0, fib_index:0\n");
	vn_cli_printf(out, "%3s%s%4s%5s%s%6s\n", "", "Prefix length", "", "", "Count", "");
	for (uint32_t len = 0; len <= 32; len++)
		if (counts[len] != 0)
			vn_cli_printf(out, "%20u%16u\n", len, counts[len]);
	return 0;
}

VN_CLI_COMMAND(show_ip_fib_summary) = {
	.path = "show ip fib summary",
	.help = "number of routes of each prefix length",
	.fn = vn_cli_show_ip_fib_summary,
};
