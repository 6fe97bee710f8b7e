/*
 * Taps: net_tap, probed when the interface is created (not by EAL at start),
 * configured like any DPDK port, then its Linux side is moved into the
 * namespace asked for, brought up and addressed. net_tap then no longer finds
 * the interface by name in vecnet's namespace, so the carrier is read here,
 * through a socket opened inside the namespace.
 *
 * Both sides would share one MAC (net_tap gives the Linux interface the
 * port's): vecnet's side takes another (hw-addr, or 02:fe:random as VPP's).
 */
#define VN_LOG_MOD "tap"
#include <errno.h>
#include <stdarg.h>
#include <rte_ethdev.h>
#include <rte_kvargs.h>
#include <rte_random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/netns_priv.h"
#include "net/port_priv.h"
#include "net/tap_priv.h"

struct tap {
	char ifname[IF_NAMESIZE]; /* the Linux side */
	int ctl_fd; /* AF_INET socket in the Linux side's namespace */
};

static struct tap *taps[RTE_MAX_ETHPORTS];

static const char *const tap_keys[] = {"host-ns", "host-ip4-addr", "host-ip4-gw", "hw-addr",
				       NULL};

static int
kv_copy(const char *key, const char *value, void *out)
{
	snprintf(out, 256, "%s", value);
	return 0;
}

/* The Linux side's name and options out of args (after "tap:"). */
struct tap_opts {
	char ifname[IF_NAMESIZE];
	char ns[256], addr[256], gw[256], mac[256];
};

static int
opts_parse(const char *ifname, const char *args, struct tap_opts *o)
{
	size_t n = strcspn(args, ",");
	struct rte_kvargs *kv = NULL;

	memset(o, 0, sizeof(*o));
	if (n == 0 || n >= IF_NAMESIZE || memchr(args, '/', n) || memchr(args, ' ', n)) {
		VN_ERR("%s: '%.*s' is not a Linux interface name", ifname, (int)n, args);
		return -EINVAL;
	}
	memcpy(o->ifname, args, n);
	if (args[n] == ',') {
		kv = rte_kvargs_parse(args + n + 1, tap_keys);
		if (!kv) {
			VN_ERR("%s: bad tap options '%s' (host-ns, host-ip4-addr, host-ip4-gw, "
			       "hw-addr)",
			       ifname, args + n + 1);
			return -EINVAL;
		}
		rte_kvargs_process(kv, "host-ns", kv_copy, o->ns);
		rte_kvargs_process(kv, "host-ip4-addr", kv_copy, o->addr);
		rte_kvargs_process(kv, "host-ip4-gw", kv_copy, o->gw);
		rte_kvargs_process(kv, "hw-addr", kv_copy, o->mac);
		rte_kvargs_free(kv);
	}
	return 0;
}

static bool
ns_exists(const char *ns)
{
	char path[300];

	snprintf(path, sizeof(path), strchr(ns, '/') ? "%s" : "/run/netns/%s", ns);
	return access(path, F_OK) == 0;
}

int
vn_tap_open(struct vn_interface *ifp, const char *args)
{
	struct vn_netns_setup setup = {0};
	char vdev[RTE_DEV_NAME_MAX_LEN], vargs[64];
	struct tap_opts o;
	uint8_t mac[6];
	struct tap *t;
	int rc;

	if ((rc = opts_parse(ifp->name, args, &o)) < 0)
		return rc;
	if ((o.addr[0] && vn_parse_prefix(o.addr, &setup.addr) < 0) ||
	    (o.gw[0] && vn_parse_ip4(o.gw, &setup.gw) < 0) ||
	    (o.mac[0] && (vn_parse_mac(o.mac, mac) < 0 || (mac[0] & 1)))) {
		VN_ERR("%s: bad host-ip4-addr, host-ip4-gw or hw-addr in '%s'", ifp->name, args);
		return -EINVAL;
	}
	/* What can be known before a device exists is checked first. */
	if (o.ns[0] && !ns_exists(o.ns)) {
		VN_ERR("%s: no network namespace '%s'", ifp->name, o.ns);
		return -ENOENT;
	}
	if (if_nametoindex(o.ifname) != 0) {
		VN_ERR("%s: Linux already has an interface '%s'", ifp->name, o.ifname);
		return -EADDRINUSE;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	memcpy(t->ifname, o.ifname, sizeof(t->ifname));
	t->ctl_fd = -1;
	/* The vdev's name only needs to be unique among live ones. */
	snprintf(vdev, sizeof(vdev), "net_tap_vn%u", ifp->if_index);
	snprintf(vargs, sizeof(vargs), "iface=%s", o.ifname);
	rc = vn_port_open_vdev(ifp, vdev, vargs, false);
	if (rc < 0) {
		free(t);
		return rc;
	}
	setup.ns = o.ns;
	rc = vn_netns_setup_link(o.ifname, &setup);
	if (rc == -EEXIST && o.ns[0])
		rc = -EADDRINUSE; /* the namespace has an interface of that name */
	if (rc < 0) {
		VN_ERR("%s: setting up Linux's %s%s%s: %s", ifp->name, o.ifname,
		       o.ns[0] ? " in " : "", o.ns, strerror(-rc));
		vn_port_close(ifp);
		free(t);
		return rc;
	}
	t->ctl_fd = rc;
	if (o.mac[0]) {
		memcpy(ifp->mac, mac, 6);
	} else {
		uint64_t r = rte_rand();
		const uint8_t m[6] = {0x02, 0xfe, r >> 24, r >> 16, r >> 8, r};
		memcpy(ifp->mac, m, 6);
	}
	taps[ifp->port_id] = t;
	/* `show hardware` names where the Linux side is (cut if the namespace is long). */
	int n = snprintf(ifp->driver, sizeof(ifp->driver), "tap (net_tap, Linux %s", o.ifname);
	if (o.ns[0] && n > 0 && (size_t)n < sizeof(ifp->driver))
		n += snprintf(ifp->driver + n, sizeof(ifp->driver) - n, " in %.*s",
			      (int)(sizeof(ifp->driver) - n), o.ns);
	if (n > 0 && (size_t)n < sizeof(ifp->driver) - 1)
		snprintf(ifp->driver + n, sizeof(ifp->driver) - n, ")");
	return 0;
}

int
vn_tap_link_state(uint16_t port)
{
	const struct tap *t = port < RTE_MAX_ETHPORTS ? taps[port] : NULL;

	return t ? vn_netns_link_running(t->ctl_fd, t->ifname) : -1;
}

void
vn_tap_forget(uint16_t port)
{
	struct tap *t = port < RTE_MAX_ETHPORTS ? taps[port] : NULL;

	if (!t)
		return;
	taps[port] = NULL;
	if (t->ctl_fd >= 0)
		close(t->ctl_fd);
	free(t);
}

/* Appends to buf at *n what fmt says; false once it no longer fits (the
 * device string would be cut, and an option lost). */
static bool __attribute__((format(printf, 4, 5)))
append(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*n >= len)
		return false;
	va_start(ap, fmt);
	k = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= len - *n)
		return false;
	*n += (size_t)k;
	return true;
}

int
vn_tap_device(const struct vn_tap_args *a, int id, char *buf, size_t len)
{
	char addr[32], gw[16], mac[18];
	size_t n = 0;
	bool ok = a->host_if_name ? append(buf, len, &n, VN_TAP_PREFIX "%s", a->host_if_name)
				  : append(buf, len, &n, VN_TAP_PREFIX "tap%d", id);

	if (ok && a->host_ns)
		ok = append(buf, len, &n, ",host-ns=%s", a->host_ns);
	if (ok && a->host_addr.len)
		ok = append(buf, len, &n, ",host-ip4-addr=%s", vn_fmt_prefix(&a->host_addr, addr));
	if (ok && a->host_gw)
		ok = append(buf, len, &n, ",host-ip4-gw=%s", vn_fmt_ip4(a->host_gw, gw));
	if (ok && a->mac)
		ok = append(buf, len, &n, ",hw-addr=%s", vn_fmt_mac(a->mac, mac));
	return ok ? 0 : -ENAMETOOLONG;
}

static bool
is_tap(const struct vn_interface *ifp)
{
	return ifp && vn_port_is_dpdk(ifp->port_id) && taps[ifp->port_id];
}

int
vn_tap_create(const struct vn_tap_args *a, uint32_t *if_index)
{
	char name[VN_IFNAME_MAX], device[256];
	int id = a->id;
	uint32_t idx;
	int rc;

	if (id > VN_TAP_ID_MAX)
		return -ERANGE;
	if (id < 0) {
		for (id = 0; id <= VN_TAP_ID_MAX; id++) {
			snprintf(name, sizeof(name), "tap%d", id);
			if (!vn_interface_by_name(name))
				break;
		}
		if (id > VN_TAP_ID_MAX)
			return -ENOSPC;
	}
	snprintf(name, sizeof(name), "tap%d", id);
	if (vn_interface_by_name(name))
		return -EEXIST;
	if ((rc = vn_tap_device(a, id, device, sizeof(device))) < 0)
		return rc;
	rc = vn_interface_create(name, device, 1, 1500, &idx);
	if (rc < 0)
		return rc;
	vn_interface_set_admin(idx, false); /* as VPP: up with `set interface state` */
	if (if_index)
		*if_index = idx;
	return 0;
}

int
vn_tap_delete(const char *name)
{
	struct vn_interface *ifp = vn_interface_by_name(name);

	if (!is_tap(ifp))
		return -ENOENT;
	return vn_interface_delete(ifp->if_index);
}
