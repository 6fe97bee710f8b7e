/*
 * EAL start-up from the config: lcores (main + workers, which may share a
 * CPU on small machines), memory (hugepages auto/on/off), in-memory mode so
 * several engines run side by side, and the devices of every interface.
 */
#define VN_LOG_MOD "eal"
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

#define VN_EAL_ARGS 256

static bool
hugepages_available(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	long n = 0;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = 0;
		fclose(f);
	}
	/* EAL also needs a hugetlbfs mount; look for one. */
	if (n >= 64) {
		FILE *m = fopen("/proc/mounts", "r");
		char line[512];
		bool mounted = false;
		while (m && fgets(line, sizeof(line), m))
			if (strstr(line, " hugetlbfs "))
				mounted = true;
		if (m)
			fclose(m);
		return mounted;
	}
	return false;
}

static bool
is_pci_address(const char *dev)
{
	unsigned a, b, c, d;

	return sscanf(dev, "%x:%x:%x.%x", &a, &b, &c, &d) == 4 || sscanf(dev, "%x:%x.%x", &b, &c, &d) == 3;
}

int
vn_eal_start(const struct vn_config *cfg, const char *prog)
{
	static char buf[VN_EAL_ARGS][1100];
	char *argv[VN_EAL_ARGS];
	int argc = 0;
	bool any_pci = false, use_huge;
	char lcores[1024];
	size_t off;

#define ARG(...) (snprintf(buf[argc], sizeof(buf[0]), __VA_ARGS__), argv[argc] = buf[argc], argc++)
	ARG("%s", prog);
	off = snprintf(lcores, sizeof(lcores), "0@%d", cfg->main_core);
	for (uint32_t i = 0; i < cfg->n_workers && off < sizeof(lcores); i++) {
		if (cfg->workers[i] == cfg->main_core)
			VN_WARN("worker %u shares CPU %d with the main thread", i, cfg->main_core);
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
		   (cfg->hugepages == VN_HUGEPAGES_AUTO && hugepages_available());
	/* Nothing shared on disk, so engines run side by side. --no-huge implies
	 * legacy memory, which --in-memory refuses; --no-shconf does the same job. */
	if (use_huge) {
		ARG("--in-memory");
	} else {
		ARG("--no-shconf");
		ARG("--file-prefix");
		ARG("vecnet-%d", (int)getpid());
		ARG("--no-huge");
		ARG("-m");
		/* MB: FIB tables and mbufs; anonymous memory is only touched as used. */
		ARG("%u", 1024 + cfg->buffers / 256);
	}
	for (uint32_t i = 0; i < cfg->n_interfaces && argc < VN_EAL_ARGS - 4; i++) {
		const char *dev = cfg->interfaces[i].device;
		if (vn_device_is_own(dev))
			continue; /* vecnet's own driver, not EAL's */
		if (is_pci_address(dev)) {
			any_pci = true;
			ARG("-a");
		} else {
			ARG("--vdev");
		}
		ARG("%s", dev);
	}
	if (!any_pci)
		ARG("--no-pci");
	ARG("--log-level");
	ARG("%s", cfg->log_level >= VN_LOG_DEBUG ? "info" : "error");
#undef ARG
	VN_INFO("EAL: %s, %u worker(s), lcores %s", use_huge ? "hugepages" : "no hugepages",
		cfg->n_workers, lcores);
	if (rte_eal_init(argc, argv) < 0) {
		VN_ERR("EAL initialisation failed: %s", rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}
