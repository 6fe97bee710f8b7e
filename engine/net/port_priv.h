/* DPDK ports behind interfaces (engine-private). */
#ifndef VN_PORT_PRIV_H
#define VN_PORT_PRIV_H

#include <vecnet/net/interface.h>

#include <vecnet/net/port.h>

#define VN_RX_DESC 1024
#define VN_TX_DESC 1024

/* Assigns every RX queue of every interface to a forwarding thread (once, at
 * start): explicitly (the interface's rx_workers) or round-robin. Worker w is
 * then thread fwd_thread_index[w]. */
int vn_rxq_place(uint32_t n_fwd_threads, const uint32_t *fwd_thread_index);
/* Moves RX queue `queue` of an interface to worker `worker` while traffic
 * flows; the old thread has stopped polling it before the new one starts
 * (rxq.c says how). 0 (also when it is there already), -ENODEV (no such
 * interface, or no DPDK port), -ERANGE (no such queue), -EINVAL (no such
 * worker) or -ENOMEM; nothing changed on error. Control plane only. */
int vn_rxq_move(uint32_t if_index, uint16_t queue, uint32_t worker);
/* A new interface's RX queues join the least loaded workers (or those its
 * rx_workers name) at once; before start, vn_rxq_place places them. */
int vn_rxq_add_interface(uint32_t if_index);
/* Its queues leave every thread; returns once none polls them (after a grace
 * period), so the device may be closed. -ENOMEM leaves them placed. */
int vn_rxq_remove_interface(uint32_t if_index);
/* The workers placement knows (the forwarding threads, the main thread alone
 * with `workers: []`) and the thread index of worker w (UINT32_MAX if none). */
uint32_t vn_rxq_worker_count(void);
uint32_t vn_rxq_worker_thread(uint32_t worker);

/* Number of TX queues each port gets: one per forwarding thread. */
void vn_port_set_tx_queues(uint16_t n);
uint16_t vn_port_tx_queues_wanted(void);
/* Finds the DPDK port for ifp->device (probed by EAL), configures and starts it;
 * fills port_id, driver, mac. */
int vn_port_open(struct vn_interface *ifp);
/* The same for a DPDK port already found (port). */
int vn_port_open_dpdk(struct vn_interface *ifp, uint16_t port);
/* Probes the vdev `vdev` with `args` now (hotplug: tap, memif) and opens its
 * port; on failure the vdev is removed again. vn_port_close removes it. With
 * start_may_fail, a port that does not start yet (a memif slave whose master
 * is not there) is kept, configured, for its module to start later. */
int vn_port_open_vdev(struct vn_interface *ifp, const char *vdev, const char *args,
		      bool start_may_fail);
/* Stops and closes the interface's port, DPDK or own; port_id becomes none. */
void vn_port_close(struct vn_interface *ifp);
/* Control operations on any port (own ports dispatch to their class). */
bool vn_port_link_up(uint16_t port_id);
int vn_port_set_mtu(uint16_t port_id, uint16_t mtu);
/* True for a device vecnet opens itself ("host:VETH", "loopback", "tap:...",
 * "memif:..."): EAL is not told of it. */
bool vn_device_is_own(const char *device);
/* The DPDK device name of a config `device` string (text before the first comma). */
void vn_port_device_name(const char *device, char *name, size_t len);

#endif
