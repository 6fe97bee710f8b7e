/*
 * Quiescent-state RCU over rte_rcu_qsbr. Worker threads report a quiescent
 * state once per main-loop iteration (between graph walks, when they hold no
 * table pointers); the control plane publishes a new object, waits for a
 * grace period, then frees the old one.
 */
#ifndef VECNET_RCU_H
#define VECNET_RCU_H

#include <rte_rcu_qsbr.h>

extern struct rte_rcu_qsbr *vn_rcu;

static inline void
vn_rcu_quiescent(uint32_t thread_index)
{
	rte_rcu_qsbr_quiescent(vn_rcu, thread_index);
}
/* Waits until every online reader thread has passed a quiescent state. */
void vn_rcu_synchronize(void);
/* Waits for a grace period, then frees p with free_fn (control plane only). */
void vn_rcu_free(void *p, void (*free_fn)(void *));

#endif
