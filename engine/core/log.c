/*
 * Logging: one line per message, naming module, function and line, to stderr
 * and into a ring of the last VN_LOG_RING_LINES lines for `show log`.
 *
 * The ring is static (512 x 256 bytes) and written under a mutex: lines come
 * from the main thread and, rarely, from workers, and a line costs a copy of
 * at most 256 bytes under the lock; nothing is allocated per line.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <vecnet/common.h>

#include "core/log_priv.h"

enum vn_log_level vn_log_level = VN_LOG_INFO;

static const char *const level_names[] = {
	[VN_LOG_ERROR] = "error",
	[VN_LOG_WARNING] = "warning",
	[VN_LOG_INFO] = "info",
	[VN_LOG_DEBUG] = "debug",
};

static struct {
	pthread_mutex_t lock;
	uint64_t n; /* lines ever logged; the next goes to n % VN_LOG_RING_LINES */
	char line[VN_LOG_RING_LINES][VN_LOG_LINE_MAX];
} ring = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void
ring_put(const char *text, size_t len)
{
	char *slot;

	pthread_mutex_lock(&ring.lock);
	slot = ring.line[ring.n % VN_LOG_RING_LINES];
	if (len < VN_LOG_LINE_MAX) {
		memcpy(slot, text, len + 1);
	} else {
		memcpy(slot, text, VN_LOG_LINE_MAX - 4);
		memcpy(slot + VN_LOG_LINE_MAX - 4, "...", 4);
	}
	ring.n++;
	pthread_mutex_unlock(&ring.lock);
}

uint32_t
vn_log_ring_last(char (*lines)[VN_LOG_LINE_MAX], uint32_t n)
{
	uint64_t first;

	pthread_mutex_lock(&ring.lock);
	n = (uint32_t)VN_MIN((uint64_t)VN_MIN(n, VN_LOG_RING_LINES), ring.n);
	first = ring.n - n;
	for (uint32_t i = 0; i < n; i++)
		memcpy(lines[i], ring.line[(first + i) % VN_LOG_RING_LINES], VN_LOG_LINE_MAX);
	pthread_mutex_unlock(&ring.lock);
	return n;
}

void
vn_log_emit(enum vn_log_level lvl, const char *mod, const char *fn, int line, const char *fmt, ...)
{
	char msg[1024], text[1280];
	struct timespec ts;
	va_list ap;
	int len;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	/* Line 0: a message from outside vecnet's code (DPDK's), no place to name. */
	if (line > 0)
		len = snprintf(text, sizeof(text), "%ld.%03ld vecnet %s [%s] %s:%d: %s",
			       (long)ts.tv_sec, ts.tv_nsec / 1000000, level_names[lvl], mod, fn,
			       line, msg);
	else
		len = snprintf(text, sizeof(text), "%ld.%03ld vecnet %s [%s] %s", (long)ts.tv_sec,
			       ts.tv_nsec / 1000000, level_names[lvl], mod, msg);
	if (len < 0)
		return;
	fprintf(stderr, "%s\n", text);
	ring_put(text, VN_MIN((size_t)len, sizeof(text) - 1));
}
