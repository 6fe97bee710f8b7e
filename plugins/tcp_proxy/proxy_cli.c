/*
 * test proxy server server-uri tcp://ADDR/PORT client-uri tcp://ADDR/PORT
 *	[client-uri ...] [stop]
 * show proxy
 * VPP's syntax; several client-uri are backends taken in turn.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <vecnet/cli.h>

#include "proxy.h"

static int
proxy_server_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_session_ep listen = {0}, be[PROXY_BACKENDS_MAX];
	char uri[64] = "";
	uint32_t n_be = 0;
	bool has_listen = false, stop = false;
	int rc;

	while (!vn_cli_args_end(args)) {
		if (vn_cli_arg_keyword(args, "server-uri")) {
			if (!vn_cli_arg_word(args, "tcp://ADDR/PORT", uri, sizeof(uri)))
				return vn_cli_unexpected(args);
			if (proxy_parse_uri(uri, &listen) < 0)
				return vn_cli_error(out, "server-uri: tcp://ADDR/PORT, not '%s'", uri);
			has_listen = true;
		} else if (vn_cli_arg_keyword(args, "client-uri")) {
			if (!vn_cli_arg_word(args, "tcp://ADDR/PORT", uri, sizeof(uri)))
				return vn_cli_unexpected(args);
			if (n_be == PROXY_BACKENDS_MAX)
				return vn_cli_error(out, "at most %u client-uri", PROXY_BACKENDS_MAX);
			if (proxy_parse_uri(uri, &be[n_be]) < 0 || vn_session_ep_is_any(&be[n_be]))
				return vn_cli_error(out, "client-uri: tcp://ADDR/PORT, not '%s'", uri);
			n_be++;
		} else if (vn_cli_arg_keyword(args, "stop")) {
			stop = true;
		} else {
			return vn_cli_unexpected(args);
		}
	}
	if (!has_listen)
		return vn_cli_error(out, "server-uri tcp://ADDR/PORT is required");
	if (stop) {
		if (proxy_server_del(&listen) < 0)
			return vn_cli_error(out, "no proxy server on that server-uri");
		return 0;
	}
	if (n_be == 0)
		return vn_cli_error(out, "at least one client-uri tcp://ADDR/PORT is required");
	rc = proxy_server_add(&listen, be, n_be);
	if (rc == -EPERM)
		return vn_cli_error(out, "session layer disabled (session enable)");
	if (rc == -EEXIST)
		return vn_cli_error(out, "a proxy server already listens there");
	if (rc < 0)
		return vn_cli_error(out, "listen: %s", strerror(-rc));
	return 0;
}

VN_CLI_COMMAND(test_proxy_server) = {
	.path = "test proxy server",
	.syntax = "server-uri tcp://ADDR/PORT client-uri tcp://ADDR/PORT [client-uri ...] [stop]",
	.help = "proxy TCP clients of server-uri to the client-uri backends, round-robin",
	.fn = proxy_server_fn,
};

static int
show_proxy_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	const struct proxy_table *t = proxy_servers;
	char uri[PROXY_URI_MAX];

	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	for (uint32_t i = 0; t && i < PROXY_SERVERS_MAX; i++) {
		const struct proxy_server *srv = &t->s[i];
		struct proxy_stats st;

		if (!srv->is_used)
			continue;
		proxy_stats_sum(i, &st);
		proxy_fmt_uri(&srv->listen, uri, sizeof(uri));
		vn_cli_printf(out, "proxy %s ->", uri);
		for (uint32_t k = 0; k < srv->n_backends; k++) {
			proxy_fmt_uri(&srv->backends[k], uri, sizeof(uri));
			vn_cli_printf(out, " %s", uri);
		}
		vn_cli_printf(out,
			      "\n  connections: active %" PRIu64 " total %" PRIu64
			      "\n  bytes: client-to-backend %" PRIu64 " backend-to-client %" PRIu64
			      "\n  backend failures:",
			      st.opened - st.closed, st.opened, st.bytes_up, st.bytes_down);
		for (int k = 0; k < PROXY_N_FAIL; k++)
			vn_cli_printf(out, " %s %" PRIu64, proxy_fail_names[k], st.fail[k]);
		vn_cli_printf(out, "\n");
	}
	return 0;
}

VN_CLI_COMMAND(show_proxy) = {
	.path = "show proxy",
	.syntax = "",
	.help = "proxy servers: connections, bytes each way, backend failures by reason",
	.fn = show_proxy_fn,
};
