/*
 * IPv6 commands, in vppctl syntax: show ip6 fib [PREFIX|ADDR], show ip6
 * neighbors [IF], and the IPv6 halves of the dual-stack commands (`ip route
 * add|del`, `set ip neighbor`, `set interface ip address`) that cli_ip.c and
 * cli_interface.c hand over when their address argument is IPv6. They parse
 * and call the same control API as the YAML loader and Lua.
 */
#define VN_LOG_MOD "cli"
#include <errno.h>
#include <string.h>
#include <time.h>
#include <vecnet/cli.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/dad6.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor6.h>

#include "net/cli_ip6.h"
#include "net/ra6_priv.h"

static const char *
if_name_of(uint32_t if_index)
{
	const struct vn_interface *ifp = vn_interface_get(if_index);

	return ifp != NULL ? ifp->name : "?";
}

static const char *
route6_errstr(int rc)
{
	switch (rc) {
	case -ENOENT:
		return "no such route";
	case -EEXIST:
		return "a connected or local route holds this prefix";
	case -EPERM:
		return "a connected or local route: delete the interface address instead";
	case -ENOSPC:
		return "no space (route table full: engine.ip6-routes; or paths full)";
	case -EINVAL:
		return "invalid route (a link-local via needs its interface)";
	case -ENETUNREACH:
		return "next hop not on a connected prefix (name its interface)";
	case -ENODEV:
		return "no such interface";
	default:
		return strerror(-rc);
	}
}

static const char *
path6_fmt(const struct vn_route6_path *rp, char *buf, size_t len)
{
	char ip[VN_IP6_STRLEN];
	int n = 0;

	buf[0] = '\0';
	if (!vn_ip6_is_unspecified(&rp->via))
		n = snprintf(buf, len, " via %s", vn_fmt_ip6(&rp->via, ip));
	if (rp->if_index != VN_IF_ANY && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "%s%s", n == 0 ? " via " : " ",
			 if_name_of(rp->if_index));
	return buf;
}

/* "ADDR [IF]" after a `via`. */
static bool
arg_path6(struct vn_cli_args *args, struct vn_route6_path *rp)
{
	if (!vn_cli_arg_ip6(args, &rp->via))
		return false;
	if (!vn_cli_arg_ifname(args, &rp->if_index))
		rp->if_index = VN_IF_ANY;
	return true;
}

int
vn_cli_ip6_route(struct vn_cli_out *out, struct vn_cli_args *args, struct vn_prefix6 *p,
		 bool is_add)
{
	struct vn_route6_path paths[VN_ECMP_MAX_PATHS];
	char pfx[VN_PREFIX6_STRLEN], ps[96];
	uint32_t n_paths = 0;
	bool is_drop = false;
	int rc;

	if (!is_add) {
		struct vn_route6_path rp = {.if_index = VN_IF_ANY};
		bool has_path = vn_cli_arg_keyword(args, "via");
		if ((has_path && !arg_path6(args, &rp)) || !vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		vn_ip6_mask(&p->addr, p->len);
		rc = vn_route6_del(p, has_path ? &rp : NULL);
		if (rc < 0)
			return vn_cli_error(out, "ip route del %s%s: %s", vn_fmt_prefix6(p, pfx),
					    has_path ? path6_fmt(&rp, ps, sizeof(ps)) : "",
					    rc == -ENOENT && has_path ? "no such path"
								      : route6_errstr(rc));
		return 0;
	}
	if (!vn_cli_arg_keyword(args, "via"))
		return vn_cli_unexpected(args);
	if (vn_cli_arg_keyword(args, "drop")) {
		is_drop = true;
	} else {
		do {
			if (n_paths == VN_ECMP_MAX_PATHS)
				return vn_cli_error(out, "ip route add: at most %u paths",
						    VN_ECMP_MAX_PATHS);
			if (!arg_path6(args, &paths[n_paths]))
				return vn_cli_unexpected(args);
			n_paths++;
		} while (vn_cli_arg_keyword(args, "via"));
	}
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_ip6_mask(&p->addr, p->len);
	rc = is_drop ? vn_route6_add_drop(p) : vn_route6_add(p, paths, n_paths);
	if (rc < 0)
		return vn_cli_error(out, "ip route add %s%s: %s", vn_fmt_prefix6(p, pfx),
				    is_drop ? " via drop" : path6_fmt(&paths[0], ps, sizeof(ps)),
				    route6_errstr(rc));
	return 0;
}

int
vn_cli_ip6_if_addr(struct vn_cli_out *out, struct vn_cli_args *args, uint32_t if_index,
		   const struct vn_prefix6 *p, bool is_del)
{
	char pfx[VN_PREFIX6_STRLEN];
	const char *why;
	int rc;

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = is_del ? vn_interface_addr6_del(if_index, p) : vn_interface_addr6_add(if_index, p);
	if (rc == 0)
		return 0;
	switch (rc) {
	case -EEXIST:
		why = "address already in use";
		break;
	case -EINVAL:
		why = "not a unicast global address (link-local ones follow the MAC)";
		break;
	case -ENOSPC:
		why = "too many addresses on the interface";
		break;
	case -ENOENT:
		why = "no such address on the interface";
		break;
	default:
		why = strerror(-rc);
	}
	return vn_cli_error(out, "set interface ip address %s%s %s: %s", is_del ? "del " : "",
			    if_name_of(if_index), vn_fmt_prefix6(p, pfx), why);
}

int
vn_cli_ip6_neighbor(struct vn_cli_out *out, struct vn_cli_args *args, uint32_t if_index,
		    const struct vn_ip6 *addr, bool is_del)
{
	char ip[VN_IP6_STRLEN];
	bool is_static = false;
	uint8_t mac[6];
	int rc;

	if (is_del) {
		(void)vn_cli_arg_mac(args, mac);
		if (!vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		rc = vn_neighbor6_del(if_index, addr);
	} else {
		if (!vn_cli_arg_mac(args, mac))
			return vn_cli_unexpected(args);
		is_static = vn_cli_arg_keyword(args, "static");
		if (!vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		rc = vn_neighbor6_set(if_index, addr, mac, is_static);
	}
	if (rc < 0)
		return vn_cli_error(out, "set ip neighbor %s%s %s: %s", is_del ? "del " : "",
				    if_name_of(if_index), vn_fmt_ip6(addr, ip),
				    rc == -ENOENT   ? "no such neighbor"
				    : rc == -EEXIST ? "a static entry exists (add with static to "
						      "replace it)"
				    : rc == -EINVAL ? "invalid address or MAC"
						    : strerror(-rc));
	return 0;
}

/* --- show ip6 fib ---------------------------------------------------------- */
static const char *
source_name(enum vn_route_source s)
{
	switch (s) {
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

static int
fib6_route_row(const struct vn_route6_info *r, void *ctx)
{
	struct vn_cli_out *out = ctx;
	char pfx[VN_PREFIX6_STRLEN], ps[96], adj[160];

	vn_cli_printf(out, "%s (%s)\n", vn_fmt_prefix6(&r->prefix, pfx), source_name(r->source));
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

/* --- neighbours -------------------------------------------------------------- */
struct nbr6_ctx {
	struct vn_cli_out *out;
	uint32_t only;
	uint64_t now_ms;
};

static void
nbr6_row(const struct vn_neighbor6_info *n, void *arg)
{
	struct nbr6_ctx *c = arg;
	char ip[VN_IP6_STRLEN], mac[18], flags[4];
	uint64_t age = c->now_ms >= n->updated_ms ? c->now_ms - n->updated_ms : 0;

	if (c->only != VN_IF_ANY && n->if_index != c->only)
		return;
	snprintf(flags, sizeof(flags), "%s%s", n->is_static ? "S" : "D", n->is_router ? "R" : "");
	vn_cli_printf(c->out, "%10.3f  %-15s  %-5s  %-17s  %-9s  %s\n", (double)age / 1000.0,
		      vn_fmt_ip6(&n->addr, ip), flags, vn_fmt_mac(n->mac, mac),
		      n->is_static ? "PERMANENT" : vn_nd_state_name(n->state),
		      if_name_of(n->if_index));
}

void
vn_cli_ip6_neighbor_rows(struct vn_cli_out *out, uint32_t only, uint64_t now_ms)
{
	struct nbr6_ctx c = {.out = out, .only = only, .now_ms = now_ms};

	vn_neighbor6_walk(nbr6_row, &c);
}

static int
show_ip6_neighbors(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t only;
	struct timespec ts;

	if (!vn_cli_arg_ifname(args, &only))
		only = VN_IF_ANY;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	vn_cli_printf(out, "%10s  %-15s  %-5s  %-17s  %-9s  %s\n", "Time", "IP", "Flags",
		      "Ethernet", "State", "Interface");
	vn_cli_ip6_neighbor_rows(out, only,
				 (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
	return 0;
}

VN_CLI_COMMAND(show_ip6_neighbors) = {
	.path = "show ip6 neighbors",
	.syntax = "[IF]",
	.help = "IPv6 neighbours: age in seconds, flags S static / D dynamic, R router, "
		"reachability state",
	.fn = show_ip6_neighbors,
	.complete = &vn_cli_ifname,
};

VN_CLI_COMMAND(show_ip6_neighbor) = {
	.path = "show ip6 neighbor",
	.syntax = "[IF]",
	.help = "same as show ip6 neighbors",
	.fn = show_ip6_neighbors,
	.complete = &vn_cli_ifname,
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
