/*
 * Memifs (VPP's `create memif`): DPDK's net_memif probed at run time, on a
 * socket file as VPP's (not an abstract socket), so vecnet speaks memif to
 * another vecnet, to VPP, or to anything on libmemif.
 */
#ifndef VN_MEMIF_PRIV_H
#define VN_MEMIF_PRIV_H

#include <stdbool.h>
#include <vecnet/net/interface.h>

/* A config device "memif:master|slave[,id=N][,socket=PATH][,hw-addr=MAC]":
 * id 0 and VPP's /run/vpp/memif.sock unless given. */
#define VN_MEMIF_PREFIX "memif:"
#define VN_MEMIF_DEFAULT_SOCKET "/run/vpp/memif.sock"
#define VN_MEMIF_SOCKETS 64 /* socket ids 0 .. 63 */
#define VN_MEMIF_SOCKET_PATH_MAX 107 /* sun_path */

struct vn_memif_args {
	uint32_t id; /* the connection's id on its socket */
	uint32_t socket_id; /* `create memif socket id S`; 0 is VN_MEMIF_DEFAULT_SOCKET */
	bool master;
	uint16_t rx_queues;
	const uint8_t *mac; /* NULL: the driver's random one */
};

/* Probes net_memif for ifp and opens it; args as after VN_MEMIF_PREFIX. */
int vn_memif_open(struct vn_interface *ifp, const char *args);
/* vn_port_close: the port no longer holds its socket (no-op if no memif). */
void vn_memif_forget(uint16_t port);
/* Main loop (the link poll): restarts slaves whose master is not connected,
 * so they connect when it appears (memif.c says how, safely). */
void vn_memif_poll(void);

/* `create memif socket id S filename PATH`: -EINVAL (id 0, or PATH not
 * absolute or too long), -ENOENT (PATH's directory does not exist), -EBUSY
 * (S is used by a memif). */
int vn_memif_socket_add(uint32_t socket_id, const char *path);
int vn_memif_socket_del(uint32_t socket_id);
/* The socket's file, or NULL. */
const char *vn_memif_socket_path(uint32_t socket_id);

/* `create memif ...`: memifS/N, created down (as in VPP). Errors: -EEXIST,
 * -ENOENT (no such socket id), -ENOTDIR (its directory does not exist),
 * -EADDRINUSE (a master's socket file belongs to another process). */
int vn_memif_create(const struct vn_memif_args *a, uint32_t *if_index);
/* -ENOENT when name is no memif. */
int vn_memif_delete(const char *name);

#endif
