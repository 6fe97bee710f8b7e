/*
 * Free lists of LPM groups (the IPv4 writer's tbl8 groups, the IPv6 table's
 * groups) whose release waits for an RCU grace period: a worker that read the
 * entry pointing to a group just before it was unlinked may still walk it, so
 * the group is cleared and reused only once every worker has been quiescent
 * (rte_rcu_qsbr defer queue on vn_rcu). Without vn_rcu (no reader threads)
 * a release is immediate. Single writer: the main thread.
 */
#define VN_LOG_MOD "fib"
#include <errno.h>
#include <stdlib.h>

#include <vecnet/rcu.h>

#include "net/fib_priv.h"

static void
pool_put(struct vn_tbl8_pool *p, uint32_t g)
{
	if (p->clear)
		p->clear(g);
	p->free[p->n_free++] = g;
}

static void
pool_dq_free(void *pool, void *e, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		pool_put(pool, ((uint32_t *)e)[i]);
}

int
vn_tbl8_pool_init(struct vn_tbl8_pool *p, const char *name, uint32_t n, void (*clear)(uint32_t))
{
	*p = (struct vn_tbl8_pool){.n = n, .clear = clear};
	p->free = malloc((size_t)n * sizeof(*p->free));
	if (!p->free)
		return -ENOMEM;
	/* Hand out low groups first: keeps the touched part of the table small. */
	for (p->n_free = 0; p->n_free < n; p->n_free++)
		p->free[p->n_free] = n - 1 - p->n_free;
	if (vn_rcu) {
		struct rte_rcu_qsbr_dq_parameters params = {
		    .name = name,
		    .size = n,
		    .esize = sizeof(uint32_t),
		    .trigger_reclaim_limit = 64,
		    .max_reclaim_size = 64,
		    .free_fn = pool_dq_free,
		    .p = p,
		    .v = vn_rcu,
		};
		p->dq = rte_rcu_qsbr_dq_create(&params);
		if (!p->dq) {
			vn_tbl8_pool_fini(p);
			return -ENOMEM;
		}
	}
	return 0;
}

void
vn_tbl8_pool_fini(struct vn_tbl8_pool *p)
{
	if (p->dq)
		rte_rcu_qsbr_dq_delete(p->dq);
	free(p->free);
	*p = (struct vn_tbl8_pool){0};
}

int
vn_tbl8_pool_get(struct vn_tbl8_pool *p, uint32_t *g)
{
	if (p->n_free == 0 && vn_tbl8_pool_free(p, 1) == 0)
		return -ENOSPC;
	*g = p->free[--p->n_free];
	return 0;
}

void
vn_tbl8_pool_release(struct vn_tbl8_pool *p, uint32_t g)
{
	if (!p->dq) {
		pool_put(p, g);
		return;
	}
	if (rte_rcu_qsbr_dq_enqueue(p->dq, &g) != 0) {
		rte_rcu_qsbr_synchronize(vn_rcu, RTE_QSBR_THRID_INVALID);
		pool_put(p, g);
	}
}

uint32_t
vn_tbl8_pool_free(struct vn_tbl8_pool *p, uint32_t want)
{
	unsigned int pending = 0;

	if (!p->dq)
		return p->n_free;
	rte_rcu_qsbr_dq_reclaim(p->dq, p->n, NULL, &pending, NULL);
	/* Short only because workers have not moved on yet (a burst of deletes
	 * and adds, a worker descheduled): wait for them rather than refuse. */
	if (p->n_free < want && pending > 0) {
		rte_rcu_qsbr_synchronize(vn_rcu, RTE_QSBR_THRID_INVALID);
		rte_rcu_qsbr_dq_reclaim(p->dq, p->n, NULL, NULL, NULL);
	}
	return p->n_free;
}

uint32_t
vn_tbl8_pool_used(struct vn_tbl8_pool *p)
{
	return p->n - vn_tbl8_pool_free(p, 0);
}
