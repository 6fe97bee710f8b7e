/* Internals shared by the YAML loader files (config_tree.c, config.c, config_schema.c). */
#ifndef VECNET_CONFIG_PRIV_H
#define VECNET_CONFIG_PRIV_H

#include <stdarg.h>
#include <vecnet/config.h>

/* Reports at an explicit position (a key rather than its value); line 0 means
 * "the whole file" and prints FILE: message. */
void vn_cfg_error_at(struct vn_cfg_errors *e, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Parses a buffer into a tree, reporting syntax errors to e; NULL on error. */
struct vn_cfg_node *vn_cfg_parse_buffer(struct vn_cfg_errors *e, const char *buf, size_t len);
/* Reads a whole file into a NUL-terminated buffer; reports to e on failure. */
char *vn_cfg_read_file(struct vn_cfg_errors *e, const char *path, size_t *len);

/* Validates one value n (its key already matched f) under the given path. */
int vn_cfg_validate_value(struct vn_cfg_errors *e, const struct vn_cfg_node *n,
			  const struct vn_cfg_field *f, const char *path);

/* The engine's own top-level sections (config_schema.c). */
extern const struct vn_cfg_field vn_config_top_fields[];
/* Cross-section checks (duplicate interfaces, references to interfaces, ECMP
 * vs drop); tolerant of values the schema already rejected. Returns errors found. */
int vn_config_engine_check(struct vn_cfg_errors *e, const struct vn_cfg_node *root);
/* Fills cfg from a validated tree; 0 or -ENOMEM. */
int vn_config_convert(const struct vn_cfg_node *root, struct vn_config *cfg);

#endif
