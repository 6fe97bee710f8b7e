/*
 * The timing wheel: NSIM_SLOTS lists of entries, slot = due tick mod
 * NSIM_SLOTS, entries preallocated and kept on a free list, so holding a
 * packet allocates nothing. A slot's list is FIFO: a link's packets are due
 * in the order they came (same delay, serialised one after another) and
 * leave in that order; a reordered one is due later and lands further on.
 * An entry due more than one turn ahead stays in its slot while the wheel
 * passes it (a 10 ms delay is well inside a turn; a 1 s delay costs a few
 * extra looks).
 */
#include <errno.h>
#include <rte_malloc.h>

#include "nsim.h"

#define SLOT_MASK (NSIM_SLOTS - 1)

struct nsim_wheel *
nsim_wheel_create(uint32_t cap)
{
	struct nsim_wheel *w;

	w = rte_zmalloc("nsim_wheel", sizeof(*w) + (size_t)cap * sizeof(struct nsim_entry),
			RTE_CACHE_LINE_SIZE);
	if (!w)
		return NULL;
	w->cap = cap;
	for (uint32_t i = 0; i < cap; i++)
		w->e[i].next = i + 1 < cap ? i + 1 : NSIM_NIL;
	w->free_head = cap ? 0 : NSIM_NIL;
	for (uint32_t s = 0; s < NSIM_SLOTS; s++)
		w->head[s] = w->tail[s] = NSIM_NIL;
	w->cur_tick = nsim_now() >> NSIM_TICK_SHIFT;
	return w;
}

static void
entry_put(struct nsim_wheel *w, uint32_t i)
{
	struct nsim_entry *e = &w->e[i];

	nsim_count(&w->cnt[e->link].held, (uint64_t)-1);
	e->m = NULL;
	e->next = w->free_head;
	w->free_head = i;
	w->n_held--;
}

void
nsim_wheel_destroy(struct nsim_wheel *w)
{
	if (!w)
		return;
	for (uint32_t s = 0; s < NSIM_SLOTS; s++)
		for (uint32_t i = w->head[s]; i != NSIM_NIL; i = w->e[i].next) {
			rte_pktmbuf_free(w->e[i].m);
			nsim_count(&w->cnt[w->e[i].link].freed, 1);
		}
	rte_free(w);
}

int
nsim_wheel_hold(struct nsim_wheel *w, struct rte_mbuf *m, uint64_t now, uint64_t due,
		struct vn_node *to, uint16_t link, uint16_t gen)
{
	uint64_t tick = due >> NSIM_TICK_SHIFT;
	uint32_t i = w->free_head, s;

	if (i == NSIM_NIL)
		return -ENOSPC;
	/* An empty wheel is not polled: it starts again from now. */
	if (w->n_held == 0)
		w->cur_tick = now >> NSIM_TICK_SHIFT;
	/* A slot the wheel has passed would wait a whole turn: use the next one looked at. */
	if (tick < w->cur_tick)
		tick = w->cur_tick;
	s = tick & SLOT_MASK;
	w->free_head = w->e[i].next;
	w->e[i] = (struct nsim_entry){
	    .m = m, .due = due, .to = to, .next = NSIM_NIL, .link = link, .gen = gen};
	if (w->tail[s] == NSIM_NIL)
		w->head[s] = i;
	else
		w->e[w->tail[s]].next = i;
	w->tail[s] = i;
	w->n_held++;
	nsim_count(&w->cnt[link].held, 1);
	return 0;
}

/* Takes the due entries out of slot s (up to room); true when none is left
 * due in it. */
static bool
slot_release(struct nsim_wheel *w, uint32_t s, uint64_t now, struct rte_mbuf **m,
	     struct vn_node **to, uint16_t *link, uint16_t *n, uint16_t room)
{
	uint32_t prev = NSIM_NIL, i = w->head[s];

	while (i != NSIM_NIL) {
		struct nsim_entry *e = &w->e[i];
		uint32_t next = e->next;

		if (e->due > now) {
			prev = i;
			i = next;
			continue;
		}
		if (*n == room)
			return false;
		m[*n] = e->m;
		to[*n] = e->to;
		link[*n] = e->link;
		(*n)++;
		if (prev == NSIM_NIL)
			w->head[s] = next;
		else
			w->e[prev].next = next;
		if (w->tail[s] == i)
			w->tail[s] = prev;
		entry_put(w, i);
		i = next;
	}
	return true;
}

uint16_t
nsim_wheel_release(struct nsim_wheel *w, uint64_t now, struct rte_mbuf **m, struct vn_node **to,
		   uint16_t *link, uint16_t max)
{
	uint64_t now_tick = now >> NSIM_TICK_SHIFT;
	uint16_t n = 0;

	if (w->n_held == 0) {
		w->cur_tick = now_tick;
		return 0;
	}
	/* Behind by more than a turn (a stalled thread): every slot is looked at
	 * once, which finds everything due. */
	if (now_tick >= w->cur_tick + NSIM_SLOTS)
		w->cur_tick = now_tick - NSIM_SLOTS + 1;
	while (w->cur_tick <= now_tick && w->n_held) {
		if (!slot_release(w, w->cur_tick & SLOT_MASK, now, m, to, link, &n, max))
			return n; /* full: this slot again next time */
		w->cur_tick++;
	}
	/* cur_tick may be one past now: the current slot was emptied of what
	 * is due, and what comes due later in this tick waits for the next. */
	if (w->cur_tick > now_tick)
		w->cur_tick = now_tick;
	return n;
}

uint32_t
nsim_wheel_flush(struct nsim_wheel *w, const uint16_t *gen, const bool *on)
{
	uint32_t n = 0;

	for (uint32_t s = 0; s < NSIM_SLOTS && w->n_held; s++) {
		uint32_t prev = NSIM_NIL, i = w->head[s];
		while (i != NSIM_NIL) {
			struct nsim_entry *e = &w->e[i];
			uint32_t next = e->next;
			if (on[e->link] && e->gen == gen[e->link]) {
				prev = i;
				i = next;
				continue;
			}
			rte_pktmbuf_free(e->m);
			nsim_count(&w->cnt[e->link].freed, 1);
			if (prev == NSIM_NIL)
				w->head[s] = next;
			else
				w->e[prev].next = next;
			if (w->tail[s] == i)
				w->tail[s] = prev;
			entry_put(w, i);
			n++;
			i = next;
		}
	}
	return n;
}
