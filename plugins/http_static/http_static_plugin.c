/*
 * http_static_plugin.so: an HTTP/1.1 static file server on the host
 * stack's session API (docs/http.md; hs.h has the map of the files).
 */
#define VN_LOG_MOD "http_static"
#include <vecnet/plugin.h>

#include "hs.h"
#include "hs_worker.h"

VN_PLUGIN(.name = "http_static", .version = "1.0",
	  .description = "HTTP/1.1 static file server (http static server ...)");

int
vn_plugin_init(void)
{
	return hs_app_init();
}

void
vn_plugin_exit(void)
{
	hs_servers_fini();
	hs_workers_fini();
}
