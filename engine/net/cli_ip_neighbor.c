/*
 * Neighbour commands of both families, in vppctl syntax: set ip neighbor
 * (an IPv4 or IPv6 address), show ip neighbors (both families, as VPP), show
 * ip6 neighbors (IPv6 with its reachability state), set and show ip
 * neighbor-config (the hold queue of packets awaiting resolution, ND's
 * reachable time and DAD). One parser and one row format for both
 * families: they call the one neighbour table (net/neighbor.h).
 */
#define VN_LOG_MOD "cli"
#include <errno.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/neighbor6.h>

#include "net/cli_ip.h"
#include "net/neighbor_priv.h"

static const char *
neighbor_errstr(int rc)
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
set_ip_neighbor(struct vn_cli_out *out, struct vn_cli_args *args)
{
	bool is_del = vn_cli_arg_keyword(args, "del"), is_static = false;
	char ip[VN_IP6_STRLEN];
	union vn_nbr_addr a;
	uint8_t af, mac[6];
	uint32_t ifi;
	int rc;

	if (!vn_cli_arg_ifname(args, &ifi) || !vn_cli_arg_nbr_addr(args, &af, &a))
		return vn_cli_unexpected(args);
	if (is_del) {
		/* VPP names the MAC on delete too; accept it, it identifies nothing more. */
		(void)vn_cli_arg_mac(args, mac);
		if (!vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		rc = vn_nbr_del(af, ifi, &a);
	} else {
		if (!vn_cli_arg_mac(args, mac))
			return vn_cli_unexpected(args);
		is_static = vn_cli_arg_keyword(args, "static");
		if (!vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		rc = vn_nbr_set(af, ifi, &a, mac, is_static);
	}
	if (rc < 0)
		return vn_cli_error(out, "set ip neighbor %s%s %s: %s", is_del ? "del " : "",
				    vn_cli_ip_if_name(ifi), vn_fmt_nbr_addr(af, &a, ip),
				    neighbor_errstr(rc));
	return 0;
}

VN_CLI_COMMAND(set_ip_neighbor) = {
	.path = "set ip neighbor",
	.syntax = "[del] IF ADDR MAC [static]",
	.help = "add (dynamic unless static) or delete an ARP or IPv6 neighbour entry",
	.fn = set_ip_neighbor,
	.complete = &vn_cli_ifname,
};

struct neighbor_rows {
	struct vn_cli_out *out;
	uint32_t only; /* interface filter, VN_IF_ANY for all */
	uint64_t now_ms;
	bool with_state;
};

/* VPP's row: age in seconds, address, flags (S static / D dynamic, R
 * router), MAC, interface; `show ip6 neighbors` adds the ND state. */
static void
neighbor_row(const struct vn_nbr *n, void *arg)
{
	struct neighbor_rows *c = arg;
	char ip[VN_IP6_STRLEN], mac[18], flags[4], state[16] = "";
	uint64_t age = c->now_ms >= n->updated_ms ? c->now_ms - n->updated_ms : 0;

	if (c->only != VN_IF_ANY && n->if_index != c->only)
		return;
	snprintf(flags, sizeof(flags), "%s%s", n->is_static ? "S" : "D", n->is_router ? "R" : "");
	if (c->with_state)
		snprintf(state, sizeof(state), "%-9s  ",
			 n->is_static ? "PERMANENT" : vn_nd_state_name(n->state));
	vn_cli_printf(c->out, "%10.3f  %-15s  %-5s  %-17s  %s%s\n", (double)age / 1000.0,
		      vn_fmt_nbr_addr(n->af, &n->addr, ip), flags, vn_fmt_mac(n->mac, mac), state,
		      vn_cli_ip_if_name(n->if_index));
}

static int
show_neighbors(struct vn_cli_out *out, struct vn_cli_args *args, uint8_t af)
{
	struct neighbor_rows c = {.out = out, .with_state = af == VN_NBR_IP6};

	if (!vn_cli_arg_ifname(args, &c.only))
		c.only = VN_IF_ANY;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	c.now_ms = vn_nbr_now_ms(); /* the clock that stamps the entries */
	vn_cli_printf(out, "%10s  %-15s  %-5s  %-17s  %s%s\n", "Time", "IP", "Flags", "Ethernet",
		      c.with_state ? "State      " : "", "Interface");
	vn_nbr_walk(af, neighbor_row, &c);
	return 0;
}

static int
show_ip_neighbors(struct vn_cli_out *out, struct vn_cli_args *args)
{
	return show_neighbors(out, args, VN_NBR_AF_ANY); /* both families, as VPP */
}

static int
show_ip6_neighbors(struct vn_cli_out *out, struct vn_cli_args *args)
{
	return show_neighbors(out, args, VN_NBR_IP6);
}

VN_CLI_COMMAND(show_ip_neighbors) = {
	.path = "show ip neighbors",
	.syntax = "[IF]",
	.help = "ARP and IPv6 entries: age in seconds, flags S static / D dynamic, R router",
	.fn = show_ip_neighbors,
	.complete = &vn_cli_ifname,
};

/* VPP spells it both ways. */
VN_CLI_COMMAND(show_ip_neighbor) = {
	.path = "show ip neighbor",
	.syntax = "[IF]",
	.help = "same as show ip neighbors",
	.fn = show_ip_neighbors,
	.complete = &vn_cli_ifname,
};

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

/* --- packets held while a neighbour resolves ------------------------------------------ */

/* VPP's `set ip neighbor-config` sets table limits; ours sets the hold queue
 * of both families (Linux's unres_qlen) and how long its packets wait, and
 * IPv6 neighbour discovery's reachable time and DAD probes. */
static int
set_ip_neighbor_config(struct vn_cli_out *out, struct vn_cli_args *args)
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
	.fn = set_ip_neighbor_config,
};

static int
show_ip_neighbor_config(struct vn_cli_out *out, struct vn_cli_args *args)
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
	.fn = show_ip_neighbor_config,
};
