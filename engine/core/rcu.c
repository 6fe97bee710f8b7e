/* RCU for tables read by workers: rte_rcu_qsbr with one reader slot per thread. */
#define VN_LOG_MOD "rcu"
#include <errno.h>
#include <rte_malloc.h>
#include "core/rcu_priv.h"
#include <vecnet/common.h>

struct rte_rcu_qsbr *vn_rcu;

int
vn_rcu_init(uint32_t max_threads)
{
	size_t sz = rte_rcu_qsbr_get_memsize(max_threads);

	if (vn_rcu)
		return 0;
	vn_rcu = rte_zmalloc("vn_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (!vn_rcu)
		return -ENOMEM;
	if (rte_rcu_qsbr_init(vn_rcu, max_threads) != 0) {
		rte_free(vn_rcu);
		vn_rcu = NULL;
		return -EINVAL;
	}
	return 0;
}

void
vn_rcu_thread_online(uint32_t thread_index)
{
	rte_rcu_qsbr_thread_register(vn_rcu, thread_index);
	rte_rcu_qsbr_thread_online(vn_rcu, thread_index);
}

void
vn_rcu_thread_offline(uint32_t thread_index)
{
	rte_rcu_qsbr_thread_offline(vn_rcu, thread_index);
}

void
vn_rcu_synchronize(void)
{
	if (vn_rcu)
		rte_rcu_qsbr_synchronize(vn_rcu, RTE_QSBR_THRID_INVALID);
}

void
vn_rcu_free(void *p, void (*free_fn)(void *))
{
	if (!p)
		return;
	vn_rcu_synchronize();
	free_fn(p);
}
