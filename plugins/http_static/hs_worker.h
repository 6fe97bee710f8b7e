/* http_static: per-worker state and sessions (hs_session.c, hs_sweep.c). */
#ifndef HS_WORKER_H
#define HS_WORKER_H

#include "hs.h"

enum hs_sess_state {
	HS_READ, /* waiting for (the rest of) a request head */
	HS_SEND, /* writing an answer */
	HS_CLOSING, /* FIN queued after the last answer */
	HS_GONE, /* cleaned up */
};

#define HS_OUT_HEAD 2048 /* an answer's head; a longer redirect is 414 */

struct hs_cache_entry;

struct hs_sess {
	struct hs_sess *prev, *next; /* the worker's live list, or its free list */
	struct vn_session *s;
	struct hs_server *srv;
	uint32_t thread;
	uint8_t state;
	bool is_close_after; /* the connection ends after this answer */
	bool is_peer_closed;
	bool has_partial; /* part of a request head is in (header timeout running) */
	uint8_t deadline_kind; /* the counter a timeout adds to */
	uint64_t deadline; /* TSC; 0 none */
	uint64_t skip; /* request body bytes still to discard */
	struct hs_cache_entry *ce; /* the body comes from this entry (referenced) */
	int fd; /* or from this file */
	uint64_t off, end; /* body bytes still to write: [off, end) */
	uint32_t head_len, head_off;
	/* Not cleared at allocation: */
	char head[HS_OUT_HEAD];
};

#define HS_POOL_CHUNK 256

/* Sessions are allocated a chunk at a time and never given back before the
 * plugin ends: the steady state allocates nothing. */
struct hs_chunk {
	struct hs_chunk *next;
	struct hs_sess sess[HS_POOL_CHUNK];
};

struct hs_worker {
	struct hs_sess live; /* list head */
	struct hs_sess *free;
	struct hs_chunk *chunks;
	uint32_t n_live;
	time_t date_sec;
	char date[32];
	uint64_t next_sweep; /* TSC */
	uint32_t n_polls; /* of the sweep node */
	char file_head[512];
	char path[HS_PATH_MAX + 16];
	char req[HS_HEAD_MAX];
	uint8_t chunk[HS_CHUNK];
};

extern struct hs_worker *hs_workers[VN_THREAD_MAX];
/* Plugin exit: the workers are stopped. */
void hs_workers_fini(void);

#endif
