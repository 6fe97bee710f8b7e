/*
 * `vecnet doctor`: is this machine ready to give a NIC and cores to vecnet,
 * and if not, what to run. Reads /proc and /sys only (no EAL), so it runs
 * anywhere, as any user, while other DPDK processes run. Each item ends in
 * "ok" or in a "->" line that says what to do; docs/tuning.md walks through it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "app/machine.h"

static int todo;

static void
advise(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
advise(FILE *out, const char *fmt, ...)
{
	va_list ap;

	todo++;
	fprintf(out, "  -> ");
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

static void
report_cpus(FILE *out)
{
	cpu_set_t online, aff, iso, nohz, rcu;
	char a[256], b[256], c[256], buf[256];
	const char *p;
	int n = 0, last = -1;

	vn_cpulist_read("/sys/devices/system/cpu/online", &online);
	vn_cpulist_read("/sys/devices/system/cpu/isolated", &iso);
	if (sched_getaffinity(0, sizeof(aff), &aff) < 0)
		aff = online;
	CPU_ZERO(&nohz);
	CPU_ZERO(&rcu);
	if ((p = vn_cmdline_param("nohz_full", buf, sizeof(buf))) != NULL)
		vn_cpulist_parse(p, &nohz);
	if ((p = vn_cmdline_param("rcu_nocbs", buf, sizeof(buf))) != NULL)
		vn_cpulist_parse(p, &rcu);
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &online)) {
			n++;
			last = i;
		}
	fprintf(out, "cpu: %d cores online (%s), this process may use %s\n", n,
		vn_cpulist_fmt(&online, a, sizeof(a)), vn_cpulist_fmt(&aff, b, sizeof(b)));
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &online))
			fprintf(out, "  cpu %d: numa node %d, %s%s%s\n", i, vn_cpu_numa_node(i),
				CPU_ISSET(i, &iso) ? "isolated (isolcpus)" : "shared with Linux",
				CPU_ISSET(i, &nohz) ? ", nohz_full" : "",
				CPU_ISSET(i, &rcu) ? ", rcu_nocbs" : "");
	fprintf(out, "  isolated: %s; nohz_full: %s; rcu_nocbs: %s\n",
		vn_cpulist_fmt(&iso, a, sizeof(a)), vn_cpulist_fmt(&nohz, b, sizeof(b)),
		vn_cpulist_fmt(&rcu, c, sizeof(c)));
	if (n < 2)
		advise(out, "one core: run with `workers: []` (the main thread forwards)");
	else if (CPU_COUNT(&iso) == 0)
		advise(out,
		       "no isolated core: for a worker on CPU %d add `isolcpus=%d nohz_full=%d "
		       "rcu_nocbs=%d` to the kernel command line (GRUB_CMDLINE_LINUX in "
		       "/etc/default/grub, then update-grub and reboot), and `workers: [%d]`",
		       last, last, last, last, last);
	else
		fprintf(out, "  ok: give the isolated cores to engine.workers\n");
}

static void
report_hugepages(FILE *out)
{
	struct vn_hugepage_size sz[4];
	uint32_t n = vn_hugepage_sizes(sz, 4), need = vn_engine_hugepage_mb(16384, VN_CFG_IP6_ROUTES_DEF);
	char mnt[256], path[PATH_MAX], val[32];
	long free_mb = 0;
	bool mounted = vn_hugetlbfs_mounted(mnt, sizeof(mnt));

	fprintf(out, "hugepages:\n");
	if (n == 0)
		fprintf(out, "  none: the kernel has no hugepage support\n");
	for (uint32_t i = 0; i < n; i++) {
		fprintf(out, "  %u MB pages: %ld reserved, %ld free", sz[i].kb / 1024, sz[i].total,
			sz[i].free);
		for (int node = 0; node < 64; node++) {
			snprintf(path, sizeof(path),
				 "/sys/devices/system/node/node%d/hugepages/hugepages-%ukB/nr_hugepages",
				 node, sz[i].kb);
			if (!vn_sysfs_read(path, val, sizeof(val)))
				continue;
			fprintf(out, "; node %d: %s", node, val);
		}
		fputc('\n', out);
		free_mb += sz[i].free * (sz[i].kb / 1024);
	}
	fprintf(out, "  hugetlbfs: %s%s\n", mounted ? "mounted on " : "not mounted",
		mounted ? mnt : "");
	if (free_mb < (long)need)
		advise(out,
		       "%ld MB free, %u MB wanted for the default 16384 buffers: `echo %u > "
		       "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages` (lasting: "
		       "vm.nr_hugepages=%u in /etc/sysctl.d/), or run with `hugepages: off`",
		       free_mb, need, (need + 1) / 2, (need + 1) / 2);
	if (!mounted)
		advise(out, "mount them: `mkdir -p /dev/hugepages && mount -t hugetlbfs nodev "
			    "/dev/hugepages`");
	if (free_mb >= (long)need && mounted)
		fprintf(out, "  ok: `hugepages: on` will start\n");
}

static void
report_iommu(FILE *out)
{
	DIR *d = opendir("/sys/class/iommu");
	struct dirent *e;
	bool iommu = false, vfio = access("/sys/bus/pci/drivers/vfio-pci", F_OK) == 0;
	bool uio = access("/sys/bus/pci/drivers/uio_pci_generic", F_OK) == 0;
	char noiommu[8] = "";

	while (d && (e = readdir(d)) != NULL)
		iommu |= e->d_name[0] != '.';
	if (d)
		closedir(d);
	vn_sysfs_read("/sys/module/vfio/parameters/enable_unsafe_noiommu_mode", noiommu,
		      sizeof(noiommu));
	fprintf(out, "iommu: %s; vfio-pci: %s; uio_pci_generic: %s; noiommu mode: %s\n",
		iommu ? "on" : "off", vfio ? "loaded" : "not loaded", uio ? "loaded" : "not loaded",
		noiommu[0] == 'Y' ? "on" : "off");
	if (!iommu && noiommu[0] != 'Y' && !uio)
		advise(out,
		       "no IOMMU: turn it on (`intel_iommu=on iommu=pt` or `amd_iommu=on` on the "
		       "kernel command line), or without one: `modprobe vfio "
		       "enable_unsafe_noiommu_mode=1 && modprobe vfio-pci` (no DMA isolation)");
	else if (!vfio && !uio)
		advise(out, "load the driver: `modprobe vfio-pci`");
	else
		fprintf(out, "  ok: a NIC can be bound for DPDK\n");
}

/* Where the kernel sends the default route, from /proc/net/route. */
static bool
has_default_route(const char *ifn)
{
	FILE *f = fopen("/proc/net/route", "r");
	char line[256], name[64];
	unsigned dest;
	bool found = false;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %x", name, &dest) == 2 && dest == 0 && strcmp(name, ifn) == 0)
			found = true;
	if (f)
		fclose(f);
	return found;
}

/* The interface's addresses (IPv4, and IPv6 other than link-local). */
static const char *
addresses(const struct ifaddrs *all, const char *ifn, char *buf, size_t size)
{
	size_t off = 0;
	char a[INET6_ADDRSTRLEN];

	buf[0] = '\0';
	for (const struct ifaddrs *i = all; i && off < size; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, ifn) != 0)
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, sizeof(a));
		else if (i->ifa_addr->sa_family == AF_INET6 &&
			 !IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr))
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, a,
				  sizeof(a));
		else
			continue;
		off += snprintf(buf + off, size - off, "%s%s", off ? " " : "", a);
	}
	return buf;
}

static void
report_irqs(FILE *out, const char *pci)
{
	char path[PATH_MAX], aff[128];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/msi_irqs", pci);
	if ((d = opendir(path)) == NULL)
		return;
	fprintf(out, "    irqs:");
	while ((e = readdir(d)) != NULL && n < 16) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/irq/%s/smp_affinity_list", e->d_name);
		if (vn_sysfs_read(path, aff, sizeof(aff))) {
			fprintf(out, " %s->cpu %s", e->d_name, aff);
			n++;
		}
	}
	closedir(d);
	fprintf(out, "%s\n", n ? "" : " none");
}

static void
report_netdevs(FILE *out)
{
	struct ifaddrs *all = NULL;
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;
	char path[PATH_MAX], pci[32], drv[64], node[16], state[32], addrs[512];
	int free_nics = 0;

	getifaddrs(&all);
	fprintf(out, "network devices:\n");
	while (d && (e = readdir(d)) != NULL) {
		const char *ifn = e->d_name;
		bool is_pci, route;

		if (ifn[0] == '.')
			continue;
		is_pci = vn_netdev_pci(ifn, pci, sizeof(pci));
		snprintf(path, sizeof(path), "/sys/class/net/%s/operstate", ifn);
		if (!vn_sysfs_read(path, state, sizeof(state)))
			snprintf(state, sizeof(state), "unknown");
		addresses(all, ifn, addrs, sizeof(addrs));
		route = has_default_route(ifn);
		if (!is_pci) {
			fprintf(out, "  %s: virtual (no PCI device), link %s%s%s\n", ifn, state,
				addrs[0] ? ", addresses " : "", addrs);
			continue;
		}
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", pci);
		if (!vn_sysfs_link_name(path, drv, sizeof(drv)))
			snprintf(drv, sizeof(drv), "none");
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/numa_node", pci);
		if (!vn_sysfs_read(path, node, sizeof(node)))
			snprintf(node, sizeof(node), "-1");
		fprintf(out, "  %s: pci %s, driver %s, numa node %s, link %s, addresses %s%s\n", ifn,
			pci, drv, node, state, addrs[0] ? addrs : "none",
			route ? ", default route" : "");
		report_irqs(out, pci);
		if (addrs[0] || route)
			fprintf(out, "    in use by Linux (%s): do not take this one\n",
				route ? "the default route goes out of it" : "it has addresses");
		else {
			free_nics++;
			fprintf(out,
				"    free: give it to vecnet with `ip link set %s down && "
				"dpdk-devbind.py --bind=vfio-pci %s` and `device: %s`\n",
				ifn, pci, pci);
		}
	}
	if (d)
		closedir(d);
	freeifaddrs(all);
	/* NICs already bound for DPDK have no Linux interface. */
	d = opendir("/sys/bus/pci/devices");
	while (d && (e = readdir(d)) != NULL) {
		char cls[32];

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/class", e->d_name);
		if (e->d_name[0] == '.' || !vn_sysfs_read(path, cls, sizeof(cls)) ||
		    strncmp(cls, "0x02", 4) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", e->d_name);
		if (!vn_sysfs_link_name(path, drv, sizeof(drv)) || !vn_pci_driver_usable(drv) ||
		    strncmp(drv, "mlx", 3) == 0)
			continue;
		free_nics++;
		fprintf(out, "  pci %s: bound to %s, ready for DPDK: `device: %s`\n", e->d_name,
			drv, e->d_name);
	}
	if (d)
		closedir(d);
	if (free_nics == 0)
		advise(out, "no NIC is free for DPDK: add one, or use `device: host:IFNAME` "
			    "(AF_PACKET on a Linux interface) for functional tests");
}

int
vn_doctor(const struct vn_config *cfg, FILE *out)
{
	int errors = 0;

	todo = 0;
	fprintf(out, "vecnet doctor: is this machine ready for vecnet?\n\n");
	report_cpus(out);
	fputc('\n', out);
	report_hugepages(out);
	fputc('\n', out);
	report_iommu(out);
	fputc('\n', out);
	report_netdevs(out);
	if (cfg != NULL) {
		fprintf(out, "\n%s:\n", cfg->file);
		errors = vn_config_machine_check(cfg, out);
		if (errors == 0)
			fprintf(out, "  ok: the file fits this machine\n");
	}
	fprintf(out, "\n%d thing%s to do%s\n", todo + errors, todo + errors == 1 ? "" : "s",
		todo + errors ? " (the -> lines and errors above)" : ": ready");
	return errors ? 1 : 0;
}
