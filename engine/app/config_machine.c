/*
 * The file against the machine: CPUs that exist and that this process may
 * run on, hugepages for `hugepages: on`, the Linux interfaces and PCI devices
 * the interfaces name, the CLI socket's directory, the plugin directory and
 * the exec files. Run by `--check`, at start and by `vecnet doctor -c`.
 * Each problem is reported FILE:LINE:COL with what to do about it; a
 * warning (the engine starts anyway) says "warning:" and is not counted.
 */
#define _GNU_SOURCE /* CPU_SET, sched_getaffinity */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "app/machine.h"
#include "core/config_priv.h"
#include "core/plugin_priv.h"

static void
warn_at(struct vn_cfg_errors *e, const struct vn_cfg_node *at, const char *fmt, ...)
{
	va_list ap;

	if (e->stream == NULL)
		return;
	if (at != NULL)
		fprintf(e->stream, "%s:%d:%d: warning: ", e->file, at->line, at->col);
	else
		fprintf(e->stream, "%s: warning: ", e->file);
	va_start(ap, fmt);
	vfprintf(e->stream, fmt, ap);
	va_end(ap);
	fputc('\n', e->stream);
}

/* The n-th item of a list node, for positions. */
static const struct vn_cfg_node *
item(const struct vn_cfg_node *seq, uint32_t n)
{
	const struct vn_cfg_node *c = seq != NULL && seq->type == VN_CFG_SEQ ? seq->child : NULL;

	while (c != NULL && n-- > 0)
		c = c->next;
	return c;
}

struct cpus {
	cpu_set_t online, affinity, isolated;
	char online_s[256], affinity_s[256], isolated_s[256];
};

static void
check_cpu(struct vn_cfg_errors *e, const struct cpus *m, const struct vn_cfg_node *at,
	  const char *what, int cpu)
{
	if (cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &m->online)) {
		vn_cfg_error(e, at,
			     "%s: CPU %d does not exist; this machine has CPUs %s (isolated: %s); "
			     "pick one of those",
			     what, cpu, m->online_s, m->isolated_s);
	} else if (!CPU_ISSET(cpu, &m->affinity)) {
		vn_cfg_error(e, at,
			     "%s: CPU %d is outside this process's CPU affinity (%s)%s; pick one "
			     "of %s or start vecnet with `taskset -c %s,%d`",
			     what, cpu, m->affinity_s,
			     CPU_ISSET(cpu, &m->isolated) ? ", as isolcpus isolates it" : "",
			     m->affinity_s, m->affinity_s, cpu);
	}
}

static void
check_cores(struct vn_cfg_errors *e, const struct vn_cfg_node *root, const struct vn_config *cfg)
{
	const struct vn_cfg_node *engine = vn_cfg_map_get(root, "engine");
	const struct vn_cfg_node *main_n = vn_cfg_map_get(engine, "main-core");
	const struct vn_cfg_node *workers = vn_cfg_map_get(engine, "workers");
	struct cpus m;
	char what[64];

	if (vn_cpulist_read("/sys/devices/system/cpu/online", &m.online) < 0)
		return; /* no sysfs: nothing to say */
	vn_cpulist_read("/sys/devices/system/cpu/isolated", &m.isolated);
	if (sched_getaffinity(0, sizeof(m.affinity), &m.affinity) < 0)
		m.affinity = m.online;
	vn_cpulist_fmt(&m.online, m.online_s, sizeof(m.online_s));
	vn_cpulist_fmt(&m.affinity, m.affinity_s, sizeof(m.affinity_s));
	vn_cpulist_fmt(&m.isolated, m.isolated_s, sizeof(m.isolated_s));
	check_cpu(e, &m, main_n, "engine.main-core", cfg->main_core);
	for (uint32_t i = 0; i < cfg->n_workers; i++) {
		const struct vn_cfg_node *at = item(workers, i);

		snprintf(what, sizeof(what), "engine.workers[%u]", i);
		check_cpu(e, &m, at, what, cfg->workers[i]);
		if (!CPU_ISSET(cfg->workers[i], &m.affinity))
			continue;
		if (cfg->workers[i] == cfg->main_core)
			warn_at(e, at,
				"%s: CPU %d is also engine.main-core: the worker shares the control "
				"thread's core (fine for a lab, slower under load)",
				what, cfg->workers[i]);
		else if (CPU_COUNT(&m.isolated) > 0 && !CPU_ISSET(cfg->workers[i], &m.isolated))
			warn_at(e, at, "%s: CPU %d is not isolated (isolcpus covers %s)", what,
				cfg->workers[i], m.isolated_s);
	}
}

static void
check_hugepages(struct vn_cfg_errors *e, const struct vn_cfg_node *root,
		const struct vn_config *cfg)
{
	const struct vn_cfg_node *at = vn_cfg_map_get(vn_cfg_map_get(root, "engine"), "hugepages");
	struct vn_hugepage_size sz[4];
	uint32_t n = vn_hugepage_sizes(sz, 4), mb = vn_engine_hugepage_mb(cfg->buffers, cfg->ip6_routes);
	long free_mb = 0, pages2m = (mb + 1) / 2;
	char have[256];
	size_t off = 0;

	if (cfg->hugepages != VN_HUGEPAGES_ON)
		return;
	have[0] = '\0';
	for (uint32_t i = 0; i < n; i++) {
		free_mb += sz[i].free * (sz[i].kb / 1024);
		off += snprintf(have + off, sizeof(have) - off, "%s%u MB pages: %ld free of %ld",
				off ? ", " : "", sz[i].kb / 1024, sz[i].free, sz[i].total);
	}
	if ((uint32_t)free_mb < mb)
		vn_cfg_error(e, at,
			     "engine.hugepages: 'on' needs %u MB of hugepages for %u buffers and "
			     "the FIB, %ld MB are free (%s); reserve %ld pages of 2 MB: `echo %ld > "
			     "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages` (and mount "
			     "them: `mkdir -p /dev/hugepages && mount -t hugetlbfs nodev "
			     "/dev/hugepages`), or set hugepages: auto",
			     mb, cfg->buffers, free_mb, n ? have : "no hugepage support", pages2m,
			     pages2m);
	else if (!vn_hugetlbfs_mounted(NULL, 0))
		vn_cfg_error(e, at,
			     "engine.hugepages: 'on' needs a hugetlbfs mount and none is mounted; "
			     "`mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages`");
}

static void
check_pci(struct vn_cfg_errors *e, const struct vn_cfg_node *at, const char *what,
	  const char *pci, const struct vn_config *cfg)
{
	char path[PATH_MAX], drv[64], node_s[16];
	int node;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", pci);
	if (access(path, F_OK) != 0) {
		vn_cfg_error(e, at,
			     "%s: no PCI device %s on this machine; `dpdk-devbind.py --status` or "
			     "`vecnet doctor` lists the network devices",
			     what, pci);
		return;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", pci);
	if (!vn_sysfs_link_name(path, drv, sizeof(drv)))
		snprintf(drv, sizeof(drv), "no driver");
	if (!vn_pci_driver_usable(drv)) {
		char linux_if[64], note[160] = "";

		if (vn_pci_netdev(pci, linux_if, sizeof(linux_if)))
			snprintf(note, sizeof(note),
				 " (Linux has it as %s: `vecnet doctor` says whether it is in use)",
				 linux_if);
		vn_cfg_error(e, at,
			     "%s: PCI device %s is bound to %s, not to vfio-pci or uio_pci_generic; "
			     "give it to DPDK with `modprobe vfio-pci && dpdk-devbind.py "
			     "--bind=vfio-pci %s`%s",
			     what, pci, drv, pci, note);
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/numa_node", pci);
	node = vn_sysfs_read(path, node_s, sizeof(node_s)) ? atoi(node_s) : -1;
	for (uint32_t i = 0; node >= 0 && i < cfg->n_workers; i++) {
		int cn = vn_cpu_numa_node(cfg->workers[i]);
		if (cn >= 0 && cn != node) {
			warn_at(e, at,
				"%s: PCI device %s is on NUMA node %d, worker CPU %d on node %d: "
				"every packet crosses the interconnect; use CPUs of node %d",
				what, pci, node, cfg->workers[i], cn, node);
			break;
		}
	}
}

/* The value of ",key=" in a device string, into buf ("" if absent). */
static void
device_opt(const char *dev, const char *key, char *buf, size_t len)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), ",%s=", key);
	p = strstr(dev, pat);
	buf[0] = '\0';
	if (p)
		snprintf(buf, len, "%.*s", (int)strcspn(p + strlen(pat), ","), p + strlen(pat));
}

/* A tap's namespace and a memif's socket directory exist (engine/net/tap.c,
 * memif.c check the same when they create them). */
static void
check_vport(struct vn_cfg_errors *e, const struct vn_cfg_node *at, const char *what,
	    const char *dev)
{
	char v[PATH_MAX], path[PATH_MAX + 16], *slash;
	struct stat st;

	if (dev[0] == 't') {
		device_opt(dev, "host-ns", v, sizeof(v));
		snprintf(path, sizeof(path), strchr(v, '/') ? "%s" : "/run/netns/%s", v);
		if (v[0] && access(path, F_OK) != 0)
			vn_cfg_error(e, at, "%s: no network namespace '%s'; create it (`ip netns add %s`)",
				     what, v, v);
		return;
	}
	device_opt(dev, "socket", v, sizeof(v));
	if (!v[0] || strcmp(v, "/run/vpp/memif.sock") == 0)
		return; /* made when needed, as VPP does */
	if (v[0] != '/' || strlen(v) > 107) {
		vn_cfg_error(e, at, "%s: memif socket '%s' must be an absolute path of at most 107 "
				    "bytes",
			     what, v);
		return;
	}
	snprintf(path, sizeof(path), "%s", v);
	slash = strrchr(path, '/');
	*slash = '\0';
	if (path[0] && (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)))
		vn_cfg_error(e, at, "%s: the directory of memif socket '%s' does not exist", what, v);
}

static void
check_interfaces(struct vn_cfg_errors *e, const struct vn_cfg_node *root,
		 const struct vn_config *cfg)
{
	const struct vn_cfg_node *list = vn_cfg_map_get(root, "interfaces");
	char what[64], ifn[64], pci[32], path[PATH_MAX], names[512];

	for (uint32_t i = 0; i < cfg->n_interfaces; i++) {
		const struct vn_cfg_node *at = vn_cfg_map_get(item(list, i), "device");
		/* What the file says. */
		const char *dev = at && at->type == VN_CFG_SCALAR ? at->value : "";

		snprintf(what, sizeof(what), "interfaces[%u].device", i);
		if (vn_pci_normalise(dev, pci, sizeof(pci))) {
			check_pci(e, at, what, pci, cfg);
		} else if (strncmp(dev, "tap:", 4) == 0 || strncmp(dev, "memif:", 6) == 0) {
			check_vport(e, at, what, dev);
		} else if (vn_device_host_iface(dev, ifn, sizeof(ifn))) {
			snprintf(path, sizeof(path), "/sys/class/net/%s", ifn);
			if (ifn[0] == '\0' || strchr(ifn, '/') || access(path, F_OK) != 0)
				vn_cfg_error(e, at,
					     "%s: Linux has no interface '%s' (it has: %s); create it "
					     "(`ip link add %s type veth peer name %s-peer`) or name "
					     "one that exists",
					     what, ifn, vn_linux_ifaces(names, sizeof(names)), ifn, ifn);
		}
	}
}

/* The socket's directory exists or can be made: walk up to what exists. */
static void
check_socket(struct vn_cfg_errors *e, const struct vn_cfg_node *root, const struct vn_config *cfg)
{
	const struct vn_cfg_node *at = vn_cfg_map_get(vn_cfg_map_get(root, "cli"), "socket");
	char dir[PATH_MAX], *slash;
	struct stat st;

	if (strlen(cfg->cli_socket) > 107) {
		vn_cfg_error(e, at, "cli.socket: '%s' is longer than a socket path may be (107)",
			     cfg->cli_socket);
		return;
	}
	snprintf(dir, sizeof(dir), "%s", cfg->cli_socket);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		return; /* the current directory */
	*slash = '\0';
	while (dir[0] != '\0' && stat(dir, &st) != 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			break;
		slash = strrchr(dir, '/');
		if (slash == NULL)
			return;
		*slash = '\0';
	}
	if (dir[0] == '\0')
		return; /* the root */
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		vn_cfg_error(e, at,
			     "cli.socket: cannot create the directory of %s: %s is not a directory; "
			     "choose another socket path",
			     cfg->cli_socket, dir);
	else if (access(dir, W_OK | X_OK) != 0)
		vn_cfg_error(e, at,
			     "cli.socket: cannot create the directory of %s: %s is not writable "
			     "(%s); choose another socket path",
			     cfg->cli_socket, dir, strerror(errno));
}

static void
check_plugins(struct vn_cfg_errors *e, const struct vn_cfg_node *root, const struct vn_config *cfg)
{
	const struct vn_cfg_node *pl = vn_cfg_map_get(root, "plugins");
	const struct vn_cfg_node *path = vn_cfg_map_get(pl, "path");
	const struct vn_cfg_node *enable = vn_cfg_map_get(pl, "enable");
	struct stat st;
	char known[512];

	if (stat(cfg->plugins_path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		if (path != NULL)
			vn_cfg_error(e, path,
				     "plugins.path: no directory %s (relative paths start at the "
				     "config file's directory); give the directory of the "
				     "*_plugin.so files, or leave it out for the default",
				     cfg->plugins_path);
		else if (!cfg->plugins_all)
			vn_cfg_error(e, enable,
				     "plugins.enable: plugins are enabled but the default "
				     "directory %s does not exist; set plugins.path",
				     cfg->plugins_path);
		return;
	}
	for (uint32_t i = 0; !cfg->plugins_all && i < cfg->n_plugins_enable; i++)
		if (!vn_plugin_is_loaded(cfg->plugins_enable[i]))
			vn_cfg_error(e, item(enable, i),
				     "plugins.enable[%u]: no plugin '%s' loads from %s (there: %s)",
				     i, cfg->plugins_enable[i], cfg->plugins_path,
				     vn_plugins_list(cfg->plugins_path, known, sizeof(known)));
}

static void
check_exec(struct vn_cfg_errors *e, const struct vn_cfg_node *root, const struct vn_config *cfg)
{
	const struct vn_cfg_node *list = vn_cfg_map_get(root, "exec");
	struct stat st;

	for (uint32_t i = 0; i < cfg->n_exec; i++) {
		const struct vn_cfg_node *at = item(list, i);

		if (stat(cfg->exec[i], &st) != 0)
			vn_cfg_error(e, at,
				     "exec[%u]: %s: %s; exec takes files of CLI commands or .lua "
				     "scripts (relative to the config file), not commands",
				     i, cfg->exec[i], strerror(errno));
		else if (!S_ISREG(st.st_mode) || access(cfg->exec[i], R_OK) != 0)
			vn_cfg_error(e, at, "exec[%u]: %s is not a readable file", i, cfg->exec[i]);
	}
}

int
vn_config_machine_check(const struct vn_config *cfg, FILE *err)
{
	struct vn_cfg_errors e = {.file = cfg->file, .stream = err};

	check_cores(&e, cfg->root, cfg);
	check_hugepages(&e, cfg->root, cfg);
	check_interfaces(&e, cfg->root, cfg);
	check_socket(&e, cfg->root, cfg);
	check_plugins(&e, cfg->root, cfg);
	check_exec(&e, cfg->root, cfg);
	return e.count;
}
