/*
 * Static mappings as an immutable lookup table: the control plane keeps the
 * list (nat44_main.static_list) and, on every change, builds a new table and
 * publishes it by pointer; workers read it without locks and the old one is
 * freed after an RCU grace period. Three open-addressed indexes over the
 * entries: by external (addr, port, proto), by local (addr, port, proto), and
 * by external address alone (is this address ours? for hairpinning).
 * Address-only mappings are keyed with port 0 and protocol 0.
 */
#include <stdlib.h>
#include <string.h>

#include "nat44.h"

static inline uint32_t
skey_hash(uint32_t addr, uint16_t port, uint8_t proto)
{
	return rte_hash_crc_4byte(addr, ((uint32_t)port << 8) | proto);
}

typedef bool (*skey_eq)(const struct nat44_static *e, uint32_t addr, uint16_t port, uint8_t proto);

static bool
eq_ext(const struct nat44_static *e, uint32_t addr, uint16_t port, uint8_t proto)
{
	return e->ext_addr == addr && e->ext_port == port && e->proto == proto;
}

static bool
eq_local(const struct nat44_static *e, uint32_t addr, uint16_t port, uint8_t proto)
{
	return e->local_addr == addr && e->local_port == port && e->proto == proto;
}

static bool
eq_ext_addr(const struct nat44_static *e, uint32_t addr, uint16_t port, uint8_t proto)
{
	return e->ext_addr == addr;
}

static const struct nat44_static *
probe(const struct nat44_static_table *t, const uint32_t *idx, skey_eq eq, uint32_t addr,
      uint16_t port, uint8_t proto)
{
	uint32_t h = skey_hash(addr, port, proto) & t->mask;

	for (uint32_t i = 0; i <= t->mask; i++, h = (h + 1) & t->mask) {
		uint32_t e = idx[h];
		if (e == 0)
			return NULL;
		if (eq(&t->ent[e - 1], addr, port, proto))
			return &t->ent[e - 1];
	}
	return NULL;
}

static void
insert(struct nat44_static_table *t, uint32_t *idx, uint32_t addr, uint16_t port, uint8_t proto,
       uint32_t e)
{
	uint32_t h = skey_hash(addr, port, proto) & t->mask;

	while (idx[h] != 0)
		h = (h + 1) & t->mask;
	idx[h] = e + 1;
}

const struct nat44_static *
nat44_static_by_ext(const struct nat44_static_table *t, uint32_t addr, uint16_t port,
		    uint8_t proto)
{
	const struct nat44_static *m;

	if (!t || t->n == 0)
		return NULL;
	if (proto && (m = probe(t, t->by_ext, eq_ext, addr, port, proto)))
		return m;
	return probe(t, t->by_ext, eq_ext, addr, 0, 0);
}

const struct nat44_static *
nat44_static_by_local(const struct nat44_static_table *t, uint32_t addr, uint16_t port,
		      uint8_t proto)
{
	const struct nat44_static *m;

	if (!t || t->n == 0)
		return NULL;
	if (proto && (m = probe(t, t->by_local, eq_local, addr, port, proto)))
		return m;
	return probe(t, t->by_local, eq_local, addr, 0, 0);
}

bool
nat44_static_has_ext_addr(const struct nat44_static_table *t, uint32_t addr)
{
	uint32_t *idx;

	if (!t || t->n == 0)
		return false;
	idx = t->by_ext + 2 * (t->mask + 1); /* the third index follows by_local */
	return probe(t, idx, eq_ext_addr, addr, 0, 0) != NULL;
}

struct nat44_static_table *
nat44_static_build(const struct nat44_static *list, uint32_t n)
{
	struct nat44_static_table *t = calloc(1, sizeof(*t));
	uint32_t slots = 16, *by_addr;

	if (!t)
		return NULL;
	while (slots < 2 * n)
		slots <<= 1;
	t->n = n;
	t->mask = slots - 1;
	t->ent = malloc((n ? n : 1) * sizeof(*t->ent));
	t->by_ext = calloc(3 * (size_t)slots, sizeof(uint32_t));
	if (!t->ent || !t->by_ext) {
		nat44_static_free(t);
		return NULL;
	}
	t->by_local = t->by_ext + slots;
	by_addr = t->by_ext + 2 * slots;
	if (n)
		memcpy(t->ent, list, n * sizeof(*list));
	for (uint32_t i = 0; i < n; i++) {
		const struct nat44_static *e = &t->ent[i];
		insert(t, t->by_ext, e->ext_addr, e->ext_port, e->proto, i);
		insert(t, t->by_local, e->local_addr, e->local_port, e->proto, i);
		/* Identity mappings name inside addresses: not ours to hairpin. */
		if (!e->is_identity && !probe(t, by_addr, eq_ext_addr, e->ext_addr, 0, 0))
			insert(t, by_addr, e->ext_addr, 0, 0, i);
	}
	return t;
}

void
nat44_static_free(void *p)
{
	struct nat44_static_table *t = p;

	if (!t)
		return;
	free(t->ent);
	free(t->by_ext);
	free(t);
}
