/*
 * sample: the model vecnet plugin. It shows every extension point once:
 *   - the descriptor (VN_PLUGIN), checked by the loader before any code runs;
 *   - a feature node on the ip4-unicast arc (node.c), enabled per interface
 *     with `set interface feature IF sample-filter arc ip4-unicast`;
 *   - one control function, sample_set_drop_protocol(), that the CLI and the
 *     config section both call;
 *   - a config section `sample: { drop-protocol: 1 }` with its schema;
 *   - CLI commands `sample set protocol N|none` and `show sample`;
 *   - a Lua function vecnet.sample_set_protocol(N|nil);
 *   - init and exit hooks.
 * Every registration is data plus a constructor, run by dlopen; if the plugin
 * later fails (its init returns < 0) the loader undoes them all.
 */
#define VN_LOG_MOD "sample"
#include <errno.h>
#include <lauxlib.h>
#include <inttypes.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/config.h>
#include <vecnet/net/feature.h>
#include <vecnet/graph.h>
#include <vecnet/net/interface.h>
#include <vecnet/lua.h>
#include <vecnet/plugin.h>

#include "sample.h"

VN_PLUGIN(.name = "sample", .version = "1.0",
	  .description = "sample-filter: drops one IP protocol on chosen interfaces");

uint32_t sample_drop_protocol = SAMPLE_PROTO_NONE;

/* --- control function: the CLI and the config both call it -------------- */

/* proto: 0..255, or SAMPLE_PROTO_NONE to drop nothing. 0 or -EINVAL. */
static int
sample_set_drop_protocol(uint32_t proto)
{
	if (proto > SAMPLE_PROTO_NONE)
		return -EINVAL;
	__atomic_store_n(&sample_drop_protocol, proto, __ATOMIC_RELAXED);
	if (proto == SAMPLE_PROTO_NONE)
		VN_INFO("sample-filter drops nothing");
	else
		VN_INFO("sample-filter drops IP protocol %u", proto);
	return 0;
}

/* --- config section ----------------------------------------------------- */

/* The schema is checked by the loader before anything starts: a wrong type
 * or an out-of-range value is reported as FILE:LINE:COL and nothing runs. */
static const struct vn_cfg_field sample_cfg_fields[] = {
	{.key = "drop-protocol", .type = VN_CFG_T_INT, .min = 0, .max = 255,
	 .example = "17", .doc = "IP protocol number sample-filter drops; none when absent"},
	{.key = NULL},
};

/* Called after the engine is up, with a section that passed the schema. */
static int
sample_cfg_apply(const struct vn_cfg_node *section)
{
	int64_t proto = vn_cfg_get_int(section, "drop-protocol", -1);

	return sample_set_drop_protocol(proto < 0 ? SAMPLE_PROTO_NONE : (uint32_t)proto);
}

VN_CONFIG_SECTION(sample) = {
	.name = "sample",
	.fields = sample_cfg_fields,
	.doc = "The model plugin (docs/plugins.md): its sample-filter feature drops one IP "
	       "protocol on the interfaces it is enabled on.",
	.apply = sample_cfg_apply,
};

/* --- Lua ---------------------------------------------------------------- */

/* vecnet.sample_set_protocol(N) or (nil): the same control function again. */
static int
sample_lua_set_protocol(lua_State *L)
{
	lua_Integer proto = luaL_optinteger(L, 1, -1);

	if (proto < -1 || proto > 255)
		return luaL_argerror(L, 1, "protocol must be 0..255 or nil");
	sample_set_drop_protocol(proto < 0 ? SAMPLE_PROTO_NONE : (uint32_t)proto);
	return 0;
}

VN_LUA_FUNCTION(sample_set_protocol) = {
	.name = "sample_set_protocol",
	.fn = sample_lua_set_protocol,
};

/* --- CLI ---------------------------------------------------------------- */

static int
sample_cli_set_protocol(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t proto;

	if (vn_cli_arg_keyword(args, "none"))
		proto = SAMPLE_PROTO_NONE;
	else if (!vn_cli_arg_u32_range(args, 0, 255, &proto))
		return vn_cli_unexpected(args);
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	if (sample_set_drop_protocol(proto) < 0)
		return vn_cli_error(out, "sample set protocol: invalid protocol");
	return 0;
}

VN_CLI_COMMAND(sample_set_protocol) = {
	.path = "sample set protocol",
	.syntax = "N|none",
	.help = "IP protocol (0-255) that sample-filter drops, or none",
	.fn = sample_cli_set_protocol,
};

/* Sums one interface's counters over every forwarding thread. */
static void
sample_if_totals(uint16_t node_index, uint32_t if_index, struct sample_if_counters *sum)
{
	*sum = (struct sample_if_counters){0};
	for (uint32_t t = 0; t < vn_graph_count(); t++) {
		struct vn_graph *g = vn_graph_at(t);
		const struct sample_ctx *ctx = g ? vn_graph_node(g, node_index)->ctx : NULL;
		if (!ctx)
			continue;
		sum->seen += __atomic_load_n(&ctx->ifs[if_index].seen, __ATOMIC_RELAXED);
		sum->dropped += __atomic_load_n(&ctx->ifs[if_index].dropped, __ATOMIC_RELAXED);
	}
}

static int
sample_cli_show(struct vn_cli_out *out, struct vn_cli_args *args)
{
	const struct vn_node_reg *reg = vn_node_reg_by_name("sample-filter");
	uint32_t proto = __atomic_load_n(&sample_drop_protocol, __ATOMIC_RELAXED);

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	if (proto == SAMPLE_PROTO_NONE)
		vn_cli_printf(out, "drop protocol: none\n");
	else
		vn_cli_printf(out, "drop protocol: %u\n", proto);
	vn_cli_printf(out, "%-16s %-8s %12s %12s\n", "Interface", "Filter", "Seen", "Dropped");
	for (uint32_t i = 0; i < vn_interface_count() && i < VN_IF_MAX; i++) {
		const struct vn_interface *ifp = vn_interface_get(i);
		struct sample_if_counters sum;
		bool on = false;

		if (!ifp)
			continue;
		/* Enabled when the interface's ip4-unicast bitmap has our position. */
		for (uint32_t k = 0; vn_feature_at(VN_ARC_IP4_UNICAST, k); k++)
			if (strcmp(vn_feature_at(VN_ARC_IP4_UNICAST, k)->node, "sample-filter") == 0)
				on = ifp->features[VN_ARC_IP4_UNICAST] & (1u << k);
		if (reg)
			sample_if_totals(reg->index, i, &sum);
		else
			sum = (struct sample_if_counters){0};
		vn_cli_printf(out, "%-16s %-8s %12" PRIu64 " %12" PRIu64 "\n", ifp->name,
			      on ? "enabled" : "-", sum.seen, sum.dropped);
	}
	return 0;
}

VN_CLI_COMMAND(sample_show) = {
	.path = "show sample",
	.help = "sample-filter's drop protocol and per-interface counters",
	.fn = sample_cli_show,
};

/* --- hooks -------------------------------------------------------------- */

/* Runs after EAL and the FIB exist, before interfaces and the graph; a
 * negative errno refuses the plugin, which is then unloaded. */
int
vn_plugin_init(void)
{
	VN_INFO("sample plugin ready: enable with `set interface feature IF sample-filter arc "
		"ip4-unicast`");
	return 0;
}

void
vn_plugin_exit(void)
{
	VN_INFO("sample plugin stopping");
}
