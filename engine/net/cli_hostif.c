/*
 * Host-interface commands, in VPP's words: `create host-interface name VETH
 * [hw-addr MAC] [rx-queues N] [no-gso]` makes host-VETH (down until `set
 * interface state`; `no-gso`: GSO super-frames are always cut on input,
 * never passed whole), `delete host-interface name VETH` removes it while
 * the others forward.
 */
#include <errno.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/net/addr.h>

#include "net/cli_net_priv.h"
#include "net/hostif_priv.h"

static int
cli_create_hostif(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char veth[IF_NAMESIZE + 1];
	uint8_t mac[6];
	bool has_mac = false, gso = true;
	uint32_t rxq = 1, idx;
	int rc;

	if (!vn_cli_arg_keyword(args, "name") || !vn_cli_arg_word(args, "VETH", veth, sizeof(veth)))
		return vn_cli_unexpected(args);
	while (!vn_cli_args_end(args)) {
		if (!has_mac && vn_cli_arg_keyword(args, "hw-addr")) {
			if (!vn_cli_arg_mac(args, mac))
				return vn_cli_unexpected(args);
			has_mac = true;
		} else if (gso && vn_cli_arg_keyword(args, "no-gso")) {
			gso = false;
		} else if (vn_cli_arg_keyword(args, "rx-queues") ||
			   vn_cli_arg_keyword(args, "num-rx-queues")) {
			if (!vn_cli_arg_u32_range(args, 1, 16, &rxq))
				return vn_cli_unexpected(args);
		} else {
			return vn_cli_unexpected(args);
		}
	}
	if (strlen(veth) >= IF_NAMESIZE)
		return vn_cli_error(out,
				    "create host-interface: '%s' is longer than a Linux "
				    "interface name",
				    veth);
	rc = vn_hostif_create(veth, has_mac ? mac : NULL, (uint16_t)rxq, &idx);
	switch (rc) {
	case 0:
		if (!gso)
			vn_hostif_set_gso(idx, false);
		vn_cli_printf(out, "host-%s\n", veth);
		return 0;
	case -ENODEV:
		return vn_cli_error(out, "create host-interface: Linux has no interface '%s'",
				    veth);
	case -EEXIST:
		return vn_cli_error(out, "create host-interface: host-%s exists", veth);
	case -EINVAL:
		return vn_cli_error(out,
				    "create host-interface %s: invalid argument (hw-addr must "
				    "be a unicast address)",
				    veth);
	default:
		return vn_cli_error(out, "create host-interface %s: %s", veth, strerror(-rc));
	}
}

VN_CLI_COMMAND(create_hostif) = {
	.path = "create host-interface",
	.syntax = "name VETH [hw-addr MAC] [rx-queues N] [no-gso]",
	.help = "a host interface on a Linux interface (AF_PACKET rings with virtio-net headers)",
	.fn = cli_create_hostif,
};

static int
cli_delete_hostif(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char veth[IF_NAMESIZE + 1];
	int rc;

	if (!vn_cli_arg_keyword(args, "name") ||
	    !vn_cli_arg_word(args, "VETH", veth, sizeof(veth)) || !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_hostif_delete(veth);
	if (rc == -ENOENT)
		return vn_cli_error(out, "delete host-interface: no host interface on '%s'", veth);
	return vn_cli_if_delete_result(out, "delete host-interface", "host interface", veth, rc);
}

VN_CLI_COMMAND(delete_hostif) = {
	.path = "delete host-interface",
	.syntax = "name VETH",
	.help = "delete a host interface, its routes, neighbours and features",
	.fn = cli_delete_hostif,
};
