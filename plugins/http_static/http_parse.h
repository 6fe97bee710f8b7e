/*
 * HTTP/1.1 request parsing for the static server: pure functions on a byte
 * buffer (no session, no I/O), so the unit suite drives every case. The
 * request struct points into the caller's buffer; it is valid while that
 * buffer is.
 */
#ifndef HS_HTTP_PARSE_H
#define HS_HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <time.h>

#define HS_LINE_MAX 4096 /* request line; longer: 414 */
#define HS_HEAD_MAX 8192 /* request line and headers; longer: 431 */
#define HS_HEADERS_MAX 64 /* header fields; more: 431 */
#define HS_PATH_MAX 1024 /* a normalised path */

enum hs_method { HS_M_GET, HS_M_HEAD, HS_M_OTHER /* known, not served: 405 */ };

struct hs_req {
	enum hs_method method;
	uint8_t minor; /* HTTP/1.minor */
	bool is_close; /* the connection ends after the answer */
	const char *target; /* request-target, as sent */
	uint32_t target_len;
	const char *range; /* Range value or NULL */
	uint32_t range_len;
	const char *ims; /* If-Modified-Since value or NULL */
	uint32_t ims_len;
	const char *inm; /* If-None-Match value or NULL */
	uint32_t inm_len;
	const char *if_range; /* If-Range value or NULL */
	uint32_t if_range_len;
	uint64_t body_len; /* Content-Length: bytes to skip after the head */
};

/*
 * Parses one request head from buf[0, len). Returns its length (> 0) with
 * req filled, 0 when more bytes are needed, or -STATUS: -400 malformed,
 * -414 request line too long, -431 head too large, -501 unknown method or
 * transfer coding, -505 HTTP major version other than 1.
 */
int hs_parse_request(const char *buf, uint32_t len, struct hs_req *req);

/*
 * The path of a request-target as a file name relative to www-root:
 * query and fragment cut, percent-decoding, "//" and "." collapsed, ".."
 * applied. out gets no leading '/'; *is_dir says the path ended in '/'.
 * Returns its length, -400 bad encoding or a NUL, -403 a ".." above the
 * root, -414 too long.
 */
int hs_normalize_path(const char *target, uint32_t len, char *out, uint32_t out_size,
		      bool *is_dir);

/*
 * One byte range of a file of `size` bytes: 1 with [*first, *last] set, 0
 * when the value is not one range we serve (malformed, other unit, several
 * ranges: the whole file goes), -416 when unsatisfiable.
 */
int hs_parse_range(const char *v, uint32_t len, uint64_t size, uint64_t *first, uint64_t *last);

/* An HTTP date (IMF-fixdate, RFC 850 or asctime); -1 when not one. */
time_t hs_parse_date(const char *v, uint32_t len);
/* IMF-fixdate of t into buf (30 bytes with the NUL); returns 29. */
int hs_format_date(time_t t, char *buf);

/* The entity tag of a file, as nginx makes it: "MTIME-SIZE" in hex, with
 * the quotes; returns its length (at most 36). */
int hs_format_etag(time_t mtime, uint64_t size, char *buf);
/* Does the If-None-Match list v name etag (weak comparison; "*" matches)? */
bool hs_etag_listed(const char *v, uint32_t len, const char *etag, uint32_t etag_len);

/* Content-Type of a file name, from its extension. */
const char *hs_mime_type(const char *path, uint32_t len);

/* Reason phrase of a status code. */
const char *hs_status_text(int status);

#endif
