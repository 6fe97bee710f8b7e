/*
 * The http-static application: one session per TCP connection, requests
 * read from the rx FIFO one head at a time and answered in order (a
 * pipelined request waits in the FIFO until the answer before it is
 * written), bodies written from the cache or pread from the file as the
 * tx FIFO frees (the tx_space callback).
 *
 * A session's state lives in a per-worker pool: after warm-up neither a
 * connection nor a request allocates. Timeouts are deadlines in TSC ticks
 * that the worker's sweep node (hs_sweep.c) checks: a request head must be
 * complete within header-timeout of its first byte (a client sending one
 * byte a second is closed), an idle keep-alive connection lives
 * keepalive-timeout, and a response whose client reads nothing for
 * send-timeout is reset.
 */
#define VN_LOG_MOD "http_static"
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <rte_cycles.h>
#include <vecnet/graph.h>
#include <vecnet/session.h>

#include "hs.h"
#include "hs_worker.h"

int hs_app = -1;
struct hs_worker *hs_workers[VN_THREAD_MAX];

/* ---- per-worker pool and list ---- */

static struct hs_sess *
sess_alloc(struct hs_worker *w)
{
	struct hs_sess *h = w->free;

	if (!h) {
		/* Grows by a chunk, never shrinks: the steady state allocates nothing. */
		struct hs_chunk *chunk = calloc(1, sizeof(*chunk));
		if (!chunk)
			return NULL;
		chunk->next = w->chunks;
		w->chunks = chunk;
		for (uint32_t i = 0; i < HS_POOL_CHUNK; i++) {
			chunk->sess[i].next = w->free;
			w->free = &chunk->sess[i];
		}
		h = w->free;
	}
	w->free = h->next;
	memset(h, 0, offsetof(struct hs_sess, head));
	h->fd = -1;
	h->prev = &w->live;
	h->next = w->live.next;
	w->live.next->prev = h;
	w->live.next = h;
	w->n_live++;
	return h;
}

static void
sess_free(struct hs_worker *w, struct hs_sess *h)
{
	h->prev->next = h->next;
	h->next->prev = h->prev;
	h->next = w->free;
	w->free = h;
	w->n_live--;
}

static inline uint64_t
deadline_in(uint32_t seconds)
{
	return rte_rdtsc() + (uint64_t)seconds * rte_get_tsc_hz();
}

/* ---- building an answer ---- */

static inline char *
put(char *p, const char *s, uint32_t n)
{
	memcpy(p, s, n);
	return p + n;
}
#define PUT_LIT(p, lit) put((p), (lit), sizeof(lit) - 1)

static char *
put_u64(char *p, uint64_t v)
{
	char tmp[24];
	uint32_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static const char *
worker_date(struct hs_worker *w)
{
	time_t now = time(NULL);

	if (now != w->date_sec) {
		w->date_sec = now;
		hs_format_date(now, w->date);
	}
	return w->date;
}

/* The status line, Server, Date: the start of every answer. */
static char *
put_status(struct hs_worker *w, char *p, int status)
{
	const char *text = hs_status_text(status);

	p = PUT_LIT(p, "HTTP/1.1 ");
	p = put_u64(p, (uint64_t)status);
	*p++ = ' ';
	p = put(p, text, (uint32_t)strlen(text));
	p = PUT_LIT(p, "\r\nServer: vecnet\r\nDate: ");
	p = put(p, worker_date(w), 29);
	return PUT_LIT(p, "\r\n");
}

static char *
put_connection(struct hs_sess *h, char *p, const struct hs_req *req)
{
	if (h->is_close_after)
		return PUT_LIT(p, "Connection: close\r\n\r\n");
	if (req && req->minor == 0)
		return PUT_LIT(p, "Connection: keep-alive\r\n\r\n");
	return PUT_LIT(p, "\r\n");
}

static void
count_status(struct hs_sess *h, int status)
{
	static const enum hs_counter by_status[] = {
		[400 - 400] = HS_C_E400, [403 - 400] = HS_C_E403, [404 - 400] = HS_C_E404,
		[405 - 400] = HS_C_E405, [414 - 400] = HS_C_E414, [416 - 400] = HS_C_E416,
		[431 - 400] = HS_C_E431,
	};

	hs_count(h->srv, h->thread, status < 300 ? HS_C_2XX : status < 400 ? HS_C_3XX
				    : status < 500 ? HS_C_4XX : HS_C_5XX, 1);
	if (status >= 400 && status < 432 && by_status[status - 400])
		hs_count(h->srv, h->thread, by_status[status - 400], 1);
	else if (status == 500)
		hs_count(h->srv, h->thread, HS_C_E500, 1);
	else if (status == 501)
		hs_count(h->srv, h->thread, HS_C_E501, 1);
	else if (status == 505)
		hs_count(h->srv, h->thread, HS_C_E505, 1);
}

/* An error answer with a small HTML body (none for HEAD). Malformed
 * requests close the connection: what follows them cannot be trusted. */
static void
answer_error(struct hs_worker *w, struct hs_sess *h, int status, const struct hs_req *req,
	     bool is_head)
{
	char body[160], *p = h->head;
	const char *text = hs_status_text(status);
	int blen;

	if (status == 400 || status == 414 || status == 431 || status == 501 || status == 505 ||
	    !req)
		h->is_close_after = true;
	blen = snprintf(body, sizeof(body),
			"<html><head><title>%d %s</title></head><body><h1>%d %s</h1></body></html>\r\n",
			status, text, status, text);
	p = put_status(w, p, status);
	p = PUT_LIT(p, "Content-Type: text/html\r\nContent-Length: ");
	p = put_u64(p, (uint64_t)blen);
	p = PUT_LIT(p, "\r\n");
	if (status == 405)
		p = PUT_LIT(p, "Allow: GET, HEAD\r\n");
	p = put_connection(h, p, req);
	if (!is_head)
		p = put(p, body, (uint32_t)blen);
	h->head_len = (uint32_t)(p - h->head);
	h->head_off = 0;
	h->off = h->end = 0;
	h->state = HS_SEND;
	count_status(h, status);
}

/* Percent-encodes what is not safe in a Location header's path. */
static char *
put_path_encoded(char *p, const char *s, uint32_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (uint32_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("/-._~", c)) {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	return p;
}

/* A directory asked without its slash: where it is (as nginx). */
static void
answer_redirect(struct hs_worker *w, struct hs_sess *h, const char *path, uint32_t len,
		const struct hs_req *req)
{
	const char *q = memchr(req->target, '?', req->target_len);
	uint32_t qlen = q ? (uint32_t)(req->target + req->target_len - q) : 0;
	char *p;

	/* Encoded, a path may triple: one that would not fit the head is
	 * refused rather than cut. The query goes along as sent (the parser
	 * let no control character or space through). */
	if ((uint64_t)len * 3 + qlen + 512 > HS_OUT_HEAD) {
		answer_error(w, h, 414, req, req->method == HS_M_HEAD);
		return;
	}
	p = put_status(w, h->head, 301);
	p = PUT_LIT(p, "Location: /");
	p = put_path_encoded(p, path, len);
	*p++ = '/';
	if (q)
		p = put(p, q, qlen);
	p = PUT_LIT(p, "\r\nContent-Length: 0\r\n");
	p = put_connection(h, p, req);
	h->head_len = (uint32_t)(p - h->head);
	h->head_off = 0;
	h->off = h->end = 0;
	h->state = HS_SEND;
	count_status(h, 301);
}

/* The answer for a file: 200, 206, 304 or 416, head into h->head and the
 * body range into [off, end) of the entry or fd the session holds. */
static void
answer_file(struct hs_worker *w, struct hs_sess *h, const struct hs_file *f,
	    const struct hs_req *req)
{
	uint64_t first = 0, last = f->size ? f->size - 1 : 0, len = f->size;
	int status = 200, rc;
	bool range = true;
	char *p;

	/* Validators (RFC 9110 13.2.2): If-None-Match, when sent, decides
	 * alone; If-Range keeps a range only for this very version. */
	if (req->inm || req->if_range) {
		char etag[40];
		uint32_t elen = (uint32_t)hs_format_etag(f->mtime, f->size, etag);

		if (req->inm && hs_etag_listed(req->inm, req->inm_len, etag, elen))
			status = 304;
		if (req->if_range && !(req->if_range_len == elen &&
				       memcmp(req->if_range, etag, elen) == 0) &&
		    hs_parse_date(req->if_range, req->if_range_len) != f->mtime)
			range = false;
	}
	if (req->ims && !req->inm) {
		time_t t = hs_parse_date(req->ims, req->ims_len);
		if (t >= 0 && f->mtime <= t)
			status = 304;
	}
	if (status == 200 && req->range && range) {
		rc = hs_parse_range(req->range, req->range_len, f->size, &first, &last);
		if (rc == 1) {
			status = 206;
			len = last - first + 1;
		} else if (rc < 0) {
			status = 416;
		}
	}
	p = put_status(w, h->head, status);
	p = put(p, f->head, f->head_len);
	if (status == 416) {
		p = PUT_LIT(p, "Content-Range: bytes */");
		p = put_u64(p, f->size);
		p = PUT_LIT(p, "\r\nContent-Length: 0\r\n");
		len = 0;
	} else if (status == 304) {
		len = 0;
	} else {
		if (status == 206) {
			p = PUT_LIT(p, "Content-Range: bytes ");
			p = put_u64(p, first);
			*p++ = '-';
			p = put_u64(p, last);
			*p++ = '/';
			p = put_u64(p, f->size);
			p = PUT_LIT(p, "\r\n");
		}
		p = PUT_LIT(p, "Content-Length: ");
		p = put_u64(p, len);
		p = PUT_LIT(p, "\r\n");
	}
	p = put_connection(h, p, req);
	h->head_len = (uint32_t)(p - h->head);
	h->head_off = 0;
	h->off = first;
	h->end = req->method == HS_M_HEAD ? first : first + len;
	h->state = HS_SEND;
	count_status(h, status);
}

/* Opens path beneath the root, never outside it: RESOLVE_BENEATH refuses
 * ".." above the root, absolute symlinks and symlinks leading out, in the
 * kernel and without a race against the files changing. */
static int
open_beneath(int root_fd, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, root_fd, path[0] ? path : ".", &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

static int
status_of_errno(int err)
{
	switch (err) {
	case -EXDEV: /* escapes the root */
	case -ELOOP:
	case -EACCES:
	case -EPERM:
		return 403;
	default:
		return 404;
	}
}

static void
release_body(struct hs_sess *h)
{
	if (h->ce) {
		hs_cache_unref(h->srv->cache[h->thread], h->ce);
		h->ce = NULL;
	}
	if (h->fd >= 0) {
		close(h->fd);
		h->fd = -1;
	}
}

static void
handle_request(struct hs_worker *w, struct hs_sess *h, const struct hs_req *req)
{
	struct hs_server *srv = h->srv;
	struct hs_cache *c = srv->cache[h->thread];
	struct hs_cache_entry *e = NULL;
	char *path = w->path;
	bool is_dir, is_stale = false, is_head = req->method == HS_M_HEAD;
	time_t now = w->date_sec;
	struct stat st;
	int len, fd;

	hs_count(srv, h->thread, HS_C_REQUESTS, 1);
	h->is_close_after = req->is_close;
	if (req->method == HS_M_OTHER) {
		answer_error(w, h, 405, req, false);
		return;
	}
	len = hs_normalize_path(req->target, req->target_len, path, HS_PATH_MAX, &is_dir);
	if (len < 0) {
		answer_error(w, h, -len, req, is_head);
		return;
	}
	if (is_dir) { /* its index file */
		if (len > 0)
			path[len++] = '/';
		memcpy(path + len, "index.html", sizeof("index.html"));
		len += (int)sizeof("index.html") - 1;
	}
	(void)worker_date(w);
	now = w->date_sec;
	if (!c && srv->cache_size) {
		c = srv->cache[h->thread] = hs_cache_create(srv->cache_size);
	}
	if (c && (e = hs_cache_get(c, path, (uint32_t)len, now, &is_stale))) {
		hs_count(srv, h->thread, HS_C_CACHE_HIT, 1);
		h->ce = e;
		answer_file(w, h, hs_cache_file(e), req);
		return;
	}
	fd = open_beneath(srv->root_fd, path);
	if (fd < 0) {
		answer_error(w, h, status_of_errno(fd), req, is_head);
		return;
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		answer_error(w, h, 404, req, is_head);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		if (!is_dir)
			answer_redirect(w, h, path, (uint32_t)len, req);
		else
			answer_error(w, h, 404, req, is_head); /* index.html is a directory */
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		answer_error(w, h, 404, req, is_head);
		return;
	}
	if (is_stale && (e = hs_cache_revalidate(c, path, (uint32_t)len, &st, now))) {
		close(fd);
		hs_count(srv, h->thread, HS_C_CACHE_HIT, 1);
		h->ce = e;
		answer_file(w, h, hs_cache_file(e), req);
		return;
	}
	hs_count(srv, h->thread, HS_C_CACHE_MISS, 1);
	struct hs_file f = {
		.size = (uint64_t)st.st_size,
		.mtime = st.st_mtime,
		.type = hs_mime_type(path, (uint32_t)len),
		.head = w->file_head,
		.fd = -1,
	};
	f.head_len = hs_file_head(w->file_head, sizeof(w->file_head), f.type, f.mtime, f.size,
				  srv->max_age);
	if (c && (e = hs_cache_put(c, path, (uint32_t)len, fd, &f, now))) {
		close(fd);
		h->ce = e;
		answer_file(w, h, hs_cache_file(e), req);
		return;
	}
	/* Not cached: streamed from the file, read as the tx FIFO frees. */
	hs_count(srv, h->thread, HS_C_STREAMED, 1);
	h->fd = fd;
	answer_file(w, h, &f, req);
}

/* Writes what fits of the answer; true when all of it is written. */
static bool
send_some(struct hs_worker *w, struct hs_sess *h)
{
	struct vn_session *s = h->s;
	uint64_t before = h->head_off + h->off;
	uint32_t n, k;

	while (h->head_off < h->head_len) {
		k = vn_session_write(s, h->head + h->head_off, h->head_len - h->head_off);
		h->head_off += k;
		hs_count(h->srv, h->thread, HS_C_BYTES, k);
		if (h->head_off < h->head_len)
			goto blocked;
	}
	while (h->off < h->end) {
		n = vn_session_tx_space(s);
		if (n == 0)
			goto blocked;
		if ((uint64_t)n > h->end - h->off)
			n = (uint32_t)(h->end - h->off);
		if (h->ce) {
			k = vn_session_write(s, hs_cache_file(h->ce)->body + h->off, n);
		} else {
			ssize_t r;
			if (n > HS_CHUNK)
				n = HS_CHUNK;
			r = pread(h->fd, w->chunk, n, (off_t)h->off);
			if (r <= 0) {
				/* The file shrank under us: the promised length cannot be
				 * kept, so the connection ends (the client sees it short). */
				hs_count(h->srv, h->thread, HS_C_E500, 1);
				vn_session_abort(s);
				return false;
			}
			k = vn_session_write(s, w->chunk, (uint32_t)r);
		}
		h->off += k;
		hs_count(h->srv, h->thread, HS_C_BYTES, k);
		if (k < n)
			goto blocked;
	}
	return true;
blocked:
	if (h->head_off + h->off != before)
		h->deadline = deadline_in(h->srv->send_timeout);
	h->deadline_kind = HS_C_TIMEOUT_SEND;
	return false;
}

/* Discards up to h->skip bytes of a request body from the rx FIFO. */
static void
skip_body(struct hs_worker *w, struct hs_sess *h)
{
	while (h->skip) {
		uint32_t n = (uint32_t)(h->skip < HS_CHUNK ? h->skip : HS_CHUNK);
		n = vn_session_read(h->s, w->chunk, n);
		if (n == 0)
			return;
		h->skip -= n;
	}
}

static void
sess_close(struct hs_sess *h)
{
	h->state = HS_CLOSING;
	h->deadline = deadline_in(h->srv->send_timeout); /* then reset */
	h->deadline_kind = HS_C_MAX; /* counted when the timeout that closed it hit */
	vn_session_close(h->s);
}

/*
 * Answers every complete request in the rx FIFO, in order, as far as the
 * tx FIFO takes the answers. Returns false if the session was aborted
 * (h is gone).
 */
static bool
run(struct hs_worker *w, struct hs_sess *h)
{
	struct vn_session *s = h->s;
	struct hs_req req;
	uint32_t avail, n;
	int r;

	for (;;) {
		if (h->state == HS_SEND) {
			bool done = send_some(w, h);
			if (h->state == HS_GONE)
				return false;
			if (!done)
				return true;
			release_body(h);
			if (h->is_close_after) {
				sess_close(h);
				return true;
			}
			h->state = HS_READ;
			h->deadline = deadline_in(h->srv->keepalive_timeout);
			h->deadline_kind = HS_C_TIMEOUT_IDLE;
			h->has_partial = false;
		}
		if (h->state != HS_READ)
			return true;
		skip_body(w, h);
		if (h->skip)
			return true;
		avail = vn_session_rx_avail(s);
		if (avail == 0) {
			if (h->is_peer_closed)
				sess_close(h);
			return true;
		}
		n = vn_session_peek(s, 0, w->req, avail < HS_HEAD_MAX ? avail : HS_HEAD_MAX);
		r = hs_parse_request(w->req, n, &req);
		if (r == 0) {
			/* An incomplete head: its first byte starts the clock. */
			if (!h->has_partial) {
				h->has_partial = true;
				h->deadline = deadline_in(h->srv->header_timeout);
				h->deadline_kind = HS_C_TIMEOUT_HEADER;
			}
			if (h->is_peer_closed)
				sess_close(h);
			return true;
		}
		if (r < 0) {
			hs_count(h->srv, h->thread, HS_C_REQUESTS, 1);
			answer_error(w, h, -r, NULL, false);
			continue;
		}
		vn_session_read(s, w->chunk, (uint32_t)r);
		h->skip = req.body_len;
		h->has_partial = false;
		handle_request(w, h, &req);
	}
}

/* ---- callbacks ---- */

static inline struct hs_sess *
sess_of(struct vn_session *s)
{
	return (struct hs_sess *)(uintptr_t)vn_session_opaque(s);
}

static int
hs_accept(struct vn_session *s)
{
	struct vn_graph *g = vn_graph_self();
	struct hs_worker *w = g ? hs_workers[g->thread_index] : NULL;
	struct hs_server *srv;
	struct hs_sess *h;
	struct vn_session_ep local;

	vn_session_endpoints(s, &local, NULL);
	srv = hs_server_find(&local);
	if (!w || !srv || !__atomic_load_n(&srv->is_live, __ATOMIC_ACQUIRE))
		return -1;
	h = sess_alloc(w);
	if (!h)
		return -1;
	h->s = s;
	h->srv = srv;
	h->thread = g->thread_index;
	h->state = HS_READ;
	h->deadline = deadline_in(srv->header_timeout);
	h->deadline_kind = HS_C_TIMEOUT_HEADER;
	hs_count(srv, h->thread, HS_C_SESSIONS, 1);
	vn_session_set_opaque(s, (uint64_t)(uintptr_t)h);
	return 0;
}

static void
hs_rx(struct vn_session *s)
{
	struct hs_sess *h = sess_of(s);

	if (!h)
		return;
	if (h->state == HS_CLOSING) { /* what follows the last answer is dropped */
		while (vn_session_read(s, hs_workers[h->thread]->chunk, HS_CHUNK))
			;
		return;
	}
	run(hs_workers[h->thread], h);
}

static void
hs_tx_space(struct vn_session *s)
{
	struct hs_sess *h = sess_of(s);

	if (h && h->state == HS_SEND)
		run(hs_workers[h->thread], h);
}

static void
hs_peer_close(struct vn_session *s)
{
	struct hs_sess *h = sess_of(s);

	if (!h)
		return;
	h->is_peer_closed = true;
	if (h->state == HS_READ)
		run(hs_workers[h->thread], h);
}

static void
hs_reset(struct vn_session *s)
{
	struct hs_sess *h = sess_of(s);

	if (h && h->state != HS_CLOSING)
		hs_count(h->srv, h->thread, HS_C_RESET, 1);
}

static void
hs_cleanup(struct vn_session *s)
{
	struct hs_sess *h = sess_of(s);
	struct hs_worker *w;

	if (!h)
		return;
	w = hs_workers[h->thread];
	release_body(h);
	h->state = HS_GONE;
	/* The last touch of the server: a release, so the main thread that
	 * sees the count complete may free a stopped server. */
	__atomic_store_n(&h->srv->cnt[h->thread].c[HS_C_CLOSED],
			 h->srv->cnt[h->thread].c[HS_C_CLOSED] + 1, __ATOMIC_RELEASE);
	vn_session_set_opaque(s, 0);
	sess_free(w, h);
}

static const struct vn_app_cb hs_cb = {
	.accept = hs_accept,
	.rx = hs_rx,
	.tx_space = hs_tx_space,
	.peer_close = hs_peer_close,
	.reset = hs_reset,
	.cleanup = hs_cleanup,
};

int
hs_app_init(void)
{
	hs_app = vn_app_register("http-static", &hs_cb);
	return hs_app < 0 ? hs_app : 0;
}

/* ---- the sweep ---- */

void
hs_sweep(uint32_t thread, uint64_t now)
{
	struct hs_worker *w = hs_workers[thread];
	struct hs_sess *h, *next;

	if (!w)
		return;
	for (h = w->live.next; h != &w->live; h = next) {
		next = h->next;
		if (h->state == HS_READ && !h->has_partial && h->srv &&
		    !__atomic_load_n(&h->srv->is_live, __ATOMIC_RELAXED)) {
			sess_close(h); /* its server stopped: idle connections end */
			continue;
		}
		if (!h->deadline || now < h->deadline)
			continue;
		if (h->deadline_kind < HS_C_MAX)
			hs_count(h->srv, thread, h->deadline_kind, 1);
		if (h->state == HS_READ) {
			sess_close(h);
		} else {
			/* Sending (or closing) and the client reads nothing: reset. */
			h->state = HS_CLOSING;
			vn_session_abort(h->s); /* cleanup frees h */
		}
	}
}

void
hs_workers_fini(void)
{
	for (uint32_t t = 0; t < VN_THREAD_MAX; t++) {
		struct hs_worker *w = hs_workers[t];
		if (!w)
			continue;
		while (w->chunks) {
			struct hs_chunk *c = w->chunks;
			w->chunks = c->next;
			free(c);
		}
		free(w);
		hs_workers[t] = NULL;
	}
}
