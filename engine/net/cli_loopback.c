/*
 * Loopback commands, in VPP's words: `create loopback interface [mac MAC]
 * [instance N]` makes loopN (down until `set interface state`), `delete
 * loopback interface intfc loopN` removes it.
 */
#include <errno.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/net/addr.h>

#include "net/cli_net_priv.h"
#include "net/loopback_priv.h"

static int
cli_create_loopback(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint8_t mac[6];
	bool has_mac = false;
	uint32_t instance;
	int inst = -1, rc;
	uint32_t idx;

	while (!vn_cli_args_end(args)) {
		if (vn_cli_arg_keyword(args, "mac")) {
			if (!vn_cli_arg_mac(args, mac))
				return vn_cli_unexpected(args);
			has_mac = true;
		} else if (vn_cli_arg_keyword(args, "instance")) {
			if (!vn_cli_arg_u32_range(args, 0, VN_LOOPBACK_INSTANCE_MAX, &instance))
				return vn_cli_unexpected(args);
			inst = (int)instance;
		} else {
			return vn_cli_unexpected(args);
		}
	}
	if (has_mac && (mac[0] & 1))
		return vn_cli_error(out, "create loopback interface: mac must be a unicast address");
	rc = vn_loopback_create(has_mac ? mac : NULL, inst, &idx);
	switch (rc) {
	case 0:
		vn_cli_printf(out, "%s\n", vn_interface_get(idx)->name);
		return 0;
	case -EEXIST:
		return vn_cli_error(out, "create loopback interface: loop%d exists", inst);
	case -ENOSPC:
		return vn_cli_error(out, "create loopback interface: no room for another interface");
	default:
		return vn_cli_error(out, "create loopback interface: %s", strerror(-rc));
	}
}

VN_CLI_COMMAND(create_loopback) = {
	.path = "create loopback interface",
	.syntax = "[mac MAC] [instance N]",
	.help = "a loopback interface: what it sends comes back in; holds addresses",
	.fn = cli_create_loopback,
};

static int
cli_delete_loopback(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char name[VN_IFNAME_MAX];
	int rc;

	if (!vn_cli_arg_keyword(args, "intfc") || !vn_cli_arg_word(args, "IF", name, sizeof(name)) ||
	    !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_loopback_delete(name);
	return vn_cli_if_delete_result(out, "delete loopback interface", "loopback", name, rc);
}

VN_CLI_COMMAND(delete_loopback) = {
	.path = "delete loopback interface",
	.syntax = "intfc IF",
	.help = "delete a loopback interface, its addresses and routes",
	.fn = cli_delete_loopback,
};
