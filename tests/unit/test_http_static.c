/*
 * http_static plugin: the request parser (every error class, pipelined
 * requests split across reads at every byte position), byte ranges, path
 * normalisation and escapes, media types, dates, sizes, the per-worker
 * file cache (LRU bound, references, revalidation) and the http-static:
 * config section's checks. Linked with http_static_objs (tests/CMakeLists.txt).
 */
#define _GNU_SOURCE
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/engine_config.h"
#include "hs.h"
#include "http_parse.h"
#include "vn_test.h"
#include "vn_test_cli.h"

static int
parse(const char *s, struct hs_req *req)
{
	return hs_parse_request(s, (uint32_t)strlen(s), req);
}

static void
test_request_ok(void)
{
	struct hs_req r;
	const char *get = "GET /a/b.html?x=1 HTTP/1.1\r\nHost: h\r\nRange: bytes=0-9\r\n"
			  "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n";

	CU_ASSERT_EQUAL(parse(get, &r), (int)strlen(get));
	CU_ASSERT_EQUAL(r.method, HS_M_GET);
	CU_ASSERT_EQUAL(r.minor, 1);
	CU_ASSERT_FALSE(r.is_close);
	CU_ASSERT_EQUAL(r.target_len, strlen("/a/b.html?x=1"));
	CU_ASSERT(strncmp(r.target, "/a/b.html?x=1", r.target_len) == 0);
	CU_ASSERT(r.range && strncmp(r.range, "bytes=0-9", r.range_len) == 0);
	CU_ASSERT(r.ims && r.ims_len == 29);
	CU_ASSERT(parse("GET / HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"a\", W/\"b\"\r\n"
			"If-Range: \"c\"\r\n\r\n", &r) > 0);
	CU_ASSERT(r.inm && strncmp(r.inm, "\"a\", W/\"b\"", r.inm_len) == 0);
	CU_ASSERT(r.if_range && strncmp(r.if_range, "\"c\"", r.if_range_len) == 0);
	/* HEAD, bare LF line ends, empty lines before the request */
	CU_ASSERT(parse("\r\nHEAD / HTTP/1.1\nHost: h\n\n", &r) > 0);
	CU_ASSERT_EQUAL(r.method, HS_M_HEAD);
	/* HTTP/1.0 closes unless it asks; Connection: close; keep-alive lists */
	CU_ASSERT(parse("GET / HTTP/1.0\r\n\r\n", &r) > 0);
	CU_ASSERT_TRUE(r.is_close);
	CU_ASSERT(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r) > 0);
	CU_ASSERT_FALSE(r.is_close);
	CU_ASSERT(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n", &r) > 0);
	CU_ASSERT_TRUE(r.is_close);
	/* absolute-form: the path is served */
	CU_ASSERT(parse("GET http://h/x HTTP/1.1\r\nHost: h\r\n\r\n", &r) > 0);
	CU_ASSERT(r.target_len == 2 && strncmp(r.target, "/x", 2) == 0);
	/* a body announced by Content-Length is to be skipped */
	CU_ASSERT(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\n", &r) > 0);
	CU_ASSERT_EQUAL(r.body_len, 12);
	/* other known methods: 405 later; still a request */
	CU_ASSERT(parse("POST / HTTP/1.1\r\nHost: h\r\n\r\n", &r) > 0);
	CU_ASSERT_EQUAL(r.method, HS_M_OTHER);
	/* incomplete: more bytes needed */
	CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nHost: h\r\n", &r), 0);
	CU_ASSERT_EQUAL(parse("GET / HT", &r), 0);
	CU_ASSERT_EQUAL(parse("", &r), 0);
}

static void
test_request_errors(void)
{
	static const struct {
		const char *req;
		int rc;
	} cases[] = {
		{"GET /\r\n\r\n", -400}, /* HTTP/0.9 */
		{"GET  / HTTP/1.1\r\nHost: h\r\n\r\n", -400},
		{"GET / HTTP/1.1 \r\nHost: h\r\n\r\n", -400},
		{"GET / HTTP/1.x\r\nHost: h\r\n\r\n", -400},
		{"GET / FTP/1.1\r\nHost: h\r\n\r\n", -400},
		{"GET x HTTP/1.1\r\nHost: h\r\n\r\n", -400},
		{"GET /\x01 HTTP/1.1\r\nHost: h\r\n\r\n", -400},
		{"G(T / HTTP/1.1\r\nHost: h\r\n\r\n", -400},
		{"GET / HTTP/1.1\r\n\r\n", -400}, /* no Host */
		{"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", -400},
		{"GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", -400},
		{"GET / HTTP/1.1\r\nHost : h\r\n\r\n", -400},
		{"GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", -400},
		{"GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", -400},
		{"GET / HTTP/1.1\r\nHost: h\r\nX: a\x01\r\n\r\n", -400},
		{"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", -400},
		{"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		 -400},
		{"BREW / HTTP/1.1\r\nHost: h\r\n\r\n", -501},
		{"get / HTTP/1.1\r\nHost: h\r\n\r\n", -501},
		{"GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", -501},
		{"GET / HTTP/2.0\r\nHost: h\r\n\r\n", -505},
		{"GET / HTTP/3.0\r\nHost: h\r\n\r\n", -505},
	};
	struct hs_req r;
	char *big;

	for (uint32_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse(cases[i].req, &r);
		if (rc != cases[i].rc)
			printf("\ncase %u: %d, not %d\n", i, rc, cases[i].rc);
		CU_ASSERT_EQUAL(rc, cases[i].rc);
	}
	big = malloc(3 * HS_HEAD_MAX);
	/* 414: a request line over the limit, complete or still arriving */
	strcpy(big, "GET /");
	memset(big + 5, 'a', HS_LINE_MAX);
	big[5 + HS_LINE_MAX] = 0;
	CU_ASSERT_EQUAL(parse(big, &r), -414);
	strcat(big, " HTTP/1.1\r\nHost: h\r\n\r\n");
	CU_ASSERT_EQUAL(parse(big, &r), -414);
	/* just under the limit is served */
	strcpy(big, "GET /");
	memset(big + 5, 'a', HS_LINE_MAX - 20);
	strcpy(big + 5 + HS_LINE_MAX - 20, " HTTP/1.1\r\nHost: h\r\n\r\n");
	CU_ASSERT(parse(big, &r) > 0);
	/* 431: a header block over the limit, complete or endless */
	strcpy(big, "GET / HTTP/1.1\r\nHost: h\r\nX: ");
	size_t n = strlen(big);
	memset(big + n, 'b', HS_HEAD_MAX);
	big[n + HS_HEAD_MAX] = 0;
	CU_ASSERT_EQUAL(parse(big, &r), -431);
	strcat(big, "\r\n\r\n");
	CU_ASSERT_EQUAL(parse(big, &r), -431);
	/* 431: too many header fields */
	strcpy(big, "GET / HTTP/1.1\r\nHost: h\r\n");
	for (uint32_t i = 0; i < HS_HEADERS_MAX; i++)
		strcat(big, "X: y\r\n");
	strcat(big, "\r\n");
	CU_ASSERT_EQUAL(parse(big, &r), -431);
	free(big);
}

/* Three pipelined requests, delivered in two reads split at every byte:
 * each parse sees only what a FIFO would hold, and the requests come out
 * whole and in order. */
static void
test_pipelining_splits(void)
{
	static const char stream[] = "GET /one HTTP/1.1\r\nHost: h\r\n\r\n"
				     "HEAD /two HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n"
				     "GET /three HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
	static const char *const want[] = {"/one", "/two", "/three"};
	const uint32_t total = sizeof(stream) - 1;

	for (uint32_t split = 0; split <= total; split++) {
		uint32_t have = split, off = 0, got = 0;
		bool ok = true;

		for (int pass = 0; pass < 2; pass++) {
			for (;;) {
				struct hs_req r;
				int rc = hs_parse_request(stream + off, have - off, &r);
				if (rc < 0) {
					ok = false;
					break;
				}
				if (rc == 0)
					break;
				if (got >= 3 || r.target_len != strlen(want[got]) ||
				    strncmp(r.target, want[got], r.target_len) != 0) {
					ok = false;
					break;
				}
				if (got == 1 && r.method != HS_M_HEAD)
					ok = false;
				if (got == 2 && !r.is_close)
					ok = false;
				got++;
				off += (uint32_t)rc;
			}
			have = total; /* the second read brings the rest */
		}
		if (!ok || got != 3 || off != total)
			printf("\nsplit at %u: %u requests, %s\n", split, got, ok ? "ok" : "bad");
		CU_ASSERT_TRUE(ok && got == 3 && off == total);
	}
}

static void
test_ranges(void)
{
	uint64_t a, b;

#define RANGE(s, size) hs_parse_range((s), (uint32_t)strlen(s), (size), &a, &b)
	CU_ASSERT_EQUAL(RANGE("bytes=0-9", 100), 1);
	CU_ASSERT(a == 0 && b == 9);
	CU_ASSERT_EQUAL(RANGE("bytes=10-", 100), 1);
	CU_ASSERT(a == 10 && b == 99);
	CU_ASSERT_EQUAL(RANGE("bytes=-30", 100), 1);
	CU_ASSERT(a == 70 && b == 99);
	CU_ASSERT_EQUAL(RANGE("bytes=-300", 100), 1); /* more than the file: all of it */
	CU_ASSERT(a == 0 && b == 99);
	CU_ASSERT_EQUAL(RANGE("bytes=90-200", 100), 1); /* clamped */
	CU_ASSERT(a == 90 && b == 99);
	CU_ASSERT_EQUAL(RANGE("bytes=99-99", 100), 1);
	CU_ASSERT(a == 99 && b == 99);
	CU_ASSERT_EQUAL(RANGE("bytes=100-", 100), -416);
	CU_ASSERT_EQUAL(RANGE("bytes=100-200", 100), -416);
	CU_ASSERT_EQUAL(RANGE("bytes=-0", 100), -416);
	CU_ASSERT_EQUAL(RANGE("bytes=0-", 0), -416); /* nothing in an empty file */
	CU_ASSERT_EQUAL(RANGE("bytes=9-1", 100), 0); /* invalid: ignored */
	CU_ASSERT_EQUAL(RANGE("bytes=0-1,5-6", 100), 0); /* several: the whole file */
	CU_ASSERT_EQUAL(RANGE("items=0-1", 100), 0);
	CU_ASSERT_EQUAL(RANGE("bytes=a-b", 100), 0);
	CU_ASSERT_EQUAL(RANGE("bytes=", 100), 0);
	CU_ASSERT_EQUAL(RANGE("bytes=5", 100), 0);
#undef RANGE
}

static void
test_paths(void)
{
	static const struct {
		const char *target, *want;
		int rc;
		bool is_dir;
	} cases[] = {
		{"/", "", 0, true},
		{"/index.html", "index.html", 10, false},
		{"/a/b/", "a/b", 3, true},
		{"/a/b", "a/b", 3, false},
		{"//a///b", "a/b", 3, false},
		{"/a/./b/.", "a/b", 3, true},
		{"/a/../b", "b", 1, false},
		{"/a/b/..", "a", 1, true},
		{"/a%20b.txt", "a b.txt", 7, false},
		{"/a%2fb", "a/b", 3, false},
		{"/x?y=/../../z#f", "x", 1, false},
		{"/..", NULL, -403, false},
		{"/../etc/passwd", NULL, -403, false},
		{"/a/../../etc/passwd", NULL, -403, false},
		{"/%2e%2e/etc/passwd", NULL, -403, false},
		{"/%2E%2e%2fetc/passwd", NULL, -403, false},
		{"/a/%2e%2e/%2e%2e/x", NULL, -403, false},
		{"/..%2f..%2fx", NULL, -403, false},
		{"/a%00b", NULL, -400, false},
		{"/a%zz", NULL, -400, false},
		{"/a%2", NULL, -400, false},
		{"/...", "...", 3, false}, /* a name, not a step up */
	};
	char out[HS_PATH_MAX];
	bool is_dir;
	char *big;

	for (uint32_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = hs_normalize_path(cases[i].target, (uint32_t)strlen(cases[i].target), out,
					   sizeof(out), &is_dir);
		bool ok = rc == cases[i].rc &&
			  (rc < 0 || (strcmp(out, cases[i].want) == 0 && is_dir == cases[i].is_dir));
		if (!ok)
			printf("\n%s: %d '%s' dir %d\n", cases[i].target, rc, rc >= 0 ? out : "",
			       is_dir);
		CU_ASSERT_TRUE(ok);
	}
	big = malloc(2 * HS_PATH_MAX);
	big[0] = '/';
	memset(big + 1, 'a', 2 * HS_PATH_MAX - 2);
	big[2 * HS_PATH_MAX - 1] = 0;
	CU_ASSERT_EQUAL(hs_normalize_path(big, (uint32_t)strlen(big), out, sizeof(out), &is_dir),
			-414);
	free(big);
}

static void
test_mime(void)
{
	static const struct {
		const char *path, *type;
	} cases[] = {
		{"index.html", "text/html"},       {"a/s.css", "text/css"},
		{"app.js", "application/javascript"}, {"d.json", "application/json"},
		{"r.txt", "text/plain"},           {"i.png", "image/png"},
		{"i.JPG", "image/jpeg"},           {"i.gif", "image/gif"},
		{"i.svg", "image/svg+xml"},        {"favicon.ico", "image/x-icon"},
		{"d.pdf", "application/pdf"},      {"m.wasm", "application/wasm"},
		{"blob", "application/octet-stream"},
		{"x.tar.gz", "application/octet-stream"},
		{"dir.html/file", "application/octet-stream"},
		{"a.", "application/octet-stream"},
	};

	for (uint32_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_STRING_EQUAL(hs_mime_type(cases[i].path, (uint32_t)strlen(cases[i].path)),
				       cases[i].type);
}

static void
test_dates_sizes(void)
{
	char buf[32];
	uint64_t v;

	CU_ASSERT_EQUAL(hs_format_date(784111777, buf), 29);
	CU_ASSERT_STRING_EQUAL(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
#define DATE(s) hs_parse_date((s), (uint32_t)strlen(s))
	CU_ASSERT_EQUAL(DATE("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
	CU_ASSERT_EQUAL(DATE("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
	CU_ASSERT_EQUAL(DATE("Sun Nov  6 08:49:37 1994"), 784111777);
	CU_ASSERT_EQUAL(DATE("yesterday"), -1);
	CU_ASSERT_EQUAL(DATE("Sun, 06 Nov 1994 08:49:37 GMT junk"), -1);
#undef DATE
	/* entity tags as nginx makes them, and If-None-Match lists */
	CU_ASSERT_EQUAL(hs_format_etag(0x5f1e2d3c, 0x1000, buf), 15);
	CU_ASSERT_STRING_EQUAL(buf, "\"5f1e2d3c-1000\"");
#define LISTED(v) hs_etag_listed((v), (uint32_t)strlen(v), buf, 15)
	CU_ASSERT_TRUE(LISTED("\"5f1e2d3c-1000\""));
	CU_ASSERT_TRUE(LISTED("\"x\", W/\"5f1e2d3c-1000\""));
	CU_ASSERT_TRUE(LISTED(" \"x\" ,\"5f1e2d3c-1000\" "));
	CU_ASSERT_TRUE(LISTED("*"));
	CU_ASSERT_FALSE(LISTED("\"5f1e2d3c-1001\""));
	CU_ASSERT_FALSE(LISTED("5f1e2d3c-1000"));
	CU_ASSERT_FALSE(LISTED(""));
#undef LISTED
	CU_ASSERT(hs_parse_size("4096", &v) == 0 && v == 4096);
	CU_ASSERT(hs_parse_size("64m", &v) == 0 && v == 64u << 20);
	CU_ASSERT(hs_parse_size("2G", &v) == 0 && v == 2ull << 30);
	CU_ASSERT(hs_parse_size("1x", &v) < 0);
	CU_ASSERT(hs_parse_size("", &v) < 0);
	CU_ASSERT(hs_parse_size("-1", &v) < 0);
}

static int
tmp_file(const char *dir, const char *name, size_t size)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	for (size_t i = 0; i < size; i++) {
		char c = (char)('a' + i % 26);
		if (write(fd, &c, 1) != 1)
			return -1;
	}
	return fd;
}

static struct hs_file
file_of(int fd)
{
	struct stat st;
	static char head[256];
	struct hs_file f = {.fd = -1, .type = "text/plain", .head = head};

	fstat(fd, &st);
	f.size = (uint64_t)st.st_size;
	f.mtime = st.st_mtime;
	f.head_len = hs_file_head(head, sizeof(head), f.type, f.mtime, f.size, 60);
	return f;
}

static void
test_cache(void)
{
	char dir[] = "/tmp/hs-cache.XXXXXX", name[8];
	struct hs_cache *c;
	struct hs_cache_entry *e, *ea;
	struct hs_cache_stats st;
	struct hs_file f;
	struct stat sb;
	bool stale;
	int fd[5];

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	/* Files of 1500 bytes (about 1750 with head and entry) in an 8000-byte
	 * cache: four fit, the fifth evicts the least recently used. */
	c = hs_cache_create(8000);
	CU_ASSERT_PTR_NULL(hs_cache_get(c, "a", 1, 100, &stale));
	CU_ASSERT_FALSE(stale);
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "%c", 'a' + i);
		fd[i] = tmp_file(dir, name, 1500);
		if (i == 4) {
			/* a hit makes "a" the most recent: "b" goes, not "a" */
			ea = hs_cache_get(c, "a", 1, 100, &stale);
			CU_ASSERT_PTR_NOT_NULL_FATAL(ea);
		}
		f = file_of(fd[i]);
		e = hs_cache_put(c, name, 1, fd[i], &f, 100);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		CU_ASSERT_EQUAL(hs_cache_file(e)->size, 1500);
		CU_ASSERT(memcmp(hs_cache_file(e)->body, "abcdef", 6) == 0);
		CU_ASSERT(strstr(hs_cache_file(e)->head, "Content-Type: text/plain\r\n") != NULL);
		hs_cache_unref(c, e);
	}
	hs_cache_stats(c, &st);
	CU_ASSERT_EQUAL(st.entries, 4);
	CU_ASSERT_EQUAL(st.evictions, 1);
	CU_ASSERT(st.bytes <= 8000);
	CU_ASSERT_PTR_NULL(hs_cache_get(c, "b", 1, 100, &stale));
	e = hs_cache_get(c, "c", 1, 100, &stale);
	CU_ASSERT_PTR_NOT_NULL(e);
	hs_cache_unref(c, e);
	/* "a" is referenced (a response sending from it): evicted by the next
	 * puts, its body stays readable until the last unref frees it */
	for (int i = 1; i < 5; i++) {
		snprintf(name, sizeof(name), "%c", 'f' + i);
		f = file_of(fd[i]);
		e = hs_cache_put(c, name, 1, fd[i], &f, 100);
		hs_cache_unref(c, e);
	}
	CU_ASSERT_PTR_NULL(hs_cache_get(c, "a", 1, 100, &stale));
	CU_ASSERT(memcmp(hs_cache_file(ea)->body + 26, "abc", 3) == 0);
	hs_cache_unref(c, ea); /* freed now (ASan would see a use after free before) */
	/* a second later an entry is stale: revalidated by size and mtime */
	CU_ASSERT_PTR_NULL(hs_cache_get(c, "g", 1, 101, &stale));
	CU_ASSERT_TRUE(stale);
	fstat(fd[1], &sb);
	e = hs_cache_revalidate(c, "g", 1, &sb, 101);
	CU_ASSERT_PTR_NOT_NULL(e);
	hs_cache_unref(c, e);
	CU_ASSERT_PTR_NOT_NULL(e = hs_cache_get(c, "g", 1, 101, &stale));
	hs_cache_unref(c, e);
	sb.st_size++; /* the file changed: the entry goes */
	CU_ASSERT_PTR_NULL(hs_cache_revalidate(c, "g", 1, &sb, 102));
	CU_ASSERT_PTR_NULL(hs_cache_get(c, "g", 1, 102, &stale));
	CU_ASSERT_FALSE(stale);
	/* a file over a quarter of the bound is not cached (streamed instead) */
	int big = tmp_file(dir, "big", 2500);
	f = file_of(big);
	CU_ASSERT_PTR_NULL(hs_cache_put(c, "big", 3, big, &f, 102));
	hs_cache_destroy(c);
	close(big);
	for (int i = 0; i < 5; i++)
		close(fd[i]);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static void
test_config(void)
{
	struct vn_config cfg;
	char *buf;
	size_t len;
	FILE *err = open_memstream(&buf, &len);

	CU_ASSERT_EQUAL(vn_config_load_string("h.yaml", "http-static:\n  www-root: /tmp\n", &cfg,
					      err),
			-1);
	CU_ASSERT_EQUAL(vn_config_load_string("h.yaml",
					      "http-static:\n"
					      "  - { www-root: /tmp, uri: tcp://1.2.3.4 }\n"
					      "  - { www-root: tmp, uri: tcp://0.0.0.0/80, cache-size: 3q }\n"
					      "  - { www-root: /nonexistent-hs, uri: tcp://0.0.0.0/81 }\n"
					      "  - { uri: tcp://0.0.0.0/82, max-age: -1 }\n",
					      &cfg, err),
			-1);
	fclose(err);
	CU_ASSERT(has(buf, "h.yaml:2:3: http-static: a list of servers expected"));
	CU_ASSERT(has(buf, "h.yaml:2:28: http-static uri: tcp://ADDR/PORT expected"));
	CU_ASSERT(has(buf, "h.yaml:3:17: http-static www-root: an absolute path expected"));
	CU_ASSERT(has(buf, "h.yaml:3:57: http-static cache-size"));
	CU_ASSERT(has(buf, "h.yaml:4:17: http-static www-root: '/nonexistent-hs' is not"));
	CU_ASSERT(has(buf, "h.yaml:5:"));
	free(buf);
	/* a good file passes the check */
	err = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(vn_config_load_string("h.yaml",
					      "http-static:\n"
					      "  - { www-root: /tmp, uri: tcp://0.0.0.0/80, cache-size: 1m,\n"
					      "      keepalive-timeout: 5, header-timeout: 2, max-age: 0 }\n",
					      &cfg, err),
			0);
	fclose(err);
	if (buf && *buf)
		printf("\n%s\n", buf);
	free(buf);
	vn_config_free(&cfg);
}

/* The commands and the Lua function: every refusal names its cause, and
 * nothing listens while the session layer is off. */
static void
test_cli_lua(void)
{
	CU_ASSERT_EQUAL_FATAL(hs_app_init(), 0);
	CU_ASSERT(has(cmd_fail("http static server www-root /tmp"),
		      "uri tcp://ADDR/PORT is required"));
	CU_ASSERT(has(cmd_fail("http static server uri tcp://0.0.0.0/80"),
		      "www-root DIR is required"));
	CU_ASSERT(has(cmd_fail("http static server www-root /tmp uri tcp://0.0.0.0/80 cache-size 3q"),
		      "cache-size: bytes, with k, m or g"));
	CU_ASSERT(has(cmd_fail("http static server www-root /tmp uri tcp://1.2.3/80"),
		      "tcp://ADDR/PORT expected"));
	CU_ASSERT(has(cmd_fail("http static server www-root /tmp uri tcp://0.0.0.0/0"),
		      "tcp://ADDR/PORT expected"));
	CU_ASSERT(has(cmd_fail("http static server www-root /nonexistent-hs uri tcp://0.0.0.0/80"),
		      "no such server or www-root"));
	CU_ASSERT(has(cmd_fail("http static server www-root /etc/hostname uri tcp://0.0.0.0/80"),
		      "www-root is not a directory"));
	CU_ASSERT(has(cmd_fail("http static server www-root /tmp uri tcp://0.0.0.0/80"),
		      "session layer disabled"));
	CU_ASSERT(has(cmd_fail("http static server www-root /tmp uri tcp://0.0.0.0/80 max-age x"),
		      "unexpected 'x' (word 9)"));
	CU_ASSERT(has(cmd_fail("http static server uri tcp://0.0.0.0/80 stop"), "no server there"));
	CU_ASSERT(has(cmd_ok("show http static server"), "no http static server"));
	CU_ASSERT(has(cmd_ok("show http static server cache"), "no http static server"));
	cmd_fail("show http static server bogus");
	/* Lua: the same functions, the same refusals */
	CU_ASSERT(has(cmd_fail("lua eval vecnet.http_static_server('tcp://0.0.0.0/80', {stop = true})"),
		      "no such server"));
	CU_ASSERT(has(cmd_fail("lua eval vecnet.http_static_server('tcp://0.0.0.0/80', "
			       "{www_root = '/tmp'})"),
		      "session layer disabled"));
	CU_ASSERT(has(cmd_fail("lua eval vecnet.http_static_server('tcp://0.0.0.0/80', "
			       "{www_root = '/tmp', max_age = -1})"),
		      "max_age out of range"));
	cmd_fail("lua eval vecnet.http_static_server('tcp://0.0.0.0/80')");
	/* nothing was left half-made */
	CU_ASSERT_PTR_NULL(hs_server_find(&(struct vn_session_ep){.port = 80}));
}

static int
suite_init(void)
{
	out = vn_cli_out_new();
	return out ? 0 : -1;
}

static int
suite_fini(void)
{
	hs_servers_fini();
	vn_cli_out_free(out);
	return 0;
}

int
main(void)
{
	CU_TestInfo tests[] = {
		{"request heads: methods, versions, headers, keep-alive", test_request_ok},
		{"request errors: 400, 414, 431, 501, 505", test_request_errors},
		{"pipelined requests split at every byte", test_pipelining_splits},
		{"byte ranges: a-b, a-, -n, 416, ignored forms", test_ranges},
		{"paths: normalisation, percent-decoding, escapes refused", test_paths},
		{"media types from extensions", test_mime},
		{"HTTP dates, entity tags and sizes", test_dates_sizes},
		{"file cache: LRU bound, references, revalidation", test_cache},
		{"http-static: section checks", test_config},
		{"commands and Lua: refusals", test_cli_lua},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"http_static", suite_init, suite_fini, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return vn_test_run(suites);
}
