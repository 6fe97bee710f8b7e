/*
 * The core's system commands, driven through vn_cli_execute() as vecnetctl
 * would: show log (the logger's ring), show buffers, show memory, show
 * clock, show version verbose, and their argument errors. Only the
 * core and an in-memory EAL with the test packet pool; no interfaces.
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>
#include <rte_version.h>
#include <vecnet/buffer.h>
#include <vecnet/cli.h>
#include <vecnet/plugin.h>

#include "core/log_priv.h"
#include "core/worker_priv.h"
#include "vn_test.h"
#include "vn_test_cli.h"

/* --- helpers ------------------------------------------------------------------ */

static uint32_t
count_lines(const char *text)
{
	uint32_t n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* stderr into a file (or /dev/null, around a flood of log lines) and back. */
static int saved_stderr = -1;

static void
stderr_to(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	CU_ASSERT_FATAL(fd >= 0);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static void
stderr_off(void)
{
	stderr_to("/dev/null");
}

static void
stderr_on(void)
{
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
}

/* --- fixture --------------------------------------------------------------------- */

static int
suite_init(void)
{
	if (vn_test_eal_init() < 0)
		return -1;
	out = vn_cli_out_new();
	return out != NULL ? 0 : -1;
}

static int
suite_fini(void)
{
	vn_cli_out_free(out);
	return 0;
}

/* --- show log ---------------------------------------------------------------------- */

static void
test_log(void)
{
	char want[64], path[64], emitted[512] = "";
	const char *t, *l;
	FILE *f;

	/* The line goes to stderr as before, and the same text into the ring. */
	snprintf(path, sizeof(path), "/tmp/vt-cs-log-%d.txt", (int)getpid());
	stderr_to(path);
	VN_WARN("show-log probe %d", 42);
	stderr_on();
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(fgets(emitted, sizeof(emitted), f));
	fclose(f);
	unlink(path);
	t = cmd_ok("show log");
	/* The last line is the warning, as it went to stderr:
	 * "<sec>.<ms> vecnet warning [vecnet] test_log:<line>: show-log probe 42". */
	l = strstr(t, "show-log probe 42\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l[strlen("show-log probe 42\n")], '\0');
	while (l > t && l[-1] != '\n')
		l--;
	CU_ASSERT(has(l, " vecnet warning [vecnet] test_log:"));
	CU_ASSERT(strchr("0123456789", l[0]) != NULL); /* its time first */
	CU_ASSERT_STRING_EQUAL(l, emitted);
	CU_ASSERT(count_lines(t) <= 20);

	/* More lines than the ring holds: only the last VN_LOG_RING_LINES stay. */
	stderr_off();
	for (int i = 0; i < VN_LOG_RING_LINES + 10; i++)
		VN_INFO("ring <%d>", i);
	stderr_on();
	t = cmd_ok("show log 512");
	CU_ASSERT_EQUAL(count_lines(t), VN_LOG_RING_LINES);
	CU_ASSERT(lacks(t, "show-log probe"));
	CU_ASSERT(lacks(t, "ring <9>"));
	CU_ASSERT(has(t, "ring <10>"));
	snprintf(want, sizeof(want), "ring <%d>\n", VN_LOG_RING_LINES + 9);
	CU_ASSERT(has(t, want));
	CU_ASSERT(has(t, " vecnet info [vecnet] test_log:"));

	/* show log N: exactly the last N, oldest first; 20 without N. */
	t = cmd_ok("show log 3");
	CU_ASSERT_EQUAL(count_lines(t), 3);
	CU_ASSERT(has(t, "ring <519>\n"));
	CU_ASSERT(strstr(t, "ring <519>\n") < strstr(t, "ring <521>\n"));
	CU_ASSERT(lacks(t, "ring <518>"));
	CU_ASSERT_EQUAL(count_lines(cmd_ok("show log")), 20);
	CU_ASSERT_EQUAL(count_lines(cmd_ok("show log 1")), 1);

	/* A line longer than a ring slot is cut, and says so. */
	stderr_off();
	VN_WARN("long %0300d", 7);
	stderr_on();
	t = cmd_ok("show log 1");
	CU_ASSERT_EQUAL(strlen(t), VN_LOG_LINE_MAX); /* 255 characters and the newline */
	CU_ASSERT(has(t, "...\n"));

	expect_err("show log x",
		   "unexpected 'x' (word 3): expected one of: number 1-512, end of line");
	expect_err("show log 0",
		   "unexpected '0' (word 3): expected one of: number 1-512, end of line");
	expect_err("show log 513",
		   "unexpected '513' (word 3): expected one of: number 1-512, end of line");
	expect_err("show log 3 x", "unexpected 'x' (word 4): expected one of: end of line");
}

/* Workers log too: lines from threads logging at once each take a slot of
 * their own and stay whole; the ring holds the last VN_LOG_RING_LINES. (Whether
 * the threads really collide is up to the scheduler: without the ring's lock
 * this passed, and ThreadSanitizer reported the race at once.) */
#define VT_LOGGERS 3
#define VT_LOG_EACH 2000

static pthread_barrier_t log_start;

static void *
logger(void *arg)
{
	pthread_barrier_wait(&log_start);
	for (int i = 0; i < VT_LOG_EACH; i++)
		VN_INFO("thread %d line %d end", (int)(intptr_t)arg, i);
	return NULL;
}

static void
test_log_threads(void)
{
	static const char head[] = " vecnet info [vecnet] logger:";
	pthread_t th[VT_LOGGERS];
	int last[VT_LOGGERS];
	uint32_t n_lines = 0;
	const char *t;

	stderr_off();
	pthread_barrier_init(&log_start, NULL, VT_LOGGERS);
	for (int i = 0; i < VT_LOGGERS; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, logger, (void *)(intptr_t)i), 0);
	for (int i = 0; i < VT_LOGGERS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&log_start);
	stderr_on();
	t = cmd_ok("show log 512");
	CU_ASSERT_EQUAL(count_lines(t), VN_LOG_RING_LINES);
	for (int i = 0; i < VT_LOGGERS; i++)
		last[i] = -1;
	/* "<time> vecnet info [vecnet] logger:<line>: thread T line N end\n"; a
	 * thread's lines follow each other with no gap (none lost, none doubled). */
	for (const char *l = t; *l; l = strchr(l, '\n') + 1, n_lines++) {
		int id = -1, n = -1, end = 0;
		const char *m = strstr(l, head);

		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		m = strchr(m + strlen(head), ' ');
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT(sscanf(m + 1, "thread %d line %d end%n", &id, &n, &end) == 2);
		CU_ASSERT(end > 0 && m[1 + end] == '\n');
		CU_ASSERT_FATAL(id >= 0 && id < VT_LOGGERS);
		if (last[id] >= 0 && n != last[id] + 1)
			fprintf(stderr, "\n  thread %d: line %d after %d\n", id, n, last[id]);
		CU_ASSERT(last[id] < 0 || n == last[id] + 1);
		last[id] = n;
	}
	CU_ASSERT_EQUAL(n_lines, VN_LOG_RING_LINES);
}

/* --- show buffers ------------------------------------------------------------------ */

struct pool_row {
	char numa[8], data[12];
	unsigned index, size, total, avail, cached, used, cache_size, fill;
};

/* The test pool's row in `show buffers` and its per-lcore cache line. */
static bool
pool_row(struct pool_row *r)
{
	const char *t = cmd_ok("show buffers");
	const char *l = line_of(t, "vn_test_pool");
	char lc[16];

	if (l == NULL) {
		fprintf(stderr, "\n  no vn_test_pool in:\n%s\n", t);
		return false;
	}
	if (sscanf(l, "vn_test_pool %u %7s %u %11s %u %u %u %u", &r->index, r->numa, &r->size,
		   r->data, &r->total, &r->avail, &r->cached, &r->used) != 8)
		return false;
	/* "  cache size 256, per lcore: 0:N" (only lcore 0 is enabled here) */
	l = strchr(l, '\n') + 1;
	snprintf(lc, sizeof(lc), " %u:", rte_lcore_id());
	return sscanf(l, "  cache size %u, per lcore:", &r->cache_size) == 1 && strstr(l, lc) &&
	       sscanf(strstr(l, lc) + strlen(lc), "%u", &r->fill) == 1;
}

static void
test_buffers(void)
{
	enum { K = 300 }; /* more than the lcore cache holds (256) */
	struct rte_mbuf *m[K];
	struct pool_row before, during, after;
	char want[16];

	CU_ASSERT(has(cmd_ok("show buffers"),
		      "Pool Name                Index  NUMA   Size  Data Size    Total    Avail"
		      "   Cached     Used\n"));
	CU_ASSERT_FATAL(pool_row(&before));
	CU_ASSERT_EQUAL(before.total, vn_pktmbuf_pool->size);
	CU_ASSERT_EQUAL(before.total, 4095);
	CU_ASSERT_EQUAL(before.size, vn_pktmbuf_pool->elt_size);
	snprintf(want, sizeof(want), "%u", rte_pktmbuf_data_room_size(vn_pktmbuf_pool));
	CU_ASSERT_STRING_EQUAL(before.data, want);
	CU_ASSERT_STRING_EQUAL(before.numa, "any"); /* created with SOCKET_ID_ANY */
	CU_ASSERT_EQUAL(before.cache_size, 256);
	CU_ASSERT_EQUAL(before.fill, before.cached);
	CU_ASSERT_EQUAL(before.avail + before.cached + before.used, before.total);
	CU_ASSERT_EQUAL(before.used, rte_mempool_in_use_count(vn_pktmbuf_pool));

	/* k buffers allocated: Used rises by k, whatever the cache gave; freed, it falls back. */
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_alloc_bulk(vn_pktmbuf_pool, m, K), 0);
	CU_ASSERT_FATAL(pool_row(&during));
	CU_ASSERT_EQUAL(during.used, before.used + K);
	CU_ASSERT_EQUAL(during.avail + during.cached + during.used, during.total);
	CU_ASSERT_EQUAL(during.fill, during.cached);
	rte_pktmbuf_free_bulk(m, K);
	CU_ASSERT_FATAL(pool_row(&after));
	CU_ASSERT_EQUAL(after.used, before.used);
	CU_ASSERT_EQUAL(after.avail + after.cached, before.avail + before.cached);
	CU_ASSERT_EQUAL(after.fill, after.cached);
	CU_ASSERT(after.cached > 0); /* frees go to the lcore's cache first */

	expect_err("show buffers x", "unexpected 'x' (word 3): expected one of: end of line");
}

/* --- show memory --------------------------------------------------------------------- */

/* "512", "1.5K", "256.0M" back to bytes (to a tenth of the unit). */
static double
bytes_of(const char *w)
{
	char *end;
	double v = strtod(w, &end);
	const char *units = "KMGTP", *u = *end ? strchr(units, *end) : NULL;

	for (const char *p = units; u != NULL && p <= u; p++)
		v *= 1024.0;
	return v;
}

/* The row of socket 0 in `show memory`'s heap table: its size and allocated bytes. */
static bool
heap_row(const char *t, double *size, double *alloc)
{
	char sz[16], fr[16], al[16];
	const char *l = strstr(t, "DPDK heaps:\n");

	l = l ? strchr(strchr(l, '\n') + 1, '\n') + 1 : NULL; /* past the column names */
	if (l == NULL || sscanf(l, "  0 %15s %15s %15s", sz, fr, al) != 3)
		return false;
	*size = bytes_of(sz);
	*alloc = bytes_of(al);
	return true;
}

static void
count_zone(const struct rte_memzone *mz, void *arg)
{
	(*(unsigned *)arg)++;
}

static void
test_memory(void)
{
	const char *t = cmd_ok("show memory");
	double size, alloc, alloc2;
	unsigned zones = 0;
	char want[64];
	void *p;

	CU_ASSERT(has(t, "DPDK heaps:\n  Socket       Size       Free  Allocated  Greatest free"
			 "   Allocs\n"));
	CU_ASSERT_FATAL(heap_row(t, &size, &alloc));
	CU_ASSERT(size > 0);
	CU_ASSERT(alloc > 0 && alloc < size);
	/* Memzones: the test pool's, and as many as DPDK walks, summed. */
	CU_ASSERT(has(t, "Memzones:\n  Name "));
	CU_ASSERT(has(t, "\n  MP_vn_test_pool "));
	rte_memzone_walk(count_zone, &zones);
	snprintf(want, sizeof(want), "  %u memzones, ", zones);
	CU_ASSERT(zones > 0 && has(t, want));
	/* The unit tests' EAL runs without hugepages, in 4K pages. */
	CU_ASSERT(has(t, "EAL memory (no hugepages, --no-huge):\n  socket 0: "));
	CU_ASSERT(has(t, " pages of 4.0K, "));
	CU_ASSERT(has(t, "Process heap (malloc): "));

	/* 8 MB more from the DPDK heap shows in Allocated. */
	p = rte_malloc("vt-cs-mem", 8u << 20, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_FATAL(heap_row(cmd_ok("show memory"), &size, &alloc2));
	CU_ASSERT(alloc2 - alloc > 7.9 * (1 << 20) && alloc2 - alloc < 8.2 * (1 << 20));
	rte_free(p);

	expect_err("show memory x", "unexpected 'x' (word 3): expected one of: end of line");
}

/* --- show clock ----------------------------------------------------------------------- */

static void
test_clock(void)
{
	uint64_t hz = rte_get_tsc_hz(), clocks = 0;
	double now = -1, unix_time = 0;
	char date[64], want[96];
	const char *t, *l;
	struct tm tm;
	time_t secs;

	/* Before the engine has started (start_tsc 0) there is no engine time. */
	CU_ASSERT_EQUAL_FATAL(vn_engine.start_tsc, 0);
	t = cmd_ok("show clock");
	CU_ASSERT(has(t, "Time now -, clocks/sec "));
	CU_ASSERT(has(t, "\nuptime -\n"));

	/* Started 5 s ago. */
	vn_engine.start_tsc = rte_rdtsc() - 5 * hz;
	t = cmd_ok("show clock");
	vn_engine.start_tsc = 0;
	CU_ASSERT_EQUAL(sscanf(t, "Time now %lf, clocks/sec %" SCNu64 ",", &now, &clocks), 2);
	CU_ASSERT(now >= 5.0 && now < 6.0);
	CU_ASSERT_EQUAL(clocks, hz); /* the TSC frequency */
	CU_ASSERT(has(t, "\nuptime 00:00:05\n"));
	/* The wall clock: Unix seconds near time(), and the same second as a GMT date. */
	l = strstr(t, "\nUnix time ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(sscanf(l, "\nUnix time %lf", &unix_time), 1);
	CU_ASSERT(unix_time > (double)time(NULL) - 2 && unix_time < (double)time(NULL) + 1);
	secs = (time_t)unix_time;
	gmtime_r(&secs, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	snprintf(want, sizeof(want), ", %s\n", date);
	CU_ASSERT(has(t, want));

	expect_err("show clock x", "unexpected 'x' (word 3): expected one of: end of line");
}

/* --- show version verbose ---------------------------------------------------------------- */

/* The value of "Name:" in `show version verbose`, to the end of its line. */
static const char *
field(const char *text, const char *name, char *buf, size_t len)
{
	const char *l = strstr(text, name);

	buf[0] = '\0';
	if (l == NULL || (l != text && l[-1] != '\n')) {
		fprintf(stderr, "\n  no '%s' in:\n%s\n", name, text);
		return buf;
	}
	l += strlen(name);
	l += strspn(l, " ");
	snprintf(buf, len, "%.*s", (int)strcspn(l, "\n"), l);
	return buf;
}

static void
test_version_verbose(void)
{
	char plain[256], v[1024], want[64];
	const char *t;

	snprintf(plain, sizeof(plain), "%s", cmd_ok("show version"));
	t = cmd_ok("show version verbose");
	/* show version's lines first, then the build. */
	CU_ASSERT_EQUAL(strncmp(t, plain, strlen(plain)), 0);
	CU_ASSERT_STRING_EQUAL(field(t, "Version:", v, sizeof(v)), VN_VERSION);
	CU_ASSERT(has(t, "\nVersion:                  " VN_VERSION "\n")); /* VPP's column */
	CU_ASSERT_STRING_EQUAL(field(t, "Build type:", v, sizeof(v)), VN_TEST_BUILD_TYPE);
	CU_ASSERT_STRING_EQUAL(field(t, "C flags:", v, sizeof(v)), VN_TEST_BUILD_FLAGS);
	CU_ASSERT(has(v, "-march=")); /* add_compile_options reach it */
	CU_ASSERT(has(field(t, "Compiler:", v, sizeof(v)), __VERSION__));
	CU_ASSERT_STRING_EQUAL(field(t, "DPDK version:", v, sizeof(v)), rte_version());
	/* The unit tests link DPDK's shared libraries (the engine links it statically). */
	CU_ASSERT(has(field(t, "DPDK linking:", v, sizeof(v)), "shared, "));
	CU_ASSERT(has(v, "librte_eal.so"));
	snprintf(want, sizeof(want), "%d", VN_PLUGIN_ABI_VERSION);
	CU_ASSERT_STRING_EQUAL(field(t, "Plugin ABI:", v, sizeof(v)), want);
	snprintf(want, sizeof(want), "%d", (int)getpid());
	CU_ASSERT_STRING_EQUAL(field(t, "Current PID:", v, sizeof(v)), want);

	expect_err("show version verbose x",
		   "unexpected 'x' (word 4): expected one of: end of line");
	expect_err("show version x",
		   "unexpected 'x' (word 3): expected one of: keyword 'verbose', end of line");
}

int
main(void)
{
	CU_TestInfo tests[] = {
		{"show log", test_log},
		{"show log: lines from several threads", test_log_threads},
		{"show buffers", test_buffers},
		{"show memory", test_memory},
		{"show clock", test_clock},
		{"show version verbose", test_version_verbose},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"cli system commands", suite_init, suite_fini, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return vn_test_run(suites);
}
