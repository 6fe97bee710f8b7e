/*
 * acl_plugin.so: stateless and stateful (reflexive) IPv4 filtering on
 * interfaces, modelled on VPP's acl-plugin, classified by DPDK rte_acl.
 * See docs/acl.md and acl.h for the map of the files.
 */
#define VN_LOG_MOD "acl"
#include <vecnet/plugin.h>

#include "acl.h"

VN_PLUGIN(.name = "acl", .version = "1.0",
	  .description = "ACLs: permit/deny/permit+reflect on interfaces (rte_acl)");

int
vn_plugin_init(void)
{
	acl_control_init();
	VN_INFO("acl plugin ready: set acl-plugin acl ..., set acl-plugin interface IF input|output "
		"acl N");
	return 0;
}

void
vn_plugin_exit(void)
{
	acl_control_fini();
}
