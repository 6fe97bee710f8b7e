/*
 * The engine's own config sections: schema tables, the checks that span
 * sections (routes and neighbours naming interfaces), and the conversion of a
 * validated tree into struct vn_config. Defaults live here and in config.h.
 *
 * Enum tables are indexed by the C enum, so conversion is a table lookup and a
 * new value cannot be accepted by the schema but missed by the converter.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vecnet/net/neighbor.h>

#include "app/engine_config.h"
#include "core/config_priv.h"

/* Any lcore id DPDK can be built with; the EAL rejects cores that do not exist. */
#define VN_CFG_MAX_CORE 1023
/* sun_path is 108 bytes including the NUL. */
#define VN_CFG_MAX_SOCKET_PATH 107
#define VN_CFG_MAX_RX_QUEUES 64

static const char *const vn_hugepages_names[] = {
    [VN_HUGEPAGES_AUTO] = "auto", [VN_HUGEPAGES_ON] = "on", [VN_HUGEPAGES_OFF] = "off", NULL};
static const char *const vn_log_level_names[] = {[VN_LOG_ERROR] = "error",
						 [VN_LOG_WARNING] = "warning",
						 [VN_LOG_INFO] = "info",
						 [VN_LOG_DEBUG] = "debug",
						 NULL};
static const char *const vn_poll_names[] = {
    [VN_POLL_ALWAYS] = "always", [VN_POLL_ADAPTIVE] = "adaptive", NULL};

static const struct vn_cfg_field vn_engine_fields[] = {
    {.key = "main-core", .type = VN_CFG_T_INT, .min = 0, .max = VN_CFG_MAX_CORE},
    {.key = "workers",
     .type = VN_CFG_T_LIST,
     .elem = VN_CFG_T_INT,
     .min = 0,
     .max = VN_CFG_MAX_CORE,
     .max_items = VN_CFG_MAX_WORKERS},
    {.key = "buffers", .type = VN_CFG_T_INT, .min = 1024, .max = 16777216},
    {.key = "hugepages", .type = VN_CFG_T_ENUM, .enum_values = vn_hugepages_names},
    {.key = "log-level", .type = VN_CFG_T_ENUM, .enum_values = vn_log_level_names},
    {.key = "poll", .type = VN_CFG_T_ENUM, .enum_values = vn_poll_names},
    {.key = NULL},
};

static const struct vn_cfg_field vn_cli_fields[] = {
    {.key = "socket", .type = VN_CFG_T_STR, .max_len = VN_CFG_MAX_SOCKET_PATH},
    {.key = NULL},
};

static const struct vn_cfg_field vn_plugins_fields[] = {
    {.key = "path", .type = VN_CFG_T_STR, .max_len = 255},
    {.key = "enable", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_STR, .max_len = 255},
    {.key = NULL},
};

static const struct vn_cfg_field vn_interface_fields[] = {
    {.key = "name", .type = VN_CFG_T_STR, .required = true, .max_len = VN_IFNAME_MAX - 1},
    {.key = "device", .type = VN_CFG_T_STR, .required = true, .max_len = 255},
    {.key = "rx-queues", .type = VN_CFG_T_INT, .min = 1, .max = VN_CFG_MAX_RX_QUEUES},
    {.key = "mtu", .type = VN_CFG_T_INT, .min = 68, .max = 9000},
    {.key = "addresses",
     .type = VN_CFG_T_LIST,
     .elem = VN_CFG_T_SCALAR,
     .scalar = &vn_cfg_prefix,
     .max_items = VN_CFG_MAX_ADDRS},
    {.key = "up", .type = VN_CFG_T_BOOL},
    {.key = "workers",
     .type = VN_CFG_T_LIST,
     .elem = VN_CFG_T_INT,
     .min = 0,
     .max = VN_CFG_MAX_CORE,
     .max_items = VN_CFG_MAX_WORKERS},
    {.key = NULL},
};

static const struct vn_cfg_field vn_route_fields[] = {
    {.key = "prefix", .type = VN_CFG_T_SCALAR, .scalar = &vn_cfg_prefix, .required = true},
    {.key = "via",
     .type = VN_CFG_T_SCALAR_OR_LIST,
     .elem = VN_CFG_T_SCALAR,
     .scalar = &vn_cfg_ip4,
     .min_items = 1,
     .max_items = VN_CFG_MAX_PATHS},
    {.key = "interface", .type = VN_CFG_T_STR, .max_len = VN_IFNAME_MAX - 1},
    {.key = "drop", .type = VN_CFG_T_BOOL},
    {.key = NULL},
};

static const struct vn_cfg_field vn_neighbor_fields[] = {
    {.key = "interface", .type = VN_CFG_T_STR, .required = true, .max_len = VN_IFNAME_MAX - 1},
    {.key = "address", .type = VN_CFG_T_SCALAR, .scalar = &vn_cfg_ip4, .required = true},
    {.key = "mac", .type = VN_CFG_T_SCALAR, .scalar = &vn_cfg_mac, .required = true},
    {.key = NULL},
};

/* Packets held while their next hop resolves (vn_neighbor_config). */
static const struct vn_cfg_field vn_neighbor_config_fields[] = {
    {.key = "queue-length", .type = VN_CFG_T_INT, .min = 0, .max = VN_NEIGHBOR_QUEUE_MAX},
    {.key = "resolve-timeout-ms",
     .type = VN_CFG_T_INT,
     .min = 1,
     .max = VN_NEIGHBOR_TIMEOUT_MAX_MS},
    {.key = NULL},
};

const struct vn_cfg_field vn_config_top_fields[] = {
    {.key = "engine", .type = VN_CFG_T_MAP, .fields = vn_engine_fields},
    {.key = "cli", .type = VN_CFG_T_MAP, .fields = vn_cli_fields},
    {.key = "plugins", .type = VN_CFG_T_MAP, .fields = vn_plugins_fields},
    {.key = "interfaces",
     .type = VN_CFG_T_LIST,
     .elem = VN_CFG_T_MAP,
     .fields = vn_interface_fields},
    {.key = "routes", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_MAP, .fields = vn_route_fields},
    {.key = "neighbors", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_MAP, .fields = vn_neighbor_fields},
    {.key = "neighbor-config", .type = VN_CFG_T_MAP, .fields = vn_neighbor_config_fields},
    {.key = "exec", .type = VN_CFG_T_LIST, .elem = VN_CFG_T_STR, .max_len = 4095},
    {.key = NULL},
};

/* --- cross-section checks --------------------------------------------- */

/* Items of a list section that are maps; skips what the schema already rejected. */
static const struct vn_cfg_node *
vn_cfg_first_map(const struct vn_cfg_node *seq)
{
	const struct vn_cfg_node *c = seq != NULL && seq->type == VN_CFG_SEQ ? seq->child : NULL;

	while (c != NULL && c->type != VN_CFG_MAP)
		c = c->next;
	return c;
}

static const struct vn_cfg_node *
vn_cfg_next_map(const struct vn_cfg_node *c)
{
	for (c = c->next; c != NULL && c->type != VN_CFG_MAP; c = c->next)
		;
	return c;
}

/* Index of c within its list, for error paths. */
static uint32_t
vn_cfg_index(const struct vn_cfg_node *seq, const struct vn_cfg_node *c)
{
	uint32_t i = 0;

	for (const struct vn_cfg_node *p = seq->child; p != c; p = p->next)
		i++;
	return i;
}

static const struct vn_cfg_node *
vn_cfg_scalar(const struct vn_cfg_node *map, const char *key)
{
	const struct vn_cfg_node *n = vn_cfg_map_get(map, key);

	return n != NULL && n->type == VN_CFG_SCALAR && n->value[0] != '\0' ? n : NULL;
}

static bool
vn_cfg_interface_exists(const struct vn_cfg_node *interfaces, const char *name)
{
	for (const struct vn_cfg_node *c = vn_cfg_first_map(interfaces); c;
	     c = vn_cfg_next_map(c)) {
		const struct vn_cfg_node *n = vn_cfg_scalar(c, "name");

		if (n != NULL && strcmp(n->value, name) == 0)
			return true;
	}
	return false;
}

static void
vn_cfg_check_interfaces(struct vn_cfg_errors *e, const struct vn_cfg_node *interfaces)
{
	for (const struct vn_cfg_node *c = vn_cfg_first_map(interfaces); c;
	     c = vn_cfg_next_map(c)) {
		const struct vn_cfg_node *name = vn_cfg_scalar(c, "name");

		if (name == NULL)
			continue;
		for (const struct vn_cfg_node *p = vn_cfg_first_map(interfaces); p != c;
		     p = vn_cfg_next_map(p)) {
			const struct vn_cfg_node *first = vn_cfg_scalar(p, "name");

			if (first != NULL && strcmp(first->value, name->value) == 0) {
				vn_cfg_error(e, name,
					     "interfaces[%u].name: duplicate interface name '%s' "
					     "(first defined at %d:%d)",
					     vn_cfg_index(interfaces, c), name->value, first->line,
					     first->col);
				break;
			}
		}
	}
}

static void
vn_cfg_check_ref(struct vn_cfg_errors *e, const struct vn_cfg_node *interfaces,
		 const struct vn_cfg_node *seq, const struct vn_cfg_node *item)
{
	const struct vn_cfg_node *ifn = vn_cfg_scalar(item, "interface");

	if (ifn != NULL && !vn_cfg_interface_exists(interfaces, ifn->value))
		vn_cfg_error(e, ifn, "%s[%u].interface: no interface named '%s' in interfaces",
			     seq->key, vn_cfg_index(seq, item), ifn->value);
}

static void
vn_cfg_check_routes(struct vn_cfg_errors *e, const struct vn_cfg_node *interfaces,
		    const struct vn_cfg_node *routes)
{
	if (routes == NULL || routes->type != VN_CFG_SEQ)
		return;
	/* The index is counted as we go: a million routes must not cost a million walks. */
	uint32_t i = 0;
	for (const struct vn_cfg_node *c = routes->child; c; c = c->next, i++) {
		if (c->type != VN_CFG_MAP)
			continue;
		const struct vn_cfg_node *via = vn_cfg_map_get(c, "via");
		const struct vn_cfg_node *drop = vn_cfg_map_get(c, "drop");
		bool is_drop;

		/* `drop: false` alone would be a route with nowhere to go. */
		if (via != NULL && drop != NULL)
			vn_cfg_error(e, drop, "routes[%u]: give either 'via' or 'drop', not both",
				     i);
		else if (via == NULL && drop == NULL)
			vn_cfg_error(e, c, "routes[%u]: expected one of 'via' or 'drop: true'", i);
		else if (drop != NULL && drop->type == VN_CFG_SCALAR &&
			 vn_cfg_parse_bool(drop->value, &is_drop) == 0 && !is_drop)
			vn_cfg_error(e, drop,
				     "routes[%u].drop: must be true when given (use 'via' "
				     "for a forwarding route)",
				     i);
		vn_cfg_check_ref(e, interfaces, routes, c);
	}
}

static void
vn_cfg_check_workers(struct vn_cfg_errors *e, const struct vn_cfg_node *engine)
{
	const struct vn_cfg_node *workers = vn_cfg_map_get(engine, "workers");

	if (workers == NULL || workers->type != VN_CFG_SEQ)
		return;
	for (const struct vn_cfg_node *c = workers->child; c != NULL; c = c->next) {
		int64_t core, other;

		if (c->type != VN_CFG_SCALAR || vn_cfg_parse_int(c->value, &core) < 0)
			continue;
		for (const struct vn_cfg_node *p = workers->child; p != c; p = p->next) {
			if (p->type == VN_CFG_SCALAR && vn_cfg_parse_int(p->value, &other) == 0 &&
			    other == core) {
				vn_cfg_error(e, c, "engine.workers[%u]: core %lld is listed twice",
					     vn_cfg_index(workers, c), (long long)core);
				break;
			}
		}
	}
}

static void
vn_cfg_check_plugins(struct vn_cfg_errors *e, const struct vn_cfg_node *plugins)
{
	const struct vn_cfg_node *enable = vn_cfg_map_get(plugins, "enable");
	uint32_t n = 0;

	if (enable == NULL || enable->type != VN_CFG_SEQ)
		return;
	for (const struct vn_cfg_node *c = enable->child; c != NULL; c = c->next)
		n++;
	for (const struct vn_cfg_node *c = enable->child; c != NULL; c = c->next)
		if (n > 1 && c->type == VN_CFG_SCALAR && strcmp(c->value, "all") == 0)
			vn_cfg_error(e, c, "plugins.enable: 'all' must be the only item");
}

int
vn_config_engine_check(struct vn_cfg_errors *e, const struct vn_cfg_node *root)
{
	const struct vn_cfg_node *interfaces = vn_cfg_map_get(root, "interfaces");
	const struct vn_cfg_node *neighbors = vn_cfg_map_get(root, "neighbors");
	int before = e->count;

	vn_cfg_check_workers(e, vn_cfg_map_get(root, "engine"));
	vn_cfg_check_plugins(e, vn_cfg_map_get(root, "plugins"));
	vn_cfg_check_interfaces(e, interfaces);
	vn_cfg_check_routes(e, interfaces, vn_cfg_map_get(root, "routes"));
	for (const struct vn_cfg_node *c = vn_cfg_first_map(neighbors); c; c = vn_cfg_next_map(c))
		vn_cfg_check_ref(e, interfaces, neighbors, c);
	return e->count - before;
}

/* --- conversion (the tree is valid here) ------------------------------ */
static uint32_t
vn_cfg_count(const struct vn_cfg_node *seq)
{
	uint32_t n = 0;

	for (const struct vn_cfg_node *c = seq ? seq->child : NULL; c != NULL; c = c->next)
		n++;
	return n;
}

static int
vn_cfg_enum_index(const char *const *names, const char *value, int def)
{
	for (int i = 0; value != NULL && names[i] != NULL; i++)
		if (strcmp(names[i], value) == 0)
			return i;
	return def;
}

static uint32_t
vn_cfg_ints(const struct vn_cfg_node *seq, int *out)
{
	uint32_t n = 0;
	int64_t v;

	for (const struct vn_cfg_node *c = seq ? seq->child : NULL; c != NULL; c = c->next)
		if (vn_cfg_parse_int(c->value, &v) == 0)
			out[n++] = (int)v;
	return n;
}

/* A NULL-free array of copies of a list of strings; *n counts what was copied,
 * so vn_config_free can release a partial result. */
static int
vn_cfg_strings(const struct vn_cfg_node *seq, char ***out, uint32_t *n)
{
	uint32_t count = vn_cfg_count(seq);

	*n = 0;
	if (count == 0)
		return 0;
	*out = calloc(count, sizeof(**out));
	if (*out == NULL)
		return -ENOMEM;
	for (const struct vn_cfg_node *c = seq->child; c != NULL; c = c->next) {
		(*out)[*n] = strdup(c->value);
		if ((*out)[*n] == NULL)
			return -ENOMEM;
		(*n)++;
	}
	return 0;
}

static void
vn_cfg_convert_engine(const struct vn_cfg_node *engine, struct vn_config *cfg)
{
	cfg->main_core = (int)vn_cfg_get_int(engine, "main-core", 0);
	cfg->n_workers = vn_cfg_ints(vn_cfg_map_get(engine, "workers"), cfg->workers);
	cfg->buffers = (uint32_t)vn_cfg_get_int(engine, "buffers", 16384);
	cfg->hugepages = vn_cfg_enum_index(
	    vn_hugepages_names, vn_cfg_get_str(engine, "hugepages", NULL), VN_HUGEPAGES_AUTO);
	cfg->log_level = vn_cfg_enum_index(vn_log_level_names,
					   vn_cfg_get_str(engine, "log-level", NULL), VN_LOG_INFO);
	cfg->poll = vn_cfg_enum_index(vn_poll_names, vn_cfg_get_str(engine, "poll", NULL),
				      VN_POLL_ADAPTIVE);
}

static void
vn_cfg_convert_interface(const struct vn_cfg_node *m, struct vn_config_interface *ifc)
{
	const struct vn_cfg_node *addrs = vn_cfg_map_get(m, "addresses");

	snprintf(ifc->name, sizeof(ifc->name), "%s", vn_cfg_get_str(m, "name", ""));
	snprintf(ifc->device, sizeof(ifc->device), "%s", vn_cfg_get_str(m, "device", ""));
	ifc->rx_queues = (uint16_t)vn_cfg_get_int(m, "rx-queues", 1);
	ifc->mtu = (uint16_t)vn_cfg_get_int(m, "mtu", 1500);
	ifc->up = vn_cfg_get_bool(m, "up", true);
	for (const struct vn_cfg_node *c = addrs ? addrs->child : NULL; c != NULL; c = c->next)
		if (vn_parse_prefix(c->value, &ifc->addresses[ifc->n_addresses]) == 0)
			ifc->n_addresses++;
	ifc->n_workers = vn_cfg_ints(vn_cfg_map_get(m, "workers"), ifc->workers);
}

static void
vn_cfg_convert_route(const struct vn_cfg_node *m, struct vn_config_route *r)
{
	const struct vn_cfg_node *via = vn_cfg_map_get(m, "via");

	vn_parse_prefix(vn_cfg_get_str(m, "prefix", ""), &r->prefix);
	r->drop = vn_cfg_get_bool(m, "drop", false);
	if (via != NULL && via->type == VN_CFG_SCALAR && vn_parse_ip4(via->value, &r->via[0]) == 0)
		r->n_paths = 1;
	for (const struct vn_cfg_node *c = via && via->type == VN_CFG_SEQ ? via->child : NULL;
	     c != NULL; c = c->next)
		if (vn_parse_ip4(c->value, &r->via[r->n_paths]) == 0)
			r->n_paths++;
	snprintf(r->interface, sizeof(r->interface), "%s", vn_cfg_get_str(m, "interface", ""));
}

static void
vn_cfg_convert_neighbor(const struct vn_cfg_node *m, struct vn_config_neighbor *nb)
{
	snprintf(nb->interface, sizeof(nb->interface), "%s", vn_cfg_get_str(m, "interface", ""));
	vn_parse_ip4(vn_cfg_get_str(m, "address", ""), &nb->address);
	vn_parse_mac(vn_cfg_get_str(m, "mac", ""), nb->mac);
}

int
vn_config_convert(const struct vn_cfg_node *root, struct vn_config *cfg)
{
	const struct vn_cfg_node *plugins = vn_cfg_map_get(root, "plugins");
	const struct vn_cfg_node *enable = vn_cfg_map_get(plugins, "enable");
	const struct vn_cfg_node *interfaces = vn_cfg_map_get(root, "interfaces");
	const struct vn_cfg_node *routes = vn_cfg_map_get(root, "routes");
	const struct vn_cfg_node *neighbors = vn_cfg_map_get(root, "neighbors");
	const struct vn_cfg_node *c;
	uint32_t i;

	vn_cfg_convert_engine(vn_cfg_map_get(root, "engine"), cfg);
	cfg->neighbor_queue_len = (uint32_t)vn_cfg_get_int(
	    vn_cfg_map_get(root, "neighbor-config"), "queue-length", VN_NEIGHBOR_QUEUE_DEFAULT);
	cfg->neighbor_timeout_ms =
	    (uint32_t)vn_cfg_get_int(vn_cfg_map_get(root, "neighbor-config"), "resolve-timeout-ms",
				     VN_NEIGHBOR_TIMEOUT_DEFAULT_MS);
	snprintf(cfg->cli_socket, sizeof(cfg->cli_socket), "%s",
		 vn_cfg_get_str(vn_cfg_map_get(root, "cli"), "socket", "/run/vecnet/cli.sock"));
	snprintf(cfg->plugins_path, sizeof(cfg->plugins_path), "%s",
		 vn_cfg_get_str(plugins, "path", "build/plugins"));
	/* No `enable:` loads every plugin found; `[all]` says so explicitly. */
	if (enable == NULL || (enable->child != NULL && strcmp(enable->child->value, "all") == 0))
		cfg->plugins_all = true;
	else if (vn_cfg_strings(enable, &cfg->plugins_enable, &cfg->n_plugins_enable) < 0)
		return -ENOMEM;
	if (vn_cfg_strings(vn_cfg_map_get(root, "exec"), &cfg->exec, &cfg->n_exec) < 0)
		return -ENOMEM;

	/* calloc(0) may return NULL or not; either is fine for an empty table. */
	cfg->interfaces = calloc(vn_cfg_count(interfaces), sizeof(*cfg->interfaces));
	cfg->routes = calloc(vn_cfg_count(routes), sizeof(*cfg->routes));
	cfg->neighbors = calloc(vn_cfg_count(neighbors), sizeof(*cfg->neighbors));
	if ((interfaces != NULL && interfaces->child != NULL && cfg->interfaces == NULL) ||
	    (routes != NULL && routes->child != NULL && cfg->routes == NULL) ||
	    (neighbors != NULL && neighbors->child != NULL && cfg->neighbors == NULL))
		return -ENOMEM;
	for (i = 0, c = interfaces ? interfaces->child : NULL; c != NULL; c = c->next, i++)
		vn_cfg_convert_interface(c, &cfg->interfaces[i]);
	cfg->n_interfaces = i;
	for (i = 0, c = routes ? routes->child : NULL; c != NULL; c = c->next, i++)
		vn_cfg_convert_route(c, &cfg->routes[i]);
	cfg->n_routes = i;
	for (i = 0, c = neighbors ? neighbors->child : NULL; c != NULL; c = c->next, i++)
		vn_cfg_convert_neighbor(c, &cfg->neighbors[i]);
	cfg->n_neighbors = i;
	return 0;
}
