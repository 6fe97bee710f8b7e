/*
 * Memif commands, in VPP's words: `create memif socket id S filename PATH`
 * (id 0 is /run/vpp/memif.sock), `create memif [id N] [socket-id S]
 * [master|slave] [rx-queues N] [hw-addr MAC]` makes memifS/N (down until
 * `set interface state`), `delete memif memifS/N`, `delete memif socket id S`.
 */
#include <errno.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/net/addr.h>

#include "net/cli_net_priv.h"
#include "net/memif_priv.h"

static int
cli_create_memif_socket(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char path[256];
	uint32_t id;
	int rc;

	if (!vn_cli_arg_keyword(args, "id") ||
	    !vn_cli_arg_u32_range(args, 0, VN_MEMIF_SOCKETS - 1, &id) ||
	    !vn_cli_arg_keyword(args, "filename") ||
	    !vn_cli_arg_word(args, "PATH", path, sizeof(path)) || !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	if (strchr(path, ','))
		return vn_cli_error(out, "create memif socket: a path with ',' is not supported");
	rc = vn_memif_socket_add(id, path);
	switch (rc) {
	case 0:
		return 0;
	case -EINVAL:
		return vn_cli_error(out,
				    id == 0 ? "create memif socket: socket id 0 is %s and "
					      "cannot be changed"
					    : "create memif socket: '%s' must be an absolute path "
					      "of at most 107 bytes",
				    id == 0 ? VN_MEMIF_DEFAULT_SOCKET : path);
	case -ENOENT:
		return vn_cli_error(out, "create memif socket: the directory of '%s' does not exist",
				    path);
	case -EBUSY:
		return vn_cli_error(out, "create memif socket: socket id %u is in use by a memif", id);
	default:
		return vn_cli_error(out, "create memif socket: %s", strerror(-rc));
	}
}

VN_CLI_COMMAND(create_memif_socket) = {
	.path = "create memif socket",
	.syntax = "id S filename PATH",
	.help = "name a memif socket file for `create memif socket-id S`",
	.fn = cli_create_memif_socket,
};

static int
cli_delete_memif_socket(struct vn_cli_out *out, struct vn_cli_args *args)
{
	uint32_t id;
	int rc;

	if (!vn_cli_arg_keyword(args, "id") ||
	    !vn_cli_arg_u32_range(args, 0, VN_MEMIF_SOCKETS - 1, &id) || !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_memif_socket_del(id);
	if (rc == -EINVAL)
		return vn_cli_error(out, "delete memif socket: socket id 0 cannot be deleted");
	if (rc == -ENOENT)
		return vn_cli_error(out, "delete memif socket: no socket id %u", id);
	if (rc == -EBUSY)
		return vn_cli_error(out, "delete memif socket: socket id %u is in use by a memif",
				    id);
	return rc < 0 ? vn_cli_error(out, "delete memif socket: %s", strerror(-rc)) : 0;
}

VN_CLI_COMMAND(delete_memif_socket) = {
	.path = "delete memif socket",
	.syntax = "id S",
	.help = "forget a memif socket id no memif uses",
	.fn = cli_delete_memif_socket,
};

static int
cli_create_memif(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_memif_args a = {.master = true, .rx_queues = 1};
	uint8_t mac[6];
	uint32_t v, idx;
	int rc;

	while (!vn_cli_args_end(args)) {
		if (vn_cli_arg_keyword(args, "id")) {
			if (!vn_cli_arg_u32_range(args, 0, UINT32_MAX - 1, &a.id))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "socket-id")) {
			if (!vn_cli_arg_u32_range(args, 0, VN_MEMIF_SOCKETS - 1, &a.socket_id))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "master")) {
			a.master = true;
		} else if (vn_cli_arg_keyword(args, "slave")) {
			a.master = false;
		} else if (vn_cli_arg_keyword(args, "rx-queues")) {
			if (!vn_cli_arg_u32_range(args, 1, 16, &v))
				return vn_cli_unexpected(args);
			a.rx_queues = (uint16_t)v;
		} else if (vn_cli_arg_keyword(args, "hw-addr")) {
			if (!vn_cli_arg_mac(args, mac))
				return vn_cli_unexpected(args);
			a.mac = mac;
		} else {
			return vn_cli_unexpected(args);
		}
	}
	if (a.mac && (mac[0] & 1))
		return vn_cli_error(out, "create memif: hw-addr must be a unicast address");
	rc = vn_memif_create(&a, &idx);
	switch (rc) {
	case 0:
		vn_cli_printf(out, "%s\n", vn_interface_get(idx)->name);
		return 0;
	case -EEXIST:
		return vn_cli_error(out, "create memif: memif%u/%u exists", a.socket_id, a.id);
	case -ENOENT:
		return vn_cli_error(out,
				    "create memif: no socket id %u (create memif socket id %u "
				    "filename PATH)",
				    a.socket_id, a.socket_id);
	case -ENOTDIR:
		return vn_cli_error(out, "create memif: the directory of socket '%s' does not exist",
				    vn_memif_socket_path(a.socket_id));
	case -EADDRINUSE:
		return vn_cli_error(out,
				    "create memif: '%s' is another process's socket (or not a "
				    "socket); a master needs its own",
				    vn_memif_socket_path(a.socket_id));
	default:
		return vn_cli_error(out, "create memif: %s", strerror(-rc));
	}
}

VN_CLI_COMMAND(create_memif) = {
	.path = "create memif",
	.syntax = "[id N] [socket-id S] [master|slave] [rx-queues N] [hw-addr MAC]",
	.help = "a memif interface (DPDK net_memif) to another vecnet, VPP or libmemif",
	.fn = cli_create_memif,
};

static int
cli_delete_memif(struct vn_cli_out *out, struct vn_cli_args *args)
{
	char name[VN_IFNAME_MAX];
	int rc;

	if (!vn_cli_arg_word(args, "IF", name, sizeof(name)) || !vn_cli_args_end(args))
		return vn_cli_unexpected(args);
	rc = vn_memif_delete(name);
	return vn_cli_if_delete_result(out, "delete memif", "memif interface", name, rc);
}

VN_CLI_COMMAND(delete_memif) = {
	.path = "delete memif",
	.syntax = "IF",
	.help = "delete a memif interface, its routes, neighbours and features",
	.fn = cli_delete_memif,
};
