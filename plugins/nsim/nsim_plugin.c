/*
 * nsim_plugin.so: VPP's network simulator on vecnet interfaces: loss,
 * delay, reordering and a bandwidth limit, on what an interface receives
 * and what it sends. See docs/nsim.md and nsim.h for the map of the files.
 */
#define VN_LOG_MOD "nsim"
#include <vecnet/plugin.h>

#include "nsim.h"

VN_PLUGIN(.name = "nsim", .version = "1.0",
	  .description = "network simulator: loss, delay, reordering, bandwidth on interfaces");

int
vn_plugin_init(void)
{
	int rc = nsim_control_init();

	if (rc == 0)
		VN_INFO(
		    "nsim plugin ready: set nsim delay 10ms ..., nsim input-feature|output-feature "
		    "enable-disable IF");
	return rc;
}

void
vn_plugin_exit(void)
{
	nsim_control_fini();
}
