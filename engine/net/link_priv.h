/* Link state of interfaces, polled by the control plane (engine-private). */
#ifndef VN_LINK_PRIV_H
#define VN_LINK_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#define VN_LINK_POLL_MS 100

/* Main loop: every VN_LINK_POLL_MS, reads each interface's link
 * (vn_interface_link_up) and, where it changed, republishes the interface
 * and tells the FIB. Cheap to call more often. */
void vn_link_poll(void);
/* The same now, unthrottled; returns how many interfaces changed. */
uint32_t vn_link_poll_now(void);
/* Carrier of the kernel interface behind an AF_PACKET vdev ("net_af_packet0,
 * iface=veth0,..."): 1 up, 0 down (or gone), -1 when device is not one. */
int vn_link_kernel_state(const char *device);

#endif
