/*
 * Tap commands, in VPP's words: `create tap [id N] [host-if-name NAME]
 * [host-ns NS] [host-ip4-addr A/LEN] [host-ip4-gw A] [hw-addr MAC]` makes tapN
 * (down until `set interface state`), `delete tap tapN` removes it while the
 * others forward.
 */
#include <errno.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/net/addr.h>

#include "net/cli_net_priv.h"
#include "net/tap_priv.h"

static int
cli_create_tap(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char host_if[64] = "", ns[256] = ""; /* longer than Linux allows, to say so */
	struct vn_tap_args a = {.id = -1};
	uint8_t mac[6];
	uint32_t id, idx;
	int rc;

	while (!vn_cli_args_end(args)) {
		if (vn_cli_arg_keyword(args, "id")) {
			if (!vn_cli_arg_u32_range(args, 0, VN_TAP_ID_MAX, &id))
				return vn_cli_unexpected(args);
			a.id = (int)id;
		} else if (vn_cli_arg_keyword(args, "host-if-name")) {
			if (!vn_cli_arg_word(args, "NAME", host_if, sizeof(host_if)))
				return vn_cli_unexpected(args);
			a.host_if_name = host_if;
		} else if (vn_cli_arg_keyword(args, "host-ns")) {
			if (!vn_cli_arg_word(args, "NS", ns, sizeof(ns)))
				return vn_cli_unexpected(args);
			a.host_ns = ns;
		} else if (vn_cli_arg_keyword(args, "host-ip4-addr")) {
			if (!vn_cli_arg_prefix(args, &a.host_addr))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "host-ip4-gw")) {
			if (!vn_cli_arg_ip4(args, &a.host_gw))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "hw-addr")) {
			if (!vn_cli_arg_mac(args, mac))
				return vn_cli_unexpected(args);
			a.mac = mac;
		} else {
			return vn_cli_unexpected(args);
		}
	}
	if (a.host_if_name && (strlen(host_if) >= IF_NAMESIZE || strchr(host_if, '/') ||
			       strchr(host_if, ',') || strchr(host_if, '=')))
		return vn_cli_error(out, "create tap: '%s' is not a Linux interface name", host_if);
	if (a.host_ns && (strchr(ns, ',') || strchr(ns, '=')))
		return vn_cli_error(out, "create tap: '%s' is not a namespace name", ns);
	if (a.mac && (mac[0] & 1))
		return vn_cli_error(out, "create tap: hw-addr must be a unicast address");
	rc = vn_tap_create(&a, &idx);
	switch (rc) {
	case 0:
		vn_cli_printf(out, "%s\n", vn_interface_get(idx)->name);
		return 0;
	case -EEXIST:
		return vn_cli_error(out, "create tap: tap%d exists", a.id);
	case -EADDRINUSE:
		if (a.host_ns)
			return vn_cli_error(out,
					    "create tap: Linux already has an interface '%s' (here "
					    "or in %s)",
					    a.host_if_name ? a.host_if_name : "tapN", ns);
		return vn_cli_error(out, "create tap: Linux already has an interface '%s'",
				    a.host_if_name ? a.host_if_name : "tapN");
	case -ENOENT:
		return vn_cli_error(out, "create tap: no network namespace '%s' (ip netns add %s)",
				    ns, ns);
	case -ENOSPC:
		return vn_cli_error(out, "create tap: no room for another interface");
	default:
		return vn_cli_error(out, "create tap: %s", strerror(-rc));
	}
}

VN_CLI_COMMAND(create_tap) = {
	.path = "create tap",
	.syntax = "[id N] [host-if-name NAME] [host-ns NS] [host-ip4-addr A/LEN] [host-ip4-gw A] "
		  "[hw-addr MAC]",
	.help = "a tap interface (DPDK net_tap) whose Linux side may live in a namespace",
	.fn = cli_create_tap,
};

static int
cli_delete_tap(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char name[VN_IFNAME_MAX];
	int rc;

	if (!vn_cli_arg_word(args, "IF", name, sizeof(name)) || !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_tap_delete(name);
	return vn_cli_if_delete_result(out, "delete tap", "tap interface", name, rc);
}

VN_CLI_COMMAND(delete_tap) = {
	.path = "delete tap",
	.syntax = "IF",
	.help = "delete a tap interface, its routes, neighbours and features",
	.fn = cli_delete_tap,
};
