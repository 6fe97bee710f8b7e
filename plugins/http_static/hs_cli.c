/*
 * Commands (VPP's http static server syntax):
 *   http static server www-root DIR uri tcp://ADDR/PORT [cache-size N]
 *        [keepalive-timeout S] [header-timeout S] [send-timeout S] [max-age S]
 *   http static server uri tcp://ADDR/PORT stop|delete|disable
 *   show http static server [sessions|cache]
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/graph.h>

#include "hs.h"

/* The message of a start or stop result, for every front end. */
const char *
hs_strerror(int rc)
{
	switch (rc) {
	case -EINVAL: return "uri: tcp://ADDR/PORT expected";
	case -EEXIST: return "a server already listens there";
	case -ENOSPC: return "too many servers";
	case -EPERM: return "session layer disabled (session enable)";
	case -ENODEV: return "the http-static application is not registered";
	case -ENOENT: return "no such server or www-root";
	case -ENOTDIR: return "www-root is not a directory";
	default: return strerror(-rc);
	}
}

static int
hs_cli_server(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct hs_server_conf c;
	char word[64];
	bool stop = false;
	int rc;

	hs_server_conf_defaults(&c);
	while (!vn_cli_args_end(args)) {
		if (vn_cli_arg_keyword(args, "www-root")) {
			if (!vn_cli_arg_word(args, "DIR", c.root, sizeof(c.root)))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "uri")) {
			if (!vn_cli_arg_word(args, "tcp://ADDR/PORT", c.uri, sizeof(c.uri)))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "cache-size")) {
			if (!vn_cli_arg_word(args, "N[k|m|g]", word, sizeof(word)) ||
			    hs_parse_size(word, &c.cache_size) < 0)
				return vn_cli_error(out, "cache-size: bytes, with k, m or g");
		} else if (vn_cli_arg_keyword(args, "keepalive-timeout")) {
			if (!vn_cli_arg_u32_range(args, 1, 86400, &c.keepalive_timeout))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "header-timeout")) {
			if (!vn_cli_arg_u32_range(args, 1, 86400, &c.header_timeout))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "send-timeout")) {
			if (!vn_cli_arg_u32_range(args, 1, 86400, &c.send_timeout))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "max-age")) {
			if (!vn_cli_arg_u32_range(args, 0, 1u << 30, &c.max_age))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "stop") || vn_cli_arg_keyword(args, "delete") ||
			   vn_cli_arg_keyword(args, "disable")) {
			stop = true;
		} else {
			return vn_cli_unexpected(args);
		}
	}
	if (!c.uri[0])
		return vn_cli_error(out, "uri tcp://ADDR/PORT is required");
	if (stop) {
		rc = hs_server_stop(c.uri);
		if (rc < 0)
			return vn_cli_error(out, "stop %s: %s", c.uri,
					    rc == -ENOENT ? "no server there" : hs_strerror(rc));
		return 0;
	}
	if (!c.root[0])
		return vn_cli_error(out, "www-root DIR is required");
	rc = hs_server_start(&c);
	if (rc < 0)
		return vn_cli_error(out, "http static server %s: %s", c.uri, hs_strerror(rc));
	return 0;
}

VN_CLI_COMMAND(hs_cli_server_cmd) = {
	.path = "http static server",
	.syntax = "www-root DIR uri tcp://ADDR/PORT [cache-size N] [keepalive-timeout S] "
		  "[header-timeout S] [send-timeout S] [max-age S] | uri tcp://ADDR/PORT stop",
	.help = "serve the files under DIR over HTTP/1.1 on ADDR:PORT (0.0.0.0: any IPv4, "
		"::: any IPv6), or stop",
	.fn = hs_cli_server,
};

static void
show_server(struct vn_cli_out *out, const struct hs_server *srv, bool sessions, bool cache)
{
	char a[VN_IP6_STRLEN];

	/* The URI as it was given (VPP's form: no brackets around IPv6). */
	vn_cli_printf(out, "tcp://%s/%u www-root %s\n",
		      srv->ep.is_ip6 ? vn_fmt_ip6(&srv->ep.addr.ip6, a)
				     : vn_fmt_ip4(srv->ep.addr.ip4, a),
		      srv->ep.port, srv->root);
	vn_cli_printf(out, "  cache-size %" PRIu64 " keepalive-timeout %u header-timeout %u "
			   "send-timeout %u max-age %u\n",
		      srv->cache_size, srv->keepalive_timeout, srv->header_timeout,
		      srv->send_timeout, srv->max_age);
	if (sessions) {
		vn_cli_printf(out, "  %-8s %10s %12s\n", "thread", "live", "accepted");
		for (uint32_t i = 0; i < vn_fwd_thread_count(); i++) {
			uint32_t t = vn_fwd_thread_index(i);
			uint64_t o = __atomic_load_n(&srv->cnt[t].c[HS_C_SESSIONS], __ATOMIC_RELAXED);
			uint64_t cl = __atomic_load_n(&srv->cnt[t].c[HS_C_CLOSED], __ATOMIC_RELAXED);
			vn_cli_printf(out, "  %-8u %10" PRIu64 " %12" PRIu64 "\n", t,
				      o >= cl ? o - cl : 0, o);
		}
		return;
	}
	if (cache) {
		vn_cli_printf(out, "  %-8s %10s %14s %10s %12s %12s\n", "thread", "entries", "bytes",
			      "evictions", "hits", "misses");
		for (uint32_t i = 0; i < vn_fwd_thread_count(); i++) {
			uint32_t t = vn_fwd_thread_index(i);
			struct hs_cache *c = __atomic_load_n(&srv->cache[t], __ATOMIC_ACQUIRE);
			struct hs_cache_stats st = {0};
			if (c)
				hs_cache_stats(c, &st);
			vn_cli_printf(out, "  %-8u %10" PRIu64 " %14" PRIu64 " %10" PRIu64 " %12" PRIu64
					   " %12" PRIu64 "\n",
				      t, st.entries, st.bytes, st.evictions,
				      __atomic_load_n(&srv->cnt[t].c[HS_C_CACHE_HIT], __ATOMIC_RELAXED),
				      __atomic_load_n(&srv->cnt[t].c[HS_C_CACHE_MISS], __ATOMIC_RELAXED));
		}
		return;
	}
	for (uint32_t k = 0; k < HS_C_MAX; k++) {
		uint64_t v = hs_server_counter(srv, (enum hs_counter)k);
		if (v || k <= HS_C_BYTES)
			vn_cli_printf(out, "  %-36s %" PRIu64 "\n", hs_counter_names[k], v);
	}
}

static int
hs_cli_show(struct vn_cli_out *out, struct vn_cli_args *args)
{
	bool sessions = false, cache = false;
	uint32_t n = 0;

	if (vn_cli_arg_keyword(args, "sessions"))
		sessions = true;
	else if (vn_cli_arg_keyword(args, "cache"))
		cache = true;
	if (!vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	for (uint32_t i = 0; i < HS_SERVERS_MAX; i++) {
		const struct hs_server *srv = hs_server_at(i);
		if (srv) {
			show_server(out, srv, sessions, cache);
			n++;
		}
	}
	if (n == 0)
		vn_cli_printf(out, "no http static server\n");
	return 0;
}

VN_CLI_COMMAND(hs_cli_show_cmd) = {
	.path = "show http static server",
	.syntax = "[sessions|cache]",
	.help = "HTTP static servers: settings and counters, live sessions per thread, or caches",
	.fn = hs_cli_show,
};
