/*
 * Sub-interface commands, in vppctl syntax:
 *   create sub-interfaces IF ID [dot1q VLAN | dot1ad VLAN] [inner-dot1q VLAN] [exact-match]
 *   delete sub-interface IF.ID
 * `create sub-interfaces lan0 100` alone is dot1q 100, as in VPP; the new
 * interface is named IF.ID and printed. `dot1ad OUTER dot1q INNER` is taken
 * for `dot1ad OUTER inner-dot1q INNER`. Matching is always exact (VPP's
 * exact-match, which L3 sub-interfaces need), so the keyword changes nothing.
 */
#define VN_LOG_MOD "cli"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/vlan.h>

static bool
vlan_arg(struct vn_cli_args *args, uint32_t *vid)
{
	return vn_cli_arg_u32_range(args, 1, VN_VLAN_VID_MAX, vid);
}

static int
vn_cli_create_subif(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_subif_tags t = {.outer_tpid = VN_VLAN_TPID_DOT1Q};
	uint32_t sup, id, outer, inner = 0, idx;
	bool tagged = true;
	int rc;

	if (!vn_cli_arg_ifname(args, &sup) || !vn_cli_arg_u32_range(args, 0, UINT32_MAX - 1, &id))
		return vn_cli_unexpected(args);
	if (vn_cli_arg_keyword(args, "dot1q")) {
		if (!vlan_arg(args, &outer))
			return vn_cli_unexpected(args);
	} else if (vn_cli_arg_keyword(args, "dot1ad")) {
		t.outer_tpid = VN_VLAN_TPID_DOT1AD;
		if (!vlan_arg(args, &outer) ||
		    (vn_cli_arg_keyword(args, "dot1q") && !vlan_arg(args, &inner)))
			return vn_cli_unexpected(args);
	} else {
		tagged = false;
		outer = id;
	}
	if (vn_cli_arg_keyword(args, "inner-dot1q") && (inner || !vlan_arg(args, &inner)))
		return vn_cli_unexpected(args);
	(void)vn_cli_arg_keyword(args, "exact-match");
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	if (!tagged && (id < 1 || id > VN_VLAN_VID_MAX))
		return vn_cli_error(out,
				    "create sub-interfaces: %u is not a VLAN id (1-%u): give "
				    "dot1q VLAN or dot1ad VLAN",
				    id, VN_VLAN_VID_MAX);
	t.outer_vid = (uint16_t)outer;
	t.inner_vid = (uint16_t)inner;
	rc = vn_subif_create(sup, id, &t, &idx);
	if (rc < 0) {
		const char *sup_name = vn_interface_get(sup)->name;
		char tags[48];

		switch (rc) {
		case -EINVAL:
			return vn_cli_error(out, "create sub-interfaces %s: %s is a sub-interface",
					    sup_name, sup_name);
		case -EEXIST:
			return vn_cli_error(out,
					    "create sub-interfaces %s %u: %s.%u or %s exists on %s",
					    sup_name, id, sup_name, id,
					    vn_subif_format_tags(&t, tags, sizeof(tags)), sup_name);
		case -ENAMETOOLONG:
			return vn_cli_error(out, "create sub-interfaces %s %u: name too long",
					    sup_name, id);
		default:
			return vn_cli_error(out, "create sub-interfaces %s %u: %s", sup_name, id,
					    strerror(-rc));
		}
	}
	vn_cli_printf(out, "%s\n", vn_interface_get(idx)->name);
	return 0;
}

VN_CLI_COMMAND(create_subif) = {
	.path = "create sub-interfaces",
	.syntax = "IF ID [dot1q VLAN | dot1ad VLAN [dot1q VLAN]] [inner-dot1q VLAN] [exact-match]",
	.help = "VLAN sub-interface IF.ID (admin down; ID alone means dot1q ID)",
	.fn = vn_cli_create_subif,
	.complete = &vn_cli_ifname,
};

static int
vn_cli_delete_subif(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char why[128];
	uint32_t ifi;
	int rc;

	if (!vn_cli_arg_ifname(args, &ifi) || !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	const char *name = vn_interface_get(ifi)->name;
	char saved[VN_IFNAME_MAX];

	snprintf(saved, sizeof(saved), "%s", name);
	rc = vn_subif_delete(ifi, why, sizeof(why));
	if (rc == -ENODEV)
		return vn_cli_error(out, "delete sub-interface %s: not a sub-interface", saved);
	if (rc == -EBUSY)
		return vn_cli_error(out, "delete sub-interface %s: in use: %s (remove that first)",
				    saved, why);
	if (rc < 0)
		return vn_cli_error(out, "delete sub-interface %s: %s", saved,
				    *why ? why : strerror(-rc));
	return 0;
}

VN_CLI_COMMAND(delete_subif) = {
	.path = "delete sub-interface",
	.syntax = "IF",
	.help = "delete a VLAN sub-interface (refused while addresses, routes, static "
		"neighbours or features name it)",
	.fn = vn_cli_delete_subif,
	.complete = &vn_cli_ifname,
};
