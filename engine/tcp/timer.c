/*
 * The worker's timer wheel: 1 ms ticks, TCP_WHEEL_SLOTS slots; a timer
 * further out than one turn stays in its slot until its turn comes. Start
 * and stop are O(1) (doubly linked slot lists). Expiry first unlinks every
 * due timer of a slot into a batch and then calls back, because a callback
 * may stop or re-arm other timers of the same batch: each batch entry keeps
 * its handle, and one whose generation moved on is skipped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp/tcp_priv.h"

#define TIMER_NONE UINT32_MAX

int
tcp_wheel_init(struct tcp_wheel *w, uint64_t now)
{
	memset(w, 0, sizeof(*w));
	for (uint32_t i = 0; i < TCP_WHEEL_SLOTS; i++)
		w->slots[i] = TIMER_NONE;
	w->free_head = TIMER_NONE;
	w->now = now;
	return 0;
}

void
tcp_wheel_fini(struct tcp_wheel *w)
{
	free(w->e);
	w->e = NULL;
}

static int
wheel_grow(struct tcp_wheel *w)
{
	uint32_t n = w->n_entries ? w->n_entries * 2 : 1024;
	struct tcp_timer_entry *e = realloc(w->e, n * sizeof(*e));

	if (!e)
		return -ENOMEM;
	for (uint32_t i = w->n_entries; i < n; i++) {
		e[i] = (struct tcp_timer_entry){.next = i + 1 < n ? i + 1 : w->free_head};
	}
	w->free_head = w->n_entries;
	w->e = e;
	w->n_entries = n;
	return 0;
}

static void
wheel_unlink(struct tcp_wheel *w, uint32_t i)
{
	struct tcp_timer_entry *e = &w->e[i];

	if (e->prev != TIMER_NONE)
		w->e[e->prev].next = e->next;
	else
		w->slots[e->slot] = e->next;
	if (e->next != TIMER_NONE)
		w->e[e->next].prev = e->prev;
}

static void
wheel_release(struct tcp_wheel *w, uint32_t i)
{
	struct tcp_timer_entry *e = &w->e[i];

	e->is_armed = false;
	e->gen++;
	e->next = w->free_head;
	w->free_head = i;
	w->n_armed--;
}

tcp_timer_handle
tcp_wheel_start(struct tcp_wheel *w, uint32_t conn, uint8_t type, uint64_t ticks)
{
	struct tcp_timer_entry *e;
	uint32_t i;

	if (w->free_head == TIMER_NONE && wheel_grow(w) < 0)
		return 0;
	i = w->free_head;
	e = &w->e[i];
	w->free_head = e->next;
	if (ticks == 0)
		ticks = 1; /* never in the slot being processed */
	e->expire = w->now + ticks;
	e->conn = conn;
	e->type = type;
	e->is_armed = true;
	e->slot = e->expire % TCP_WHEEL_SLOTS;
	e->prev = TIMER_NONE;
	e->next = w->slots[e->slot];
	if (e->next != TIMER_NONE)
		w->e[e->next].prev = i;
	w->slots[e->slot] = i;
	w->n_armed++;
	return ((uint64_t)e->gen << 32) | (i + 1);
}

void
tcp_wheel_stop(struct tcp_wheel *w, tcp_timer_handle h)
{
	uint32_t i = (uint32_t)h - 1;

	if (h == 0 || i >= w->n_entries)
		return;
	if (!w->e[i].is_armed || w->e[i].gen != (uint32_t)(h >> 32))
		return;
	wheel_unlink(w, i);
	wheel_release(w, i);
}

#define WHEEL_BATCH 256

uint32_t
tcp_wheel_advance(struct tcp_wheel *w, uint64_t now, tcp_timer_fn fn, void *ctx)
{
	tcp_timer_handle batch[WHEEL_BATCH];
	uint32_t n_fired = 0;

	/* A long pause (a stalled thread) need not walk the wheel more than once. */
	if (now > w->now + TCP_WHEEL_SLOTS)
		w->now = now - TCP_WHEEL_SLOTS;
	while (w->now < now) {
		uint32_t slot, n = 0, i, next;
		bool more = false;

		w->now++;
		slot = w->now % TCP_WHEEL_SLOTS;
		for (i = w->slots[slot]; i != TIMER_NONE; i = next) {
			next = w->e[i].next;
			if (w->e[i].expire > now)
				continue; /* a later turn */
			if (n == WHEEL_BATCH) {
				more = true;
				break;
			}
			batch[n++] = ((uint64_t)w->e[i].gen << 32) | (i + 1);
		}
		for (uint32_t k = 0; k < n; k++) {
			uint32_t j = (uint32_t)batch[k] - 1;
			struct tcp_timer_entry *e = &w->e[j];
			uint32_t conn;
			uint8_t type;
			/* Stopped or re-armed by an earlier callback of this batch. */
			if (!e->is_armed || e->gen != (uint32_t)(batch[k] >> 32))
				continue;
			conn = e->conn;
			type = e->type;
			wheel_unlink(w, j);
			wheel_release(w, j);
			fn(ctx, conn, type);
			n_fired++;
		}
		if (more)
			w->now--; /* the rest of this slot next round */
	}
	return n_fired;
}
