/* Common macros, registration and logging shared by the engine, nodes and plugins. */
#ifndef VECNET_COMMON_H
#define VECNET_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VN_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define VN_MIN(a, b) ((a) < (b) ? (a) : (b))
#define VN_MAX(a, b) ((a) > (b) ? (a) : (b))
#define VN_IFNAME_MAX 32
#define VN_THREAD_MAX 65 /* forwarding threads: the main thread and up to 64 workers */

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

/*
 * A registration: a static object of type `struct T` handed to reg() when the
 * object file is loaded (engine start, or a plugin's dlopen) and to unreg()
 * when it is unloaded, as VLIB_REGISTER_NODE does. A plugin that fails to load
 * or to init is dlclose'd and so takes back everything it registered, without
 * the loader knowing what that was.
 *   VN_REGISTRATION(vn_cli_command, show_foo, vn_cli_register, vn_cli_unregister) = {...};
 */
#define VN_REGISTRATION(T, id, reg, unreg)                                                         \
	static struct T T##_##id;                                                                  \
	static void __attribute__((constructor)) T##_ctor_##id(void)                               \
	{                                                                                          \
		reg(&T##_##id);                                                                    \
	}                                                                                          \
	static void __attribute__((destructor)) T##_dtor_##id(void)                                \
	{                                                                                          \
		unreg(&T##_##id);                                                                  \
	}                                                                                          \
	static struct T T##_##id

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

#endif
