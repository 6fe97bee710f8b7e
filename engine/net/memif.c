/*
 * Memifs: net_memif probed when the interface is created, configured like any
 * DPDK port (one TX queue per forwarding thread, its RX queues placed on the
 * workers). The link is up while the peer is connected; a slave keeps
 * reconnecting until its master appears (vn_memif_poll, below).
 *
 * A master owns its socket file: a stale one (left by an engine that died)
 * would make the bind fail, so it is removed first unless another memif of
 * this engine listens on it, or a live process answers on it.
 */
#define VN_LOG_MOD "memif"
#include <errno.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_kvargs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vecnet/rcu.h>

#include "net/memif_priv.h"
#include "net/port_priv.h"

/* Socket file per port (a memif has one), to know which are in use. */
static char *port_socket[RTE_MAX_ETHPORTS];

/*
 * Slaves reconnect as VPP's do. net_memif's client connects only when the
 * port starts and never again, so a slave whose master is not there (yet, or
 * any more) is restarted every VN_MEMIF_RETRY_MS, from the main loop's link
 * poll (vn_memif_poll). Stopping and starting a port rewrites DPDK's burst
 * table for it without any synchronisation, so no thread may poll or send on
 * it meanwhile: its RX queues leave every thread and its snapshot names no
 * port (port-tx drops as "interface has no device"), each with a grace
 * period, and both come back once it has started.
 */
#define VN_MEMIF_RETRY_MS 500
static bool slave[RTE_MAX_ETHPORTS];
static char *slave_socket[RTE_MAX_ETHPORTS];
static uint64_t reconnects[RTE_MAX_ETHPORTS]; /* restarts tried, for the log */

static struct vn_interface *
interface_of_port(uint16_t port)
{
	for (uint32_t i = 0; i < vn_interface_count(); i++) {
		struct vn_interface *ifp = vn_interface_get(i);
		if (ifp && ifp->port_id == port)
			return ifp;
	}
	return NULL;
}

static void
slave_restart(uint16_t p)
{
	struct vn_interface *ifp = interface_of_port(p);
	int rc;

	if (!ifp || vn_rxq_remove_interface(ifp->if_index) < 0)
		return;
	ifp->port_id = VN_PORT_NONE;
	vn_interface_publish(ifp->if_index);
	vn_rcu_synchronize(); /* no port-tx holds the old snapshot */
	rte_eth_dev_stop(p); /* a no-op when it never started */
	rc = rte_eth_dev_start(p);
	if (reconnects[p]++ == 0 && rc < 0)
		VN_INFO("%s: memif master not there; retrying every %u ms", ifp->name,
			VN_MEMIF_RETRY_MS);
	ifp->port_id = p;
	vn_interface_publish(ifp->if_index);
	if (vn_rxq_add_interface(ifp->if_index) < 0)
		VN_ERR("%s: its RX queues could not be placed again", ifp->name);
}

void
vn_memif_poll(void)
{
	static uint64_t next;
	uint64_t now = rte_get_timer_cycles();
	struct rte_eth_link link;
	struct stat st;

	if (now < next)
		return;
	next = now + rte_get_timer_hz() * VN_MEMIF_RETRY_MS / 1000;
	for (uint16_t p = 0; p < RTE_MAX_ETHPORTS; p++) {
		if (!slave[p] || (rte_eth_link_get_nowait(p, &link) == 0 &&
				  link.link_status == RTE_ETH_LINK_UP))
			continue;
		/* Only when a master may listen: a stopped port costs its
		 * poller a warning from ethdev. */
		if (stat(slave_socket[p], &st) == 0 && S_ISSOCK(st.st_mode))
			slave_restart(p);
	}
}

static void
slave_add(uint16_t port, char *path)
{
	slave[port] = true;
	slave_socket[port] = path;
	reconnects[port] = 0;
}
static char *sockets[VN_MEMIF_SOCKETS]; /* by socket id; [0] is the default */

const char *
vn_memif_socket_path(uint32_t socket_id)
{
	if (socket_id == 0)
		return sockets[0] ? sockets[0] : VN_MEMIF_DEFAULT_SOCKET;
	return socket_id < VN_MEMIF_SOCKETS ? sockets[socket_id] : NULL;
}

static bool
socket_in_use(const char *path)
{
	for (uint32_t p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (port_socket[p] && strcmp(port_socket[p], path) == 0)
			return true;
	return false;
}

/* As VPP, the default socket's directory is made when first needed. */
static void
default_dir_make(const char *path)
{
	if (strcmp(path, VN_MEMIF_DEFAULT_SOCKET) == 0)
		mkdir("/run/vpp", 0755);
}

static bool
dir_exists(const char *path)
{
	char dir[VN_MEMIF_SOCKET_PATH_MAX + 1];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return true;
	if (slash == dir)
		return true; /* "/" */
	*slash = '\0';
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

int
vn_memif_socket_add(uint32_t socket_id, const char *path)
{
	char *copy;

	if (socket_id == 0 || socket_id >= VN_MEMIF_SOCKETS || path[0] != '/' ||
	    strlen(path) > VN_MEMIF_SOCKET_PATH_MAX)
		return -EINVAL;
	if (!dir_exists(path))
		return -ENOENT;
	if (sockets[socket_id] && socket_in_use(sockets[socket_id]))
		return -EBUSY;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	free(sockets[socket_id]);
	sockets[socket_id] = copy;
	return 0;
}

int
vn_memif_socket_del(uint32_t socket_id)
{
	if (socket_id == 0 || socket_id >= VN_MEMIF_SOCKETS)
		return -EINVAL;
	if (!sockets[socket_id])
		return -ENOENT;
	if (socket_in_use(sockets[socket_id]))
		return -EBUSY;
	free(sockets[socket_id]);
	sockets[socket_id] = NULL;
	return 0;
}

static const char *const memif_keys[] = {"id", "socket", "hw-addr", NULL};

static int
kv_copy(const char *key, const char *value, void *out)
{
	snprintf(out, 256, "%s", value);
	return 0;
}

/* True when a process accepts connections on the socket file. */
static bool
socket_alive(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return false;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	alive = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return alive;
}

int
vn_memif_open(struct vn_interface *ifp, const char *args)
{
	size_t n = strcspn(args, ",");
	char id[256] = "0", path[256] = VN_MEMIF_DEFAULT_SOCKET, mac[256] = "";
	char vdev[RTE_DEV_NAME_MAX_LEN], vargs[512];
	bool master;
	uint8_t m[6];
	uint32_t idv;
	struct stat st;
	int rc;

	if (n == 6 && (!strncmp(args, "master", n) || !strncmp(args, "server", n)))
		master = true;
	else if (n == 5 && (!strncmp(args, "slave", n) || !strncmp(args, "client", n)))
		master = false;
	else {
		VN_ERR("%s: memif role '%.*s' is neither master nor slave", ifp->name, (int)n,
		       args);
		return -EINVAL;
	}
	if (args[n] == ',') {
		struct rte_kvargs *kv = rte_kvargs_parse(args + n + 1, memif_keys);
		if (!kv) {
			VN_ERR("%s: bad memif options '%s' (id, socket, hw-addr)", ifp->name,
			       args + n + 1);
			return -EINVAL;
		}
		rte_kvargs_process(kv, "id", kv_copy, id);
		rte_kvargs_process(kv, "socket", kv_copy, path);
		rte_kvargs_process(kv, "hw-addr", kv_copy, mac);
		rte_kvargs_free(kv);
	}
	if (sscanf(id, "%u", &idv) != 1 || strspn(id, "0123456789") != strlen(id) ||
	    (mac[0] && (vn_parse_mac(mac, m) < 0 || (m[0] & 1)))) {
		VN_ERR("%s: bad memif id '%s' or hw-addr '%s'", ifp->name, id, mac);
		return -EINVAL;
	}
	if (path[0] != '/' || strlen(path) > VN_MEMIF_SOCKET_PATH_MAX) {
		VN_ERR("%s: memif socket '%s' must be an absolute path of at most %u bytes",
		       ifp->name, path, VN_MEMIF_SOCKET_PATH_MAX);
		return -EINVAL;
	}
	default_dir_make(path);
	if (!dir_exists(path)) {
		VN_ERR("%s: the directory of memif socket %s does not exist", ifp->name, path);
		return -ENOTDIR;
	}
	if (master && !socket_in_use(path) && stat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode) || socket_alive(path)) {
			VN_ERR("%s: %s is %s", ifp->name, path,
			       S_ISSOCK(st.st_mode) ? "another process's memif socket"
						    : "a file, not a socket");
			return -EADDRINUSE;
		}
		unlink(path); /* stale: its listener is gone */
	}
	snprintf(vdev, sizeof(vdev), "net_memif_vn%u", ifp->if_index);
	if (snprintf(vargs, sizeof(vargs), "role=%s,id=%u,socket=%s,socket-abstract=no%s%.17s",
		     master ? "server" : "client", idv, path, mac[0] ? ",mac=" : "",
		     mac) >= (int)sizeof(vargs))
		return -ENAMETOOLONG; /* cannot be: the path is at most 107 bytes */
	rc = vn_port_open_vdev(ifp, vdev, vargs, !master);
	if (rc < 0)
		return rc;
	port_socket[ifp->port_id] = strdup(path);
	if (!master && port_socket[ifp->port_id])
		slave_add(ifp->port_id, port_socket[ifp->port_id]);
	/* `show hardware` shows the device string, socket included. */
	snprintf(ifp->driver, sizeof(ifp->driver), "memif (net_memif, %s id %u)",
		 master ? "master" : "slave", idv);
	return 0;
}

/* vn_port_close's companion: the port no longer holds its socket. */
void
vn_memif_forget(uint16_t port)
{
	if (port >= RTE_MAX_ETHPORTS)
		return;
	slave[port] = false;
	slave_socket[port] = NULL;
	free(port_socket[port]);
	port_socket[port] = NULL;
}

static bool
is_memif(const struct vn_interface *ifp)
{
	return ifp && vn_port_is_dpdk(ifp->port_id) && port_socket[ifp->port_id];
}

int
vn_memif_create(const struct vn_memif_args *a, uint32_t *if_index)
{
	char name[VN_IFNAME_MAX], device[512], mac[18];
	const char *path = vn_memif_socket_path(a->socket_id);
	uint32_t idx;
	int rc;

	if (!path)
		return -ENOENT;
	snprintf(name, sizeof(name), "memif%u/%u", a->socket_id, a->id);
	if (vn_interface_by_name(name))
		return -EEXIST;
	default_dir_make(path);
	if (!dir_exists(path))
		return -ENOTDIR;
	snprintf(device, sizeof(device), VN_MEMIF_PREFIX "%s,id=%u,socket=%s%s%s",
		 a->master ? "master" : "slave", a->id, path, a->mac ? ",hw-addr=" : "",
		 a->mac ? vn_fmt_mac(a->mac, mac) : "");
	rc = vn_interface_create(name, device, a->rx_queues, 1500, &idx);
	if (rc < 0)
		return rc;
	vn_interface_set_admin(idx, false); /* as VPP: up with `set interface state` */
	if (if_index)
		*if_index = idx;
	return 0;
}

int
vn_memif_delete(const char *name)
{
	struct vn_interface *ifp = vn_interface_by_name(name);

	if (!is_memif(ifp))
		return -ENOENT;
	return vn_interface_delete(ifp->if_index);
}
