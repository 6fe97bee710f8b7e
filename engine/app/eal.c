/*
 * EAL start-up from the config: lcores (main + workers, which may share a
 * CPU on small machines), memory (hugepages auto/on/off), a file prefix of
 * our own so several engines run side by side, and the devices of every
 * interface.
 *
 * DPDK's output is kept DPDK's business: every argument is built here from a
 * checked config (config_machine.c), so EAL's usage text has nothing to
 * complain about, and even so stdout is closed while the EAL parses; its log
 * lines go through vecnet's logger with the DPDK log type as subsystem.
 */
#define _GNU_SOURCE /* fopencookie */
#define VN_LOG_MOD "eal"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/engine_config.h"
#include "app/app.h"
#include "net/port_priv.h"
#include "app/machine.h"

#define VN_EAL_ARGS 256
#define VN_DPDK_LOG_TYPES 512

/* DPDK log type id -> name ("lib.eal", "pmd.net.af_packet"), from rte_log_dump:
 * 22.11 has no call that names one type. */
static char *dpdk_type_name[VN_DPDK_LOG_TYPES];
/* The first error DPDK logged in this start: the driver's reason comes
 * before the bus's and EAL's summaries of it. */
static char first_error[256];

static void
dpdk_types_read(void)
{
	char *text = NULL, *line, *save;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (m == NULL)
		return;
	rte_log_dump(m);
	fclose(m);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned id;
		char name[128];

		if (sscanf(line, " id %u: %127[^,]", &id, name) == 2 && id < VN_DPDK_LOG_TYPES &&
		    dpdk_type_name[id] == NULL)
			dpdk_type_name[id] = strdup(name);
	}
	free(text);
}

/* One DPDK message (it may come in several writes; a line ends it). Only
 * the stream's write touches it, and glibc holds the stream's lock for a
 * whole rte_log call, so threads that log do not interleave here. */
static char pending[1024];
static size_t pending_len;

static void
dpdk_log_line(const char *text)
{
	int lvl = rte_log_cur_msg_loglevel(), type = rte_log_cur_msg_logtype();
	/* RTE_LOG_* are unsigned. */
	uint32_t ul = lvl < 0 ? RTE_LOG_DEBUG : (uint32_t)lvl;
	const char *name = type >= 0 && type < VN_DPDK_LOG_TYPES && dpdk_type_name[type]
				   ? dpdk_type_name[type]
				   : "dpdk";
	enum vn_log_level vl = ul <= RTE_LOG_ERR       ? VN_LOG_ERROR
			       : ul <= RTE_LOG_WARNING ? VN_LOG_WARNING
			       : ul <= RTE_LOG_NOTICE  ? VN_LOG_INFO
						       : VN_LOG_DEBUG;
	char mod[160];

	if (vl == VN_LOG_ERROR && first_error[0] == '\0')
		snprintf(first_error, sizeof(first_error), "%.*s", (int)sizeof(first_error) - 1, text);
	if (vl > vn_log_level)
		return;
	snprintf(mod, sizeof(mod), "dpdk:%s", name);
	vn_log_emit(vl, mod, "", 0, "%s", text);
}

static ssize_t
dpdk_log_write(void *cookie, const char *buf, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		if (buf[i] == '\n' || pending_len == sizeof(pending) - 1) {
			pending[pending_len] = '\0';
			if (pending_len > 0)
				dpdk_log_line(pending);
			pending_len = 0;
			if (buf[i] == '\n')
				continue;
		}
		pending[pending_len++] = buf[i];
	}
	return (ssize_t)size;
}

const char *
vn_eal_first_error(void)
{
	return first_error;
}

/* DPDK logs to vecnet's logger from here on, at the engine's level. */
static void
dpdk_log_to_vecnet(enum vn_log_level level)
{
	static const cookie_io_functions_t io = {.write = dpdk_log_write};
	static FILE *stream;
	static const uint32_t dpdk_level[] = {[VN_LOG_ERROR] = RTE_LOG_ERR,
					 [VN_LOG_WARNING] = RTE_LOG_WARNING,
					 [VN_LOG_INFO] = RTE_LOG_NOTICE,
					 [VN_LOG_DEBUG] = RTE_LOG_DEBUG};

	if (stream == NULL) {
		stream = fopencookie(NULL, "w", io);
		if (stream == NULL)
			return;
		setvbuf(stream, NULL, _IONBF, 0);
		dpdk_types_read();
	}
	rte_openlog_stream(stream);
	/* Errors are always seen by the hook, for a failed probe's reason. */
	rte_log_set_global_level(level == VN_LOG_ERROR ? RTE_LOG_ERR : dpdk_level[level]);
}

static bool
hugepages_available(const struct vn_config *cfg)
{
	struct vn_hugepage_size sz[4];
	uint32_t n = vn_hugepage_sizes(sz, 4);
	long free_mb = 0;

	for (uint32_t i = 0; i < n; i++)
		free_mb += sz[i].free * (sz[i].kb / 1024);
	/* EAL also needs a hugetlbfs mount. */
	return free_mb >= (long)vn_engine_hugepage_mb(cfg->buffers, cfg->ip6_routes) &&
	       vn_hugetlbfs_mounted(NULL, 0);
}

static void
runtime_dir(char *out, size_t size)
{
	const char *base = getuid() == 0 ? "/var/run" : getenv("XDG_RUNTIME_DIR");

	snprintf(out, size, "%s/dpdk/vecnet-%d", base ? base : "/tmp", (int)getpid());
}

/* The EAL leaves its runtime directory behind (its telemetry socket, and
 * its config files if init failed half-way). It is ours alone (vecnet-PID):
 * remove it, and nothing else. */
void
vn_eal_remove_runtime_dir(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	struct dirent *e;
	DIR *d;

	runtime_dir(dir, sizeof(dir));
	if (!(d = opendir(dir)))
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path))
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

int
vn_eal_start(const struct vn_config *cfg, const char *prog)
{
	static char buf[VN_EAL_ARGS][1100];
	char *argv[VN_EAL_ARGS];
	int argc = 0, rc, saved_stdout;
	bool any_pci = false, use_huge;
	char lcores[1024], pci[32];
	size_t off;

#define ARG(...) (snprintf(buf[argc], sizeof(buf[0]), __VA_ARGS__), argv[argc] = buf[argc], argc++)
	ARG("%s", prog);
	off = snprintf(lcores, sizeof(lcores), "0@%d", cfg->main_core);
	for (uint32_t i = 0; i < cfg->n_workers && off < sizeof(lcores); i++) {
		for (uint32_t j = 0; j < i; j++)
			if (cfg->workers[j] == cfg->workers[i])
				VN_WARN("workers %u and %u share CPU %d", j, i, cfg->workers[i]);
		off += snprintf(lcores + off, sizeof(lcores) - off, ",%u@%d", i + 1, cfg->workers[i]);
	}
	ARG("--lcores");
	ARG("%s", lcores);
	ARG("--main-lcore");
	ARG("0");
	use_huge = cfg->hugepages == VN_HUGEPAGES_ON ||
		   (cfg->hugepages == VN_HUGEPAGES_AUTO && hugepages_available(cfg));
	/* A prefix of our own, so engines run side by side and the runtime
	 * directory is known to be ours to remove. In memory with hugepages: no
	 * hugepage files on disk. --no-huge implies legacy memory, which
	 * --in-memory refuses; --no-shconf does the same job. */
	ARG("--file-prefix");
	ARG("vecnet-%d", (int)getpid());
	if (use_huge) {
		ARG("--in-memory");
	} else {
		ARG("--no-shconf");
		ARG("--no-huge");
		ARG("-m");
		ARG("%u", vn_engine_memory_mb(cfg->buffers, cfg->ip6_routes));
	}
	for (uint32_t i = 0; i < cfg->n_interfaces && argc < VN_EAL_ARGS - 4; i++) {
		const char *dev = cfg->interfaces[i].device;
		if (vn_device_is_own(dev))
			continue; /* vecnet's own driver, not EAL's */
		if (vn_pci_normalise(dev, pci, sizeof(pci))) {
			any_pci = true;
			ARG("-a");
		} else {
			ARG("--vdev");
		}
		ARG("%s", dev);
	}
	if (!any_pci)
		ARG("--no-pci");
#undef ARG
	dpdk_log_to_vecnet(cfg->log_level);
	VN_INFO("EAL: %s, %u worker(s), lcores %s", use_huge ? "hugepages" : "no hugepages",
		cfg->n_workers, lcores);
	/* EAL prints its usage on stdout when it refuses an argument. */
	fflush(stdout);
	saved_stdout = dup(STDOUT_FILENO);
	if (saved_stdout >= 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			close(null);
		}
	}
	rc = rte_eal_init(argc, argv);
	fflush(stdout);
	if (saved_stdout >= 0) {
		dup2(saved_stdout, STDOUT_FILENO);
		close(saved_stdout);
	}
	if (rc < 0) {
		VN_ERR("EAL initialisation failed: %s%s%s", rte_strerror(rte_errno),
		       first_error[0] ? "; DPDK said: " : "", first_error);
		vn_eal_remove_runtime_dir();
		return -1;
	}
	return 0;
}
