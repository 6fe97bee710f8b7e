/*
 * Taps (VPP's `create tap`): DPDK's net_tap probed at run time, the Linux
 * side moved into a namespace and addressed there (netns_priv.h).
 */
#ifndef VN_TAP_PRIV_H
#define VN_TAP_PRIV_H

#include <net/if.h>
#include <vecnet/net/interface.h>

/* A config device "tap:HOST-IF-NAME[,host-ns=NS][,host-ip4-addr=A/LEN]
 * [,host-ip4-gw=A][,hw-addr=MAC]" is a tap whose Linux side is HOST-IF-NAME. */
#define VN_TAP_PREFIX "tap:"
#define VN_TAP_ID_MAX 1023

struct vn_tap_args {
	int id; /* tapN; < 0 takes the lowest free */
	const char *host_if_name; /* NULL: tapN */
	const char *host_ns; /* NULL: stays in vecnet's namespace */
	struct vn_prefix host_addr; /* len 0: none */
	uint32_t host_gw; /* 0: none */
	const uint8_t *mac; /* vecnet's side; NULL: 02:fe:random */
};

/* Probes net_tap for ifp and opens it; args as after VN_TAP_PREFIX. */
int vn_tap_open(struct vn_interface *ifp, const char *args);
/* The Linux side's carrier (1 or 0) when port is a tap, else -1. */
int vn_tap_link_state(uint16_t port);
/* vn_port_close: forgets what it keeps for the port (no-op if no tap). */
void vn_tap_forget(uint16_t port);

/* `create tap ...`: tapN, created down (as in VPP). Errors: -EEXIST (tapN exists),
 * -EADDRINUSE (Linux has an interface of that name), -ENOENT (no such namespace), -EINVAL. */
int vn_tap_create(const struct vn_tap_args *a, uint32_t *if_index);
/* -ENOENT when name is no tap. */
int vn_tap_delete(const char *name);
/* The device string for a (vn_tap_create's; YAML writes it directly). */
int vn_tap_device(const struct vn_tap_args *a, int id, char *buf, size_t len);

#endif
