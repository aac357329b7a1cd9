/* Layer logging: stderr, plus VK_EXT_debug_utils messages for the instance a
 * message concerns.  The threshold is the VKV4L2_LOG setting (error, warn,
 * info, debug; default warn). */
#ifndef VKV4L2_LOG_H
#define VKV4L2_LOG_H

#include <stdint.h>
#include <vulkan/vulkan.h>

enum vkv4l2_log_level {
    VKV4L2_LOG_ERROR = 0,
    VKV4L2_LOG_WARN = 1,
    VKV4L2_LOG_INFO = 2,
    VKV4L2_LOG_DEBUG = 3,
};

struct vkv4l2_instance;

/* Parses a level name; returns -1 for an unknown one. */
int vkv4l2_log_parse_level(const char *name);
void vkv4l2_log_set_level(enum vkv4l2_log_level level);
enum vkv4l2_log_level vkv4l2_log_get_level(void);

/* inst may be NULL (stderr only).  While the instance is being created or
 * destroyed the messengers chained to VkInstanceCreateInfo are called
 * directly.  Otherwise the message goes down the chain with
 * vkSubmitDebugUtilsMessageEXT when the instance enabled VK_EXT_debug_utils,
 * except inside calls during which the loader holds its global lock (its
 * SubmitDebugUtilsMessage terminator takes that lock too): there, stderr
 * only.  Those calls bracket themselves with vkv4l2_log_loader_locked(). */
void vkv4l2_log_inst(const struct vkv4l2_instance *inst, enum vkv4l2_log_level level,
                     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Marks the calling thread as inside a loader-locked call (depth counted). */
void vkv4l2_log_loader_locked(int delta);

/* A non-dispatchable handle for "0x%llx": a pointer on 64-bit targets, a
 * uint64_t on 32-bit ones (armhf), where a (void *) cast would truncate. */
#if VK_USE_64_BIT_PTR_DEFINES == 1
#define VKV4L2_HANDLE_LLX(h) ((unsigned long long)(uintptr_t)(h))
#else
#define VKV4L2_HANDLE_LLX(h) ((unsigned long long)(h))
#endif

#define vkv4l2_log(level, ...) vkv4l2_log_inst(NULL, level, __VA_ARGS__)
#define vkv4l2_err(...) vkv4l2_log(VKV4L2_LOG_ERROR, __VA_ARGS__)
#define vkv4l2_warn(...) vkv4l2_log(VKV4L2_LOG_WARN, __VA_ARGS__)
#define vkv4l2_info(...) vkv4l2_log(VKV4L2_LOG_INFO, __VA_ARGS__)
#define vkv4l2_dbg(...) vkv4l2_log(VKV4L2_LOG_DEBUG, __VA_ARGS__)

#endif
