/*
 * Per-session byte FIFOs. The rx FIFO takes out-of-order bytes in place,
 * past its tail, and remembers their intervals; when the bytes before them
 * arrive the tail jumps over them, so the application reads everything in
 * order and nothing is copied twice.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp/tcp_priv.h"

int
tcp_fifo_init(struct tcp_fifo *f, uint32_t size)
{
	memset(f, 0, sizeof(*f));
	if (size < 2 || (size & (size - 1)))
		return -EINVAL;
	f->data = malloc(size);
	if (!f->data)
		return -ENOMEM;
	f->size = size;
	f->mask = size - 1;
	return 0;
}

void
tcp_fifo_free(struct tcp_fifo *f)
{
	free(f->data);
	memset(f, 0, sizeof(*f)); /* size 0: no room, nothing to read */
}

/* Copies len bytes to absolute position pos, wrapping. */
static void
fifo_copy_in(struct tcp_fifo *f, uint32_t pos, const uint8_t *buf, uint32_t len)
{
	uint32_t at = pos & f->mask, first = VN_MIN(len, f->size - at);

	memcpy(f->data + at, buf, first);
	memcpy(f->data, buf + first, len - first);
}

static void
fifo_copy_out(const struct tcp_fifo *f, uint32_t pos, uint8_t *buf, uint32_t len)
{
	uint32_t at = pos & f->mask, first = VN_MIN(len, f->size - at);

	memcpy(buf, f->data + at, first);
	memcpy(buf + first, f->data, len - first);
}

uint32_t
tcp_fifo_write(struct tcp_fifo *f, const void *buf, uint32_t len)
{
	len = VN_MIN(len, tcp_fifo_free_space(f));
	if (len == 0)
		return 0;
	fifo_copy_in(f, f->tail, buf, len);
	f->tail += len;
	return len;
}

/* Removes interval i, keeping the others in order. */
static void
fifo_ooo_remove(struct tcp_fifo *f, uint32_t i)
{
	memmove(&f->ooo[i], &f->ooo[i + 1], (f->n_ooo - i - 1) * sizeof(f->ooo[0]));
	f->n_ooo--;
}

/* Adds [start, end) to the interval list, merging every interval it touches.
 * The list is kept sorted by start. */
static int
fifo_ooo_add(struct tcp_fifo *f, uint32_t start, uint32_t end)
{
	uint32_t i = 0;

	while (i < f->n_ooo) {
		uint32_t s = f->ooo[i].start, e = f->ooo[i].end;
		if (seq_lt(end, s) || seq_gt(start, e)) { /* apart */
			i++;
			continue;
		}
		if (seq_lt(s, start))
			start = s;
		if (seq_gt(e, end))
			end = e;
		fifo_ooo_remove(f, i);
	}
	if (f->n_ooo == TCP_FIFO_OOO_MAX)
		return -E2BIG;
	for (i = 0; i < f->n_ooo && seq_lt(f->ooo[i].start, start); i++)
		;
	memmove(&f->ooo[i + 1], &f->ooo[i], (f->n_ooo - i) * sizeof(f->ooo[0]));
	f->ooo[i].start = start;
	f->ooo[i].end = end;
	f->n_ooo++;
	return 0;
}

/* Would [start, end) need a new interval slot (touches none)? */
static bool
fifo_ooo_needs_slot(const struct tcp_fifo *f, uint32_t start, uint32_t end)
{
	for (uint32_t i = 0; i < f->n_ooo; i++)
		if (!(seq_lt(end, f->ooo[i].start) || seq_gt(start, f->ooo[i].end)))
			return false;
	return true;
}

/* Copies len bytes to pos, except those out-of-order intervals already
 * hold: the first copy of a byte stays, as it does for bytes already in
 * order, so a later segment saying other bytes for the same sequence
 * numbers changes nothing the application reads. */
static void
fifo_copy_new(struct tcp_fifo *f, uint32_t pos, const uint8_t *buf, uint32_t len)
{
	uint32_t start = pos, end = pos + len;

	for (uint32_t i = 0; i < f->n_ooo && seq_lt(pos, end); i++) {
		uint32_t s = f->ooo[i].start, e = f->ooo[i].end;
		if (seq_leq(e, pos))
			continue;
		if (seq_geq(s, end))
			break;
		if (seq_lt(pos, s))
			fifo_copy_in(f, pos, buf + (pos - start), s - pos);
		pos = e;
	}
	if (seq_lt(pos, end))
		fifo_copy_in(f, pos, buf + (pos - start), end - pos);
}

int
tcp_fifo_write_at(struct tcp_fifo *f, uint32_t off, const void *buf, uint32_t len)
{
	uint32_t old_tail = f->tail;

	if ((uint64_t)off + len > tcp_fifo_free_space(f))
		return -ENOSPC;
	if (len == 0)
		return 0;
	if (off > 0) {
		uint32_t start = f->tail + off, end = start + len;
		if (f->n_ooo == TCP_FIFO_OOO_MAX && fifo_ooo_needs_slot(f, start, end))
			return -E2BIG;
		fifo_copy_new(f, start, buf, len);
		fifo_ooo_add(f, start, end); /* cannot fail: checked above */
		return 0;
	}
	fifo_copy_new(f, f->tail, buf, len);
	f->tail += len;
	/* Intervals now reached (or passed) become readable; the bytes they
	 * held were kept. */
	while (f->n_ooo && seq_leq(f->ooo[0].start, f->tail)) {
		if (seq_gt(f->ooo[0].end, f->tail))
			f->tail = f->ooo[0].end;
		fifo_ooo_remove(f, 0);
	}
	return (int)(f->tail - old_tail);
}

uint32_t
tcp_fifo_peek(const struct tcp_fifo *f, uint32_t off, void *buf, uint32_t len)
{
	uint32_t have = tcp_fifo_len(f);

	if (off >= have)
		return 0;
	len = VN_MIN(len, have - off);
	fifo_copy_out(f, f->head + off, buf, len);
	return len;
}

uint32_t
tcp_fifo_read(struct tcp_fifo *f, void *buf, uint32_t len)
{
	len = tcp_fifo_peek(f, 0, buf, len);
	f->head += len;
	return len;
}

void
tcp_fifo_drop(struct tcp_fifo *f, uint32_t len)
{
	f->head += VN_MIN(len, tcp_fifo_len(f));
}
