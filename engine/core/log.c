/* Logging: one line per message, naming module, function and line. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <vecnet/common.h>

enum vn_log_level vn_log_level = VN_LOG_INFO;

static const char *const level_names[] = {
	[VN_LOG_ERROR] = "error",
	[VN_LOG_WARNING] = "warning",
	[VN_LOG_INFO] = "info",
	[VN_LOG_DEBUG] = "debug",
};

void
vn_log_emit(enum vn_log_level lvl, const char *mod, const char *fn, int line, const char *fmt, ...)
{
	char msg[1024];
	struct timespec ts;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "%ld.%03ld vecnet %s [%s] %s:%d: %s\n", (long)ts.tv_sec, ts.tv_nsec / 1000000,
		level_names[lvl], mod, fn, line, msg);
}
