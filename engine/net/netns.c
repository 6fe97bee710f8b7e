/*
 * rtnetlink for the Linux side of taps (netns_priv.h). The calling thread
 * enters the target namespace for the netlink requests and leaves it again:
 * setns(2) moves only this thread, so workers never notice.
 */
#define _GNU_SOURCE /* setns */
#define VN_LOG_MOD "netns"
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <vecnet/common.h>

#include "net/netns_priv.h"

/* Sends one request and waits for its acknowledgement: 0 or -errno. */
static int
nl_request(struct mnl_socket *nl, struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int portid = mnl_socket_get_portid(nl);
	int n;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	n = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	if (mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, NULL, NULL) < 0)
		return -errno;
	return 0;
}

static struct nlmsghdr *
link_msg(char *buf, int ifindex, unsigned int flags, unsigned int change)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	ifi->ifi_change = change;
	return nlh;
}

static int
link_to_ns(struct mnl_socket *nl, int ifindex, int nsfd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, ifindex, 0, 0);

	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
	return nl_request(nl, nlh);
}

static int
link_up(struct mnl_socket *nl, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return nl_request(nl, link_msg(buf, ifindex, IFF_UP, IFF_UP));
}

static int
addr_add(struct mnl_socket *nl, int ifindex, const struct vn_prefix *p)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	uint32_t a = htonl(p->addr);

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = p->len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, a);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, a);
	return nl_request(nl, nlh);
}

static int
default_route_add(struct mnl_socket *nl, uint32_t gw)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rt;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtm_family = AF_INET;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(gw));
	return nl_request(nl, nlh);
}

/* What to do inside the namespace (or here): up, address, route. */
static int
setup_inside(const char *ifname, const struct vn_netns_setup *s)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	int ifindex = (int)if_nametoindex(ifname), rc;

	if (!nl)
		return -errno;
	if (ifindex == 0) {
		rc = -ENODEV;
	} else if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
	} else if ((rc = link_up(nl, ifindex)) < 0) {
		VN_ERR("%s: setting it up: %s", ifname, strerror(-rc));
	} else if (s->addr.len && (rc = addr_add(nl, ifindex, &s->addr)) < 0) {
		VN_ERR("%s: adding its address: %s", ifname, strerror(-rc));
	} else if (s->gw && (rc = default_route_add(nl, s->gw)) < 0) {
		VN_ERR("%s: default route: %s", ifname, strerror(-rc));
	}
	mnl_socket_close(nl);
	if (rc < 0)
		return rc;
	rc = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return rc < 0 ? -errno : rc;
}

static int
ns_open(const char *ns)
{
	char path[256];
	int fd;

	if (strchr(ns, '/'))
		snprintf(path, sizeof(path), "%s", ns);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int
vn_netns_setup_link(const char *ifname, const struct vn_netns_setup *s)
{
	struct mnl_socket *nl;
	int ifindex, nsfd, self, rc;

	if (!s->ns || !*s->ns)
		return setup_inside(ifname, s);
	nsfd = ns_open(s->ns);
	if (nsfd < 0)
		return nsfd == -ENOENT ? -ENOENT : nsfd;
	ifindex = (int)if_nametoindex(ifname);
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (ifindex == 0 || !nl) {
		rc = ifindex == 0 ? -ENODEV : -errno;
		goto out;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		goto out;
	}
	rc = link_to_ns(nl, ifindex, nsfd);
	if (rc < 0) {
		VN_ERR("%s: moving it into %s: %s", ifname, s->ns, strerror(-rc));
		goto out;
	}
	/* This thread only, and back before anything else runs on it. */
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
		rc = -errno;
		VN_ERR("%s: entering %s: %s", ifname, s->ns, strerror(errno));
		if (self >= 0)
			close(self);
		goto out;
	}
	rc = setup_inside(ifname, s);
	if (setns(self, CLONE_NEWNET) < 0)
		VN_ERR("leaving namespace %s: %s", s->ns, strerror(errno)); /* cannot happen */
	close(self);
out:
	if (nl)
		mnl_socket_close(nl);
	close(nsfd);
	return rc;
}

int
vn_netns_link_running(int ctl_fd, const char *ifname)
{
	struct ifreq ifr = {0};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(ctl_fd, SIOCGIFFLAGS, &ifr) < 0)
		return 0;
	return (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
}
