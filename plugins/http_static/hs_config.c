/*
 * The http-static: section, a list of servers with the command's keys:
 *
 *   http-static:
 *     - { www-root: /srv/www, uri: tcp://0.0.0.0/80, cache-size: 64m }
 *
 * The section is the plugin's own top-level key (plugins register whole
 * sections), so it is a list rather than an entry of a shared apps: list.
 * Each element is checked against hs_cfg_fields; the section's check adds
 * the rest (a parseable uri and size, an absolute www-root that exists),
 * so a bad file fails before anything starts, as FILE:LINE:COL.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <vecnet/config.h>

#include "hs.h"

const char *hs_strerror(int rc);

static const struct vn_cfg_field hs_cfg_fields[] = {
	{.key = "www-root", .type = VN_CFG_T_STR, .required = true, .max_len = HS_ROOT_MAX - 1,
	 .example = "/srv/www", .doc = "Directory served (absolute); nothing outside it is"},
	{.key = "uri", .type = VN_CFG_T_STR, .required = true, .max_len = 63,
	 .example = "tcp://0.0.0.0/80", .doc = "tcp://ADDR/PORT to listen on (0.0.0.0: any)"},
	{.key = "cache-size", .type = VN_CFG_T_STR, .max_len = 20, .def = "10m",
	 .example = "64m", .doc = "Bytes of file bodies cached per worker (k, m, g)"},
	{.key = "keepalive-timeout", .type = VN_CFG_T_INT, .min = 1, .max = 86400, .def = "60",
	 .example = "75", .doc = "Seconds an idle keep-alive connection stays open"},
	{.key = "header-timeout", .type = VN_CFG_T_INT, .min = 1, .max = 86400, .def = "60",
	 .example = "10", .doc = "Seconds a request head may take from its first byte"},
	{.key = "send-timeout", .type = VN_CFG_T_INT, .min = 1, .max = 86400, .def = "60",
	 .example = "30", .doc = "Seconds a client may read nothing of an answer"},
	{.key = "max-age", .type = VN_CFG_T_INT, .min = 0, .max = 1 << 30, .def = "600",
	 .example = "3600", .doc = "Cache-Control max-age of the answers, seconds"},
	{.key = NULL},
};

static int
hs_cfg_check(struct vn_cfg_errors *e, const struct vn_cfg_node *section)
{
	int before = e->count;

	if (section->type != VN_CFG_SEQ) {
		vn_cfg_error(e, section, "http-static: a list of servers expected");
		return 1;
	}
	for (const struct vn_cfg_node *s = section->child; s; s = s->next) {
		const struct vn_cfg_node *n;
		struct vn_session_ep ep;
		uint64_t size;
		struct stat st;

		if (s->type != VN_CFG_MAP) {
			vn_cfg_error(e, s, "http-static: each server is a map (www-root, uri, ...)");
			continue;
		}
		if (vn_cfg_validate(e, s, hs_cfg_fields))
			continue;
		n = vn_cfg_map_get(s, "uri");
		if (hs_parse_uri(n->value, &ep) < 0)
			vn_cfg_error(e, n, "http-static uri: tcp://ADDR/PORT expected, not '%s'",
				     n->value);
		n = vn_cfg_map_get(s, "www-root");
		if (n->value[0] != '/')
			vn_cfg_error(e, n, "http-static www-root: an absolute path expected");
		else if (stat(n->value, &st) < 0 || !S_ISDIR(st.st_mode))
			vn_cfg_error(e, n, "http-static www-root: '%s' is not a directory",
				     n->value);
		n = vn_cfg_map_get(s, "cache-size");
		if (n && hs_parse_size(n->value, &size) < 0)
			vn_cfg_error(e, n, "http-static cache-size: bytes with k, m or g, not '%s'",
				     n->value);
	}
	return e->count - before;
}

static int
hs_cfg_apply(const struct vn_cfg_node *section)
{
	for (const struct vn_cfg_node *s = section->child; s; s = s->next) {
		struct hs_server_conf c;
		int rc;

		hs_server_conf_defaults(&c);
		strncpy(c.uri, vn_cfg_get_str(s, "uri", ""), sizeof(c.uri) - 1);
		strncpy(c.root, vn_cfg_get_str(s, "www-root", ""), sizeof(c.root) - 1);
		hs_parse_size(vn_cfg_get_str(s, "cache-size", "10m"), &c.cache_size);
		c.keepalive_timeout = (uint32_t)vn_cfg_get_int(s, "keepalive-timeout", c.keepalive_timeout);
		c.header_timeout = (uint32_t)vn_cfg_get_int(s, "header-timeout", c.header_timeout);
		c.send_timeout = (uint32_t)vn_cfg_get_int(s, "send-timeout", c.send_timeout);
		c.max_age = (uint32_t)vn_cfg_get_int(s, "max-age", c.max_age);
		rc = hs_server_start(&c);
		if (rc < 0) {
			fprintf(stderr, "http-static %s: %s\n", c.uri, hs_strerror(rc));
			return rc;
		}
	}
	return 0;
}

VN_CONFIG_SECTION(http_static) = {
	.name = "http-static",
	.fields = NULL, /* a list: hs_cfg_check validates each server */
	.check = hs_cfg_check,
	.apply = hs_cfg_apply,
	.doc = "HTTP/1.1 static file servers (docs/http.md), a list; each server is a map "
	       "with the keys of `http static server`: `www-root` (required, an absolute "
	       "directory), `uri` (required, `tcp://ADDR/PORT`), `cache-size` (bytes per "
	       "worker, k/m/g suffix, default 10m), `keepalive-timeout` (s, 60), "
	       "`header-timeout` (s, 60), `send-timeout` (s, 60), `max-age` (s, 600). The "
	       "session layer must be on (`tcp: { enable: true }` earlier in the file). "
	       "Example: `http-static: [{ www-root: /srv/www, uri: tcp://0.0.0.0/80 }]`.",
};
