/*
 * Interface commands, in vppctl syntax: show interface [address] [IF], show
 * hardware-interfaces [IF], clear interfaces, set interface state|ip
 * address|mtu. Handlers parse, then call the same control functions that the
 * YAML loader uses; a refused change is reported with the reason.
 */
#define VN_LOG_MOD "cli"
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <rte_ethdev.h>
#include <vecnet/cli.h>
#include <vecnet/net/interface.h>

#include "net/port_priv.h"

/* --- show interface ------------------------------------------------------------ */

static void
vn_cli_if_show_one(struct vn_cli_out *out, const struct vn_interface *ifp)
{
	static const char *const names[] = {"rx packets", "rx bytes", "drops",
					    "tx packets", "tx bytes", "tx-error"};
	struct vn_if_counters c;
	uint64_t values[VN_ARRAY_LEN(names)];
	char pfx[24];

	vn_interface_counters(ifp->if_index, &c);
	values[0] = c.rx_packets;
	values[1] = c.rx_bytes;
	values[2] = c.drops;
	values[3] = c.tx_packets;
	values[4] = c.tx_bytes;
	values[5] = c.tx_errors;
	vn_cli_printf(out, "%-16s %4u  %-5s  %-5s  %5u", ifp->name, ifp->if_index,
		      ifp->admin_up ? "up" : "down",
		      vn_interface_link_up(ifp->if_index) ? "up" : "down", ifp->mtu);
	/* Every counter, zero or not, so scripts find each row in the same place. */
	for (size_t i = 0; i < VN_ARRAY_LEN(names); i++) {
		if (i > 0)
			vn_cli_printf(out, "%42s", "");
		vn_cli_printf(out, "  %-12s %16" PRIu64 "\n", names[i], values[i]);
	}
	for (uint32_t a = 0; a < ifp->n_addrs; a++)
		vn_cli_printf(out, "  address %s\n", vn_fmt_prefix(&ifp->addrs[a], pfx));
}

static int
vn_cli_show_interface(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t only = VN_IF_MAX;

	if (!vn_cli_arg_ifname(args, &only))
		only = VN_IF_MAX;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	vn_cli_printf(out, "%-16s %4s  %-5s  %-5s  %5s  %-12s %16s\n", "Name", "Idx", "State",
		      "Link", "MTU", "Counter", "Count");
	for (uint32_t i = 0; i < vn_interface_count(); i++)
		if (only == VN_IF_MAX || only == i)
			vn_cli_if_show_one(out, vn_interface_get(i));
	return 0;
}

VN_CLI_COMMAND(show_interface) = {
	.path = "show interface",
	.syntax = "[IF]",
	.help = "interface state, MTU, counters and addresses",
	.fn = vn_cli_show_interface,
	.complete = &vn_cli_ifname,
};

/* --- show interface address ---------------------------------------------------- */

/* VPP's layout: "lan0 (up):", then "  L3 10.0.1.1/24" per address. */
static int
vn_cli_show_if_addr(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t only = VN_IF_MAX;
	char pfx[24];

	if (!vn_cli_arg_ifname(args, &only))
		only = VN_IF_MAX;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	for (uint32_t i = 0; i < vn_interface_count(); i++) {
		const struct vn_interface *ifp = vn_interface_get(i);

		if (ifp == NULL || (only != VN_IF_MAX && only != i))
			continue;
		vn_cli_printf(out, "%s (%s):\n", ifp->name, ifp->admin_up ? "up" : "dn");
		for (uint32_t a = 0; a < ifp->n_addrs; a++)
			vn_cli_printf(out, "  L3 %s\n", vn_fmt_prefix(&ifp->addrs[a], pfx));
	}
	return 0;
}

VN_CLI_COMMAND(show_if_addr) = {
	.path = "show interface address",
	.syntax = "[IF]",
	.help = "interface addresses",
	.fn = vn_cli_show_if_addr,
	.complete = &vn_cli_ifname,
};

/* --- show hardware-interfaces -------------------------------------------------- */

static void
vn_cli_hw_show_one(struct vn_cli_out *out, const struct vn_interface *ifp)
{
	struct rte_eth_stats st;
	struct rte_eth_link link;
	char mac[18], lk[RTE_ETH_LINK_MAX_STR_LEN];

	vn_cli_printf(out, "%s (idx %u) %s\n", ifp->name, ifp->if_index,
		      ifp->admin_up ? "up" : "down");
	vn_cli_printf(out, "  driver %s, device %s\n", ifp->driver[0] ? ifp->driver : "-",
		      ifp->device[0] ? ifp->device : "-");
	vn_cli_printf(out, "  mac %s, rx queues %u, tx queues %u\n", vn_fmt_mac(ifp->mac, mac),
		      ifp->n_rx_queues, ifp->n_tx_queues);
	if (ifp->port_id == VN_PORT_NONE) {
		vn_cli_printf(out, "  no DPDK port (virtual interface)\n");
		return;
	}
	vn_cli_printf(out, "  port %u\n", ifp->port_id);
	if (rte_eth_link_get_nowait(ifp->port_id, &link) == 0 &&
	    rte_eth_link_to_str(lk, sizeof(lk), &link) > 0)
		vn_cli_printf(out, "  %s\n", lk);
	else
		vn_cli_printf(out, "  link state unknown\n");
	if (rte_eth_stats_get(ifp->port_id, &st) == 0)
		vn_cli_printf(out,
			      "  ipackets %" PRIu64 " opackets %" PRIu64 " imissed %" PRIu64
			      " ierrors %" PRIu64 " oerrors %" PRIu64 " rx_nombuf %" PRIu64 "\n",
			      st.ipackets, st.opackets, st.imissed, st.ierrors, st.oerrors,
			      st.rx_nombuf);
	else
		vn_cli_printf(out, "  ethdev statistics unavailable\n");
}

static int
vn_cli_show_hw(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t only = VN_IF_MAX;

	if (!vn_cli_arg_ifname(args, &only))
		only = VN_IF_MAX;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	for (uint32_t i = 0; i < vn_interface_count(); i++)
		if (only == VN_IF_MAX || only == i)
			vn_cli_hw_show_one(out, vn_interface_get(i));
	if (vn_interface_count() == 0)
		vn_cli_printf(out, "no interfaces\n");
	return 0;
}

VN_CLI_COMMAND(show_hw) = {
	.path = "show hardware-interfaces",
	.syntax = "[IF]",
	.help = "driver, device, port, MAC, queues, link and ethdev statistics",
	.fn = vn_cli_show_hw,
	.complete = &vn_cli_ifname,
};

/* --- clear interfaces ---------------------------------------------------------- */

static int
vn_cli_clear_interfaces(struct vn_cli_out *out, struct vn_cli_args *args)
{
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	/* A snapshot that later reads subtract: the workers' counters are not touched. */
	vn_interface_counters_clear();
	return 0;
}

VN_CLI_COMMAND(clear_interfaces) = {
	.path = "clear interfaces",
	.help = "restart the interface counters",
	.fn = vn_cli_clear_interfaces,
};

/* --- set interface ... --------------------------------------------------------- */

static const char *
if_name_of(uint32_t if_index)
{
	const struct vn_interface *ifp = vn_interface_get(if_index);

	return ifp != NULL ? ifp->name : "?";
}

static int
vn_cli_set_if_state(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t ifi;
	bool up;
	int rc;

	if (!vn_cli_arg_ifname(args, &ifi))
		return vn_cli_unexpected(args);
	if (vn_cli_arg_keyword(args, "up"))
		up = true;
	else if (vn_cli_arg_keyword(args, "down"))
		up = false;
	else
		return vn_cli_unexpected(args);
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_interface_set_admin(ifi, up);
	if (rc < 0)
		return vn_cli_error(out, "set interface state %s: %s", if_name_of(ifi),
				    strerror(-rc));
	return 0;
}

VN_CLI_COMMAND(set_if_state) = {
	.path = "set interface state",
	.syntax = "IF up|down",
	.help = "administrative state",
	.fn = vn_cli_set_if_state,
	.complete = &vn_cli_ifname,
};

static const char *
vn_cli_addr_errstr(int rc, bool is_del)
{
	switch (rc) {
	case -EEXIST:
		return "address already in use";
	case -EINVAL:
		return "not a host address (zero, network or broadcast)";
	case -ENOSPC:
		return "too many addresses on the interface";
	case -ENOENT:
		return is_del ? "no such address on the interface" : "no such entry";
	default:
		return strerror(-rc);
	}
}

static int
vn_cli_set_if_addr(struct vn_cli_out *out, struct vn_cli_args *args)
{
	bool is_del = vn_cli_arg_keyword(args, "del");
	struct vn_prefix p;
	char pfx[24];
	uint32_t ifi;
	int rc;

	if (!vn_cli_arg_ifname(args, &ifi) || !vn_cli_arg_prefix(args, &p) ||
	    !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = is_del ? vn_interface_addr_del(ifi, &p) : vn_interface_addr_add(ifi, &p);
	if (rc < 0)
		return vn_cli_error(out, "set interface ip address %s%s %s: %s",
				    is_del ? "del " : "", if_name_of(ifi),
				    vn_fmt_prefix(&p, pfx), vn_cli_addr_errstr(rc, is_del));
	return 0;
}

VN_CLI_COMMAND(set_if_addr) = {
	.path = "set interface ip address",
	.syntax = "[del] IF A.B.C.D/LEN",
	.help = "add or delete an interface address (and its connected route)",
	.fn = vn_cli_set_if_addr,
	.complete = &vn_cli_ifname,
};

static int
vn_cli_set_if_mtu(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t mtu, ifi;
	int rc;

	/* VPP order: the number, then the interface; VPP's newer spelling names the
	 * MTU `packet` (the L3 MTU, which is what vecnet has). The range is the
	 * control API's. */
	(void)vn_cli_arg_keyword(args, "packet");
	if (!vn_cli_arg_u32_range(args, 68, 9000, &mtu) || !vn_cli_arg_ifname(args, &ifi) ||
	    !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_interface_set_mtu(ifi, (uint16_t)mtu);
	if (rc < 0)
		return vn_cli_error(out, "set interface mtu %u %s: %s", mtu, if_name_of(ifi),
				    strerror(-rc));
	return 0;
}

VN_CLI_COMMAND(set_if_mtu) = {
	.path = "set interface mtu",
	.syntax = "[packet] N IF",
	.help = "IP MTU (68-9000)",
	.fn = vn_cli_set_if_mtu,
	.complete = &vn_cli_ifname,
};
