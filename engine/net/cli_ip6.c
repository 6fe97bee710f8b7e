/*
 * IPv6 commands, in vppctl syntax: show ip6 fib [PREFIX|ADDR] and show ip6
 * interface [IF]. `set interface ip address`, `ip route` and the neighbour
 * commands take both families (cli_ip.c, cli_ip_neighbor.c). They call the
 * same control API as the YAML loader and Lua.
 */
#define VN_LOG_MOD "cli"
#include <errno.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/dad6.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor6.h>

#include "net/cli_ip.h"
#include "net/ra6_priv.h"

/* " via 2001:db8::2 lan0" into buf, for listings. */
static const char *
path6_fmt(const struct vn_route6_path *rp, char *buf, size_t len)
{
	return vn_cli_fmt_via(VN_NBR_IP6, &(union vn_nbr_addr){.ip6 = rp->via}, rp->if_index, buf,
			      len);
}

/* --- show ip6 fib ---------------------------------------------------------- */
static int
fib6_route_row(const struct vn_route6_info *r, void *ctx)
{
	struct vn_cli_out *out = ctx;
	char pfx[VN_PREFIX6_STRLEN], ps[96], adj[160];

	vn_cli_printf(out, "%s (%s)\n", vn_fmt_prefix6(&r->prefix, pfx), vn_route_source_name(r->source));
	if (r->is_drop || r->source == VN_ROUTE_LOCAL || r->source == VN_ROUTE_CONNECTED) {
		vn_cli_printf(out, "  -> %s\n", vn_adj_format(r->adj[0], adj, sizeof(adj)));
		return 0;
	}
	for (uint32_t i = 0; i < r->n_paths && i < VN_ECMP_MAX_PATHS; i++)
		vn_cli_printf(out, " %s -> %s\n", path6_fmt(&r->paths[i], ps, sizeof(ps)),
			      vn_adj_format(r->adj[i], adj, sizeof(adj)));
	return 0;
}

static int
show_ip6_fib(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char buf[VN_PREFIX6_STRLEN];
	struct vn_route6_info ri;
	struct vn_prefix6 p;
	struct vn_ip6 a;

	if (vn_cli_arg_prefix6(args, &p)) {
		if (!vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		vn_ip6_mask(&p.addr, p.len);
		if (vn_fib6_get(&p, &ri) < 0)
			return vn_cli_error(out, "show ip6 fib %s: no such route",
					    vn_fmt_prefix6(&p, buf));
		fib6_route_row(&ri, out);
		return 0;
	}
	if (vn_cli_arg_ip6(args, &a)) {
		if (!vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		if (vn_fib6_lookup(&a, &ri) < 0)
			return vn_cli_error(out, "show ip6 fib %s: no route", vn_fmt_ip6(&a, buf));
		fib6_route_row(&ri, out);
		return 0;
	}
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_cli_printf(out, "ipv6 fib: %u routes\n", vn_fib6_route_count());
	vn_fib6_walk(fib6_route_row, out);
	return 0;
}

VN_CLI_COMMAND(show_ip6_fib) = {
	.path = "show ip6 fib",
	.syntax = "[PREFIX|ADDR]",
	.help = "IPv6 routes and what each path resolves to; PREFIX exact, ADDR longest match",
	.fn = show_ip6_fib,
};

/* --- interfaces (VPP's show ip6 interface) ----------------------------------- */
static void
ip6_interface_rows(struct vn_cli_out *out, const struct vn_interface *ifp,
		   const struct vn_nd6_config *nd)
{
	char a[VN_PREFIX6_STRLEN];
	struct vn_ip6 ll, group;
	uint8_t st = vn_dad6_ll_state(ifp->if_index);

	vn_interface_ll6(ifp, &ll);
	vn_cli_printf(out, "%s is admin %s\n  Link-local address(es):\n    %s%s%s%s\n", ifp->name,
		      ifp->admin_up ? "up" : "down", vn_fmt_ip6(&ll, a),
		      st == VN_ADDR6_PREFERRED ? "" : " (",
		      st == VN_ADDR6_PREFERRED ? "" : vn_addr6_state_name(st),
		      st == VN_ADDR6_PREFERRED ? "" : ")");
	vn_cli_printf(out, "  Global unicast address(es):\n");
	for (uint32_t i = 0; i < ifp->n_addrs6; i++) {
		st = ifp->addr6_state[i];
		vn_cli_printf(out, "    %s%s%s%s\n", vn_fmt_prefix6(&ifp->addrs6[i], a),
			      st == VN_ADDR6_PREFERRED ? "" : " (",
			      st == VN_ADDR6_PREFERRED ? "" : vn_addr6_state_name(st),
			      st == VN_ADDR6_PREFERRED ? "" : ")");
	}
	/* The groups ethernet-input accepts: all-nodes and our addresses' solicited-node ones. */
	vn_cli_printf(out, "  Joined group address(es):\n    ff02::1\n");
	vn_ip6_solicited_node_of(&ll, &group);
	vn_cli_printf(out, "    %s\n", vn_fmt_ip6(&group, a));
	for (uint32_t i = 0; i < ifp->n_addrs6; i++) {
		if (ifp->addr6_state[i] != VN_ADDR6_PREFERRED)
			continue;
		vn_ip6_solicited_node_of(&ifp->addrs6[i].addr, &group);
		vn_cli_printf(out, "    %s\n", vn_fmt_ip6(&group, a));
	}
	vn_cli_printf(out, "  ND reachable time is %u milliseconds\n  DAD transmits %u\n",
		      nd->reachable_ms, nd->dad_transmits);
	vn_ra6_show_rows(out, ifp->if_index);
}

static int
show_ip6_interface(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_nd6_config nd;
	uint32_t only;

	if (!vn_cli_arg_ifname(args, &only))
		only = VN_IF_ANY;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_nd6_config_get(&nd);
	for (uint32_t i = 0; i < vn_interface_count(); i++) {
		const struct vn_interface *ifp = vn_interface_get(i);

		/* As VPP: only interfaces with IPv6 on (an address), unless named. */
		if (!ifp || (only != VN_IF_ANY ? only != i : ifp->n_addrs6 == 0))
			continue;
		ip6_interface_rows(out, ifp, &nd);
	}
	return 0;
}

VN_CLI_COMMAND(show_ip6_interface) = {
	.path = "show ip6 interface",
	.syntax = "[IF]",
	.help = "IPv6 per interface: link-local and global addresses (tentative, duplicate), "
		"joined groups, ND settings",
	.fn = show_ip6_interface,
	.complete = &vn_cli_ifname,
};
