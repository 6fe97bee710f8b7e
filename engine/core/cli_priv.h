/* The CLI parser's engine side: completion, help and the socket server (core-private). */
#ifndef VN_CLI_PRIV_H
#define VN_CLI_PRIV_H

#include <vecnet/cli.h>

/*
 * Completion of the last, possibly empty, word of line (the text after the last
 * space): command words that extend the typed words, and the names of the
 * command's .complete type once a complete command is typed. *cands is a sorted array of n
 * malloc'd strings, freed with vn_cli_complete_free(). Returns 0 or -ENOMEM.
 */
int vn_cli_complete(const char *line, char ***cands, size_t *n);
void vn_cli_complete_free(char **cands, size_t n);
/*
 * What may follow the typed words: the commands they start, one per line as
 * "PATH SYNTAX  help", or for a complete command its own syntax and help.
 * Returns 0, or -1 with the error in out (unknown command).
 */
int vn_cli_help(const char *line, struct vn_cli_out *out);

/* CLI server on a Unix socket, polled from the main thread. */
int vn_cli_server_start(const char *path);
/* Serves pending clients; waits at most timeout_ms for activity (0 = don't wait). */
void vn_cli_server_poll(int timeout_ms);
void vn_cli_server_stop(void);

/* The command a line runs (its words may be unique prefixes of the command's
 * words), and how many words its path took; NULL when none or ambiguous.
 * For tests and tools that walk the registry. */
struct vn_cli_command *vn_cli_command_for(const char *line, size_t *depth);
/* The registry, in registration order (follow ->next). */
struct vn_cli_command *vn_cli_command_first(void);

#endif
