/*
 * HTTP/1.1 request heads (RFC 9112), paths, ranges (RFC 9110 14), dates and
 * media types for the static server. Strict where leniency lets requests
 * be read two ways (whitespace before a colon, folded lines, a bad
 * Content-Length are 400, as RFC 9112 asks of a server); bare LF line ends
 * are accepted, as nginx does.
 */
#define _GNU_SOURCE /* strptime, timegm */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http_parse.h"

/* tchar of RFC 9110 5.6.2 */
static bool
is_tchar(unsigned char c)
{
	static const char extra[] = "!#$%&'*+-.^_`|~";

	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr(extra, c));
}

/* The end of the line starting at p (the LF), or NULL. */
static const char *
line_end(const char *p, const char *end)
{
	return memchr(p, '\n', (size_t)(end - p));
}

static bool
token_eq(const char *p, uint32_t n, const char *lit)
{
	return strlen(lit) == n && strncasecmp(p, lit, n) == 0;
}

/* The next element of a comma-separated header list (RFC 9110 5.6.1), its
 * surrounding whitespace trimmed: [*s, *e). False at the end of the list. */
static bool
list_next(const char **v, const char *end, const char **s, const char **e)
{
	while (*v < end && (**v == ' ' || **v == '\t' || **v == ','))
		(*v)++;
	if (*v >= end)
		return false;
	*s = *v;
	while (*v < end && **v != ',')
		(*v)++;
	*e = *v;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
	return true;
}

/* Does the comma-separated list v contain token t (any case)? */
static bool
list_has(const char *v, uint32_t n, const char *t)
{
	const char *end = v + n, *s, *e;

	while (list_next(&v, end, &s, &e))
		if (token_eq(s, (uint32_t)(e - s), t))
			return true;
	return false;
}

static int
parse_method(const char *p, uint32_t n, enum hs_method *m)
{
	static const char *const others[] = {"POST", "PUT", "DELETE", "OPTIONS", "PATCH",
					     "TRACE", "CONNECT", NULL};

	if (n == 3 && memcmp(p, "GET", 3) == 0) {
		*m = HS_M_GET;
		return 0;
	}
	if (n == 4 && memcmp(p, "HEAD", 4) == 0) {
		*m = HS_M_HEAD;
		return 0;
	}
	for (uint32_t i = 0; others[i]; i++)
		if (strlen(others[i]) == n && memcmp(p, others[i], n) == 0) {
			*m = HS_M_OTHER;
			return 0;
		}
	for (uint32_t i = 0; i < n; i++)
		if (!is_tchar((unsigned char)p[i]))
			return -400;
	return -501;
}

/* METHOD SP request-target SP HTTP/D.D */
static int
parse_request_line(const char *p, const char *end, struct hs_req *req)
{
	const char *sp1 = memchr(p, ' ', (size_t)(end - p)), *sp2, *v;
	int rc;

	if (!sp1 || sp1 == p)
		return -400;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
	if (!sp2 || sp2 == sp1 + 1)
		return -400;
	for (const char *c = sp1 + 1; c < sp2; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return -400;
	v = sp2 + 1;
	if (end - v != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' || v[5] < '0' ||
	    v[5] > '9' || v[7] < '0' || v[7] > '9')
		return -400;
	rc = parse_method(p, (uint32_t)(sp1 - p), &req->method);
	if (rc < 0)
		return rc;
	if (v[5] != '1')
		return v[5] == '0' ? -400 : -505;
	req->minor = (uint8_t)(v[7] - '0');
	req->target = sp1 + 1;
	req->target_len = (uint32_t)(sp2 - sp1 - 1);
	/* origin-form, or absolute-form whose path we serve (RFC 9112 3.2.2) */
	if (req->target_len > 7 && strncasecmp(req->target, "http://", 7) == 0) {
		const char *slash = memchr(req->target + 7, '/', req->target_len - 7);
		if (!slash)
			return -400;
		req->target_len -= (uint32_t)(slash - req->target);
		req->target = slash;
	}
	if (req->target[0] != '/')
		return -400;
	return 0;
}

static int
parse_u64(const char *p, uint32_t n, uint64_t *v)
{
	uint64_t x = 0;

	if (n == 0 || n > 18)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(p[i] - '0');
	}
	*v = x;
	return 0;
}

int
hs_parse_request(const char *buf, uint32_t len, struct hs_req *req)
{
	const char *p = buf, *end = buf + len, *le;
	bool has_host = false, has_cl = false, conn_close = false, conn_keep = false;
	uint32_t n_headers = 0;
	int rc;

	/* Empty lines before a request are ignored (RFC 9112 2.2). */
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if (p - buf > 8)
		return -400;
	le = line_end(p, end);
	if (!le)
		return end - p > HS_LINE_MAX ? -414 : 0;
	if (le - p > HS_LINE_MAX)
		return -414;
	*req = (struct hs_req){0};
	rc = parse_request_line(p, le > p && le[-1] == '\r' ? le - 1 : le, req);
	if (rc < 0)
		return rc;
	p = le + 1;
	for (;;) {
		const char *e, *colon, *v, *ve;

		le = line_end(p, end);
		if (!le)
			return end - buf >= HS_HEAD_MAX ? -431 : 0;
		if (le + 1 - buf > HS_HEAD_MAX)
			return -431;
		e = le > p && le[-1] == '\r' ? le - 1 : le;
		if (e == p)
			break; /* the empty line: end of the head */
		if (++n_headers > HS_HEADERS_MAX)
			return -431;
		colon = memchr(p, ':', (size_t)(e - p));
		if (!colon || colon == p)
			return -400; /* also catches obs-fold: a line starting with SP */
		for (const char *c = p; c < colon; c++)
			if (!is_tchar((unsigned char)*c))
				return -400;
		for (const char *c = colon + 1; c < e; c++)
			if ((unsigned char)*c < ' ' && *c != '\t')
				return -400;
		v = colon + 1;
		ve = e;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		uint32_t nl = (uint32_t)(colon - p), vl = (uint32_t)(ve - v);
		if (token_eq(p, nl, "host")) {
			if (has_host)
				return -400;
			has_host = true;
		} else if (token_eq(p, nl, "connection")) {
			conn_close |= list_has(v, vl, "close");
			conn_keep |= list_has(v, vl, "keep-alive");
		} else if (token_eq(p, nl, "range")) {
			req->range = v;
			req->range_len = vl;
		} else if (token_eq(p, nl, "if-modified-since")) {
			req->ims = v;
			req->ims_len = vl;
		} else if (token_eq(p, nl, "if-none-match")) {
			req->inm = v;
			req->inm_len = vl;
		} else if (token_eq(p, nl, "if-range")) {
			req->if_range = v;
			req->if_range_len = vl;
		} else if (token_eq(p, nl, "content-length")) {
			uint64_t cl;
			if (parse_u64(v, vl, &cl) < 0 || (has_cl && cl != req->body_len))
				return -400;
			has_cl = true;
			req->body_len = cl;
		} else if (token_eq(p, nl, "transfer-encoding")) {
			return -501; /* a body we would have to de-chunk: not for GET/HEAD */
		}
		p = le + 1;
	}
	if (req->minor >= 1 && !has_host)
		return -400; /* RFC 9112 3.2 */
	req->is_close = conn_close || (req->minor == 0 && !conn_keep);
	return (int)(le + 1 - buf);
}

static int
hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hs_normalize_path(const char *target, uint32_t len, char *out, uint32_t out_size, bool *is_dir)
{
	const char *end = target + len, *q = memchr(target, '?', len);
	uint32_t o = 0; /* out[0, o) is the path so far, segments joined by '/' */
	bool dir = true; /* "" is the root, a directory */

	if (q)
		end = q;
	q = memchr(target, '#', (size_t)(end - target));
	if (q)
		end = q;
	/* Segment by segment: decode, then apply "." and "..". Decoding first
	 * means "%2e%2e" is "..", and a decoded '/' separates segments. */
	for (const char *p = target; p < end;) {
		uint32_t start = o ? o + 1 : 0, sl = 0;
		bool sep = false;

		while (p < end && *p == '/')
			p++;
		if (p == end)
			break;
		while (p < end) {
			char c = *p++;
			if (c == '/') {
				sep = true;
				break;
			}
			if (c == '%') {
				int hi, lo;
				if (end - p < 2 || (hi = hex_val(p[0])) < 0 || (lo = hex_val(p[1])) < 0)
					return -400;
				c = (char)(hi << 4 | lo);
				p += 2;
				if (c == 0)
					return -400;
				if (c == '/') {
					sep = true;
					break;
				}
			}
			if (start + sl + 1 >= out_size)
				return -414;
			out[start + sl++] = c;
		}
		if (sl == 0) {
			/* "%2F" alone: an empty segment */
		} else if (sl == 1 && out[start] == '.') {
			dir = true;
			continue;
		} else if (sl == 2 && out[start] == '.' && out[start + 1] == '.') {
			if (o == 0)
				return -403; /* above the root */
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--; /* and its separator */
			dir = true;
			continue;
		} else {
			if (o > 0)
				out[o] = '/';
			o = start + sl;
		}
		dir = sep;
	}
	out[o] = 0;
	*is_dir = dir || o == 0;
	return (int)o;
}

int
hs_parse_range(const char *v, uint32_t len, uint64_t size, uint64_t *first, uint64_t *last)
{
	const char *end = v + len, *dash;
	uint64_t a, b;

	if (len < 7 || strncasecmp(v, "bytes=", 6) != 0)
		return 0;
	v += 6;
	while (v < end && *v == ' ')
		v++;
	if (memchr(v, ',', (size_t)(end - v)))
		return 0; /* several ranges: the whole file */
	dash = memchr(v, '-', (size_t)(end - v));
	if (!dash)
		return 0;
	const char *be = end;
	while (be > dash + 1 && be[-1] == ' ')
		be--;
	if (dash == v) { /* -n: the last n bytes */
		if (parse_u64(dash + 1, (uint32_t)(be - dash - 1), &b) < 0)
			return 0;
		if (b == 0 || size == 0)
			return -416;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return 1;
	}
	if (parse_u64(v, (uint32_t)(dash - v), &a) < 0)
		return 0;
	if (be == dash + 1) { /* a- */
		b = UINT64_MAX;
	} else {
		if (parse_u64(dash + 1, (uint32_t)(be - dash - 1), &b) < 0)
			return 0;
		if (b < a)
			return 0; /* invalid: ignored (RFC 9110 14.1.1) */
	}
	if (a >= size)
		return -416;
	*first = a;
	*last = b >= size ? size - 1 : b;
	return 1;
}

time_t
hs_parse_date(const char *v, uint32_t len)
{
	static const char *const formats[] = {
		"%a, %d %b %Y %H:%M:%S GMT", /* IMF-fixdate */
		"%A, %d-%b-%y %H:%M:%S GMT", /* RFC 850 */
		"%a %b %e %H:%M:%S %Y", /* asctime */
	};
	char s[64];
	struct tm tm;

	if (len == 0 || len >= sizeof(s))
		return -1;
	memcpy(s, v, len);
	s[len] = 0;
	for (uint32_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		const char *e = strptime(s, formats[i], &tm);
		if (e && *e == 0)
			return timegm(&tm);
	}
	return -1;
}

int
hs_format_date(time_t t, char *buf)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm;

	gmtime_r(&t, &tm);
	/* By hand: strftime's %a and %b follow the locale. */
	memcpy(buf, days + 3 * tm.tm_wday, 3);
	buf[3] = ',';
	buf[4] = ' ';
	buf[5] = (char)('0' + tm.tm_mday / 10);
	buf[6] = (char)('0' + tm.tm_mday % 10);
	buf[7] = ' ';
	memcpy(buf + 8, months + 3 * tm.tm_mon, 3);
	buf[11] = ' ';
	int y = tm.tm_year + 1900;
	buf[12] = (char)('0' + y / 1000 % 10);
	buf[13] = (char)('0' + y / 100 % 10);
	buf[14] = (char)('0' + y / 10 % 10);
	buf[15] = (char)('0' + y % 10);
	buf[16] = ' ';
	buf[17] = (char)('0' + tm.tm_hour / 10);
	buf[18] = (char)('0' + tm.tm_hour % 10);
	buf[19] = ':';
	buf[20] = (char)('0' + tm.tm_min / 10);
	buf[21] = (char)('0' + tm.tm_min % 10);
	buf[22] = ':';
	buf[23] = (char)('0' + tm.tm_sec / 10);
	buf[24] = (char)('0' + tm.tm_sec % 10);
	memcpy(buf + 25, " GMT", 5);
	return 29;
}

int
hs_format_etag(time_t mtime, uint64_t size, char *buf)
{
	return snprintf(buf, 40, "\"%llx-%llx\"", (unsigned long long)mtime,
			(unsigned long long)size);
}

bool
hs_etag_listed(const char *v, uint32_t len, const char *etag, uint32_t etag_len)
{
	const char *end = v + len, *s, *e;

	while (list_next(&v, end, &s, &e)) {
		if (e - s == 1 && *s == '*')
			return true;
		if (e - s > 2 && s[0] == 'W' && s[1] == '/')
			s += 2; /* weak comparison (RFC 9110 13.1.2) */
		if ((uint32_t)(e - s) == etag_len && memcmp(s, etag, etag_len) == 0)
			return true;
	}
	return false;
}

const char *
hs_mime_type(const char *path, uint32_t len)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{"html", "text/html"},
		{"htm", "text/html"},
		{"css", "text/css"},
		{"js", "application/javascript"},
		{"json", "application/json"},
		{"txt", "text/plain"},
		{"png", "image/png"},
		{"jpg", "image/jpeg"},
		{"jpeg", "image/jpeg"},
		{"gif", "image/gif"},
		{"svg", "image/svg+xml"},
		{"ico", "image/x-icon"},
		{"pdf", "application/pdf"},
		{"wasm", "application/wasm"},
	};
	const char *dot = NULL;

	for (uint32_t i = len; i > 0; i--) {
		if (path[i - 1] == '/')
			break;
		if (path[i - 1] == '.') {
			dot = path + i;
			break;
		}
	}
	if (dot)
		for (uint32_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (token_eq(dot, (uint32_t)(path + len - dot), types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

const char *
hs_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}
