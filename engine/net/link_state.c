/*
 * Link state. The control plane polls every interface's link every
 * VN_LINK_POLL_MS rather than taking LSC interrupts: virtual devices have
 * none, and a tenth of a second is well inside what a routing failover is
 * expected to take. On a change it republishes the interface (workers read
 * vn_if_fp.link_up: interface-output refuses a down link, ip4-arp holds
 * nothing for it) and tells the FIB, which takes paths through the link out
 * of their routes and ECMP groups and puts them back when it returns.
 *
 * DPDK's net_af_packet reports its link up from start to stop, whatever the
 * veth does, so for it we ask the kernel: a veth whose peer is down or gone
 * loses its carrier (IFF_RUNNING), which is what an operator sees as NO-CARRIER.
 */
#define VN_LOG_MOD "link"
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <vecnet/net/interface.h>

#include "net/fib_priv.h"
#include "net/hostif_priv.h"
#include "net/link_priv.h"
#include "net/memif_priv.h"

static int ioctl_fd = -1;

/* The value of key=... in a vdev argument string, into buf. */
static bool
device_arg(const char *device, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);

	for (const char *p = strchr(device, ','); p; p = strchr(p, ',')) {
		p++;
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t n = strcspn(p + klen + 1, ",");
			if (n == 0 || n >= len)
				return false;
			memcpy(buf, p + klen + 1, n);
			buf[n] = '\0';
			return true;
		}
	}
	return false;
}

int
vn_link_kernel_state(const char *device)
{
	struct ifreq ifr = {0};

	if (!device || (strncmp(device, "net_af_packet", 13) != 0 &&
			strncmp(device, "eth_af_packet", 13) != 0))
		return -1;
	if (!device_arg(device, "iface", ifr.ifr_name, sizeof(ifr.ifr_name)))
		return -1;
	if (ioctl_fd < 0)
		ioctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ioctl_fd < 0)
		return -1;
	/* ENODEV: the veth is gone (its peer's namespace deleted it). */
	if (ioctl(ioctl_fd, SIOCGIFFLAGS, &ifr) < 0)
		return 0;
	return (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
}

uint32_t
vn_link_poll_now(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < vn_interface_count(); i++) {
		const struct vn_interface *ifp = vn_interface_get(i);
		const struct vn_if_fp *fp = vn_if_fp((uint16_t)i);
		bool up;

		if (!ifp || !fp)
			continue;
		vn_hostif_relink(i); /* a veth back under its name is a new ifindex */
		up = vn_interface_link_up(i);
		if (up == fp->link_up)
			continue;
		VN_INFO("%s: link %s", ifp->name, up ? "up" : "down");
		vn_interface_publish(i);
		vn_fib_interface_changed(i);
		n++;
	}
	return n;
}

void
vn_link_poll(void)
{
	static uint64_t next;
	uint64_t now = rte_get_timer_cycles();

	if (now < next)
		return;
	next = now + rte_get_timer_hz() * VN_LINK_POLL_MS / 1000;
	vn_memif_poll();
	vn_link_poll_now();
}
