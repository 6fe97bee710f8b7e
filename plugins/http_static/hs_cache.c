/*
 * The file cache of one server on one worker: path -> body and prebuilt
 * header lines, bounded in bytes, least recently used evicted first.
 *
 * Per worker, not shared: a miss fills it on the data path, and a shared
 * cache would need a lock or a hand-off to the main thread for every
 * insertion; per worker, a hit is a hash lookup with no atomics, at the
 * cost of one copy of a hot file per worker (cache-size is per worker).
 * An entry a response is still sending from is referenced: eviction and
 * invalidation unhash it at once but free it at the last unref.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <rte_hash_crc.h>

#include "hs.h"

#define HS_CACHE_BUCKETS 4096 /* power of two */

struct hs_cache_entry {
	struct hs_cache_entry *hnext; /* hash chain */
	struct hs_cache_entry *prev, *next; /* LRU, most recent first */
	uint32_t hash, refs;
	bool is_hashed;
	time_t checked; /* last stat against the disk */
	struct hs_file f;
	uint32_t path_len;
	char path[]; /* then the head, then the body */
};

struct hs_cache {
	uint64_t limit, bytes, entries, evictions;
	struct hs_cache_entry lru; /* list head */
	struct hs_cache_entry *buckets[HS_CACHE_BUCKETS];
};

static uint64_t
entry_cost(const struct hs_cache_entry *e)
{
	return e->f.size + e->f.head_len + e->path_len + sizeof(*e);
}

struct hs_cache *
hs_cache_create(uint64_t size_limit)
{
	struct hs_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->limit = size_limit;
	c->lru.prev = c->lru.next = &c->lru;
	return c;
}

static void
unhash(struct hs_cache *c, struct hs_cache_entry *e)
{
	struct hs_cache_entry **pp = &c->buckets[e->hash & (HS_CACHE_BUCKETS - 1)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->is_hashed = false;
	c->bytes -= entry_cost(e);
	c->entries--;
}

static void
drop(struct hs_cache *c, struct hs_cache_entry *e)
{
	if (e->is_hashed)
		unhash(c, e);
	if (e->refs == 0)
		free(e);
}

void
hs_cache_destroy(struct hs_cache *c)
{
	if (!c)
		return;
	while (c->lru.next != &c->lru) {
		struct hs_cache_entry *e = c->lru.next;
		unhash(c, e);
		free(e); /* no session of a destroyed server refers to it */
	}
	free(c);
}

static void
lru_front(struct hs_cache *c, struct hs_cache_entry *e)
{
	e->prev = &c->lru;
	e->next = c->lru.next;
	c->lru.next->prev = e;
	c->lru.next = e;
}

struct hs_cache_entry *
hs_cache_get(struct hs_cache *c, const char *path, uint32_t len, time_t now, bool *is_stale)
{
	uint32_t h = rte_hash_crc(path, len, 0);
	struct hs_cache_entry *e = c->buckets[h & (HS_CACHE_BUCKETS - 1)];

	for (; e; e = e->hnext)
		if (e->hash == h && e->path_len == len && memcmp(e->path, path, len) == 0)
			break;
	*is_stale = false;
	if (!e)
		return NULL;
	if (e->checked != now) {
		*is_stale = true; /* the caller stats the file: hs_cache_revalidate */
		return NULL;
	}
	e->prev->next = e->next;
	e->next->prev = e->prev;
	lru_front(c, e);
	e->refs++;
	return e;
}

/* An entry whose last check is older than a second: still the file on disk
 * (fd open on it now) if size and mtime agree; else it is dropped. */
struct hs_cache_entry *
hs_cache_revalidate(struct hs_cache *c, const char *path, uint32_t len, const struct stat *st,
		    time_t now)
{
	uint32_t h = rte_hash_crc(path, len, 0);
	struct hs_cache_entry *e = c->buckets[h & (HS_CACHE_BUCKETS - 1)];

	for (; e; e = e->hnext)
		if (e->hash == h && e->path_len == len && memcmp(e->path, path, len) == 0)
			break;
	if (!e)
		return NULL;
	if ((uint64_t)st->st_size != e->f.size || st->st_mtime != e->f.mtime) {
		drop(c, e);
		return NULL;
	}
	e->checked = now;
	e->prev->next = e->next;
	e->next->prev = e->prev;
	lru_front(c, e);
	e->refs++;
	return e;
}

struct hs_cache_entry *
hs_cache_put(struct hs_cache *c, const char *path, uint32_t len, int fd, const struct hs_file *f,
	     time_t now)
{
	struct hs_cache_entry *e;
	uint64_t cost = f->size + f->head_len + len + sizeof(*e), got = 0;

	/* A file larger than a quarter of the cache would evict most of it
	 * for one client: it is streamed instead. */
	if (cost > c->limit / 4)
		return NULL;
	e = malloc(sizeof(*e) + len + 1 + f->head_len + f->size);
	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->path_len = len;
	memcpy(e->path, path, len);
	e->path[len] = 0;
	e->f = *f;
	e->f.head = e->path + len + 1;
	memcpy(e->f.head, f->head, f->head_len);
	e->f.body = (uint8_t *)e->f.head + f->head_len;
	e->f.fd = -1;
	while (got < f->size) {
		ssize_t n = pread(fd, e->f.body + got, f->size - got, (off_t)got);
		if (n <= 0) {
			free(e);
			return NULL;
		}
		got += (uint64_t)n;
	}
	/* Make room, oldest first; entries still sending are unhashed and
	 * freed by their last unref. */
	while (c->bytes + cost > c->limit && c->lru.prev != &c->lru) {
		drop(c, c->lru.prev);
		c->evictions++;
	}
	/* A stale entry of the same path (replaced on disk) goes too. */
	uint32_t h = rte_hash_crc(path, len, 0);
	for (struct hs_cache_entry *o = c->buckets[h & (HS_CACHE_BUCKETS - 1)]; o; o = o->hnext)
		if (o->hash == h && o->path_len == len && memcmp(o->path, path, len) == 0) {
			drop(c, o);
			break;
		}
	e->hash = h;
	e->checked = now;
	e->refs = 1;
	e->is_hashed = true;
	e->hnext = c->buckets[h & (HS_CACHE_BUCKETS - 1)];
	c->buckets[h & (HS_CACHE_BUCKETS - 1)] = e;
	lru_front(c, e);
	c->bytes += cost;
	c->entries++;
	return e;
}

void
hs_cache_unref(struct hs_cache *c, struct hs_cache_entry *e)
{
	(void)c;
	if (--e->refs == 0 && !e->is_hashed)
		free(e);
}

const struct hs_file *
hs_cache_file(const struct hs_cache_entry *e)
{
	return &e->f;
}

void
hs_cache_stats(const struct hs_cache *c, struct hs_cache_stats *st)
{
	st->entries = __atomic_load_n(&c->entries, __ATOMIC_RELAXED);
	st->bytes = __atomic_load_n(&c->bytes, __ATOMIC_RELAXED);
	st->evictions = __atomic_load_n(&c->evictions, __ATOMIC_RELAXED);
}

uint32_t
hs_file_head(char *buf, uint32_t size, const char *type, time_t mtime, uint64_t fsize,
	     uint32_t max_age)
{
	char date[32], etag[40];
	int n;

	hs_format_date(mtime, date);
	hs_format_etag(mtime, fsize, etag);
	n = snprintf(buf, size,
		     "Content-Type: %s\r\nLast-Modified: %s\r\nETag: %s\r\n"
		     "Cache-Control: max-age=%u\r\nAccept-Ranges: bytes\r\n",
		     type, date, etag, max_age);
	return n < 0 || (uint32_t)n >= size ? 0 : (uint32_t)n;
}
