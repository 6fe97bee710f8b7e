/* Common macros and logging shared by the engine, nodes and plugins. */
#ifndef VECNET_COMMON_H
#define VECNET_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VN_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define VN_MIN(a, b) ((a) < (b) ? (a) : (b))
#define VN_MAX(a, b) ((a) > (b) ? (a) : (b))
#define VN_IFNAME_MAX 32

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

enum vn_log_level { VN_LOG_ERROR, VN_LOG_WARNING, VN_LOG_INFO, VN_LOG_DEBUG };

extern enum vn_log_level vn_log_level;

void vn_log_emit(enum vn_log_level lvl, const char *mod, const char *fn, int line, const char *fmt,
		 ...) __attribute__((format(printf, 5, 6)));

/* Logs name the module, function and line. VN_LOG_MOD is set per file. */
#ifndef VN_LOG_MOD
#define VN_LOG_MOD "vecnet"
#endif
#define VN_LOG(lvl, ...)                                                                           \
	do {                                                                                       \
		if ((lvl) <= vn_log_level)                                                         \
			vn_log_emit((lvl), VN_LOG_MOD, __func__, __LINE__, __VA_ARGS__);          \
	} while (0)
#define VN_ERR(...) VN_LOG(VN_LOG_ERROR, __VA_ARGS__)
#define VN_WARN(...) VN_LOG(VN_LOG_WARNING, __VA_ARGS__)
#define VN_INFO(...) VN_LOG(VN_LOG_INFO, __VA_ARGS__)
#define VN_DEBUG(...) VN_LOG(VN_LOG_DEBUG, __VA_ARGS__)

/* An IPv4 prefix; addresses are kept in host byte order in the control plane. */
struct vn_prefix {
	uint32_t addr;
	uint8_t len;
};

/* Parsers and formatters shared by CLI, config and Lua. Return 0 or -EINVAL. */
int vn_parse_ip4(const char *s, uint32_t *addr);
int vn_parse_prefix(const char *s, struct vn_prefix *p);
int vn_parse_mac(const char *s, uint8_t mac[6]);
/* Format into buf (at least 16 / 19 / 18 bytes) and return buf. */
char *vn_fmt_ip4(uint32_t addr, char *buf);
char *vn_fmt_prefix(const struct vn_prefix *p, char *buf);
char *vn_fmt_mac(const uint8_t mac[6], char *buf);

static inline uint32_t
vn_prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

#endif
