/*
 * The engine's own configuration: the application's top-level sections
 * (engine, cli, plugins, interfaces, routes, neighbors, neighbor-config,
 * exec), read from the
 * YAML tree with the core's loader (vecnet/config.h) into struct vn_config.
 */
#ifndef VN_ENGINE_CONFIG_H
#define VN_ENGINE_CONFIG_H

#include <vecnet/config.h>
#include <vecnet/net/addr.h>
#include <vecnet/net/ra6.h>

#include "core/worker_priv.h"
#include "net/ra6_priv.h"

#define VN_CFG_MAX_WORKERS (VN_THREAD_MAX - 1)
#define VN_CFG_MAX_ADDRS 16
#define VN_CFG_MAX_PATHS 16

enum vn_hugepages { VN_HUGEPAGES_AUTO, VN_HUGEPAGES_ON, VN_HUGEPAGES_OFF };

struct vn_config_interface {
	char name[VN_IFNAME_MAX];
	char device[256]; /* vdev arguments or PCI address (host:IFNAME made vdev arguments) */
	uint16_t rx_queues; /* default 1 */
	uint16_t mtu; /* default 1500 */
	bool up; /* default true */
	uint32_t n_addresses;
	struct vn_prefix addresses[VN_CFG_MAX_ADDRS];
	uint32_t n_addresses6; /* the IPv6 ones of `addresses` */
	struct vn_prefix6 addresses6[VN_CFG_MAX_ADDRS];
	uint32_t n_workers; /* explicit RX queue placement, optional */
	int workers[VN_CFG_MAX_WORKERS];
	bool has_ra6; /* ip6-nd: given */
	struct vn_ra6_config ra6;
};

/* sub-interfaces: VLAN sub-interface PARENT.ID, created down unless up. */
struct vn_config_subif {
	char parent[VN_IFNAME_MAX];
	uint32_t id;
	uint16_t outer_tpid; /* 0x8100 (dot1q, and `id` alone) or 0x88a8 (dot1ad) */
	uint16_t outer_vid, inner_vid; /* inner 0: single tag */
	uint16_t mtu; /* 0: the parent's */
	bool up; /* default false, as VPP */
	uint32_t n_addresses;
	struct vn_prefix addresses[VN_CFG_MAX_ADDRS];
	uint32_t n_addresses6;
	struct vn_prefix6 addresses6[VN_CFG_MAX_ADDRS];
	bool has_ra6; /* ip6-nd: given */
	struct vn_ra6_config ra6;
};

struct vn_config_route {
	struct vn_prefix prefix;
	bool drop;
	uint32_t n_paths; /* `via` may be one address or a list (ECMP) */
	uint32_t via[VN_CFG_MAX_PATHS];
	char interface[VN_IFNAME_MAX]; /* "" when not given */
};

/* An entry of `routes` whose prefix is IPv6 (kept apart: the IPv4 table stays small). */
struct vn_config_route6 {
	struct vn_prefix6 prefix;
	bool drop;
	uint32_t n_paths;
	struct vn_ip6 via[VN_CFG_MAX_PATHS];
	char interface[VN_IFNAME_MAX];
};

struct vn_config_neighbor6 {
	char interface[VN_IFNAME_MAX];
	struct vn_ip6 address;
	uint8_t mac[6];
};

struct vn_config_neighbor {
	char interface[VN_IFNAME_MAX];
	uint32_t address;
	uint8_t mac[6];
};

#define VN_CFG_IP4_ROUTES_DEF (1u << 21)
#define VN_CFG_IP6_ROUTES_DEF (1u << 18)

struct vn_config {
	char *file;
	/* engine: */
	int main_core; /* default 0 */
	uint32_t n_workers; /* default 0: graph on the main thread */
	int workers[VN_CFG_MAX_WORKERS];
	uint32_t buffers; /* default 16384 */
	uint32_t ip4_routes; /* default VN_CFG_IP4_ROUTES_DEF */
	uint32_t ip6_routes; /* default VN_CFG_IP6_ROUTES_DEF */
	enum vn_hugepages hugepages; /* default auto */
	enum vn_log_level log_level; /* default info */
	enum vn_poll_mode poll; /* default adaptive */
	enum vn_ll6_mode ip6_link_local; /* default eui64 */
	bool has_ip6_secret; /* else from /etc/machine-id */
	uint8_t ip6_secret[VN_LL6_SECRET_LEN];
	/* cli: */
	char cli_socket[4096]; /* resolved; default /run/vecnet/cli.sock */
	/* plugins: */
	char plugins_path[4096]; /* resolved; default vn_config_default_plugin_dir() */
	uint32_t n_plugins_enable; /* 0 with plugins_all = true means all */
	bool plugins_all;
	char **plugins_enable;
	/* tables: */
	uint32_t n_interfaces;
	struct vn_config_interface *interfaces;
	uint32_t n_subifs;
	struct vn_config_subif *subifs;
	uint32_t n_routes;
	struct vn_config_route *routes;
	uint32_t n_neighbors;
	struct vn_config_neighbor *neighbors;
	uint32_t n_routes6;
	struct vn_config_route6 *routes6;
	uint32_t n_neighbors6;
	struct vn_config_neighbor6 *neighbors6;
	/* neighbor-config: */
	uint32_t neighbor_queue_len; /* default VN_NEIGHBOR_QUEUE_DEFAULT */
	uint32_t neighbor_timeout_ms; /* default VN_NEIGHBOR_TIMEOUT_DEFAULT_MS */
	/* ip6-nd: */
	uint32_t nd6_reachable_ms; /* default VN_ND_REACHABLE_DEFAULT_MS */
	uint32_t nd6_dad_transmits; /* default VN_ND_DAD_TRANSMITS_DEFAULT */
	uint32_t n_exec;
	char **exec; /* CLI files and .lua scripts, in order */
	/* the whole tree, for plugin sections applied after start */
	struct vn_cfg_node *root;
};

/* Calls apply of every registered section present in cfg->root, in file order.
 * Stops at the first failure, reported on err as FILE:LINE:COL; 0 or negative errno. */
int vn_config_apply_sections(const struct vn_config *cfg, FILE *err);

/* Reads, validates and converts FILE. Errors go to err as FILE:LINE:COL: lines.
 * Returns 0, or -1 when the file is invalid (cfg is then left empty). An empty
 * file is valid and gives the defaults. Route prefixes keep host bits as written. */
int vn_config_load(const char *path, struct vn_config *cfg, FILE *err);
/* Same from a tree parsed already (vn_cfg_parse_file), which it takes over:
 * main() parses the file once for `plugins:` and the whole load. */
int vn_config_load_tree(const char *name, struct vn_cfg_node *root, struct vn_config *cfg,
			FILE *err);
/* Same from a string (tests, `vecnet --check` of embedded configs). */
int vn_config_load_string(const char *name, const char *yaml, struct vn_config *cfg, FILE *err);
void vn_config_free(struct vn_config *cfg);

/* Where a path written in the file points: relative paths start at the
 * directory of the config file (file), not at the current directory. */
void vn_config_resolve_path(const char *file, const char *path, char *out, size_t size);
/* The plugin directory when the file gives none: plugins/ beside the
 * executable (a build tree), else ../lib/vecnet/plugins from it (installed). */
void vn_config_default_plugin_dir(char *out, size_t size);
/* plugins.path of a parsed (not yet validated) tree, resolved. */
void vn_config_plugin_dir(const char *file, const struct vn_cfg_node *root, char *out,
			  size_t size);

/* --- config_schema.c ------------------------------------------------------ */
/* The application's own top-level sections. */
extern const struct vn_cfg_field vn_config_top_fields[];
/* Cross-section checks (duplicate interfaces, references to interfaces, ECMP
 * vs drop); tolerant of values the schema already rejected. Returns errors found. */
int vn_config_engine_check(struct vn_cfg_errors *e, const struct vn_cfg_node *root);
/* Fills cfg from a validated tree; 0 or -ENOMEM. */
int vn_config_convert(const struct vn_cfg_node *root, struct vn_config *cfg);

#endif
