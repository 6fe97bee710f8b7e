/* The plugin loader, engine side (core-private; plugins see vecnet/plugin.h). */
#ifndef VN_PLUGIN_PRIV_H
#define VN_PLUGIN_PRIV_H

#include <vecnet/cli.h>
#include <vecnet/plugin.h>

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
/* Whether a plugin of this name is loaded: its descriptor's name or its file
 * name without _plugin.so (either may be given in plugins.enable). */
bool vn_plugin_is_loaded(const char *name);
/* The plugin files of dir by name ("acl, nat44"), for messages. */
const char *vn_plugins_list(const char *dir, char *buf, size_t size);

#endif
