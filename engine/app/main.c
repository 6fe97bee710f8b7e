/*
 * vecnet: start-up and the main thread. The main thread owns the control
 * plane (CLI, neighbour learning, timers) and forwards too when there are
 * no workers. SIGINT/SIGTERM stop everything and return every mbuf.
 */
#define VN_LOG_MOD "main"
#define _GNU_SOURCE /* dl_iterate_phdr */
#include <getopt.h>
#include <link.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_errno.h>
#include <rte_mempool.h>
#include <rte_version.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <limits.h>
#include <unistd.h>
#include <vecnet/cli.h>
#include <vecnet/net/fib.h>
#include <vecnet/handoff.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/plugin.h>
#include <vecnet/rcu.h>

#include "app/app.h"
#include "core/graph_priv.h"
#include "core/cli_priv.h"
#include "core/config_priv.h"
#include "core/plugin_priv.h"
#include "core/rcu_priv.h"
#include "core/worker_priv.h"
#include "net/fib_priv.h"
#include "net/link_priv.h"
#include "net/pcap_priv.h"
#include "net/port_priv.h"

static void
on_signal(int sig)
{
	(void)sig;
	vn_engine.running = false;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: vecnet -c FILE [--check]\n"
		   "       vecnet doctor [-c FILE]\n"
		   "       vecnet --schema | --version | --help\n"
		   "  -c, --config FILE  start the engine from a YAML config (docs/config.md)\n"
		   "      --check        check FILE, against this machine too, and exit\n"
		   "                     (0 valid, 1 invalid)\n"
		   "      doctor         is this machine ready for vecnet? what to do if not\n"
		   "      --schema       print the configuration reference (docs/config.md)\n"
		   "  -h, --help         this text\n"
		   "  -v, --version      vecnet's and DPDK's versions\n"
		   "exit: 0 ok, 1 invalid config or failed start, 2 usage error\n");
}

/* DPDK inside the executable or beside it (VN_DPDK_STATIC in CMakeLists.txt). */
static int
find_shared_eal(struct dl_phdr_info *info, size_t size, void *arg)
{
	return info->dlpi_name && strstr(info->dlpi_name, "/librte_eal.so") != NULL;
}

static void
print_version(void)
{
	/* rte_version() is "DPDK 22.11.x" already. */
	printf("vecnet %s\n%s (%s), plugin ABI %d\n", VN_VERSION, rte_version(),
	       dl_iterate_phdr(find_shared_eal, NULL) ? "shared libraries" : "linked statically",
	       VN_PLUGIN_ABI_VERSION);
}

/*
 * Plugins register config sections, so they load before the tree is validated:
 * read just `plugins:` from the raw tree.
 */
static void
load_plugins(const char *file, const struct vn_cfg_node *root)
{
	const struct vn_cfg_node *pl = vn_cfg_map_get(root, "plugins");
	const struct vn_cfg_node *en = pl ? vn_cfg_map_get(pl, "enable") : NULL;
	char dir[4096];
	char *names[64];
	uint32_t n = 0;
	bool all = en == NULL;

	vn_config_plugin_dir(file, root, dir, sizeof(dir));
	for (const struct vn_cfg_node *c = en && en->type == VN_CFG_SEQ ? en->child : NULL;
	     c && n < VN_ARRAY_LEN(names); c = c->next) {
		if (c->type != VN_CFG_SCALAR)
			continue;
		if (strcmp(c->value, "all") == 0)
			all = true;
		else
			names[n++] = c->value;
	}
	if (access(dir, F_OK) == 0)
		vn_plugins_load(dir, all, names, n);
}

/* Parses, loads the plugins it names, validates and checks FILE against the
 * machine; 0 with cfg filled, or -1 with the errors printed on stderr.
 * Quiet: the plugin loader reports only problems. */
static int
load_config(const char *file, struct vn_config *cfg, bool quiet)
{
	/* Parsed once: a million routes take a second to parse. */
	struct vn_cfg_node *root = vn_cfg_parse_file(file, stderr);

	if (root == NULL)
		return -1;
	/* The plugins load before the file is validated: at the level it asks
	 * for when that is readable already, so `loaded plugin` lines show. */
	vn_log_level = quiet ? VN_LOG_WARNING : VN_LOG_INFO;
	if (!quiet) {
		static const char *const levels[] = {[VN_LOG_ERROR] = "error",
						     [VN_LOG_WARNING] = "warning",
						     [VN_LOG_INFO] = "info",
						     [VN_LOG_DEBUG] = "debug"};
		const char *want =
		    vn_cfg_get_str(vn_cfg_map_get(root, "engine"), "log-level", "info");
		for (int l = VN_LOG_ERROR; l <= VN_LOG_DEBUG; l++)
			if (strcmp(want, levels[l]) == 0)
				vn_log_level = l;
	}
	load_plugins(file, root);
	if (vn_config_load_tree(file, root, cfg, stderr) < 0)
		return -1;
	if (vn_config_machine_check(cfg, stderr) > 0) {
		vn_config_free(cfg);
		return -1;
	}
	return 0;
}

/* Prints the configuration reference with every plugin beside the engine. */
static int
print_schema(void)
{
	char dir[4096];

	vn_log_level = VN_LOG_ERROR;
	vn_config_default_plugin_dir(dir, sizeof(dir));
	if (access(dir, F_OK) == 0)
		vn_plugins_load(dir, true, NULL, 0);
	vn_cfg_write_reference(stdout, vn_config_top_fields);
	return 0;
}

static int
doctor_main(int argc, char **argv)
{
	struct vn_config cfg;
	const char *file = NULL;
	int rc;

	if (argc == 3 && (strcmp(argv[1], "-c") == 0 || strcmp(argv[1], "--config") == 0))
		file = argv[2];
	else if (argc != 1) {
		usage(stderr);
		return 2;
	}
	vn_log_level = VN_LOG_ERROR; /* the plugin loader's lines are not the report */
	if (file == NULL)
		return vn_doctor(NULL, stdout);
	/* The report first, then what the file asks of the machine. */
	memset(&cfg, 0, sizeof(cfg));
	struct vn_cfg_node *root = vn_cfg_parse_file(file, stdout);
	if (root == NULL)
		return 1;
	load_plugins(file, root);
	if (vn_config_load_tree(file, root, &cfg, stdout) < 0)
		return 1;
	rc = vn_doctor(&cfg, stdout);
	vn_config_free(&cfg);
	return rc;
}

static int
start_workers(const struct vn_config *cfg)
{
	for (uint32_t i = 0; i < cfg->n_workers; i++) {
		struct vn_graph *g = vn_graph_create(i + 1);
		if (!g)
			return -1;
		vn_port_thread_txq[g->thread_index] = i;
		if (rte_eal_remote_launch(vn_worker_main, g, i + 1) != 0) {
			VN_ERR("cannot launch worker %u", i);
			return -1;
		}
	}
	return 0;
}

/* A worker whose loop has not come round for a second is stalled: say so once,
 * and again when it recovers (`show threads` shows the same state). */
static void
check_workers(uint64_t now, uint64_t hz)
{
	static bool stalled[VN_THREAD_MAX];

	for (uint32_t t = 1; t <= vn_engine.n_workers && t <= VN_CFG_MAX_WORKERS; t++) {
		const struct vn_graph *g = vn_graph_at(t);
		uint64_t hb = g ? __atomic_load_n(&vn_graph_rt(g)->heartbeat_tsc, __ATOMIC_RELAXED) : 0;
		bool late = hb && now > hb && now - hb > hz;
		if (late && !stalled[t])
			VN_WARN("worker %u stalled: no loop for %.1f s", t - 1,
				(double)(now - hb) / hz);
		else if (!late && stalled[t])
			VN_INFO("worker %u running again", t - 1);
		stalled[t] = late;
	}
}

/* The main loop: control work, and forwarding when there are no workers. */
static void
main_loop(struct vn_graph *g)
{
	uint64_t hz = rte_get_tsc_hz(), next_ctl = 0, next_check = 0;

	while (vn_engine.running) {
		uint64_t now = rte_rdtsc();
		if (g) {
			uint32_t n = vn_graph_run_once(g);
			vn_graph_rt(g)->heartbeat_tsc = now;
			if (n) {
				vn_graph_rt(g)->last_active_tsc = now;
				if (now < next_ctl)
					continue;
			} else if (vn_engine.poll == VN_POLL_ADAPTIVE &&
				   now - vn_graph_rt(g)->last_active_tsc > hz / 1000) {
				/* Idle: block in the CLI poll instead of spinning. */
				vn_cli_server_poll(1);
				vn_neighbor_process_learned();
				vn_pcap_poll();
				vn_link_poll();
				continue;
			} else if (now < next_ctl) {
				continue;
			}
			vn_cli_server_poll(0);
		} else {
			vn_cli_server_poll(10);
		}
		vn_neighbor_process_learned();
		vn_pcap_poll();
		vn_link_poll();
		if (now >= next_check) {
			check_workers(now, hz);
			next_check = now + hz;
		}
		next_ctl = now + hz / 1000; /* control work about every millisecond */
	}
}

/* The packet pool, and the GSO super-frame pool if host interfaces made it. */
static bool
buffers_all_returned(void)
{
	const struct rte_mempool *pools[] = {vn_pktmbuf_pool, rte_mempool_lookup("vn_gso")};
	const char *what[] = {"buffers", "GSO buffers"};
	bool all = true;

	for (size_t i = 0; i < RTE_DIM(pools); i++) {
		if (!pools[i])
			continue;
		unsigned avail = rte_mempool_avail_count(pools[i]), size = pools[i]->size;
		if (avail == size) {
			VN_INFO("%s: all %u returned to the pool", what[i], size);
			continue;
		}
		VN_ERR("%s: %u of %u returned to the pool (%u leaked)", what[i], avail, size,
		       size - avail);
		all = false;
	}
	return all;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'}, {"check", no_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},	  {"version", no_argument, NULL, 'v'},
		{"schema", no_argument, NULL, 's'},	  {NULL, 0, NULL, 0},
	};
	struct vn_config cfg;
	const char *file = NULL;
	bool check_only = false, leak_free;
	struct vn_graph *main_graph = NULL;
	int opt, rc = 1;

	if (argc >= 2 && strcmp(argv[1], "doctor") == 0)
		return doctor_main(argc - 1, argv + 1);
	opterr = 0; /* our own message, then the usage */
	while ((opt = getopt_long(argc, argv, ":c:hv", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			file = optarg;
			break;
		case 'k':
			check_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			print_version();
			return 0;
		case 's':
			return print_schema();
		case ':':
			fprintf(stderr, "vecnet: %s needs an argument\n", argv[optind - 1]);
			usage(stderr);
			return 2;
		default:
			fprintf(stderr, "vecnet: unknown option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vecnet: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!file) {
		fprintf(stderr, "vecnet: no config file: give -c FILE\n");
		usage(stderr);
		return 2;
	}
	/* --check says only what is wrong (and that the file is valid). */
	if (load_config(file, &cfg, check_only) < 0)
		return 1;
	if (check_only) {
		printf("%s: valid\n", file);
		vn_config_free(&cfg);
		return 0;
	}
	vn_log_level = cfg.log_level;
	vn_engine.poll = cfg.poll;
	vn_engine.n_workers = cfg.n_workers;
	vn_engine.running = true;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	if (vn_eal_start(&cfg, argv[0]) < 0)
		goto out_cfg;
	vn_engine.start_tsc = rte_rdtsc();
	/* The largest per-lcore cache: a vector of 256 received and freed per
	 * loop must come from and go back to the cache, not the shared ring. */
	vn_pktmbuf_pool = rte_pktmbuf_pool_create("vn_pkts", cfg.buffers,
						  RTE_MEMPOOL_CACHE_MAX_SIZE, VN_BUF_PRIV_SIZE,
						  RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (!vn_pktmbuf_pool) {
		VN_ERR("cannot create a pool of %u buffers: %s", cfg.buffers, rte_strerror(rte_errno));
		goto out_eal;
	}
	vn_fib6_set_max(cfg.ip6_routes);
	if (vn_rcu_init(VN_THREAD_MAX) < 0 || vn_fib_init(cfg.ip4_routes) < 0 ||
	    vn_neighbor_init() < 0)
		goto out_eal;
	vn_engine.n_fwd = cfg.n_workers ? cfg.n_workers : 1;
	for (uint32_t i = 0; i < vn_engine.n_fwd; i++)
		vn_engine.fwd_thread[i] = cfg.n_workers ? i + 1 : 0;
	vn_port_set_tx_queues(vn_engine.n_fwd);
	vn_plugins_init();
	if (vn_config_create_interfaces(&cfg) < 0)
		goto out_ports;
	if (vn_rxq_place(vn_engine.n_fwd, vn_engine.fwd_thread) < 0)
		goto out_ports;
	if (vn_config_early(&cfg) < 0)
		goto out_ports;
	if (vn_graph_build() < 0 || vn_handoff_init(vn_engine.n_fwd, vn_engine.fwd_thread) < 0)
		goto out_ports;
	if (!cfg.n_workers) {
		main_graph = vn_graph_create(0);
		if (!main_graph)
			goto out_ports;
		vn_graph_set_self(main_graph);
	}
	if (vn_config_apply(&cfg) < 0)
		goto out_ports;
	if (vn_cli_server_start(cfg.cli_socket) < 0)
		goto out_ports;
	if (start_workers(&cfg) < 0) {
		vn_engine.running = false;
		goto out_workers;
	}
	if (vn_config_start(&cfg) < 0) {
		vn_engine.running = false;
		goto out_workers;
	}
	if (vn_config_exec(&cfg) < 0)
		VN_WARN("an exec: file failed; the engine keeps running with what was applied");
	VN_INFO("vecnet %s running: %u interface(s), %u worker(s), CLI on %s", VN_VERSION,
		vn_interface_count(), cfg.n_workers, cfg.cli_socket);
	main_loop(main_graph);
	rc = 0;
	VN_INFO("stopping");
out_workers:
	rte_eal_mp_wait_lcore();
	vn_cli_server_stop();
out_ports:
	vn_pcap_fini(); /* workers have stopped: nobody posts copies any more */
	for (uint32_t t = 0; t < vn_graph_count(); t++)
		if (vn_graph_at(t))
			vn_graph_destroy(vn_graph_at(t));
	vn_handoff_fini();
	vn_interface_close_all();
	leak_free = buffers_all_returned();
	if (!leak_free && rc == 0)
		rc = 3;
	vn_plugins_exit();
	vn_neighbor_fini();
	vn_fib_fini();
out_eal:
	rte_eal_cleanup();
	vn_eal_remove_runtime_dir();
out_cfg:
	vn_config_free(&cfg);
	return rc;
}
