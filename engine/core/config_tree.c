/*
 * YAML text to a vn_cfg_node tree, built from libyaml events so that every node
 * keeps the line and column where it starts (libyaml marks are 0-based; ours are
 * 1-based, as editors and compilers print them).
 *
 * The tree is deliberately plain: scalars stay strings, types are decided by the
 * schema that validates them. Anchors are ignored and aliases rejected: copying
 * shared subtrees would give one error several positions, and configs are small.
 *
 * Nodes and strings come from an arena owned by the root and freed at once: a
 * config with a million routes has six million of them, and malloc/free per
 * node was a fifth of the load time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rte_common.h>
#include <stddef.h>
#include <yaml.h>

#include "core/config_priv.h"

/* Deeper than any sane config; bounds recursion on hostile input. */
#define VN_CFG_MAX_DEPTH 64

#define VN_CFG_ARENA_BLOCK (1u << 20)

struct vn_cfg_arena_block {
	struct vn_cfg_arena_block *next;
	size_t used, size;
	max_align_t data[];
};

struct vn_cfg_arena {
	struct vn_cfg_arena_block *head;
};

struct vn_cfg_builder {
	yaml_parser_t parser;
	struct vn_cfg_errors *e;
	const char *buf;
	size_t len;
	struct vn_cfg_arena *arena;
};

static struct vn_cfg_node *vn_cfg_build_node(struct vn_cfg_builder *b, yaml_event_t *ev, int depth);

static void
vn_cfg_arena_free(struct vn_cfg_arena *a)
{
	while (a != NULL && a->head != NULL) {
		struct vn_cfg_arena_block *next = a->head->next;
		free(a->head);
		a->head = next;
	}
	free(a);
}

/* Zeroed, aligned for any type; NULL when out of memory. */
void *
vn_cfg_arena_alloc(struct vn_cfg_arena *a, size_t n)
{
	struct vn_cfg_arena_block *blk = a->head;

	n = RTE_ALIGN_CEIL(n, sizeof(max_align_t));
	if (blk == NULL || blk->size - blk->used < n) {
		size_t size = n > VN_CFG_ARENA_BLOCK ? n : VN_CFG_ARENA_BLOCK;
		blk = calloc(1, sizeof(*blk) + size);
		if (blk == NULL)
			return NULL;
		blk->size = size;
		blk->next = a->head;
		a->head = blk;
	}
	void *p = (char *)blk->data + blk->used;
	blk->used += n;
	return p;
}

void
vn_cfg_tree_free(struct vn_cfg_node *root)
{
	if (root != NULL)
		vn_cfg_arena_free(root->arena);
}

const struct vn_cfg_node *
vn_cfg_map_get(const struct vn_cfg_node *map, const char *key)
{
	if (map == NULL || map->type != VN_CFG_MAP)
		return NULL;
	for (const struct vn_cfg_node *c = map->child; c != NULL; c = c->next)
		if (c->key != NULL && strcmp(c->key, key) == 0)
			return c;
	return NULL;
}

/* Reader errors (bad UTF-8) only carry a byte offset; turn it into line:col. */
static void
vn_cfg_offset_to_mark(const char *buf, size_t len, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static void
vn_cfg_syntax_error(struct vn_cfg_builder *b)
{
	yaml_parser_t *p = &b->parser;
	int line = (int)p->problem_mark.line + 1, col = (int)p->problem_mark.column + 1;
	const char *problem = p->problem ? p->problem : "unknown error";

	if (p->error == YAML_MEMORY_ERROR) {
		vn_cfg_error_at(b->e, 0, 0, "out of memory while parsing YAML");
		return;
	}
	if (p->error == YAML_READER_ERROR)
		vn_cfg_offset_to_mark(b->buf, b->len, p->problem_offset, &line, &col);
	if (p->context != NULL)
		vn_cfg_error_at(b->e, line, col, "YAML syntax error: %s (%s at %d:%d)", problem,
				p->context, (int)p->context_mark.line + 1,
				(int)p->context_mark.column + 1);
	else
		vn_cfg_error_at(b->e, line, col, "YAML syntax error: %s", problem);
}

static int
vn_cfg_next_event(struct vn_cfg_builder *b, yaml_event_t *ev)
{
	if (yaml_parser_parse(&b->parser, ev))
		return 0;
	vn_cfg_syntax_error(b);
	return -1;
}

static struct vn_cfg_node *
vn_cfg_node_new(struct vn_cfg_builder *b, enum vn_cfg_node_type type, const yaml_mark_t *m)
{
	struct vn_cfg_node *n = vn_cfg_arena_alloc(b->arena, sizeof(*n));

	if (n == NULL) {
		vn_cfg_error_at(b->e, 0, 0, "out of memory while parsing YAML");
		return NULL;
	}
	n->type = type;
	n->line = (int)m->line + 1;
	n->col = (int)m->column + 1;
	return n;
}

static char *
vn_cfg_strndup(struct vn_cfg_builder *b, const yaml_char_t *s, size_t len)
{
	char *d = vn_cfg_arena_alloc(b->arena, len + 1);

	if (d == NULL) {
		vn_cfg_error_at(b->e, 0, 0, "out of memory while parsing YAML");
		return NULL;
	}
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

/* Fills the children of a SEQ or MAP until its end event. */
static int
vn_cfg_build_children(struct vn_cfg_builder *b, struct vn_cfg_node *n, int depth)
{
	yaml_event_type_t end =
	    n->type == VN_CFG_MAP ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
	struct vn_cfg_node **tail = &n->child;
	yaml_event_t ev;

	for (;;) {
		struct vn_cfg_node *child;
		char *key = NULL;
		int key_line = 0, key_col = 0;

		if (vn_cfg_next_event(b, &ev) < 0)
			return -1;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (n->type == VN_CFG_MAP) {
			key_line = (int)ev.start_mark.line + 1;
			key_col = (int)ev.start_mark.column + 1;
			if (ev.type == YAML_SCALAR_EVENT) {
				key =
				    vn_cfg_strndup(b, ev.data.scalar.value, ev.data.scalar.length);
				yaml_event_delete(&ev);
				if (key == NULL)
					return -1;
			} else {
				/* `? [a, b]: x` is valid YAML but no config key; keep going
				 * so later errors are reported too. */
				vn_cfg_error_at(b->e, key_line, key_col,
						"map keys must be plain strings");
				child = vn_cfg_build_node(b, &ev, depth + 1);
				if (child == NULL)
					return -1;
				key = vn_cfg_strndup(b, (const yaml_char_t *)"?", 1);
				if (key == NULL)
					return -1;
			}
			if (vn_cfg_next_event(b, &ev) < 0)
				return -1;
		}
		child = vn_cfg_build_node(b, &ev, depth + 1);
		if (child == NULL)
			return -1;
		child->key = key;
		child->key_line = key_line;
		child->key_col = key_col;
		*tail = child;
		tail = &child->next;
	}
}

/* Builds the node that starts with ev (consumed) and everything inside it. */
static struct vn_cfg_node *
vn_cfg_build_node(struct vn_cfg_builder *b, yaml_event_t *ev, int depth)
{
	struct vn_cfg_node *n = NULL;
	yaml_mark_t m = ev->start_mark;

	if (depth > VN_CFG_MAX_DEPTH) {
		vn_cfg_error_at(b->e, (int)m.line + 1, (int)m.column + 1,
				"nesting deeper than %d levels", VN_CFG_MAX_DEPTH);
		goto fail;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n = vn_cfg_node_new(b, VN_CFG_SCALAR, &m);
		if (n == NULL)
			goto fail;
		n->value = vn_cfg_strndup(b, ev->data.scalar.value, ev->data.scalar.length);
		if (n->value == NULL)
			goto fail;
		break;
	case YAML_ALIAS_EVENT:
		vn_cfg_error_at(b->e, (int)m.line + 1, (int)m.column + 1,
				"YAML aliases (*%s) are not supported",
				(const char *)ev->data.alias.anchor);
		/* An empty scalar stands in so validation still runs on the rest. */
		n = vn_cfg_node_new(b, VN_CFG_SCALAR, &m);
		if (n == NULL)
			goto fail;
		n->value = vn_cfg_strndup(b, (const yaml_char_t *)"", 0);
		if (n->value == NULL)
			goto fail;
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		n = vn_cfg_node_new(
		    b, ev->type == YAML_MAPPING_START_EVENT ? VN_CFG_MAP : VN_CFG_SEQ, &m);
		if (n == NULL)
			goto fail;
		yaml_event_delete(ev);
		if (vn_cfg_build_children(b, n, depth) < 0)
			return NULL; /* the arena goes with the whole parse */
		return n;
	default:
		vn_cfg_error_at(b->e, (int)m.line + 1, (int)m.column + 1,
				"YAML syntax error: unexpected event");
		goto fail;
	}
	yaml_event_delete(ev);
	return n;
fail:
	yaml_event_delete(ev);
	return NULL;
}

struct vn_cfg_node *
vn_cfg_parse_yaml(struct vn_cfg_errors *e, const char *buf, size_t len)
{
	struct vn_cfg_builder b = {.e = e, .buf = buf, .len = len};
	struct vn_cfg_node *root = NULL;
	yaml_event_t ev;
	int errors = e->count;

	b.arena = calloc(1, sizeof(*b.arena));
	if (b.arena == NULL || !yaml_parser_initialize(&b.parser)) {
		free(b.arena);
		vn_cfg_error_at(e, 0, 0, "out of memory while parsing YAML");
		return NULL;
	}
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)buf, len);
	if (vn_cfg_next_event(&b, &ev) < 0) /* STREAM-START */
		goto fail;
	yaml_event_delete(&ev);
	if (vn_cfg_next_event(&b, &ev) < 0)
		goto fail;
	if (ev.type == YAML_DOCUMENT_START_EVENT) {
		yaml_event_delete(&ev);
		if (vn_cfg_next_event(&b, &ev) < 0)
			goto fail;
		root = vn_cfg_build_node(&b, &ev, 0);
		if (root == NULL)
			goto fail;
		if (vn_cfg_next_event(&b, &ev) < 0) /* DOCUMENT-END */
			goto fail;
		yaml_event_delete(&ev);
		if (vn_cfg_next_event(&b, &ev) < 0)
			goto fail;
		if (ev.type == YAML_DOCUMENT_START_EVENT) {
			vn_cfg_error_at(e, (int)ev.start_mark.line + 1,
					(int)ev.start_mark.column + 1,
					"only one YAML document is allowed in a config file");
			yaml_event_delete(&ev);
			goto fail;
		}
	}
	yaml_event_delete(&ev);
	/* No document, or `---` alone: an empty config, every default. */
	if (root == NULL || (root->type == VN_CFG_SCALAR && root->value[0] == '\0')) {
		yaml_mark_t start = {0};

		root = vn_cfg_node_new(&b, VN_CFG_MAP, &start);
		if (root == NULL)
			goto fail;
	}
	if (e->count != errors)
		goto fail;
	yaml_parser_delete(&b.parser);
	root->arena = b.arena;
	return root;
fail:
	vn_cfg_arena_free(b.arena);
	yaml_parser_delete(&b.parser);
	return NULL;
}

struct vn_cfg_node *
vn_cfg_parse_buffer(struct vn_cfg_errors *e, const char *buf, size_t len)
{
	struct vn_cfg_node *root = vn_cfg_parse_flow_lists(buf, len);

	/* Not applicable, or any error: libyaml alone reports it as it finds it. */
	return root != NULL ? root : vn_cfg_parse_yaml(e, buf, len);
}

char *
vn_cfg_read_file(struct vn_cfg_errors *e, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL) {
		vn_cfg_error_at(e, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t got;

		if (cap - n < 4096) {
			char *nb = realloc(buf, cap ? cap * 2 : 65536);

			if (nb == NULL) {
				vn_cfg_error_at(e, 0, 0, "out of memory reading the file");
				goto fail;
			}
			buf = nb;
			cap = cap ? cap * 2 : 65536;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		vn_cfg_error_at(e, 0, 0, "cannot read: %s", strerror(errno));
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

struct vn_cfg_node *
vn_cfg_parse_string(const char *name, const char *yaml, FILE *err)
{
	struct vn_cfg_errors e = {.file = name, .stream = err};

	return vn_cfg_parse_buffer(&e, yaml, strlen(yaml));
}

struct vn_cfg_node *
vn_cfg_parse_file(const char *path, FILE *err)
{
	struct vn_cfg_errors e = {.file = path, .stream = err};
	struct vn_cfg_node *root;
	size_t len;
	char *buf = vn_cfg_read_file(&e, path, &len);

	if (buf == NULL)
		return NULL;
	root = vn_cfg_parse_buffer(&e, buf, len);
	free(buf);
	return root;
}
