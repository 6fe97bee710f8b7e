/*
 * Interface commands, in vppctl syntax: show interface [address] [IF], show
 * hardware-interfaces [verbose] [IF], clear interfaces, set interface
 * state|mac address|mtu (ip address: cli_ip.c, with the IP commands, as in
 * VPP). Handlers parse, then call the same control functions
 * that the YAML loader uses; a refused change is reported with the reason.
 */
#define VN_LOG_MOD "cli"
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rte_ethdev.h>
#include <vecnet/cli.h>
#include <vecnet/net/dad6.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/port.h>
#include <vecnet/net/vlan.h>

#include "net/cli_net_priv.h"
#include "net/port_priv.h"
#include "net/ra6_priv.h"

/* --- show interface ------------------------------------------------------------ */

static void
vn_cli_if_show_one(struct vn_cli_out *out, const struct vn_interface *ifp)
{
	static const char *const names[] = {"rx packets", "rx bytes", "drops",
					    "tx packets", "tx bytes", "tx-error"};
	struct vn_if_counters c;
	uint64_t values[VN_ARRAY_LEN(names)];
	struct vn_subif_tags tags;
	char pfx[24], vlan[48];
	uint32_t sup;

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
	if (vn_subif_get(ifp->if_index, &sup, NULL, &tags))
		vn_cli_printf(out, "  vlan %s on %s\n", vn_subif_format_tags(&tags, vlan, sizeof(vlan)),
			      vn_interface_get(sup)->name);
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
		if ((only == VN_IF_MAX || only == i) && vn_interface_get(i))
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
	char pfx[24], pfx6[VN_PREFIX6_STRLEN];

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
		/* IPv6: the configured ones, then (as VPP once IPv6 is on) the
		 * link-local one, which follows the MAC. */
		for (uint32_t a = 0; a < ifp->n_addrs6; a++) {
			uint8_t st = ifp->addr6_state[a];
			vn_cli_printf(out, "  L3 %s%s%s%s\n", vn_fmt_prefix6(&ifp->addrs6[a], pfx6),
				      st == VN_ADDR6_PREFERRED ? "" : " (",
				      st == VN_ADDR6_PREFERRED ? "" : vn_addr6_state_name(st),
				      st == VN_ADDR6_PREFERRED ? "" : ")");
		}
		if (ifp->n_addrs6) {
			struct vn_prefix6 ll = {.len = 64};
			uint8_t st = vn_dad6_ll_state(i);
			vn_interface_ll6(ifp, &ll.addr);
			vn_cli_printf(out, "  L3 %s (link-local%s%s)\n", vn_fmt_prefix6(&ll, pfx6),
				      st == VN_ADDR6_PREFERRED ? "" : ", ",
				      st == VN_ADDR6_PREFERRED ? "" : vn_addr6_state_name(st));
		}
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

/* VPP's %=Ns: s centred in width columns. */
static void
vn_cli_centre(struct vn_cli_out *out, const char *s, int width)
{
	int pad = width - (int)strlen(s);

	if (pad < 0)
		pad = 0;
	vn_cli_printf(out, "%*s%s%*s", pad / 2, "", s, pad - pad / 2, "");
}

/* "main (0)", "worker 1 (2)": the names of `show threads`, and the index. */
static const char *
vn_cli_thread_name(uint32_t thread, char *buf, size_t len)
{
	if (thread == 0)
		snprintf(buf, len, "main (0)");
	else
		snprintf(buf, len, "worker %u (%u)", thread - 1, thread);
	return buf;
}

/*
 * Which forwarding thread polls each RX queue of ifp, read through the
 * placement's own functions (it may change at run time): owner[q] = thread,
 * or UINT32_MAX for a queue no thread polls.
 */
static void
vn_cli_hw_rxq_owners(const struct vn_interface *ifp, uint32_t *owner)
{
	for (uint16_t q = 0; q < ifp->n_rx_queues; q++)
		owner[q] = UINT32_MAX;
	for (uint32_t i = 0; i < vn_fwd_thread_count(); i++) {
		uint32_t t = vn_fwd_thread_index(i);
		uint16_t n = vn_rxq_count_for_thread(t);
		struct vn_rxq *qs;

		if (n == 0)
			continue;
		qs = calloc(n, sizeof(*qs));
		if (qs == NULL)
			continue;
		n = vn_rxq_for_thread(t, qs, n);
		for (uint16_t k = 0; k < n; k++)
			if (qs[k].if_index == ifp->if_index && qs[k].queue_id < ifp->n_rx_queues)
				owner[qs[k].queue_id] = t;
		free(qs);
	}
}

static void
vn_cli_hw_queues(struct vn_cli_out *out, const struct vn_interface *ifp)
{
	uint32_t *owner;
	char name[32];

	if (ifp->n_rx_queues > 0) {
		owner = calloc(ifp->n_rx_queues, sizeof(*owner));
		if (owner == NULL) {
			vn_cli_printf(out, "  RX Queues: %u (placement: out of memory)\n",
				      ifp->n_rx_queues);
		} else {
			vn_cli_hw_rxq_owners(ifp, owner);
			vn_cli_printf(out, "  RX Queues:\n    %-6s%-15s%s\n", "queue", "thread",
				      "mode");
			for (uint16_t q = 0; q < ifp->n_rx_queues; q++)
				vn_cli_printf(out, "    %-6u%-15s%s\n", q,
					      owner[q] == UINT32_MAX
						      ? "-"
						      : vn_cli_thread_name(owner[q], name, sizeof(name)),
					      owner[q] == UINT32_MAX ? "unplaced" : "polling");
			free(owner);
		}
	}
	if (ifp->n_tx_queues > 0 && ifp->port_id != VN_PORT_NONE) {
		/* Each forwarding thread sends on its own queue of every port. */
		vn_cli_printf(out, "  TX Queues:\n    %-7s%-7s%s\n", "queue", "shared", "thread(s)");
		for (uint16_t q = 0; q < ifp->n_tx_queues; q++) {
			uint32_t n = 0;

			for (uint32_t i = 0; i < vn_fwd_thread_count(); i++)
				n += vn_port_thread_txq[vn_fwd_thread_index(i)] == q;
			vn_cli_printf(out, "    %-7u%-7s", q, n > 1 ? "yes" : "no");
			for (uint32_t i = 0, k = 0; i < vn_fwd_thread_count(); i++) {
				uint32_t t = vn_fwd_thread_index(i);

				if (vn_port_thread_txq[t] == q)
					vn_cli_printf(out, "%s%u", k++ ? "," : "", t);
			}
			vn_cli_printf(out, "%s\n", n == 0 ? "-" : "");
		}
	}
}

/* Offload flag names as VPP writes them ("ipv4-cksum"), wrapped under the first. */
static void
vn_cli_hw_offloads(struct vn_cli_out *out, const char *label, uint64_t flags, bool is_rx)
{
	const int indent = 4 + (int)strlen(label) + 1, width = 80;
	int col = indent;

	vn_cli_printf(out, "    %s ", label);
	if (flags == 0)
		vn_cli_printf(out, "none");
	for (uint32_t b = 0; b < 64; b++) {
		uint64_t f = 1ULL << b;
		const char *name;
		char lc[48];
		size_t i;

		if ((flags & f) == 0)
			continue;
		name = is_rx ? rte_eth_dev_rx_offload_name(f) : rte_eth_dev_tx_offload_name(f);
		for (i = 0; name[i] != '\0' && i + 1 < sizeof(lc); i++)
			lc[i] = name[i] == '_' ? '-' : (char)tolower((unsigned char)name[i]);
		lc[i] = '\0';
		if (col > indent && col + 1 + (int)i > width) {
			vn_cli_printf(out, "\n%*s", indent, "");
			col = indent;
		}
		vn_cli_printf(out, "%s%s", col > indent ? " " : "", lc);
		col += (col > indent ? 1 : 0) + (int)i;
	}
	vn_cli_printf(out, "\n");
}

/* The port's xstats: those not zero, or all when verbose (VPP's `detail`). */
static void
vn_cli_hw_xstats(struct vn_cli_out *out, uint16_t port, bool verbose)
{
	struct rte_eth_xstat_name *names = NULL;
	struct rte_eth_xstat *vals = NULL;
	int n = rte_eth_xstats_get_names(port, NULL, 0), got, shown = 0;

	if (n <= 0)
		return;
	names = calloc((size_t)n, sizeof(*names));
	vals = calloc((size_t)n, sizeof(*vals));
	if (names == NULL || vals == NULL) {
		vn_cli_printf(out, "    extended stats: out of memory\n");
		goto done;
	}
	if (rte_eth_xstats_get_names(port, names, (unsigned)n) != n) {
		vn_cli_printf(out, "    extended stats: unavailable\n");
		goto done;
	}
	got = rte_eth_xstats_get(port, vals, (unsigned)n);
	if (got < 0 || got > n) {
		vn_cli_printf(out, "    extended stats: unavailable\n");
		goto done;
	}
	for (int i = 0; i < got; i++) {
		if (vals[i].id >= (uint64_t)n || (!verbose && vals[i].value == 0))
			continue;
		if (shown++ == 0)
			vn_cli_printf(out, "    extended stats:\n");
		vn_cli_printf(out, "      %-38s%16" PRIu64 "\n", names[vals[i].id].name,
			      vals[i].value);
	}
done:
	free(names);
	free(vals);
}

/* The DPDK port behind ifp: VPP's dpdk device section, then its counters. */
static void
vn_cli_hw_port(struct vn_cli_out *out, const struct vn_interface *ifp, bool verbose)
{
	uint16_t port = ifp->port_id, dev_mtu = 0;
	struct rte_eth_dev_info info;
	struct rte_eth_rxq_info rxq;
	struct rte_eth_txq_info txq;
	struct rte_eth_conf conf;
	struct rte_eth_stats st;
	struct rte_eth_link link;

	vn_cli_printf(out, "  driver %s, port %u, device %s\n", ifp->driver, port, ifp->device);
	if (rte_eth_link_get_nowait(port, &link) == 0)
		vn_cli_printf(out, "    carrier %s %s duplex mtu %u (device %u)\n",
			      /* as the link poll sees it (a tap's Linux side, an af_packet's veth) */
			      vn_interface_link_up(ifp->if_index) ? "up" : "down",
			      link.link_duplex == RTE_ETH_LINK_FULL_DUPLEX ? "full" : "half",
			      ifp->mtu, rte_eth_dev_get_mtu(port, &dev_mtu) == 0 ? dev_mtu : 0);
	vn_cli_printf(out, "    flags: admin-%s\n", ifp->admin_up ? "up" : "down");
	if (rte_eth_dev_info_get(port, &info) != 0) {
		vn_cli_printf(out, "    device information unavailable\n");
		return;
	}
	vn_cli_printf(out, "    rx: queues %u (max %u)", ifp->n_rx_queues, info.max_rx_queues);
	if (ifp->n_rx_queues > 0 && rte_eth_rx_queue_info_get(port, 0, &rxq) == 0)
		vn_cli_printf(out, ", desc %u", rxq.nb_desc);
	vn_cli_printf(out, "\n    tx: queues %u (max %u)", ifp->n_tx_queues, info.max_tx_queues);
	if (ifp->n_tx_queues > 0 && rte_eth_tx_queue_info_get(port, 0, &txq) == 0)
		vn_cli_printf(out, ", desc %u", txq.nb_desc);
	vn_cli_printf(out, "\n    max rx packet len: %u\n", info.max_rx_pktlen);
	vn_cli_printf(out, "    promiscuous: unicast %s all-multicast %s\n",
		      rte_eth_promiscuous_get(port) == 1 ? "on" : "off",
		      rte_eth_allmulticast_get(port) == 1 ? "on" : "off");
	if (rte_eth_dev_conf_get(port, &conf) != 0)
		memset(&conf, 0, sizeof(conf));
	vn_cli_hw_offloads(out, "rx offload avail: ", info.rx_offload_capa, true);
	vn_cli_hw_offloads(out, "rx offload active:", conf.rxmode.offloads, true);
	vn_cli_hw_offloads(out, "tx offload avail: ", info.tx_offload_capa, false);
	vn_cli_hw_offloads(out, "tx offload active:", conf.txmode.offloads, false);
	if (rte_eth_stats_get(port, &st) == 0) {
		const struct {
			const char *name;
			uint64_t v;
		} c[] = {
			{"rx frames ok", st.ipackets}, {"rx bytes ok", st.ibytes},
			{"rx missed", st.imissed},     {"rx errors", st.ierrors},
			{"rx no bufs", st.rx_nombuf},  {"tx frames ok", st.opackets},
			{"tx bytes ok", st.obytes},    {"tx errors", st.oerrors},
		};
		bool any = false;

		for (size_t i = 0; i < VN_ARRAY_LEN(c); i++) {
			if (!verbose && c[i].v == 0)
				continue;
			vn_cli_printf(out, "%s    %-40s%16" PRIu64 "\n", any ? "" : "\n", c[i].name,
				      c[i].v);
			any = true;
		}
	} else {
		vn_cli_printf(out, "    ethdev statistics unavailable\n");
	}
	vn_cli_hw_xstats(out, port, verbose);
}

static void
vn_cli_hw_show_one(struct vn_cli_out *out, const struct vn_interface *ifp, bool verbose)
{
	char mac[18], idx[12], dev[RTE_ETH_NAME_MAX_LEN];
	struct rte_eth_link link;

	if (ifp->port_id != VN_PORT_NONE)
		vn_port_device_name(ifp->device, dev, sizeof(dev));
	else
		snprintf(dev, sizeof(dev), "%s", ifp->driver[0] ? ifp->driver : "-");
	snprintf(idx, sizeof(idx), "%u", ifp->if_index);
	vn_cli_printf(out, "%-32s", ifp->name);
	vn_cli_centre(out, idx, 6);
	vn_cli_centre(out, vn_interface_link_up(ifp->if_index) ? "up" : "down", 8);
	vn_cli_printf(out, "%s\n", dev);
	if (vn_port_is_dpdk(ifp->port_id) && rte_eth_link_get_nowait(ifp->port_id, &link) == 0)
		vn_cli_printf(out, "  Link speed: %s\n", rte_eth_link_speed_to_str(link.link_speed));
	else
		vn_cli_printf(out, "  Link speed: unknown\n");
	vn_cli_hw_queues(out, ifp);
	vn_cli_printf(out, "  Ethernet address %s\n", vn_fmt_mac(ifp->mac, mac));
	if (ifp->port_id == VN_PORT_NONE) {
		vn_cli_printf(out, "  driver %s, no DPDK port\n", ifp->driver[0] ? ifp->driver : "-");
		vn_cli_printf(out, "    mtu %u, flags: admin-%s\n", ifp->mtu,
			      ifp->admin_up ? "up" : "down");
		return;
	}
	const struct vn_port_own *own = vn_port_own(ifp->port_id);
	if (own) {
		vn_cli_printf(out, "  driver %s, port %s\n", ifp->driver, own->cls->name);
		vn_cli_printf(out, "    carrier %s, mtu %u, flags: admin-%s\n",
			      vn_interface_link_up(ifp->if_index) ? "up" : "down", ifp->mtu,
			      ifp->admin_up ? "up" : "down");
		if (own->cls->show)
			own->cls->show(own->dev, out, verbose);
		return;
	}
	vn_cli_hw_port(out, ifp, verbose);
}

static int
vn_cli_show_hw(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t only = VN_IF_MAX;
	bool verbose = false;

	/* `verbose` and IF in either order, as VPP takes them. */
	for (;;) {
		if (!verbose && vn_cli_arg_keyword(args, "verbose"))
			verbose = true;
		else if (only == VN_IF_MAX && vn_cli_arg_ifname(args, &only))
			continue;
		else if (vn_cli_args_end(args))
			break;
		else
			return vn_cli_unexpected(args);
	}
	if (vn_interface_count() == 0) {
		vn_cli_printf(out, "no interfaces\n");
		return 0;
	}
	vn_cli_centre(out, "Name", 32);
	vn_cli_centre(out, "Idx", 6);
	vn_cli_centre(out, "Link", 8);
	vn_cli_printf(out, "Hardware\n");
	for (uint32_t i = 0; i < vn_interface_count(); i++)
		if ((only == VN_IF_MAX || only == i) && vn_interface_get(i))
			vn_cli_hw_show_one(out, vn_interface_get(i), verbose);
	return 0;
}

VN_CLI_COMMAND(show_hw) = {
	.path = "show hardware-interfaces",
	.syntax = "[verbose] [IF]",
	.help = "link, queues and the threads polling them, MAC, MTU, offloads, device "
		"counters; verbose: zero counters too",
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

/* `set interface ip address` takes both families: cli_ip.c. */

static int
vn_cli_set_if_mac(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint8_t mac[6];
	uint32_t ifi;
	int rc;

	if (!vn_cli_arg_ifname(args, &ifi) || !vn_cli_arg_mac(args, mac) || !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_interface_set_mac(ifi, mac);
	if (rc < 0)
		return vn_cli_error(out, "set interface mac address %s: %s", if_name_of(ifi),
				    rc == -EINVAL ? "not a unicast address" : strerror(-rc));
	return 0;
}

VN_CLI_COMMAND(set_if_mac) = {
	.path = "set interface mac address",
	.syntax = "IF MAC",
	.help = "the interface's Ethernet address",
	.fn = vn_cli_set_if_mac,
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

int
vn_cli_if_delete_result(struct vn_cli_out *out, const char *cmd, const char *what,
			const char *name, int rc)
{
	if (rc == -ENOENT)
		return vn_cli_error(out, "%s: '%s' is no %s", cmd, name, what);
	if (rc == -EBUSY)
		return vn_cli_error(out, "%s %s: delete its sub-interfaces first", cmd, name);
	if (rc < 0)
		return vn_cli_error(out, "%s %s: %s", cmd, name, strerror(-rc));
	return 0;
}
