/*
 * Plugins: `<name>_plugin.so` files that register nodes, feature arcs, CLI
 * commands, config sections and Lua functions. Every plugin carries a
 * descriptor in its own ELF section; the loader reads it from the file and
 * checks the ABI version BEFORE dlopen, so no code of a mismatched plugin
 * ever runs (constructors included).
 *
 *   VN_PLUGIN(.name = "sample", .version = "1.0", .description = "...");
 *   int vn_plugin_init(void);   optional, after EAL and the FIB exist; < 0 refuses
 *   void vn_plugin_exit(void);  optional, at shutdown
 */
#ifndef VECNET_PLUGIN_H
#define VECNET_PLUGIN_H

#include <vecnet/cli.h>
#include <vecnet/common.h>

/* Bump when any struct or inline in include/vecnet/ changes incompatibly. */
#define VN_PLUGIN_ABI_VERSION 1
#define VN_PLUGIN_SECTION ".vn_plugin"
#define VN_PLUGIN_MAGIC "VNPLUGIN"

struct vn_plugin_desc {
	char magic[8]; /* VN_PLUGIN_MAGIC, not NUL-terminated */
	uint32_t abi_version;
	char name[32];
	char version[32];
	char description[128];
};

#define VN_PLUGIN(...)                                                                             \
	__attribute__((section(VN_PLUGIN_SECTION), used, visibility("default")))                  \
	const struct vn_plugin_desc vn_plugin_desc = {                                             \
		.magic = VN_PLUGIN_MAGIC,                                                          \
		.abi_version = VN_PLUGIN_ABI_VERSION,                                              \
		__VA_ARGS__}

/* Engine side. */
/* Loads every *_plugin.so in dir whose name is enabled (all when enable_all);
 * broken plugins are reported and skipped. Returns the number loaded. */
int vn_plugins_load(const char *dir, bool enable_all, char **enable, uint32_t n_enable);
/* Runs the plugins' init hooks; a failing plugin is unloaded. */
void vn_plugins_init(void);
void vn_plugins_exit(void);
/* Reads and checks the descriptor of a file without loading it, and that it
 * can load here (no shared DPDK of its own in an engine with DPDK built in);
 * 0 or -errno with a message in err. */
int vn_plugin_read_desc(const char *path, struct vn_plugin_desc *desc, char *err, size_t len);
void vn_plugin_show(struct vn_cli_out *out);

/* Called by the node, CLI and config registries: while a plugin loads, what
 * it registers is remembered so a failure can take it all back. */
enum vn_plugin_reg_kind { VN_PLUGIN_REG_NODE, VN_PLUGIN_REG_CLI, VN_PLUGIN_REG_CONFIG,
			  VN_PLUGIN_REG_FEATURE, VN_PLUGIN_REG_LUA };
void vn_plugin_note_registration(enum vn_plugin_reg_kind kind, void *obj);

#endif
