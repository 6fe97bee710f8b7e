/*
 * CLI command registry, dispatch, output buffers and the typed-argument cursor.
 *
 * A line is split into words on whitespace; a word that starts with a double
 * quote runs to the closing quote (\" and \\ escape inside) and must be followed
 * by whitespace or the end of the line. Quotes inside a word are literal, so
 * `lua eval print("hi")` needs no quoting. Command paths match whole words,
 * exactly; the longest registered path wins and the rest of the words are the
 * command's arguments. Nothing here is on the packet path.
 */
#define _GNU_SOURCE
#define VN_LOG_MOD "cli"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vecnet/cli.h>

#include "core/cli_priv.h"
#include <vecnet/plugin.h>

#define VN_CLI_EXPECT_MAX 16 /* distinct expectations remembered at one word */
#define VN_CLI_EXPECT_LEN 48
#define VN_CLI_DEPTH_MAX 16 /* words of a command path */
#define VN_CLI_SHOW_MAX 40 /* characters of a user's word quoted in a message */
#define VN_CLI_OUT_MIN 1024
#define VN_CLI_OUT_KEEP (256 * 1024) /* reset() gives back buffers larger than this */

struct vn_cli_out {
	char *buf; /* NUL-terminated; NULL only if allocation failed */
	size_t len;
	size_t cap;
	char *errmsg;
	bool is_truncated; /* an allocation failed; output is incomplete */
};

struct vn_cli_word {
	const char *raw; /* where the word starts in the line, quote included */
	char *text; /* unquoted and NUL-terminated */
};

/* The words of one line; text of all words lives in store. */
struct vn_cli_words {
	struct vn_cli_word *w;
	size_t n;
	size_t cap;
	char *store;
};

struct vn_cli_args {
	struct vn_cli_out *out;
	struct vn_cli_word *words; /* the whole line, command path included */
	size_t n_words;
	size_t cur; /* next word to parse */
	char expect[VN_CLI_EXPECT_MAX][VN_CLI_EXPECT_LEN]; /* what cur would accept */
	size_t n_expect;
};

static struct vn_cli_command *vn_cli_commands;

/* --- output ---------------------------------------------------------------- */

struct vn_cli_out *
vn_cli_out_new(void)
{
	struct vn_cli_out *out = calloc(1, sizeof(*out));

	if (out == NULL)
		return NULL;
	out->buf = malloc(VN_CLI_OUT_MIN);
	if (out->buf == NULL) {
		free(out);
		return NULL;
	}
	out->buf[0] = '\0';
	out->cap = VN_CLI_OUT_MIN;
	return out;
}

void
vn_cli_out_free(struct vn_cli_out *out)
{
	if (out == NULL)
		return;
	free(out->buf);
	free(out->errmsg);
	free(out);
}

const char *
vn_cli_out_text(const struct vn_cli_out *out)
{
	return out != NULL && out->buf != NULL ? out->buf : "";
}

size_t
vn_cli_out_len(const struct vn_cli_out *out)
{
	return out != NULL && out->buf != NULL ? out->len : 0;
}

const char *
vn_cli_out_errmsg(const struct vn_cli_out *out)
{
	return out != NULL ? out->errmsg : NULL;
}

void
vn_cli_out_reset(struct vn_cli_out *out)
{
	if (out->cap > VN_CLI_OUT_KEEP || out->buf == NULL) {
		char *buf = realloc(out->buf, VN_CLI_OUT_MIN);

		if (buf != NULL) {
			out->buf = buf;
			out->cap = VN_CLI_OUT_MIN;
		}
	}
	out->len = 0;
	if (out->buf != NULL)
		out->buf[0] = '\0';
	free(out->errmsg);
	out->errmsg = NULL;
	out->is_truncated = false;
}

static bool
vn_cli_out_reserve(struct vn_cli_out *out, size_t extra)
{
	size_t need = out->len + extra + 1;
	size_t cap = VN_MAX(out->cap, (size_t)VN_CLI_OUT_MIN);
	char *buf;

	if (out->buf != NULL && need <= out->cap)
		return true;
	if (need < out->len) /* overflow */
		return false;
	while (cap < need)
		cap = cap * 2 > cap ? cap * 2 : need;
	buf = realloc(out->buf, cap);
	if (buf == NULL)
		return false;
	if (out->buf == NULL)
		buf[0] = '\0';
	out->buf = buf;
	out->cap = cap;
	return true;
}

void
vn_cli_vprintf(struct vn_cli_out *out, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (out->buf == NULL && !vn_cli_out_reserve(out, 0)) {
		out->is_truncated = true;
		return;
	}
	va_copy(ap2, ap);
	n = vsnprintf(out->buf + out->len, out->cap - out->len, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n >= out->cap - out->len) {
		if (!vn_cli_out_reserve(out, (size_t)n)) {
			out->buf[out->len] = '\0';
			out->is_truncated = true;
			return;
		}
		vsnprintf(out->buf + out->len, out->cap - out->len, fmt, ap);
	}
	out->len += (size_t)n;
}

void
vn_cli_printf(struct vn_cli_out *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vn_cli_vprintf(out, fmt, ap);
	va_end(ap);
}

int
vn_cli_error(struct vn_cli_out *out, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	free(out->errmsg);
	out->errmsg = msg != NULL ? msg : strdup("out of memory");
	return -1;
}

/* --- words ------------------------------------------------------------------ */

/* A user's word fit for a message: control bytes shown as '?', long words cut. */
static const char *
vn_cli_show(const char *w, char *buf, size_t len)
{
	size_t i;

	for (i = 0; w[i] != '\0' && i + 1 < len; i++) {
		unsigned char c = (unsigned char)w[i];

		buf[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	buf[i] = '\0';
	if (w[i] != '\0' && len > 4)
		memcpy(buf + len - 4, "...", 4);
	return buf;
}

static void
vn_cli_words_free(struct vn_cli_words *ws)
{
	free(ws->w);
	free(ws->store);
	*ws = (struct vn_cli_words){0};
}

static bool
vn_cli_is_space(char c)
{
	return isspace((unsigned char)c) != 0;
}

/* Splits line into words. Returns 0, or -1 with a message in err. */
static int
vn_cli_split(const char *line, struct vn_cli_words *ws, struct vn_cli_out *err)
{
	size_t len = strlen(line);
	const char *p = line;
	char *d;

	*ws = (struct vn_cli_words){0};
	/* Every word's text is no longer than its raw form, plus one NUL each. */
	ws->store = malloc(len * 2 + 2);
	if (ws->store == NULL)
		goto nomem;
	d = ws->store;
	for (;;) {
		struct vn_cli_word *w;

		while (vn_cli_is_space(*p))
			p++;
		if (*p == '\0')
			break;
		if (ws->n == ws->cap) {
			size_t cap = ws->cap ? ws->cap * 2 : 16;
			struct vn_cli_word *nw = realloc(ws->w, cap * sizeof(*nw));

			if (nw == NULL)
				goto nomem;
			ws->w = nw;
			ws->cap = cap;
		}
		w = &ws->w[ws->n++];
		w->raw = p;
		w->text = d;
		if (*p != '"') {
			while (*p != '\0' && !vn_cli_is_space(*p))
				*d++ = *p++;
			*d++ = '\0';
			continue;
		}
		for (p++;; p++) {
			if (*p == '\0') {
				vn_cli_error(err, "unterminated quote (word %zu)", ws->n);
				goto fail;
			}
			if (*p == '"')
				break;
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			*d++ = *p;
		}
		*d++ = '\0';
		p++;
		if (*p != '\0' && !vn_cli_is_space(*p)) {
			vn_cli_error(err, "unexpected text after closing quote (word %zu)", ws->n);
			goto fail;
		}
	}
	return 0;

nomem:
	vn_cli_error(err, "out of memory");
fail:
	vn_cli_words_free(ws);
	return -1;
}

/* Word i of a command path: its length (0 past the end), start in *w. */
static size_t
vn_cli_path_word(const char *path, size_t i, const char **w)
{
	const char *p = path;
	size_t len;

	for (;;) {
		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		if (len == 0 || i == 0)
			break;
		p += len;
		i--;
	}
	*w = p;
	return len;
}

static size_t
vn_cli_path_len(const char *path)
{
	const char *w;
	size_t n = 0;

	while (vn_cli_path_word(path, n, &w) != 0)
		n++;
	return n;
}

/*
 * Resolving typed words against the command tree. Each typed word stands for
 * the command word at its depth that it spells out exactly, or else for the
 * one it is a unique prefix of (`sh int` = `show interface`, as vppctl, IOS
 * and vtysh accept): an exact word always wins over a longer one it prefixes,
 * and a prefix of two or more words is ambiguous. Resolution stops at the
 * first word that is no command word: the arguments start there.
 */
struct vn_cli_node {
	const char *w; /* this word, in some command's path */
	size_t len;
	struct vn_cli_command *cmd; /* the command whose path ends here, or NULL */
	struct vn_cli_node *child, *next; /* first child; next sibling */
};

/* The registry as a tree of command words, rebuilt after it changes: a line
 * resolves by scanning a few siblings per word (an `exec` of a million routes
 * resolves every line), not every command's path. */
static struct vn_cli_node vn_cli_root;
static bool vn_cli_tree_stale = true;

static void
vn_cli_tree_free(struct vn_cli_node *n)
{
	while (n != NULL) {
		struct vn_cli_node *next = n->next;
		vn_cli_tree_free(n->child);
		free(n);
		n = next;
	}
}

/* False when out of memory: the tree stays stale and is built again. */
static bool
vn_cli_tree_build(void)
{
	vn_cli_tree_free(vn_cli_root.child);
	vn_cli_root.child = NULL;
	for (struct vn_cli_command *c = vn_cli_commands; c != NULL; c = c->next) {
		struct vn_cli_node *at = &vn_cli_root;
		const char *w;
		size_t len;

		for (size_t i = 0; (len = vn_cli_path_word(c->path, i, &w)) != 0; i++) {
			struct vn_cli_node **pp = &at->child;
			while (*pp != NULL && ((*pp)->len != len || memcmp((*pp)->w, w, len) != 0))
				pp = &(*pp)->next;
			if (*pp == NULL) {
				*pp = calloc(1, sizeof(**pp));
				if (*pp == NULL)
					return false;
				(*pp)->w = w;
				(*pp)->len = len;
			}
			at = *pp;
		}
		at->cmd = c;
	}
	vn_cli_tree_stale = false;
	return true;
}

struct vn_cli_res {
	struct vn_cli_command *cmd; /* the longest complete command, or NULL */
	size_t depth; /* words cmd's path takes */
	size_t n; /* leading words resolved to command words */
	const char *w[VN_CLI_DEPTH_MAX]; /* the command words they stand for */
	size_t len[VN_CLI_DEPTH_MAX];
	const struct vn_cli_node *at; /* where the n words lead: its children come next */
	bool is_ambiguous; /* word n is a prefix of several command words */
};

static void
vn_cli_resolve(const struct vn_cli_word *words, size_t n, struct vn_cli_res *r)
{
	memset(r, 0, sizeof(*r));
	r->at = &vn_cli_root;
	if (vn_cli_tree_stale && !vn_cli_tree_build())
		return; /* out of memory: nothing resolves, "unknown command" says so */
	for (size_t d = 0; d < n && d < VN_CLI_DEPTH_MAX; d++) {
		const char *typed = words[d].text;
		size_t tlen = strlen(typed);
		const struct vn_cli_node *pick = NULL;
		size_t n_prefixed = 0;

		for (const struct vn_cli_node *c = r->at->child; c != NULL; c = c->next) {
			if (c->len < tlen || memcmp(c->w, typed, tlen) != 0)
				continue;
			if (c->len == tlen) { /* an exact word wins */
				pick = c;
				n_prefixed = 1;
				break;
			}
			pick = c;
			n_prefixed++;
		}
		if (pick == NULL || tlen == 0)
			break; /* no command word: an argument */
		if (n_prefixed > 1) {
			r->is_ambiguous = true;
			break;
		}
		r->w[d] = pick->w;
		r->len[d] = pick->len;
		r->n = d + 1;
		r->at = pick;
		if (pick->cmd != NULL) {
			r->cmd = pick->cmd;
			r->depth = d + 1;
		}
	}
}

/* --- sorted, distinct string lists ------------------------------------------- */

struct vn_cli_strs {
	char **s;
	size_t n;
	size_t cap;
	bool is_nomem;
};

static void
vn_cli_strs_add(struct vn_cli_strs *l, const char *s, size_t len)
{
	char *copy;

	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->s[i]) == len && memcmp(l->s[i], s, len) == 0)
			return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **ns = realloc(l->s, cap * sizeof(*ns));

		if (ns == NULL) {
			l->is_nomem = true;
			return;
		}
		l->s = ns;
		l->cap = cap;
	}
	copy = strndup(s, len);
	if (copy == NULL) {
		l->is_nomem = true;
		return;
	}
	l->s[l->n++] = copy;
}

static int
vn_cli_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
vn_cli_strs_sort(struct vn_cli_strs *l)
{
	if (l->n > 1)
		qsort(l->s, l->n, sizeof(l->s[0]), vn_cli_strcmp);
}

void
vn_cli_complete_free(char **cands, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(cands[i]);
	free(cands);
}

static void
vn_cli_strs_free(struct vn_cli_strs *l)
{
	vn_cli_complete_free(l->s, l->n);
	*l = (struct vn_cli_strs){0};
}

/* "a, b, c" into out. */
static void
vn_cli_strs_join(const struct vn_cli_strs *l, struct vn_cli_out *out)
{
	for (size_t i = 0; i < l->n; i++)
		vn_cli_printf(out, "%s%s", i ? ", " : "", l->s[i]);
}

/* --- registry ---------------------------------------------------------------- */

static bool
vn_cli_path_eq(const char *a, const char *b)
{
	size_t n = vn_cli_path_len(a);

	if (n != vn_cli_path_len(b))
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *wa, *wb;
		size_t la = vn_cli_path_word(a, i, &wa);
		size_t lb = vn_cli_path_word(b, i, &wb);

		if (la != lb || memcmp(wa, wb, la) != 0)
			return false;
	}
	return true;
}

void
vn_cli_register(struct vn_cli_command *cmd)
{
	struct vn_cli_command **pp;

	if (cmd == NULL || cmd->path == NULL || cmd->fn == NULL ||
	    vn_cli_path_len(cmd->path) == 0) {
		VN_ERR("refusing a command without path or handler");
		return;
	}
	for (pp = &vn_cli_commands; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == cmd)
			return;
		if (vn_cli_path_eq((*pp)->path, cmd->path)) {
			VN_ERR("command '%s' is already registered", cmd->path);
			return;
		}
	}
	/* Appended, so listings keep registration order where they don't sort. */
	cmd->next = NULL;
	*pp = cmd;
	vn_cli_tree_stale = true;
}

void
vn_cli_unregister(struct vn_cli_command *cmd)
{
	for (struct vn_cli_command **pp = &vn_cli_commands; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == cmd) {
			*pp = cmd->next;
			cmd->next = NULL;
			vn_cli_tree_stale = true;
			return;
		}
	}
}

/* The words joined by single spaces, for messages. */
static void
vn_cli_print_line(struct vn_cli_out *out, const struct vn_cli_word *words, size_t n)
{
	char show[VN_CLI_SHOW_MAX + 1];

	for (size_t i = 0; i < n; i++)
		vn_cli_printf(out, "%s%s", i ? " " : "",
			      vn_cli_show(words[i].text, show, sizeof(show)));
}

/* The distinct words at depth r->n that continue r's words and start with
 * prefix (all of them for ""), sorted. */
static void
vn_cli_next_words(const struct vn_cli_res *r, const char *prefix, struct vn_cli_strs *l)
{
	size_t plen = strlen(prefix);

	for (const struct vn_cli_node *c = r->at->child; c != NULL; c = c->next)
		if (c->len >= plen && memcmp(c->w, prefix, plen) == 0)
			vn_cli_strs_add(l, c->w, c->len);
	vn_cli_strs_sort(l);
}

/* Edit distance of a and b, bounded: anything above 3 is 4. */
static unsigned
vn_cli_distance(const char *a, const char *b, size_t blen)
{
	unsigned prev[VN_CLI_SHOW_MAX + 1], cur[VN_CLI_SHOW_MAX + 1];
	size_t alen = strlen(a);

	if (alen > VN_CLI_SHOW_MAX || blen > VN_CLI_SHOW_MAX)
		return 4;
	for (size_t j = 0; j <= blen; j++)
		prev[j] = (unsigned)j;
	for (size_t i = 1; i <= alen; i++) {
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= blen; j++) {
			unsigned sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			cur[j] = VN_MIN(sub, VN_MIN(prev[j], cur[j - 1]) + 1);
		}
		memcpy(prev, cur, (blen + 1) * sizeof(prev[0]));
	}
	return VN_MIN(prev[blen], 4u);
}

/*
 * No command matches: name the deepest level the words reached, the command
 * words that would continue from there, and the nearest of them when the
 * word was a typo of one (`did you mean 'show interface'?`).
 */
static int
vn_cli_unknown(const struct vn_cli_word *words, size_t n, const struct vn_cli_res *r,
	       struct vn_cli_out *out)
{
	struct vn_cli_strs next = {0};
	struct vn_cli_out *msg = vn_cli_out_new();
	const char *near = NULL;
	unsigned best = 3;
	int rc;

	if (msg == NULL)
		return vn_cli_error(out, "out of memory");
	vn_cli_next_words(r, "", &next);
	if (r->n < n) {
		/* A typo costs one or two edits; a short word needs fewer to be one. */
		size_t typed = strlen(words[r->n].text);
		unsigned limit = typed <= 3 ? 1 : typed <= 6 ? 2 : 3;

		for (size_t i = 0; i < next.n; i++) {
			unsigned d = vn_cli_distance(words[r->n].text, next.s[i], strlen(next.s[i]));
			if (d <= limit && d < best + (near == NULL)) {
				best = d;
				near = next.s[i];
			}
		}
	}
	vn_cli_printf(msg, "%s command '", r->n == n ? "incomplete" : "unknown");
	vn_cli_print_line(msg, words, n);
	vn_cli_printf(msg, "': expected one of: ");
	vn_cli_strs_join(&next, msg);
	if (near != NULL) {
		vn_cli_printf(msg, "; did you mean '");
		for (size_t i = 0; i < r->n; i++)
			vn_cli_printf(msg, "%.*s ", (int)r->len[i], r->w[i]);
		vn_cli_printf(msg, "%s'?", near);
	}
	rc = vn_cli_error(out, "%s", vn_cli_out_text(msg));
	vn_cli_strs_free(&next);
	vn_cli_out_free(msg);
	return rc;
}

/* Word r->n is a prefix of several command words: name them. */
static int
vn_cli_ambiguous(const struct vn_cli_word *words, const struct vn_cli_res *r,
		 struct vn_cli_out *out)
{
	struct vn_cli_strs next = {0};
	struct vn_cli_out *msg = vn_cli_out_new();
	char show[VN_CLI_SHOW_MAX + 1];
	int rc;

	if (msg == NULL)
		return vn_cli_error(out, "out of memory");
	vn_cli_next_words(r, words[r->n].text, &next);
	vn_cli_printf(msg, "ambiguous '%s': ", vn_cli_show(words[r->n].text, show, sizeof(show)));
	vn_cli_strs_join(&next, msg);
	rc = vn_cli_error(out, "%s", vn_cli_out_text(msg));
	vn_cli_strs_free(&next);
	vn_cli_out_free(msg);
	return rc;
}

int
vn_cli_execute(const char *line, struct vn_cli_out *out)
{
	struct vn_cli_words ws;
	struct vn_cli_args args;
	struct vn_cli_res r;
	int rc;

	if (vn_cli_split(line != NULL ? line : "", &ws, out) < 0)
		return -1;
	if (ws.n == 0) {
		rc = 0; /* blank line */
		goto done;
	}
	vn_cli_resolve(ws.w, ws.n, &r);
	if (r.is_ambiguous && (r.cmd == NULL || r.depth == r.n)) {
		rc = vn_cli_ambiguous(ws.w, &r, out);
		goto done;
	}
	if (r.cmd == NULL) {
		rc = vn_cli_unknown(ws.w, ws.n, &r, out);
		goto done;
	}
	args = (struct vn_cli_args){
		.out = out,
		.words = ws.w,
		.n_words = ws.n,
		.cur = r.depth,
	};
	rc = r.cmd->fn(out, &args);
	if (rc != 0) {
		/* A failure always carries a message for the user. */
		if (out->errmsg == NULL)
			vn_cli_error(out, "%s: command failed", r.cmd->path);
		rc = -1;
	}
done:
	vn_cli_words_free(&ws);
	return rc;
}

struct vn_cli_command *
vn_cli_command_for(const char *line, size_t *depth)
{
	struct vn_cli_out *err = vn_cli_out_new();
	struct vn_cli_words ws;
	struct vn_cli_res r;
	int rc = err != NULL ? vn_cli_split(line, &ws, err) : -1;

	vn_cli_out_free(err);
	if (rc < 0)
		return NULL;
	vn_cli_resolve(ws.w, ws.n, &r);
	vn_cli_words_free(&ws);
	if (r.is_ambiguous && (r.cmd == NULL || r.depth == r.n))
		return NULL;
	if (depth != NULL)
		*depth = r.depth;
	return r.cmd;
}

struct vn_cli_command *
vn_cli_command_first(void)
{
	return vn_cli_commands;
}

/* --- typed arguments ---------------------------------------------------------- */

struct vn_cli_out *
vn_cli_args_out(struct vn_cli_args *a)
{
	return a->out;
}

static void
vn_cli_expect(struct vn_cli_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records what the current word could have been; duplicates are dropped. */
static void
vn_cli_expect(struct vn_cli_args *a, const char *fmt, ...)
{
	char name[VN_CLI_EXPECT_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < a->n_expect; i++)
		if (strcmp(a->expect[i], name) == 0)
			return;
	if (a->n_expect < VN_CLI_EXPECT_MAX)
		memcpy(a->expect[a->n_expect++], name, sizeof(name));
}

static void
vn_cli_advance(struct vn_cli_args *a, size_t n)
{
	a->cur += n;
	a->n_expect = 0;
}

/* The current word, or NULL at the end of the line. */
static const char *
vn_cli_cur(const struct vn_cli_args *a)
{
	return a->cur < a->n_words ? a->words[a->cur].text : NULL;
}

bool
vn_cli_arg_keyword(struct vn_cli_args *a, const char *kw)
{
	const char *w = vn_cli_cur(a);

	if (w == NULL || strcmp(w, kw) != 0) {
		vn_cli_expect(a, "keyword '%s'", kw);
		return false;
	}
	vn_cli_advance(a, 1);
	return true;
}

bool
vn_cli_arg(struct vn_cli_args *a, const struct vn_cli_arg_type *t, void *out)
{
	const char *w = vn_cli_cur(a);

	if (w == NULL || t->parse(w, out) != 0) {
		vn_cli_expect(a, "%s", w != NULL && t->refused != NULL ? t->refused(w) : t->what);
		return false;
	}
	vn_cli_advance(a, 1);
	return true;
}

/* Decimal, or hex with 0x; no sign, no spaces, no overflow. */
static bool
vn_cli_parse_u64(const char *w, uint64_t *v)
{
	int base = 10;
	uint64_t r = 0;

	if (w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
		base = 16;
		w += 2;
	}
	if (*w == '\0')
		return false;
	for (; *w != '\0'; w++) {
		unsigned d;

		if (*w >= '0' && *w <= '9')
			d = (unsigned)(*w - '0');
		else if (base == 16 && *w >= 'a' && *w <= 'f')
			d = (unsigned)(*w - 'a' + 10);
		else if (base == 16 && *w >= 'A' && *w <= 'F')
			d = (unsigned)(*w - 'A' + 10);
		else
			return false;
		if (r > (UINT64_MAX - d) / (uint64_t)base)
			return false;
		r = r * (uint64_t)base + d;
	}
	*v = r;
	return true;
}

bool
vn_cli_arg_u64(struct vn_cli_args *a, uint64_t *v)
{
	const char *w = vn_cli_cur(a);

	if (w == NULL || !vn_cli_parse_u64(w, v)) {
		vn_cli_expect(a, "number");
		return false;
	}
	vn_cli_advance(a, 1);
	return true;
}

bool
vn_cli_arg_u32_range(struct vn_cli_args *a, uint32_t min, uint32_t max, uint32_t *v)
{
	const char *w = vn_cli_cur(a);
	uint64_t r;

	if (w == NULL || !vn_cli_parse_u64(w, &r) || r < min || r > max) {
		vn_cli_expect(a, "number %u-%u", min, max);
		return false;
	}
	*v = (uint32_t)r;
	vn_cli_advance(a, 1);
	return true;
}

bool
vn_cli_arg_word(struct vn_cli_args *a, const char *what, char *buf, size_t len)
{
	const char *w = vn_cli_cur(a);

	if (w == NULL || strlen(w) >= len) {
		vn_cli_expect(a, "%s", what != NULL ? what : "word");
		return false;
	}
	memcpy(buf, w, strlen(w) + 1);
	vn_cli_advance(a, 1);
	return true;
}

bool
vn_cli_arg_rest(struct vn_cli_args *a, char *buf, size_t len)
{
	const char *raw;
	size_t n;

	if (a->cur >= a->n_words) {
		vn_cli_expect(a, "text");
		return false;
	}
	raw = a->words[a->cur].raw;
	n = strlen(raw);
	while (n > 0 && vn_cli_is_space(raw[n - 1]))
		n--;
	if (n >= len) {
		vn_cli_expect(a, "text (at most %zu characters)", len ? len - 1 : 0);
		return false;
	}
	memcpy(buf, raw, n);
	buf[n] = '\0';
	vn_cli_advance(a, a->n_words - a->cur);
	return true;
}

bool
vn_cli_args_end(struct vn_cli_args *a)
{
	if (a->cur < a->n_words) {
		vn_cli_expect(a, "end of line");
		return false;
	}
	return true;
}

int
vn_cli_unexpected(struct vn_cli_args *a)
{
	struct vn_cli_out *msg = vn_cli_out_new();
	char show[VN_CLI_SHOW_MAX + 1];
	int rc;

	if (msg == NULL)
		return vn_cli_error(a->out, "out of memory");
	if (a->cur < a->n_words)
		vn_cli_printf(msg, "unexpected '%s' (word %zu)",
			      vn_cli_show(a->words[a->cur].text, show, sizeof(show)), a->cur + 1);
	else
		vn_cli_printf(msg, "missing argument");
	for (size_t i = 0; i < a->n_expect; i++)
		vn_cli_printf(msg, "%s%s", i ? ", " : ": expected one of: ", a->expect[i]);
	rc = vn_cli_error(a->out, "%s", vn_cli_out_text(msg));
	vn_cli_out_free(msg);
	return rc;
}

/* --- completion and help -------------------------------------------------------- */

int
vn_cli_complete(const char *line, char ***cands, size_t *n)
{
	struct vn_cli_strs l = {0};
	struct vn_cli_words ws;
	struct vn_cli_out *err;
	struct vn_cli_command *best;
	struct vn_cli_res r;
	const char *partial;
	size_t plen;
	char *head;
	int rc = 0;

	*cands = NULL;
	*n = 0;
	if (line == NULL)
		line = "";
	partial = line + strlen(line);
	while (partial > line && !vn_cli_is_space(partial[-1]))
		partial--;
	plen = strlen(partial);
	head = strndup(line, (size_t)(partial - line));
	err = vn_cli_out_new();
	if (head == NULL || err == NULL) {
		rc = -ENOMEM;
		goto done;
	}
	/* Inside an open quote there is nothing to offer. */
	if (vn_cli_split(head, &ws, err) < 0)
		goto done;
	/* The typed words may be prefixes: the command words they stand for
	 * decide what may follow (`sh int<TAB>` offers interface names). */
	vn_cli_resolve(ws.w, ws.n, &r);
	if (r.n == ws.n && !r.is_ambiguous) {
		struct vn_cli_strs next = {0};

		vn_cli_next_words(&r, partial, &next);
		for (size_t i = 0; i < next.n; i++)
			vn_cli_strs_add(&l, next.s[i], strlen(next.s[i]));
		vn_cli_strs_free(&next);
	}
	best = r.is_ambiguous && r.depth == r.n ? NULL : r.cmd;
	if (best != NULL && best->complete != NULL && best->complete->name_at != NULL) {
		const char *name;

		for (uint32_t i = 0; (name = best->complete->name_at(i)) != NULL; i++)
			if (strncmp(name, partial, plen) == 0)
				vn_cli_strs_add(&l, name, strlen(name));
	}
	vn_cli_words_free(&ws);
	if (l.is_nomem) {
		vn_cli_strs_free(&l);
		rc = -ENOMEM;
		goto done;
	}
	vn_cli_strs_sort(&l);
	*cands = l.s;
	*n = l.n;
done:
	free(head);
	vn_cli_out_free(err);
	return rc;
}

static int
vn_cli_cmd_cmp(const void *a, const void *b)
{
	const struct vn_cli_command *ca = *(const struct vn_cli_command *const *)a;
	const struct vn_cli_command *cb = *(const struct vn_cli_command *const *)b;

	return strcmp(ca->path, cb->path);
}

/* One line per command: "PATH SYNTAX" padded to a column, then the help. */
static void
vn_cli_print_cmds(struct vn_cli_out *out, struct vn_cli_command **cmds, size_t n)
{
	int width = 0;

	for (size_t i = 0; i < n; i++) {
		const char *syn = cmds[i]->syntax ?: "";
		size_t len = strlen(cmds[i]->path) + (*syn ? 1 + strlen(syn) : 0);

		width = VN_MAX(width, (int)VN_MIN(len, (size_t)VN_CLI_SHOW_MAX));
	}
	for (size_t i = 0; i < n; i++) {
		const char *syn = cmds[i]->syntax ?: "";
		int len = (int)(strlen(cmds[i]->path) + (*syn ? 1 + strlen(syn) : 0));

		vn_cli_printf(out, "%s%s%s", cmds[i]->path, *syn ? " " : "", syn);
		if (cmds[i]->help != NULL && *cmds[i]->help != '\0') {
			if (len > width)
				vn_cli_printf(out, "\n%*s", width, "");
			else
				vn_cli_printf(out, "%*s", width - len, "");
			vn_cli_printf(out, "  %s", cmds[i]->help);
		}
		vn_cli_printf(out, "\n");
	}
}

/* The commands at and below a node of the tree, appended to cmds. */
static void
vn_cli_subtree(const struct vn_cli_node *at, struct vn_cli_command **cmds, size_t *n)
{
	if (at->cmd != NULL)
		cmds[(*n)++] = at->cmd;
	for (const struct vn_cli_node *c = at->child; c != NULL; c = c->next)
		vn_cli_subtree(c, cmds, n);
}

int
vn_cli_help(const char *line, struct vn_cli_out *out)
{
	struct vn_cli_command **cmds = NULL;
	struct vn_cli_command *best;
	struct vn_cli_words ws;
	struct vn_cli_res r;
	size_t n_cmds = 0, n_all = 0;
	int rc = 0;

	if (vn_cli_split(line != NULL ? line : "", &ws, out) < 0)
		return -1;
	for (struct vn_cli_command *c = vn_cli_commands; c != NULL; c = c->next)
		n_all++;
	cmds = calloc(n_all + 1, sizeof(*cmds));
	if (cmds == NULL) {
		rc = vn_cli_error(out, "out of memory");
		goto done;
	}
	vn_cli_resolve(ws.w, ws.n, &r);
	best = r.is_ambiguous && r.depth == r.n ? NULL : r.cmd;
	if (best != NULL && r.depth < ws.n) {
		/* Arguments already typed: only the command itself applies. */
		cmds[n_cmds++] = best;
	} else {
		/* The commands the resolved words start; the last word may be
		 * the start of several command words ("show i?"). */
		if (r.n == ws.n) {
			vn_cli_subtree(r.at, cmds, &n_cmds);
		} else if (r.n + 1 == ws.n) {
			const char *last = ws.w[r.n].text;

			for (const struct vn_cli_node *c = r.at->child; c != NULL; c = c->next)
				if (c->len >= strlen(last) && memcmp(c->w, last, strlen(last)) == 0)
					vn_cli_subtree(c, cmds, &n_cmds);
		}
	}
	if (n_cmds == 0) {
		rc = vn_cli_unknown(ws.w, ws.n, &r, out);
		goto done;
	}
	if (n_cmds > 1)
		qsort(cmds, n_cmds, sizeof(cmds[0]), vn_cli_cmd_cmp);
	vn_cli_print_cmds(out, cmds, n_cmds);
done:
	free(cmds);
	vn_cli_words_free(&ws);
	return rc;
}

/* --- built-in commands ------------------------------------------------------------ */

static int
vn_cli_help_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	size_t len = args->cur < args->n_words ? strlen(args->words[args->cur].raw) : 0;
	char *words;
	int rc;

	words = malloc(len + 1);
	if (words == NULL)
		return vn_cli_error(out, "out of memory");
	if (!vn_cli_arg_rest(args, words, len + 1))
		words[0] = '\0';
	rc = vn_cli_help(words, out);
	free(words);
	return rc;
}

VN_CLI_COMMAND(help) = {
	.path = "help",
	.syntax = "[WORDS]",
	.help = "list the commands, or those starting with WORDS (prefixes too)",
	.fn = vn_cli_help_fn,
};

/* vppctl's spelling of the same: `show help ip route`. */
VN_CLI_COMMAND(show_help) = {
	.path = "show help",
	.syntax = "[WORDS]",
	.help = "each command starting with WORDS: its syntax and what it does",
	.fn = vn_cli_help_fn,
};
