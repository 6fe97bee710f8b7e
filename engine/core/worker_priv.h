/* Forwarding threads and the engine's run state (core-private). */
#ifndef VN_WORKER_PRIV_H
#define VN_WORKER_PRIV_H

#include <vecnet/cli.h>
#include <vecnet/graph.h>

enum vn_poll_mode { VN_POLL_ALWAYS, VN_POLL_ADAPTIVE };

struct vn_engine {
	volatile bool running;
	enum vn_poll_mode poll;
	uint32_t n_workers; /* 0: the main thread forwards */
	uint32_t n_fwd; /* forwarding threads */
	uint32_t fwd_thread[VN_THREAD_MAX]; /* their thread indexes */
	uint64_t start_tsc;
};
extern struct vn_engine vn_engine;

void vn_graph_set_self(struct vn_graph *g);
int vn_worker_main(void *arg);
/* Call right after vn_graph_run_once(g): uses the TSC it recorded. */
void vn_idle_backoff(struct vn_graph *g, uint32_t n_pkts, bool rcu_reader);
/* Runs a CLI file, or a .lua script, line by line; stops at the first error. */
int vn_exec_file(const char *path, struct vn_cli_out *out);

#endif
