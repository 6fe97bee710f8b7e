/*
 * Loading the engine's configuration: parse (core/config_tree.c), validate
 * every section (the application's own schema in config_schema.c, the others
 * registered), cross-check, then convert into struct vn_config. Nothing is
 * kept from an invalid file.
 */
#define _GNU_SOURCE /* memrchr */
#define VN_LOG_MOD "config"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/engine_config.h"
#include "core/config_priv.h"

void
vn_config_resolve_path(const char *file, const char *path, char *out, size_t size)
{
	const char *slash = file ? strrchr(file, '/') : NULL;

	/* A file in the current directory: the path stays as written. */
	if (path[0] == '/' || slash == NULL)
		snprintf(out, size, "%s", path);
	else
		snprintf(out, size, "%.*s/%s", (int)(slash - file), file, path);
}

void
vn_config_default_plugin_dir(char *out, size_t size)
{
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0 || (slash = memrchr(exe, '/', (size_t)n)) == NULL) {
		snprintf(out, size, "plugins");
		return;
	}
	*slash = '\0';
	snprintf(out, size, "%s/plugins", exe);
	if (access(out, F_OK) != 0)
		snprintf(out, size, "%s/../lib/vecnet/plugins", exe);
}

void
vn_config_plugin_dir(const char *file, const struct vn_cfg_node *root, char *out, size_t size)
{
	const char *path = vn_cfg_get_str(vn_cfg_map_get(root, "plugins"), "path", NULL);

	if (path == NULL || path[0] == '\0')
		vn_config_default_plugin_dir(out, size);
	else
		vn_config_resolve_path(file, path, out, size);
}

int
vn_config_apply_sections(const struct vn_config *cfg, FILE *err)
{
	return vn_cfg_apply_sections(cfg->file, cfg->root, vn_config_top_fields, err);
}

int
vn_config_load_tree(const char *name, struct vn_cfg_node *root, struct vn_config *cfg, FILE *err)
{
	struct vn_cfg_errors e = {.file = name, .stream = err};

	memset(cfg, 0, sizeof(*cfg));
	vn_cfg_validate_root(&e, root, vn_config_top_fields);
	vn_config_engine_check(&e, root);
	if (e.count > 0)
		goto fail;
	cfg->file = strdup(name);
	if (cfg->file == NULL || vn_config_convert(root, cfg) < 0) {
		vn_cfg_error_at(&e, 0, 0, "out of memory converting the config");
		goto fail;
	}
	cfg->root = root;
	return 0;
fail:
	vn_cfg_tree_free(root);
	vn_config_free(cfg);
	return -1;
}

static int
vn_config_load_buffer(const char *name, const char *buf, size_t len, struct vn_config *cfg,
		      FILE *err)
{
	struct vn_cfg_errors e = {.file = name, .stream = err};
	struct vn_cfg_node *root = vn_cfg_parse_buffer(&e, buf, len);

	if (root == NULL) {
		memset(cfg, 0, sizeof(*cfg));
		return -1;
	}
	return vn_config_load_tree(name, root, cfg, err);
}

int
vn_config_load_string(const char *name, const char *yaml, struct vn_config *cfg, FILE *err)
{
	memset(cfg, 0, sizeof(*cfg));
	return vn_config_load_buffer(name, yaml, strlen(yaml), cfg, err);
}

int
vn_config_load(const char *path, struct vn_config *cfg, FILE *err)
{
	struct vn_cfg_errors e = {.file = path, .stream = err};
	size_t len;
	char *buf;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	buf = vn_cfg_read_file(&e, path, &len);
	if (buf == NULL)
		return -1;
	rc = vn_config_load_buffer(path, buf, len, cfg, err);
	free(buf);
	return rc;
}

void
vn_config_free(struct vn_config *cfg)
{
	for (uint32_t i = 0; cfg->plugins_enable != NULL && i < cfg->n_plugins_enable; i++)
		free(cfg->plugins_enable[i]);
	for (uint32_t i = 0; cfg->exec != NULL && i < cfg->n_exec; i++)
		free(cfg->exec[i]);
	free(cfg->plugins_enable);
	free(cfg->exec);
	free(cfg->interfaces);
	free(cfg->subifs);
	free(cfg->routes);
	free(cfg->routes6);
	free(cfg->neighbors6);
	free(cfg->neighbors);
	free(cfg->file);
	vn_cfg_tree_free(cfg->root);
	memset(cfg, 0, sizeof(*cfg));
}
