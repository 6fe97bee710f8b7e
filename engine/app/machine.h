/*
 * Facts about the machine read from /proc and /sys, for the start-up checks
 * (config_machine.c) and `vecnet doctor` (doctor.c). No DPDK: both run before
 * (or without) the EAL.
 */
#ifndef VN_MACHINE_H
#define VN_MACHINE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* cpu_set_t */
/* The PCI device behind a Linux interface, and the interface of a PCI device. */
bool vn_netdev_pci(const char *ifn, char *pci, size_t size);
bool vn_pci_netdev(const char *pci, char *ifn, size_t size);

#endif
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A set of CPUs read from a kernel list ("0-3,8"); up to CPU_SETSIZE. */
int vn_cpulist_read(const char *path, cpu_set_t *set);
int vn_cpulist_parse(const char *s, cpu_set_t *set);
/* "0-1,4" for the set, or "none". */
const char *vn_cpulist_fmt(const cpu_set_t *set, char *buf, size_t size);
/* The value of a kernel command-line parameter ("isolcpus"), or NULL. */
const char *vn_cmdline_param(const char *name, char *buf, size_t size);
/* NUMA node of a CPU, or -1 when the machine reports none. */
int vn_cpu_numa_node(int cpu);

struct vn_hugepage_size {
	uint32_t kb; /* page size */
	long total, free;
};
/* Sizes under /sys/kernel/mm/hugepages (node 0 = machine-wide); returns how many. */
uint32_t vn_hugepage_sizes(struct vn_hugepage_size *out, uint32_t max);
/* Whether a hugetlbfs is mounted; the first mount point goes to dir. */
bool vn_hugetlbfs_mounted(char *dir, size_t size);

/* Megabytes the engine lets the EAL take without hugepages (-m), and the
 * hugepage memory it needs at start, for a pool of this many buffers and an
 * IPv6 table of this size (engine.ip6-routes). */
uint32_t vn_engine_memory_mb(uint32_t buffers, uint32_t ip6_routes);
uint32_t vn_engine_hugepage_mb(uint32_t buffers, uint32_t ip6_routes);

/* "0000:03:00.0" from a device string that is a PCI address (short forms too);
 * false when it is not one. */
bool vn_pci_normalise(const char *dev, char *out, size_t size);
/* The Linux interface a device string names: `host:IFNAME` or an `iface=`
 * argument; false when it names none. */
bool vn_device_host_iface(const char *dev, char *out, size_t size);
/* Reads a one-line sysfs attribute (trailing newline cut); false when absent. */
bool vn_sysfs_read(const char *path, char *buf, size_t size);
/* The basename of a sysfs link (a device's driver), or false. */
bool vn_sysfs_link_name(const char *path, char *buf, size_t size);
/* Drivers that give a PCI device to DPDK (mlx* work bound to Linux: bifurcated). */
bool vn_pci_driver_usable(const char *driver);
/* The Linux interfaces, space separated, for messages. */
const char *vn_linux_ifaces(char *buf, size_t size);

/* The PCI device behind a Linux interface, and the interface of a PCI device. */
bool vn_netdev_pci(const char *ifn, char *pci, size_t size);
bool vn_pci_netdev(const char *pci, char *ifn, size_t size);

#endif
