/*
 * CLI helpers for suites that drive the engine through its commands. Each
 * suite creates `out` (vn_cli_out_new) in its init and frees it in its cleanup.
 */
#ifndef VN_TEST_CLI_H
#define VN_TEST_CLI_H

#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/cli.h>

static struct vn_cli_out *out;

/* Runs line; returns its status (0 or -1), output in `out`. */
static inline int
cmd(const char *line)
{
	vn_cli_out_reset(out);
	return vn_cli_execute(line, out);
}

/* Runs line expecting success; returns its output (valid until the next run).
 * VN_TEST_VERBOSE=1 prints every command and its output. */
static inline const char *
cmd_ok(const char *line)
{
	int rc = cmd(line);

	if (rc != 0)
		fprintf(stderr, "\n  '%s' failed: %s\n", line, vn_cli_out_errmsg(out));
	else if (getenv("VN_TEST_VERBOSE") != NULL)
		fprintf(stderr, "vecnet# %s\n%s", line, vn_cli_out_text(out));
	CU_ASSERT_EQUAL(rc, 0);
	return vn_cli_out_text(out);
}

/* True if needle is in text; says what was there when not. */
static inline bool
has(const char *text, const char *needle)
{
	if (strstr(text, needle) != NULL)
		return true;
	fprintf(stderr, "\n  '%s' not in:\n%s\n", needle, text);
	return false;
}

/* Runs line expecting failure; returns its error message ("" if it did not fail). */
static inline const char *
cmd_fail(const char *line)
{
	int rc = cmd(line);

	CU_ASSERT_EQUAL(rc, -1);
	if (rc != -1 || vn_cli_out_errmsg(out) == NULL) {
		fprintf(stderr, "\n  '%s' did not fail:\n%s\n", line, vn_cli_out_text(out));
		return "";
	}
	return vn_cli_out_errmsg(out);
}

/* Runs line expecting exactly the error message want. */
static inline void
expect_err(const char *line, const char *want)
{
	const char *got = cmd_fail(line);

	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n  '%s'\n    gave: %s\n    want: %s\n", line, got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
}

/* True if needle is not in text; says where it was when it is. */
static inline bool
lacks(const char *text, const char *needle)
{
	if (strstr(text, needle) == NULL)
		return true;
	fprintf(stderr, "\n  '%s' unexpectedly in:\n%s\n", needle, text);
	return false;
}

/* The output of line, copied (cmd_ok's is overwritten by the next command). */
static inline char *
cmd_copy(const char *line)
{
	char *s = strdup(cmd_ok(line));

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	return s;
}

/* The line of text that starts with word followed by a space; NULL if none. */
static inline const char *
line_of(const char *text, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, word, len) == 0 && p[len] == ' ')
			return p;
	return NULL;
}

#endif
