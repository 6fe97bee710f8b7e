/* Commands for feature arcs: enable per interface, show what runs where. */
#include <errno.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/net/feature.h>

static int
set_interface_feature(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char feature[64], arc[32];
	uint32_t if_index;
	bool enable = true;
	int rc;

	if (!vn_cli_arg_ifname(args, &if_index) ||
	    !vn_cli_arg_word(args, "feature name", feature, sizeof(feature)) ||
	    !vn_cli_arg_keyword(args, "arc") || !vn_cli_arg_word(args, "arc name", arc, sizeof(arc)))
		return vn_cli_unexpected(args);
	if (vn_cli_arg_keyword(args, "disable"))
		enable = false;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_feature_enable(if_index, arc, feature, enable);
	if (rc == -EINVAL)
		return vn_cli_error(out, "unknown arc '%s': expected device-input, ip4-unicast, "
					 "ip4-output, ip6-unicast or ip6-output", arc);
	if (rc == -ENOENT)
		return vn_cli_error(out, "no feature '%s' on arc %s (see: show interface features)",
				    feature, arc);
	if (rc < 0)
		return vn_cli_error(out, "set interface feature: %s", strerror(-rc));
	return 0;
}

VN_CLI_COMMAND(set_interface_feature) = {
	.path = "set interface feature",
	.syntax = "IF FEATURE arc ARC [disable]",
	.help = "enable (or disable) a feature node on an interface's arc",
	.fn = set_interface_feature,
	.complete = &vn_cli_ifname,
};

static void
show_features(struct vn_cli_out *out, const struct vn_interface *ifp)
{
	vn_cli_printf(out, "%s:\n", ifp->name);
	for (int arc = 0; arc < VN_ARC_COUNT; arc++) {
		const struct vn_feature_reg *f;
		vn_cli_printf(out, "  %s:\n", vn_feature_arc_name(arc));
		for (uint32_t k = 0; (f = vn_feature_at(arc, k)); k++)
			vn_cli_printf(out, "    %-24s %s\n", f->node,
				      ifp->features[arc] & (1u << k) ? "enabled" : "-");
		if (!vn_feature_at(arc, 0))
			vn_cli_printf(out, "    (no features registered)\n");
	}
}

static int
show_interface_features(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t if_index;

	if (vn_cli_arg_ifname(args, &if_index)) {
		if (!vn_cli_args_end(args))
			return vn_cli_unexpected(args);
		show_features(out, vn_interface_get(if_index));
		return 0;
	}
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	for (uint32_t i = 0; i < vn_interface_count(); i++)
		if (vn_interface_get(i))
			show_features(out, vn_interface_get(i));
	return 0;
}

VN_CLI_COMMAND(show_interface_features) = {
	.path = "show interface features",
	.syntax = "[IF]",
	.help = "features of each arc, in order, and where they are enabled",
	.fn = show_interface_features,
	.complete = &vn_cli_ifname,
};
