/*
 * A fast path for the long lists of a config: a top-level key whose value is a
 * block sequence of one-line flow maps of plain words,
 *
 *   routes:
 *     - { prefix: 2001:db8:100::/48, via: 2001:db8:1::2 }
 *     - { prefix: 16.0.0.0/24, via: "10.1.0.2", interface: out0 }
 *
 * libyaml spends about 1 us a line on such a list (a scanner that decodes and
 * queues every character, a malloc per token and event): a million routes cost
 * a second before any of them is checked. Lines this strict grammar accepts are
 * cut into nodes here, with the positions libyaml would give them, and blanked
 * (their newlines kept, so every other line and column stays where it was) in
 * the copy libyaml then parses. Whatever the grammar does not accept (comments
 * after an item, tags, anchors, escapes, multi-line items...) leaves the whole
 * list to libyaml, so the tree and every FILE:LINE:COL error are the same.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_priv.h"

/* A list shorter than this is left to libyaml: the copy would cost more. */
#define VN_CFG_FLOW_LIST_MIN 256
#define VN_CFG_FLOW_LIST_MAX 16

struct vn_cfg_flow_list {
	size_t start, end; /* byte range of the item lines (blanked in the copy) */
	int key_line;	   /* the line of `key:` (1-based) */
	int first_line;	   /* the line of the first item */
};

static bool
vn_cfg_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == ':' || c == '/' || c == '-';
}

static bool
vn_cfg_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

static size_t
vn_cfg_skip_spaces(const char *s, size_t i, size_t eol)
{
	while (i < eol && s[i] == ' ')
		i++;
	return i;
}

/*
 * One item line, s[0..eol): INDENT "-" " "+ "{" pairs "}" " "*, each pair
 * KEY ":" " "+ VALUE, VALUE a plain word that does not start with a YAML
 * indicator nor end with ':' (it would be a key), or a double-quoted word.
 * With arena == NULL only checks; otherwise builds the MAP node into *out.
 * Returns false on anything else.
 */
static bool
vn_cfg_flow_item(const char *s, size_t eol, size_t indent, int line, struct vn_cfg_arena *arena,
		 struct vn_cfg_node **out)
{
	struct vn_cfg_node *map = NULL, **tail = NULL;
	size_t i = indent;

	if (vn_cfg_skip_spaces(s, 0, eol) != indent || i + 1 >= eol || s[i] != '-' ||
	    s[i + 1] != ' ')
		return false;
	i = vn_cfg_skip_spaces(s, i + 1, eol);
	if (i >= eol || s[i] != '{')
		return false;
	if (arena != NULL) {
		map = vn_cfg_arena_alloc(arena, sizeof(*map));
		if (map == NULL)
			return false;
		map->type = VN_CFG_MAP;
		map->line = line;
		map->col = (int)i + 1;
		tail = &map->child;
	}
	i = vn_cfg_skip_spaces(s, i + 1, eol);
	for (;;) {
		size_t k = i, v;
		bool quoted;

		while (i < eol && vn_cfg_key_char(s[i]))
			i++;
		if (i == k || !(s[k] >= 'a' && s[k] <= 'z') || i + 1 >= eol || s[i] != ':' ||
		    s[i + 1] != ' ')
			return false;
		size_t klen = i - k;
		i = vn_cfg_skip_spaces(s, i + 1, eol);
		v = i;
		quoted = i < eol && s[i] == '"';
		if (quoted)
			i++;
		while (i < eol && vn_cfg_word_char(s[i]))
			i++;
		if (quoted) {
			if (i >= eol || s[i] != '"')
				return false;
			i++;
		} else if (i == v ||
			   !((s[v] >= 'a' && s[v] <= 'z') || (s[v] >= 'A' && s[v] <= 'Z') ||
			     (s[v] >= '0' && s[v] <= '9')) ||
			   s[i - 1] == ':') {
			return false;
		}
		size_t vend = i;
		i = vn_cfg_skip_spaces(s, i, eol);
		if (i >= eol || (s[i] != ',' && s[i] != '}'))
			return false;
		if (arena != NULL) {
			struct vn_cfg_node *n = vn_cfg_arena_alloc(arena, sizeof(*n));
			size_t vs = quoted ? v + 1 : v, vl = (quoted ? vend - 1 : vend) - vs;
			char *key = vn_cfg_arena_alloc(arena, klen + 1);
			char *val = vn_cfg_arena_alloc(arena, vl + 1);

			if (n == NULL || key == NULL || val == NULL)
				return false;
			memcpy(key, s + k, klen);
			memcpy(val, s + vs, vl);
			n->type = VN_CFG_SCALAR;
			n->line = n->key_line = line;
			n->col = (int)v + 1;
			n->key_col = (int)k + 1;
			n->key = key;
			n->value = val;
			*tail = n;
			tail = &n->next;
		}
		if (s[i] == '}')
			break;
		i = vn_cfg_skip_spaces(s, i + 1, eol);
	}
	if (vn_cfg_skip_spaces(s, i + 1, eol) != eol)
		return false;
	if (out != NULL)
		*out = map;
	return true;
}

static size_t
vn_cfg_eol(const char *buf, size_t len, size_t i)
{
	const char *nl = memchr(buf + i, '\n', len - i);

	return nl ? (size_t)(nl - buf) : len;
}

/* Blank or comment-only: inert inside a block sequence. */
static bool
vn_cfg_inert_line(const char *s, size_t eol)
{
	size_t i = vn_cfg_skip_spaces(s, 0, eol);

	return i == eol || s[i] == '#';
}

/*
 * Finds the lists: `key:` at column 0, then item lines of one indentation
 * (blank and comment lines between them allowed), ended by the end of the
 * buffer or a line at column 0 that is not an item: a line between them
 * (indented, not an item) leaves the list to libyaml.
 */
static unsigned
vn_cfg_find_flow_lists(const char *buf, size_t len, struct vn_cfg_flow_list *lists)
{
	unsigned n = 0;
	size_t i = 0;
	int line = 1;

	while (i < len && n < VN_CFG_FLOW_LIST_MAX) {
		size_t eol = vn_cfg_eol(buf, len, i), k = i;

		while (k < eol && vn_cfg_key_char(buf[k]))
			k++;
		if (k == i || k >= eol || buf[k] != ':' ||
		    vn_cfg_skip_spaces(buf, k + 1, eol) != eol || eol >= len) {
			i = eol + 1;
			line++;
			continue;
		}
		/* `key:` alone on its line: count the item lines after it. */
		struct vn_cfg_flow_list l = {.start = eol + 1, .key_line = line};
		size_t p = eol + 1, indent = 0, items = 0, last_end = eol + 1;
		int pl = line + 1;
		bool ok = true;

		while (p < len) {
			size_t pe = vn_cfg_eol(buf, len, p);

			if (vn_cfg_inert_line(buf + p, pe - p)) {
				p = pe + 1;
				pl++;
				continue;
			}
			if (items == 0) {
				indent = vn_cfg_skip_spaces(buf, p, pe) - p;
				l.first_line = pl;
			}
			if (!vn_cfg_flow_item(buf + p, pe - p, indent, pl, NULL, NULL)) {
				/* Only a column-0 line that is no item ends the list cleanly. */
				ok = buf[p] != ' ' && buf[p] != '-' && buf[p] != '\t';
				break;
			}
			items++;
			p = pe + 1;
			pl++;
			last_end = pe < len ? pe : len;
		}
		if (ok && items >= VN_CFG_FLOW_LIST_MIN) {
			l.end = last_end;
			lists[n++] = l;
		}
		/* Carry on from the first line not taken (its line number is pl). */
		i = p;
		line = pl;
	}
	return n;
}

/* Fills the SEQ from the item lines of l (known to match). */
static int
vn_cfg_build_flow_list(const char *buf, const struct vn_cfg_flow_list *l,
		       struct vn_cfg_arena *arena, struct vn_cfg_node *seq)
{
	struct vn_cfg_node **tail = &seq->child;
	size_t p = l->start, indent = 0;
	int line = l->key_line + 1;
	bool first = true;

	while (p < l->end) {
		size_t pe = vn_cfg_eol(buf, l->end, p);
		struct vn_cfg_node *map;

		if (!vn_cfg_inert_line(buf + p, pe - p)) {
			if (first) {
				indent = vn_cfg_skip_spaces(buf, p, pe) - p;
				/* libyaml starts a block sequence at its first '-'. */
				seq->line = line;
				seq->col = (int)indent + 1;
				first = false;
			}
			if (!vn_cfg_flow_item(buf + p, pe - p, indent, line, arena, &map))
				return -1;
			*tail = map;
			tail = &map->next;
		}
		p = pe + 1;
		line++;
	}
	return 0;
}

struct vn_cfg_node *
vn_cfg_parse_flow_lists(const char *buf, size_t len)
{
	struct vn_cfg_flow_list lists[VN_CFG_FLOW_LIST_MAX];
	unsigned n = vn_cfg_find_flow_lists(buf, len, lists);
	struct vn_cfg_errors quiet = {0};
	struct vn_cfg_node *root;
	char *copy;

	if (n == 0)
		return NULL;
	copy = malloc(len + 1);
	if (copy == NULL)
		return NULL;
	/* The item lines become empty lines: libyaml sees `key:` with no value. */
	size_t out = 0, from = 0;
	for (unsigned i = 0; i < n; i++) {
		memcpy(copy + out, buf + from, lists[i].start - from);
		out += lists[i].start - from;
		for (size_t p = lists[i].start; p < lists[i].end;) {
			const char *nl = memchr(buf + p, '\n', lists[i].end - p);

			if (nl == NULL)
				break;
			copy[out++] = '\n';
			p = (size_t)(nl - buf) + 1;
		}
		from = lists[i].end;
	}
	memcpy(copy + out, buf + from, len - from);
	out += len - from;
	copy[out] = '\0';
	root = vn_cfg_parse_yaml(&quiet, copy, out);
	free(copy);
	if (root == NULL || root->type != VN_CFG_MAP)
		goto fallback;
	for (unsigned i = 0; i < n; i++) {
		struct vn_cfg_node *v = NULL;

		/* The key must be the root map's, its value the empty scalar it now has. */
		for (struct vn_cfg_node *c = root->child; c != NULL; c = c->next)
			if (c->key_line == lists[i].key_line && c->key_col == 1)
				v = c;
		if (v == NULL || v->type != VN_CFG_SCALAR || v->value[0] != '\0')
			goto fallback;
		v->type = VN_CFG_SEQ;
		v->value = NULL;
		v->child = NULL;
		if (vn_cfg_build_flow_list(buf, &lists[i], root->arena, v) < 0)
			goto fallback;
	}
	return root;
fallback:
	vn_cfg_tree_free(root);
	return NULL;
}
