/* Internals shared by the YAML loader files (config_tree.c, config.c, config_schema.c). */
#ifndef VECNET_CONFIG_PRIV_H
#define VECNET_CONFIG_PRIV_H

#include <stdarg.h>
#include <vecnet/config.h>

/* Parses YAML into a tree, reporting only syntax errors (FILE:LINE:COL). An empty
 * file gives an empty MAP. Returns NULL on error. main() uses this to read
 * `plugins:` before the plugins that register the other sections are loaded. */
struct vn_cfg_node *vn_cfg_parse_file(const char *path, FILE *err);
struct vn_cfg_node *vn_cfg_parse_string(const char *name, const char *yaml, FILE *err);
/* Frees a whole tree; a no-op on anything but a root from vn_cfg_parse_*. */
void vn_cfg_tree_free(struct vn_cfg_node *root);

/* Reports at an explicit position (a key rather than its value); line 0 means
 * "the whole file" and prints FILE: message. */
void vn_cfg_error_at(struct vn_cfg_errors *e, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Parses a buffer into a tree, reporting syntax errors to e; NULL on error. */
struct vn_cfg_node *vn_cfg_parse_buffer(struct vn_cfg_errors *e, const char *buf, size_t len);
/* The same with libyaml alone (vn_cfg_parse_buffer tries the fast path first). */
struct vn_cfg_node *vn_cfg_parse_yaml(struct vn_cfg_errors *e, const char *buf, size_t len);
/* Long lists of one-line flow maps cut without libyaml (config_flow_list.c):
 * the same tree as vn_cfg_parse_yaml, or NULL (not applicable, or any error). */
struct vn_cfg_node *vn_cfg_parse_flow_lists(const char *buf, size_t len);
/* Zeroed memory from a tree's arena (config_tree.c); NULL when out of memory. */
struct vn_cfg_arena;
void *vn_cfg_arena_alloc(struct vn_cfg_arena *a, size_t n);
/* Reads a whole file into a NUL-terminated buffer; reports to e on failure. */
char *vn_cfg_read_file(struct vn_cfg_errors *e, const char *path, size_t *len);

/* Validates one value n (its key already matched f) under the given path. */
int vn_cfg_validate_value(struct vn_cfg_errors *e, const struct vn_cfg_node *n,
			  const struct vn_cfg_field *f, const char *path);

/* Validates a file's root map: the keys of top (the application's own
 * sections) against their fields, the others against registered sections;
 * any other key is an error naming what is known. */
void vn_cfg_validate_root(struct vn_cfg_errors *e, const struct vn_cfg_node *root,
			  const struct vn_cfg_field *top);
/* Applies the registered sections present in root, in file order, except keys
 * of top. Stops at the first failure, reported on err as FILE:LINE:COL. */
int vn_cfg_apply_sections(const char *file, const struct vn_cfg_node *root,
			  const struct vn_cfg_field *top, FILE *err);

/* The registered sections, in registration order (follow ->next). */
const struct vn_config_section *vn_config_sections_first(void);
/* Writes the Markdown reference of the configuration (docs/config.md): the
 * application's top-level sections, then every registered section. */
void vn_cfg_write_reference(FILE *out, const struct vn_cfg_field *top);

#endif
