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

#endif
