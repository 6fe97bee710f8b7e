/*
 * The `tcp-proxy:` config section, the CLI's servers as data:
 *
 *   tcp-proxy:
 *     servers:
 *       - server-uri: tcp://0.0.0.0/8080
 *         client-uris: [tcp://10.0.2.2/80, tcp://10.0.3.2/80]
 *
 * The session layer must be on (`tcp: { enable: true }`, applied first).
 */
#define VN_LOG_MOD "tcp-proxy"
#include <errno.h>
#include <string.h>
#include <vecnet/config.h>

#include "proxy.h"

static const struct vn_cfg_field proxy_cfg_server_fields[] = {
	{.key = "server-uri", .type = VN_CFG_T_STR, .required = true, .max_len = 63,
	 .example = "tcp://0.0.0.0/8080", .doc = "Where clients connect (0.0.0.0: any address)"},
	{.key = "client-uris", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_STR, .required = true,
	 .min_items = 1, .max_items = PROXY_BACKENDS_MAX, .max_len = 63,
	 .example = "[tcp://10.0.2.2/80, tcp://10.0.3.2/80]",
	 .doc = "Backends, each connection to the next in turn"},
	{.key = NULL},
};

static const struct vn_cfg_field proxy_cfg_fields[] = {
	{.key = "servers", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_MAP,
	 .fields = proxy_cfg_server_fields, .max_items = PROXY_SERVERS_MAX,
	 .doc = "Proxy servers, as `test proxy server`"},
	{.key = NULL},
};

/* One server entry; err says what is wrong. */
static int
proxy_cfg_server(const struct vn_cfg_node *n, struct vn_session_ep *listen,
		 struct vn_session_ep *be, uint32_t *n_be, const struct vn_cfg_node **bad)
{
	const struct vn_cfg_node *l = vn_cfg_map_get(n, "client-uris");

	*bad = vn_cfg_map_get(n, "server-uri");
	if (proxy_parse_uri(vn_cfg_get_str(n, "server-uri", ""), listen) < 0)
		return -EINVAL;
	*n_be = 0;
	for (const struct vn_cfg_node *x = l ? l->child : NULL; x; x = x->next) {
		*bad = x;
		if (*n_be == PROXY_BACKENDS_MAX || proxy_parse_uri(x->value, &be[*n_be]) < 0 ||
		    vn_session_ep_is_any(&be[*n_be]))
			return -EINVAL;
		(*n_be)++;
	}
	return 0;
}

static int
proxy_cfg_check(struct vn_cfg_errors *e, const struct vn_cfg_node *section)
{
	const struct vn_cfg_node *servers = vn_cfg_map_get(section, "servers");
	struct vn_session_ep listen, be[PROXY_BACKENDS_MAX];
	uint32_t n_be, i = 0;
	int errors = 0;

	for (const struct vn_cfg_node *s = servers ? servers->child : NULL; s; s = s->next, i++) {
		const struct vn_cfg_node *bad = s;
		if (proxy_cfg_server(s, &listen, be, &n_be, &bad) < 0) {
			vn_cfg_error(e, bad ? bad : s,
				     "tcp-proxy.servers[%u]: tcp://ADDR/PORT expected (backends: "
				     "not 0.0.0.0)", i);
			errors++;
		}
	}
	return errors;
}

static int
proxy_cfg_apply(const struct vn_cfg_node *section)
{
	const struct vn_cfg_node *servers = vn_cfg_map_get(section, "servers");
	struct vn_session_ep listen, be[PROXY_BACKENDS_MAX];
	const struct vn_cfg_node *bad;
	uint32_t n_be, i = 0;
	int rc;

	for (const struct vn_cfg_node *s = servers ? servers->child : NULL; s; s = s->next, i++) {
		if ((rc = proxy_cfg_server(s, &listen, be, &n_be, &bad)) < 0)
			return rc;
		rc = proxy_server_add(&listen, be, n_be);
		if (rc < 0) {
			VN_ERR("tcp-proxy.servers[%u]: %s%s", i, strerror(-rc),
			       rc == -EPERM ? " (tcp: { enable: true })" : "");
			return rc;
		}
	}
	return 0;
}

VN_CONFIG_SECTION(tcp_proxy) = {
	.name = "tcp-proxy",
	.doc = "TCP proxy servers on the host stack (docs/proxy.md), as `test proxy server`.",
	.fields = proxy_cfg_fields,
	.check = proxy_cfg_check,
	.apply = proxy_cfg_apply,
};
