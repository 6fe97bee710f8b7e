/*
 * Fixture: a plugin whose init hook refuses to start. It registers one of
 * each kind (node, feature, CLI command, config section) from constructors;
 * after its init fails the loader must unload it and every registration must
 * be gone.
 */
#include <errno.h>
#include <stdlib.h>
#include <vecnet/cli.h>
#include <vecnet/config.h>
#include <vecnet/lua.h>
#include <vecnet/net/feature.h>
#include <vecnet/plugin.h>

VN_PLUGIN(.name = "failinit", .version = "1.0", .description = "fixture: init fails");

static uint16_t
failinit_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

VN_NODE_REGISTER(failinit_node) = {
	.name = "failinit-node",
	.fn = failinit_fn,
};

VN_FEATURE_REGISTER(failinit_feature) = {
	.arc = "ip4-unicast",
	.node = "failinit-node",
};

static int
failinit_cli(struct vn_cli_out *out, struct vn_cli_args *args)
{
	vn_cli_printf(out, "failinit is here\n");
	return 0;
}

VN_CLI_COMMAND(failinit_hello) = {
	.path = "failinit hello",
	.help = "fixture command",
	.fn = failinit_cli,
};

VN_CONFIG_SECTION(failinit) = {.name = "failinit"};

static int
failinit_lua(struct lua_State *L)
{
	return 0;
}

VN_LUA_FUNCTION(failinit_lua) = {.name = "failinit_hello", .fn = failinit_lua};

static void __attribute__((constructor))
failinit_ctor(void)
{
	setenv("VN_FIXTURE_FAILINIT_RAN", "1", 1);
}

int
vn_plugin_init(void)
{
	return -EPERM;
}
