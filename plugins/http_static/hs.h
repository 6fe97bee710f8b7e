/*
 * http_static: an HTTP/1.1 static file server on the session API
 * (docs/http.md). The map of the files:
 *   http_parse.c  request heads, paths, ranges, dates, media types (pure)
 *   hs_server.c   servers: start, stop, lookup, counters (main thread)
 *   hs_session.c  the app's callbacks: requests in, responses out, streaming
 *   hs_cache.c    per-worker file cache: LRU, prebuilt headers, bodies
 *   hs_sweep.c    node http-static-sweep: per-worker timeouts
 *   hs_cli.c      http static server ..., show http static server
 *   hs_config.c   the http-static: section
 *   hs_lua.c      vecnet.http_static_server()
 *
 * Threads: a server is made and retired by the main thread and read by
 * workers (published under RCU; a retired server's memory is reused only
 * once no session refers to it). Everything else -- sessions, the cache,
 * counters -- belongs to one worker: its callbacks and its sweep node run on
 * it, so nothing is locked. The main thread reads counters for `show`.
 */
#ifndef HS_H
#define HS_H

#include <stdint.h>
#include <rte_common.h>
#include <vecnet/common.h>
#include <vecnet/session.h>

#include "http_parse.h"

#define HS_SERVERS_MAX 16
#define HS_ROOT_MAX 512
#define HS_CHUNK 65536 /* bytes read per pread of a streamed file */

/* Counters of one server on one thread. */
enum hs_counter {
	HS_C_SESSIONS, /* accepted */
	HS_C_CLOSED, /* cleaned up: SESSIONS - CLOSED are live */
	HS_C_REQUESTS,
	HS_C_2XX,
	HS_C_3XX,
	HS_C_4XX,
	HS_C_5XX,
	HS_C_BYTES, /* response bytes written, heads included */
	HS_C_CACHE_HIT,
	HS_C_CACHE_MISS,
	HS_C_STREAMED, /* responses whose body came from pread, not the cache */
	HS_C_TIMEOUT_HEADER, /* a request head not complete in time */
	HS_C_TIMEOUT_IDLE, /* keep-alive connection idle */
	HS_C_TIMEOUT_SEND, /* the client did not read the answer */
	HS_C_RESET, /* connections the client reset */
	/* errors by reason: requests answered 4xx/5xx, one counter each */
	HS_C_E400,
	HS_C_E403,
	HS_C_E404,
	HS_C_E405,
	HS_C_E414,
	HS_C_E416,
	HS_C_E431,
	HS_C_E500,
	HS_C_E501,
	HS_C_E505,
	HS_C_MAX
};
extern const char *const hs_counter_names[HS_C_MAX];

struct hs_counters {
	uint64_t c[HS_C_MAX];
} __rte_cache_aligned;

struct hs_cache;

struct hs_server {
	/* Settings: fixed while the server is published. */
	struct vn_session_ep ep; /* the zero address: any of its family */
	int root_fd; /* O_PATH of www-root: files are opened beneath it */
	char root[HS_ROOT_MAX];
	uint64_t cache_size; /* bytes of file bodies, per worker */
	uint32_t keepalive_timeout; /* s */
	uint32_t header_timeout; /* s: a request head must be complete within */
	uint32_t send_timeout; /* s: the client must read something within */
	uint32_t max_age; /* s, Cache-Control */
	bool is_live; /* listening; false once stopped */
	/* Per worker: the worker's cache of this server and its counters. */
	struct hs_cache *cache[VN_THREAD_MAX];
	struct hs_counters cnt[VN_THREAD_MAX];
};

/* Settings of a server to start; the CLI, the config and Lua fill it. */
struct hs_server_conf {
	char uri[64];
	char root[HS_ROOT_MAX];
	uint64_t cache_size;
	uint32_t keepalive_timeout, header_timeout, send_timeout, max_age;
};
#define HS_DEFAULT_CACHE_SIZE (10u << 20)
#define HS_DEFAULT_KEEPALIVE 60
#define HS_DEFAULT_HEADER_TIMEOUT 60
#define HS_DEFAULT_SEND_TIMEOUT 60
#define HS_DEFAULT_MAX_AGE 600

void hs_server_conf_defaults(struct hs_server_conf *c);
/* Main thread. 0, or -EINVAL (uri), -ENOENT/-ENOTDIR (www-root), -EEXIST,
 * -ENOSPC, -EPERM (session layer off), -EADDRINUSE. */
int hs_server_start(const struct hs_server_conf *c);
/* -ENOENT when no server listens there. */
int hs_server_stop(const char *uri);
int hs_parse_uri(const char *uri, struct vn_session_ep *ep);
/* Parses "N", "Nk", "Nm", "Ng" into bytes; -EINVAL. */
int hs_parse_size(const char *s, uint64_t *bytes);

/* The server listening on local (a session's local endpoint: a worker, at
 * accept), or NULL. */
struct hs_server *hs_server_find(const struct vn_session_ep *local);
/* Slot i for `show` (NULL when empty); the main thread's view. */
struct hs_server *hs_server_at(uint32_t i);
uint64_t hs_server_counter(const struct hs_server *srv, enum hs_counter c);
void hs_servers_fini(void);

static inline void
hs_count(struct hs_server *srv, uint32_t thread, enum hs_counter c, uint64_t n)
{
	srv->cnt[thread].c[c] += n;
}

/* ---- the per-worker cache (hs_cache.c) ---- */

/* One file as the server answers it. */
struct hs_file {
	uint64_t size;
	time_t mtime;
	const char *type;
	char *head; /* prebuilt header lines (hs_file_head) */
	uint32_t head_len;
	uint8_t *body; /* cached bytes, or NULL: streamed from fd */
	int fd; /* open while streamed (uncached files: the session's own) */
};

struct hs_cache_entry;

struct hs_cache_stats {
	uint64_t entries, bytes, evictions;
};

struct hs_cache *hs_cache_create(uint64_t size_limit);
void hs_cache_destroy(struct hs_cache *c);
/* The cached file at path, checked against the disk within the second
 * now; a reference is taken. NULL: not cached, or *is_stale: cached but
 * older, to check with hs_cache_revalidate. */
struct hs_cache_entry *hs_cache_get(struct hs_cache *c, const char *path, uint32_t len,
				    time_t now, bool *is_stale);
/* The entry at path if st (a stat of the file just opened) has its size and
 * mtime (a reference is taken); else it is dropped and NULL returned. */
struct stat;
struct hs_cache_entry *hs_cache_revalidate(struct hs_cache *c, const char *path, uint32_t len,
					   const struct stat *st, time_t now);
/* Caches a file of the given fd (read whole), if it fits the bound; a
 * reference is taken. NULL when it does not fit or the read fails. */
struct hs_cache_entry *hs_cache_put(struct hs_cache *c, const char *path, uint32_t len, int fd,
				    const struct hs_file *f, time_t now);
void hs_cache_unref(struct hs_cache *c, struct hs_cache_entry *e);
const struct hs_file *hs_cache_file(const struct hs_cache_entry *e);
void hs_cache_stats(const struct hs_cache *c, struct hs_cache_stats *st);

/* Prebuilt header lines of a file (Content-Type, Last-Modified, ETag,
 * Cache-Control, Accept-Ranges); returns their length. */
uint32_t hs_file_head(char *buf, uint32_t size, const char *type, time_t mtime, uint64_t fsize,
		      uint32_t max_age);

/* ---- sessions (hs_session.c) ---- */

extern int hs_app;
int hs_app_init(void);
/* Per-worker sweep (node http-static-sweep): times out sessions. */
void hs_sweep(uint32_t thread, uint64_t now_tsc);

#endif
