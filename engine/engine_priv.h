/* Engine state and start-up steps (engine-private). */
#ifndef VN_ENGINE_PRIV_H
#define VN_ENGINE_PRIV_H

#include <vecnet/config.h>
#include <vecnet/cli.h>
#include <vecnet/graph.h>

struct vn_engine {
	volatile bool running;
	enum vn_poll_mode poll;
	uint32_t n_workers; /* 0: the main thread forwards */
	uint32_t n_fwd; /* forwarding threads */
	uint32_t fwd_thread[VN_CFG_MAX_WORKERS + 1]; /* their thread indexes */
	uint64_t start_tsc;
};

extern struct vn_engine vn_engine;

/* Builds EAL arguments from the config and starts EAL; 0 or -1. */
int vn_eal_start(const struct vn_config *cfg, const char *prog);
/* Applies interfaces, routes, neighbours and plugin sections. */
int vn_config_apply(const struct vn_config *cfg);
/* Runs the exec: files (CLI files and .lua scripts). */
int vn_config_exec(const struct vn_config *cfg);
int vn_exec_file(const char *path, struct vn_cli_out *out);
/* Creates (and opens) every configured interface; before the graph is built. */
int vn_config_create_interfaces(const struct vn_config *cfg);

void vn_graph_set_self(struct vn_graph *g);
int vn_worker_main(void *arg);
/* Call right after vn_graph_run_once(g): uses the TSC it recorded. */
void vn_idle_backoff(struct vn_graph *g, uint32_t n_pkts, bool rcu_reader);

#endif
