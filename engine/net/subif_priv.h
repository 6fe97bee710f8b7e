/* Sub-interfaces: what the interface table asks of them (engine-private). */
#ifndef VN_SUBIF_PRIV_H
#define VN_SUBIF_PRIV_H

#include <vecnet/net/vlan.h>

/* Makes fp (being published) a sub-interface's: the parent's port, MAC,
 * queues and link, admin state gated by the parent's, the tags. Does
 * nothing for an interface that is not a sub-interface. */
void vn_subif_fp_fill(struct vn_if_fp *fp);
/* Republishes the sub-interfaces of parent after its own state changed. */
void vn_subif_publish_children(uint32_t parent);
/* True if parent has sub-interfaces (it cannot go before them). */
bool vn_subif_has_children(uint32_t parent);
/* Forgets every sub-interface and VLAN map (the table is being closed). */
void vn_subif_forget_all(void);

#endif
