/*
 * libFuzzer harness of the http_static plugin's request parsing: any bytes
 * as a request head, and what a request carries (target, Range,
 * If-Modified-Since, If-None-Match) through the functions that read them.
 * Besides the sanitizers, it checks the promises the server relies on: a
 * parsed head is no longer than its input, and a normalised path never
 * starts with '/', never has a "." or ".." segment and holds no NUL, so
 * openat2 beneath www-root is only ever given a plain relative path.
 * Pure functions: no engine is started.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_parse.h"

static void
check_path(const char *p, int len)
{
	if (len < 0)
		return;
	if ((int)strlen(p) != len || (len > 0 && (p[0] == '/' || p[len - 1] == '/')))
		abort();
	for (const char *s = p; *s;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			abort();
		s += n + (e ? 1 : 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hs_req r;
	char path[HS_PATH_MAX], etag[40];
	uint64_t first, last, fsize;
	bool is_dir;
	int rc, len;

	if (size > 3 * HS_HEAD_MAX)
		return 0;
	rc = hs_parse_request((const char *)data, (uint32_t)size, &r);
	if (rc > (int)size)
		abort();
	if (rc <= 0)
		return 0;
	len = hs_normalize_path(r.target, r.target_len, path, sizeof(path), &is_dir);
	check_path(path, len);
	if (len >= 0)
		(void)hs_mime_type(path, (uint32_t)len);
	fsize = size > 8 ? (uint64_t)data[size - 1] << 8 | data[size - 2] : 0;
	if (r.range && hs_parse_range(r.range, r.range_len, fsize, &first, &last) == 1 &&
	    (first > last || last >= fsize))
		abort();
	if (r.ims)
		(void)hs_parse_date(r.ims, r.ims_len);
	if (r.inm) {
		int n = hs_format_etag((time_t)fsize, fsize, etag);
		(void)hs_etag_listed(r.inm, r.inm_len, etag, (uint32_t)n);
	}
	return 0;
}
