/* DPDK ports behind interfaces (engine-private). */
#ifndef VN_PORT_PRIV_H
#define VN_PORT_PRIV_H

#include <vecnet/net/interface.h>

#include <vecnet/net/port.h>

#define VN_RX_DESC 1024
#define VN_TX_DESC 1024

/* Assigns every RX queue of every interface to a forwarding thread (once, at
 * start): explicitly (the interface's rx_workers) or round-robin. */
int vn_rxq_place(uint32_t n_fwd_threads, const uint32_t *fwd_thread_index);

/* Number of TX queues each port gets: one per forwarding thread. */
void vn_port_set_tx_queues(uint16_t n);
uint16_t vn_port_tx_queues_wanted(void);
/* Finds the DPDK port for ifp->device (probed by EAL), configures and starts it;
 * fills port_id, driver, mac. */
int vn_port_open(struct vn_interface *ifp);
void vn_port_close(struct vn_interface *ifp);
/* The DPDK device name of a config `device` string (text before the first comma). */
void vn_port_device_name(const char *device, char *name, size_t len);

#endif
