/*
 * tcp_proxy_plugin.so: a TCP proxy on the host stack, VPP's
 * `test proxy server` (docs/proxy.md; proxy.h maps the files).
 */
#define VN_LOG_MOD "tcp-proxy"
#include <vecnet/plugin.h>

#include "proxy.h"

VN_PLUGIN(.name = "tcp_proxy", .version = "1.0",
	  .description = "TCP proxy: clients of a server URI to round-robin backends");

int
vn_plugin_init(void)
{
	return proxy_app_init();
}
