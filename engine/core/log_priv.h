/* The logger's ring of recent lines, read by `show log` (core-private). */
#ifndef VN_LOG_PRIV_H
#define VN_LOG_PRIV_H

#include <vecnet/common.h>

/* The ring keeps the last VN_LOG_RING_LINES lines as emitted to stderr (time,
 * level, module, function and line, message), each cut to VN_LOG_LINE_MAX - 1
 * characters (a cut line ends in "..."). */
#define VN_LOG_RING_LINES 512
#define VN_LOG_LINE_MAX 256

/* Copies the last n lines (fewer if fewer were logged), oldest first, into
 * lines[0..]; returns how many it copied. Any thread. */
uint32_t vn_log_ring_last(char (*lines)[VN_LOG_LINE_MAX], uint32_t n);

#endif
