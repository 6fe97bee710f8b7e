/* The session layer's control side: requests to workers, enable, the CLI. */
#ifndef VN_SESSION_PRIV_H
#define VN_SESSION_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <vecnet/config.h>
#include <vecnet/session.h>

struct tcp_worker;
struct tcp_conn;

/* A request from the main thread to a worker (freed by the worker; a
 * snapshot by whichever of the two lets go of it last). */
enum session_request_type { SESSION_REQ_CONNECT, SESSION_REQ_CLEAR, SESSION_REQ_SNAPSHOT };

struct session_request {
	enum session_request_type type;
	uint32_t app;
	struct vn_session_ep local, remote; /* local.port unused: picked by the worker */
	uint16_t if_index, mtu;
	uint64_t opaque;
	/* SNAPSHOT: copies of the connections in state (UINT32_MAX: any),
	 * at most max of n_match; refs 2 while both hold it. */
	uint32_t refs, state, max, n, n_match;
	struct tcp_conn *conns;
};

void session_request_run(struct tcp_worker *w, struct session_request *r);
/* A request that will not run (the worker stops). */
void session_request_discard(struct session_request *r);
/* `show session` for a worker's thread: copies of its connections (in
 * state, UINT32_MAX any; at most max), taken by the worker between two of
 * its loops, so none is freed while we read. Waits up to timeout_ms.
 * Returns the copies (the caller frees them; *n of *n_match) or NULL with
 * *err: -ENODEV (no stack there), -EAGAIN (its queue is full), -ETIMEDOUT
 * (the worker did not answer), -ENOMEM. */
struct tcp_conn *vn_session_snapshot(uint32_t thread, uint32_t state, uint32_t max, uint32_t *n,
				     uint32_t *n_match, uint32_t timeout_ms, int *err);
/* `clear session`: every connection of thread (UINT32_MAX: of every
 * thread) is aborted by its worker (RST; the app hears cleanup). Returns
 * the number of threads asked, or a negative errno. */
int vn_session_clear(uint32_t thread);
/* `session enable|disable`: disabling needs no listener and no connection. */
int vn_session_enable(bool on);
uint32_t vn_session_n_listeners(void);
/* Sets a TCP setting by its name (`set tcp`, `tcp:`): 0, -ENOENT, -ERANGE. */
int vn_tcp_set(const char *name, uint64_t v);
/* The tcp: section of the engine's config: its schema, the checks the
 * schema cannot make (FIFO sizes powers of two, rto-min <= rto-max), and its
 * application once the engine is up. NULL section: nothing to do. */
extern const struct vn_cfg_field vn_tcp_cfg_fields[];
int vn_tcp_cfg_check(struct vn_cfg_errors *e, const struct vn_cfg_node *section);
int vn_tcp_cfg_apply(const struct vn_cfg_node *section);
/* The built-in echo (or discard) server on uri "tcp://ADDR/PORT", or stops
 * it: 0, -EINVAL (uri), -EPERM (stack disabled), or what listen says. */
int vn_echo_server(const char *uri, bool discard, bool stop);
/* An application by name: one registered, or a built-in echo app
 * (echo-server, discard-server) registered on first use; or -ENOENT. */
int vn_session_app_lookup(const char *name);
/* The tcp: section's max-connections, before the graph is built (the
 * tables are sized then); listen: and connect: once the workers run.
 * file names the config in start-up errors (FILE:LINE:COL). */
int vn_tcp_cfg_early(const struct vn_cfg_node *section);
int vn_tcp_cfg_start(const char *file, const struct vn_cfg_node *section);

#endif
