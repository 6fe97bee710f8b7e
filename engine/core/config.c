/*
 * YAML config: schema validation, the section registry and loading.
 *
 * Loading is three passes over the tree built by config_tree.c: validate every
 * section against its schema table (engine sections from config_schema.c,
 * plugin sections from the registry), run the cross-section checks, and only
 * when not a single error was found convert it. Every error is reported, not
 * just the first, so one `vecnet --check` run shows everything to fix.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <vecnet/plugin.h>

#include "core/config_priv.h"

#define VN_CFG_PATH_MAX 256

/* Registered plugin and module sections, in registration order. */
static struct vn_config_section *vn_config_sections;

static void
vn_cfg_verror_at(struct vn_cfg_errors *e, int line, int col, const char *fmt, va_list ap)
{
	e->count++;
	if (e->stream == NULL)
		return;
	if (line > 0)
		fprintf(e->stream, "%s:%d:%d: ", e->file ? e->file : "<config>", line, col);
	else
		fprintf(e->stream, "%s: ", e->file ? e->file : "<config>");
	vfprintf(e->stream, fmt, ap);
	fputc('\n', e->stream);
}

void
vn_cfg_error_at(struct vn_cfg_errors *e, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vn_cfg_verror_at(e, line, col, fmt, ap);
	va_end(ap);
}

void
vn_cfg_error(struct vn_cfg_errors *e, const struct vn_cfg_node *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vn_cfg_verror_at(e, at ? at->line : 0, at ? at->col : 0, fmt, ap);
	va_end(ap);
}

/* --- scalar conversions -------------------------------------------------- */
int
vn_cfg_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on"};
	static const char *const no[] = {"false", "no", "off"};

	for (size_t i = 0; i < VN_ARRAY_LEN(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int
vn_cfg_parse_int(const char *s, int64_t *out)
{
	const char *digits = (*s == '-' || *s == '+') ? s + 1 : s;
	char *end;
	long long v;

	/* strtoll alone would accept " 12", "12abc" (via end), "0x1f" and clamp overflow. */
	if (*digits < '0' || *digits > '9')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

const char *
vn_cfg_get_str(const struct vn_cfg_node *map, const char *key, const char *def)
{
	const struct vn_cfg_node *n = vn_cfg_map_get(map, key);

	return n != NULL && n->type == VN_CFG_SCALAR ? n->value : def;
}

int64_t
vn_cfg_get_int(const struct vn_cfg_node *map, const char *key, int64_t def)
{
	const struct vn_cfg_node *n = vn_cfg_map_get(map, key);
	int64_t v;

	if (n == NULL || n->type != VN_CFG_SCALAR || vn_cfg_parse_int(n->value, &v) < 0)
		return def;
	return v;
}

bool
vn_cfg_get_bool(const struct vn_cfg_node *map, const char *key, bool def)
{
	const struct vn_cfg_node *n = vn_cfg_map_get(map, key);
	bool v;

	if (n == NULL || n->type != VN_CFG_SCALAR || vn_cfg_parse_bool(n->value, &v) < 0)
		return def;
	return v;
}

/* --- validation ------------------------------------------------------------ */
static const char *
vn_cfg_describe(const struct vn_cfg_node *n, char *buf, size_t size)
{
	if (n->type == VN_CFG_MAP)
		return "a map";
	if (n->type == VN_CFG_SEQ)
		return "a list";
	if (n->value[0] == '\0')
		return "nothing";
	if (strlen(n->value) > 60)
		snprintf(buf, size, "'%.57s...'", n->value);
	else
		snprintf(buf, size, "'%s'", n->value);
	return buf;
}

static const char *
vn_cfg_expect(enum vn_cfg_type t, const struct vn_cfg_field *f, char *buf, size_t size)
{
	size_t off;

	switch (t) {
	case VN_CFG_T_STR:
		return "a non-empty string";
	case VN_CFG_T_INT:
		if (f->min == 0 && f->max == 0)
			return "an integer";
		snprintf(buf, size, "an integer in [%lld, %lld]", (long long)f->min,
			 (long long)f->max);
		return buf;
	case VN_CFG_T_BOOL:
		return "a boolean (true/false, yes/no, on/off)";
	case VN_CFG_T_SCALAR:
		return f->scalar ? f->scalar->expect : "a value";
	case VN_CFG_T_ENUM:
		off = (size_t)snprintf(buf, size, "one of ");
		for (size_t i = 0; f->enum_values != NULL && f->enum_values[i] != NULL; i++)
			if (off < size)
				off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? "|" : "",
							f->enum_values[i]);
		return buf;
	case VN_CFG_T_MAP:
		return "a map";
	case VN_CFG_T_LIST:
	case VN_CFG_T_SCALAR_OR_LIST:
		return "a list";
	}
	return "a value";
}

static int
vn_cfg_check_scalar(struct vn_cfg_errors *e, const struct vn_cfg_node *n, enum vn_cfg_type t,
		    const struct vn_cfg_field *f, const char *path)
{
	char want[256], got[80];
	int64_t i;
	bool b;

	if (n->type != VN_CFG_SCALAR)
		goto bad;
	switch (t) {
	case VN_CFG_T_STR:
		if (n->value[0] == '\0')
			goto bad;
		if (f->max_len > 0 && strlen(n->value) > f->max_len) {
			vn_cfg_error(e, n, "%s: expected at most %u characters, got %zu", path,
				     f->max_len, strlen(n->value));
			return 1;
		}
		return 0;
	case VN_CFG_T_INT:
		if (vn_cfg_parse_int(n->value, &i) < 0)
			goto bad;
		if ((f->min != 0 || f->max != 0) && (i < f->min || i > f->max))
			goto bad;
		return 0;
	case VN_CFG_T_BOOL:
		if (vn_cfg_parse_bool(n->value, &b) < 0)
			goto bad;
		return 0;
	case VN_CFG_T_SCALAR:
		if (f->scalar == NULL || f->scalar->check(n->value) != 0)
			goto bad;
		return 0;
	case VN_CFG_T_ENUM:
		for (size_t k = 0; f->enum_values != NULL && f->enum_values[k] != NULL; k++)
			if (strcmp(n->value, f->enum_values[k]) == 0)
				return 0;
		goto bad;
	default:
		goto bad;
	}
bad:
	vn_cfg_error(e, n, "%s: expected %s, got %s", path, vn_cfg_expect(t, f, want, sizeof(want)),
		     vn_cfg_describe(n, got, sizeof(got)));
	return 1;
}

/* buf = path.key (or key at the top). Called for every key of every list item
 * (a million routes: three million paths), hence no snprintf. */
static void
vn_cfg_join_path(char *buf, size_t size, const char *path, const char *key)
{
	size_t lp = strlen(path), lk = strlen(key), off = 0;

	if (lp >= size)
		lp = size - 1;
	memcpy(buf, path, lp);
	off = lp;
	if (lp && off < size - 1)
		buf[off++] = '.';
	if (lk > size - 1 - off)
		lk = size - 1 - off;
	memcpy(buf + off, key, lk);
	buf[off + lk] = '\0';
}

/* buf = path[index], without snprintf (see vn_cfg_join_path). */
static void
vn_cfg_index_path(char *buf, size_t size, const char *path, uint32_t index)
{
	char num[16];
	size_t lp = strlen(path), ln = 0, off;

	do
		num[sizeof(num) - 1 - ln++] = (char)('0' + index % 10);
	while ((index /= 10) != 0);
	if (lp + ln + 3 > size) { /* never for real paths; stay correct anyway */
		snprintf(buf, size, "%s[%.*s]", path, (int)ln, num + sizeof(num) - ln);
		return;
	}
	memcpy(buf, path, lp);
	off = lp;
	buf[off++] = '[';
	memcpy(buf + off, num + sizeof(num) - ln, ln);
	off += ln;
	buf[off++] = ']';
	buf[off] = '\0';
}

static int vn_cfg_validate_map(struct vn_cfg_errors *e, const struct vn_cfg_node *map,
			       const struct vn_cfg_field *fields, const char *path);

/* One element of a LIST or SCALAR_OR_LIST, or the scalar form of the latter. */
static int
vn_cfg_validate_elem(struct vn_cfg_errors *e, const struct vn_cfg_node *n,
		     const struct vn_cfg_field *f, const char *path)
{
	if (f->elem == VN_CFG_T_MAP)
		return vn_cfg_validate_map(e, n, f->fields, path);
	return vn_cfg_check_scalar(e, n, f->elem, f, path);
}

static int
vn_cfg_validate_items(struct vn_cfg_errors *e, const struct vn_cfg_node *seq,
		      const struct vn_cfg_field *f, const char *path)
{
	char item_path[VN_CFG_PATH_MAX];
	uint32_t count = 0;
	int errors = 0;

	for (const struct vn_cfg_node *c = seq->child; c != NULL; c = c->next, count++) {
		vn_cfg_index_path(item_path, sizeof(item_path), path, count);
		errors += vn_cfg_validate_elem(e, c, f, item_path);
	}
	if (f->max_items > 0 && count < f->min_items) {
		vn_cfg_error(e, seq, "%s: expected at least %u item%s, got %u", path, f->min_items,
			     f->min_items == 1 ? "" : "s", count);
		errors++;
	} else if (f->max_items > 0 && count > f->max_items) {
		vn_cfg_error(e, seq, "%s: expected at most %u items, got %u", path, f->max_items,
			     count);
		errors++;
	}
	return errors;
}

int
vn_cfg_validate_value(struct vn_cfg_errors *e, const struct vn_cfg_node *n,
		      const struct vn_cfg_field *f, const char *path)
{
	char want[256], got[80];

	switch (f->type) {
	case VN_CFG_T_MAP:
		return vn_cfg_validate_map(e, n, f->fields, path);
	case VN_CFG_T_LIST:
		if (n->type != VN_CFG_SEQ) {
			vn_cfg_error(e, n, "%s: expected a list, got %s", path,
				     vn_cfg_describe(n, got, sizeof(got)));
			return 1;
		}
		return vn_cfg_validate_items(e, n, f, path);
	case VN_CFG_T_SCALAR_OR_LIST:
		if (n->type == VN_CFG_SEQ)
			return vn_cfg_validate_items(e, n, f, path);
		if (n->type == VN_CFG_MAP) {
			vn_cfg_error(e, n, "%s: expected %s or a list of them, got a map", path,
				     vn_cfg_expect(f->elem, f, want, sizeof(want)));
			return 1;
		}
		return vn_cfg_validate_elem(e, n, f, path);
	default:
		return vn_cfg_check_scalar(e, n, f->type, f, path);
	}
}

static const struct vn_cfg_field *
vn_cfg_field_find(const struct vn_cfg_field *fields, const char *key)
{
	for (const struct vn_cfg_field *f = fields; f->key != NULL; f++)
		if (strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

static void
vn_cfg_join_keys(const struct vn_cfg_field *fields, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (const struct vn_cfg_field *f = fields; f->key != NULL && off < size; f++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", f == fields ? "" : ", ",
					f->key);
}

/* YAML says keys are unique; libyaml does not check, and the second value would
 * otherwise be silently ignored by vn_cfg_map_get. */
static int
vn_cfg_check_duplicate(struct vn_cfg_errors *e, const struct vn_cfg_node *map,
		       const struct vn_cfg_node *c, const char *path)
{
	for (const struct vn_cfg_node *p = map->child; p != c; p = p->next) {
		if (strcmp(p->key, c->key) == 0) {
			vn_cfg_error_at(e, c->key_line, c->key_col,
					"%s: duplicate key (first given at %d:%d)", path,
					p->key_line, p->key_col);
			return 1;
		}
	}
	return 0;
}

static int
vn_cfg_validate_map(struct vn_cfg_errors *e, const struct vn_cfg_node *map,
		    const struct vn_cfg_field *fields, const char *path)
{
	char child_path[VN_CFG_PATH_MAX], keys[512], got[80];
	int before = e->count;

	if (map->type != VN_CFG_MAP) {
		vn_cfg_error(e, map, "%s%sexpected a map, got %s", path, path[0] ? ": " : "",
			     vn_cfg_describe(map, got, sizeof(got)));
		return 1;
	}
	if (fields == NULL)
		return 0;
	for (const struct vn_cfg_node *c = map->child; c != NULL; c = c->next) {
		const struct vn_cfg_field *f;

		vn_cfg_join_path(child_path, sizeof(child_path), path, c->key);
		if (vn_cfg_check_duplicate(e, map, c, child_path))
			continue;
		f = vn_cfg_field_find(fields, c->key);
		if (f == NULL) {
			vn_cfg_join_keys(fields, keys, sizeof(keys));
			vn_cfg_error_at(e, c->key_line, c->key_col,
					"%s: unknown key (expected one of: %s)", child_path, keys);
			continue;
		}
		vn_cfg_validate_value(e, c, f, child_path);
	}
	for (const struct vn_cfg_field *f = fields; f->key != NULL; f++)
		if (f->required && vn_cfg_map_get(map, f->key) == NULL)
			vn_cfg_error(e, map, "%s%smissing required key '%s'", path,
				     path[0] ? ": " : "", f->key);
	return e->count - before;
}

int
vn_cfg_validate(struct vn_cfg_errors *e, const struct vn_cfg_node *map,
		const struct vn_cfg_field *fields)
{
	return vn_cfg_validate_map(e, map, fields, map->key ? map->key : "");
}

/* --- section registry -------------------------------------------------- */
void
vn_config_section_register(struct vn_config_section *s)
{
	struct vn_config_section **p = &vn_config_sections;

	for (; *p != NULL; p = &(*p)->next)
		if (*p == s)
			return;
	s->next = NULL;
	*p = s;
}

void
vn_config_section_unregister(struct vn_config_section *s)
{
	for (struct vn_config_section **p = &vn_config_sections; *p != NULL; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			s->next = NULL;
			return;
		}
	}
}

const struct vn_config_section *
vn_config_sections_first(void)
{
	return vn_config_sections;
}

static struct vn_config_section *
vn_config_section_find(const char *name)
{
	for (struct vn_config_section *s = vn_config_sections; s != NULL; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* --- loading ------------------------------------------------------------ */
static void
vn_config_unknown_section(struct vn_cfg_errors *e, const struct vn_cfg_node *c,
			  const struct vn_cfg_field *top)
{
	char keys[512], plugins[512];
	size_t off = 0;

	vn_cfg_join_keys(top, keys, sizeof(keys));
	plugins[0] = '\0';
	for (struct vn_config_section *s = vn_config_sections; s != NULL && off < sizeof(plugins);
	     s = s->next)
		off += (size_t)snprintf(plugins + off, sizeof(plugins) - off, "%s%s",
					off ? ", " : "", s->name);
	vn_cfg_error_at(e, c->key_line, c->key_col,
			"%s: unknown top-level key (expected one of: %s; plugin sections: %s)",
			c->key, keys, off ? plugins : "none loaded");
}

void
vn_cfg_validate_root(struct vn_cfg_errors *e, const struct vn_cfg_node *root,
		     const struct vn_cfg_field *top)
{
	char got[80], keys[512];

	if (root->type != VN_CFG_MAP) {
		vn_cfg_join_keys(top, keys, sizeof(keys));
		vn_cfg_error(e, root, "expected a map of sections (%s, ...), got %s", keys,
			     vn_cfg_describe(root, got, sizeof(got)));
		return;
	}
	for (const struct vn_cfg_node *c = root->child; c != NULL; c = c->next) {
		const struct vn_cfg_field *f = vn_cfg_field_find(top, c->key);
		struct vn_config_section *s;
		int before = e->count;

		if (vn_cfg_check_duplicate(e, root, c, c->key))
			continue;
		if (f != NULL) {
			vn_cfg_validate_value(e, c, f, c->key);
			continue;
		}
		s = vn_config_section_find(c->key);
		if (s == NULL) {
			vn_config_unknown_section(e, c, top);
			continue;
		}
		if (s->fields != NULL)
			vn_cfg_validate(e, c, s->fields);
		/* check() may assume well-typed values, so it only sees clean sections. */
		if (e->count == before && s->check != NULL && s->check(e, c) > 0 &&
		    e->count == before)
			vn_cfg_error(e, c, "%s: rejected by the section's check", c->key);
	}
}

int
vn_cfg_apply_sections(const char *file, const struct vn_cfg_node *root,
		      const struct vn_cfg_field *top, FILE *err)
{
	struct vn_cfg_errors e = {.file = file, .stream = err};

	if (root == NULL || root->type != VN_CFG_MAP)
		return 0;
	for (const struct vn_cfg_node *c = root->child; c != NULL; c = c->next) {
		/* The application's sections win over a plugin that registered the same name. */
		struct vn_config_section *s = vn_cfg_field_find(top, c->key)
						  ? NULL
						  : vn_config_section_find(c->key);
		int rc;

		if (s == NULL || s->apply == NULL)
			continue;
		rc = s->apply(c);
		if (rc < 0) {
			vn_cfg_error_at(&e, c->key_line, c->key_col, "%s: %s", c->key,
					strerror(-rc));
			return rc;
		}
	}
	return 0;
}
