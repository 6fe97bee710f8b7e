/*
 * IPv4 routing commands, in vppctl syntax: ip route add|del, show ip fib
 * [summary], set ip neighbor, show ip neighbors (or neighbor), set and show ip
 * neighbor-config (the hold queue of packets awaiting ARP). They parse and
 * call the FIB and neighbour control API, the same functions the YAML loader
 * uses.
 */
#define _GNU_SOURCE
#define VN_LOG_MOD "cli"
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <vecnet/cli.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/neighbor6.h>

#include "net/fib_priv.h"
#include "net/cli_ip6.h"

static const char *
if_name_of(uint32_t if_index)
{
	const struct vn_interface *ifp = vn_interface_get(if_index);

	return ifp != NULL ? ifp->name : "?";
}

/* A route names its network: `ip route add 10.5.1.1/16` means 10.5.0.0/16, as in VPP. */
static void
vn_cli_prefix_mask(struct vn_prefix *p)
{
	p->addr &= vn_prefix_mask(p->len);
}

/* " via 10.0.1.9 lan0" into buf, for messages and listings. */
static const char *
vn_cli_fmt_path(const struct vn_route_path *rp, char *buf, size_t len)
{
	char ip[16];
	int n = 0;

	buf[0] = '\0';
	if (rp->via != 0)
		n = snprintf(buf, len, " via %s", vn_fmt_ip4(rp->via, ip));
	if (rp->if_index != VN_IF_ANY && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "%s%s", n == 0 ? " via " : " ",
			 if_name_of(rp->if_index));
	return buf;
}

static const char *
vn_cli_route_errstr(int rc)
{
	switch (rc) {
	case -ENOENT:
		return "no such route";
	case -EEXIST:
		return "a connected or local route holds this prefix";
	case -EPERM:
		return "a connected or local route: delete the interface address instead";
	case -ENOSPC:
		return "no space (route table or paths full)";
	case -EINVAL:
		return "invalid route";
	case -ENETUNREACH:
	case -EHOSTUNREACH:
		return "next hop unreachable";
	default:
		return strerror(-rc);
	}
}

/* --- ip route add / del ----------------------------------------------------------- */

/* "ADDR [IF]" after a `via`. */
static bool
vn_cli_arg_path(struct vn_cli_args *args, struct vn_route_path *rp)
{
	if (!vn_cli_arg_ip4(args, &rp->via))
		return false;
	if (!vn_cli_arg_ifname(args, &rp->if_index))
		rp->if_index = VN_IF_ANY;
	return true;
}

static int
vn_cli_ip_route_add(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_route_path paths[VN_ECMP_MAX_PATHS];
	uint32_t n_paths = 0;
	struct vn_prefix p;
	bool is_drop = false, exists;
	struct vn_prefix6 p6;
	char pfx[24], ps[64];
	int rc;

	if (!vn_cli_arg_prefix(args, &p)) {
		if (vn_cli_arg_prefix6(args, &p6))
			return vn_cli_ip6_route(out, args, &p6, true);
		return vn_cli_unexpected(args);
	}
	if (!vn_cli_arg_keyword(args, "via"))
		return vn_cli_unexpected(args);
	if (vn_cli_arg_keyword(args, "drop")) {
		is_drop = true;
	} else {
		/* Each further `via` is one more equal-cost path. */
		do {
			if (n_paths == VN_ECMP_MAX_PATHS)
				return vn_cli_error(out, "ip route add: at most %u paths",
						    VN_ECMP_MAX_PATHS);
			if (!vn_cli_arg_path(args, &paths[n_paths]))
				return vn_cli_unexpected(args);
			n_paths++;
		} while (vn_cli_arg_keyword(args, "via"));
	}
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_cli_prefix_mask(&p);
	exists = vn_fib_get(&p, &(struct vn_route_info){0}) == 0;
	rc = is_drop ? vn_route_add_drop(&p) : vn_route_add(&p, paths, n_paths);
	if (rc == -ENOSPC && !exists && vn_fib_route_room() == 0)
		return vn_cli_error(out,
				    "ip route add %s: route table full (%u routes, the most "
				    "engine.ip4-routes allows): nothing added",
				    vn_fmt_prefix(&p, pfx), vn_fib_route_max());
	if (rc < 0)
		return vn_cli_error(out, "ip route add %s%s: %s", vn_fmt_prefix(&p, pfx),
				    is_drop ? " via drop"
					    : vn_cli_fmt_path(&paths[0], ps, sizeof(ps)),
				    vn_cli_route_errstr(rc));
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
	struct vn_route_path rp = {.if_index = VN_IF_ANY};
	struct vn_route_info ri;
	bool has_path = false;
	struct vn_prefix p;
	struct vn_prefix6 p6;
	char pfx[24], ps[64];
	int rc;

	if (!vn_cli_arg_prefix(args, &p)) {
		if (vn_cli_arg_prefix6(args, &p6))
			return vn_cli_ip6_route(out, args, &p6, false);
		return vn_cli_unexpected(args);
	}
	if (vn_cli_arg_keyword(args, "via")) {
		if (!vn_cli_arg_path(args, &rp))
			return vn_cli_unexpected(args);
		has_path = true;
	}
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_cli_prefix_mask(&p);
	rc = vn_route_del(&p, has_path ? &rp : NULL);
	if (rc == -ENOENT && has_path && vn_fib_get(&p, &ri) == 0)
		return vn_cli_error(out, "ip route del %s%s: no such path", vn_fmt_prefix(&p, pfx),
				    vn_cli_fmt_path(&rp, ps, sizeof(ps)));
	if (rc < 0)
		return vn_cli_error(out, "ip route del %s: %s", vn_fmt_prefix(&p, pfx),
				    vn_cli_route_errstr(rc));
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

static const char *
vn_cli_route_source(const struct vn_route_info *r)
{
	switch (r->source) {
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

/* "10.0.2.0/24 (connected)", then "  via 10.0.2.2 lan1 -> <adjacency>" per path. */
static int
vn_cli_fib_route(const struct vn_route_info *r, void *ctx)
{
	struct vn_cli_out *out = ctx;
	char pfx[24], ps[64], adj[128];

	vn_cli_printf(out, "%s (%s)\n", vn_fmt_prefix(&r->prefix, pfx), vn_cli_route_source(r));
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
		vn_cli_prefix_mask(&p);
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

/* --- neighbours ------------------------------------------------------------------------ */

static const char *
vn_cli_neighbor_errstr(int rc)
{
	switch (rc) {
	case -ENOENT:
		return "no such neighbor";
	case -EINVAL:
		return "invalid address or MAC";
	case -ENOSPC:
		return "neighbor table full";
	case -EEXIST:
		return "a static entry exists (add with static to replace it)";
	case -ENODEV:
		return "no such interface";
	case -ENETUNREACH:
	case -EHOSTUNREACH:
		return "address not on a connected subnet of the interface";
	default:
		return strerror(-rc);
	}
}

static int
vn_cli_set_ip_neighbor(struct vn_cli_out *out, struct vn_cli_args *args)
{
	bool is_del = vn_cli_arg_keyword(args, "del"), is_static = false;
	uint8_t mac[6];
	uint32_t ifi, addr;
	struct vn_ip6 a6;
	char ip[16];
	int rc;

	if (!vn_cli_arg_ifname(args, &ifi))
		return vn_cli_unexpected(args);
	if (!vn_cli_arg_ip4(args, &addr)) {
		if (vn_cli_arg_ip6(args, &a6))
			return vn_cli_ip6_neighbor(out, args, ifi, &a6, is_del);
		return vn_cli_unexpected(args);
	}
	if (is_del) {
		/* VPP names the MAC on delete too; accept it, it identifies nothing more. */
		(void)vn_cli_arg_mac(args, mac);
		if (!vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		rc = vn_neighbor_del(ifi, addr);
	} else {
		if (!vn_cli_arg_mac(args, mac))
			return vn_cli_unexpected(args);
		is_static = vn_cli_arg_keyword(args, "static");
		if (!vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		rc = vn_neighbor_set(ifi, addr, mac, is_static);
	}
	if (rc < 0)
		return vn_cli_error(out, "set ip neighbor %s%s %s: %s", is_del ? "del " : "",
				    if_name_of(ifi), vn_fmt_ip4(addr, ip),
				    vn_cli_neighbor_errstr(rc));
	return 0;
}

VN_CLI_COMMAND(set_ip_neighbor) = {
	.path = "set ip neighbor",
	.syntax = "[del] IF ADDR MAC [static]",
	.help = "add (dynamic unless static) or delete an ARP or IPv6 neighbour entry",
	.fn = vn_cli_set_ip_neighbor,
	.complete = &vn_cli_ifname,
};

struct vn_cli_nbr_ctx {
	struct vn_cli_out *out;
	uint32_t only; /* interface filter, VN_IF_ANY for all */
	uint64_t now_ms;
};

static void
vn_cli_nbr_row(const struct vn_neighbor_info *n, void *arg)
{
	struct vn_cli_nbr_ctx *c = arg;
	char ip[16], mac[18];
	uint64_t age = c->now_ms >= n->updated_ms ? c->now_ms - n->updated_ms : 0;

	if (c->only != VN_IF_ANY && n->if_index != c->only)
		return;
	vn_cli_printf(c->out, "%10.3f  %-15s  %-5s  %-17s  %s\n", (double)age / 1000.0,
		      vn_fmt_ip4(n->addr, ip), n->is_static ? "S" : "D", vn_fmt_mac(n->mac, mac),
		      if_name_of(n->if_index));
}

static int
vn_cli_show_ip_neighbors(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_cli_nbr_ctx c = {.out = out, .only = VN_IF_ANY};
	struct timespec ts;

	if (!vn_cli_arg_ifname(args, &c.only))
		c.only = VN_IF_ANY;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	/* The neighbour table stamps entries with CLOCK_MONOTONIC milliseconds. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	c.now_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	vn_cli_printf(out, "%10s  %-15s  %-5s  %-17s  %s\n", "Time", "IP", "Flags", "Ethernet",
		      "Interface");
	vn_neighbor_walk(vn_cli_nbr_row, &c);
	vn_cli_ip6_neighbor_rows(out, c.only, c.now_ms); /* both families, as VPP */
	return 0;
}

VN_CLI_COMMAND(show_ip_neighbors) = {
	.path = "show ip neighbors",
	.syntax = "[IF]",
	.help = "ARP entries: age in seconds, flags S static / D dynamic",
	.fn = vn_cli_show_ip_neighbors,
	.complete = &vn_cli_ifname,
};

/* VPP spells it both ways. */
VN_CLI_COMMAND(show_ip_neighbor) = {
	.path = "show ip neighbor",
	.syntax = "[IF]",
	.help = "same as show ip neighbors",
	.fn = vn_cli_show_ip_neighbors,
	.complete = &vn_cli_ifname,
};

/* --- packets held while a neighbour resolves ------------------------------------------ */

/* VPP's `set ip neighbor-config` sets table limits; ours sets the hold queue
 * of both families (Linux's unres_qlen) and how long its packets wait, and
 * IPv6 neighbour discovery's reachable time and DAD probes. */
static int
vn_cli_set_ip_neighbor_config(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_neighbor_config c;
	struct vn_nd6_config nd;
	bool any = false;

	vn_neighbor_config_get(&c);
	vn_nd6_config_get(&nd);
	for (;;) {
		if (vn_cli_arg_keyword(args, "queue-length")) {
			if (!vn_cli_arg_u32_range(args, 0, VN_NEIGHBOR_QUEUE_MAX, &c.queue_len))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "resolve-timeout")) {
			if (!vn_cli_arg_u32_range(args, 1, VN_NEIGHBOR_TIMEOUT_MAX_MS, &c.timeout_ms))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "reachable-time")) {
			if (!vn_cli_arg_u32_range(args, 1, VN_ND_REACHABLE_MAX_MS, &nd.reachable_ms))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "dad-transmits")) {
			if (!vn_cli_arg_u32_range(args, 0, VN_ND_DAD_TRANSMITS_MAX,
						  &nd.dad_transmits))
				return vn_cli_unexpected(args);
		} else {
			break;
		}
		any = true;
	}
	if (!any || !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	if (vn_neighbor_config_set(&c) < 0 || vn_nd6_config_set(&nd) < 0)
		return vn_cli_error(out, "set ip neighbor-config: invalid value");
	return 0;
}

VN_CLI_COMMAND(set_ip_neighbor_config) = {
	.path = "set ip neighbor-config",
	.syntax = "[queue-length N] [resolve-timeout MS] [reachable-time MS] [dad-transmits N]",
	.help = "packets held per unresolved next hop and thread (0: none), and for how long; "
		"IPv6 neighbour reachable time and DAD probes per address (0: none)",
	.fn = vn_cli_set_ip_neighbor_config,
};

static int
vn_cli_show_ip_neighbor_config(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_neighbor_config c;
	struct vn_nd6_config nd;

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_neighbor_config_get(&c);
	vn_cli_printf(out, "queue-length %u packets per unresolved next hop and thread\n",
		      c.queue_len);
	vn_cli_printf(out, "resolve-timeout %u ms\n", c.timeout_ms);
	vn_nd6_config_get(&nd);
	vn_cli_printf(out, "reachable-time %u ms (IPv6)\ndad-transmits %u (IPv6)\n",
		      nd.reachable_ms, nd.dad_transmits);
	return 0;
}

VN_CLI_COMMAND(show_ip_neighbor_config) = {
	.path = "show ip neighbor-config",
	.help = "the hold queue for packets to unresolved next hops, IPv6 reachability and DAD",
	.fn = vn_cli_show_ip_neighbor_config,
};
