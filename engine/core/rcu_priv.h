/* RCU set-up and reader registration, by the engine's threads (core-private). */
#ifndef VN_RCU_PRIV_H
#define VN_RCU_PRIV_H

#include <vecnet/rcu.h>

int vn_rcu_init(uint32_t max_threads);
/* A forwarding thread starts or stops reading (and reporting quiescent states). */
void vn_rcu_thread_online(uint32_t thread_index);
void vn_rcu_thread_offline(uint32_t thread_index);

#endif
