/*
 * Facts about the machine from /proc and /sys (machine.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/machine.h"

int
vn_cpulist_parse(const char *s, cpu_set_t *set)
{
	CPU_ZERO(set);
	while (*s != '\0' && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b;

		if (end == s)
			return -1;
		b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (long c = a; c <= b && c < CPU_SETSIZE; c++)
			CPU_SET(c, set);
		s = *end == ',' ? end + 1 : end;
		if (*end != ',' && *end != '\0' && *end != '\n')
			return -1;
	}
	return 0;
}

int
vn_cpulist_read(const char *path, cpu_set_t *set)
{
	char buf[4096];

	CPU_ZERO(set);
	if (!vn_sysfs_read(path, buf, sizeof(buf)))
		return -1;
	return vn_cpulist_parse(buf, set);
}

const char *
vn_cpulist_fmt(const cpu_set_t *set, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int c = 0; c < CPU_SETSIZE && off < size; c++) {
		int e = c;

		if (!CPU_ISSET(c, set))
			continue;
		while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, set))
			e++;
		off += e > c ? snprintf(buf + off, size - off, "%s%d-%d", off ? "," : "", c, e)
			     : snprintf(buf + off, size - off, "%s%d", off ? "," : "", c);
		c = e;
	}
	if (buf[0] == '\0')
		snprintf(buf, size, "none");
	return buf;
}

const char *
vn_cmdline_param(const char *name, char *buf, size_t size)
{
	char line[4096], *tok, *save;
	size_t n = strlen(name);

	if (!vn_sysfs_read("/proc/cmdline", line, sizeof(line)))
		return NULL;
	for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (strncmp(tok, name, n) == 0 && (tok[n] == '=' || tok[n] == '\0')) {
			snprintf(buf, size, "%s", tok[n] == '=' ? tok + n + 1 : "");
			return buf;
		}
	}
	return NULL;
}

int
vn_cpu_numa_node(int cpu)
{
	char path[128];
	struct dirent *e;
	DIR *d;
	int node = -1;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", cpu);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "node", 4) == 0 && e->d_name[4] >= '0' && e->d_name[4] <= '9')
			node = atoi(e->d_name + 4);
	closedir(d);
	return node;
}

static long
read_long(const char *path)
{
	char buf[64];

	return vn_sysfs_read(path, buf, sizeof(buf)) ? strtol(buf, NULL, 10) : 0;
}

uint32_t
vn_hugepage_sizes(struct vn_hugepage_size *out, uint32_t max)
{
	DIR *d = opendir("/sys/kernel/mm/hugepages");
	struct dirent *e;
	char path[PATH_MAX];
	uint32_t n = 0;

	while (d && (e = readdir(d)) != NULL && n < max) {
		unsigned kb;

		if (sscanf(e->d_name, "hugepages-%ukB", &kb) != 1)
			continue;
		out[n].kb = kb;
		snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/%s/nr_hugepages", e->d_name);
		out[n].total = read_long(path);
		snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/%s/free_hugepages", e->d_name);
		out[n].free = read_long(path);
		n++;
	}
	if (d)
		closedir(d);
	/* Smallest first, as people write them: 2 MB then 1 GB. */
	for (uint32_t i = 1; i < n; i++)
		for (uint32_t j = i; j > 0 && out[j - 1].kb > out[j].kb; j--) {
			struct vn_hugepage_size t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

bool
vn_hugetlbfs_mounted(char *dir, size_t size)
{
	FILE *m = fopen("/proc/mounts", "r");
	char line[512], mnt[256], type[64];
	bool found = false;

	while (m && !found && fgets(line, sizeof(line), m))
		if (sscanf(line, "%*s %255s %63s", mnt, type) == 2 && strcmp(type, "hugetlbfs") == 0) {
			found = true;
			if (dir)
				snprintf(dir, size, "%s", mnt);
		}
	if (m)
		fclose(m);
	return found;
}

/* The IPv6 FIB beyond its default size (engine.ip6-routes): LPM groups (one
 * 1 KB group per four routes, and a byte an entry on the writer's side) and
 * the route hash, some 600 bytes a route with room, allocated at start. */
static uint32_t
fib6_extra_mb(uint32_t ip6_routes)
{
	return ip6_routes > (1u << 18) ? (uint32_t)(((uint64_t)ip6_routes - (1u << 18)) * 600 >> 20)
				       : 0;
}

uint32_t
vn_engine_memory_mb(uint32_t buffers, uint32_t ip6_routes)
{
	/* A ceiling for anonymous memory (touched only as used): the FIB's
	 * tables, the buffers and room for plugin tables. */
	return 1024 + buffers / 256 + fib6_extra_mb(ip6_routes);
}

uint32_t
vn_engine_hugepage_mb(uint32_t buffers, uint32_t ip6_routes)
{
	/* What is allocated at start: the FIB's DIR-24-8 tables (~130 MB), the
	 * buffers (~2.5 KB each with their headers) and rings, caches and small
	 * tables around them, and a larger IPv6 table. */
	return 256 + (uint32_t)(((uint64_t)buffers * 2560 + (1 << 20) - 1) >> 20) +
	       fib6_extra_mb(ip6_routes);
}

bool
vn_pci_normalise(const char *dev, char *out, size_t size)
{
	unsigned dom = 0, bus, slot, fn;
	int n = 0;

	if (sscanf(dev, "%x:%x:%x.%x%n", &dom, &bus, &slot, &fn, &n) == 4 && dev[n] == '\0')
		;
	else if (dom = 0, n = 0, sscanf(dev, "%x:%x.%x%n", &bus, &slot, &fn, &n) == 3 &&
				     dev[n] == '\0')
		;
	else
		return false;
	snprintf(out, size, "%04x:%02x:%02x.%x", dom, bus, slot, fn);
	return true;
}

bool
vn_device_host_iface(const char *dev, char *out, size_t size)
{
	const char *p;
	size_t n;

	if (strncmp(dev, "host:", 5) == 0) {
		snprintf(out, size, "%s", dev + 5);
		return true;
	}
	for (p = strchr(dev, ','); p != NULL; p = strchr(p + 1, ',')) {
		if (strncmp(p + 1, "iface=", 6) == 0) {
			n = strcspn(p + 7, ",");
			snprintf(out, size, "%.*s", (int)n, p + 7);
			return true;
		}
	}
	return false;
}

bool
vn_sysfs_read(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (f == NULL)
		return false;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

bool
vn_sysfs_link_name(const char *path, char *buf, size_t size)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;

	if (n < 0)
		return false;
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(buf, size, "%s", base ? base + 1 : target);
	return true;
}

bool
vn_pci_driver_usable(const char *driver)
{
	static const char *const ok[] = {"vfio-pci", "uio_pci_generic", "igb_uio",
					 "mlx5_core", "mlx4_core"};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(driver, ok[i]) == 0)
			return true;
	return false;
}

const char *
vn_linux_ifaces(char *buf, size_t size)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;
	size_t off = 0;

	buf[0] = '\0';
	while (d && (e = readdir(d)) != NULL && off < size)
		if (e->d_name[0] != '.')
			off += snprintf(buf + off, size - off, "%s%s", off ? " " : "", e->d_name);
	if (d)
		closedir(d);
	return buf[0] ? buf : "none";
}

bool
vn_netdev_pci(const char *ifn, char *pci, size_t size)
{
	char path[PATH_MAX], real[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/class/net/%s/device", ifn);
	if (realpath(path, real) == NULL)
		return false;
	/* virtio's netdev hangs one level below its PCI device. */
	for (int up = 0; up < 2; up++) {
		char *base = strrchr(real, '/');
		if (base && vn_pci_normalise(base + 1, pci, size))
			return true;
		if (base)
			*base = '\0';
	}
	return false;
}

bool
vn_pci_netdev(const char *pci, char *ifn, size_t size)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;
	char p[32];
	bool found = false;

	while (d && !found && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && vn_netdev_pci(e->d_name, p, sizeof(p)) &&
		    strcmp(p, pci) == 0) {
			snprintf(ifn, size, "%s", e->d_name);
			found = true;
		}
	if (d)
		closedir(d);
	return found;
}
