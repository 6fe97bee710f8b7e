/*
 * YAML configuration. The loader reads the whole file into a tree that keeps
 * line and column of every node, validates every section against its schema
 * (the application's own sections and those that modules and plugins
 * register), and only
 * then converts it. Errors are printed as `FILE:LINE:COL: message`, all of
 * them, and nothing is applied from an invalid file.
 */
#ifndef VECNET_CONFIG_H
#define VECNET_CONFIG_H

#include <stdio.h>
#include <vecnet/common.h>

/* --- generic YAML tree --------------------------------------------------- */
enum vn_cfg_node_type { VN_CFG_SCALAR, VN_CFG_SEQ, VN_CFG_MAP };

struct vn_cfg_node {
	enum vn_cfg_node_type type;
	int line, col; /* 1-based, where the node starts */
	int key_line, key_col; /* 1-based, where its key starts (MAP values only) */
	char *value; /* SCALAR */
	char *key; /* set when the node is a value in a MAP */
	struct vn_cfg_node *child; /* first child of SEQ or MAP */
	struct vn_cfg_node *next; /* next sibling */
	struct vn_cfg_arena *arena; /* root only: owns every node and string of the tree */
};

const struct vn_cfg_node *vn_cfg_map_get(const struct vn_cfg_node *map, const char *key);

/* Strict scalar conversions used by the validator; 0 or -EINVAL. Booleans are
 * true/false/yes/no/on/off (any case); integers are decimal with optional sign. */
int vn_cfg_parse_bool(const char *s, bool *out);
int vn_cfg_parse_int(const char *s, int64_t *out);

/* Accessors for apply callbacks on a validated tree: def when the key is absent. */
const char *vn_cfg_get_str(const struct vn_cfg_node *map, const char *key, const char *def);
int64_t vn_cfg_get_int(const struct vn_cfg_node *map, const char *key, int64_t def);
bool vn_cfg_get_bool(const struct vn_cfg_node *map, const char *key, bool def);

/* --- schemas -------------------------------------------------------------- */
enum vn_cfg_type {
	VN_CFG_T_STR,
	VN_CFG_T_INT, /* within [min, max] */
	VN_CFG_T_BOOL,
	VN_CFG_T_SCALAR, /* a string that scalar->check accepts (addresses, ...) */
	VN_CFG_T_ENUM, /* one of enum_values */
	VN_CFG_T_MAP, /* fields */
	VN_CFG_T_LIST, /* each element of type elem (and fields when elem is MAP) */
	VN_CFG_T_SCALAR_OR_LIST, /* elem, or a list of elem */
};

/* A scalar type a layer above defines: what it expects ("an IPv4 address")
 * and its check (0 when s is one). */
struct vn_cfg_scalar {
	const char *expect;
	int (*check)(const char *s);
};

struct vn_cfg_field {
	const char *key;
	enum vn_cfg_type type;
	bool required;
	int64_t min, max; /* INT */
	const char *const *enum_values; /* ENUM, NULL-terminated */
	enum vn_cfg_type elem; /* LIST, SCALAR_OR_LIST */
	const struct vn_cfg_field *fields; /* MAP, or LIST of MAP; terminated by .key = NULL;
					    * NULL accepts any keys */
	uint32_t min_items, max_items; /* LIST, SCALAR_OR_LIST: checked when max_items > 0 */
	uint32_t max_len; /* STR: longest accepted string when > 0 */
	const struct vn_cfg_scalar *scalar; /* SCALAR, or LIST/SCALAR_OR_LIST of SCALAR */
	/* The reference (docs/config.md, `vecnet --schema`) is generated from these:
	 * what the key does, its default as the user would write it (NULL: none or
	 * required) and an example value in YAML. */
	const char *doc;
	const char *def;
	const char *example;
};

/* Error sink used during validation: prints FILE:LINE:COL: message (nothing is
 * printed when stream is NULL, but errors are still counted). */
struct vn_cfg_errors {
	const char *file;
	FILE *stream;
	int count;
};
void vn_cfg_error(struct vn_cfg_errors *e, const struct vn_cfg_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Checks node against fields; reports every problem; returns the number found.
 * Messages name the key by its path from the section, e.g. `nat44.pool[1].start`. */
int vn_cfg_validate(struct vn_cfg_errors *e, const struct vn_cfg_node *map,
		    const struct vn_cfg_field *fields);

/* A top-level section owned by a module or plugin (e.g. nat44:, acl:). */
struct vn_config_section {
	const char *name;
	const struct vn_cfg_field *fields; /* schema of the section's map; NULL: check does it all */
	/* Extra semantic checks, called only when the schema found no error in this
	 * section (values are well typed); returns number of errors. */
	int (*check)(struct vn_cfg_errors *e, const struct vn_cfg_node *section);
	/* Called after the engine is up, in file order; 0 or negative errno. */
	int (*apply)(const struct vn_cfg_node *section);
	struct vn_config_section *next;
	const char *doc; /* one paragraph for the reference (docs/config.md) */
};
void vn_config_section_register(struct vn_config_section *s);
void vn_config_section_unregister(struct vn_config_section *s);
/*   VN_CONFIG_SECTION(nat44) = { .name = "nat44", .fields = ..., .apply = ... }; */
#define VN_CONFIG_SECTION(id)                                                                      \
	VN_REGISTRATION(vn_config_section, id, vn_config_section_register,                         \
			vn_config_section_unregister)
#endif
