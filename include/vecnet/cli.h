/*
 * CLI commands: registered as data from any module or plugin, parsed with an
 * unformat-style cursor that remembers what it expected at the failing word.
 *
 * A handler consumes words with the vn_cli_arg_*() functions; each returns true
 * and advances on a match, or false and records what it would have accepted.
 * When nothing matches, `return vn_cli_unexpected(args);` reports e.g.
 *   unexpected 'foo' (word 4): expected one of: keyword 'max', number 1-100000
 */
#ifndef VECNET_CLI_H
#define VECNET_CLI_H

#include <stdarg.h>
#include <vecnet/common.h>

struct vn_cli_out; /* output of one command: text and an error message */
struct vn_cli_args; /* cursor over the words after the command path */

/* A type of argument a layer above defines (addresses, interface names): its
 * name for "expected ..." messages, its parser (0 when the word is one; the
 * value goes to out), for completion its known names (i = 0.. until NULL; may
 * be NULL), and what to say instead of `what` about a word it refused (may be
 * NULL: interface names list an ambiguous prefix's candidates). */
struct vn_cli_arg_type {
	const char *what;
	int (*parse)(const char *word, void *out);
	const char *(*name_at)(uint32_t i);
	const char *(*refused)(const char *word);
};

struct vn_cli_command {
	const char *path; /* command words, e.g. "trace add" */
	const char *syntax; /* shown in help, e.g. "PREFIX via ADDR [IF] | PREFIX via drop" */
	const char *help; /* one line */
	int (*fn)(struct vn_cli_out *out, struct vn_cli_args *args); /* 0 or -1 */
	const struct vn_cli_arg_type *complete; /* offer its names when completing arguments */
	struct vn_cli_command *next; /* registry link, set by vn_cli_register() */
};

void vn_cli_register(struct vn_cli_command *cmd);
void vn_cli_unregister(struct vn_cli_command *cmd);

/* Register a command at load time (engine or plugin .so):
 *   VN_CLI_COMMAND(trace_add) = { .path = "trace add", ... };  */
#define VN_CLI_COMMAND(id) VN_REGISTRATION(vn_cli_command, id, vn_cli_register, vn_cli_unregister)

/* Output. vn_cli_error() sets the error message and returns -1. */
void vn_cli_printf(struct vn_cli_out *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vn_cli_vprintf(struct vn_cli_out *out, const char *fmt, va_list ap);
int vn_cli_error(struct vn_cli_out *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Typed argument parsers. */
bool vn_cli_arg_keyword(struct vn_cli_args *a, const char *kw);
bool vn_cli_arg_u64(struct vn_cli_args *a, uint64_t *v);
bool vn_cli_arg_u32_range(struct vn_cli_args *a, uint32_t min, uint32_t max, uint32_t *v);
bool vn_cli_arg_word(struct vn_cli_args *a, const char *what, char *buf, size_t len);
/* A word of type t (its value into out). */
bool vn_cli_arg(struct vn_cli_args *a, const struct vn_cli_arg_type *t, void *out);
bool vn_cli_arg_rest(struct vn_cli_args *a, char *buf, size_t len); /* rest of line, verbatim */
bool vn_cli_args_end(struct vn_cli_args *a); /* true when no words remain */
/* Reports the first word that matched nothing and what was expected there. */
int vn_cli_unexpected(struct vn_cli_args *a);
/* The error output of the command being parsed (for vn_cli_unexpected). */
struct vn_cli_out *vn_cli_args_out(struct vn_cli_args *a);

/* Runs one command line. Output and error go to out; returns 0 or -1. */
int vn_cli_execute(const char *line, struct vn_cli_out *out);

/* Output buffers for callers of vn_cli_execute (CLI server, exec, Lua, tests). */
struct vn_cli_out *vn_cli_out_new(void);
void vn_cli_out_free(struct vn_cli_out *out);
const char *vn_cli_out_text(const struct vn_cli_out *out); /* never NULL */
const char *vn_cli_out_errmsg(const struct vn_cli_out *out); /* NULL if no error */
void vn_cli_out_reset(struct vn_cli_out *out);
size_t vn_cli_out_len(const struct vn_cli_out *out); /* of vn_cli_out_text() */

#endif
