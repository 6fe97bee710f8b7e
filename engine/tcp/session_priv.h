/* The session layer's control side: requests to workers, enable, the CLI. */
#ifndef VN_SESSION_PRIV_H
#define VN_SESSION_PRIV_H

#include <stdbool.h>
#include <stdint.h>

struct tcp_worker;

/* A connect request, main thread to worker (freed by the worker). */
struct session_request {
	uint32_t app;
	uint32_t laddr, raddr;
	uint16_t rport;
	uint16_t if_index, mtu;
	uint64_t opaque;
};

void session_request_run(struct tcp_worker *w, struct session_request *r);
/* `session enable|disable`: disabling needs no listener and no connection. */
int vn_session_enable(bool on);
uint32_t vn_session_n_listeners(void);
/* An application registered under name, or -ENOENT. */
int vn_app_find(const char *name);

#endif
