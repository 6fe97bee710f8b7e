/*
 * Plugins: `<name>_plugin.so` files that register nodes, feature arcs, CLI
 * commands, config sections and Lua functions. Every plugin carries a
 * descriptor in its own ELF section; the loader reads it from the file and
 * checks the ABI version BEFORE dlopen, so no code of a mismatched plugin
 * ever runs (constructors included).
 *
 *   VN_PLUGIN(.name = "sample", .version = "1.0", .description = "...");
 *   int vn_plugin_init(void);   optional, after EAL and the tables exist; < 0 refuses
 *   void vn_plugin_exit(void);  optional, at shutdown
 */
#ifndef VECNET_PLUGIN_H
#define VECNET_PLUGIN_H

#include <vecnet/common.h>

/* Bump when any struct or inline in include/vecnet/ changes incompatibly. */
#define VN_PLUGIN_ABI_VERSION 4
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

#endif
