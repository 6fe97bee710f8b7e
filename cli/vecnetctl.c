/*
 * vecnetctl: the CLI client. With words it runs one command; without, an
 * interactive readline shell (history, tab completion, '?' help) or, when stdin
 * is not a terminal, one command per input line. Exit status: 0 ok, 1 a command
 * failed, 2 the engine could not be reached or went away.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cli_proto.h"

#define VN_CTL_HISTORY_FILE ".vecnetctl_history"
#define VN_CTL_HISTORY_MAX 1000
#define VN_CTL_EXIT_FAIL 1
#define VN_CTL_EXIT_NOENGINE 2

static struct {
	const char *socket;
	int fd;
	char *history; /* path, NULL when there is no HOME */
	bool is_interactive;
	char **cands; /* completion candidates of the current attempt */
	size_t n_cands;
} vn_ctl = {.fd = -1};

static void
vn_ctl_usage(FILE *f)
{
	fprintf(f,
		"usage: vecnetctl [-s SOCKET] [WORDS...]\n"
		"\n"
		"Runs the command WORDS on a running vecnet engine and prints its output.\n"
		"Without WORDS, opens an interactive shell (tab completes, '?' shows help,\n"
		"quit or Ctrl-D leaves), or runs one command per line when stdin is not a\n"
		"terminal.\n"
		"\n"
		"  -s, --socket SOCKET  engine CLI socket (default $VECNET_SOCKET, else %s)\n"
		"  -h, --help           show this help\n"
		"\n"
		"Exit status: 0 success, 1 a command failed, 2 the engine is not reachable.\n",
		VN_CLI_SOCKET_DEFAULT);
}

static void
vn_ctl_save_history(void)
{
	if (vn_ctl.history != NULL)
		history_truncate_file(vn_ctl.history, VN_CTL_HISTORY_MAX);
}

/* The engine went away: there is nothing sensible left to do. */
static void __attribute__((noreturn))
vn_ctl_lost(int err)
{
	if (vn_ctl.is_interactive) {
		rl_deprep_terminal();
		vn_ctl_save_history();
		fputc('\n', stderr);
	}
	fprintf(stderr, "vecnetctl: lost connection to vecnet at %s: %s\n", vn_ctl.socket,
		err == ECONNRESET ? "engine closed the connection" : strerror(err));
	exit(VN_CTL_EXIT_NOENGINE);
}

/* One request; exits on a broken connection. The body is malloc'd, NUL-terminated. */
static uint8_t
vn_ctl_request(uint8_t type, const char *text, char **body, size_t *len)
{
	uint8_t status;
	int rc;

	if (strlen(text) > VN_CLI_MSG_MAX) {
		/* Shaped like an engine error so callers print it the same way. */
		static const char msg[] = "\0command too long";

		*len = sizeof(msg) - 1;
		*body = malloc(*len + 1);
		if (*body == NULL)
			vn_ctl_lost(ENOMEM);
		memcpy(*body, msg, *len + 1);
		return VN_CLI_STATUS_ERR;
	}
	rc = vn_cli_request(vn_ctl.fd, type, text, &status, body, len);
	if (rc < 0)
		vn_ctl_lost(-rc);
	return status;
}

/* Prints a response the way the one-shot mode does. Returns 0 or 1 (failed). */
static int
vn_ctl_print(uint8_t status, const char *body, size_t len)
{
	const char *out = body, *msg = NULL;
	size_t out_len = len;

	if (status != VN_CLI_STATUS_OK)
		vn_cli_split_error(body, len, &out, &out_len, &msg);
	fwrite(out, 1, out_len, stdout);
	fflush(stdout);
	if (msg == NULL)
		return 0;
	fprintf(stderr, "%s\n", *msg ? msg : "command failed");
	return VN_CTL_EXIT_FAIL;
}

/* "words ?" or "words?" asks for help on the words. */
static bool
vn_ctl_strip_question(char *line)
{
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (n == 0 || line[n - 1] != '?')
		return false;
	line[n - 1] = '\0';
	return true;
}

static int
vn_ctl_run_line(char *line)
{
	uint8_t type = vn_ctl_strip_question(line) ? VN_CLI_REQ_HELP : VN_CLI_REQ_EXEC;
	char *body;
	size_t len;
	uint8_t status = vn_ctl_request(type, line, &body, &len);
	int rc = vn_ctl_print(status, body, len);

	free(body);
	return rc;
}

static bool
vn_ctl_is_quit(const char *line)
{
	line += strspn(line, " \t");
	return strcmp(line, "quit") == 0 || strcmp(line, "exit") == 0 ||
	       strncmp(line, "quit ", 5) == 0 || strncmp(line, "exit ", 5) == 0;
}

static bool
vn_ctl_is_blank(const char *line)
{
	line += strspn(line, " \t\r\n");
	return *line == '\0' || *line == '#';
}

/* --- readline ------------------------------------------------------------- */

static char *
vn_ctl_cand_gen(const char *text, int state)
{
	static size_t next;

	if (state == 0)
		next = 0;
	if (next >= vn_ctl.n_cands)
		return NULL;
	return strdup(vn_ctl.cands[next++]);
}

static void
vn_ctl_cands_free(void)
{
	for (size_t i = 0; i < vn_ctl.n_cands; i++)
		free(vn_ctl.cands[i]);
	free(vn_ctl.cands);
	vn_ctl.cands = NULL;
	vn_ctl.n_cands = 0;
}

/* Asks the engine for the candidates of the word being typed. */
static char **
vn_ctl_complete(const char *text, int start, int end)
{
	char *line, *body, *p;
	size_t len, n = 0;
	char **matches = NULL;

	rl_attempted_completion_over = 1; /* never fall back to file names */
	line = strndup(rl_line_buffer, (size_t)end);
	if (line == NULL)
		return NULL;
	if (vn_ctl_request(VN_CLI_REQ_COMPLETE, line, &body, &len) != VN_CLI_STATUS_OK)
		goto done;
	for (p = body; *p != '\0'; p++)
		n += *p == '\n';
	vn_ctl_cands_free();
	vn_ctl.cands = calloc(n + 1, sizeof(char *));
	if (vn_ctl.cands == NULL)
		goto done;
	for (p = body; *p != '\0' && vn_ctl.n_cands < n;) {
		char *nl = strchr(p, '\n');

		vn_ctl.cands[vn_ctl.n_cands] = strndup(p, (size_t)(nl - p));
		if (vn_ctl.cands[vn_ctl.n_cands] != NULL)
			vn_ctl.n_cands++;
		p = nl + 1;
	}
	if (vn_ctl.n_cands > 0)
		matches = rl_completion_matches(text, vn_ctl_cand_gen);
	vn_ctl_cands_free();
done:
	free(body);
	free(line);
	return matches;
}

/* '?' shows what may follow the line so far, then redraws the line. */
static int
vn_ctl_help_key(int count, int key)
{
	char *line, *body;
	size_t len, n_quotes = 0;

	/* Inside a quoted string a '?' is just a character. */
	for (int i = 0; i < rl_point; i++)
		n_quotes += rl_line_buffer[i] == '"';
	if (n_quotes % 2 == 1)
		return rl_insert(count, key);
	line = strndup(rl_line_buffer, (size_t)rl_point);
	if (line == NULL)
		return 0;
	uint8_t status = vn_ctl_request(VN_CLI_REQ_HELP, line, &body, &len);

	rl_crlf();
	vn_ctl_print(status, body, len);
	free(body);
	free(line);
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

static void
vn_ctl_history_init(void)
{
	const char *home = getenv("HOME");
	int fd;

	if (home == NULL || *home == '\0' ||
	    asprintf(&vn_ctl.history, "%s/%s", home, VN_CTL_HISTORY_FILE) < 0) {
		vn_ctl.history = NULL;
		return;
	}
	/* append_history() needs the file to exist. */
	fd = open(vn_ctl.history, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	using_history();
	stifle_history(VN_CTL_HISTORY_MAX);
	read_history(vn_ctl.history);
}

static int
vn_ctl_interactive(void)
{
	char *line;

	vn_ctl.is_interactive = true;
	vn_ctl_history_init();
	rl_readline_name = "vecnetctl";
	rl_attempted_completion_function = vn_ctl_complete;
	/* Words are separated by blanks only: 10.0.0.0/8 and 02:00:.. are one word. */
	rl_completer_word_break_characters = " \t";
	rl_bind_key('?', vn_ctl_help_key);
	while ((line = readline("vecnet# ")) != NULL) {
		if (vn_ctl_is_quit(line)) {
			free(line);
			break;
		}
		if (!vn_ctl_is_blank(line)) {
			HIST_ENTRY *last = history_length > 0 ? history_get(history_base +
									    history_length - 1)
							      : NULL;

			if (last == NULL || strcmp(last->line, line) != 0) {
				add_history(line);
				if (vn_ctl.history != NULL)
					append_history(1, vn_ctl.history);
			}
			vn_ctl_run_line(line);
		}
		free(line);
	}
	if (line == NULL)
		fputc('\n', stdout);
	vn_ctl_save_history();
	free(vn_ctl.history);
	return 0;
}

/* Commands from a pipe or file, one per line; fails if any command failed. */
static int
vn_ctl_batch(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	while ((n = getline(&line, &cap, stdin)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (vn_ctl_is_blank(line))
			continue;
		if (vn_ctl_is_quit(line))
			break;
		if (vn_ctl_run_line(line) != 0)
			rc = VN_CTL_EXIT_FAIL;
	}
	free(line);
	return rc;
}

static int
vn_ctl_one_shot(int argc, char **argv)
{
	size_t len = 0;
	char *line;
	int rc;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	line = malloc(len + 1);
	if (line == NULL) {
		fprintf(stderr, "vecnetctl: out of memory\n");
		return VN_CTL_EXIT_FAIL;
	}
	line[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i > 0)
			strcat(line, " ");
		strcat(line, argv[i]);
	}
	rc = vn_ctl_run_line(line);
	free(line);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{.name = "socket", .has_arg = required_argument, .val = 's'},
		{.name = "help", .has_arg = no_argument, .val = 'h'},
		{0},
	};
	int c, rc;

	vn_ctl.socket = getenv("VECNET_SOCKET");
	if (vn_ctl.socket == NULL || *vn_ctl.socket == '\0')
		vn_ctl.socket = VN_CLI_SOCKET_DEFAULT;
	/* '+': options end at the first command word, so "ping ... -x" stays intact. */
	while ((c = getopt_long(argc, argv, "+s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			vn_ctl.socket = optarg;
			break;
		case 'h':
			vn_ctl_usage(stdout);
			return 0;
		default:
			vn_ctl_usage(stderr);
			return VN_CTL_EXIT_NOENGINE;
		}
	}
	rc = vn_cli_connect(vn_ctl.socket);
	if (rc < 0) {
		fprintf(stderr, "vecnetctl: cannot connect to %s: %s (is vecnet running?)\n",
			vn_ctl.socket, strerror(-rc));
		return VN_CTL_EXIT_NOENGINE;
	}
	vn_ctl.fd = rc;
	if (optind < argc)
		rc = vn_ctl_one_shot(argc - optind, argv + optind);
	else if (isatty(STDIN_FILENO))
		rc = vn_ctl_interactive();
	else
		rc = vn_ctl_batch();
	close(vn_ctl.fd);
	return rc;
}
