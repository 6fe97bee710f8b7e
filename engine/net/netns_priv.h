/*
 * The Linux side of an interface vecnet creates (a tap): moved into a
 * network namespace, brought up, addressed and routed with rtnetlink
 * (libmnl), never by running ip(8) (engine-private).
 */
#ifndef VN_NETNS_PRIV_H
#define VN_NETNS_PRIV_H

#include <stdint.h>
#include <vecnet/net/addr.h>

/* What to do with a Linux interface: ns (a name under /run/netns, or a path;
 * NULL or "" stays here), an address (len 0: none), a default route via gw
 * (0: none); addresses in host order. */
struct vn_netns_setup {
	const char *ns;
	struct vn_prefix addr;
	uint32_t gw;
};

/* Moves ifname into the namespace, sets it up, adds the address and route.
 * Returns an AF_INET socket in that namespace (for vn_netns_link_running), or
 * -ENOENT (no such namespace), -ENODEV (no such interface) or what the kernel
 * said (-EEXIST: the address is there already). Main thread. */
int vn_netns_setup_link(const char *ifname, const struct vn_netns_setup *s);
/* 1 when ifname (in ctl_fd's namespace) is up and running, else 0. */
int vn_netns_link_running(int ctl_fd, const char *ifname);

#endif
